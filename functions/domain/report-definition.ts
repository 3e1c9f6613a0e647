import { Cron } from 'croner';
import * as z from 'zod';

// Scheduled reports: what a report is, to whom it goes and when. Pure: the caller passes times in.

/** What a report shows: the weekly portfolio status, or the monthly financial view. */
export const REPORT_KINDS = ['portfolio-status', 'financial'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** A report kind in words. */
export const REPORT_KIND_LABELS: Readonly<Record<ReportKind, string>> = {
  'portfolio-status': 'Portfolio status',
  financial: 'Financial report',
};

/**
 * Which projects a report covers before it is narrowed to each recipient: the whole portfolio, one
 * department, or the projects the recipient manages. Whatever the scope, a recipient is sent only
 * what they may read themselves: a scheduled report never runs with someone else's rights.
 */
export const ReportScopeSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('portfolio') }).strict(),
    z.object({ kind: z.literal('department'), department: z.string().trim().min(1, 'Enter the department').max(100, 'Use at most 100 characters') }).strict(),
    z.object({ kind: z.literal('managed') }).strict(),
  ],
  { error: 'Choose a scope: portfolio, department or managed' },
);
export type ReportScope = z.infer<typeof ReportScopeSchema>;

/** A recipient: every active holder of a role, or one person of the directory. */
export const ReportRecipientSchema = z.union(
  [
    z.object({ role: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'A role is lower-case words joined by dashes') }).strict(),
    z.object({ person: z.email('Enter an email address, such as name@example.org').max(254).transform((email) => email.toLowerCase()) }).strict(),
  ],
  { error: 'A recipient is { "role": "pmo-lead" } or { "person": "name@example.org" }' },
);
export type ReportRecipient = z.infer<typeof ReportRecipientSchema>;

/** The most recipients one definition names (a role counts once, however many hold it). */
export const MAX_RECIPIENTS = 50;

/** Standard five-field cron (`0 8 * * 1`: Mondays at 08:00), read in the definition's time zone. */
const CronSchema = z
  .string()
  .trim()
  .regex(/^\S+( \S+){4}$/, 'Use five cron fields: minute hour day-of-month month day-of-week, such as 0 8 * * 1')
  .refine((expression) => cronProblem(expression) === undefined, { message: 'This cron expression is not valid' });

const TimeZoneSchema = z.string().refine((zone) => isTimeZone(zone), { message: 'Use an IANA time zone such as Europe/Berlin' });

/** What the PMO writes to define a report (API body and form). */
export const ReportDefinitionInputSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name').max(100, 'Use at most 100 characters'),
    /** What it shows (named `template`: the table's items keep `kind` for their own bookkeeping). */
    template: z.enum(REPORT_KINDS, { error: 'Choose a template: portfolio-status or financial' }),
    scope: ReportScopeSchema,
    recipients: z.array(ReportRecipientSchema).min(1, 'Name at least one recipient').max(MAX_RECIPIENTS, `Name at most ${MAX_RECIPIENTS} recipients`),
    cron: CronSchema,
    timeZone: TimeZoneSchema,
    /** Send only when something needs attention: a red project, overdue approvals, missing timesheets. */
    onlyWhenAttentionNeeded: z.boolean().default(false),
    enabled: z.boolean().default(true),
  })
  .strict();
export type ReportDefinitionInput = z.infer<typeof ReportDefinitionInputSchema>;

/** A definition's id: short enough that `report-<id>-at-<minute>Z-now-<nonce>` fits 80 characters. */
export const REPORT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** A stored report definition. */
export const ReportDefinitionSchema = ReportDefinitionInputSchema.extend({
  /** Lower-case words joined by dashes, at most 40 characters, so execution names stay within 80. */
  id: z.string().regex(REPORT_ID_PATTERN),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The next scheduled instant (UTC) the definition is due at; absent while disabled. */
  nextRunAt: z.iso.datetime().optional(),
  version: z.number().int().min(1),
});
export type ReportDefinition = z.infer<typeof ReportDefinitionSchema>;

