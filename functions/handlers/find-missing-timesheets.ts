import { lambdaHandler } from '#adapters/observability.ts';
import { chaseWeek, findMissingTimesheets } from '#services/timesheet-chase-service.ts';
import { type ChaseFound, FindMissingTimesheetsInputSchema } from '#workflows/contracts.ts';

/**
 * Timesheet chase task: records the run, finds its round and everyone whose timesheet for the
 * week is missing, in draft or short, and stores them in reminder batches for the Map state.
 */
export const handler = lambdaHandler({ correlate: chaseWeek }, async (event: unknown): Promise<ChaseFound> => {
  const { input, executionName, startedAt } = FindMissingTimesheetsInputSchema.parse(event);
  return findMissingTimesheets(input, executionName, new Date(startedAt), new Date());
});
