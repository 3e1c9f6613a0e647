import * as z from 'zod';
import { addDays, localDate, mondayOf, weekDates } from './working-time.ts';

// A person's timesheet for one week (Monday to Sunday): hours per project and day, saved as a
// draft until submitted. Pure: no clock, no I/O; the week's dates come from working-time.ts.

/** Where a timesheet is: a draft the person edits, or submitted (only the PMO reopens it). */
export const TIMESHEET_STATUSES = ['DRAFT', 'SUBMITTED'] as const;
export type TimesheetStatus = (typeof TIMESHEET_STATUSES)[number];

/** The longest note an entry carries, and the longest reason for a week without work. */
export const MAX_NOTE_LENGTH = 500;

/** The most entries a week holds: 7 days of 40 projects, more than anyone books. */
export const MAX_ENTRIES = 280;

/** The hours of a day: no entry and no day holds more. */
export const MAX_DAY_HOURS = 24;

/** The weekly cap when the organisation sets none (`TIMESHEET_WEEKLY_CAP_HOURS`). */
export const DEFAULT_WEEKLY_CAP_HOURS = 60;

/** Working days after a week ends before it locks (the period closes). */
export const LOCK_GRACE_WORKING_DAYS = 3;

/** One booking: hours on one project on one day. */
export const TimesheetEntrySchema = z.object({
  projectId: z.string().min(1),
  date: z.iso.date(),
  hours: z.number().min(0).max(MAX_DAY_HOURS),
  note: z.string().max(MAX_NOTE_LENGTH).optional(),
});
export type TimesheetEntry = z.infer<typeof TimesheetEntrySchema>;

/** "I did not work this week", and why (leave the system does not know of, a sabbatical, …). */
export const NoWorkSchema = z.object({ reason: z.string().min(1).max(MAX_NOTE_LENGTH) });
export type NoWork = z.infer<typeof NoWorkSchema>;

/** A stored timesheet. */
export const TimesheetSchema = z.object({
  email: z.string().min(1),
  weekStart: z.iso.date(),
  status: z.enum(TIMESHEET_STATUSES),
  entries: z.array(TimesheetEntrySchema),
  noWork: NoWorkSchema.optional(),
  submittedAt: z.iso.datetime().optional(),
  /** The last reopening, by the PMO: a submitted week back in draft. */
  reopenedAt: z.iso.datetime().optional(),
  reopenedBy: z.string().optional(),
  updatedAt: z.iso.datetime(),
  /** Counts writes: every change is conditional on the version it read. */
  version: z.number().int().min(1),
  /** The approved late edit that last wrote the week, if one did. */
  lateEditId: z.string().optional(),
});
export type Timesheet = z.infer<typeof TimesheetSchema>;

// ---- Dates ------------------------------------------------------------------------------------

/** The Monday of the week before. */
export function previousWeek(weekStart: string): string {
  return addDays(weekStart, -7);
}

/** The Monday of the week after. */
export function nextWeek(weekStart: string): string {
  return addDays(weekStart, 7);
}

