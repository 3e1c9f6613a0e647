import * as z from 'zod';

// Working time: what a person is expected to work in a week. Hours per weekday (their pattern),
// less the public holidays of their region and their leave. Pure: no clock, no I/O. Dates are
// ISO calendar dates (`YYYY-MM-DD`) without a zone; computed on as UTC midnights, where every day
// has 24 hours.

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Whether text is a real calendar date written `YYYY-MM-DD` (not 2026-02-30). */
export function isIsoDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function utcDate(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

/** The date `days` days after (or before) an ISO date. */
export function addDays(isoDate: string, days: number): string {
  return new Date(utcDate(isoDate).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from one ISO date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcDate(to).getTime() - utcDate(from).getTime()) / DAY_MS);
}

/** The Monday of the week an ISO date falls in (weeks run Monday to Sunday, as ISO 8601 has them). */
export function mondayOf(isoDate: string): string {
  // getUTCDay: Sunday 0 … Saturday 6; days since Monday: Monday 0 … Sunday 6.
  return addDays(isoDate, -((utcDate(isoDate).getUTCDay() + 6) % 7));
}

const DATE_MESSAGE = 'Use a real date, YYYY-MM-DD';

/** A real calendar date, `YYYY-MM-DD`. */
export const IsoDateSchema = z.string({ error: DATE_MESSAGE }).max(10, DATE_MESSAGE).refine(isIsoDate, DATE_MESSAGE);

const WEEK_START_MESSAGE = 'Use the Monday of the week, YYYY-MM-DD';

/** The week a timesheet or a computation is about, by its Monday. */
export const WeekStartSchema = z
  .string({ error: WEEK_START_MESSAGE })
  .max(10, WEEK_START_MESSAGE)
  .refine((text) => isIsoDate(text) && mondayOf(text) === text, WEEK_START_MESSAGE);

/** The seven dates of the week that starts on `weekStart`, Monday to Sunday. */
export function weekDates(weekStart: string): string[] {
  return Array.from({ length: 7 }, (_, index) => addDays(weekStart, index));
}

// ---- Work patterns ---------------------------------------------------------------------------------

/** The weekdays of a pattern, in the order of a week (index 0 is Monday). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HOURS_MESSAGE = 'Use hours from 0 to 24 in quarter hours, such as 7.5';

/** Hours of one day: 0 to 24, in quarter hours. */
export const DayHoursSchema = z
  .number({ error: HOURS_MESSAGE })
  .min(0, HOURS_MESSAGE)
  .max(24, HOURS_MESSAGE)
  .refine((hours) => Number.isInteger(hours * 4), HOURS_MESSAGE);

/** The hours a person works on each weekday: a full-time week, or a part-time pattern such as 4 × 8 h. */
export const WorkPatternSchema = z.strictObject({
  mon: DayHoursSchema,
  tue: DayHoursSchema,
  wed: DayHoursSchema,
  thu: DayHoursSchema,
  fri: DayHoursSchema,
  sat: DayHoursSchema,
  sun: DayHoursSchema,
});
export type WorkPattern = z.infer<typeof WorkPatternSchema>;

/** The pattern of someone who has none set: eight hours Monday to Friday. */
export const DEFAULT_WORK_PATTERN: WorkPattern = Object.freeze({ mon: 8, tue: 8, wed: 8, thu: 8, fri: 8, sat: 0, sun: 0 });

/** The weekday of an ISO date, as a pattern names it. */
export function weekdayOf(isoDate: string): Weekday {
  return WEEKDAYS[(utcDate(isoDate).getUTCDay() + 6) % 7]!;
}

/** The hours of a week's pattern, added up. */
export function weeklyHours(pattern: WorkPattern): number {
  return WEEKDAYS.reduce((total, day) => total + pattern[day], 0);
}

// ---- Time zones ------------------------------------------------------------------------------------

/** Zone names already asked of Intl, and their canonical names (undefined: not a zone). */
const knownZones = new Map<string, string | undefined>();
const MAX_REMEMBERED_ZONES = 2_000;

