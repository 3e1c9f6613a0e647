import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import { type ChaseOutcome, chaseWeek, sendPmoDigest } from '#services/timesheet-chase-service.ts';
import { SendTimesheetDigestInputSchema } from '#workflows/contracts.ts';

/** Timesheet chase task, last: the PMO's digest of the run (counts, compliance, who is missing). */
export const handler = lambdaHandler({ correlate: chaseWeek }, async (event: unknown): Promise<ChaseOutcome> => {
  const { weekStart, runId, round, reminders } = SendTimesheetDigestInputSchema.parse(event);
  const outcome = await sendPmoDigest(weekStart, runId, round, reminders, new Date());
  logger.info('Timesheet chase finished', { ...outcome });
  return outcome;
});
