import * as z from 'zod';
import { logger } from '#adapters/logger.ts';
import { advanceReview, type ReviewProgress } from '#services/review-service.ts';

const PersonRef = z.object({ name: z.string(), email: z.string() });
const ApprovalResultSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.enum(['approve', 'reject']), approver: PersonRef, onBehalfOf: PersonRef.optional(), comment: z.string().optional(), decidedAt: z.string() }),
  z.object({ decision: z.enum(['superseded', 'expired', 'withdrawn']) }),
]);

const EventSchema = z.object({
  proposalId: z.string().min(1),
  executionName: z.string().min(1),
  /** 0 when the review starts; else the level whose approvers just answered. */
  completedLevel: z.number().int().min(0),
  results: z.array(ApprovalResultSchema),
});

/** Intake workflow task: plans the review, then after each level decides what comes next. */
export async function handler(event: unknown): Promise<ReviewProgress> {
  const input = EventSchema.parse(event);
  const progress = await advanceReview(input, new Date());
  logger.info('Review advanced', { proposalId: input.proposalId, completedLevel: input.completedLevel, done: progress.done, level: progress.level });
  return progress;
}
