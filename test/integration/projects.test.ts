import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectIdFor, type Project } from '#domain/project.ts';
import { ProposalSchema, type Proposal } from '#domain/proposal.ts';
import { linkFrom, PMO_DEPUTY, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;
let service: typeof import('#services/project-service.ts');
/** The project routes, in-process, as the web app mounts them. */
let routes: Hono;

const HOSTILE_TITLE = '<script>alert("pwned")</script> Intranet';
const SPONSOR = 'sam.carter@example.org';

/** Approved proposals, one per journey, so that no test depends on another's changes. */
let proposals: Record<'hostile' | 'racing' | 'managed' | 'closing' | 'paused' | 'viaForm', Proposal>;

/** Submits a proposal, approves it from the PMO lead's email, and returns it as the API shows it. */
async function approvedProposal(title: string, overrides: Record<string, unknown> = {}): Promise<Proposal> {
  const id = await env.submit({ title, ...overrides });
  const request = await env.requestTo(PMO_LEAD, title);
  const decided = await env.decide(linkFrom(request, 'approve'), 'approve');
  if (decided.status !== 200) throw new Error(`Approving "${title}" answered ${decided.status}`);
  await env.waitForStatus(id, 'APPROVED');
  return ProposalSchema.parse(await (await env.web(`/api/proposals/${id}`)).json());
}

async function projectOf(proposal: Proposal): Promise<Project> {
  return service.ensureProjectForProposal(proposal, new Date());
}

function patch(id: string, body: unknown, contentType = 'application/json') {
  return routes.request(`/api/projects/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function getJson<T>(path: string): Promise<T> {
  const response = await routes.request(path);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

function postForm(id: string, fields: Record<string, string>) {
  return routes.request(`/projects/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

beforeAll(async () => {
  env = await startTestStack();
  // Imported once the stack runs: the adapters take the stack's endpoints and table from the environment.
  service = await import('#services/project-service.ts');
  // The whole app (its access control, with sign-in off as the harness runs it), in-process.
  routes = (await import('#web/app.tsx')).createWebApp({ auth: { mode: 'off' } });
  const [hostile, racing, managed, closing, paused, viaForm] = await Promise.all([
    approvedProposal(HOSTILE_TITLE, { estimatedCost: { amount: 30000.5, currency: 'EUR' } }),
    approvedProposal('Racing warehouse scanners'),
    approvedProposal('Managed data platform'),
    approvedProposal('Closing legacy CRM'),
    approvedProposal('Paused office move', { department: 'Operations' }),
    approvedProposal('Form-edited payroll upgrade', { department: 'Operations' }),
  ]);
  proposals = { hostile, racing, managed, closing, paused, viaForm };
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

describe('a project from an approved proposal', () => {
  it('is created once, however many calls race for it', async () => {
    const proposal = proposals.racing;

    const [first, second] = await Promise.all([projectOf(proposal), projectOf(proposal)]);
    const later = await projectOf(proposal);

    expect(second).toEqual(first);
    expect(later).toEqual(first);
    expect(first.id).toBe(projectIdFor(proposal.id));
    const listed = await getJson<{ items: Project[] }>('/api/projects?limit=100');
    expect(listed.items.filter((project) => project.proposalId === proposal.id)).toHaveLength(1);
  });

  it('takes its title, sponsor, first manager, budget in minor units and plan from the proposal', async () => {
    const project = await projectOf(proposals.hostile);

    const shown = await getJson<Project>(`/api/projects/${project.id}`);

    expect(shown).toMatchObject({
      proposalId: proposals.hostile.id,
      title: HOSTILE_TITLE,
      sponsor: { name: 'Sam Carter', email: SPONSOR },
      manager: { name: 'Sam Carter', email: SPONSOR },
      budget: { amountMinor: 3_000_050, currency: 'EUR' },
      plannedStart: proposals.hostile.startDate,
      plannedEnd: proposals.hostile.endDate,
      status: 'ACTIVE',
      version: 1,
    });
  });
});

describe('GET /api/projects', () => {
  beforeAll(async () => {
    await Promise.all(Object.values(proposals).map(projectOf));
  });

  it('lists every project newest first', async () => {
    const { items } = await getJson<{ items: Project[] }>('/api/projects?limit=100');

    expect(items.map((project) => project.proposalId)).toEqual(expect.arrayContaining(Object.values(proposals).map((proposal) => proposal.id)));
    const created = items.map((project) => project.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });

  it('pages through the list with the cursor, without gaps or repeats', async () => {
    const { items: all } = await getJson<{ items: Project[] }>('/api/projects?limit=100');

    const first = await getJson<{ items: Project[]; nextCursor?: string }>('/api/projects?limit=2');
    const rest = await getJson<{ items: Project[] }>(`/api/projects?limit=100&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);

    expect(first.items).toHaveLength(2);
    expect([...first.items, ...rest.items].map((project) => project.id)).toEqual(all.map((project) => project.id));
  });

  it('lists by status, and by status within a department', async () => {
    const paused = await projectOf(proposals.paused);
    expect((await patch(paused.id, { status: 'ON_HOLD' })).status).toBe(200);

    const onHold = await getJson<{ items: Project[] }>('/api/projects?status=ON_HOLD');
    const onHoldInOperations = await getJson<{ items: Project[] }>('/api/projects?status=ON_HOLD&department=Operations');
    const onHoldInEngineering = await getJson<{ items: Project[] }>('/api/projects?status=ON_HOLD&department=Engineering');
    const active = await getJson<{ items: Project[] }>('/api/projects?status=ACTIVE');

    expect(onHold.items.map((project) => project.id)).toContain(paused.id);
    expect(onHold.items.every((project) => project.status === 'ON_HOLD')).toBe(true);
    expect(onHoldInOperations.items.map((project) => project.id)).toContain(paused.id);
    expect(onHoldInEngineering.items.map((project) => project.id)).not.toContain(paused.id);
    expect(active.items.map((project) => project.id)).not.toContain(paused.id);
  });

  it('lists one department across statuses', async () => {
    const { items } = await getJson<{ items: Project[] }>('/api/projects?department=Operations');

    expect(items.map((project) => project.proposalId)).toEqual(expect.arrayContaining([proposals.paused.id, proposals.viaForm.id]));
    expect(items.every((project) => project.department === 'Operations')).toBe(true);
  });

  it('answers 400 naming each bad query field', async () => {
    const response = await routes.request('/api/projects?status=DONE&limit=500');

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string; issues: { path: string }[] };
    expect(body).toMatchObject({ error: 'ValidationError', message: 'The request has invalid fields' });
    expect(body.issues.map((issue) => issue.path).sort()).toEqual(['limit', 'status']);
  });

  it('answers 400 for a cursor it did not issue', async () => {
    const response = await routes.request('/api/projects?cursor=not-a-cursor');

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe('cursor');
  });
});

describe('GET /api/projects/:id', () => {
  it('answers 404 for an id that is no project', async () => {
    const unknown = await routes.request('/api/projects/00000000-0000-4000-8000-000000000000');
    const malformed = await routes.request('/api/projects/not-a-uuid');

    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'NotFound', message: 'No project has this id' });
    expect(malformed.status).toBe(404);
    expect(await malformed.json()).toEqual({ error: 'NotFound', message: 'No project has this id' });
  });
});

describe('PATCH /api/projects/:id', () => {
  it('names another manager from the directory and changes the status', async () => {
    const project = await projectOf(proposals.managed);

    const managed = await patch(project.id, { managerEmail: PMO_DEPUTY.toUpperCase() });
    const paused = await patch(project.id, { status: 'ON_HOLD' });

    expect(managed.status).toBe(200);
    expect(((await managed.json()) as Project).manager).toEqual({ name: 'Noor Haddad', email: PMO_DEPUTY });
    expect(paused.status).toBe(200);
    expect(await getJson<Project>(`/api/projects/${project.id}`)).toMatchObject({
      manager: { email: PMO_DEPUTY },
      status: 'ON_HOLD',
      sponsor: { email: SPONSOR },
      version: 3,
    });
    // The manager index follows the change.
    const { projectRepository } = await import('#adapters/project-repository.ts');
    expect((await projectRepository.listByManager(PMO_DEPUTY)).map((item) => item.id)).toContain(project.id);
    expect((await projectRepository.listByManager(SPONSOR)).map((item) => item.id)).not.toContain(project.id);
  });

  it('refuses a manager who is not in the directory, naming the field', async () => {
    const project = await projectOf(proposals.hostile);

    const response = await patch(project.id, { managerEmail: 'nobody@example.org' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'ValidationError',
      message: 'The request has invalid fields',
      issues: [{ path: 'managerEmail', message: 'Nobody with this email address is in the PMO directory' }],
    });
    expect((await getJson<Project>(`/api/projects/${project.id}`)).manager.email).toBe(SPONSOR);
  });

  it('refuses a status that does not exist, naming the field', async () => {
    const project = await projectOf(proposals.hostile);

    const response = await patch(project.id, { status: 'DONE' });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['status']);
  });

  it('refuses a field the PMO cannot change, naming it, and applies nothing of the request', async () => {
    const project = await projectOf(proposals.hostile);

    const response = await patch(project.id, { status: 'ON_HOLD', budget: { amountMinor: 1, currency: 'EUR' } });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['budget']);
    expect(await getJson<Project>(`/api/projects/${project.id}`)).toMatchObject({ status: 'ACTIVE', budget: { amountMinor: 3_000_050 } });
  });

  it('refuses to reopen a closed project: CLOSED is final', async () => {
    const project = await projectOf(proposals.closing);
    expect((await patch(project.id, { status: 'CLOSED' })).status).toBe(200);

    const response = await patch(project.id, { status: 'ACTIVE' });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues).toEqual([{ path: 'status', message: expect.stringContaining('CLOSED is final') }]);
    expect((await getJson<Project>(`/api/projects/${project.id}`)).status).toBe('CLOSED');
    expect((await getJson<{ items: Project[] }>('/api/projects?status=CLOSED')).items.map((item) => item.id)).toContain(project.id);
  });

  it('answers 415 to a body that is not JSON, and 400 to malformed JSON', async () => {
    const project = await projectOf(proposals.hostile);

    const form = await patch(project.id, 'status=CLOSED', 'application/x-www-form-urlencoded');
    const malformed = await patch(project.id, '{"status":', 'application/json');

    expect(form.status).toBe(415);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toBe('MalformedJson');
  });

  it('answers 404 for an id that is no project, before reading the body', async () => {
    const response = await patch('not-a-uuid', { status: 'CLOSED' });

    expect(response.status).toBe(404);
  });
});

describe('the project pages', () => {
  it('list projects in a table, with the title escaped and the budget in its currency', async () => {
    await projectOf(proposals.hostile);

    const response = await routes.request('/projects');
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; Intranet');
    expect(html).not.toContain('<script>');
    expect(html).toContain('€30,000.50');
    expect(html).toContain('class="table-scroll"');
  });

  it('filter the list by status', async () => {
    const closed = await projectOf(proposals.closing);
    await patch(closed.id, { status: 'CLOSED' });

    const html = await (await routes.request('/projects?status=CLOSED&department=')).text();

    expect(html).toContain('Closing legacy CRM');
    expect(html).not.toContain('Intranet');
  });

  it('show one project with a link back to its proposal', async () => {
    const project = await projectOf(proposals.hostile);

    const response = await routes.request(`/projects/${project.id}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('<h1>&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; Intranet</h1>');
    expect(html).not.toContain('<script>');
    expect(html).toContain(`href="/proposals/${proposals.hostile.id}"`);
  });

  it('answer 404 for an address that names no project', async () => {
    expect((await routes.request('/projects/not-a-uuid')).status).toBe(404);
    expect((await routes.request('/projects/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('let the PMO change manager and status with the form', async () => {
    const project = await projectOf(proposals.viaForm);

    const response = await postForm(project.id, { managerEmail: PMO_LEAD, status: 'ON_HOLD' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/projects/${project.id}?saved=1`);
    const html = await (await routes.request(response.headers.get('location')!)).text();
    expect(html).toContain('Saved.');
    expect(html).toContain('Priya Shah');
    expect(html).toContain('On hold');
  });

  it('show the form again with the field’s error for an unknown manager', async () => {
    const project = await projectOf(proposals.hostile);

    const response = await postForm(project.id, { managerEmail: 'nobody@example.org', status: 'ACTIVE' });
    const html = await response.text();

    expect(response.status).toBe(400);
    expect(html).toContain('Nobody with this email address is in the PMO directory');
    expect(html).toContain('value="nobody@example.org"');
    expect(html).toContain('aria-invalid="true"');
  });

  it('show the form again with the field’s error for a malformed email', async () => {
    const project = await projectOf(proposals.hostile);

    const response = await postForm(project.id, { managerEmail: 'not an email', status: 'ACTIVE' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Enter the manager’s email address');
  });
});
