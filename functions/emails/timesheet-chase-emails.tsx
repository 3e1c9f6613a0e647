import { formatDate } from '#domain/format.ts';
import type { SubjectTable } from '#domain/subject.ts';
import {
  type ChaseFindings,
  formatHours,
  formatRate,
  involvesManagers,
  MANAGER_ROUND,
  type MissingPerson,
  type MissingReason,
  weekDayLabels,
  weekEnd,
} from '#domain/timesheet-chase.ts';
import { DetailTable, EmailLayout, ExternalLink, message, oneLine, type EmailMessage } from './layout.tsx';

/** "the week of 5 Jan 2026". */
function weekOf(weekStart: string): string {
  return `the week of ${formatDate(weekStart)}`;
}

/** "5 Jan 2026 to 11 Jan 2026". */
function weekSpan(weekStart: string): string {
  return `${formatDate(weekStart)} to ${formatDate(weekEnd(weekStart))}`;
}

const STATE_OF: Record<MissingReason, string> = {
  missing: 'not started',
  draft: 'saved as a draft, not submitted',
  short: 'submitted with fewer hours than expected',
};

/** What the person is asked to do, by why they are chased. */
const ASK_OF: Record<MissingReason, string> = {
  missing: 'Please book your hours for the week and submit your timesheet.',
  draft: 'Please complete your draft and submit it.',
  short: 'Please check your hours: book what is missing, or tell the PMO why the week was shorter.',
};

/** "Mon 5 Jan, Tue 6 Jan", or "none". */
function daysText(weekStart: string, dates: readonly string[]): string {
  const labels = weekDayLabels(weekStart);
  return dates.length === 0 ? 'none' : dates.map((date) => labels[date] ?? date).join(', ');
}

/** What one reminder says: the person's week, their numbers and their personal link to it. */
export interface TimesheetReminderInput {
  readonly name: string;
  readonly weekStart: string;
  readonly round: number;
  readonly person: Pick<MissingPerson, 'reason' | 'expected' | 'booked' | 'missingDays'>;
  /** The personal link to the week page (no sign-in; it stops working when the week locks). */
  readonly url: string;
  /** The manager copied on it (from round 3). */
  readonly managerName?: string | undefined;
}

