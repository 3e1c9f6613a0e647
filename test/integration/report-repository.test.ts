import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRepository } from '#adapters/report-repository.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { defaultReportDefinitions, reportExecutionName, type ReportDefinition } from '#domain/report-definition.ts';
import type { ReportRun } from '#domain/report-run.ts';
import { startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});

afterAll(async () => {
  await env?.stop();
});

function definition(id: string, nextRunAt: string | undefined, enabled = true): ReportDefinition {
  return {
    ...defaultReportDefinitions('Europe/Berlin')[0]!,
    id,
    name: `Report ${id}`,
    enabled,
    ...(nextRunAt ? { nextRunAt } : {}),
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    version: 1,
  };
}

function run(reportId: string, scheduledFor: string): ReportRun {
  return {
    reportId,
    runId: reportExecutionName(reportId, new Date(scheduledFor)),
    name: 'Weekly',
    scheduledFor,
    periodFrom: '2026-11-09T07:00:00.000Z',
    periodUntil: scheduledFor,
    periodLabel: '9 Nov – 15 Nov 2026',
    status: 'RUNNING',
    recipients: 2,
    sent: 0,
    skipped: 0,
    failed: 0,
    startedAt: scheduledFor,
  };
}

describe('the report repository', () => {
  it('lists as due only enabled definitions whose next run has come', async () => {
    await reportRepository.putDefinition(definition('due-now', '2026-11-16T07:00:00.000Z'), 0);
    await reportRepository.putDefinition(definition('due-later', '2026-11-23T07:00:00.000Z'), 0);
    await reportRepository.putDefinition(definition('disabled', '2026-11-16T07:00:00.000Z', false), 0);

    const due = await reportRepository.listDue(new Date('2026-11-16T07:00:00.000Z'));

    expect(due.map((candidate) => candidate.id)).toEqual(['due-now']);
  });

  it('lets only one of two ticks move a due definition on', async () => {
    await reportRepository.putDefinition(definition('two-ticks', '2026-11-16T07:00:00.000Z'), 0);

    const moves = await Promise.all([
      reportRepository.advanceNextRun('two-ticks', '2026-11-16T07:00:00.000Z', '2026-11-23T07:00:00.000Z'),
      reportRepository.advanceNextRun('two-ticks', '2026-11-16T07:00:00.000Z', '2026-11-23T07:00:00.000Z'),
    ]);

    expect(moves.filter(Boolean)).toHaveLength(1);
    expect((await reportRepository.getDefinition('two-ticks'))?.nextRunAt).toBe('2026-11-23T07:00:00.000Z');
  });

  it('refuses a change over a version someone else replaced', async () => {
    await reportRepository.putDefinition(definition('versioned', undefined), 0);

    const stale = await reportRepository.putDefinition({ ...definition('versioned', undefined), version: 2 }, 5);

    expect(stale).toBe(false);
  });

  it('records a run once and gives the first record back to a retried step', async () => {
    const first = run('runs-once', '2026-11-16T07:00:00.000Z');
    await reportRepository.createRun(first);

    const again = await reportRepository.createRun({ ...first, recipients: 99 });

    expect(again.recipients).toBe(2);
  });

  it('lists runs newest first, a page at a time', async () => {
    for (const at of ['2026-11-02T07:00:00.000Z', '2026-11-09T07:00:00.000Z', '2026-11-16T07:00:00.000Z']) await reportRepository.createRun(run('paged', at));

    const first = await reportRepository.listRuns('paged', { limit: 2 });
    const second = await reportRepository.listRuns('paged', { limit: 2, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });

    expect([...first.items, ...second.items].map((item) => item.scheduledFor)).toEqual(['2026-11-16T07:00:00.000Z', '2026-11-09T07:00:00.000Z', '2026-11-02T07:00:00.000Z']);
  });

  it('refuses a cursor issued for another definition', async () => {
    const other = await reportRepository.listRuns('paged', { limit: 1 });

    await expect(reportRepository.listRuns('runs-once', { limit: 1, ...(other.nextCursor ? { cursor: other.nextCursor } : {}) })).rejects.toThrow(InvalidCursorError);
  });

  it('keeps each recipient’s copy apart from the run’s record', async () => {
    const recorded = run('copies', '2026-11-16T07:00:00.000Z');
    await reportRepository.createRun(recorded);
    await reportRepository.putDelivery('copies', recorded.runId, { email: 'a@example.org', name: 'A', status: 'SENT', messageId: 'm-1', attempts: 1, at: '2026-11-16T07:00:05.000Z' });

    const page = await reportRepository.listRuns('copies', { limit: 10 });
    const copies = await reportRepository.listDeliveries('copies', recorded.runId);

    expect([page.items.length, copies.map((copy) => copy.messageId)]).toEqual([1, ['m-1']]);
  });
});
