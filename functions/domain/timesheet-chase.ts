import * as z from 'zod';
import { addDays, type ExpectedWeek, lastCompletedWeek, localDate, mondayOf, weekDates } from './working-time.ts';

// The timesheet chase: who is reminded about a week, in which round, and what the managers and the
// PMO are told. Pure: no clock (the caller passes times in), no I/O.

/** The most people one reminder batch (one Map iteration) holds, unless one manager has more. */
export const REMINDER_BATCH_SIZE = 25;

/** From this round on the manager is copied on each reminder and gets a digest of their people. */
export const MANAGER_ROUND = 3;

/** The roles whose active members get the PMO digest of every run. */
export const PMO_DIGEST_ROLES: readonly string[] = ['pmo-lead'];

/** Which week a scheduled run chases: the one it runs in (Friday afternoon), or the one that just ended (Monday morning). */
export const CHASED_WEEKS = ['current', 'last'] as const;
export type ChasedWeek = (typeof CHASED_WEEKS)[number];

/**
 * The Monday of the week a run scheduled at `scheduledTime` chases, in the organisation's zone. It
 * depends on the scheduled time only, never on when the run happens, so a late or repeated run
 * chases the week it was meant for.
 */
export function chasedWeekOf(scheduledTime: Date, timeZone: string, which: ChasedWeek): string {
  return which === 'current' ? mondayOf(localDate(scheduledTime, timeZone)) : lastCompletedWeek(scheduledTime, timeZone);
}

/**
 * The execution name of a scheduled chase: the week and the scheduled minute, so that the same
 * scheduled run started twice has one name (Step Functions refuses the second start), and its
 * run id, which the round is counted by, is the same. `chase-2026-01-05-at-20260109T1400Z`.
 */
export function chaseExecutionName(weekStart: string, scheduledTime: Date): string {
  const minute = scheduledTime.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `chase-${weekStart}-at-${minute}Z`;
}

/** One run of the chase for a week, as recorded: its id (the execution name) and when it was first recorded. */
export interface ChaseRunRecord {
  readonly runId: string;
  readonly recordedAt: string;
}

/**
 * The round of a run: its place among the week's distinct runs, in the order they were first
 * recorded (ties by id). A run recorded again (a retried step, a replayed execution) keeps its
 * place, so it is the same round. Throws when the run is not among them.
 */
export function roundOf(runs: readonly ChaseRunRecord[], runId: string): number {
  const ordered = [...runs].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.runId.localeCompare(b.runId));
  const index = ordered.findIndex((run) => run.runId === runId);
  if (index < 0) throw new Error(`Run ${runId} is not recorded for this week`);
  return index + 1;
}

/** Whether a round copies the manager on each reminder and sends them a digest. */
export function involvesManagers(round: number): boolean {
  return round >= MANAGER_ROUND;
}

// ---- One person's week -----------------------------------------------------------------------------

/** Someone the chase looks at, as the directory has them. */
export interface ChasePerson {
  readonly email: string;
  readonly name: string;
  readonly department?: string | undefined;
  readonly managerEmail?: string | undefined;
}

/** What the chase needs of a saved timesheet: its status and the hours booked. */
export interface BookedWeek {
  readonly status: 'DRAFT' | 'SUBMITTED';
  /** Hours by date; a date without an entry may be absent. */
  readonly byDate: Readonly<Record<string, number>>;
  readonly total: number;
  /** Submitted as "I did not work this week", with a reason: a complete submission. */
  readonly noWork: boolean;
}

/** Why a person is chased: no timesheet, one still in draft, or one submitted short of the expected hours. */
export type MissingReason = 'missing' | 'draft' | 'short';

/** Where a person stands for the week. */
export type WeekStanding =
  | { readonly kind: 'complete' }
  | { readonly kind: 'nothing-expected' }
  | {
      readonly kind: 'missing';
      readonly reason: MissingReason;
      readonly expected: number;
      readonly booked: number;
      /** The days with hours expected and none booked, in order. */
      readonly missingDays: readonly string[];
    };

/**
 * Whether a submitted timesheet settles the week before the expected hours are known: one
 * submitted as "no work", or one that books the whole work pattern (less the tolerance). Holidays
 * and leave only lower the expected hours, so such a week is complete whatever they are; the
 * chase then reads no calendar or leave for it.
 */
export function settledWithoutExpected(booked: BookedWeek | undefined, patternHours: number, toleranceHours: number): boolean {
  if (booked?.status !== 'SUBMITTED') return false;
  return booked.noWork || booked.total >= patternHours - toleranceHours;
}

