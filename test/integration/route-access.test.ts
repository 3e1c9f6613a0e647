import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_ACCESS, routeKey } from '#web/access-rules.ts';
import { createWebApp } from '#web/app.tsx';
import { BrowserSession, csrfTokenOf } from '#test/support/browser-session.ts';
import { startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// The denials, route by route, from the app's own route table: a route added later is checked here
// without anyone writing its test, and one without a rule fails the unit test of the rules.

const STAFF = 'sam.carter@example.org';
const SOMEONE_ELSE = 'alex.kim@example.org';
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

interface Route {
  readonly method: string;
  readonly path: string;
  readonly concrete: string;
}

/** Every route, with its parameters filled in with values that name nothing of the reader's. */
const ROUTES: Route[] = [
  ...new Map(
    createWebApp({ auth: { mode: 'off' } })
      .routes.filter((route) => route.method !== 'ALL' && !route.path.endsWith('*'))
      .map((route) => [routeKey(route.method, route.path), route] as const),
  ).values(),
].map((route) => ({
  method: route.method,
  path: route.path,
  concrete: route.path.replace(':collection', 'proposals').replace(':email', encodeURIComponent(SOMEONE_ELSE)).replace(/:[a-z]+/g, NO_SUCH_ID),
}));

function isApi(route: Route): boolean {
  return route.path.startsWith('/api/');
}

let test: TestStack;
let staffToken: string;
let staffBrowser: BrowserSession;
let staffCsrf: string;

beforeAll(async () => {
  test = await startTestStack({ auth: 'on' });
  staffToken = await test.stack.mintAccessToken(STAFF);
  staffBrowser = new BrowserSession();
  staffCsrf = csrfTokenOf(await (await staffBrowser.signIn(test.stack.urls.web, STAFF, '/proposals/new')).response.text());
}, 60_000);

afterAll(async () => {
  await test.stop();
});

/** A request of the route's method, with a body where it takes one. */
function requestInit(route: Route, extra: { token?: string; csrf?: string } = {}): RequestInit {
  const headers: Record<string, string> = {};
  if (extra.token) headers.authorization = `Bearer ${extra.token}`;
  if (route.method === 'GET') return { method: 'GET', headers };
  if (isApi(route)) return { method: route.method, headers: { ...headers, 'content-type': 'application/json' }, body: '{}' };
  return { method: route.method, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(extra.csrf ? { _csrf: extra.csrf } : {}).toString() };
}

describe('every route, not signed in', () => {
  const guarded = ROUTES.filter((route) => ['signed-in', 'role'].includes(ROUTE_ACCESS[routeKey(route.method, route.path)]!.kind));
  const open = ROUTES.filter((route) => ['public', 'link'].includes(ROUTE_ACCESS[routeKey(route.method, route.path)]!.kind));

  it.each(guarded.filter(isApi).map((route) => [`${route.method} ${route.path}`, route] as const))('%s answers 401 with a Bearer challenge', async (_name, route) => {
    const response = await fetch(`${test.stack.urls.web}${route.concrete}`, requestInit(route));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each(guarded.filter((route) => !isApi(route)).map((route) => [`${route.method} ${route.path}`, route] as const))('%s asks to sign in', async (_name, route) => {
    const response = await fetch(`${test.stack.urls.web}${route.concrete}`, { ...requestInit(route), redirect: 'manual' });

    if (route.method === 'GET') {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`/auth/login?returnTo=${encodeURIComponent(route.concrete)}`);
    } else {
      expect(response.status).toBe(401);
    }
  });

  it.each(open.map((route) => [`${route.method} ${route.path}`, route] as const))('%s is reached without signing in', async (_name, route) => {
    const response = await fetch(`${test.stack.urls.web}${route.concrete}`, { ...requestInit(route), redirect: 'manual' });

    expect(response.status).not.toBe(401);
    expect(response.headers.get('location') ?? '').not.toMatch(/^\/auth\/login/);
  });
});

describe('every route, signed in without a role', () => {
  const byRule = (kind: string) => ROUTES.filter((route) => ROUTE_ACCESS[routeKey(route.method, route.path)]!.kind === kind);

  it.each(byRule('role').map((route) => [`${route.method} ${route.path}`, route] as const))('%s answers 403', async (_name, route) => {
    const response = isApi(route)
      ? await fetch(`${test.stack.urls.web}${route.concrete}`, requestInit(route, { token: staffToken }))
      : await staffBrowser.request(`${test.stack.urls.web}${route.concrete}`, requestInit(route, { csrf: staffCsrf }));

    expect(response.status).toBe(403);
  });

  it.each(byRule('signed-in').map((route) => [`${route.method} ${route.path}`, route] as const))('%s lets them in (what they may read is the route’s to say)', async (_name, route) => {
    const response = isApi(route)
      ? await fetch(`${test.stack.urls.web}${route.concrete}`, requestInit(route, { token: staffToken }))
      : await staffBrowser.request(`${test.stack.urls.web}${route.concrete}`, requestInit(route, { csrf: staffCsrf }));

    expect([401, 403]).not.toContain(response.status);
    expect(response.headers.get('location') ?? '').not.toMatch(/^\/auth\/login/);
  });
});
