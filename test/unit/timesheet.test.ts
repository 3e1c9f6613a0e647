import { describe, expect, it } from 'vitest';
import {
  addWeekdays,
  copiedEntries,
  draftFrom,
  startOfDayIn,
  submissionProblem,
  submissionToken,
  timesheetDraftSchema,
  timesheetTotals,
  weekLockDate,
  weekLockInstant,
  weekStartOn,
  type Timesheet,
} from '#domain/timesheet.ts';

// The week of Monday 4 January 2027 to Sunday 10 January 2027.
const WEEK = '2027-01-04';
const PORTAL = '0b6e4c8e-2f7a-4d1b-9a63-5c2d7e8f9a10';
const CRM = '3f1d2c4b-5a6e-4f70-8a91-b2c3d4e5f601';

const schema = timesheetDraftSchema(WEEK, { weeklyCapHours: 60 });

/** The issues of a refused draft, as `path: message` pairs' paths. */
function issuePaths(input: unknown, cap = 60): string[] {
  const result = timesheetDraftSchema(WEEK, { weeklyCapHours: cap }).safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues.map((issue) => issue.path.join('.'));
}

describe('timesheetDraftSchema', () => {
  it('accepts entries inside the week in quarter hours, trimming notes and dropping empty ones', () => {
    const result = schema.safeParse({
      entries: [
        { projectId: PORTAL, date: '2027-01-04', hours: 7.75, note: '  Sprint planning  ' },
        { projectId: PORTAL, date: '2027-01-10', hours: 0.25, note: '' },
        { projectId: CRM, date: '2027-01-04', hours: 0 },
      ],
      version: 3,
    });

    expect(result.success).toBe(true);
    expect(result.data).toEqual({
      entries: [
        { projectId: PORTAL, date: '2027-01-04', hours: 7.75, note: 'Sprint planning' },
        { projectId: PORTAL, date: '2027-01-10', hours: 0.25 },
        { projectId: CRM, date: '2027-01-04', hours: 0 },
      ],
      version: 3,
    });
  });

  it('reads an empty body as an empty draft', () => {
    expect(schema.parse({})).toEqual({ entries: [] });
  });

  it.each([
    ['not a quarter hour', 7.3],
    ['over a day', 24.25],
    ['negative', -1],
    ['text', '7.5'],
  ])('refuses hours %s, naming the entry and field', (_case, hours) => {
    const paths = issuePaths({ entries: [{ projectId: PORTAL, date: '2027-01-04', hours: 1 }, { projectId: PORTAL, date: '2027-01-05', hours }] });

    expect(paths).toEqual(['entries.1.hours']);
  });

  it.each([
    ['the Sunday before', '2027-01-03'],
    ['the Monday after', '2027-01-11'],
  ])('refuses a date outside the week (%s)', (_case, date) => {
    expect(issuePaths({ entries: [{ projectId: PORTAL, date: '2027-01-04', hours: 1 }, { projectId: CRM, date, hours: 1 }] })).toEqual(['entries.1.date']);
  });

  it('refuses a second entry for the same project and day, naming the later one', () => {
    const paths = issuePaths({
      entries: [
        { projectId: PORTAL, date: '2027-01-05', hours: 4 },
        { projectId: CRM, date: '2027-01-05', hours: 2 },
        { projectId: PORTAL, date: '2027-01-05', hours: 1 },
      ],
    });

    expect(paths).toEqual(['entries.2.date']);
  });

  it('refuses a day over 24 hours, naming the entry that goes over, once', () => {
    // 16 + 8.25 = 24.25 on Tuesday: the second entry goes over; the third adds to a day already over.
    const paths = issuePaths({
      entries: [
        { projectId: PORTAL, date: '2027-01-05', hours: 16 },
        { projectId: CRM, date: '2027-01-05', hours: 8.25 },
        { projectId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', date: '2027-01-05', hours: 1 },
      ],
    });

    expect(paths).toEqual(['entries.1.hours']);
  });

  it('accepts a day of exactly 24 hours', () => {
    const result = schema.safeParse({ entries: [{ projectId: PORTAL, date: '2027-01-05', hours: 16 }, { projectId: CRM, date: '2027-01-05', hours: 8 }] });

    expect(result.success).toBe(true);
  });

  it('refuses a week over the cap as a whole (entries), and accepts one at the cap', () => {
    // Three days of 8 hours: 24, over a cap of 20 and at a cap of 24.
    const entries = ['2027-01-04', '2027-01-05', '2027-01-06'].map((date) => ({ projectId: PORTAL, date, hours: 8 }));

    expect(issuePaths({ entries }, 20)).toEqual(['entries']);
    expect(timesheetDraftSchema(WEEK, { weeklyCapHours: 24 }).safeParse({ entries }).success).toBe(true);
  });

  it('says how far over the cap the week is', () => {
    const entries = ['2027-01-04', '2027-01-05', '2027-01-06'].map((date) => ({ projectId: PORTAL, date, hours: 8 }));

    const message = timesheetDraftSchema(WEEK, { weeklyCapHours: 20 }).safeParse({ entries }).error?.issues[0]?.message;

    expect(message).toBe('The week adds up to 24 hours; the most is 20');
  });

  it('refuses a note over 500 characters and a project id that is not one', () => {
    const paths = issuePaths({
      entries: [
        { projectId: PORTAL, date: '2027-01-04', hours: 1, note: 'x'.repeat(501) },
        { projectId: 'PROJECT#1', date: '2027-01-05', hours: 1 },
      ],
    });

    expect(paths).toEqual(['entries.0.note', 'entries.1.projectId']);
  });

  it('refuses a field an entry does not have, at that entry', () => {
    const result = schema.safeParse({ entries: [{ projectId: PORTAL, date: '2027-01-04', hours: 1, billable: true }] });

    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', path: ['entries', 0], keys: ['billable'] });
  });

  it('accepts "did not work" with a reason and no entries', () => {
    expect(schema.parse({ noWork: { reason: ' Parental leave ' } })).toEqual({ entries: [], noWork: { reason: 'Parental leave' } });
  });

  it('refuses "did not work" with entries, or without a reason', () => {
    expect(issuePaths({ noWork: { reason: 'Away' }, entries: [{ projectId: PORTAL, date: '2027-01-04', hours: 1 }] })).toEqual(['noWork']);
    expect(issuePaths({ noWork: { reason: '   ' } })).toEqual(['noWork.reason']);
  });
});

describe('timesheetTotals', () => {
  it('adds up each day (every day of the week listed), each project and the week', () => {
    const totals = timesheetTotals(WEEK, [
      { projectId: PORTAL, date: '2027-01-04', hours: 7.5 },
      { projectId: PORTAL, date: '2027-01-05', hours: 8 },
      { projectId: CRM, date: '2027-01-04', hours: 0.5 },
    ]);

    expect(totals).toEqual({
      total: 16,
      byDate: { '2027-01-04': 8, '2027-01-05': 8, '2027-01-06': 0, '2027-01-07': 0, '2027-01-08': 0, '2027-01-09': 0, '2027-01-10': 0 },
      byProject: { [PORTAL]: 15.5, [CRM]: 0.5 },
    });
  });
});

describe('the week lock', () => {
  it('falls on the Thursday after the week: 7 days, then 3 working days', () => {
    expect(weekLockDate('2027-01-04')).toBe('2027-01-14');
  });

  it('counts working days across a weekend', () => {
    expect(addWeekdays('2027-01-08', 1)).toBe('2027-01-11');
    expect(addWeekdays('2027-01-07', 3)).toBe('2027-01-12');
  });

  it('starts at midnight of the lock day in the person’s time zone', () => {
    expect(weekLockInstant('2027-01-04', 'Europe/Berlin').toISOString()).toBe('2027-01-13T23:00:00.000Z');
    expect(weekLockInstant('2027-01-04', 'America/New_York').toISOString()).toBe('2027-01-14T05:00:00.000Z');
    expect(weekLockInstant('2027-01-04', 'UTC').toISOString()).toBe('2027-01-14T00:00:00.000Z');
  });

  it('takes summer time into account, and the offset at local midnight on the day clocks change', () => {
    expect(startOfDayIn('2027-07-15', 'Europe/Berlin').toISOString()).toBe('2027-07-14T22:00:00.000Z');
    // Clocks go forward at 02:00 on 28 March 2027 in Berlin: midnight is still UTC+1.
    expect(startOfDayIn('2027-03-28', 'Europe/Berlin').toISOString()).toBe('2027-03-27T23:00:00.000Z');
    // And back at 03:00 on 31 October 2027: midnight is still UTC+2.
    expect(startOfDayIn('2027-10-31', 'Europe/Berlin').toISOString()).toBe('2027-10-30T22:00:00.000Z');
  });
});

describe('weekStartOn', () => {
  it('is the Monday of the day it is in the time zone', () => {
    // Sunday 23:30 in London is Monday 00:30 in Berlin.
    const now = new Date('2027-01-10T23:30:00Z');

    expect(weekStartOn(now, 'Europe/Berlin')).toBe('2027-01-11');
    expect(weekStartOn(now, 'Europe/London')).toBe('2027-01-04');
  });

  it('is the day itself on a Monday', () => {
    expect(weekStartOn(new Date('2027-01-04T12:00:00Z'), 'UTC')).toBe('2027-01-04');
  });
});

describe('submissionProblem', () => {
  it('refuses a week with nothing booked and no reason', () => {
    expect(submissionProblem({ entries: [] })?.path).toBe('entries');
    expect(submissionProblem({ entries: [{ projectId: PORTAL, date: WEEK, hours: 0 }] })?.path).toBe('entries');
  });

  it('accepts booked hours, or a week without work', () => {
    expect(submissionProblem({ entries: [{ projectId: PORTAL, date: WEEK, hours: 0.25 }] })).toBeUndefined();
    expect(submissionProblem({ entries: [], noWork: { reason: 'Sabbatical' } })).toBeUndefined();
  });
});

describe('draftFrom', () => {
  const NOW = new Date('2027-01-06T10:00:00.000Z');
  const ids = { email: 'sam.carter@example.org', weekStart: WEEK };

  it('starts a new week at version 1', () => {
    expect(draftFrom(undefined, ids, { entries: [] }, NOW)).toEqual({ ...ids, status: 'DRAFT', entries: [], updatedAt: NOW.toISOString(), version: 1 });
  });

  it('replaces the entries of the current draft at the next version, keeping who reopened it', () => {
    const current: Timesheet = {
      ...ids,
      status: 'DRAFT',
      entries: [{ projectId: PORTAL, date: WEEK, hours: 8 }],
      reopenedAt: '2027-01-05T09:00:00.000Z',
      reopenedBy: 'priya.shah@example.org',
      updatedAt: '2027-01-05T09:00:00.000Z',
      version: 4,
    };

    const draft = draftFrom(current, ids, { entries: [], noWork: { reason: 'Ill' } }, NOW);

    expect(draft).toMatchObject({ entries: [], noWork: { reason: 'Ill' }, version: 5, reopenedBy: 'priya.shah@example.org' });
  });
});

describe('copiedEntries', () => {
  it('moves last week’s hours to the same weekdays, without notes, on the projects kept', () => {
    const copied = copiedEntries(
      [
        { projectId: PORTAL, date: '2026-12-28', hours: 6, note: 'Last week’s note' },
        { projectId: CRM, date: '2026-12-29', hours: 2 },
        { projectId: PORTAL, date: '2027-01-03', hours: 0 },
      ],
      (projectId) => projectId === PORTAL,
    );

    expect(copied).toEqual([{ projectId: PORTAL, date: '2027-01-04', hours: 6 }]);
  });
});

describe('submissionToken', () => {
  it('names the person and the submitted version', () => {
    expect(submissionToken({ email: 'sam.carter@example.org', version: 7 })).toBe('sam.carter@example.org#7');
  });
});
