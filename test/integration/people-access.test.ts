import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession, csrfTokenOf } from '#test/support/browser-session.ts';
import { PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// Who reads and changes the directory, with sign-in on: a person reads their own entry, a line
// manager their people's, the PMO everyone's; the PMO alone changes it, and a change of roles or a
// deactivation counts from the person's next request.

const SAM = 'sam.carter@example.org';
/** Sam's line manager in the demo directory. */
const ELENA = 'elena.rossi@example.org';
const ALEX = 'alex.kim@example.org';
const LENA = 'lena.berg@example.org';

let test: TestStack;
let tokens: Record<string, string>;

beforeAll(async () => {
  test = await startTestStack({ auth: 'on' });
  tokens = Object.fromEntries(await Promise.all([SAM, ELENA, ALEX, LENA, PMO_LEAD].map(async (email) => [email, await test.stack.mintAccessToken(email)] as const)));
}, 60_000);

afterAll(async () => {
  await test.stop();
});

function api(path: string, as: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${tokens[as]}`);
  return fetch(`${test.stack.urls.web}${path}`, { ...init, headers });
}

function patch(email: string, as: string, change: Record<string, unknown>): Promise<Response> {
  return api(`/api/people/${encodeURIComponent(email)}`, as, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) });
}

describe('reading a person', () => {
  it('lets a person read their own entry', async () => {
    expect((await api(`/api/people/${SAM}`, SAM)).status).toBe(200);
  });

  it('lets the line manager read their report', async () => {
    const response = await api(`/api/people/${SAM}`, ELENA);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ email: SAM, managerEmail: ELENA });
  });

  it('lets the PMO read anyone', async () => {
    expect((await api(`/api/people/${SAM}`, PMO_LEAD)).status).toBe(200);
  });

  it('answers a colleague as if the person were not in the directory (404, not 403)', async () => {
    const someone = await api(`/api/people/${SAM}`, ALEX);
    const nobody = await api('/api/people/nobody%40example.org', ALEX);

    expect(someone.status).toBe(404);
    expect(await someone.json()).toEqual(await nobody.json());
  });
});

describe('administering the directory', () => {
  it('refuses the list and changes to someone without the PMO role with 403', async () => {
    expect((await api('/api/people', ALEX)).status).toBe(403);
    expect((await patch(ALEX, ALEX, { roles: ['pmo'] })).status).toBe(403);
  });

  it('gives a new role effect at the person’s next request, with the same token', async () => {
    expect((await patch(ALEX, PMO_LEAD, { roles: ['pmo-deputy'] })).status).toBe(200);

    expect((await api('/api/people', ALEX)).status).toBe(200);

    expect((await patch(ALEX, PMO_LEAD, { roles: [] })).status).toBe(200);
    expect((await api('/api/people', ALEX)).status).toBe(403);
  });

  it('refuses a deactivated person’s token from their next request, and lets them in again once reactivated', async () => {
    expect((await patch(LENA, PMO_LEAD, { active: false })).status).toBe(200);

    const refused = await api(`/api/people/${LENA}`, LENA);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toContain('deactivated');

    expect((await patch(LENA, PMO_LEAD, { active: true })).status).toBe(200);
    expect((await api(`/api/people/${LENA}`, LENA)).status).toBe(200);
  });
});

describe('the people pages, signed in as the PMO', () => {
  let browser: BrowserSession;
  let csrf: string;

  beforeAll(async () => {
    browser = new BrowserSession();
    const { response } = await browser.signIn(test.stack.urls.web, PMO_LEAD, `/people/${encodeURIComponent(SAM)}`);
    csrf = csrfTokenOf(await response.text());
  }, 30_000);

  const fields = { name: 'Sam Carter', department: 'Platform', managerEmail: ELENA, roles: '', active: 'yes' };

  it('save a change sent with the page’s CSRF token', async () => {
    const response = await browser.postForm(`${test.stack.urls.web}/people/${encodeURIComponent(SAM)}`, { _csrf: csrf, ...fields });

    expect(response.status).toBe(303);
    expect(await (await api(`/api/people/${SAM}`, PMO_LEAD)).json()).toMatchObject({ department: 'Platform' });
  });

  it('refuse the same form without the token, changing nothing', async () => {
    const response = await browser.postForm(`${test.stack.urls.web}/people/${encodeURIComponent(SAM)}`, { ...fields, department: 'Forged' });

    expect(response.status).toBe(403);
    expect(await (await api(`/api/people/${SAM}`, PMO_LEAD)).json()).toMatchObject({ department: 'Platform' });
  });
});
