import { SignJWT, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '#local/oidc/signing-key.ts';
import { BrowserSession, csrfTokenOf } from '#test/support/browser-session.ts';
import { eventually, PMO_LEAD, proposalBody, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

const SAM = 'sam.carter@example.org';
const ALEX = 'alex.kim@example.org';
const OUTSIDER = 'nobody@elsewhere.example';

let test: TestStack;
let web: string;
let tokens: Record<string, string>;

beforeAll(async () => {
  test = await startTestStack({ auth: 'on' });
  web = test.stack.urls.web;
  tokens = {
    [SAM]: await test.stack.mintAccessToken(SAM),
    [ALEX]: await test.stack.mintAccessToken(ALEX),
    [PMO_LEAD]: await test.stack.mintAccessToken(PMO_LEAD),
  };
}, 60_000);

afterAll(async () => {
  await test.stop();
});

function api(path: string, token: string | undefined, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${web}${path}`, { ...init, headers });
}

function submitAs(token: string, body: Record<string, unknown>): Promise<Response> {
  return api('/api/proposals', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A token the local provider's key signs, with claims of a test's choosing. */
async function signedToken(claims: Record<string, unknown>, header: Record<string, unknown> = { typ: 'at+jwt' }): Promise<string> {
  const jwk = (await loadSigningKey(test.dataDir, { create: false })) as JWK & { kid: string };
  const key = await importJWK(jwk, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: test.stack.urls.oidc, client_id: 'pmo-web', aud: 'pmo-web', email: SAM, iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, ...header })
    .sign(key);
}

describe('sign-in for the pages', () => {
  it('sends someone not signed in to sign in, and back to the page they asked for', async () => {
    const response = await fetch(`${web}/proposals?scope=mine`, { redirect: 'manual' });

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/auth/login?returnTo=${encodeURIComponent('/proposals?scope=mine')}`);
  });

  it('signs a person in through the provider with PKCE, into an HttpOnly SameSite=Lax session', async () => {
    const browser = new BrowserSession();

    const start = await browser.request(`${web}/auth/login?returnTo=%2Fproposals`);
    const authorize = new URL(start.headers.get('location')!);
    const back = await browser.signIn(web, SAM, '/proposals');

    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe('pmo-web');
    expect(back.url).toBe(`${web}/proposals`);
    expect(back.response.status).toBe(200);
    const page = await back.response.text();
    expect(page).toContain('Sam Carter');
    expect(page).toContain('Sign out');
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, with an end', async () => {
    const browser = new BrowserSession();
    const start = await browser.follow(`${web}/auth/login`);
    await start.response.body?.cancel();
    const posted = await browser.request(`${start.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: SAM }).toString(),
    });
    let response = posted;
    let url = start.url;
    while (response.status >= 300 && response.status < 400 && !url.startsWith(`${web}/auth/callback`)) {
      url = new URL(response.headers.get('location')!, url).href;
      response = await browser.request(url);
    }

    const setCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('pmo_session='));

    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Max-Age=28800/);
  });

  it('refuses a callback whose state is not this browser’s', async () => {
    const victim = new BrowserSession();
    const attacker = new BrowserSession();
    const start = await attacker.request(`${web}/auth/login`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;

    const response = await victim.request(`${web}/auth/callback?code=stolen&state=${encodeURIComponent(state)}`);

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Sign-in expired');
    expect(victim.cookie(web, 'pmo_session')).toBeUndefined();
  });

  it('submits through the form as the signed-in person, whatever the form says', async () => {
    const browser = new BrowserSession();
    const form = await browser.signIn(web, SAM, '/proposals/new');
    const html = await form.response.text();

    const response = await browser.postForm(`${web}/proposals`, {
      _csrf: csrfTokenOf(html),
      idempotencyKey: `form-${Date.now()}`,
      title: 'Signed-in submission',
      description: 'A proposal submitted through the form by someone signed in.',
      department: 'Engineering',
      amount: '12000',
      currency: 'EUR',
      startDate: '2027-01-04',
      endDate: '2027-03-31',
      strategicAlignment: '3',
      businessValue: '3',
      risk: '2',
      urgency: '3',
    });

    expect(response.status).toBe(303);
    const id = response.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    const stored = (await (await api(`/api/proposals/${id}`, tokens[PMO_LEAD])).json()) as { submitter: { email: string; name: string } };
    expect(stored.submitter).toEqual({ email: SAM, name: 'Sam Carter' });
  });

  it('refuses a form without the session’s CSRF token', async () => {
    const browser = new BrowserSession();
    await browser.signIn(web, SAM, '/proposals/new');

    const response = await browser.postForm(`${web}/proposals`, { title: 'Forged', _csrf: 'not-the-token' });

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('This form has expired');
  });

  it('refuses one session’s CSRF token in another session', async () => {
    const sam = new BrowserSession();
    const alex = new BrowserSession();
    const samsToken = csrfTokenOf(await (await sam.signIn(web, SAM, '/proposals/new')).response.text());
    await alex.signIn(web, ALEX, '/proposals/new');

    const response = await alex.postForm(`${web}/proposals`, { _csrf: samsToken, title: 'Replayed token' });

    expect(response.status).toBe(403);
  });

  it('signs out: the cookie is cleared and the old session id opens nothing', async () => {
    const browser = new BrowserSession();
    const page = await browser.signIn(web, SAM, '/proposals');
    const sessionId = browser.cookie(web, 'pmo_session')!;

    const signedOut = await browser.follow(`${web}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfTokenOf(await page.response.text()) }).toString(),
    });
    const replay = new BrowserSession();
    replay.setCookie(web, 'pmo_session', sessionId);
    const afterwards = await replay.request(`${web}/proposals`);

    expect(browser.cookie(web, 'pmo_session')).toBeUndefined();
    expect(signedOut.hops.some((hop) => hop.startsWith(test.stack.urls.oidc!))).toBe(true);
    expect(afterwards.status).toBe(302);
    expect(afterwards.headers.get('location')).toMatch(/^\/auth\/login/);
  });

  it('keeps emailed links working without sign-in', async () => {
    const id = (await (await submitAs(tokens[SAM]!, proposalBody({ title: 'Link without sign-in' }))).json()) as { id: string };
    const request = await test.requestTo(PMO_LEAD, 'Link without sign-in');
    const link = /Approve: (\S+)/.exec(request.body.text ?? '')![1]!;

    const response = await fetch(link);

    expect(id.id).toBeTruthy();
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Link without sign-in');
  });
});

