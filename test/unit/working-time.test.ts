import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORK_PATTERN,
  expectedHoursForWeek,
  HolidayCalendarInputSchema,
  holidayCalendarOf,
  lastCompletedWeek,
  LeaveInputSchema,
  leavesOverlap,
  TimeZoneSchema,
  WeekStartSchema,
  weekDates,
  WorkPatternSchema,
  type HolidayCalendar,
  type Leave,
  type WorkPattern,
} from '#domain/working-time.ts';

// Hand-checked weeks of March 2026: Monday 2 March to Sunday 8 March, and the week after.
const WEEK = '2026-03-02';
const NEXT_WEEK = '2026-03-09';

const FULL_TIME = DEFAULT_WORK_PATTERN;
const FOUR_DAYS_FRIDAY_OFF: WorkPattern = { mon: 8, tue: 8, wed: 8, thu: 8, fri: 0, sat: 0, sun: 0 };
const FOUR_DAYS_WEDNESDAY_OFF: WorkPattern = { mon: 8, tue: 8, wed: 0, thu: 8, fri: 8, sat: 0, sun: 0 };

function calendar(days: HolidayCalendar['days']): HolidayCalendar {
  return { id: 'test', name: 'Test holidays', days };
}

let leaveCount = 0;
function leave(from: string, until: string, part: Leave['part'] = 'full'): Leave {
  leaveCount += 1;
  return { id: `leave-${leaveCount}`, email: 'lena.berg@example.org', from, until, part };
}

