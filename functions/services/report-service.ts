import { createHash } from 'node:crypto';
import { holdsAny, personViewer, type Viewer } from '#domain/access.ts';
import { PermanentError } from '#domain/errors.ts';
import type { Person } from '#domain/directory.ts';
import { INVOICE_STATUS_LABELS, minorToText, type Invoice } from '#domain/invoice.ts';
import { countsBy, intakeFunnel, needsAttention, type IntakeFunnel, pendingApprovals, projectKpis, PROJECT_SORTS, RagRulesSchema, totalsByCurrency, type ProjectKpis, type RagRules } from '#domain/kpi.ts';
import { PROJECT_STATUSES, type Project } from '#domain/project.ts';
import { REPORT_KIND_LABELS, reportPeriod, type ReportDefinition } from '#domain/report-definition.ts';
import type { ReportDelivery, ReportRun } from '#domain/report-run.ts';
import { lastCompletedWeek, localDate } from '#domain/working-time.ts';
import { reportCsvFiles } from '#emails/report-csv.ts';
import type { ReportDocument, ReportSection } from '#emails/report-document.ts';
import { renderReportHtml } from '#emails/report-html.tsx';
import { renderReportText } from '#emails/report-text.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { attachmentStore } from '#adapters/attachment-store.ts';
import { sendRawEmailOnce } from '#adapters/email-sender.ts';
import { environment } from '#adapters/environment.ts';
import { invoiceRepository } from '#adapters/invoice-repository.ts';
import { projectFinanceRepository } from '#adapters/project-finance-repository.ts';
import { projectRepository } from '#adapters/project-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { reportRepository } from '#adapters/report-repository.ts';
import { timesheetChaseRepository } from '#adapters/timesheet-chase-repository.ts';
import ragRulesJson from '../config/rag-rules.json' with { type: 'json' };
import { projectHours } from './project-service.ts';

/** The organisation's status-light rules (functions/config/rag-rules.json), checked when this module loads. */
export const ragRules: RagRules = RagRulesSchema.parse(ragRulesJson);

/** What one recipient's report is computed from, all of it within what they may read. */
export interface ReportData {
  readonly projects: readonly ProjectKpis[];
  readonly approvals: ReturnType<typeof pendingApprovals>;
  /** The PMO's and finance's only: the portfolio beyond their own projects. */
  readonly compliance?: { readonly weekStart: string; readonly expected: number; readonly compliant: number; readonly rate: number | null; readonly missing: number };
  readonly invoices?: { readonly awaiting: readonly Invoice[] };
  /** The intake funnel of the report's period. */
  readonly funnel?: IntakeFunnel;
}

/**
 * The projects a report shows its reader: the definition's scope, narrowed to what the reader may
 * read themselves. The PMO and finance read the whole portfolio; anyone else the projects they
 * manage, whatever the definition says: a scheduled report never runs with someone else's rights.
 */
async function projectsFor(definition: Pick<ReportDefinition, 'scope'>, reader: Person): Promise<Project[]> {
  const viewer = personViewer(reader);
  const wide = holdsAny(viewer, ['pmo', 'finance']);
  if (!wide || definition.scope.kind === 'managed') return projectRepository.listByManager(reader.email);
  const all = (await Promise.all(PROJECT_STATUSES.map((status) => projectRepository.listAllOfStatus(status)))).flat();
  const scope = definition.scope;
  return scope.kind === 'department' ? all.filter((project) => project.department.toLowerCase() === scope.department.toLowerCase()) : all;
}

/** A project's key figures on `asOf`, from its ledger and booked hours. */
async function kpisOf(project: Project, asOf: string, now: Date): Promise<ProjectKpis> {
  const [ledger, hours] = await Promise.all([projectFinanceRepository.get(project.id), projectHours(project.id, now)]);
  return projectKpis(
    {
      id: project.id,
      title: project.title,
      department: project.department,
      status: project.status,
      manager: project.manager,
      currency: project.budget.currency,
      budgetMinor: project.budget.amountMinor,
      actualsMinor: ledger.actualsMinor,
      committedMinor: ledger.committedMinor,
      plannedStart: project.plannedStart,
      plannedEnd: project.plannedEnd,
      hoursThisPeriod: hours.thisPeriod,
      hoursToDate: hours.toDate,
    },
    asOf,
    ragRules,
  );
}