describe('bearer tokens on the API', () => {
  it('answers 401 with WWW-Authenticate without a token', async () => {
    const response = await api('/api/proposals', undefined);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('names the signed-in person at /api/me', async () => {
    const response = await api('/api/me', tokens[PMO_LEAD]);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ email: PMO_LEAD, access: ['pmo'] });
  });

  it('refuses a token whose signature was tampered with', async () => {
    const [header, payload, signature] = tokens[SAM]!.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -4)}${signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;

    const response = await api('/api/me', tampered);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('refuses a token whose claims were changed (another person’s email)', async () => {
    const [header, payload, signature] = tokens[SAM]!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, email: PMO_LEAD })).toString('base64url');

    const response = await api('/api/me', `${header}.${forged}.${signature}`);

    expect(response.status).toBe(401);
  });

  it('refuses an expired token, saying so', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await signedToken({ iat: now - 7200, exp: now - 3600 });

    const response = await api('/api/me', expired);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'The access token has expired' });
  });

  it('refuses an ID token presented as an access token', async () => {
    const idToken = await signedToken({ nonce: 'n' }, {});

    const response = await api('/api/me', idToken);

    expect(response.status).toBe(401);
  });

  it('refuses a token of another client or issuer', async () => {
    const otherClient = await signedToken({ client_id: 'someone-else', aud: 'someone-else' });
    const otherIssuer = await signedToken({ iss: 'https://issuer.example' });

    expect((await api('/api/me', otherClient)).status).toBe(401);
    expect((await api('/api/me', otherIssuer)).status).toBe(401);
  });

  it('refuses an unsigned token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: test.stack.urls.oidc, client_id: 'pmo-web', email: PMO_LEAD, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');

    const response = await api('/api/me', `${header}.${payload}.`);

    expect(response.status).toBe(401);
  });

  it('answers 403 to a valid token of someone not in the directory', async () => {
    const outsider = await signedToken({ email: OUTSIDER });

    const response = await api('/api/me', outsider);

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ message: expect.stringContaining('not in the PMO') });
  });
});