/**
 * The canonical name of an IANA time zone (`Europe/Berlin`, `UTC`), or undefined when Intl does
 * not know it. Offsets (`+01:00`) are not zones: they do not follow summer time.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return undefined;
  // Every person read from the directory has their zone checked: a few hundred zones exist, each is asked Intl once.
  if (!knownZones.has(name)) {
    let zone: string | undefined;
    try {
      zone = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      zone = undefined;
    }
    if (knownZones.size < MAX_REMEMBERED_ZONES) knownZones.set(name, zone);
    return zone;
  }
  return knownZones.get(name);
}

const TIME_ZONE_MESSAGE = 'Use an IANA time zone, such as Europe/Berlin';

/** An IANA time zone, stored by its canonical name. */
export const TimeZoneSchema = z
  .string({ error: TIME_ZONE_MESSAGE })
  .trim()
  .max(64, TIME_ZONE_MESSAGE)
  .transform((name, ctx) => {
    const zone = canonicalTimeZone(name);
    if (zone === undefined) {
      ctx.addIssue({ code: 'custom', message: TIME_ZONE_MESSAGE });
      return z.NEVER;
    }
    return zone;
  });

/** The calendar date at an instant in a time zone. */
export function localDate(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The Monday of the last week that has ended (Sunday 24:00) in a time zone: on Sunday at 23:30
 * it is the week before this one; on Monday at 00:10 it is the week that just ended. Throws
 * RangeError for a zone Intl does not know.
 */
export function lastCompletedWeek(now: Date, timeZone: string): string {
  return addDays(mondayOf(localDate(now, timeZone)), -7);
}

// ---- Holiday calendars -----------------------------------------------------------------------------

/** The most days one calendar holds: public holidays of many years. */
export const MAX_CALENDAR_DAYS = 1000;

const CALENDAR_ID_MESSAGE = 'Use lower-case letters, digits and dashes, such as de-be';

/** A calendar's id: a short lower-case name of its region, such as `de-be` or `gb-eng`. */
export const HolidayCalendarIdSchema = z.string({ error: CALENDAR_ID_MESSAGE }).regex(/^[a-z0-9][a-z0-9-]{0,39}$/, CALENDAR_ID_MESSAGE);

const NameSchema = (what: string) =>
  z
    .string({ error: `Enter the ${what}` })
    .trim()
    .min(1, `Enter the ${what}`)
    .max(120, 'Use at most 120 characters');

/** One public holiday: its date, its name, and whether only half the day is off (`half`). */
export const HolidaySchema = z.strictObject({
  date: IsoDateSchema,
  name: NameSchema('holiday’s name'),
  half: z.boolean({ error: 'Send true for half a day off, or leave it out' }).optional(),
});
export type Holiday = z.infer<typeof HolidaySchema>;

/** The days of a calendar: each date once, sorted on read by {@link holidayCalendarOf}. */
const HolidayDaysSchema = z
  .array(HolidaySchema, { error: 'Send the days as a list of {date, name, half?}' })
  .max(MAX_CALENDAR_DAYS, `Give at most ${MAX_CALENDAR_DAYS} days`)
  .superRefine((days, ctx) => {
    const seen = new Set<string>();
    days.forEach((day, index) => {
      if (seen.has(day.date)) ctx.addIssue({ code: 'custom', path: [index, 'date'], message: `${day.date} is in the calendar twice; list each date once` });
      seen.add(day.date);
    });
  });

/** A region's public holidays, as the PMO edits them. */
export const HolidayCalendarSchema = z.object({
  id: HolidayCalendarIdSchema,
  name: NameSchema('calendar’s name'),
  days: HolidayDaysSchema,
});
export type HolidayCalendar = z.infer<typeof HolidayCalendarSchema>;

/**
 * What the PMO sends to replace a calendar: its name and all its days. The id is the path's; a
 * body may repeat it (a calendar file sent as it is), and the route refuses another.
 */
export const HolidayCalendarInputSchema = z.strictObject({
  id: HolidayCalendarIdSchema.optional(),
  name: NameSchema('calendar’s name'),
  days: HolidayDaysSchema,
});
export type HolidayCalendarInput = z.infer<typeof HolidayCalendarInputSchema>;

/** A calendar as stored: its days by date, `half` only where it is true. */
export function holidayCalendarOf(id: string, input: HolidayCalendarInput): HolidayCalendar {
  const days = [...input.days]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((day) => ({ date: day.date, name: day.name, ...(day.half ? { half: true } : {}) }));
  return { id, name: input.name, days };
}

// ---- Leave -----------------------------------------------------------------------------------------

/** The longest leave recorded at once, in days (a year, a leap year's included). */
export const MAX_LEAVE_DAYS = 366;

/** A whole day (or days), or half a day: the morning or the afternoon of one day. */
export const LeavePartSchema = z.enum(['full', 'morning', 'afternoon'], { error: 'Use full, morning or afternoon' });
export type LeavePart = z.infer<typeof LeavePartSchema>;

const ReasonSchema = z.string({ error: 'Enter the reason as text' }).trim().max(200, 'Use at most 200 characters');

/** A period a person is away, from and until dates (both included). */
export const LeaveSchema = z.object({
  id: z.string().min(1),
  email: z.string().min(1),
  from: IsoDateSchema,
  until: IsoDateSchema,
  part: LeavePartSchema,
  reason: z.string().max(200).optional(),
  /** When it was recorded: of two overlapping records made at once, the earlier stands. */
  createdAt: z.string().optional(),
});
export type Leave = z.infer<typeof LeaveSchema>;

/**
 * Leave as a person records it: from and until (inclusive), whole days by default; a morning or
 * an afternoon only on a single day; at most {@link MAX_LEAVE_DAYS} days.
 */
export const LeaveInputSchema = z
  .strictObject({
    from: IsoDateSchema,
    until: IsoDateSchema,
    part: LeavePartSchema.default('full'),
    reason: ReasonSchema.optional(),
  })
  .superRefine((input, ctx) => {
    const days = daysBetween(input.from, input.until) + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['until'], message: 'The leave ends before it starts: use an until date on or after from' });
    else if (days > MAX_LEAVE_DAYS) ctx.addIssue({ code: 'custom', path: ['until'], message: `Record at most ${MAX_LEAVE_DAYS} days at once` });
    else if (input.part !== 'full' && days !== 1) ctx.addIssue({ code: 'custom', path: ['part'], message: 'A morning or an afternoon is half of one day: use the same from and until date' });
  });
