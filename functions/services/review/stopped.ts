import { reviewAudit } from '#domain/audit.ts';
import type { SubjectRef } from '#domain/subject.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { tellApproverClosed } from './notices.ts';
import { registrationOf, type StoppedStatus } from './subject-registry.ts';

/** What closing a stopped review did. */
export type StoppedReviewResult = 'closed' | 'not-current' | 'no-subject';

/**
 * A subject's workflow ended without an outcome: stopped by an operator, timed out, or failed
 * (Step Functions' execution status change). Its open approvals close, so their links answer
 * that the review stopped instead of "recorded", and the subject's process says what happened.
 * Only the subject's current execution counts: the end of a foreign or earlier one changes
 * nothing of the subject. Idempotent: EventBridge delivers at least once.
 */
export async function closeStoppedReview(subjectRef: SubjectRef, executionName: string, status: StoppedStatus, cause: string | undefined, now: Date): Promise<StoppedReviewResult> {
  const registration = registrationOf(subjectRef.type);
  const subject = await registration.load(subjectRef.id);
  if (!subject) return 'no-subject';
  for (const approval of await approvalRepository.listForSubject(subjectRef)) {
    if (approval.executionName !== executionName) continue;
    // Nothing waits for these answers any more: no delivery is due.
    const update = await approvalRepository.update(approval.id, (current) =>
      current.status === 'PENDING' || current.awaitingDelivery
        ? { ...current, status: current.status === 'PENDING' ? 'CANCELLED' : current.status, ...(current.status === 'PENDING' ? { decidedAt: now.toISOString() } : {}), awaitingDelivery: false }
        : undefined,
    );
    if (update?.before.status === 'PENDING' && update.after) await tellApproverClosed(update.after, 'cancelled', now);
  }
  if (subject.currentExecution !== executionName) return 'not-current';
  // A failure the workflow caught is recorded on the subject already: only an open review is ended here.
  if (subject.state !== 'open') return 'closed';
  await auditRepository.append(reviewAudit.stopped(subjectRef, executionName, status, now.toISOString()));
  await registration.onStopped(subject, { executionName, status, ...(cause ? { cause } : {}) }, now);
  return 'closed';
}
