import * as z from 'zod';
import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { sweepApprovals } from '#services/review/sweep.ts';
import { applyStartedDelegations } from '#services/delegation-service.ts';

/** The schedule passes its scheduled time, so a late or repeated run sweeps as of when it was due. */
const EventSchema = z.object({ time: z.iso.datetime({ offset: true }).optional() }).passthrough();

/**
 * Scheduled: redirects the approvals of out-of-office people whose period started, then sends due
 * reminders, escalates, expires, and re-delivers answers that did not reach their workflow. A sweep
 * is about many subjects, so it has no correlation key; each line names the approval it is about.
 */
export const handler = lambdaHandler(
  {},
  async (event: unknown): Promise<{ delegated: number; expired: number; reminded: number; escalated: number; redelivered: number }> => {
    const { time } = EventSchema.parse(event ?? {});
    const now = time ? new Date(time) : new Date();
    const delegated = await applyStartedDelegations(now);
    const report = await sweepApprovals(now);
    logger.info('Approvals swept', { delegated, ...report });
    return { delegated, ...report };
  },
);