/** Why a cron expression cannot be scheduled, or undefined when it can. */
function cronProblem(expression: string): string | undefined {
  try {
    const cron = new Cron(expression, { paused: true, timezone: 'UTC' });
    return cron.nextRun(new Date(Date.UTC(2026, 0, 1))) ? undefined : 'It never runs';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/**
 * The first instant strictly after `after` at which a definition is due, in UTC; undefined when
 * it is disabled. Daylight saving is the zone's: "08:00 Europe/Berlin" stays 08:00 local all year.
 */
export function nextRunAfter(definition: Pick<ReportDefinition, 'cron' | 'timeZone' | 'enabled'>, after: Date): Date | undefined {
  if (!definition.enabled) return undefined;
  const next = new Cron(definition.cron, { paused: true, timezone: definition.timeZone }).nextRun(after);
  return next ?? undefined;
}

/**
 * The execution name of a report run: the definition and the scheduled minute, so the same due
 * run started twice has one name (Step Functions refuses the second start) and mail is sent once.
 * A run sent by hand carries the minute it was asked for and a short nonce instead.
 */
export function reportExecutionName(reportId: string, scheduledFor: Date, manual?: string): string {
  if (!REPORT_ID_PATTERN.test(reportId)) throw new RangeError(`Not a report id: ${reportId}`);
  if (manual !== undefined && !/^[a-z0-9]{1,8}$/.test(manual)) throw new RangeError('A manual run nonce is 1–8 lower-case letters or digits');
  const minute = scheduledFor.toISOString().slice(0, 16).replace(/[-:]/g, '');
  // At most 7 + 40 + 4 + 13 + 1 + 13 = 78 characters: Step Functions allows 80.
  return `report-${reportId}-at-${minute}Z${manual ? `-now-${manual}` : ''}`;
}

/** The id the default weekly portfolio report has: a run started with `{}` sends this one. */
export const DEFAULT_REPORT_ID = 'weekly-portfolio-status';

/**
 * The definitions every organisation starts with: the weekly portfolio status on Monday morning
 * to the PMO lead and the PMO, and the monthly financial report on the first to the PMO lead and
 * finance. The PMO edits them like any other.
 */
export function defaultReportDefinitions(timeZone: string): ReportDefinitionInput[] {
  return [
    {
      name: 'Weekly portfolio status',
      template: 'portfolio-status',
      scope: { kind: 'portfolio' },
      recipients: [{ role: 'pmo-lead' }, { role: 'pmo' }],
      cron: '0 8 * * 1',
      timeZone,
      onlyWhenAttentionNeeded: false,
      enabled: true,
    },
    {
      name: 'Monthly financial report',
      template: 'financial',
      scope: { kind: 'portfolio' },
      recipients: [{ role: 'pmo-lead' }, { role: 'finance' }],
      cron: '0 8 1 * *',
      timeZone,
      onlyWhenAttentionNeeded: false,
      enabled: true,
    },
  ];
}

/** The id of a default definition, by position: fixed so that seeding twice finds the first. */
export const DEFAULT_REPORT_IDS = [DEFAULT_REPORT_ID, 'monthly-financial'] as const;

/**
 * The period a report run covers, from its scheduled instant: the seven days before it for a
 * weekly status, the calendar month before it for a financial report (in UTC instants, half-open).
 */
export function reportPeriod(kind: ReportKind, scheduledFor: Date, timeZone: string): { from: Date; until: Date; label: string } {
  if (kind === 'portfolio-status') {
    const until = scheduledFor;
    const from = new Date(until.getTime() - 7 * 24 * 3600 * 1000);
    return { from, until, label: `${formatDay(from, timeZone)} – ${formatDay(new Date(until.getTime() - 1), timeZone)}` };
  }
  const local = localParts(scheduledFor, timeZone);
  const monthStart = zonedMidnight(local.year, local.month, 1, timeZone);
  const previous = local.month === 1 ? { year: local.year - 1, month: 12 } : { year: local.year, month: local.month - 1 };
  const from = zonedMidnight(previous.year, previous.month, 1, timeZone);
  const label = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone }).format(from);
  return { from, until: monthStart, label };
}

function formatDay(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(instant);
}

function localParts(instant: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: value('year'), month: value('month'), day: value('day') };
}

/** The UTC instant of local midnight on a date in a zone (the offset read at that midnight). */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(instant);
    const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
    return Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute')) - instant;
  };
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}