/**
 * Where a person stands for a week: nothing expected (leave, holidays or a pattern without
 * hours), complete (submitted as "no work", or with at least the expected hours less the
 * tolerance), or missing: no timesheet, one in draft, or one submitted short.
 */
export function standingOf(expected: ExpectedWeek, booked: BookedWeek | undefined, toleranceHours: number): WeekStanding {
  if (expected.total <= 0) return { kind: 'nothing-expected' };
  if (booked?.status === 'SUBMITTED' && (booked.noWork || booked.total >= expected.total - toleranceHours)) return { kind: 'complete' };
  const reason: MissingReason = booked === undefined ? 'missing' : booked.status === 'DRAFT' ? 'draft' : 'short';
  const missingDays = Object.keys(expected.byDate)
    .sort()
    .filter((date) => (expected.byDate[date] ?? 0) > 0 && (booked?.byDate[date] ?? 0) === 0);
  return { kind: 'missing', reason, expected: expected.total, booked: booked?.total ?? 0, missingDays };
}

// ---- A run's findings ------------------------------------------------------------------------------

/** A person and where they stand. */
export interface ChaseEntry {
  readonly person: ChasePerson;
  readonly standing: WeekStanding;
}

const MissingReasonSchema = z.enum(['missing', 'draft', 'short']);

/** A person to remind, with their numbers. */
export const MissingPersonSchema = z.object({
  email: z.string().min(1),
  name: z.string().min(1),
  department: z.string().optional(),
  managerEmail: z.string().optional(),
  reason: MissingReasonSchema,
  expected: z.number(),
  booked: z.number(),
  missingDays: z.array(z.string()),
});
export type MissingPerson = z.infer<typeof MissingPersonSchema>;

/** Compliance of a group: the people expected to submit, those who did, and the share (null when nobody was expected). */
export const ComplianceSchema = z.object({ expected: z.number().int(), compliant: z.number().int(), rate: z.number().nullable() });
export type Compliance = z.infer<typeof ComplianceSchema>;

/** Someone to write to: a manager or a PMO lead. */
export const AddresseeSchema = z.object({ email: z.string().min(1), name: z.string().min(1) });
export type Addressee = z.infer<typeof AddresseeSchema>;

/** What a run found for its week: the counts, the compliance rates and who is missing. */
export const ChaseFindingsSchema = z.object({
  /** Active people who keep timesheets. */
  considered: z.number().int(),
  /** Of them, those with no hours expected this week (leave, holidays, pattern): not counted in any rate. */
  nothingExpected: z.number().int(),
  overall: ComplianceSchema,
  byReason: z.object({ missing: z.number().int(), draft: z.number().int(), short: z.number().int() }),
  /** By line manager (people without one together, `managerEmail` absent), by name. */
  byManager: z.array(ComplianceSchema.extend({ managerEmail: z.string().optional(), managerName: z.string().optional() })),
  /** By department (people without one together, `department` absent), by name. */
  byDepartment: z.array(ComplianceSchema.extend({ department: z.string().optional() })),
  /** Everyone to remind, by name. */
  missing: z.array(MissingPersonSchema),
});
export type ChaseFindings = z.infer<typeof ChaseFindingsSchema>;

function compliance(expected: number, compliant: number): Compliance {
  return { expected, compliant, rate: expected === 0 ? null : compliant / expected };
}

function byName<T>(items: T[], name: (item: T) => string | undefined): T[] {
  // Named groups first, alphabetically; the group without a name last.
  return items.sort((a, b) => {
    const [x, y] = [name(a), name(b)];
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    return x.localeCompare(y);
  });
}

/**
 * Counts a run's entries: how many were considered, expected to submit, compliant and missing (by
 * reason), the compliance rate overall, by manager and by department, and the list of people to
 * remind. `names` gives managers' names by email (a manager not in it is named by their address).
 */
