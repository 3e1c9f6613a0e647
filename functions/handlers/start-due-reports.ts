import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import { startDueReports } from '#services/report-definitions.ts';
import { ReportTickEventSchema } from '#workflows/contracts.ts';

/**
 * Scheduled (every 5 minutes): starts a run of each report definition that is due, named after the
 * instant it was due, so a late or repeated tick starts no second run of the same slot.
 */
export const handler = lambdaHandler({}, async (event: unknown): Promise<{ started: string[] }> => {
  const { time, schedule } = ReportTickEventSchema.parse(event);
  // Due as of the scheduled minute, or now if the tick runs late: whichever is later.
  const result = await startDueReports(new Date(Math.max(Date.parse(time), Date.now())));
  if (result.started.length > 0) logger.info('Reports started', { schedule, started: result.started });
  return result;
});