describe('who submits, and who reads what', () => {
  it('makes the signed-in person the submitter when the body names none', async () => {
    const body = proposalBody({ title: 'Submitted with a token' });
    delete body.submitter;

    const response = await submitAs(tokens[SAM]!, body);

    expect(response.status).toBe(201);
    expect(((await response.json()) as { submitter: { email: string } }).submitter.email).toBe(SAM);
  });

  it('refuses someone submitting as another person', async () => {
    const response = await submitAs(tokens[SAM]!, proposalBody({ submitter: { name: 'Alex Kim', email: ALEX } }));

    expect(response.status).toBe(403);
  });

  it('lets the PMO submit on behalf of someone in the directory, with the directory’s name', async () => {
    const response = await submitAs(tokens[PMO_LEAD]!, proposalBody({ submitter: { name: 'whatever', email: ALEX.toUpperCase() } }));

    expect(response.status).toBe(201);
    expect(((await response.json()) as { submitter: unknown }).submitter).toEqual({ name: 'Alex Kim', email: ALEX });
  });

  it('refuses the PMO submitting for an address outside the directory, naming the field', async () => {
    const response = await submitAs(tokens[PMO_LEAD]!, proposalBody({ submitter: { name: 'Mallory', email: OUTSIDER } }));

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues[0]!.path).toBe('submitter.email');
  });

  it('lets a submitter read their own proposal and answers 404 to someone it does not involve', async () => {
    const body = proposalBody({ title: 'Only for Sam and the PMO' });
    delete body.submitter;
    const { id } = (await (await submitAs(tokens[SAM]!, body)).json()) as { id: string };

    const own = await api(`/api/proposals/${id}`, tokens[SAM]);
    const other = await api(`/api/proposals/${id}`, tokens[ALEX]);
    const otherHistory = await api(`/api/proposals/${id}/history`, tokens[ALEX]);
    const pmo = await api(`/api/proposals/${id}`, tokens[PMO_LEAD]);

    expect(own.status).toBe(200);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual(await (await api('/api/proposals/00000000-0000-4000-8000-000000000000', tokens[ALEX])).json());
    expect(otherHistory.status).toBe(404);
    expect(pmo.status).toBe(200);
  });

  it('lists a person’s own proposals only, and all of them to the PMO', async () => {
    const mine = (await (await api('/api/proposals?limit=100', tokens[ALEX])).json()) as { scope: string; items: { submitter: { email: string } }[] };
    const all = (await (await api('/api/proposals?limit=100', tokens[PMO_LEAD])).json()) as { scope: string; items: unknown[] };
    const refused = await api('/api/proposals?scope=all', tokens[ALEX]);

    expect(mine.scope).toBe('mine');
    expect(mine.items.every((proposal) => proposal.submitter.email === ALEX)).toBe(true);
    expect(all.scope).toBe('all');
    expect(all.items.length).toBeGreaterThan(mine.items.length);
    expect(refused.status).toBe(403);
  });

  it('lists for an approver the proposals they were asked to decide', async () => {
    const body = proposalBody({ title: 'For the approver to list' });
    delete body.submitter;
    const { id } = (await (await submitAs(tokens[SAM]!, body)).json()) as { id: string };
    await test.requestTo(PMO_LEAD, 'For the approver to list');

    const asked = (await (await api('/api/proposals?scope=to-decide', tokens[PMO_LEAD])).json()) as { scope: string; items: { id: string }[] };
    const notAsked = (await (await api('/api/proposals?scope=to-decide', tokens[ALEX])).json()) as { items: { id: string }[] };

    expect(asked.scope).toBe('to-decide');
    expect(asked.items.map((proposal) => proposal.id)).toContain(id);
    expect(notAsked.items.map((proposal) => proposal.id)).not.toContain(id);
  });
});

