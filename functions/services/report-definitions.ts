import { randomBytes } from 'node:crypto';
import {
  DEFAULT_REPORT_ID,
  DEFAULT_REPORT_IDS,
  defaultReportDefinitions,
  nextRunAfter,
  REPORT_ID_PATTERN,
  reportExecutionName,
  type ReportDefinition,
  type ReportDefinitionInput,
} from '#domain/report-definition.ts';
import { environment } from '#adapters/environment.ts';
import { reportRepository } from '#adapters/report-repository.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { workflowClient } from '#adapters/workflow-client.ts';
import type { ReportExecutionInput } from '#workflows/contracts.ts';

/**
 * Creates the default definitions the first time anyone asks, once per organisation: a marker
 * written after them records that it happened, so a default the PMO deleted stays deleted, and a
 * creation cut short is finished by the next caller (each default is written only if absent).
 */
export async function ensureDefaultReports(now: Date): Promise<void> {
  if (await reportRepository.defaultsSeeded()) return;
  const defaults = defaultReportDefinitions(environment.orgTimeZone);
  await Promise.all(defaults.map((input, index) => reportRepository.putDefinition(definitionOf(DEFAULT_REPORT_IDS[index]!, input, now, 1), 0)));
  await reportRepository.markDefaultsSeeded(now);
}

function definitionOf(id: string, input: ReportDefinitionInput, now: Date, version: number, createdAt = now.toISOString()): ReportDefinition {
  const next = nextRunAfter(input, now);
  return { ...input, id, createdAt, updatedAt: now.toISOString(), version, ...(next ? { nextRunAt: next.toISOString() } : {}) };
}

/** A definition's id from its name: `Weekly portfolio status` → `weekly-portfolio-status` (with a suffix when taken). */
function idFromName(name: string, suffix?: string): string {
  const base =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, suffix ? 33 : 40)
      .replace(/-+$/, '') || 'report';
  const id = suffix ? `${base}-${suffix}` : base;
  if (!REPORT_ID_PATTERN.test(id)) throw new RangeError(`Not a report id: ${id}`);
  return id;
}

/** Every definition, by name (the defaults created first if they never were). */
export async function listReportDefinitions(now: Date): Promise<ReportDefinition[]> {
  await ensureDefaultReports(now);
  return reportRepository.listDefinitions();
}

export async function getReportDefinition(id: string): Promise<ReportDefinition | undefined> {
  return REPORT_ID_PATTERN.test(id) ? reportRepository.getDefinition(id) : undefined;
}

/** Creates a definition under an id made from its name; its first run is the next the cron gives. */
export async function createReportDefinition(input: ReportDefinitionInput, now: Date): Promise<ReportDefinition> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const definition = definitionOf(idFromName(input.name, attempt === 0 ? undefined : randomBytes(3).toString('hex')), input, now, 1);
    if (await reportRepository.putDefinition(definition, 0)) return definition;
  }
  throw new Error('Could not find a free id for the report definition');
}

/** What changing a definition came to. */
export type ReportDefinitionChange = { readonly kind: 'not-found' } | { readonly kind: 'conflict'; readonly current: ReportDefinition } | { readonly kind: 'updated'; readonly definition: ReportDefinition };

/**
 * Replaces a definition's fields, over the version the caller read (`expectedVersion`), or the
 * current one when none is given. Its next run is worked out again from the new schedule.
 */
export async function updateReportDefinition(id: string, input: ReportDefinitionInput, expectedVersion: number | undefined, now: Date): Promise<ReportDefinitionChange> {
  const current = await getReportDefinition(id);
  if (!current) return { kind: 'not-found' };
  if (expectedVersion !== undefined && expectedVersion !== current.version) return { kind: 'conflict', current };
  const definition = definitionOf(id, input, now, current.version + 1, current.createdAt);
  if (!(await reportRepository.putDefinition(definition, current.version))) {
    const latest = await reportRepository.getDefinition(id);
    return latest ? { kind: 'conflict', current: latest } : { kind: 'not-found' };
  }
  return { kind: 'updated', definition };
}

/** Deletes a definition (its runs and archived copies stay). */
export async function deleteReportDefinition(id: string, expectedVersion: number | undefined): Promise<'deleted' | 'not-found' | 'conflict'> {
  const current = await getReportDefinition(id);
  if (!current) return 'not-found';
  if (expectedVersion !== undefined && expectedVersion !== current.version) return 'conflict';
  return (await reportRepository.deleteDefinition(id, current.version)) ? 'deleted' : 'conflict';
}

/**
 * The report tick (every few minutes): starts a run of each definition that is due, named after
 * the instant it was due, and moves its next run on. Of two ticks that see the same definition
 * due, one moves it; the run's name makes a second start of the same slot impossible anyway. A
 * definition that missed several slots (the tick was down) runs once, for the latest missed slot.
 */
export async function startDueReports(now: Date): Promise<{ started: string[] }> {
  await ensureDefaultReports(now);
  const started: string[] = [];
  for (const definition of await reportRepository.listDue(now)) {
    const due = definition.nextRunAt!;
    let slot = new Date(due);
    // Catch up to the latest slot at or before now: a report about last month is not sent three times.
    for (let next = nextRunAfter(definition, slot); next && next <= now; next = nextRunAfter(definition, slot)) slot = next;
    const following = nextRunAfter(definition, slot);
    if (!(await reportRepository.advanceNextRun(definition.id, due, following?.toISOString()))) continue;
    const executionName = reportExecutionName(definition.id, slot);
    await workflowClient.start('report', executionName, { reportId: definition.id, scheduledFor: slot.toISOString() } satisfies ReportExecutionInput);
    started.push(executionName);
  }
  return { started };
}

/**
 * "Send now": a run of the definition for this minute, asked for by `requestedBy`. A nonce keeps
 * two clicks in the same minute apart only when the caller wants a second copy; the web sends
 * its idempotency key's hash, so a double submit starts one run.
 */
export async function sendReportNow(id: string, requestedBy: string | undefined, now: Date, nonce = randomBytes(4).toString('hex')): Promise<string | undefined> {
  const definition = await getReportDefinition(id);
  if (!definition) return undefined;
  const executionName = reportExecutionName(id, now, nonce);
  await workflowClient.start('report', executionName, { reportId: id, scheduledFor: now.toISOString(), ...(requestedBy ? { requestedBy } : {}) } satisfies ReportExecutionInput);
  return executionName;
}

/** A definition's runs, newest first, a page at a time. */
export async function listReportRuns(id: string, query: { limit: number; cursor?: string | undefined }): Promise<{ kind: 'invalid' } | { kind: 'ok'; page: Awaited<ReturnType<typeof reportRepository.listRuns>> }> {
  try {
    return { kind: 'ok', page: await reportRepository.listRuns(id, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) }) };
  } catch (error) {
    if (error instanceof InvalidCursorError) return { kind: 'invalid' };
    throw error;
  }
}

export { DEFAULT_REPORT_ID };
