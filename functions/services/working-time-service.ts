import { randomUUID } from 'node:crypto';
import { isPmo, type Viewer } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';
import {
  addDays,
  DEFAULT_WORK_PATTERN,
  expectedHoursForWeek,
  holidayCalendarOf,
  HolidayCalendarSchema,
  leavesOverlap,
  type ExpectedWeek,
  type HolidayCalendar,
  type HolidayCalendarInput,
  type Leave,
  type LeaveInput,
  type WorkPattern,
} from '#domain/working-time.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { environment } from '#adapters/environment.ts';
import { holidayCalendarRepository } from '#adapters/holiday-calendar-repository.ts';
import { leaveRepository } from '#adapters/leave-repository.ts';
import { logger } from '#adapters/logger.ts';
import { SHIPPED_CALENDAR_FILES } from '../config/holidays/shipped.ts';
import { readablePerson } from './people-service.ts';

// Working time: a person's pattern, zone and holiday calendar (set by the PMO in the directory),
// their leave (recorded by themselves or the PMO), and the hours expected of them in a week.

/** A person's working time with the organisation's defaults filled in where the directory has none. */
export interface EffectiveWorkingTime {
  readonly pattern: WorkPattern;
  readonly timeZone: string;
  /** The id of their public-holiday calendar; none: no public holidays are taken off. */
  readonly holidayCalendar?: string;
  /** Whether they are asked for timesheets (contractors and executives may not be). */
  readonly timesheetsRequired: boolean;
}

/** What the directory says of a person's working time, with the defaults where it says nothing. */
export function effectiveWorkingTime(person: Person): EffectiveWorkingTime {
  return {
    pattern: person.workPattern ?? DEFAULT_WORK_PATTERN,
    timeZone: person.timeZone ?? environment.orgTimeZone,
    ...(person.holidayCalendar ? { holidayCalendar: person.holidayCalendar } : {}),
    timesheetsRequired: person.timesheetsRequired ?? true,
  };
}

/** The calendar of a person, if they have one and it exists (a calendar named but missing counts as none, with a warning). */
async function calendarOf(person: Person): Promise<HolidayCalendar | undefined> {
  if (!person.holidayCalendar) return undefined;
  await ensureShippedCalendars();
  const calendar = await holidayCalendarRepository.get(person.holidayCalendar);
  if (!calendar) logger.warn('A person’s holiday calendar does not exist; no public holidays are taken off', { email: person.email, calendar: person.holidayCalendar });
  return calendar;
}

/** The hours a person is expected to work in a week: their pattern, less public holidays and their leave. */
export async function expectedWeekOfPerson(person: Person, weekStart: string): Promise<ExpectedWeek> {
  const [holidays, leave] = await Promise.all([calendarOf(person), leaveRepository.listOverlapping(person.email, weekStart, addDays(weekStart, 6))]);
  return expectedHoursForWeek({ pattern: effectiveWorkingTime(person).pattern, holidays, leave }, weekStart);
}

/**
 * The expected weeks of many people (a chase of everyone), by email: each calendar is read once,
 * then one query of each person's leave, `concurrency` at a time.
 */
export async function expectedWeeksOf(people: readonly Person[], weekStart: string, concurrency = 16): Promise<Map<string, ExpectedWeek>> {
  const calendarIds = [...new Set(people.flatMap((person) => (person.holidayCalendar ? [person.holidayCalendar] : [])))];
  if (calendarIds.length > 0) await ensureShippedCalendars();
  const calendars = new Map(await Promise.all(calendarIds.map(async (id) => [id, await holidayCalendarRepository.get(id)] as const)));
  const weeks = new Map<string, ExpectedWeek>();
  const until = addDays(weekStart, 6);
  for (let start = 0; start < people.length; start += concurrency) {
    await Promise.all(
      people.slice(start, start + concurrency).map(async (person) => {
        const holidays = person.holidayCalendar ? calendars.get(person.holidayCalendar) : undefined;
        const leave = await leaveRepository.listOverlapping(person.email, weekStart, until);
        weeks.set(person.email, expectedHoursForWeek({ pattern: effectiveWorkingTime(person).pattern, holidays, leave }, weekStart));
      }),
    );
  }
  return weeks;
}

