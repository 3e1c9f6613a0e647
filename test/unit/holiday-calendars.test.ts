import { describe, expect, it } from 'vitest';
import { weekdayOf } from '#domain/working-time.ts';
import { holidayDaysText, parseHolidayDaysText } from '#web/holiday-days-text.ts';
import { readdirSync } from 'node:fs';
import { SHIPPED_CALENDAR_FILES } from '../../functions/config/holidays/shipped.ts';
import { shippedHolidayCalendars } from '#services/working-time-service.ts';

describe('the holiday calendars shipped with the product', () => {
  it('are every calendar file of the folder, bundled into the functions', () => {
    const files = readdirSync(new URL('../../functions/config/holidays/', import.meta.url)).filter((name) => name.endsWith('.json'));

    expect(Object.keys(SHIPPED_CALENDAR_FILES).sort()).toEqual(files.sort());
  });

  it('are valid calendars named after their files, Berlin and England among them', async () => {
    const calendars = await shippedHolidayCalendars();

    expect(calendars.map((calendar) => calendar.id)).toEqual(expect.arrayContaining(['de-be', 'gb-eng']));
  });

  it('give Berlin its ten public holidays in each of 2026 and 2027, Easter’s moving with it', async () => {
    const berlin = (await shippedHolidayCalendars()).find((calendar) => calendar.id === 'de-be')!;
    const dates = berlin.days.map((day) => day.date);

    expect(dates.filter((date) => date.startsWith('2026'))).toHaveLength(10);
    expect(dates.filter((date) => date.startsWith('2027'))).toHaveLength(10);
    // Easter Sunday is 5 April 2026 and 28 March 2027: Good Friday, Easter Monday, Ascension (+39), Whit Monday (+50).
    expect(dates).toEqual(expect.arrayContaining(['2026-04-03', '2026-04-06', '2026-05-14', '2026-05-25', '2027-03-26', '2027-03-29', '2027-05-06', '2027-05-17']));
    expect(dates).toEqual(expect.arrayContaining(['2026-03-08', '2027-03-08']));
  });

  it('give England its eight bank holidays a year, each on a weekday (substitute days for those at a weekend)', async () => {
    const england = (await shippedHolidayCalendars()).find((calendar) => calendar.id === 'gb-eng')!;

    expect(england.days.filter((day) => day.date.startsWith('2026'))).toHaveLength(8);
    expect(england.days.filter((day) => day.date.startsWith('2027'))).toHaveLength(8);
    expect(england.days.filter((day) => ['sat', 'sun'].includes(weekdayOf(day.date)))).toEqual([]);
    expect(england.days.map((day) => day.date)).toEqual(expect.arrayContaining(['2026-12-28', '2027-12-27', '2027-12-28']));
  });
});

describe('holiday days as the page’s text box has them', () => {
  it('are one line a day, a half day marked (half)', () => {
    expect(holidayDaysText([{ date: '2026-12-24', name: 'Christmas Eve', half: true }, { date: '2026-12-25', name: 'Christmas Day' }])).toBe(
      '2026-12-24 Christmas Eve (half)\n2026-12-25 Christmas Day',
    );
  });

  it('read back what they write', () => {
    const days = [{ date: '2026-12-24', name: 'Christmas Eve', half: true as const }, { date: '2026-12-25', name: 'Christmas Day' }];

    expect(parseHolidayDaysText(holidayDaysText(days)).days).toEqual(days);
  });

  it('skip blank lines and name each day’s line', () => {
    const typed = parseHolidayDaysText('\r\n  2026-01-01   New Year’s Day  \n\n2026-12-31 New Year’s Eve (HALF)\n');

    expect(typed.days).toEqual([{ date: '2026-01-01', name: 'New Year’s Day' }, { date: '2026-12-31', name: 'New Year’s Eve', half: true }]);
    expect(typed.lines).toEqual([2, 4]);
  });

  it('leave a line without a name with an empty name, for the calendar’s check to refuse', () => {
    expect(parseHolidayDaysText('2026-01-01').days).toEqual([{ date: '2026-01-01', name: '' }]);
  });
});
