import type { ApproverSpec } from '#domain/approval-policy.ts';
import { assignmentNumber, reassignedTo, type ReassignmentReason } from '#domain/approval.ts';
import { reviewAudit } from '#domain/audit.ts';
import { createLinkSecret } from '#domain/link-secret.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import type { SubjectRef } from '#domain/subject.ts';
import { approvalRepository, type StoredApproval } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { assigneeFor, peopleFor, type Assignee } from './assignees.ts';
import { resumeOrLeaveToSweeper } from './delivery.ts';
import { tellApproverClosed } from './notices.ts';
import { notifyCurrentApprover } from './requesting.ts';
import { registrationOf } from './subject-registry.ts';

const HOUR_MS = 3600 * 1000;

/**
 * Hands a pending approval to someone else: the escalation target, or an out-of-office delegate.
 * The workflow keeps waiting on the same approval (one execution, one decision); the former
 * approver's links answer "reassigned".
 */
export async function reassign(approval: StoredApproval, to: Assignee, reason: ReassignmentReason, now: Date): Promise<boolean> {
  const registration = registrationOf(approval.subject.type);
  const { secret, hash } = createLinkSecret();
  const update = await approvalRepository.update(approval.id, (current) =>
    current.status === 'PENDING' && current.approver.email === approval.approver.email
      ? // The stored fields (task token, delivery flag) travel in the rest that reassignedTo keeps.
        (reassignedTo(current, { ...to, reason }, hash, now, registration.policy.reminderAfterHours * HOUR_MS) as StoredApproval)
      : undefined,
  );
  if (!update?.after) return false;
  const moved = update.after;
  await auditRepository.append(reviewAudit.reassigned(moved, approval.approver, reason, assignmentNumber(moved), now.toISOString()));
  const subject = await registration.load(moved.subject.id);
  if (subject) await notifyCurrentApprover(moved, subject, { secret, hash }, now);
  return true;
}

/**
 * Redirects a person's pending approvals to their delegate (an out-of-office period started), or to
 * their successor (they were deactivated: the successor then decides in their own name).
 */
export async function redirectPendingApprovals(person: PersonRef, delegate: PersonRef, now: Date, reason: 'delegated' | 'deactivated' = 'delegated'): Promise<number> {
  let redirected = 0;
  for (const approval of await approvalRepository.listPendingFor(person.email)) {
    const subject = await registrationOf(approval.subject.type).load(approval.subject.id);
    // Nobody decides on their own subject: such an approval stays with the absent approver (and escalates).
    if (!subject || subject.view.submitter.email === delegate.email) continue;
    const onBehalfOf = reason === 'delegated' ? (approval.onBehalfOf ?? person) : approval.onBehalfOf;
    if (await reassign(approval, { approver: delegate, ...(onBehalfOf ? { onBehalfOf } : {}) }, reason, now)) redirected += 1;
  }
  return redirected;
}

/** Who takes over an unanswered approval: the first of `spec` who is neither its approver nor the submitter. */
export async function escalationTarget(spec: ApproverSpec, subject: SubjectRef, current: PersonRef, submitter: PersonRef, now: Date): Promise<Assignee | undefined> {
  const candidates = (await peopleFor(spec, subject)).filter((person) => person.email !== current.email && person.email !== submitter.email);
  return candidates[0] ? assigneeFor(candidates[0], now, submitter) : undefined;
}

/**
 * Withdraws every pending approval of a subject, tells their workflow, and tells each approver who
 * was asked. Returns how many approvers were told.
 */
export async function withdrawApprovals(subject: SubjectRef, now: Date): Promise<number> {
  let told = 0;
  for (const approval of await approvalRepository.listForSubject(subject)) {
    const update = await approvalRepository.update(approval.id, (current) =>
      current.status === 'PENDING' ? { ...current, status: 'WITHDRAWN', decidedAt: now.toISOString(), awaitingDelivery: true } : undefined,
    );
    if (!update?.after) continue;
    await resumeOrLeaveToSweeper(update.after);
    if (await tellApproverClosed(update.after, 'withdrawn', now)) told += 1;
  }
  return told;
}