/**
 * The hours a person is expected to work in the week starting `weekStart` (a Monday), by date
 * and in total; undefined when nobody in the directory has this address.
 */
export async function expectedWeekOf(email: string, weekStart: string): Promise<ExpectedWeek | undefined> {
  const person = await directoryRepository.getPerson(email.toLowerCase());
  return person ? expectedWeekOfPerson(person, weekStart) : undefined;
}

// ---- Leave -----------------------------------------------------------------------------------------

/** Whether the viewer may record or remove a person's leave: the person themselves, and the PMO. */
function mayWriteLeave(viewer: Viewer, person: Person): boolean {
  return viewer.kind === 'open' || isPmo(viewer) || viewer.email === person.email;
}

/** A person's leave as the viewer reads it (themselves, their line manager, the PMO); anyone else is answered as if there were nobody. */
export type LeaveListing = { readonly kind: 'not-found' } | { readonly kind: 'found'; readonly person: Person; readonly leave: Leave[]; readonly mayWrite: boolean };

export async function listLeave(viewer: Viewer, email: string): Promise<LeaveListing> {
  const person = await readablePerson(viewer, email);
  if (!person) return { kind: 'not-found' };
  return { kind: 'found', person, leave: await leaveRepository.listFor(person.email), mayWrite: mayWriteLeave(viewer, person) };
}

/** What recording leave came to. */
export type RecordLeaveResult =
  | { readonly kind: 'not-found' }
  /** A line manager reads their people's leave but does not record it. */
  | { readonly kind: 'forbidden' }
  /** It takes time another leave of the person takes already; `path` is the field that runs into it. */
  | { readonly kind: 'overlap'; readonly path: 'from' | 'until'; readonly existing: Leave }
  | { readonly kind: 'recorded'; readonly leave: Leave };

/** Which of the new leave's dates runs into an existing one. */
function overlapPath(input: Pick<Leave, 'from'>, existing: Pick<Leave, 'from'>): 'from' | 'until' {
  return existing.from <= input.from ? 'from' : 'until';
}

/** Whether `a` was recorded before `b` (by time, then id, so that two records agree on which came first). */
function recordedBefore(a: Leave, b: Leave): boolean {
  const at = (leave: Leave) => leave.createdAt ?? '';
  return at(a) < at(b) || (at(a) === at(b) && a.id < b.id);
}

/**
 * Records a period of leave for a person (by themselves or the PMO). Leave that takes time another
 * leave of theirs takes is refused. Without transactions, two overlapping records made at the same
 * moment could both pass the first check: each looks again after writing, and the later one is
 * taken back, so one of the two stands.
 */
export async function recordLeave(viewer: Viewer, email: string, input: LeaveInput, now: Date): Promise<RecordLeaveResult> {
  const person = await readablePerson(viewer, email);
  if (!person) return { kind: 'not-found' };
  if (!mayWriteLeave(viewer, person)) return { kind: 'forbidden' };
  const clash = (candidates: readonly Leave[], leave: Pick<Leave, 'from' | 'until' | 'part'>) => candidates.find((other) => leavesOverlap(other, leave));
  const existing = clash(await leaveRepository.listOverlapping(person.email, input.from, input.until), input);
  if (existing) return { kind: 'overlap', path: overlapPath(input, existing), existing };

  const leave: Leave = {
    id: randomUUID(),
    email: person.email,
    from: input.from,
    until: input.until,
    part: input.part,
    ...(input.reason ? { reason: input.reason } : {}),
    createdAt: now.toISOString(),
  };
  await leaveRepository.put(leave);
  const racing = clash(
    (await leaveRepository.listOverlapping(person.email, leave.from, leave.until)).filter((other) => other.id !== leave.id && recordedBefore(other, leave)),
    leave,
  );
  if (racing) {
    await leaveRepository.delete(leave);
    return { kind: 'overlap', path: overlapPath(leave, racing), existing: racing };
  }
  logger.info('Leave recorded', { email: person.email, from: leave.from, until: leave.until, part: leave.part });
  return { kind: 'recorded', leave };
}