function issuePaths(result: { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'));
}

describe('weeks', () => {
  it('take a Monday as the start of a week', () => {
    expect(WeekStartSchema.safeParse('2026-03-02').success).toBe(true);
  });

  it('refuse any other day, and dates that do not exist, with the same message', () => {
    for (const text of ['2026-03-03', '2026-03-08', '2026-02-30', '2026-3-2', 'monday']) {
      const result = WeekStartSchema.safeParse(text);

      expect(result.success, text).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('Use the Monday of the week, YYYY-MM-DD');
    }
  });

  it('list their seven dates from Monday to Sunday, across the end of a month', () => {
    expect(weekDates('2026-03-30')).toEqual(['2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04', '2026-04-05']);
  });

  it('run across the end of a year', () => {
    expect(weekDates('2026-12-28').at(-1)).toBe('2027-01-03');
  });
});

describe('work patterns', () => {
  it('take hours from 0 to 24 in quarter hours', () => {
    expect(WorkPatternSchema.safeParse({ ...FULL_TIME, mon: 7.75, sun: 24 }).success).toBe(true);
  });

  it.each([
    ['a negative day', -1],
    ['more than a day', 24.25],
    ['a tenth of an hour', 7.1],
  ])('refuse %s, naming the weekday', (_what, hours) => {
    expect(issuePaths(WorkPatternSchema.safeParse({ ...FULL_TIME, wed: hours }))).toEqual(['wed']);
  });

  it('need every weekday', () => {
    const { sun: _sun, ...sixDays } = FULL_TIME;

    expect(issuePaths(WorkPatternSchema.safeParse(sixDays))).toEqual(['sun']);
  });
});

describe('expected hours of a week', () => {
  it('are 40 for a full-time week of five eight-hour days', () => {
    const week = expectedHoursForWeek({ pattern: FULL_TIME, holidays: undefined, leave: [] }, WEEK);

    expect(week.total).toBe(40);
    expect(week.byDate).toEqual({
      '2026-03-02': 8,
      '2026-03-03': 8,
      '2026-03-04': 8,
      '2026-03-05': 8,
      '2026-03-06': 8,
      '2026-03-07': 0,
      '2026-03-08': 0,
    });
  });

  it('are 32 for a part-time pattern of four eight-hour days', () => {
    expect(expectedHoursForWeek({ pattern: FOUR_DAYS_FRIDAY_OFF, holidays: undefined, leave: [] }, WEEK).total).toBe(32);
  });

  it('lose a public holiday on a Wednesday: 32 of a full-time week', () => {
    const holidays = calendar([{ date: '2026-03-04', name: 'A Wednesday holiday' }]);

    const week = expectedHoursForWeek({ pattern: FULL_TIME, holidays, leave: [] }, WEEK);

    expect(week.total).toBe(32);
    expect(week.byDate['2026-03-04']).toBe(0);
  });

  it('keep 32 for someone who does not work Wednesdays when the holiday is a Wednesday', () => {
    const holidays = calendar([{ date: '2026-03-04', name: 'A Wednesday holiday' }]);

    expect(expectedHoursForWeek({ pattern: FOUR_DAYS_WEDNESDAY_OFF, holidays, leave: [] }, WEEK).total).toBe(32);
  });

  it('ignore holidays of other weeks', () => {
    const holidays = calendar([{ date: '2026-03-09', name: 'Next Monday' }]);

    expect(expectedHoursForWeek({ pattern: FULL_TIME, holidays, leave: [] }, WEEK).total).toBe(40);
  });

  it('keep half of a day that is half a holiday: 36 in a week with Christmas Eve (Thursday 24 Dec 2026) as a half day', () => {
    const holidays = calendar([{ date: '2026-12-24', name: 'Christmas Eve', half: true }]);

    const week = expectedHoursForWeek({ pattern: FULL_TIME, holidays, leave: [] }, '2026-12-21');

    expect(week.byDate['2026-12-24']).toBe(4);
    expect(week.total).toBe(36);
  });

  it('are 0 for a week of leave', () => {
    const week = expectedHoursForWeek({ pattern: FULL_TIME, holidays: undefined, leave: [leave('2026-03-02', '2026-03-08')] }, WEEK);

    expect(week.total).toBe(0);
    expect(Object.values(week.byDate)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('keep half of a day with a morning off: 36 of 40', () => {
    const week = expectedHoursForWeek({ pattern: FULL_TIME, holidays: undefined, leave: [leave('2026-03-03', '2026-03-03', 'morning')] }, WEEK);

    expect(week.byDate['2026-03-03']).toBe(4);
    expect(week.total).toBe(36);
  });

  it('halve a 7.5-hour day to 3.75 hours', () => {
    const pattern: WorkPattern = { mon: 7.5, tue: 7.5, wed: 7.5, thu: 7.5, fri: 7.5, sat: 0, sun: 0 };

    const week = expectedHoursForWeek({ pattern, holidays: undefined, leave: [leave('2026-03-06', '2026-03-06', 'afternoon')] }, WEEK);

    expect(week.byDate['2026-03-06']).toBe(3.75);
    expect(week.total).toBe(33.75);
  });

  it('round half of a 7.75-hour day to the nearest quarter hour, upwards when halfway (4 hours)', () => {
    const pattern: WorkPattern = { ...FULL_TIME, mon: 7.75 };

    const week = expectedHoursForWeek({ pattern, holidays: undefined, leave: [leave('2026-03-02', '2026-03-02', 'morning')] }, WEEK);

    expect(week.byDate['2026-03-02']).toBe(4);
    expect(week.total).toBe(36);
  });

  it('count a leave that spans two weeks in each of them: Thursday to Tuesday takes two days of each', () => {
    const across = leave('2026-03-05', '2026-03-10');

    const first = expectedHoursForWeek({ pattern: FULL_TIME, holidays: undefined, leave: [across] }, WEEK);
    const second = expectedHoursForWeek({ pattern: FULL_TIME, holidays: undefined, leave: [across] }, NEXT_WEEK);

    expect(first.total).toBe(24);
    expect(second.total).toBe(24);
    expect(second.byDate['2026-03-11']).toBe(8);
  });

  it('take nothing off for leave on days the pattern has no hours', () => {
    const week = expectedHoursForWeek({ pattern: FOUR_DAYS_FRIDAY_OFF, holidays: undefined, leave: [leave('2026-03-06', '2026-03-08')] }, WEEK);

    expect(week.total).toBe(32);
  });

  it('never go below nothing: leave on a holiday, or a morning off on a half holiday, leaves 0 for the day', () => {
    const holidays = calendar([
      { date: '2026-03-04', name: 'A holiday' },
      { date: '2026-03-05', name: 'A half holiday', half: true },
    ]);
    const away = [leave('2026-03-04', '2026-03-04'), leave('2026-03-05', '2026-03-05', 'morning')];

    const week = expectedHoursForWeek({ pattern: FULL_TIME, holidays, leave: away }, WEEK);

    expect(week.byDate['2026-03-04']).toBe(0);
    expect(week.byDate['2026-03-05']).toBe(0);
    expect(week.total).toBe(24);
  });

  it('add a morning and an afternoon of the same day up to the whole day', () => {
    const away = [leave('2026-03-02', '2026-03-02', 'morning'), leave('2026-03-02', '2026-03-02', 'afternoon')];

    expect(expectedHoursForWeek({ pattern: FULL_TIME, holidays: undefined, leave: away }, WEEK).byDate['2026-03-02']).toBe(0);
  });
});

describe('the last completed week', () => {
  it('is the week before this one late on Sunday in Berlin (23:30 CET)', () => {
    expect(lastCompletedWeek(new Date('2026-03-08T22:30:00Z'), 'Europe/Berlin')).toBe('2026-02-23');
  });

  it('is the week that just ended early on Monday in Berlin (00:10 CET), while it is still Sunday in UTC', () => {
    const now = new Date('2026-03-08T23:10:00Z');

    expect(lastCompletedWeek(now, 'Europe/Berlin')).toBe('2026-03-02');
    expect(lastCompletedWeek(now, 'UTC')).toBe('2026-02-23');
  });

  it('has turned in Auckland (Monday 00:30 NZDT) half a day before it turns in UTC (Sunday 11:30)', () => {
    const now = new Date('2026-03-08T11:30:00Z');

    expect(lastCompletedWeek(now, 'Pacific/Auckland')).toBe('2026-03-02');
    expect(lastCompletedWeek(now, 'UTC')).toBe('2026-02-23');
  });

  it('has not turned yet in Los Angeles on Sunday 23:30 PDT (the night summer time began), when it is Monday in UTC', () => {
    const now = new Date('2026-03-09T06:30:00Z');

    expect(lastCompletedWeek(now, 'America/Los_Angeles')).toBe('2026-02-23');
    expect(lastCompletedWeek(now, 'UTC')).toBe('2026-03-02');
  });

  it('turns in Los Angeles at Monday 00:00 PDT', () => {
    expect(lastCompletedWeek(new Date('2026-03-09T07:00:00Z'), 'America/Los_Angeles')).toBe('2026-03-02');
  });

  it('is in the old year on the first Monday of a new one', () => {
    expect(lastCompletedWeek(new Date('2027-01-04T08:00:00Z'), 'Europe/Berlin')).toBe('2026-12-28');
  });

  it('is the same all week: Tuesday, Friday and Sunday noon name the same week', () => {
    const weeks = ['2026-03-03T12:00:00Z', '2026-03-06T12:00:00Z', '2026-03-08T12:00:00Z'].map((at) => lastCompletedWeek(new Date(at), 'Europe/Berlin'));

    expect(new Set(weeks)).toEqual(new Set(['2026-02-23']));
  });
});

describe('time zones', () => {
  it('are IANA names, kept by their canonical spelling', () => {
    expect(TimeZoneSchema.parse('Europe/Berlin')).toBe('Europe/Berlin');
    expect(TimeZoneSchema.parse('europe/berlin')).toBe('Europe/Berlin');
  });

  it.each(['Mars/Olympus', '+01:00', '', 'Europe/Berlin; DROP'])('refuse %j', (name) => {
    expect(TimeZoneSchema.safeParse(name).success).toBe(false);
  });
});

describe('holiday calendars', () => {
  it('keep their days sorted by date, with half only where it is true', () => {
    const input = HolidayCalendarInputSchema.parse({
      name: 'Berlin',
      days: [
        { date: '2026-12-25', name: 'Christmas Day' },
        { date: '2026-01-01', name: 'New Year’s Day', half: false },
        { date: '2026-12-24', name: 'Christmas Eve', half: true },
      ],
    });

    expect(holidayCalendarOf('de-be', input)).toEqual({
      id: 'de-be',
      name: 'Berlin',
      days: [
        { date: '2026-01-01', name: 'New Year’s Day' },
        { date: '2026-12-24', name: 'Christmas Eve', half: true },
        { date: '2026-12-25', name: 'Christmas Day' },
      ],
    });
  });

  it.each([
    ['a date twice', { name: 'X', days: [{ date: '2026-01-01', name: 'A' }, { date: '2026-01-01', name: 'B' }] }, ['days.1.date']],
    ['a date that does not exist', { name: 'X', days: [{ date: '2026-02-29', name: 'A' }] }, ['days.0.date']],
    ['a name over 120 characters', { name: 'X', days: [{ date: '2026-01-01', name: 'n'.repeat(121) }] }, ['days.0.name']],
    ['an empty calendar name', { name: ' ', days: [] }, ['name']],
    ['a field calendars do not have', { name: 'X', days: [], region: 'DE' }, ['']],
  ])('refuse %s', (_what, body, paths) => {
    expect(issuePaths(HolidayCalendarInputSchema.safeParse(body))).toEqual(paths);
  });
});

describe('leave as a person records it', () => {
  it('is whole days unless it says otherwise', () => {
    expect(LeaveInputSchema.parse({ from: '2026-03-02', until: '2026-03-06' })).toEqual({ from: '2026-03-02', until: '2026-03-06', part: 'full' });
  });

  it('may be a year long, a leap year’s 366 days', () => {
    expect(LeaveInputSchema.safeParse({ from: '2028-01-01', until: '2028-12-31' }).success).toBe(true);
  });

  it.each([
    ['an end before its start', { from: '2026-03-06', until: '2026-03-02' }, ['until']],
    ['more than 366 days', { from: '2026-01-01', until: '2027-01-02' }, ['until']],
    ['a morning over two days', { from: '2026-03-02', until: '2026-03-03', part: 'morning' }, ['part']],
    ['a part that is not one', { from: '2026-03-02', until: '2026-03-02', part: 'evening' }, ['part']],
    ['a date that does not exist', { from: '2026-02-30', until: '2026-03-02' }, ['from']],
    ['a reason over 200 characters', { from: '2026-03-02', until: '2026-03-02', reason: 'r'.repeat(201) }, ['reason']],
  ])('refuses %s, naming the field', (_what, body, paths) => {
    expect(issuePaths(LeaveInputSchema.safeParse(body))).toEqual(paths);
  });
});

describe('overlapping leave', () => {
  it('is any shared day', () => {
    expect(leavesOverlap(leave('2026-03-02', '2026-03-06'), leave('2026-03-06', '2026-03-10'))).toBe(true);
  });

  it('is not the day after', () => {
    expect(leavesOverlap(leave('2026-03-02', '2026-03-06'), leave('2026-03-07', '2026-03-10'))).toBe(false);
  });

  it('is not a morning and an afternoon of the same day', () => {
    expect(leavesOverlap(leave('2026-03-02', '2026-03-02', 'morning'), leave('2026-03-02', '2026-03-02', 'afternoon'))).toBe(false);
  });

  it('is two mornings of the same day, or a morning in a week away', () => {
    expect(leavesOverlap(leave('2026-03-02', '2026-03-02', 'morning'), leave('2026-03-02', '2026-03-02', 'morning'))).toBe(true);
    expect(leavesOverlap(leave('2026-03-04', '2026-03-04', 'morning'), leave('2026-03-02', '2026-03-06'))).toBe(true);
  });
});
