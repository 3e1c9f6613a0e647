import type { Person } from '#domain/directory.ts';
import { PermanentError } from '#domain/errors.ts';
import { timesheetTotals, type Timesheet } from '#domain/timesheet.ts';
import {
  type Addressee,
  batchReminders,
  type BookedWeek,
  type ChaseEntry,
  type ChasedWeek,
  chasedWeekOf,
  chaseExecutionName,
  involvesManagers,
  type MissingPerson,
  PMO_DIGEST_ROLES,
  roundOf,
  settledWithoutExpected,
  standingOf,
  summariseChase,
} from '#domain/timesheet-chase.ts';
import { lastCompletedWeek, weeklyHours } from '#domain/working-time.ts';
import { managerDigestEmail, pmoDigestEmail, timesheetReminderEmail } from '#emails/timesheet-chase-emails.tsx';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { environment } from '#adapters/environment.ts';
import { logger } from '#adapters/logger.ts';
import { timesheetChaseRepository } from '#adapters/timesheet-chase-repository.ts';
import { timesheetRepository } from '#adapters/timesheet-repository.ts';
import { workflowClient } from '#adapters/workflow-client.ts';
import type { ChaseFound, ReminderBatchResult, TimesheetChaseInput } from '#workflows/contracts.ts';
import { timesheetLink } from './timesheet-service.ts';
import { effectiveWorkingTime, expectedWeekOfPerson } from './working-time-service.ts';

// The timesheet chase, step by step as its state machine runs it: find who is missing (and the
// run's round), send one batch of reminders (and, from round 3, the managers' digests), send the
// PMO's digest. Every step is idempotent: a step retried or an execution replayed finds the run's
// round again, and every email is sent at most once per person (or manager, or PMO lead), week
// and round.

/** The directory page size the chase reads with: a page is one query, of up to 1 MB. */
const DIRECTORY_PAGE = 500;
/** How many people's expected hours (calendar and leave reads) are looked up at once. */
const LOOKUP_CONCURRENCY = 16;
/** How many reminders of a batch are sent at once (SES's send rate is per account; batches already run in parallel). */
const SEND_CONCURRENCY = 4;
/** Batches written at once. */
const WRITE_CONCURRENCY = 8;