export function summariseChase(entries: readonly ChaseEntry[], names: ReadonlyMap<string, string>): ChaseFindings {
  const counted = entries.filter((entry) => entry.standing.kind !== 'nothing-expected');
  const isCompliant = (entry: ChaseEntry) => entry.standing.kind === 'complete';
  const group = <K extends string | undefined>(key: (entry: ChaseEntry) => K) => {
    const groups = new Map<K, { expected: number; compliant: number }>();
    for (const entry of counted) {
      const tally = groups.get(key(entry)) ?? { expected: 0, compliant: 0 };
      tally.expected += 1;
      if (isCompliant(entry)) tally.compliant += 1;
      groups.set(key(entry), tally);
    }
    return [...groups.entries()];
  };
  const missing = entries.flatMap((entry): MissingPerson[] =>
    entry.standing.kind === 'missing'
      ? [
          {
            email: entry.person.email,
            name: entry.person.name,
            ...(entry.person.department ? { department: entry.person.department } : {}),
            ...(entry.person.managerEmail ? { managerEmail: entry.person.managerEmail } : {}),
            reason: entry.standing.reason,
            expected: entry.standing.expected,
            booked: entry.standing.booked,
            missingDays: [...entry.standing.missingDays],
          },
        ]
      : [],
  );
  const byReason = { missing: 0, draft: 0, short: 0 };
  for (const person of missing) byReason[person.reason] += 1;
  return {
    considered: entries.length,
    nothingExpected: entries.length - counted.length,
    overall: compliance(counted.length, counted.filter(isCompliant).length),
    byReason,
    byManager: byName(
      group((entry) => entry.person.managerEmail).map(([managerEmail, tally]) => ({
        ...(managerEmail ? { managerEmail, managerName: names.get(managerEmail) ?? managerEmail } : {}),
        ...compliance(tally.expected, tally.compliant),
      })),
      (row) => row.managerName,
    ),
    byDepartment: byName(
      group((entry) => entry.person.department).map(([department, tally]) => ({ ...(department ? { department } : {}), ...compliance(tally.expected, tally.compliant) })),
      (row) => row.department,
    ),
    missing: byName(missing, (person) => person.name),
  };
}

// ---- Batches ---------------------------------------------------------------------------------------

/** A manager's people to remind, kept together so that the manager's digest comes from one batch. */
export const ManagerGroupSchema = z.object({
  /** Absent: people without a manager the chase can write to. */
  manager: AddresseeSchema.optional(),
  people: z.array(MissingPersonSchema),
});
export type ManagerGroup = z.infer<typeof ManagerGroupSchema>;

/** What one Map iteration sends: reminders to its people and, from round 3, a digest to each of its managers. */
export const ReminderBatchSchema = z.object({ groups: z.array(ManagerGroupSchema) });
export type ReminderBatch = z.infer<typeof ReminderBatchSchema>;

/**
 * Packs the people to remind into batches of at most `size` people, by manager: a manager's
 * people stay in one batch (a manager with more than `size` of them gets a batch of their own),
 * so each manager's digest is sent once, by one batch. Groups go in the order of the managers'
 * addresses (people without a manager last), and a batch is closed when the next group would
 * overfill it. `managers` gives each manager who can be written to (active in the directory).
 */
export function batchReminders(missing: readonly MissingPerson[], managers: ReadonlyMap<string, Addressee>, size = REMINDER_BATCH_SIZE): ReminderBatch[] {
  const byManager = new Map<string, MissingPerson[]>();
  for (const person of missing) {
    const key = person.managerEmail && managers.has(person.managerEmail) ? person.managerEmail : '';
    byManager.set(key, [...(byManager.get(key) ?? []), person]);
  }
  const keys = [...byManager.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  const batches: ManagerGroup[][] = [];
  let current: ManagerGroup[] = [];
  let count = 0;
  for (const key of keys) {
    const people = byManager.get(key)!;
    if (count > 0 && count + people.length > size) {
      batches.push(current);
      current = [];
      count = 0;
    }
    const manager = key === '' ? undefined : managers.get(key);
    current.push({ ...(manager ? { manager } : {}), people });
    count += people.length;
  }
  if (current.length > 0) batches.push(current);
  return batches.map((groups) => ({ groups }));
}

/** The days of a week as people read them, by date, for "days without hours": `Mon 5 Jan`. */
export function weekDayLabels(weekStart: string): Record<string, string> {
  const format = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  return Object.fromEntries(weekDates(weekStart).map((date) => [date, format.format(new Date(`${date}T00:00:00Z`))]));
}

/** The Sunday that ends a week. */
export function weekEnd(weekStart: string): string {
  return addDays(weekStart, 6);
}

/** A compliance rate for people: `80%`, `66.7%`, or `–` when nobody was expected. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '–';
  return `${Math.round(rate * 1000) / 10}%`;
}

/** Hours for people: `32`, `7.5`, `0.25`. */
export function formatHours(hours: number): string {
  return String(Math.round(hours * 100) / 100);
}
