import { lambdaHandler } from '#adapters/observability.ts';
import { chaseWeek, sendReminderBatch } from '#services/timesheet-chase-service.ts';
import { type ReminderBatchResult, SendTimesheetRemindersInputSchema } from '#workflows/contracts.ts';

/**
 * Timesheet chase task, once per reminder batch (a Map iteration): reminds each of the batch's
 * people and, from round 3, copies their manager and sends each manager a digest.
 */
export const handler = lambdaHandler({ correlate: chaseWeek }, async (event: unknown): Promise<ReminderBatchResult> => {
  const { weekStart, runId, round, batch } = SendTimesheetRemindersInputSchema.parse(event);
  return sendReminderBatch(weekStart, runId, round, batch, new Date());
});
