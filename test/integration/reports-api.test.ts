import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// The PMO's report definitions through the API: created, changed over the version read, sent now,
// their runs listed; nobody else may touch them.

const SAM = 'sam.carter@example.org';

let env: TestStack;
let tokens: Record<string, string>;

beforeAll(async () => {
  env = await startTestStack({ auth: 'on' });
  tokens = Object.fromEntries(await Promise.all([PMO_LEAD, SAM].map(async (email) => [email, await env.stack.mintAccessToken(email)] as const)));
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

function api(path: string, as: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${tokens[as]}`);
  if (init.body) headers.set('content-type', 'application/json');
  return env.web(path, { ...init, headers });
}

const managers = {
  name: 'Managers’ weekly',
  template: 'portfolio-status',
  scope: { kind: 'managed' },
  recipients: [{ person: SAM }],
  cron: '0 7 * * 1',
  timeZone: 'Europe/Berlin',
};

describe('report definitions', () => {
  it('lists the two default definitions for the PMO', async () => {
    const { items } = (await (await api('/api/reports', PMO_LEAD)).json()) as { items: { id: string }[] };

    expect(items.map((item) => item.id)).toEqual(expect.arrayContaining(['weekly-portfolio-status', 'monthly-financial']));
  });

  it('creates a definition under an id made from its name, with its next run', async () => {
    const response = await api('/api/reports', PMO_LEAD, { method: 'POST', body: JSON.stringify(managers) });

    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/reports/managers-weekly');
    expect(((await response.json()) as { nextRunAt?: string }).nextRunAt).toMatch(/T0[56]:00:00\.000Z$/);
  });

  it('names a cron expression that is not valid (400)', async () => {
    const response = await api('/api/reports', PMO_LEAD, { method: 'POST', body: JSON.stringify({ ...managers, cron: '61 * * * *' }) });

    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['cron']);
  });

  it('refuses a change over a version someone else replaced (409)', async () => {
    const response = await api('/api/reports/managers-weekly?version=7', PMO_LEAD, { method: 'PUT', body: JSON.stringify({ ...managers, name: 'Renamed' }) });

    expect(response.status).toBe(409);
  });

  it('sends a report now, to its recipients, and lists the run', async () => {
    const sent = await api('/api/reports/managers-weekly/send', PMO_LEAD, { method: 'POST' });

    expect(sent.status).toBe(202);
    await env.waitForEmail(SAM, 'Managers’ weekly');
    const runs = await eventually('the finished run', async () => {
      const page = (await (await api('/api/reports/managers-weekly/runs', PMO_LEAD)).json()) as { items: { status: string; requestedBy?: string }[] };
      return page.items[0]?.status === 'SENT' ? page : undefined;
    });
    expect(runs.items[0]?.requestedBy).toBe(PMO_LEAD);
  });

  it('lets nobody but the PMO read or change definitions (403)', async () => {
    expect([(await api('/api/reports', SAM)).status, (await api('/api/reports/managers-weekly/send', SAM, { method: 'POST' })).status]).toEqual([403, 403]);
  });

  it('shows the PMO a report’s page, and sends it now from there', async () => {
    const { BrowserSession, csrfTokenOf } = await import('#test/support/browser-session.ts');
    const browser = new BrowserSession();
    await browser.signIn(env.stack.urls.web, PMO_LEAD, '/');
    const page = await (await browser.request(`${env.stack.urls.web}/reports/managers-weekly`)).text();

    const sent = await browser.postForm(`${env.stack.urls.web}/reports/managers-weekly/send`, { _csrf: csrfTokenOf(page) });

    expect(page).toContain('Projects each recipient manages');
    expect([sent.status, sent.headers.get('location')]).toEqual([303, '/reports/managers-weekly?sent=1']);
  });

  it('deletes a definition, which then is gone (204, then 404)', async () => {
    const deleted = await api('/api/reports/managers-weekly', PMO_LEAD, { method: 'DELETE' });

    expect([deleted.status, (await api('/api/reports/managers-weekly', PMO_LEAD)).status]).toEqual([204, 404]);
  });
});

describe('the portfolio', () => {
  async function storedProject(title: string, manager: { name: string; email: string }): Promise<string> {
    const { projectRepository } = await import('#adapters/project-repository.ts');
    const at = new Date().toISOString();
    const id = randomUUID();
    await projectRepository.create({
      id,
      proposalId: randomUUID(),
      title,
      department: 'Operations',
      sponsor: manager,
      manager,
      budget: { amountMinor: 1_000_000, currency: 'EUR' },
      plannedStart: '2026-01-05',
      plannedEnd: '2027-12-31',
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      version: 1,
    });
    return id;
  }

  it('shows the PMO every project and a manager only theirs, each with its light', async () => {
    const mine = await storedProject('Portfolio of Sam', { name: 'Sam Carter', email: SAM });
    const other = await storedProject('Portfolio of Lena', { name: 'Lena Berg', email: 'lena.berg@example.org' });

    const pmo = (await (await api('/api/portfolio', PMO_LEAD)).json()) as { items: { id: string; rag: string }[] };
    const sam = (await (await api('/api/portfolio', SAM)).json()) as { items: { id: string }[] };

    expect(pmo.items.map((project) => project.id)).toEqual(expect.arrayContaining([mine, other]));
    expect(sam.items.map((project) => project.id)).toEqual([mine]);
    expect(pmo.items.find((project) => project.id === mine)?.rag).toBe('green');
  });

  it('draws the lights as a labelled chart on the page, and filters by department', async () => {
    const { BrowserSession } = await import('#test/support/browser-session.ts');
    const browser = new BrowserSession();
    await browser.signIn(env.stack.urls.web, PMO_LEAD, '/');

    const page = await (await browser.request(`${env.stack.urls.web}/portfolio?department=Operations&sort=title`)).text();

    expect(page).toMatch(/<svg[^>]*role="img"[^>]*aria-label="Projects by status light: \d+ green/);
    expect(page).toContain('Portfolio of Lena');
    expect(page.indexOf('Portfolio of Lena')).toBeLessThan(page.indexOf('Portfolio of Sam'));
  });
});