/** A reminder to someone whose timesheet for a week is missing, in draft or short. */
export function timesheetReminderEmail(input: TimesheetReminderInput): EmailMessage {
  const { person } = input;
  const state = person.reason === 'missing' ? 'missing' : person.reason === 'draft' ? 'not submitted' : 'short';
  const what = `timesheet for ${weekOf(input.weekStart)} is ${state}`;
  const subject = oneLine(input.round === 1 ? `Your ${what}` : involvesManagers(input.round) ? `Overdue: your ${what}` : `Reminder: your ${what}`);
  const missingHours = Math.max(0, person.expected - person.booked);
  const numbers: [string, string][] = [
    ['Expected hours', formatHours(person.expected)],
    ['Booked hours', formatHours(person.booked)],
    ['Hours missing', formatHours(missingHours)],
    ['Days without hours', daysText(input.weekStart, person.missingDays)],
  ];
  const copied =
    input.managerName !== undefined
      ? `This is reminder ${input.round}, so your manager ${input.managerName} is copied.`
      : input.round > 1
        ? `This is reminder ${input.round}.`
        : undefined;
  const intro = `Your timesheet for ${weekSpan(input.weekStart)} is ${STATE_OF[person.reason]}.`;
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.name},</p>
      <p>
        {intro} {ASK_OF[person.reason]}
      </p>
      <table style="border-collapse: collapse;" cellpadding="4">
        <tbody>
          {numbers.map(([label, value]) => (
            <tr>
              <th style="text-align: left;">{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <ExternalLink href={input.url}>Open my timesheet for {weekOf(input.weekStart)}</ExternalLink>
      </p>
      <p style="color: #555;">The link opens your week without signing in, and works until the week is closed. Expected hours are your work pattern less public holidays and the leave recorded for you.</p>
      {copied ? <p style="color: #555;">{copied}</p> : null}
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${input.name},`,
    '',
    `${intro} ${ASK_OF[person.reason]}`,
    '',
    ...numbers.map(([label, value]) => `${label}: ${value}`),
    '',
    `Open my timesheet for ${weekOf(input.weekStart)}: ${input.url}`,
    '',
    'The link opens your week without signing in, and works until the week is closed. Expected hours are your work pattern less public holidays and the leave recorded for you.',
    ...(copied ? ['', copied] : []),
  ]);
}

/** The people still missing, as a table (for managers and the PMO). */
function missingTable(weekStart: string, people: readonly MissingPerson[], withManager: ReadonlyMap<string, string> | undefined): SubjectTable {
  const columns = [
    { label: 'Name' },
    ...(withManager ? [{ label: 'Department' }, { label: 'Manager' }] : []),
    { label: 'Timesheet' },
    { label: 'Expected', numeric: true },
    { label: 'Booked', numeric: true },
    { label: 'Days without hours' },
  ];
  const managerOf = (person: MissingPerson) => (person.managerEmail ? (withManager?.get(person.managerEmail) ?? person.managerEmail) : '–');
  const rows = people.map((person) => [
    `${person.name} <${person.email}>`,
    ...(withManager ? [person.department ?? '–', managerOf(person)] : []),
    STATE_OF[person.reason],
    formatHours(person.expected),
    formatHours(person.booked),
    daysText(weekStart, person.missingDays),
  ]);
  return {
    caption: 'Still missing',
    columns,
    rows,
    text: people.map(
      (person) =>
        `- ${person.name} <${person.email}>${withManager ? ` (${person.department ?? 'no department'}; manager: ${managerOf(person)})` : ''}: ${STATE_OF[person.reason]}; expected ${formatHours(person.expected)} h, booked ${formatHours(person.booked)} h; days without hours: ${daysText(weekStart, person.missingDays)}`,
    ),
  };
}

/** What a manager's digest lists: their people whose timesheet for the week is still missing. */
export interface ManagerDigestInput {
  readonly managerName: string;
  readonly weekStart: string;
  readonly round: number;
  readonly people: readonly MissingPerson[];
}

/** From round 3, once per manager and round: their people still missing. */
export function managerDigestEmail(input: ManagerDigestInput): EmailMessage {
  const count = input.people.length;
  const subject = oneLine(`Timesheets missing in your team for ${weekOf(input.weekStart)}: ${count} ${count === 1 ? 'person' : 'people'}`);
  const intro = `${count === 1 ? 'One person who reports to you has' : `${count} people who report to you have`} not completed their timesheet for ${weekSpan(input.weekStart)}, after ${input.round - 1} reminders. Each has been reminded again, with you copied.`;
  const table = missingTable(input.weekStart, input.people, undefined);
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.managerName},</p>
      <p>{intro}</p>
      <DetailTable table={table} />
      <p style="color: #555;">You get this digest from reminder {MANAGER_ROUND} on, once per reminder round.</p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${input.managerName},`,
    '',
    intro,
    '',
    `${table.caption}:`,
    ...table.text,
    '',
    `You get this digest from reminder ${MANAGER_ROUND} on, once per reminder round.`,
  ]);
}

/** What the reminders of a run came to, over its batches. */
export interface ReminderTotals {
  readonly sent: number;
  readonly alreadySent: number;
  readonly failed: number;
}

/** What the PMO's digest of a run reports. */
export interface PmoDigestInput {
  readonly recipientName: string;
  readonly weekStart: string;
  readonly round: number;
  readonly findings: ChaseFindings;
  readonly reminders: ReminderTotals;
}

function complianceTable(caption: string, label: string, rows: readonly { name: string; expected: number; compliant: number; rate: number | null }[]): SubjectTable {
  return {
    caption,
    columns: [{ label }, { label: 'Expected to submit', numeric: true }, { label: 'Complete', numeric: true }, { label: 'Compliance', numeric: true }],
    rows: rows.map((row) => [row.name, String(row.expected), String(row.compliant), formatRate(row.rate)]),
    text: rows.map((row) => `- ${row.name}: ${row.compliant} of ${row.expected} complete (${formatRate(row.rate)})`),
  };
}

/** Every run, once per PMO lead: counts, compliance overall, by manager and by department, and who is missing. */
export function pmoDigestEmail(input: PmoDigestInput): EmailMessage {
  const { findings, reminders } = input;
  const missingCount = findings.missing.length;
  const subject = oneLine(
    `Timesheet compliance for ${weekOf(input.weekStart)}: ${formatRate(findings.overall.rate)} (${findings.overall.compliant} of ${findings.overall.expected}), reminder round ${input.round}`,
  );
  const names = new Map(findings.byManager.flatMap((row) => (row.managerEmail ? [[row.managerEmail, row.managerName ?? row.managerEmail] as const] : [])));
  const counts: string[] = [
    `People who keep timesheets: ${findings.considered}`,
    `Nothing expected this week (leave, public holidays, work pattern): ${findings.nothingExpected}`,
    `Expected to submit: ${findings.overall.expected}`,
    `Complete: ${findings.overall.compliant} (${formatRate(findings.overall.rate)})`,
    `Missing: ${missingCount} (no timesheet ${findings.byReason.missing}, draft ${findings.byReason.draft}, short ${findings.byReason.short})`,
    `Reminders sent in this round: ${reminders.sent + reminders.alreadySent}${reminders.failed > 0 ? `; ${reminders.failed} could not be delivered (SES refused them)` : ''}`,
  ];
  const managersNote = involvesManagers(input.round)
    ? 'From this round on, each reminder copies the person’s manager, and each manager got a digest of their people.'
    : `Managers are copied from reminder round ${MANAGER_ROUND} on.`;
  const byManager = complianceTable(
    'Compliance by manager',
    'Manager',
    findings.byManager.map((row) => ({ name: row.managerName ?? 'No manager', ...row })),
  );
  const byDepartment = complianceTable(
    'Compliance by department',
    'Department',
    findings.byDepartment.map((row) => ({ name: row.department ?? 'No department', ...row })),
  );
  const missing = missingTable(input.weekStart, findings.missing, names);
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.recipientName},</p>
      <p>
        Timesheets for {weekSpan(input.weekStart)}, reminder round {input.round}. {managersNote}
      </p>
      <ul>
        {counts.map((line) => (
          <li>{line}</li>
        ))}
      </ul>
      <DetailTable table={byManager} />
      <DetailTable table={byDepartment} />
      {missingCount > 0 ? <DetailTable table={missing} /> : <p>Everyone expected to has completed their timesheet.</p>}
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${input.recipientName},`,
    '',
    `Timesheets for ${weekSpan(input.weekStart)}, reminder round ${input.round}. ${managersNote}`,
    '',
    ...counts,
    '',
    `${byManager.caption}:`,
    ...byManager.text,
    '',
    `${byDepartment.caption}:`,
    ...byDepartment.text,
    '',
    ...(missingCount > 0 ? [`${missing.caption}:`, ...missing.text] : ['Everyone expected to has completed their timesheet.']),
  ]);
}
