import { logger } from '#adapters/logger.ts';
import { lambdaHandler, workflowSubject } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { recordReviewOutcome } from '#services/review/outcome.ts';
import { RecordOutcomeInputSchema } from '#workflows/contracts.ts';

/** Review engine task, for any subject: hands the review's outcome to the subject's process. */
export const handler = lambdaHandler({ correlate: workflowSubject }, async (event: unknown): Promise<{ status: string }> => {
  const input = RecordOutcomeInputSchema.parse(event);
  const result = await recordReviewOutcome(input, new Date());
  logger.info('Outcome recorded', { status: result.status });
  return result;
});
