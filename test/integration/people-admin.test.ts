import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINANCE, linkFrom, PMO_DEPUTY, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// The PMO's directory administration, against the local stack with sign-in off (the open viewer
// acts as the PMO). Who may call these routes at all is the route-access suite's to prove.

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

interface PersonJson {
  email: string;
  name: string;
  department?: string;
  managerEmail?: string;
  roles: string[];
  active: boolean;
  redirectedApprovals?: number;
  redirectedTo?: { name: string; email: string }[];
}

interface Problem {
  error: string;
  message: string;
  issues?: { path: string; message: string }[];
}

const KAI = 'kai.berg@example.org';
const VERA = 'vera.lind@example.org';

function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

async function addPerson(body: Record<string, unknown>): Promise<Response> {
  return env.web('/api/people', json('POST', body));
}

async function changePerson(email: string, change: Record<string, unknown>): Promise<Response> {
  return env.web(`/api/people/${encodeURIComponent(email)}`, json('PATCH', change));
}

/** Changes a person and returns them as the API answers, failing on anything but 200. */
async function changed(email: string, change: Record<string, unknown>): Promise<PersonJson> {
  const response = await changePerson(email, change);
  if (response.status !== 200) throw new Error(`PATCH ${email} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as PersonJson;
}

async function issuePaths(response: Response): Promise<string[]> {
  return ((await response.json()) as Problem).issues?.map((issue) => issue.path) ?? [];
}

/** Every person, page after page of `limit`. */
async function everyone(limit: number): Promise<{ people: PersonJson[]; pages: number }> {
  const people: PersonJson[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const response = await env.web(`/api/people?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: PersonJson[]; nextCursor?: string };
    expect(page.items.length).toBeLessThanOrEqual(limit);
    people.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 50);
  return { people, pages };
}

/** The approval requests about `title` that reached an address. */
async function requestsAbout(address: string, title: string) {
  return (await env.emailsTo(address)).filter((email) => email.subject.startsWith('Approval needed') && email.subject.includes(title));
}

