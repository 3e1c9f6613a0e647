import * as z from 'zod';
import { sweepApprovals, type SweepReport } from '#services/approval-service.ts';
import { logger } from '#adapters/logger.ts';

/** The schedule passes its scheduled time, so a late or repeated run sweeps as of when it was due. */
const EventSchema = z.object({ time: z.iso.datetime({ offset: true }).optional() }).passthrough();

/** Scheduled: expires overdue approvals and re-delivers decisions that did not reach their workflow. */
export async function handler(event: unknown): Promise<SweepReport> {
  const { time } = EventSchema.parse(event ?? {});
  const report = await sweepApprovals(time ? new Date(time) : new Date());
  logger.info('Approvals swept', { ...report });
  return report;
}
