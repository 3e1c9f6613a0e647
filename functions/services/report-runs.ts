import { PermanentError } from '#domain/errors.ts';
import type { Person } from '#domain/directory.ts';
import { DEFAULT_REPORT_ID, defaultReportDefinitions, reportPeriod, type ReportDefinition } from '#domain/report-definition.ts';
import { runStatusOf, type ReportDelivery, type ReportRun } from '#domain/report-run.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { environment } from '#adapters/environment.ts';
import { reportRepository } from '#adapters/report-repository.ts';
import { reportRunFailedEmail } from '#emails/report-emails.tsx';
import type { ReportExecutionInput } from '#workflows/contracts.ts';
import { pageUrl } from './links.ts';
import { ensureDefaultReports } from './report-definitions.ts';
import { deliverReport } from './report-service.ts';

/**
 * The definition a run is about: the stored one, or, for the default weekly report (a run started
 * with `{}`), the built-in default when the PMO deleted it, so such a run always has a report.
 */
async function definitionOf(reportId: string, now: Date): Promise<ReportDefinition> {
  await ensureDefaultReports(now);
  const stored = await reportRepository.getDefinition(reportId);
  if (stored) return stored;
  if (reportId !== DEFAULT_REPORT_ID) throw new PermanentError(`There is no report definition ${reportId}`);
  const builtIn = defaultReportDefinitions(environment.orgTimeZone)[0]!;
  return { ...builtIn, id: DEFAULT_REPORT_ID, createdAt: now.toISOString(), updatedAt: now.toISOString(), version: 1 };
}

/** The active people a definition names: every holder of each role, each named person; once each. */
async function recipientsOf(definition: ReportDefinition): Promise<Person[]> {
  const found = await Promise.all(
    definition.recipients.map(async (recipient) => ('role' in recipient ? directoryRepository.peopleInRole(recipient.role) : [await directoryRepository.getPerson(recipient.person)].filter((person): person is Person => person !== undefined))),
  );
  const active = found.flat().filter((person) => person.active);
  return [...new Map(active.map((person) => [person.email, person])).values()];
}

/**
 * "Plan report run": the definition, its recipients and its period, recorded once under the
 * execution's name (a retried step gets the same run back). `{}` is the default weekly report,
 * for the minute it is asked.
 */
export async function planReportRun(input: ReportExecutionInput, executionName: string, now: Date): Promise<{ reportId: string; runId: string; recipients: string[] }> {
  const definition = await definitionOf(input.reportId ?? DEFAULT_REPORT_ID, now);
  const scheduledFor = new Date(Math.floor(Date.parse(input.scheduledFor ?? now.toISOString()) / 60_000) * 60_000);
  const period = reportPeriod(definition.template, scheduledFor, definition.timeZone);
  const recipients = await recipientsOf(definition);
  const run = await reportRepository.createRun({
    reportId: definition.id,
    runId: executionName,
    name: definition.name,
    scheduledFor: scheduledFor.toISOString(),
    periodFrom: period.from.toISOString(),
    periodUntil: period.until.toISOString(),
    periodLabel: period.label,
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
    status: 'RUNNING',
    recipients: recipients.length,
    sent: 0,
    skipped: 0,
    failed: 0,
    startedAt: now.toISOString(),
  });
  return { reportId: run.reportId, runId: run.runId, recipients: recipients.map((person) => person.email) };
}

async function requireRun(reportId: string, runId: string): Promise<ReportRun> {
  const run = await reportRepository.getRun(reportId, runId);
  if (!run) throw new PermanentError(`There is no run ${runId} of report ${reportId}`);
  return run;
}

/** "Deliver report": one recipient's copy of a run (see deliverReport). */
export async function deliverReportStep(reportId: string, runId: string, email: string, now: Date): Promise<{ status: ReportDelivery['status'] }> {
  const [definition, run, reader] = await Promise.all([definitionOf(reportId, now), requireRun(reportId, runId), directoryRepository.getPerson(email)]);
  if (!reader?.active) {
    const delivery: ReportDelivery = { email, name: reader?.name ?? email, status: 'SKIPPED', note: 'No longer active in the directory', attempts: 1, at: now.toISOString() };
    await reportRepository.putDelivery(reportId, runId, delivery);
    return { status: 'SKIPPED' };
  }
  return { status: (await deliverReport(definition, run, reader, now)).status };
}

/**
 * "Finish report run": counts the copies (a recipient with none recorded failed), ends the run with
 * its status, and, when any copy failed, tells the PMO leads once which ones and why.
 */
export async function finishReportRun(reportId: string, runId: string, now: Date): Promise<{ status: ReportRun['status']; sent: number; skipped: number; failed: number }> {
  const run = await requireRun(reportId, runId);
  const deliveries = await reportRepository.listDeliveries(reportId, runId);
  const missing = Math.max(0, run.recipients - deliveries.length);
  const failedCopies = deliveries.filter((delivery) => delivery.status === 'FAILED');
  const counts = {
    sent: deliveries.filter((delivery) => delivery.status === 'SENT').length,
    skipped: deliveries.filter((delivery) => delivery.status === 'SKIPPED').length,
    failed: failedCopies.length + missing,
  };
  const status = counts.failed === 0 ? 'SENT' : runStatusOf([...deliveries, ...Array.from({ length: missing }, () => ({ status: 'FAILED' as const }))]);
  await reportRepository.finishRun(reportId, runId, { status, ...counts }, now);
  if (counts.failed > 0) {
    for (const lead of await directoryRepository.peopleInRole('pmo-lead')) {
      await sendEmailOnce(`report-failed#${runId}#${lead.email}`, lead, reportRunFailedEmail({ run, failed: failedCopies, missing, recipientName: lead.name, reportUrl: pageUrl(`/reports/${reportId}`) }), now);
    }
  }
  return { status, ...counts };
}