export type LeaveInput = z.infer<typeof LeaveInputSchema>;

/** The share of each day a leave takes, by date (1 a whole day, 0.5 a morning or an afternoon). */
function leaveShareOn(leave: Leave, date: string): number {
  if (date < leave.from || date > leave.until) return 0;
  return leave.part === 'full' ? 1 : 0.5;
}

/**
 * Whether two leaves take the same time: any shared day, except a morning and an afternoon of the
 * same day, which are its two halves.
 */
export function leavesOverlap(a: Pick<Leave, 'from' | 'until' | 'part'>, b: Pick<Leave, 'from' | 'until' | 'part'>): boolean {
  if (a.from > b.until || b.from > a.until) return false;
  const halves = new Set([a.part, b.part]);
  return !(halves.size === 2 && halves.has('morning') && halves.has('afternoon'));
}

// ---- Expected hours --------------------------------------------------------------------------------

/** What a person's expected week is computed from. */
export interface WorkingTime {
  readonly pattern: WorkPattern;
  readonly holidays: HolidayCalendar | undefined;
  readonly leave: readonly Leave[];
}

/** The hours expected in one week: in total, and by date (every date of the week). */
export interface ExpectedWeek {
  readonly total: number;
  readonly byDate: Record<string, number>;
}

/**
 * The hours expected of a person in the week starting `weekStart`: each day's pattern, less the
 * share of it that a public holiday (a half holiday halves it) and leave (a morning or an
 * afternoon halves it) take, never below nothing. Each day is rounded to the nearest quarter hour
 * (half a 7.75-hour day is 4 hours); the total is the days added up.
 */
export function expectedHoursForWeek(workingTime: WorkingTime, weekStart: string): ExpectedWeek {
  const holidays = new Map((workingTime.holidays?.days ?? []).map((day) => [day.date, day.half ? 0.5 : 1]));
  const byDate: Record<string, number> = {};
  let totalQuarters = 0;
  for (const date of weekDates(weekStart)) {
    const off = (holidays.get(date) ?? 0) + workingTime.leave.reduce((share, leave) => share + leaveShareOn(leave, date), 0);
    const quarters = Math.round(workingTime.pattern[weekdayOf(date)] * 4 * Math.max(0, 1 - off));
    byDate[date] = quarters / 4;
    totalQuarters += quarters;
  }
  return { total: totalQuarters / 4, byDate };
}
