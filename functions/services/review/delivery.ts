import { resultOf } from '#domain/approval.ts';
import { subjectLabel } from '#domain/subject.ts';
import { approvalRepository, type StoredApproval } from '#adapters/approval-repository.ts';
import { logger } from '#adapters/logger.ts';
import { workflowClient } from '#adapters/workflow-client.ts';
import { APPROVAL_EXPIRED_ERROR } from '#workflows/workflow-errors.ts';

/** Hands a recorded answer (decision, supersession, withdrawal or expiry) to the workflow waiting on `taskToken`. */
export async function deliverAnswer(approval: StoredApproval, taskToken: string): Promise<'delivered' | 'stale-token'> {
  const result = resultOf(approval);
  const delivery = result
    ? await workflowClient.succeed(taskToken, result)
    : await workflowClient.fail(taskToken, APPROVAL_EXPIRED_ERROR, `Approval ${approval.id} passed its deadline`);
  if (delivery === 'delivered') await approvalRepository.markDelivered(approval.id, taskToken);
  return delivery;
}

/** Delivers an answer, trying the current token once more if the one read was replaced meanwhile. */
async function resumeWorkflow(answered: StoredApproval): Promise<void> {
  if (!answered.taskToken) return;
  if ((await deliverAnswer(answered, answered.taskToken)) === 'stale-token') {
    const current = await approvalRepository.get(answered.id);
    if (current?.taskToken && current.taskToken !== answered.taskToken) await deliverAnswer(current, current.taskToken);
  }
}

/** Resumes the workflow, leaving undelivered answers to the sweeper rather than failing the caller. */
export async function resumeOrLeaveToSweeper(answered: StoredApproval): Promise<void> {
  try {
    await resumeWorkflow(answered);
  } catch (error) {
    logger.warn('Answer recorded but the workflow was not resumed; the sweeper will retry', { subject: subjectLabel(answered.subject), approvalId: answered.id, error });
  }
}
