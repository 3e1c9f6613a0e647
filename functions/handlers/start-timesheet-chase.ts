import * as z from 'zod';
import { CHASED_WEEKS } from '#domain/timesheet-chase.ts';
import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import { startScheduledChase } from '#services/timesheet-chase-service.ts';

/**
 * What a chase schedule passes: the time it was scheduled for (not when it was delivered), its
 * name, and which week it chases (workflows/schedules.ts).
 */
const ScheduledChaseEventSchema = z.object({
  time: z.iso.datetime({ offset: true }),
  schedule: z.string().min(1).max(64),
  week: z.enum(CHASED_WEEKS),
});

/**
 * Scheduled (Friday afternoon and Monday morning): starts the timesheet chase for the week the
 * schedule is about, named after that week and the scheduled time, so that a late, retried or
 * repeated delivery starts no second chase of the same run.
 */
export const handler = lambdaHandler({}, async (event: unknown): Promise<{ weekStart: string; executionName: string }> => {
  const { time, schedule, week } = ScheduledChaseEventSchema.parse(event);
  const started = await startScheduledChase(new Date(time), week);
  logger.info('Timesheet chase started', { schedule, ...started });
  return started;
});