describe('adding a person', () => {
  let created: Response;

  beforeAll(async () => {
    created = await addPerson({ email: 'Kai.Berg@Example.org', name: 'Kai Berg', department: 'PMO', managerEmail: PMO_DEPUTY });
  });

  it('answers 201 with the person (address lower-cased, active, no roles) and where to read them', async () => {
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/people/${encodeURIComponent(KAI)}`);
    expect(await created.json()).toEqual({ email: KAI, name: 'Kai Berg', department: 'PMO', managerEmail: PMO_DEPUTY, roles: [], active: true });
  });

  it('reads them back at that address, in any case', async () => {
    const response = await env.web('/api/people/KAI.BERG%40example.org');

    expect(response.status).toBe(200);
    expect(((await response.json()) as PersonJson).name).toBe('Kai Berg');
  });

  it('refuses the same address again with 409, in another case too', async () => {
    const response = await addPerson({ email: 'KAI.BERG@example.org', name: 'Someone Else' });

    expect(response.status).toBe(409);
    expect(((await response.json()) as Problem).error).toBe('Conflict');
    expect(((await (await env.web(`/api/people/${KAI}`)).json()) as PersonJson).name).toBe('Kai Berg');
  });

  it.each([
    ['an address that is not one', { email: 'kai', name: 'Kai' }, 'email'],
    ['no name', { email: 'nameless@example.org' }, 'name'],
    ['a role that is not one', { email: 'r@example.org', name: 'R', roles: ['PMO Lead'] }, 'roles.0'],
    ['a field the directory does not have', { email: 'x@example.org', name: 'X', title: 'Director' }, 'title'],
    ['a manager who is not in the directory', { email: 'y@example.org', name: 'Y', managerEmail: 'nobody@example.org' }, 'managerEmail'],
    ['themselves as manager', { email: 'z@example.org', name: 'Z', managerEmail: 'z@example.org' }, 'managerEmail'],
  ])('refuses %s with 400 naming the field, adding nobody', async (_what, body, path) => {
    const response = await addPerson(body);

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual([path]);
    if (typeof body.email === 'string' && body.email.includes('@')) expect((await env.web(`/api/people/${body.email}`)).status).toBe(404);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await env.web('/api/people', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });

    expect(response.status).toBe(415);
  });
});

describe('reading people', () => {
  it('lists everyone by name a page at a time, each once', async () => {
    const { people, pages } = await everyone(3);

    const emails = people.map((person) => person.email);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails).toEqual(expect.arrayContaining([PMO_LEAD, PMO_DEPUTY, FINANCE, KAI, 'mia.lopez@example.org']));
    const names = people.map((person) => person.name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it('refuses a cursor it did not issue with 400 naming it', async () => {
    const response = await env.web(`/api/people?cursor=${Buffer.from(JSON.stringify({ pk: 'PROPOSAL#x', sk: 'PROPOSAL' })).toString('base64url')}`);

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual(['cursor']);
  });

  it('answers 404 for an address nobody has, and for a path that is not an address', async () => {
    expect((await env.web('/api/people/nobody%40example.org')).status).toBe(404);
    expect((await env.web('/api/people/not-an-address')).status).toBe(404);
  });
});

describe('changing a person', () => {
  it('changes only the fields sent', async () => {
    const person = await changed(KAI, { department: 'Portfolio Office' });

    expect(person).toMatchObject({ name: 'Kai Berg', department: 'Portfolio Office', managerEmail: PMO_DEPUTY, active: true });
  });

  it('removes the department on null', async () => {
    const person = await changed(KAI, { department: null });

    expect(person).not.toHaveProperty('department');
  });

  it.each([
    ['the email address', { email: 'kai@example.org' }, 'email'],
    ['a manager who is not in the directory', { managerEmail: 'nobody@example.org' }, 'managerEmail'],
    ['themselves as manager', { managerEmail: KAI }, 'managerEmail'],
    ['a field the directory does not have', { status: 'ON_HOLD' }, 'status'],
    ['nothing at all', {}, '(body)'],
  ])('refuses %s with 400 naming it', async (_what, change, path) => {
    const response = await changePerson(KAI, change);

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual([path]);
  });

  it('refuses a manager who reports to the person, and keeps the line as it was', async () => {
    // Kai reports to Noor: Noor cannot report to Kai.
    const response = await changePerson(PMO_DEPUTY, { managerEmail: KAI });

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual(['managerEmail']);
    expect(((await (await env.web(`/api/people/${PMO_DEPUTY}`)).json()) as PersonJson).managerEmail).toBeUndefined();
  });

  it('answers 404 for someone not in the directory', async () => {
    expect((await changePerson('nobody@example.org', { name: 'Nobody' })).status).toBe(404);
  });
});

describe('a new PMO lead', () => {
  const title = 'People admin: routed to the new lead';
  let id: string;

  beforeAll(async () => {
    await changed(KAI, { roles: ['pmo-lead'] });
    id = await env.submit({ title });
  });

  it('is asked to decide, beside the PMO lead already there', async () => {
    await env.requestTo(KAI, title);
    await env.requestTo(PMO_LEAD, title);

    const approvers = (await env.proposal(id)).approvals.map((approval) => approval.approver.email);
    expect(approvers.sort()).toEqual([KAI, PMO_LEAD].sort());
  });

  describe('deactivated while the approval waits on them', () => {
    let deactivated: PersonJson;

    beforeAll(async () => {
      deactivated = await changed(KAI, { active: false });
    });

    it('answers the person, and that their pending approval went to their manager', () => {
      expect(deactivated).toMatchObject({ email: KAI, active: false, redirectedApprovals: 1, redirectedTo: [{ email: PMO_DEPUTY, name: 'Noor Haddad' }] });
    });

    it('leaves the approval waiting on the manager, who decides in their own name', async () => {
      const approval = (await env.proposal(id)).approvals.find((candidate) => candidate.approver.email === PMO_DEPUTY);

      expect(approval).toMatchObject({ status: 'PENDING', approver: { email: PMO_DEPUTY } });
      expect(approval?.onBehalfOf).toBeUndefined();
    });

    it('emails the manager the request, saying why it came to them', async () => {
      const request = await env.requestTo(PMO_DEPUTY, title);

      expect(request.body.text).toContain('Kai Berg no longer takes part in PMO reviews');
    });

    it('says so in the audit trail', async () => {
      const history = await env.history(id);

      expect(history).toContainEqual(expect.objectContaining({ type: 'deactivated', summary: expect.stringContaining('Passed from Kai Berg, deactivated in the directory, to Noor Haddad') }));
    });

    it('answers the deactivated person’s own link with 409 and lets the manager decide', async () => {
      const [own] = await requestsAbout(KAI, title);
      expect((await env.decide(linkFrom(own!, 'approve'), 'approve')).status).toBe(409);

      expect((await env.decide(linkFrom(await env.requestTo(PMO_DEPUTY, title), 'approve'), 'approve')).status).toBe(200);
      await env.waitForStatus(id, 'APPROVED');
    });

    it('asks them nothing about a new proposal', async () => {
      const next = 'People admin: after the deactivation';
      const nextId = await env.submit({ title: next });

      await env.requestTo(PMO_LEAD, next);
      const approvers = (await env.proposal(nextId)).approvals.map((approval) => approval.approver.email);
      expect(approvers).toEqual([PMO_LEAD]);
      expect(await requestsAbout(KAI, next)).toEqual([]);
    });

    it('redirects nothing more when deactivated again', async () => {
      expect(await changed(KAI, { active: false })).toMatchObject({ active: false, redirectedApprovals: 0, redirectedTo: [] });
    });
  });
});

describe('the last active PMO lead', () => {
  it('cannot be deactivated while nobody else holds the role', async () => {
    const response = await changePerson(PMO_LEAD, { active: false });

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual(['active']);
    expect(((await (await env.web(`/api/people/${PMO_LEAD}`)).json()) as PersonJson).active).toBe(true);
  });

  it('cannot lose the role while nobody else holds it', async () => {
    const response = await changePerson(PMO_LEAD, { roles: [] });

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual(['roles']);
  });
});

describe('a person without an active manager, deactivated with an approval pending', () => {
  const title = 'People admin: finance falls to the lead';
  let id: string;
  let deactivated: PersonJson;

  beforeAll(async () => {
    const added = await addPerson({ email: VERA, name: 'Vera Lind', department: 'Finance', roles: ['finance'] });
    expect(added.status).toBe(201);
    id = await env.submit({ title, estimatedCost: { amount: 60000, currency: 'EUR' } });
    expect((await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'approve'), 'approve')).status).toBe(200);
    await env.requestTo(VERA, title);
    deactivated = await changed(VERA, { active: false });
  });

  it('has it redirected to the PMO lead', async () => {
    expect(deactivated).toMatchObject({ redirectedApprovals: 1, redirectedTo: [{ email: PMO_LEAD }] });
    const finance = (await env.proposal(id)).approvals.filter((approval) => approval.level === 2);
    expect(finance).toContainEqual(expect.objectContaining({ status: 'PENDING', approver: expect.objectContaining({ email: PMO_LEAD }) }));
  });

  it('can be reactivated, and is asked again from then on', async () => {
    expect(await changed(VERA, { active: true })).toMatchObject({ active: true });
    const next = 'People admin: back in finance';

    await env.submit({ title: next, estimatedCost: { amount: 60000, currency: 'EUR' } });
    expect((await env.decide(linkFrom(await env.requestTo(PMO_LEAD, next), 'approve'), 'approve')).status).toBe(200);

    await env.requestTo(VERA, next);
  });
});

describe('the people pages', () => {
  const form = (fields: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  it('list everyone with a link to each', async () => {
    const response = await env.web('/people');

    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`href="/people/${encodeURIComponent(PMO_LEAD)}"`);
    expect(page).toContain('Deactivated');
  });

  it('show a refused new person again with the error next to the field, and what was typed', async () => {
    const response = await env.web('/people', form({ email: 'not-an-address', name: 'Page Person', department: '', managerEmail: '', roles: '', active: 'yes' }));

    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('id="email-error"');
    expect(page).toContain('value="Page Person"');
  });

  it('add a person and redirect to their page with a confirmation', async () => {
    const response = await env.web('/people', form({ email: 'page.person@example.org', name: 'Page Person', department: 'Sales', managerEmail: 'Jonas.Weber@example.org', roles: 'Finance-Deputy', active: 'yes' }));

    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toBe(`/people/${encodeURIComponent('page.person@example.org')}?saved=created`);
    expect(await (await env.web(location)).text()).toContain('Page Person was added to the directory.');
    expect(await (await env.web('/api/people/page.person@example.org')).json()).toMatchObject({ managerEmail: 'jonas.weber@example.org', roles: ['finance-deputy'] });
  });

  it('deactivate with the box unticked, and say how many approvals went to whom', async () => {
    const title = 'People admin: page deactivation';
    await changed('page.person@example.org', { roles: ['pmo-lead'] });
    await env.submit({ title });
    await env.requestTo('page.person@example.org', title);

    const response = await env.web(
      `/people/${encodeURIComponent('page.person@example.org')}`,
      form({ name: 'Page Person', department: 'Sales', managerEmail: 'jonas.weber@example.org', roles: 'pmo-lead', active: 'no' }),
    );

    expect(response.status).toBe(303);
    const page = await (await env.web(response.headers.get('location')!)).text();
    expect(page).toContain('1 pending approval was redirected to Jonas Weber (jonas.weber@example.org)');
    await env.requestTo('jonas.weber@example.org', title);
  });

  it('refuse an edit form without its fields, changing nothing', async () => {
    const response = await env.web(`/people/${encodeURIComponent(FINANCE)}`, form({ department: 'Treasury' }));

    expect(response.status).toBe(400);
    expect(await (await env.web(`/api/people/${FINANCE}`)).json()).toMatchObject({ department: 'Finance', name: 'Femi Adeyemi' });
  });

  it('answer 404 for a person nobody is', async () => {
    expect((await env.web('/people/nobody%40example.org')).status).toBe(404);
  });
});
