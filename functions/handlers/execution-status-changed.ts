import { subjectLabel } from '#domain/subject.ts';
import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { closeStoppedReview } from '#services/review/stopped.ts';
import { ExecutionStatusChangeEventSchema, WORKFLOW_SUBJECTS, workflowKeyOfStateMachine } from '#workflows/contracts.ts';

/**
 * EventBridge target for Step Functions "Execution Status Change" events (the rule passes
 * ABORTED, TIMED_OUT and FAILED; the local Step Functions endpoint emits the same events): the
 * subject whose review the execution ran is told, so nothing waits on a dead workflow.
 */
export const handler = lambdaHandler({}, async (event: unknown): Promise<{ result: string }> => {
  const { detail } = ExecutionStatusChangeEventSchema.parse(event);
  if (detail.status !== 'ABORTED' && detail.status !== 'TIMED_OUT' && detail.status !== 'FAILED') return { result: 'ignored' };
  const workflow = workflowKeyOfStateMachine(detail.stateMachineArn);
  const input = parseInput(detail.input);
  const subjectOf = workflow ? WORKFLOW_SUBJECTS[workflow] : undefined;
  const id = subjectOf ? input?.[subjectOf.idField] : undefined;
  if (!subjectOf || typeof id !== 'string' || id === '') {
    logger.warn('An execution ended without an outcome, but names no subject', { stateMachineArn: detail.stateMachineArn, status: detail.status });
    return { result: 'no-subject' };
  }
  const subject = { type: subjectOf.subjectType, id };
  logger.appendKeys({ subject: subjectLabel(subject) });
  try {
    const result = await closeStoppedReview(subject, detail.name, detail.status, detail.cause ?? detail.error ?? undefined, new Date());
    logger.info('Stopped execution handled', { executionName: detail.name, status: detail.status, result });
    return { result };
  } finally {
    logger.removeKeys(['subject']);
  }
});

function parseInput(input: string | null | undefined): Record<string, unknown> | undefined {
  if (!input) return undefined;
  try {
    const parsed: unknown = JSON.parse(input);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