function isWeekend(isoDate: string): boolean {
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

/** The date `count` weekdays (Monday to Friday) after `isoDate`. */
export function addWeekdays(isoDate: string, count: number): string {
  let date = isoDate;
  for (let added = 0; added < count; ) {
    date = addDays(date, 1);
    if (!isWeekend(date)) added += 1;
  }
  return date;
}

/**
 * The day a week locks, from its start: the week ends on Sunday, and people have
 * {@link LOCK_GRACE_WORKING_DAYS} working days after it (Monday to Wednesday) to complete it, so
 * it locks on Thursday. Public holidays do not move it (yet).
 */
export function weekLockDate(weekStart: string): string {
  return addWeekdays(addDays(weekStart, 7), LOCK_GRACE_WORKING_DAYS);
}

/** Minutes a time zone is ahead of UTC at an instant (negative west of Greenwich). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((candidate) => candidate.type === type)?.value);
  const asUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

/** The instant a calendar day starts in a time zone (its midnight, or the first minute after a gap). */
export function startOfDayIn(isoDate: string, timeZone: string): Date {
  const utcMidnight = Date.parse(`${isoDate}T00:00:00Z`);
  const guess = utcMidnight - offsetMinutes(new Date(utcMidnight), timeZone) * 60_000;
  // The offset at midnight local time may differ from the one at midnight UTC (a change between).
  return new Date(utcMidnight - offsetMinutes(new Date(guess), timeZone) * 60_000);
}

/** The instant a week locks in a time zone: the start of its {@link weekLockDate} there. */
export function weekLockInstant(weekStart: string, timeZone: string): Date {
  return startOfDayIn(weekLockDate(weekStart), timeZone);
}

// ---- Totals -----------------------------------------------------------------------------------

/** Hours added up per day, per project and for the week. */
export interface TimesheetTotals {
  readonly total: number;
  /** Every day of the week, 0 when nothing is booked. */
  readonly byDate: Readonly<Record<string, number>>;
  /** Every project with an entry. */
  readonly byProject: Readonly<Record<string, number>>;
}

/**
 * The totals of a week's entries. Hours are quarter hours, which binary floating point holds
 * exactly, so the sums are exact too.
 */
export function timesheetTotals(weekStart: string, entries: readonly Pick<TimesheetEntry, 'projectId' | 'date' | 'hours'>[]): TimesheetTotals {
  const byDate: Record<string, number> = Object.fromEntries(weekDates(weekStart).map((date) => [date, 0]));
  const byProject: Record<string, number> = {};
  let total = 0;
  for (const entry of entries) {
    byDate[entry.date] = (byDate[entry.date] ?? 0) + entry.hours;
    byProject[entry.projectId] = (byProject[entry.projectId] ?? 0) + entry.hours;
    total += entry.hours;
  }
  return { total, byDate, byProject };
}

// ---- What a person sends ------------------------------------------------------------------------

/** What `PUT /api/timesheets/:email/:weekStart` takes, once checked. */
export interface TimesheetDraftInput {
  readonly entries: TimesheetEntry[];
  readonly noWork?: NoWork;
  /** The version the sender read (0: none saved yet); a save over a newer one is refused. */
  readonly version?: number;
}

function validHours(hours: number): boolean {
  return hours >= 0 && hours <= MAX_DAY_HOURS && Number.isInteger(hours * 4);
}

const HOURS_MESSAGE = `Enter hours from 0 to ${MAX_DAY_HOURS} in quarter hours, such as 7.5 or 7.25`;

const EntryInputSchema = z.strictObject(
  {
    projectId: z.uuid({ error: 'Give the id of an active project' }),
    date: z.iso.date({ error: 'Give a date as YYYY-MM-DD' }),
    hours: z
      .number({ error: HOURS_MESSAGE })
      .refine(validHours, HOURS_MESSAGE),
    note: z
      .string({ error: 'A note is text' })
      .trim()
      .max(MAX_NOTE_LENGTH, `Use at most ${MAX_NOTE_LENGTH} characters`)
      .optional()
      .transform((note) => (note === '' ? undefined : note)),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'An entry has projectId, date, hours and an optional note' : 'Send an entry as {projectId, date, hours, note?}') },
);

const NoWorkInputSchema = z.strictObject(
  {
    reason: z
      .string({ error: 'Say why you did not work this week' })
      .trim()
      .min(1, 'Say why you did not work this week')
      .max(MAX_NOTE_LENGTH, `Use at most ${MAX_NOTE_LENGTH} characters`),
  },
  { error: () => 'Send {"reason": "…"}' },
);

/**
 * The schema of a draft for one week: entries on dates inside the week, hours 0–24 in quarter
 * hours, at most 24 on a day and `weeklyCapHours` in the week, one entry per project and day, notes
 * of up to 500 characters; or "did not work" with a reason and no entries. Every issue names the
 * entry and field it is about (`entries.3.hours`); a whole-week one names `entries`.
 */
