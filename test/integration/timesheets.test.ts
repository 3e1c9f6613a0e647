import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, ProjectStatus } from '#domain/project.ts';
import { BrowserSession, csrfTokenOf } from '#test/support/browser-session.ts';
import { PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// Timesheet capture with sign-in on: a person saves and submits their week through the API, the
// week page and the emailed week link; the PMO reopens; project hours are counted once per
// submission; nobody else learns that a timesheet exists.

const SAM = 'sam.carter@example.org';
/** Sam's line manager in the demo directory. */
const ELENA = 'elena.rossi@example.org';
const ALEX = 'alex.kim@example.org';
const JONAS = 'jonas.weber@example.org';
const MIA = 'mia.lopez@example.org';
const LENA = 'lena.berg@example.org';

/** Weeks with no public holiday in them: Monday to Friday expect 8 hours each by default. */
const WEEK = '2027-06-14';
const WEEK_DATES = ['2027-06-14', '2027-06-15', '2027-06-16', '2027-06-17', '2027-06-18', '2027-06-19', '2027-06-20'];
const LATER_WEEK = '2027-06-21';
const EARLIER_WEEK = '2027-06-07';

let test: TestStack;
let tokens: Record<string, string>;
let service: typeof import('#services/timesheet-service.ts');
let projects: Record<'portal' | 'crm' | 'paused' | 'counted' | 'current', Project>;

interface TimesheetJson {
  email: string;
  weekStart: string;
  status: string;
  version: number;
  entries: { projectId: string; date: string; hours: number; note?: string }[];
  noWork?: { reason: string };
  totals: { total: number; byDate: Record<string, number>; byProject: Record<string, number> };
  expected: { total: number; byDate: Record<string, number> };
}

interface ProblemJson {
  error: string;
  message: string;
  issues?: { path: string; message: string }[];
}

/** A project stored as an approved proposal makes one (the journey to it is tested elsewhere). */
async function storedProject(title: string, status: ProjectStatus = 'ACTIVE'): Promise<Project> {
  const { projectRepository } = await import('#adapters/project-repository.ts');
  const at = new Date().toISOString();
  const project: Project = {
    id: randomUUID(),
    proposalId: randomUUID(),
    title,
    department: 'Engineering',
    sponsor: { name: 'Sam Carter', email: SAM },
    manager: { name: 'Sam Carter', email: SAM },
    budget: { amountMinor: 5_000_000, currency: 'EUR' },
    plannedStart: '2027-01-04',
    plannedEnd: '2027-12-31',
    status,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  return (await projectRepository.create(project)).project;
}

beforeAll(async () => {
  test = await startTestStack({ auth: 'on' });
  // Imported once the stack runs: the adapters take its endpoints and table from the environment.
  service = await import('#services/timesheet-service.ts');
  tokens = Object.fromEntries(await Promise.all([SAM, ELENA, ALEX, JONAS, MIA, LENA, PMO_LEAD].map(async (email) => [email, await test.stack.mintAccessToken(email)] as const)));
  const [portal, crm, paused, counted, current] = await Promise.all([
    storedProject('Customer portal rebuild'),
    storedProject('CRM migration'),
    storedProject('Paused office move', 'ON_HOLD'),
    storedProject('Warehouse scanners'),
    storedProject('Payroll upgrade'),
  ]);
  projects = { portal: portal!, crm: crm!, paused: paused!, counted: counted!, current: current! };
}, 60_000);

afterAll(async () => {
  await test?.stop();
});

function api(path: string, as: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${tokens[as]}`);
  return fetch(`${test.stack.urls.web}${path}`, { ...init, headers });
}

function weekPath(email: string, week: string): string {
  return `/api/timesheets/${encodeURIComponent(email)}/${week}`;
}

function put(email: string, week: string, as: string, body: unknown): Promise<Response> {
  return api(weekPath(email, week), as, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function post(email: string, week: string, what: 'submit' | 'reopen', as: string, body?: unknown): Promise<Response> {
  return api(`${weekPath(email, week)}/${what}`, as, {
    method: 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

async function read(email: string, week: string, as: string): Promise<TimesheetJson> {
  const response = await api(weekPath(email, week), as);
  expect(response.status).toBe(200);
  return (await response.json()) as TimesheetJson;
}

async function hoursOf(project: Project): Promise<{ thisPeriod: number; toDate: number }> {
  const response = await api(`/api/projects/${project.id}`, PMO_LEAD);
  expect(response.status).toBe(200);
  return ((await response.json()) as { hours: { thisPeriod: number; toDate: number } }).hours;
}

function entry(project: Project, date: string, hours: number, note?: string) {
  return { projectId: project.id, date, hours, ...(note ? { note } : {}) };
}

describe('saving a draft through the API', () => {
  it('saves the week and answers it with totals per day and project, and the expected hours', async () => {
    const response = await put(SAM, WEEK, SAM, {
      entries: [entry(projects.portal, '2027-06-14', 6, 'Sprint planning'), entry(projects.crm, '2027-06-14', 2), entry(projects.portal, '2027-06-15', 7.5)],
    });

    expect(response.status).toBe(200);
    const saved = (await response.json()) as TimesheetJson;
    expect(saved).toMatchObject({ email: SAM, weekStart: WEEK, status: 'DRAFT', version: 1 });
    expect(saved.totals).toEqual({
      total: 15.5,
      byDate: { '2027-06-14': 8, '2027-06-15': 7.5, '2027-06-16': 0, '2027-06-17': 0, '2027-06-18': 0, '2027-06-19': 0, '2027-06-20': 0 },
      byProject: { [projects.portal.id]: 13.5, [projects.crm.id]: 2 },
    });
    expect(saved.expected).toEqual({ total: 40, byDate: Object.fromEntries(WEEK_DATES.map((date, day) => [date, day < 5 ? 8 : 0])) });
  });

  it('reads back what was saved, notes included', async () => {
    const stored = await read(SAM, WEEK, SAM);

    expect(stored.entries).toContainEqual(entry(projects.portal, '2027-06-14', 6, 'Sprint planning'));
    expect(stored.totals.total).toBe(15.5);
  });

  it('answers a week with nothing saved as not started, with its expected hours', async () => {
    const empty = await read(SAM, LATER_WEEK, SAM);

    expect(empty).toMatchObject({ status: 'NOT_STARTED', version: 0, entries: [] });
    expect(empty.expected.total).toBe(40);
  });

  // Bodies are built when the test runs: the projects exist from beforeAll on.
  it.each([
    ['hours not in quarter hours', () => ({ entries: [entry(projects.portal, '2027-06-14', 1), { projectId: projects.portal.id, date: '2027-06-15', hours: 7.3 }] }), 'entries.1.hours'],
    ['a date outside the week', () => ({ entries: [entry(projects.portal, '2027-06-21', 1)] }), 'entries.0.date'],
    ['a field an entry does not have', () => ({ entries: [{ ...entry(projects.portal, '2027-06-14', 1), billable: true }] }), 'entries.0.billable'],
    ['a project id that is not one', () => ({ entries: [{ projectId: 'PROJECT#1', date: '2027-06-14', hours: 1 }] }), 'entries.0.projectId'],
    ['over the weekly cap', () => ({ entries: WEEK_DATES.map((date) => entry(projects.portal, date, 9)) }), 'entries'],
  ])('refuses %s with 400 naming the entry and field', async (_case, body, path) => {
    const response = await put(SAM, WEEK, SAM, body());

    expect(response.status).toBe(400);
    expect(((await response.json()) as ProblemJson).issues?.map((issue) => issue.path)).toEqual([path]);
  });

  it('refuses hours on a project on hold, and on a project nobody has, naming the entry', async () => {
    const paused = await put(SAM, LATER_WEEK, SAM, { entries: [entry(projects.portal, '2027-06-21', 1), entry(projects.paused, '2027-06-22', 4)] });
    const unknown = await put(SAM, LATER_WEEK, SAM, { entries: [{ projectId: randomUUID(), date: '2027-06-21', hours: 4 }] });

    expect(paused.status).toBe(400);
    expect(((await paused.json()) as ProblemJson).issues).toEqual([{ path: 'entries.1.projectId', message: expect.stringContaining('on hold') }]);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ProblemJson).issues?.[0]?.path).toBe('entries.0.projectId');
    expect((await read(SAM, LATER_WEEK, SAM)).status).toBe('NOT_STARTED');
  });

  it('refuses a save over a newer version than the one sent (409), changing nothing', async () => {
    const response = await put(SAM, WEEK, SAM, { entries: [], version: 0 });

    expect(response.status).toBe(409);
    expect((await read(SAM, WEEK, SAM)).totals.total).toBe(15.5);
  });

  it('refuses a week that is not named by its Monday as not found', async () => {
    expect((await api(weekPath(SAM, '2027-06-15'), SAM)).status).toBe(404);
    expect((await put(SAM, '2027-13-01', SAM, { entries: [] })).status).toBe(404);
  });
});

describe('submitting, and reopening by the PMO', () => {
  it('refuses to submit a week with nothing saved, naming entries', async () => {
    const response = await post(SAM, EARLIER_WEEK, 'submit', SAM);

    expect(response.status).toBe(400);
    expect(((await response.json()) as ProblemJson).issues?.[0]?.path).toBe('entries');
  });

  it('submits the saved week', async () => {
    const response = await post(SAM, WEEK, 'submit', SAM);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'SUBMITTED', version: 2, submittedAt: expect.any(String) });
  });

  it('refuses any change after submission with 409', async () => {
    const response = await put(SAM, WEEK, SAM, { entries: [entry(projects.portal, '2027-06-16', 8)] });

    expect(response.status).toBe(409);
    expect(((await response.json()) as ProblemJson).message).toContain('submitted');
    expect((await read(SAM, WEEK, SAM)).totals.total).toBe(15.5);
  });

  it('refuses a reopening by the person themselves (403): only the PMO reopens', async () => {
    expect((await post(SAM, WEEK, 'reopen', SAM)).status).toBe(403);
  });

  it('lets the PMO reopen it, after which the person edits and submits it again', async () => {
    const reopened = await post(SAM, WEEK, 'reopen', PMO_LEAD);
    const again = await post(SAM, WEEK, 'reopen', PMO_LEAD);
    const edited = await put(SAM, WEEK, SAM, { entries: [entry(projects.portal, '2027-06-14', 8)] });
    const resubmitted = await post(SAM, WEEK, 'submit', SAM);

    expect(reopened.status).toBe(200);
    expect(await reopened.json()).toMatchObject({ status: 'DRAFT', reopenedBy: PMO_LEAD });
    expect(again.status).toBe(409);
    expect(edited.status).toBe(200);
    expect(resubmitted.status).toBe(200);
    expect(await resubmitted.json()).toMatchObject({ status: 'SUBMITTED', totals: { total: 8 } });
  });

  it('accepts "I did not work this week" with a reason as a submission', async () => {
    expect((await put(SAM, EARLIER_WEEK, SAM, { noWork: { reason: 'Parental leave' } })).status).toBe(200);

    const response = await post(SAM, EARLIER_WEEK, 'submit', SAM, { version: 1 });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'SUBMITTED', noWork: { reason: 'Parental leave' }, entries: [] });
  });
});

describe('hours on the project', () => {
  it('counts a submission once, however often it is submitted', async () => {
    expect(await hoursOf(projects.counted)).toEqual({ thisPeriod: 0, toDate: 0 });
    await put(LENA, WEEK, LENA, { entries: [entry(projects.counted, '2027-06-14', 8), entry(projects.counted, '2027-06-15', 4.25)] });

    const first = await post(LENA, WEEK, 'submit', LENA);
    const second = await post(LENA, WEEK, 'submit', LENA);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await hoursOf(projects.counted)).toDate).toBe(12.25);
  });

  it('takes a reopened week off, and counts its next submission afresh', async () => {
    await post(LENA, WEEK, 'reopen', PMO_LEAD);
    expect((await hoursOf(projects.counted)).toDate).toBe(0);

    await put(LENA, WEEK, LENA, { entries: [entry(projects.counted, '2027-06-14', 6)] });
    await post(LENA, WEEK, 'submit', LENA);
    await post(LENA, WEEK, 'submit', LENA);

    expect((await hoursOf(projects.counted)).toDate).toBe(6);
  });

  it('adds up the weeks of several people to date, and shows the current week’s as this period', async () => {
    const { weekStartOn } = await import('#domain/timesheet.ts');
    const { addDays } = await import('#domain/working-time.ts');
    const { environment } = await import('#adapters/environment.ts');
    const thisWeek = weekStartOn(new Date(), environment.orgTimeZone);
    await put(LENA, thisWeek, LENA, { entries: [entry(projects.current, thisWeek, 3)] });
    await post(LENA, thisWeek, 'submit', LENA);
    await put(ALEX, EARLIER_WEEK, ALEX, { entries: [entry(projects.current, EARLIER_WEEK, 5)] });
    await post(ALEX, EARLIER_WEEK, 'submit', ALEX);
    // A draft counts for nothing until it is submitted.
    await put(JONAS, thisWeek, JONAS, { entries: [entry(projects.current, addDays(thisWeek, 1), 7)] });

    expect(await hoursOf(projects.current)).toEqual({ thisPeriod: 3, toDate: 8 });
  });
});

describe('who reads and writes a timesheet', () => {
  it('answers a colleague as if the timesheet did not exist (404, not 403)', async () => {
    const someone = await api(weekPath(SAM, WEEK), ALEX);
    const nobody = await api(weekPath('nobody@example.org', WEEK), ALEX);

    expect(someone.status).toBe(404);
    expect(await someone.json()).toEqual(await nobody.json());
    expect((await put(SAM, LATER_WEEK, ALEX, { entries: [] })).status).toBe(404);
    expect((await post(SAM, WEEK, 'submit', ALEX)).status).toBe(404);
  });

  it('lets the line manager read, but not change, their report’s week', async () => {
    expect((await read(SAM, WEEK, ELENA)).status).toBe('SUBMITTED');
    expect((await put(SAM, LATER_WEEK, ELENA, { entries: [] })).status).toBe(403);
  });

  it('lets the PMO read anyone’s week', async () => {
    expect((await read(SAM, WEEK, PMO_LEAD)).email).toBe(SAM);
  });
});

describe('the week page, signed in', () => {
  let browser: BrowserSession;

  beforeAll(async () => {
    browser = new BrowserSession();
    await browser.signIn(test.stack.urls.web, JONAS, '/');
  }, 30_000);

  async function page(week: string): Promise<string> {
    const response = await browser.request(`${test.stack.urls.web}/timesheets/${week}`);
    expect(response.status).toBe(200);
    return response.text();
  }

  it('sends /timesheets to the current week of the signed-in person', async () => {
    const response = await browser.request(`${test.stack.urls.web}/timesheets`);

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^\/timesheets\/\d{4}-\d{2}-\d{2}$/);
  });

  it('shows the grid with the expected hours, and links to the weeks before and after', async () => {
    const html = await page(WEEK);

    expect(html).toContain('Timesheet: week of 14 Jun 2027');
    expect(html).toContain('Expected');
    expect(html).toContain(`href="/timesheets/${EARLIER_WEEK}"`);
    expect(html).toContain(`href="/timesheets/${LATER_WEEK}"`);
  });

  it('saves the grid as a draft, then answers the page with it', async () => {
    const csrf = csrfTokenOf(await page(WEEK));

    const response = await browser.postForm(`${test.stack.urls.web}/timesheets/${WEEK}`, {
      _csrf: csrf,
      version: '0',
      action: 'save',
      'project-0': projects.portal.id,
      'h-0-0': '7,5',
      'h-0-1': '8:15',
      'project-1': '',
    });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/timesheets/${WEEK}?done=saved`);
    const saved = await read(JONAS, WEEK, JONAS);
    expect(saved.entries).toEqual([entry(projects.portal, '2027-06-14', 7.5), entry(projects.portal, '2027-06-15', 8.25)]);
  });

  it('shows refused hours in their cell, with the form as typed, saving nothing', async () => {
    const csrf = csrfTokenOf(await page(WEEK));

    const response = await browser.postForm(`${test.stack.urls.web}/timesheets/${WEEK}`, {
      _csrf: csrf,
      version: '1',
      action: 'save',
      'project-0': projects.portal.id,
      'h-0-0': 'lots',
      'h-0-2': '6',
    });

    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('id="h-0-0-error"');
    expect(html).toContain('value="lots"');
    expect((await read(JONAS, WEEK, JONAS)).totals.total).toBe(15.75);
  });

  it('fills the grid from last week with "copy last week", without saving', async () => {
    await put(JONAS, EARLIER_WEEK, JONAS, { entries: [entry(projects.crm, '2027-06-09', 5)] });
    const csrf = csrfTokenOf(await page(WEEK));

    const response = await browser.postForm(`${test.stack.urls.web}/timesheets/${WEEK}`, { _csrf: csrf, version: '1', action: 'copy' });

    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('CRM migration');
    // Wednesday of this week, as last week's Wednesday had it.
    expect(html).toMatch(/name="h-0-2" value="5"/);
    expect((await read(JONAS, WEEK, JONAS)).totals.total).toBe(15.75);
  });

  it('submits the week from the page', async () => {
    const csrf = csrfTokenOf(await page(WEEK));

    const response = await browser.postForm(`${test.stack.urls.web}/timesheets/${WEEK}`, {
      _csrf: csrf,
      version: '1',
      action: 'submit',
      'project-0': projects.portal.id,
      'h-0-0': '7.5',
      'h-0-1': '8.25',
      'h-0-2': '4',
    });

    expect(response.status).toBe(303);
    expect(await read(JONAS, WEEK, JONAS)).toMatchObject({ status: 'SUBMITTED', totals: { total: 19.75 } });
  });

  it('refuses a form without the session’s CSRF token', async () => {
    const response = await browser.postForm(`${test.stack.urls.web}/timesheets/${LATER_WEEK}`, { version: '0', action: 'save', 'project-0': projects.portal.id, 'h-0-0': '8' });

    expect(response.status).toBe(403);
    expect((await read(JONAS, LATER_WEEK, JONAS)).status).toBe('NOT_STARTED');
  });
});

