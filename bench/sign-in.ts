import { BrowserSession } from '#test/support/browser-session.ts';
import { PMO_LEAD, startBenchStack } from './support/bench-stack.ts';
import { percentile } from './support/measure.ts';

/**
 * What sign-in costs a request on the local stack: an API call with a bearer token (signature
 * checked against the cached JWKS, then the person read from the directory) and a page with a
 * session (the session and the person read), each beside the same server's answer to a request that
 * needs neither (the stylesheet); and a whole sign-in through the provider's pages.
 */
export async function benchSignIn(requests = 200): Promise<void> {
  const bench = await startBenchStack({ auth: 'on' });
  const web = bench.stack.urls.web;
  const timed = async (samples: number[], call: () => Promise<Response>) => {
    const started = performance.now();
    const response = await call();
    await response.arrayBuffer();
    samples.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`answered ${response.status}`);
  };
  try {
    const token = await bench.stack.mintAccessToken(PMO_LEAD);
    const browser = new BrowserSession();
    const signInMs: number[] = [];
    for (let index = 0; index < Math.max(5, Math.floor(requests / 20)); index += 1) {
      const started = performance.now();
      const fresh = new BrowserSession();
      await (await fresh.signIn(web, PMO_LEAD, '/proposals/new')).response.arrayBuffer();
      signInMs.push(performance.now() - started);
    }
    await (await browser.signIn(web, PMO_LEAD, '/proposals/new')).response.arrayBuffer();
    const open: number[] = [];
    const bearer: number[] = [];
    const session: number[] = [];
    for (let index = 0; index < requests; index += 1) {
      await timed(open, () => fetch(`${web}/assets/styles.css`));
      await timed(bearer, () => fetch(`${web}/api/me`, { headers: { authorization: `Bearer ${token}` } }));
      await timed(session, () => browser.request(`${web}/proposals/new`));
    }
    const line = (label: string, samples: number[]) =>
      console.log(`  ${label.padEnd(47)} p50 ${percentile(samples, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(samples, 95).toFixed(1).padStart(6)} ms`);
    console.log(`\nSign-in cost on the local stack (${requests} requests each, one after another)`);
    line('GET /assets/styles.css (no sign-in)', open);
    line('GET /api/me (bearer token + directory read)', bearer);
    line('GET /proposals/new (session + directory read)', session);
    line(`whole sign-in through the provider (${signInMs.length}×)`, signInMs);
  } finally {
    await bench.close();
  }
}
