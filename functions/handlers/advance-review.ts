import { logger } from '#adapters/logger.ts';
import { lambdaHandler, workflowSubject } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { advanceReview } from '#services/review/advancing.ts';
import { AdvanceReviewInputSchema, type ReviewProgress } from '#workflows/contracts.ts';

/** Review engine task, for any subject: plans the review, then after each level decides what comes next. */
export const handler = lambdaHandler({ correlate: workflowSubject }, async (event: unknown): Promise<ReviewProgress> => {
  const input = AdvanceReviewInputSchema.parse(event);
  const progress = await advanceReview(input, new Date());
  logger.info('Review advanced', { completedLevel: input.completedLevel, done: progress.done, reviewLevel: progress.level });
  return progress;
});