/**
 * The portfolio a viewer may read, with each project's key figures on `now`: everything for the
 * PMO and finance (and with sign-in off), the projects they manage for anyone else.
 */
export async function portfolioFor(viewer: Viewer, now: Date): Promise<ProjectKpis[]> {
  const asOf = localDate(now, environment.orgTimeZone);
  const wide = viewer.kind === 'open' || holdsAny(viewer, ['pmo', 'finance']);
  const projects = wide ? (await Promise.all(PROJECT_STATUSES.map((status) => projectRepository.listAllOfStatus(status)))).flat() : await projectRepository.listByManager(viewer.email);
  return Promise.all(projects.map((project) => kpisOf(project, asOf, now)));
}

/** One project's key figures, for its page. */
export async function projectKpisOf(project: Project, now: Date): Promise<ProjectKpis> {
  return kpisOf(project, localDate(now, environment.orgTimeZone), now);
}

/** Gathers what a reader's report shows, on `now` in the organisation's zone. */
export async function gatherReportData(definition: Pick<ReportDefinition, 'scope'>, reader: Person, now: Date, period?: { readonly from: Date; readonly until: Date }): Promise<ReportData> {
  const zone = environment.orgTimeZone;
  const asOf = localDate(now, zone);
  const projects = await projectsFor(definition, reader);
  const kpis = await Promise.all(projects.map((project) => kpisOf(project, asOf, now)));
  const wide = holdsAny(personViewer(reader), ['pmo', 'finance']);
  const open = wide ? await approvalRepository.listOpen() : await approvalRepository.listPendingFor(reader.email);
  const approvals = pendingApprovals(
    open.filter((approval) => approval.status === 'PENDING').map((approval) => ({ approver: approval.approver, subjectTitle: `${approval.subject.type} ${approval.levelName}`, requestedAt: approval.requestedAt })),
    now,
    ragRules,
  );
  if (!wide) return { projects: kpis.sort(PROJECT_SORTS.rag), approvals };
  const week = lastCompletedWeek(now, zone);
  const runs = await timesheetChaseRepository.listRuns(week, now);
  const findings = runs.length > 0 ? await timesheetChaseRepository.getFindings(week, runs.at(-1)!.runId, now) : undefined;
  const awaiting = (await Promise.all((['NEEDS_REVIEW', 'PENDING_APPROVAL'] as const).map((status) => invoiceRepository.listByStatus(status, { limit: 100 })))).flatMap((page) => page.items);
  const funnel = period
    ? intakeFunnel(
        {
          submittedInPeriod: await proposalRepository.countSubmittedBetween(period.from, period.until),
          inReview: await proposalRepository.countAwaitingDecision(),
          decided: await proposalRepository.listDecisions(period.from, period.until),
        },
        period,
      )
    : undefined;
  return {
    projects: kpis.sort(PROJECT_SORTS.rag),
    approvals,
    ...(findings ? { compliance: { weekStart: week, expected: findings.findings.overall.expected, compliant: findings.findings.overall.compliant, rate: findings.findings.overall.rate, missing: findings.findings.overall.expected - findings.findings.overall.compliant } } : {}),
    invoices: { awaiting },
    ...(funnel ? { funnel } : {}),
  };
}

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value)} %`;
}

function money(minor: number, currency: string): string {
  return `${minorToText(minor, currency)} ${currency}`;
}

/** Why this reader's report should go out when it goes out only for exceptions. */
export function attentionOf(data: ReportData): string[] {
  return needsAttention({ projects: data.projects, overdueApprovals: data.approvals.filter((approval) => approval.overdue).length, missingTimesheets: data.compliance?.missing ?? 0 });
}

/** The report as a document, ready to render: one reader's data in the definition's template. */
export function reportDocument(definition: Pick<ReportDefinition, 'name' | 'template' | 'scope'>, reader: Person, data: ReportData, periodLabel: string): ReportDocument {
  const projects = data.projects.filter((project) => project.status !== 'CLOSED');
  const lights = countsBy(projects, (project) => project.rag);
  const scopeWords = definition.scope.kind === 'portfolio' ? 'whole portfolio' : definition.scope.kind === 'department' ? `department ${definition.scope.department}` : 'projects you manage';
  const sections: ReportSection[] = [];
  sections.push({
    heading: definition.template === 'financial' ? 'Budgets and actuals' : 'Projects',
    facts: [
      { label: 'Projects', value: `${projects.length} (${lights.red ?? 0} red, ${lights.amber ?? 0} amber, ${lights.green ?? 0} green)` },
      ...Object.entries(totalsByCurrency(projects, (project) => project.currency, (project) => project.budgetMinor)).map(([currency, budget]) => ({
        label: `Budget, actuals (${currency})`,
        value: `${money(budget, currency)}, ${money(
          projects.filter((project) => project.currency === currency).reduce((sum, project) => sum + project.actualsMinor, 0),
          currency,
        )}`,
      })),
    ],
    table: {
      id: 'projects',
      caption: 'Projects, worst first',
      empty: 'No projects in this report’s scope.',
      columns:
        definition.template === 'financial'
          ? [{ label: 'Project' }, { label: 'Budget', kind: 'number' }, { label: 'Actuals', kind: 'number' }, { label: 'Committed', kind: 'number' }, { label: 'Remaining', kind: 'number' }, { label: 'Forecast at completion', kind: 'number' }, { label: 'Burn', kind: 'bar' }]
          : [{ label: 'Project' }, { label: 'Status', kind: 'rag' }, { label: 'Burn', kind: 'bar' }, { label: 'Time elapsed', kind: 'percent' }, { label: 'Planned end' }, { label: 'Slip (days)', kind: 'number' }, { label: 'Hours this week', kind: 'number' }],
      rows: projects.map((project) =>
        definition.template === 'financial'
          ? [
              project.title,
              money(project.budgetMinor, project.currency),
              money(project.actualsMinor, project.currency),
              money(project.committedMinor, project.currency),
              money(project.remainingMinor, project.currency),
              money(project.forecastAtCompletionMinor, project.currency),
              { text: percent(project.burnPercent), value: project.burnPercent ?? 0 },
            ]
          : [
              project.title,
              { text: project.reasons.join('; '), rag: project.rag },
              { text: percent(project.burnPercent), value: project.burnPercent ?? 0 },
              percent(project.elapsedPercent),
              project.plannedEnd,
              String(project.scheduleVarianceDays),
              String(project.hoursThisPeriod),
            ],
      ),
    },
  });
  sections.push({
    heading: 'Approvals waiting',
    table: {
      id: 'approvals',
      caption: 'Approvals waiting, oldest first',
      empty: 'Nothing is waiting for a decision.',
      columns: [{ label: 'Waiting for' }, { label: 'What' }, { label: 'Age (days)', kind: 'number' }, { label: 'Overdue' }],
      rows: data.approvals.map((approval) => [approval.approver.name, approval.subjectTitle, (approval.ageHours / 24).toFixed(1), approval.overdue ? 'Overdue' : '']),
    },
  });
  if (data.funnel) {
    sections.push({
      heading: 'Intake',
      facts: [
        { label: 'Submitted', value: String(data.funnel.submitted) },
        { label: 'Waiting for a decision now', value: String(data.funnel.inReview) },
        { label: 'Approved, rejected', value: `${data.funnel.approved}, ${data.funnel.rejected}` },
        { label: 'Median time to decision', value: data.funnel.medianHoursToDecision === null ? '–' : `${(data.funnel.medianHoursToDecision / 24).toFixed(1)} days` },
      ],
    });
  }
  if (data.compliance) {
    sections.push({
      heading: 'Timesheets',
      facts: [
        { label: `Week of ${data.compliance.weekStart}`, value: `${data.compliance.compliant} of ${data.compliance.expected} complete (${percent(data.compliance.rate === null ? null : data.compliance.rate * 100)})` },
        { label: 'Missing or short', value: String(data.compliance.missing) },
      ],
    });
  }
  if (data.invoices) {
    const awaiting = totalsByCurrency(data.invoices.awaiting, (invoice) => invoice.currency, (invoice) => invoice.totalMinor);
    sections.push({
      heading: 'Invoices awaiting approval',
      facts: Object.entries(awaiting).map(([currency, total]) => ({ label: currency, value: money(total, currency) })),
      table: {
        id: 'invoices-awaiting',
        caption: 'Invoices awaiting approval',
        empty: 'No invoice is waiting.',
        columns: [{ label: 'Vendor' }, { label: 'Number' }, { label: 'Total', kind: 'number' }, { label: 'Status' }],
        rows: data.invoices.awaiting.map((invoice) => [invoice.vendor.name, invoice.invoiceNumber, money(invoice.totalMinor, invoice.currency), INVOICE_STATUS_LABELS[invoice.status]]),
      },
    });
  }
  return {
    title: definition.name,
    periodLabel,
    audience: `${reader.name} · ${scopeWords}`,
    attention: attentionOf(data),
    sections,
    footnote: `${REPORT_KIND_LABELS[definition.template]}, computed for ${reader.name} from what they may read.`,
  };
}

/** Where a recipient's copy of a run is archived (their email hashed: no addresses in keys). */
function archivePrefix(run: Pick<ReportRun, 'reportId' | 'runId'>, email: string): string {
  return `reports/${run.reportId}/${run.runId}/${createHash('sha256').update(email.toLowerCase(), 'utf8').digest('hex').slice(0, 16)}/`;
}

/**
 * One recipient's copy of a run: their data, in the definition's template; left out when the
 * definition goes out only for exceptions and nothing needs attention; otherwise archived (the
 * HTML and a CSV per table) and emailed once per run and recipient, with the CSVs attached.
 * A retried step sends nothing twice (the email's "sent" marker) and archives the same copy again.
 */
export async function deliverReport(definition: ReportDefinition, run: ReportRun, reader: Person, now: Date): Promise<ReportDelivery> {
  const period = reportPeriod(definition.template, new Date(run.scheduledFor), definition.timeZone);
  const data = await gatherReportData(definition, reader, now, period);
  const attention = attentionOf(data);
  const previous = await reportRepository.getDelivery(run.reportId, run.runId, reader.email);
  const attempts = (previous?.attempts ?? 0) + 1;
  if (definition.onlyWhenAttentionNeeded && attention.length === 0) {
    const skipped: ReportDelivery = { email: reader.email, name: reader.name, status: 'SKIPPED', note: 'Nothing needed attention', attempts, at: now.toISOString() };
    await reportRepository.putDelivery(run.reportId, run.runId, skipped);
    return skipped;
  }
  const document = reportDocument(definition, reader, data, period.label);
  const html = renderReportHtml(document);
  const text = renderReportText(document);
  const csvFiles = reportCsvFiles(document);
  const prefix = archivePrefix(run, reader.email);
  await attachmentStore.put(`${prefix}report.html`, html, 'text/html; charset=utf-8');
  for (const file of csvFiles) await attachmentStore.put(`${prefix}${file.fileName}`, file.content, 'text/csv; charset=utf-8');
  let sent: { readonly sent: boolean; readonly messageId?: string };
  try {
    sent = await sendRawEmailOnce(
      `report#${run.runId}#${reader.email}`,
      { name: reader.name, email: reader.email },
      async () => ({
        subject: `${definition.name}: ${period.label}${attention.length > 0 ? ' (needs attention)' : ''}`,
        html,
        text,
        attachments: csvFiles.map((file) => ({ fileName: file.fileName, content: file.content, contentType: 'text/csv; charset=utf-8' })),
      }),
      now,
    );
  } catch (error) {
    // Recorded for the run's log and the PMO's alert, then thrown: the workflow retries the step.
    const note = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 1000) : 'Unknown failure';
    await reportRepository.putDelivery(run.reportId, run.runId, { email: reader.email, name: reader.name, status: 'FAILED', note, archiveKey: `${prefix}report.html`, attempts, at: now.toISOString() });
    // SES refusing the address (not verified, suppressed) will refuse it again: no retry for that.
    if (error instanceof Error && error.name === 'MessageRejected') throw new PermanentError(`SES refused the report to ${reader.email}: ${error.message}`);
    throw error;
  }
  const messageId = sent.messageId ?? previous?.messageId;
  const delivered: ReportDelivery = {
    email: reader.email,
    name: reader.name,
    status: 'SENT',
    ...(messageId ? { messageId } : {}),
    archiveKey: `${prefix}report.html`,
    attempts,
    at: now.toISOString(),
  };
  await reportRepository.putDelivery(run.reportId, run.runId, delivered);
  return delivered;
}
