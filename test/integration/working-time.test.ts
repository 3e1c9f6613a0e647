import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession, csrfTokenOf } from '#test/support/browser-session.ts';
import { EXECUTIVE, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// Working time through the local stack with sign-in on: leave (a person's own, their manager
// reads it, the PMO records anyone's), holiday calendars the PMO edits, the working-time fields of
// the directory, and the hours expected of a person in a week.

const SAM = 'sam.carter@example.org';
/** Sam's and Alex's line manager in the demo directory (not the PMO). */
const ELENA = EXECUTIVE;
const ALEX = 'alex.kim@example.org';
/** Part-time in the demo directory: 4 × 8 hours, Friday off, Berlin's public holidays. */
const LENA = 'lena.berg@example.org';
const MIA = 'mia.lopez@example.org';

interface LeaveJson {
  id: string;
  email: string;
  from: string;
  until: string;
  part: string;
  reason?: string;
}

interface CalendarJson {
  id: string;
  name: string;
  days: { date: string; name: string; half?: boolean }[];
}

interface Problem {
  error: string;
  message: string;
  issues?: { path: string; message: string }[];
}

let test: TestStack;
let tokens: Map<string, string>;
let expectedWeekOf: typeof import('#services/working-time-service.ts').expectedWeekOf;
let expectedWeeksOf: typeof import('#services/working-time-service.ts').expectedWeeksOf;
let getPerson: typeof import('#adapters/directory-repository.ts').directoryRepository.getPerson;

beforeAll(async () => {
  test = await startTestStack({ auth: 'on' });
  tokens = new Map(await Promise.all([SAM, ELENA, ALEX, LENA, MIA, PMO_LEAD].map(async (email) => [email, await test.stack.mintAccessToken(email)] as const)));
  // The service reads the stack's table: imported once the stack has set the environment.
  ({ expectedWeekOf, expectedWeeksOf } = await import('#services/working-time-service.ts'));
  const { directoryRepository } = await import('#adapters/directory-repository.ts');
  getPerson = (email) => directoryRepository.getPerson(email);
}, 60_000);

afterAll(async () => {
  await test.stop();
});

function api(path: string, as: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${tokens.get(as)}`);
  return fetch(`${test.stack.urls.web}${path}`, { ...init, headers });
}

function send(method: string, path: string, as: string, body: unknown): Promise<Response> {
  return api(path, as, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const leavePath = (email: string) => `/api/people/${encodeURIComponent(email)}/leave`;

async function leaveOf(email: string): Promise<LeaveJson[]> {
  const response = await api(leavePath(email), PMO_LEAD);
  return ((await response.json()) as { items: LeaveJson[] }).items;
}

async function issuePaths(response: Response): Promise<string[]> {
  return ((await response.json()) as Problem).issues?.map((issue) => issue.path) ?? [];
}

describe('leave through the API', () => {
  it('is recorded by the person themselves: 201 with the leave, whole days unless it says otherwise', async () => {
    const response = await send('POST', leavePath(SAM), SAM, { from: '2026-07-06', until: '2026-07-10', reason: 'Summer holiday' });

    expect(response.status).toBe(201);
    const leave = (await response.json()) as LeaveJson;
    expect(leave).toMatchObject({ email: SAM, from: '2026-07-06', until: '2026-07-10', part: 'full', reason: 'Summer holiday' });
    expect((await leaveOf(SAM)).map((item) => item.id)).toContain(leave.id);
  });

  it('is read by the person’s line manager', async () => {
    const response = await api(leavePath(SAM), ELENA);

    expect(response.status).toBe(200);
    expect(((await response.json()) as { items: LeaveJson[] }).items.map((leave) => leave.from)).toContain('2026-07-06');
  });

  it('is not recorded by the line manager (403), who reads it but does not write it', async () => {
    const before = await leaveOf(SAM);

    const response = await send('POST', leavePath(SAM), ELENA, { from: '2026-08-03', until: '2026-08-03' });

    expect(response.status).toBe(403);
    expect(await leaveOf(SAM)).toEqual(before);
  });

  it('is answered to anyone else as if the person were not in the directory', async () => {
    const someone = await api(leavePath(SAM), ALEX);
    const nobody = await api(leavePath('nobody@example.org'), ALEX);

    expect(someone.status).toBe(404);
    expect(await someone.json()).toEqual(await nobody.json());
  });

  it('cannot be recorded or removed by anyone else (404), and stays as it was', async () => {
    const [leave] = await leaveOf(SAM);

    const posted = await send('POST', leavePath(SAM), ALEX, { from: '2026-08-10', until: '2026-08-10' });
    const deleted = await api(`${leavePath(SAM)}/${leave!.id}`, ALEX, { method: 'DELETE' });

    expect(posted.status).toBe(404);
    expect(deleted.status).toBe(404);
    expect((await leaveOf(SAM)).map((item) => item.id)).toContain(leave!.id);
  });

  it('is recorded by the PMO for anyone', async () => {
    const response = await send('POST', leavePath(ALEX), PMO_LEAD, { from: '2026-09-14', until: '2026-09-18', reason: 'Parental leave' });

    expect(response.status).toBe(201);
    expect((await leaveOf(ALEX)).map((leave) => leave.from)).toContain('2026-09-14');
  });

  it.each([
    ['an end before its start', { from: '2026-10-09', until: '2026-10-05' }, ['until']],
    ['more than 366 days', { from: '2026-01-01', until: '2027-01-02' }, ['until']],
    ['a morning over two days', { from: '2026-10-05', until: '2026-10-06', part: 'morning' }, ['part']],
    ['a date that does not exist', { from: '2026-02-29', until: '2026-03-02' }, ['from']],
    ['a field leave does not have', { from: '2026-10-05', until: '2026-10-05', approved: true }, ['approved']],
  ])('refuses %s with 400 naming the field, recording nothing', async (_what, body, paths) => {
    const before = await leaveOf(MIA);

    const response = await send('POST', leavePath(MIA), MIA, body);

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual(paths);
    expect(await leaveOf(MIA)).toEqual(before);
  });

  it('refuses leave that overlaps leave already recorded with 409 naming the field that runs into it', async () => {
    await send('POST', leavePath(MIA), MIA, { from: '2026-11-02', until: '2026-11-06' });

    const endsInside = await send('POST', leavePath(MIA), MIA, { from: '2026-10-29', until: '2026-11-02' });
    const startsInside = await send('POST', leavePath(MIA), MIA, { from: '2026-11-06', until: '2026-11-09' });

    expect(endsInside.status).toBe(409);
    expect(await issuePaths(endsInside)).toEqual(['until']);
    expect(startsInside.status).toBe(409);
    expect(await issuePaths(startsInside)).toEqual(['from']);
    expect((await leaveOf(MIA)).filter((leave) => leave.from >= '2026-10-29' && leave.from <= '2026-11-09')).toHaveLength(1);
  });

  it('takes a morning and an afternoon of the same day, and refuses a second morning', async () => {
    const morning = await send('POST', leavePath(MIA), MIA, { from: '2026-11-16', until: '2026-11-16', part: 'morning' });
    const afternoon = await send('POST', leavePath(MIA), MIA, { from: '2026-11-16', until: '2026-11-16', part: 'afternoon' });
    const again = await send('POST', leavePath(MIA), MIA, { from: '2026-11-16', until: '2026-11-16', part: 'morning' });

    expect([morning.status, afternoon.status, again.status]).toEqual([201, 201, 409]);
  });

  it('keeps exactly one of two overlapping leaves recorded at the same moment', async () => {
    const [first, second] = await Promise.all([
      send('POST', leavePath(MIA), MIA, { from: '2026-12-07', until: '2026-12-09' }),
      send('POST', leavePath(MIA), MIA, { from: '2026-12-08', until: '2026-12-11' }),
    ]);

    expect([first!.status, second!.status].sort()).toEqual([201, 409]);
    expect((await leaveOf(MIA)).filter((leave) => leave.from >= '2026-12-07' && leave.from <= '2026-12-08')).toHaveLength(1);
  });

  it('is removed by the person: 204, then gone, and a second removal is 404', async () => {
    const created = (await (await send('POST', leavePath(SAM), SAM, { from: '2027-01-11', until: '2027-01-11' })).json()) as LeaveJson;

    const removed = await api(`${leavePath(SAM)}/${created.id}`, SAM, { method: 'DELETE' });
    const again = await api(`${leavePath(SAM)}/${created.id}`, SAM, { method: 'DELETE' });

    expect(removed.status).toBe(204);
    expect(again.status).toBe(404);
    expect((await leaveOf(SAM)).map((leave) => leave.id)).not.toContain(created.id);
  });

  it('is not removed by the line manager (403)', async () => {
    const [leave] = await leaveOf(SAM);

    const response = await api(`${leavePath(SAM)}/${leave!.id}`, ELENA, { method: 'DELETE' });

    expect(response.status).toBe(403);
    expect((await leaveOf(SAM)).map((item) => item.id)).toContain(leave!.id);
  });
});

describe('the leave page', () => {
  let browser: BrowserSession;
  let page: string;

  beforeAll(async () => {
    browser = new BrowserSession();
    const { response } = await browser.signIn(test.stack.urls.web, ALEX, '/leave');
    page = await response.text();
  }, 30_000);

  it('shows the signed-in person’s leave and working week', () => {
    expect(page).toContain('Your leave');
    expect(page).toContain('Parental leave');
    expect(page).toContain('Mon 8 h');
  });

  it('records leave from the form, then shows it', async () => {
    const response = await browser.postForm(`${test.stack.urls.web}/leave`, { _csrf: csrfTokenOf(page), from: '2027-02-15', until: '2027-02-15', part: 'afternoon', reason: 'Dentist' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/leave?saved=added');
    expect(await leaveOf(ALEX)).toContainEqual(expect.objectContaining({ from: '2027-02-15', part: 'afternoon', reason: 'Dentist' }));
  });

  it('shows the form again with the field’s problem for an end before the start', async () => {
    const response = await browser.postForm(`${test.stack.urls.web}/leave`, { _csrf: csrfTokenOf(page), from: '2027-03-10', until: '2027-03-01', part: 'full' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('The leave ends before it starts');
  });

  it('refuses the form without its CSRF token, recording nothing', async () => {
    const before = await leaveOf(ALEX);

    const response = await browser.postForm(`${test.stack.urls.web}/leave`, { from: '2027-04-05', until: '2027-04-05', part: 'full' });

    expect(response.status).toBe(403);
    expect(await leaveOf(ALEX)).toEqual(before);
  });

  it('removes leave with its button', async () => {
    const leave = (await leaveOf(ALEX)).find((item) => item.from === '2027-02-15')!;
    const current = await (await browser.request(`${test.stack.urls.web}/leave`)).text();
    expect(current).toContain(`action="/leave/${leave.id}/delete"`);

    const response = await browser.postForm(`${test.stack.urls.web}/leave/${leave.id}/delete`, { _csrf: csrfTokenOf(current) });

    expect(response.status).toBe(303);
    expect((await leaveOf(ALEX)).map((item) => item.id)).not.toContain(leave.id);
  });
});

describe('holiday calendars', () => {
  it('are seeded on a new stack and read by anyone signed in', async () => {
    const response = await api('/api/holiday-calendars', SAM);

    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: CalendarJson[] };
    expect(items.map((calendar) => calendar.id)).toEqual(expect.arrayContaining(['de-be', 'gb-eng']));
  });

  it('are read one at a time, their days by date', async () => {
    const calendar = (await (await api('/api/holiday-calendars/de-be', SAM)).json()) as CalendarJson;

    expect(calendar.days).toContainEqual({ date: '2026-04-03', name: 'Karfreitag (Good Friday)' });
    expect(calendar.days.map((day) => day.date)).toEqual([...calendar.days.map((day) => day.date)].sort());
  });

  it('answer 404 for an id that names none', async () => {
    expect((await api('/api/holiday-calendars/xx-none', SAM)).status).toBe(404);
  });

  it('are not changed by someone outside the PMO (403)', async () => {
    const response = await send('PUT', '/api/holiday-calendars/de-be', SAM, { name: 'Mine', days: [] });

    expect(response.status).toBe(403);
    expect(((await (await api('/api/holiday-calendars/de-be', SAM)).json()) as CalendarJson).name).not.toBe('Mine');
  });

  it('are added by the PMO with PUT (201 and Location), and replaced whole by the next PUT (200)', async () => {
    const created = await send('PUT', '/api/holiday-calendars/fr-idf', PMO_LEAD, {
      name: 'France, Île-de-France',
      days: [
        { date: '2026-07-14', name: 'Fête nationale' },
        { date: '2026-05-01', name: 'Fête du Travail' },
      ],
    });
    const replaced = await send('PUT', '/api/holiday-calendars/fr-idf', PMO_LEAD, { name: 'France, Paris', days: [{ date: '2026-12-24', name: 'Veille de Noël', half: true }] });

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/holiday-calendars/fr-idf');
    expect(replaced.status).toBe(200);
    expect(await (await api('/api/holiday-calendars/fr-idf', SAM)).json()).toEqual({
      id: 'fr-idf',
      name: 'France, Paris',
      days: [{ date: '2026-12-24', name: 'Veille de Noël', half: true }],
    });
  });

  it('are added from a calendar file sent as it is, its id the path’s', async () => {
    const file = JSON.parse(await readFile(new URL('../../functions/config/holidays/de-be.json', import.meta.url), 'utf8')) as CalendarJson;

    const response = await send('PUT', '/api/holiday-calendars/de-be-copy', PMO_LEAD, { ...file, id: 'de-be-copy' });

    expect(response.status).toBe(201);
    expect(((await response.json()) as CalendarJson).days).toEqual(file.days);
  });

  it.each([
    ['a date twice', { name: 'X', days: [{ date: '2026-01-01', name: 'A' }, { date: '2026-01-01', name: 'B' }] }, ['days.1.date']],
    ['a date that does not exist', { name: 'X', days: [{ date: '2027-02-29', name: 'A' }] }, ['days.0.date']],
    ['a name over 120 characters', { name: 'n'.repeat(121), days: [] }, ['name']],
    ['a field calendars do not have', { name: 'X', days: [], region: 'ENG' }, ['region']],
    ['another calendar’s id', { id: 'de-be', name: 'X', days: [] }, ['id']],
  ])('refuse %s with 400 naming the field, changing nothing', async (_what, body, paths) => {
    const response = await send('PUT', '/api/holiday-calendars/gb-eng', PMO_LEAD, body);

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual(paths);
    expect(((await (await api('/api/holiday-calendars/gb-eng', SAM)).json()) as CalendarJson).name).toBe('United Kingdom, England');
  });

  describe('pages', () => {
    let pmo: BrowserSession;
    let pmoPage: string;

    beforeAll(async () => {
      pmo = new BrowserSession();
      pmoPage = await (await pmo.signIn(test.stack.urls.web, PMO_LEAD, '/holiday-calendars/gb-eng')).response.text();
    }, 30_000);

    it('show a calendar’s days, and the PMO the form with one line a day', () => {
      expect(pmoPage).toContain('Summer bank holiday');
      expect(pmoPage).toContain('2026-12-28 Boxing Day (substitute day)\n2027-01-01');
    });

    it('save the PMO’s lines, a half day marked (half)', async () => {
      const response = await pmo.postForm(`${test.stack.urls.web}/holiday-calendars/gb-eng`, {
        _csrf: csrfTokenOf(pmoPage),
        name: 'United Kingdom, England',
        days: '2026-12-25 Christmas Day\n\n2026-12-24 Christmas Eve (half)\n',
      });

      expect(response.status).toBe(303);
      expect(((await (await api('/api/holiday-calendars/gb-eng', SAM)).json()) as CalendarJson).days).toEqual([
        { date: '2026-12-24', name: 'Christmas Eve', half: true },
        { date: '2026-12-25', name: 'Christmas Day' },
      ]);
    });

    it('name the line of a refused day', async () => {
      const response = await pmo.postForm(`${test.stack.urls.web}/holiday-calendars/gb-eng`, { _csrf: csrfTokenOf(pmoPage), name: 'England', days: '2026-12-25 Christmas Day\n2026-13-01 Nonsense' });

      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Line 2: Use a real date, YYYY-MM-DD');
    });

    it('show the days without a form to anyone else, and refuse their post (403)', async () => {
      const staff = new BrowserSession();
      const page = await (await staff.signIn(test.stack.urls.web, SAM, '/holiday-calendars/de-be')).response.text();

      const response = await staff.postForm(`${test.stack.urls.web}/holiday-calendars/de-be`, { _csrf: csrfTokenOf(page), name: 'Mine', days: '' });

      expect(page).toContain('Tag der Deutschen Einheit');
      expect(page).not.toContain('<textarea');
      expect(response.status).toBe(403);
    });
  });
});

describe('a person’s working time in the directory', () => {
  const patch = (email: string, change: Record<string, unknown>) => send('PATCH', `/api/people/${encodeURIComponent(email)}`, PMO_LEAD, change);

  it('has the demo directory’s part-time pattern, calendar and an exempt executive', async () => {
    const lena = await (await api(`/api/people/${LENA}`, PMO_LEAD)).json();
    const elena = await (await api(`/api/people/${ELENA}`, PMO_LEAD)).json();

    expect(lena).toMatchObject({ workPattern: { mon: 8, tue: 8, wed: 8, thu: 8, fri: 0, sat: 0, sun: 0 }, holidayCalendar: 'de-be', timeZone: 'Europe/Berlin' });
    expect(elena).toMatchObject({ timesheetsRequired: false });
  });

  it('is changed by the PMO, and removed with null', async () => {
    const changed = await patch(MIA, { workPattern: { mon: 6, tue: 6, wed: 6, thu: 6, fri: 6, sat: 0, sun: 0 }, timeZone: 'europe/london', holidayCalendar: 'gb-eng', timesheetsRequired: false });
    const reset = await patch(MIA, { workPattern: null, timeZone: null });

    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ workPattern: { mon: 6 }, timeZone: 'Europe/London', holidayCalendar: 'gb-eng', timesheetsRequired: false });
    const after = (await reset.json()) as Record<string, unknown>;
    expect(after.workPattern).toBeUndefined();
    expect(after.timeZone).toBeUndefined();
    expect(after.holidayCalendar).toBe('gb-eng');
  });

  it.each([
    ['a calendar that does not exist', { holidayCalendar: 'xx-none' }, ['holidayCalendar']],
    ['a time zone that is not one', { timeZone: 'Mars/Olympus' }, ['timeZone']],
    ['a tenth of an hour', { workPattern: { mon: 8, tue: 8, wed: 7.1, thu: 8, fri: 8, sat: 0, sun: 0 } }, ['workPattern.wed']],
    ['a day that is not a weekday', { workPattern: { mon: 8, tue: 8, wed: 8, thu: 8, fri: 8, sat: 0, sun: 0, hol: 0 } }, ['workPattern.hol']],
  ])('refuses %s with 400 naming the field', async (_what, change, paths) => {
    const response = await patch(SAM, change);

    expect(response.status).toBe(400);
    expect(await issuePaths(response)).toEqual(paths);
  });

  it('is set from the person form’s seven hour fields, and unchanged by a form without them', async () => {
    const browser = new BrowserSession();
    const page = await (await browser.signIn(test.stack.urls.web, PMO_LEAD, `/people/${encodeURIComponent(ALEX)}`)).response.text();
    const fields = { _csrf: csrfTokenOf(page), name: 'Alex Kim', department: 'Marketing', managerEmail: ELENA, roles: '', active: 'yes' };
    const week = { 'hours-mon': '7,5', 'hours-tue': '7.5', 'hours-wed': '7.5', 'hours-thu': '7.5', 'hours-fri': '0', 'hours-sat': '0', 'hours-sun': '0' };

    const saved = await browser.postForm(`${test.stack.urls.web}/people/${encodeURIComponent(ALEX)}`, { ...fields, ...week, timeZone: '', holidayCalendar: 'de-be', timesheetsRequired: 'no' });
    const again = await browser.postForm(`${test.stack.urls.web}/people/${encodeURIComponent(ALEX)}`, fields);

    expect(saved.status).toBe(303);
    expect(again.status).toBe(303);
    expect(await (await api(`/api/people/${ALEX}`, PMO_LEAD)).json()).toMatchObject({
      workPattern: { mon: 7.5, tue: 7.5, wed: 7.5, thu: 7.5, fri: 0, sat: 0, sun: 0 },
      holidayCalendar: 'de-be',
      timesheetsRequired: false,
    });
  });
});

describe('the hours expected of a person in a week', () => {
  it('are their part-time pattern less a public holiday and half a day of leave: Lena, 4 × 8 h, Ascension Day and a Tuesday morning off', async () => {
    // The week of Monday 11 May 2026: Thursday 14 May is Ascension Day in Berlin; Lena does not work Fridays.
    const morning = await send('POST', leavePath(LENA), LENA, { from: '2026-05-12', until: '2026-05-12', part: 'morning' });
    expect(morning.status).toBe(201);

    const week = await expectedWeekOf(LENA, '2026-05-11');

    expect(week).toEqual({
      total: 20,
      byDate: { '2026-05-11': 8, '2026-05-12': 4, '2026-05-13': 8, '2026-05-14': 0, '2026-05-15': 0, '2026-05-16': 0, '2026-05-17': 0 },
    });
  });

  it('are 0 in a week of leave that starts the week before (Thursday 4 June: 24 of Lena’s 32 hours that week)', async () => {
    await send('POST', leavePath(LENA), LENA, { from: '2026-06-04', until: '2026-06-14' });

    expect((await expectedWeekOf(LENA, '2026-06-08'))?.total).toBe(0);
    expect((await expectedWeekOf(LENA, '2026-06-01'))?.total).toBe(24);
  });

  it('are the default week for someone the directory has no pattern or calendar for', async () => {
    expect((await expectedWeekOf(SAM, '2026-03-02'))?.total).toBe(40);
  });

  it('follow a calendar the PMO changes: a new holiday counts at once', async () => {
    await send('PUT', '/api/holiday-calendars/test-region', PMO_LEAD, { name: 'Test region', days: [{ date: '2026-03-04', name: 'A Wednesday holiday' }] });
    await send('PATCH', `/api/people/${encodeURIComponent(SAM)}`, PMO_LEAD, { holidayCalendar: 'test-region' });

    expect((await expectedWeekOf(SAM, '2026-03-02'))?.total).toBe(32);
  });

  it('are the same for many people at once as for each alone', async () => {
    const people = await Promise.all([LENA, SAM, MIA].map(async (email) => (await getPerson(email))!));

    const weeks = await expectedWeeksOf(people, '2026-05-11');

    for (const email of [LENA, SAM, MIA]) expect(weeks.get(email)).toEqual(await expectedWeekOf(email, '2026-05-11'));
    expect(weeks.get(LENA)?.total).toBe(20);
  });

  it('are undefined for someone not in the directory', async () => {
    expect(await expectedWeekOf('nobody@example.org', '2026-03-02')).toBeUndefined();
  });
});