describe('the personal week link', () => {
  let link: URL;

  beforeAll(async () => {
    link = new URL(await service.timesheetLink(MIA, WEEK, new Date()));
  });

  function withKey(path: string, key: string | null): string {
    return `${test.stack.urls.web}${path}?${new URLSearchParams({ key: key ?? '' }).toString()}`;
  }

  it('opens that person’s week without signing in', async () => {
    const response = await fetch(link, { redirect: 'manual' });

    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Mia Lopez');
    expect(html).toContain('Timesheet: week of 14 Jun 2027');
    expect(response.headers.get('cache-control')).toContain('no-store');
  });

  it('opens no other week and no other person with the same key', async () => {
    const key = link.searchParams.get('key');

    const otherWeek = await fetch(withKey(`/timesheets/${encodeURIComponent(MIA)}/${LATER_WEEK}/link`, key), { redirect: 'manual' });
    const otherPerson = await fetch(withKey(`/timesheets/${encodeURIComponent(JONAS)}/${WEEK}/link`, key), { redirect: 'manual' });
    const wrongKey = await fetch(withKey(link.pathname, 'not-the-key'), { redirect: 'manual' });

    expect([otherWeek.status, otherPerson.status, wrongKey.status]).toEqual([403, 403, 403]);
  });

  it('saves and submits the week from the page it opens', async () => {
    const key = link.searchParams.get('key')!;
    const form = { key, version: '0', 'project-0': projects.crm.id, 'h-0-0': '8', 'h-0-1': '8' };
    const postForm = (fields: Record<string, string>) =>
      fetch(`${test.stack.urls.web}${link.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

    const saved = await postForm({ ...form, action: 'save' });
    const submitted = await postForm({ ...form, version: '1', action: 'submit' });

    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Draft saved');
    expect(submitted.status).toBe(200);
    expect(await read(MIA, WEEK, PMO_LEAD)).toMatchObject({ status: 'SUBMITTED', totals: { total: 16 } });
  });

  it('refuses a post with the key of another week, saving nothing', async () => {
    const response = await fetch(`${test.stack.urls.web}/timesheets/${encodeURIComponent(MIA)}/${LATER_WEEK}/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: link.searchParams.get('key')!, version: '0', action: 'save', 'project-0': projects.crm.id, 'h-0-0': '8' }).toString(),
    });

    expect(response.status).toBe(403);
    expect((await read(MIA, LATER_WEEK, PMO_LEAD)).status).toBe('NOT_STARTED');
  });

  it('stops working once the week has locked (410)', async () => {
    const locked = new URL(await service.timesheetLink(MIA, '2020-01-06', new Date()));

    const response = await fetch(locked, { redirect: 'manual' });

    expect(response.status).toBe(410);
  });
});

describe('a week that has locked', () => {
  // Locked: 3 working days after the week ended, long before the tests run.
  const LOCKED_WEEK = '2026-01-05';

  it('refuses its person a change, naming the week, and says whom to ask', async () => {
    const response = await put(ALEX, LOCKED_WEEK, ALEX, { entries: [entry(projects.portal, '2026-01-05', 8)] });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { path: string; message: string }[] };
    expect(body.issues[0]).toMatchObject({ path: 'weekStart', message: expect.stringContaining('locked') });
  });

  it('still lets the PMO change it', async () => {
    const response = await put(ALEX, LOCKED_WEEK, PMO_LEAD, { entries: [entry(projects.portal, '2026-01-05', 8)] });

    expect(response.status).toBe(200);
  });
});