export function timesheetDraftSchema(weekStart: string, options: { readonly weeklyCapHours: number }) {
  const dates = new Set(weekDates(weekStart));
  return z
    .strictObject(
      {
        entries: z.array(EntryInputSchema, { error: 'Send the entries as a list' }).max(MAX_ENTRIES, `Send at most ${MAX_ENTRIES} entries`).default([]),
        noWork: NoWorkInputSchema.optional(),
        version: z.number({ error: 'Send the version you read, a whole number' }).int('Send the version you read, a whole number').min(0, 'Send the version you read, a whole number').optional(),
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? 'A timesheet has entries, noWork and version only' : 'Send an object with entries (or noWork)') },
    )
    .superRefine((input, ctx) => {
      if (input.noWork && input.entries.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['noWork'], message: 'Leave out the entries for a week you did not work, or leave out noWork' });
      }
      const seen = new Map<string, number>();
      const byDate = new Map<string, number>();
      let total = 0;
      input.entries.forEach((entry, index) => {
        if (!dates.has(entry.date)) {
          ctx.addIssue({ code: 'custom', path: ['entries', index, 'date'], message: `Use a date of this week, ${weekStart} to ${addDays(weekStart, 6)}` });
          return;
        }
        const pair = `${entry.projectId}#${entry.date}`;
        const earlier = seen.get(pair);
        if (earlier !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['entries', index, 'date'], message: `This project already has hours on ${entry.date} (entry ${earlier}); book them in one entry` });
          return;
        }
        seen.set(pair, index);
        // Hours refused on their own are not added up again (the refinement runs after such issues too).
        if (!validHours(entry.hours)) return;
        const day = (byDate.get(entry.date) ?? 0) + entry.hours;
        byDate.set(entry.date, day);
        if (day > MAX_DAY_HOURS && day - entry.hours <= MAX_DAY_HOURS) {
          ctx.addIssue({ code: 'custom', path: ['entries', index, 'hours'], message: `The hours on ${entry.date} add up to more than ${MAX_DAY_HOURS}` });
        }
        total += entry.hours;
      });
      if (total > options.weeklyCapHours) {
        ctx.addIssue({ code: 'custom', path: ['entries'], message: `The week adds up to ${total} hours; the most is ${options.weeklyCapHours}` });
      }
    })
    .transform(
      (input): TimesheetDraftInput => ({
        entries: input.entries.map((entry) => ({ projectId: entry.projectId, date: entry.date, hours: entry.hours, ...(entry.note ? { note: entry.note } : {}) })),
        ...(input.noWork ? { noWork: input.noWork } : {}),
        ...(input.version !== undefined ? { version: input.version } : {}),
      }),
    );
}

/** Why a timesheet cannot be submitted as it is, if it cannot: nothing booked and no "did not work". */
export function submissionProblem(timesheet: Pick<Timesheet, 'entries' | 'noWork'>): { path: string; message: string } | undefined {
  if (timesheet.noWork) return undefined;
  if (timesheet.entries.some((entry) => entry.hours > 0)) return undefined;
  return { path: 'entries', message: 'Book your hours, or say that you did not work this week (noWork with a reason)' };
}

/** The timesheet a draft makes: a new one (version 1) or the next version of the current draft. */
export function draftFrom(current: Timesheet | undefined, ids: { email: string; weekStart: string }, input: TimesheetDraftInput, now: Date): Timesheet {
  return {
    email: ids.email,
    weekStart: ids.weekStart,
    status: 'DRAFT',
    entries: input.entries,
    ...(input.noWork ? { noWork: input.noWork } : {}),
    ...(current?.reopenedAt ? { reopenedAt: current.reopenedAt } : {}),
    ...(current?.reopenedBy ? { reopenedBy: current.reopenedBy } : {}),
    updatedAt: now.toISOString(),
    version: (current?.version ?? 0) + 1,
  };
}

/**
 * Last week's entries moved to this week (the same weekday), for "copy last week": without notes
 * (they were about last week), and only on the projects `keep` accepts (those still open).
 */
export function copiedEntries(previous: readonly TimesheetEntry[], keep: (projectId: string) => boolean): TimesheetEntry[] {
  return previous.filter((entry) => entry.hours > 0 && keep(entry.projectId)).map((entry) => ({ projectId: entry.projectId, date: addDays(entry.date, 7), hours: entry.hours }));
}

/**
 * The token a submission's hours are counted under on a project: one per person and submitted
 * version, so that counting again (a retried request) adds nothing, and a reopened week's next
 * submission counts afresh.
 */
export function submissionToken(timesheet: Pick<Timesheet, 'email' | 'version'>): string {
  return `${timesheet.email}#${timesheet.version}`;
}

/** The Monday of the week that `now` falls in, in a time zone: the week people are booking now. */
export function weekStartOn(now: Date, timeZone: string): string {
  return mondayOf(localDate(now, timeZone));
}
