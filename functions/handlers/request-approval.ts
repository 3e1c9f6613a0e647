import { logger } from '#adapters/logger.ts';
import { lambdaHandler, workflowSubject } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { requestApproval } from '#services/review/requesting.ts';
import { RequestApprovalInputSchema } from '#workflows/contracts.ts';

/**
 * Review engine callback task, once per approver of a level: creates (or finds) the approval,
 * binds the task token and emails the approver. The workflow waits until a decision, the quorum,
 * a withdrawal or the sweeper's expiry returns the token.
 */
export const handler = lambdaHandler({ correlate: workflowSubject }, async (event: unknown): Promise<void> => {
  const input = RequestApprovalInputSchema.parse(event);
  await requestApproval(input, new Date());
  logger.info('Approval requested', { reviewLevel: input.request.level, slot: input.assignee.slot });
});