describe('projects by role', () => {
  let projectId: string;

  beforeAll(async () => {
    const body = proposalBody({ title: 'A project Sam will run' });
    delete body.submitter;
    const { id } = (await (await submitAs(tokens[SAM]!, body)).json()) as { id: string };
    const request = await test.requestTo(PMO_LEAD, 'A project Sam will run');
    await test.decide(new URL(/Approve: (\S+)/.exec(request.body.text ?? '')![1]!), 'approve');
    projectId = await eventually('the project', async () => {
      const proposal = (await (await api(`/api/proposals/${id}`, tokens[SAM])).json()) as { projectId?: string };
      return proposal.projectId;
    });
  }, 30_000);

  it('lists a project to its manager, to finance and to the PMO, and to nobody else', async () => {
    const listed = async (token: string) => ((await (await api('/api/projects?limit=100', token)).json()) as { items: { id: string }[] }).items.map((project) => project.id);
    const finance = await test.stack.mintAccessToken('femi.adeyemi@example.org');

    expect(await listed(tokens[SAM]!)).toContain(projectId);
    expect(await listed(finance)).toContain(projectId);
    expect(await listed(tokens[PMO_LEAD]!)).toContain(projectId);
    expect(await listed(tokens[ALEX]!)).not.toContain(projectId);
    expect((await api(`/api/projects/${projectId}`, tokens[ALEX])).status).toBe(404);
  });

  it('lets its manager change its status but not hand it to someone else', async () => {
    const patch = (token: string, body: unknown) => api(`/api/projects/${projectId}`, token, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const handOver = await patch(tokens[SAM]!, { managerEmail: ALEX });
    const onHold = await patch(tokens[SAM]!, { status: 'ON_HOLD' });
    const byOutsider = await patch(tokens[ALEX]!, { status: 'ACTIVE' });

    expect(handOver.status).toBe(403);
    expect(onHold.status).toBe(200);
    expect(byOutsider.status).toBe(404);
    const history = (await (await api(`/api/projects/${projectId}/history`, tokens[PMO_LEAD])).json()) as { items: { type: string; actor: string }[] };
    expect(history.items.find((event) => event.type === 'project-status-changed')?.actor).toBe(SAM);
  });
});

describe('emailed submitter links, signed in or not', () => {
  /** Submits as `email`, has the PMO lead reject it, and returns the proposal id and its revise link. */
  async function rejected(email: string, title: string): Promise<{ id: string; revise: URL }> {
    const body = proposalBody({ title });
    delete body.submitter;
    const { id } = (await (await submitAs(await test.stack.mintAccessToken(email), body)).json()) as { id: string };
    const request = await test.requestTo(PMO_LEAD, title);
    await test.decide(new URL(/Reject: (\S+)/.exec(request.body.text ?? '')![1]!), 'reject', 'Not this year.');
    const rejection = await test.waitForEmail(email, 'was not approved');
    return { id, revise: new URL(/Revise and resubmit: (\S+)/.exec(rejection.body.text ?? '')![1]!) };
  }

  function reviseForm(revise: URL, overrides: Record<string, string>): RequestInit {
    return {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        key: revise.searchParams.get('key')!,
        title: 'Revised',
        description: 'A revised plan, with a first phase within this year’s budget.',
        department: 'Engineering',
        amount: '20000',
        currency: 'EUR',
        startDate: '2027-01-04',
        endDate: '2027-06-30',
        strategicAlignment: '4',
        businessValue: '4',
        risk: '2',
        urgency: '3',
        ...overrides,
      }).toString(),
    };
  }

  it('keeps the submitter of a revision, whatever the revise form names', async () => {
    const { id, revise } = await rejected(ALEX, 'Revised by a hijacker');

    const response = await fetch(`${web}${revise.pathname}`, reviseForm(revise, { submitterName: 'Someone Else', submitterEmail: OUTSIDER }));

    expect(response.status).toBe(303);
    const stored = (await (await api(`/api/proposals/${id}`, tokens[PMO_LEAD])).json()) as { submitter: { email: string }; revision: number };
    expect(stored).toMatchObject({ submitter: { email: ALEX }, revision: 2 });
    expect(await test.emailsTo(OUTSIDER)).toEqual([]);
  });

  it('refuses the links of a submitter deactivated since they were sent', async () => {
    const MIA = 'mia.lopez@example.org';
    const { revise } = await rejected(MIA, 'Revised after leaving');
    const deactivated = await api(`/api/people/${MIA}`, tokens[PMO_LEAD], { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ active: false }) });

    const page = await fetch(revise);
    const posted = await fetch(`${web}${revise.pathname}`, reviseForm(revise, {}));

    expect(deactivated.status).toBe(200);
    expect(page.status).toBe(403);
    expect(posted.status).toBe(403);
  });
});

describe('what a signed-in answer promises', () => {
  it('keeps a signed-in answer out of caches', async () => {
    const response = await api('/api/me', tokens[SAM]);

    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps one person’s idempotency keys apart from another’s', async () => {
    const key = `shared-key-${Date.now()}`;
    const body = proposalBody({ title: 'Same key, two people' });
    delete body.submitter;
    const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key });

    const first = await fetch(`${web}/api/proposals`, { method: 'POST', headers: headers(tokens[ALEX]!), body: JSON.stringify(body) });
    const second = await fetch(`${web}/api/proposals`, { method: 'POST', headers: headers(tokens[SAM]!), body: JSON.stringify({ ...body, title: 'Same key, another proposal' }) });

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
  });
});

describe('a deactivated person', () => {
  it('loses their session at once, and does not get it back when reactivated', async () => {
    const JONAS = 'jonas.weber@example.org';
    const browser = new BrowserSession();
    await (await browser.signIn(web, JONAS, '/proposals')).response.arrayBuffer();
    const change = (active: boolean) =>
      api(`/api/people/${JONAS}`, tokens[PMO_LEAD], { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ active }) });

    expect((await change(false)).status).toBe(200);
    expect((await change(true)).status).toBe(200);
    const afterwards = await browser.request(`${web}/proposals`);

    expect(afterwards.status).toBe(302);
    expect(afterwards.headers.get('location')).toMatch(/^\/auth\/login/);
  });
});