/** What removing leave came to. */
export type DeleteLeaveResult = { readonly kind: 'not-found' } | { readonly kind: 'forbidden' } | { readonly kind: 'deleted'; readonly leave: Leave };

/** Removes one of a person's leaves (by themselves or the PMO). */
export async function deleteLeave(viewer: Viewer, email: string, id: string): Promise<DeleteLeaveResult> {
  const person = await readablePerson(viewer, email);
  if (!person) return { kind: 'not-found' };
  if (!mayWriteLeave(viewer, person)) return { kind: 'forbidden' };
  const leave = await leaveRepository.find(person.email, id);
  if (!leave || !(await leaveRepository.delete(leave))) return { kind: 'not-found' };
  logger.info('Leave removed', { email: person.email, from: leave.from, until: leave.until });
  return { kind: 'deleted', leave };
}

// ---- Holiday calendars -----------------------------------------------------------------------------

/** The calendars shipped with the product, checked as the API checks a calendar; a file's name is its calendar's id. */
export function shippedHolidayCalendars(): HolidayCalendar[] {
  return Object.entries(SHIPPED_CALENDAR_FILES)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, raw]) => {
      const calendar = HolidayCalendarSchema.parse(raw);
      if (`${calendar.id}.json` !== file) throw new Error(`The holiday calendar in ${file} has the id ${calendar.id}; name the file after its id`);
      return calendar;
    });
}

let shippedCalendarsChecked: Promise<void> | undefined;

/**
 * Adds the shipped calendars to an organisation's table the first time they are needed, on AWS as
 * locally: each only if no calendar has its id, then a marker, so that a calendar the PMO edited
 * is never written over and one they deleted stays deleted. Checked once per function instance.
 */
export function ensureShippedCalendars(now: Date = new Date()): Promise<void> {
  shippedCalendarsChecked ??= addShippedCalendars(now).catch((error: unknown) => {
    // A failed check is tried again by the next caller.
    shippedCalendarsChecked = undefined;
    throw error;
  });
  return shippedCalendarsChecked;
}

async function addShippedCalendars(now: Date): Promise<void> {
  if (await holidayCalendarRepository.shippedCalendarsAdded()) return;
  const added: string[] = [];
  for (const calendar of shippedHolidayCalendars()) if (await holidayCalendarRepository.putIfAbsent(calendar, now)) added.push(calendar.id);
  await holidayCalendarRepository.markShippedCalendarsAdded(now);
  if (added.length > 0) logger.info('Added the shipped holiday calendars', { calendars: added });
}

/** Every holiday calendar, by id. */
export async function listHolidayCalendars(): Promise<HolidayCalendar[]> {
  await ensureShippedCalendars();
  return holidayCalendarRepository.list();
}

/** One holiday calendar. */
export async function getHolidayCalendar(id: string): Promise<HolidayCalendar | undefined> {
  await ensureShippedCalendars();
  return holidayCalendarRepository.get(id);
}

/** Creates or replaces a calendar whole, as the PMO edits it; its days are kept sorted by date. */
export async function saveHolidayCalendar(id: string, input: HolidayCalendarInput, now: Date): Promise<{ readonly kind: 'created' | 'replaced'; readonly calendar: HolidayCalendar }> {
  const calendar = holidayCalendarOf(id, input);
  const kind = await holidayCalendarRepository.put(calendar, now);
  logger.info('Holiday calendar saved', { id, days: calendar.days.length, kind });
  return { kind, calendar };
}
