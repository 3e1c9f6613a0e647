import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import { finishReportRun } from '#services/report-runs.ts';
import { FinishReportRunInputSchema } from '#workflows/contracts.ts';

/** Report workflow: counts the copies, ends the run, alerts the PMO lead to failures. */
export const handler = lambdaHandler({}, async (event: unknown) => {
  const { reportId, runId } = FinishReportRunInputSchema.parse(event);
  const result = await finishReportRun(reportId, runId, new Date());
  logger.info('Report run finished', { reportId, runId, ...result });
  return result;
});
