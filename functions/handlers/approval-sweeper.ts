import * as z from 'zod';
import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { repairUnstartedReviews } from '#services/review/repair.ts';
import { sweepApprovals } from '#services/review/sweep.ts';
import { applyStartedDelegations } from '#services/delegation-service.ts';

/** The schedule passes its scheduled time, so a late or repeated run sweeps as of when it was due. */
const EventSchema = z.object({ time: z.iso.datetime({ offset: true }).optional() }).passthrough();

/**
 * Scheduled: starts the reviews of subjects saved but never started, redirects the approvals of
 * out-of-office people whose period started, then sends due reminders, escalates, expires, and
 * re-delivers answers that did not reach their workflow. A sweep is about many subjects, so it has
 * no correlation key; each line names the approval it is about.
 */
export const handler = lambdaHandler(
  {},
  async (event: unknown): Promise<{ started: number; delegated: number; expired: number; reminded: number; escalated: number; redelivered: number }> => {
    const { time } = EventSchema.parse(event ?? {});
    const now = time ? new Date(time) : new Date();
    const started = await repairUnstartedReviews(now);
    const delegated = await applyStartedDelegations(now);
    const report = await sweepApprovals(now);
    logger.info('Approvals swept', { started, delegated, ...report });
    return { started, delegated, ...report };
  },
);
