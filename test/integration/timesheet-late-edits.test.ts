import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '#domain/project.ts';
import { BrowserSession, csrfTokenOf } from '#test/support/browser-session.ts';
import { linkFrom, PMO_LEAD, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

// A late edit: a change to a week that locked for its person goes to their line manager through
// the review engine, and the week changes only when it is approved.

const SAM = 'sam.carter@example.org';
/** Sam's and Alex's line manager in the demo directory. */
const ELENA = 'elena.rossi@example.org';
const ALEX = 'alex.kim@example.org';
const JONAS = 'jonas.weber@example.org';

let test: TestStack;
let tokens: Record<string, string>;
let project: Project;
let other: Project;

async function storedProject(title: string): Promise<Project> {
  const { projectRepository } = await import('#adapters/project-repository.ts');
  const at = new Date().toISOString();
  return (
    await projectRepository.create({
      id: randomUUID(),
      proposalId: randomUUID(),
      title,
      department: 'Engineering',
      sponsor: { name: 'Sam Carter', email: SAM },
      manager: { name: 'Sam Carter', email: SAM },
      budget: { amountMinor: 5_000_000, currency: 'EUR' },
      plannedStart: '2025-01-06',
      plannedEnd: '2027-12-31',
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      version: 1,
    })
  ).project;
}

beforeAll(async () => {
  test = await startTestStack({ auth: 'on' });
  tokens = Object.fromEntries(await Promise.all([SAM, ELENA, ALEX, JONAS, PMO_LEAD].map(async (email) => [email, await test.stack.mintAccessToken(email)] as const)));
  [project, other] = await Promise.all([storedProject('Late edit portal'), storedProject('Late edit CRM')]);
}, 60_000);

afterAll(async () => {
  await test?.stop();
});

function api(path: string, as: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${tokens[as]}`);
  if (init.body) headers.set('content-type', 'application/json');
  return test.web(path, { ...init, headers });
}

function entry(target: Project, date: string, hours: number) {
  return { projectId: target.id, date, hours };
}

/** A locked week of `email` with `hours` on `target` on its Monday, as the PMO stored it. */
async function lockedWeek(email: string, weekStart: string, hours: number, target = project): Promise<void> {
  const put = await api(`/api/timesheets/${email}/${weekStart}`, PMO_LEAD, { method: 'PUT', body: JSON.stringify({ entries: [entry(target, weekStart, hours)] }) });
  expect(put.status).toBe(200);
  expect((await api(`/api/timesheets/${email}/${weekStart}/submit`, PMO_LEAD, { method: 'POST' })).status).toBe(200);
}

function askLateEdit(email: string, weekStart: string, as: string, body: unknown): Promise<Response> {
  return api(`/api/timesheets/${email}/${weekStart}/late-edits`, as, { method: 'POST', body: JSON.stringify(body) });
}

async function week(email: string, weekStart: string): Promise<{ status: string; totals: { total: number; byProject: Record<string, number> } }> {
  return (await (await api(`/api/timesheets/${email}/${weekStart}`, PMO_LEAD)).json()) as never;
}

async function projectHours(id: string, weekStart: string): Promise<number> {
  const { timesheetRepository } = await import('#adapters/timesheet-repository.ts');
  return (await timesheetRepository.projectHours(id)).find((counted) => counted.weekStart === weekStart)?.hours ?? 0;
}

async function requestEmailTo(address: string, weekStart: string): Promise<StoredEmail> {
  const emails = await test.waitForEmails(address, 1);
  const found = (await test.emailsTo(address)).find((email) => email.subject.includes(weekStart));
  return found ?? emails[0]!;
}

describe('a late edit after lock', () => {
  const WEEK = '2026-02-02';
  let editId: string;

  beforeAll(async () => {
    await lockedWeek(SAM, WEEK, 8);
    const response = await askLateEdit(SAM, WEEK, SAM, { entries: [entry(project, WEEK, 6), entry(other, WEEK, 2)], reason: 'Booked the CRM workshop to the wrong project' });
    expect(response.status).toBe(202);
    editId = ((await response.json()) as { id: string }).id;
  });

  it('waits for the line manager, who is emailed the change with approve and reject links', async () => {
    const request = await requestEmailTo(ELENA, WEEK);

    expect(request.body.text).toContain('Booked the CRM workshop to the wrong project');
    expect(request.body.text).toContain('8 h → 8 h');
    expect(linkFrom(request, 'approve').pathname).toMatch(/^\/approvals\//);
  });

  it('leaves the week as it was until then', async () => {
    const before = await week(SAM, WEEK);

    expect(before.totals.byProject).toEqual({ [project.id]: 8 });
  });

  it('changes the week and moves the counted hours once the manager approves', async () => {
    const request = await requestEmailTo(ELENA, WEEK);

    const decided = await test.decide(linkFrom(request, 'approve'), 'approve', 'Fine');
    expect(decided.status).toBeLessThan(400);
    const outcome = await test.waitForEmail(SAM, 'late timesheet change');

    expect(outcome.body.text).toContain('approved');
    expect((await week(SAM, WEEK)).totals.byProject).toEqual({ [project.id]: 6, [other.id]: 2 });
    expect([await projectHours(project.id, WEEK), await projectHours(other.id, WEEK)]).toEqual([6, 2]);
  });

  it('records the request and its decision in the week’s history', async () => {
    const { auditRepository } = await import('#adapters/audit-repository.ts');
    const { timesheetWeekSubject } = await import('#domain/timesheet-edit.ts');

    const events = await auditRepository.listForSubject(timesheetWeekSubject(SAM, WEEK));

    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['submitted', 'late-edit-requested', 'late-edit-decided']));
    expect((await (await api(`/api/timesheet-edits/${editId}`, SAM)).json()) as { status: string }).toMatchObject({ status: 'APPROVED' });
  });

  it('keeps the review’s own trail, readable by the person and not by a colleague', async () => {
    const own = await api(`/api/timesheet-edits/${editId}/history`, SAM);
    const colleague = await api(`/api/timesheet-edits/${editId}/history`, JONAS);

    expect(((await own.json()) as { items: { type: string }[] }).items.map((event) => event.type)).toEqual(expect.arrayContaining(['review-planned', 'decided']));
    expect(colleague.status).toBe(404);
  });
});

describe('a rejected late edit', () => {
  const WEEK = '2026-02-09';

  it('leaves the week unchanged and tells the person why', async () => {
    await lockedWeek(ALEX, WEEK, 8);
    expect((await askLateEdit(ALEX, WEEK, ALEX, { entries: [entry(project, WEEK, 4)], reason: 'Half day' })).status).toBe(202);
    const request = (await test.emailsTo(ELENA)).find((email) => email.subject.includes('Alex')) ?? (await test.waitForEmail(ELENA, 'Alex'));

    await test.decide(linkFrom(request, 'reject'), 'reject', 'You were here all day');
    const outcome = await test.waitForEmail(ALEX, 'late timesheet change');

    expect(outcome.body.text).toContain('You were here all day');
    expect((await week(ALEX, WEEK)).totals.total).toBe(8);
  });
});

describe('asking for a late edit', () => {
  it('refuses a second request while one is open (409)', async () => {
    const WEEK = '2026-02-16';
    await lockedWeek(JONAS, WEEK, 8);
    expect((await askLateEdit(JONAS, WEEK, JONAS, { entries: [entry(project, WEEK, 7)], reason: 'First' })).status).toBe(202);

    const second = await askLateEdit(JONAS, WEEK, JONAS, { entries: [entry(project, WEEK, 6)], reason: 'Second' });

    expect(second.status).toBe(409);
  });

  it('goes to the PMO lead for someone without a line manager', async () => {
    const WEEK = '2026-02-23';
    await lockedWeek(ELENA, WEEK, 8);

    expect((await askLateEdit(ELENA, WEEK, ELENA, { entries: [entry(project, WEEK, 9)], reason: 'Overtime' })).status).toBe(202);

    const request = await test.waitForEmail(PMO_LEAD, 'Elena');
    expect(linkFrom(request, 'approve').pathname).toMatch(/^\/approvals\//);
  });

  it('refuses a week that has not locked: it is changed directly (409)', async () => {
    const response = await askLateEdit(SAM, '2030-01-07', SAM, { entries: [entry(project, '2030-01-07', 8)], reason: 'Early' });

    expect(response.status).toBe(409);
  });

  it('answers 404 for someone else’s week, as if it did not exist', async () => {
    const response = await askLateEdit(SAM, '2026-03-02', JONAS, { entries: [entry(project, '2026-03-02', 8)], reason: 'Not mine' });

    expect(response.status).toBe(404);
  });

  it('refuses the line manager asking on the person’s behalf (403)', async () => {
    const response = await askLateEdit(SAM, '2026-03-02', ELENA, { entries: [entry(project, '2026-03-02', 8)], reason: 'For Sam' });

    expect(response.status).toBe(403);
  });

  it('names a missing reason (400)', async () => {
    const response = await askLateEdit(SAM, '2026-03-09', SAM, { entries: [entry(project, '2026-03-09', 8)] });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['reason']);
  });

  it('names an entry outside the week (400)', async () => {
    const response = await askLateEdit(SAM, '2026-03-09', SAM, { entries: [entry(project, '2026-03-16', 8)], reason: 'Wrong week' });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['entries.0.date']);
  });
});

describe('the week page of a locked week', () => {
  const WEEK = '2026-03-23';
  let browser: BrowserSession;

  beforeAll(async () => {
    await lockedWeek(ALEX, WEEK, 8);
    browser = new BrowserSession();
    await browser.signIn(test.stack.urls.web, ALEX, '/');
  }, 30_000);

  async function page(): Promise<string> {
    const response = await browser.request(`${test.stack.urls.web}/timesheets/${WEEK}`);
    expect(response.status).toBe(200);
    return response.text();
  }

  it('offers the grid as a change to ask the line manager for, not a save', async () => {
    const html = await page();

    expect(html).toContain('This week locked on');
    expect(html).toContain('value="late-edit"');
    expect(html).not.toContain('value="save"');
  });

  it('names a missing reason next to its field, asking nothing', async () => {
    const csrf = csrfTokenOf(await page());

    const response = await browser.postForm(`${test.stack.urls.web}/timesheets/${WEEK}`, { _csrf: csrf, action: 'late-edit', 'project-0': project.id, 'h-0-0': '6', lateReason: '' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('id="lateReason-error"');
  });

  it('sends the change to the line manager and then shows it waiting', async () => {
    const csrf = csrfTokenOf(await page());

    const response = await browser.postForm(`${test.stack.urls.web}/timesheets/${WEEK}`, { _csrf: csrf, action: 'late-edit', 'project-0': project.id, 'h-0-0': '6', lateReason: 'Left early for the dentist' });

    expect(response.status).toBe(303);
    const html = await page();
    expect(html).toContain('is waiting for your line manager');
    expect(html).toContain('Left early for the dentist');
    expect(html).not.toContain('value="late-edit"');
  });
});