/** Runs `fn` over `items`, at most `limit` at a time, and returns the results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Everyone in the directory, page by page (the by-name index; never a scan). */
async function everyone(): Promise<Person[]> {
  const people: Person[] = [];
  let cursor: string | undefined;
  do {
    const page = await directoryRepository.listPeople({ limit: DIRECTORY_PAGE, cursor });
    people.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return people;
}

function bookedWeekOf(timesheet: Timesheet): BookedWeek {
  const totals = timesheetTotals(timesheet.weekStart, timesheet.entries);
  return { status: timesheet.status, byDate: totals.byDate, total: totals.total, noWork: timesheet.noWork !== undefined };
}

/**
 * Starts the chase a schedule asks for: the week it is about, from the scheduled time (the
 * current week on Friday, the week just ended on Monday), under a name made of that week and that
 * time, so that a schedule delivered twice starts one execution.
 */
export async function startScheduledChase(scheduledTime: Date, which: ChasedWeek): Promise<{ weekStart: string; executionName: string }> {
  const weekStart = chasedWeekOf(scheduledTime, environment.orgTimeZone, which);
  const executionName = chaseExecutionName(weekStart, scheduledTime);
  await workflowClient.start('timesheetChase', executionName, { weekStart, scheduledTime: scheduledTime.toISOString() } satisfies TimesheetChaseInput);
  return { weekStart, executionName };
}

/**
 * "Find missing timesheets": records the run and finds its round, reads the week's timesheets
 * (the by-week index) and the directory (the by-name index), works out who is missing, in draft
 * or short (reading calendars and leave only for those whose timesheet does not settle it), and
 * stores what it found: the reminder batches by manager, and the counts for the PMO's digest.
 */
export async function findMissingTimesheets(input: TimesheetChaseInput, runId: string, startedAt: Date, now: Date): Promise<ChaseFound> {
  const weekStart = input.weekStart ?? lastCompletedWeek(input.scheduledTime ? new Date(input.scheduledTime) : startedAt, environment.orgTimeZone);
  await timesheetChaseRepository.recordRun(weekStart, runId, now);
  const round = roundOf(await timesheetChaseRepository.listRuns(weekStart, now), runId);
  const tolerance = environment.timesheetToleranceHours;

  const [people, timesheets] = await Promise.all([everyone(), timesheetRepository.listForWeek(weekStart)]);
  const active = people.filter((person) => person.active);
  const chased = active.filter((person) => effectiveWorkingTime(person).timesheetsRequired);
  const booked = new Map(timesheets.map((timesheet) => [timesheet.email, bookedWeekOf(timesheet)]));

  const entries = await mapLimited(chased, LOOKUP_CONCURRENCY, async (person): Promise<ChaseEntry> => {
    const week = booked.get(person.email);
    if (settledWithoutExpected(week, weeklyHours(effectiveWorkingTime(person).pattern), tolerance)) return { person, standing: { kind: 'complete' } };
    return { person, standing: standingOf(await expectedWeekOfPerson(person, weekStart), week, tolerance) };
  });

  const addressees = new Map<string, Addressee>(active.map((person) => [person.email, { email: person.email, name: person.name }]));
  const findings = summariseChase(entries, new Map([...addressees].map(([email, addressee]) => [email, addressee.name])));
  const batches = batchReminders(findings.missing, addressees);
  // As for the PMO's other mail: a lead whose address bounced for good is not written to.
  const pmo = active
    .filter((person) => !person.undeliverable && person.roles.some((role) => PMO_DIGEST_ROLES.includes(role)))
    .map((person) => ({ email: person.email, name: person.name }));

  await mapLimited(
    batches.map((batch, index) => ({ batch, index })),
    WRITE_CONCURRENCY,
    ({ batch, index }) => timesheetChaseRepository.saveBatch(weekStart, runId, index, batch, now),
  );
  const { missing: _missing, ...counts } = findings;
  await timesheetChaseRepository.saveFindings(weekStart, runId, { findings: counts, pmo, batchCount: batches.length }, now);
  logger.info('Missing timesheets found', { weekStart, runId, round, considered: findings.considered, missing: findings.missing.length, batches: batches.length });
  return { weekStart, runId, round, batches: batches.map((_, index) => index), considered: findings.considered, missing: findings.missing.length };
}

/** SES refused this message for good (a malformed or suppressed address): retrying the batch would not help. */
function refusedBySes(error: unknown): boolean {
  return error instanceof Error && (error.name === 'MessageRejected' || error.name === 'BadRequestException');
}

/**
 * "Send reminders", one batch: a reminder to each of its people (with their numbers and personal
 * week link; from round 3 their manager copied), and from round 3 a digest to each of its
 * managers. Each at most once per person (or manager), week and round. A message SES refuses is
 * counted and logged, and does not stop the others.
 */
export async function sendReminderBatch(weekStart: string, runId: string, round: number, index: number, now: Date): Promise<ReminderBatchResult> {
  const batch = await timesheetChaseRepository.getBatch(weekStart, runId, index, now);
  if (!batch) throw new PermanentError(`Reminder batch ${index} of chase run ${runId} (week ${weekStart}) does not exist`);
  const copyManagers = involvesManagers(round);
  const result = { sent: 0, alreadySent: 0, failed: 0 };
  const remind = async (person: MissingPerson, manager: Addressee | undefined) => {
    try {
      const sent = await sendEmailOnce(
        `timesheet-reminder#${person.email}#${weekStart}#${round}`,
        { name: person.name, email: person.email },
        async () =>
          timesheetReminderEmail({
            name: person.name,
            weekStart,
            round,
            person,
            url: await timesheetLink(person.email, weekStart, now),
            ...(copyManagers && manager ? { managerName: manager.name } : {}),
          }),
        now,
        copyManagers && manager ? { cc: [manager] } : {},
      );
      result[sent ? 'sent' : 'alreadySent'] += 1;
    } catch (error) {
      if (!refusedBySes(error)) throw error;
      result.failed += 1;
      logger.error('A timesheet reminder was refused by SES', { email: person.email, weekStart, round, error });
    }
  };
  for (const group of batch.groups) {
    await mapLimited(group.people, SEND_CONCURRENCY, (person) => remind(person, group.manager));
    if (copyManagers && group.manager) {
      const manager = group.manager;
      try {
        await sendEmailOnce(
          `timesheet-manager-digest#${manager.email}#${weekStart}#${round}`,
          manager,
          managerDigestEmail({ managerName: manager.name, weekStart, round, people: group.people }),
          now,
        );
      } catch (error) {
        if (!refusedBySes(error)) throw error;
        logger.error('A manager’s timesheet digest was refused by SES', { email: manager.email, weekStart, round, error });
      }
    }
  }
  logger.info('Timesheet reminders sent', { weekStart, runId, round, batch: index, ...result });
  return result;
}

/** What a run came to, as its execution's output says. */
export interface ChaseOutcome {
  readonly weekStart: string;
  readonly round: number;
  readonly considered: number;
  readonly expected: number;
  readonly compliant: number;
  readonly missing: number;
  /** The reminder batches (Map iterations) the people to remind were sent in. */
  readonly batches: number;
  readonly reminders: { readonly sent: number; readonly alreadySent: number; readonly failed: number };
  readonly pmoDigests: number;
}

/**
 * "Send PMO digest": one digest per active PMO lead and round, with the run's counts, compliance
 * by manager and department, and the people still missing (read back from the run's batches).
 */
export async function sendPmoDigest(weekStart: string, runId: string, round: number, reminders: readonly ReminderBatchResult[], now: Date): Promise<ChaseOutcome> {
  const stored = await timesheetChaseRepository.getFindings(weekStart, runId, now);
  if (!stored) throw new PermanentError(`The findings of chase run ${runId} (week ${weekStart}) do not exist`);
  const batches = await mapLimited(
    Array.from({ length: stored.batchCount }, (_, index) => index),
    WRITE_CONCURRENCY,
    (index) => timesheetChaseRepository.getBatch(weekStart, runId, index, now),
  );
  const missing = batches
    .flatMap((batch) => batch?.groups.flatMap((group) => group.people) ?? [])
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
  const totals = reminders.reduce((sum, batch) => ({ sent: sum.sent + batch.sent, alreadySent: sum.alreadySent + batch.alreadySent, failed: sum.failed + batch.failed }), {
    sent: 0,
    alreadySent: 0,
    failed: 0,
  });
  const findings = { ...stored.findings, missing };
  let pmoDigests = 0;
  for (const lead of stored.pmo) {
    try {
      const sent = await sendEmailOnce(
        `timesheet-pmo-digest#${lead.email}#${weekStart}#${round}`,
        lead,
        pmoDigestEmail({ recipientName: lead.name, weekStart, round, findings, reminders: totals }),
        now,
      );
      if (sent) pmoDigests += 1;
    } catch (error) {
      if (!refusedBySes(error)) throw error;
      logger.error('A PMO timesheet digest was refused by SES', { email: lead.email, weekStart, round, error });
    }
  }
  if (stored.pmo.length === 0) logger.warn('Nobody active holds a PMO role to receive the timesheet digest', { weekStart, roles: PMO_DIGEST_ROLES });
  return {
    weekStart,
    round,
    considered: findings.considered,
    expected: findings.overall.expected,
    compliant: findings.overall.compliant,
    missing: missing.length,
    batches: stored.batchCount,
    reminders: totals,
    pmoDigests,
  };
}

/**
 * The correlation key of a chase step's log lines and trace: `timesheet_week: "2026-01-05"`, from
 * the event's week when it has one. Must not throw (the event is not parsed yet).
 */
export function chaseWeek(event: unknown): Readonly<Record<string, string>> | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { weekStart, input } = event as { weekStart?: unknown; input?: { weekStart?: unknown } };
  const week = typeof weekStart === 'string' ? weekStart : typeof input?.weekStart === 'string' ? input.weekStart : undefined;
  return week && /^\d{4}-\d{2}-\d{2}$/.test(week) ? { timesheet_week: week } : undefined;
}
