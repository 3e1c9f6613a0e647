import { assignmentNumber, type Approval } from '#domain/approval.ts';
import { reviewAudit } from '#domain/audit.ts';
import { approvalIdFor, createLinkSecret } from '#domain/link-secret.ts';
import { approvalRequestEmail } from '#emails/approval-emails.tsx';
import { approvalRepository, type StoredApproval } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import type { RequestApprovalInput } from '#workflows/contracts.ts';
import { approvalLink, delegationRequestUrl, pageUrl } from '../links.ts';
import { deliverAnswer, resumeOrLeaveToSweeper } from './delivery.ts';
import { earlierDecisions } from './history.ts';
import { assertCurrentExecution, loadSubject, registrationOf, type ReviewSubject } from './subject-registry.ts';

/**
 * Creates the approval for (execution, level, slot), binds the workflow's callback token to it and
 * emails the approver. Safe to run again: the approval is found, the new token replaces the old,
 * no second email goes out, and an answer already recorded is handed to the workflow at once.
 */
export async function requestApproval(input: RequestApprovalInput, now: Date): Promise<void> {
  const { subject } = await loadSubject(input.subject);
  assertCurrentExecution(input.subject, subject, input.executionName);
  const { request, assignee } = input;
  const { secret, hash } = createLinkSecret();
  const at = now.getTime();
  const dueAt = at + request.timeoutSeconds * 1000;
  const remindAt = at + request.reminderAfterSeconds * 1000;
  const escalateAt = request.escalateAfterSeconds ? at + request.escalateAfterSeconds * 1000 : undefined;
  const candidate: Approval = {
    id: approvalIdFor(input.executionName, request.level, assignee.slot),
    subject: input.subject,
    executionName: input.executionName,
    level: request.level,
    levelName: request.levelName,
    levelCount: request.levelCount,
    ...(request.position ? { position: request.position } : {}),
    slot: assignee.slot,
    slotCount: request.slotCount,
    quorum: request.quorum,
    approver: assignee.approver,
    ...(assignee.onBehalfOf ? { onBehalfOf: assignee.onBehalfOf } : {}),
    status: subject.state === 'withdrawn' ? 'WITHDRAWN' : 'PENDING',
    requestedAt: now.toISOString(),
    dueAt: new Date(dueAt).toISOString(),
    ...(remindAt < dueAt ? { remindAt: new Date(remindAt).toISOString() } : {}),
    remindersSent: 0,
    ...(escalateAt && request.escalateTo && escalateAt < dueAt ? { escalateAt: new Date(escalateAt).toISOString(), escalateTo: request.escalateTo } : {}),
    secretHashes: [hash],
    formerAssignees: [],
    ...(request.attention ? { attention: request.attention } : {}),
    version: 1,
  };
  const { approval, created } = await approvalRepository.createOrRebind(candidate, input.taskToken);

  if (approval.status !== 'PENDING') {
    await deliverAnswer(approval, input.taskToken);
    return;
  }
  // The level may have been settled, or the subject withdrawn, while this approval was created.
  if (await closeIfMoot(approval, now)) return;
  if (created) await auditRepository.append(reviewAudit.requested(approval));
  if (approval.notifiedAt) return;
  await notifyCurrentApprover(approval, subject, created ? { secret, hash } : undefined, now);
}

/**
 * Emails the current approver their request, once per assignment. `fresh` is the secret whose
 * hash the approval was created with; otherwise a new secret is made and its hash added, but only
 * after the email's send marker was claimed, so a secret is stored only for an email that goes out
 * and the links of an email already sent stay valid.
 */
export async function notifyCurrentApprover(approval: StoredApproval, subject: ReviewSubject, fresh: { secret: string; hash: string } | undefined, now: Date): Promise<void> {
  const message = async () => {
    let secret = fresh?.secret;
    if (!secret) {
      const generated = createLinkSecret();
      await approvalRepository.update(approval.id, (current) => ({ ...current, secretHashes: [...current.secretHashes, generated.hash] }));
      secret = generated.secret;
    }
    return approvalMessage(approval, subject, secret, 'request');
  };
  await sendEmailOnce(`approval-request#${approval.id}#${assignmentNumber(approval)}`, approval.approver, message, now);
  // Set whether this call sent the email or an earlier run did: either way it went out.
  await approvalRepository.update(approval.id, (current) =>
    current.notifiedAt || current.approver.email !== approval.approver.email ? undefined : { ...current, notifiedAt: now.toISOString() },
  );
}

/** The request (or reminder) email of an approval, with the decisions made so far at earlier levels. */
export async function approvalMessage(approval: Approval, subject: ReviewSubject, secret: string, kind: 'request' | 'reminder') {
  return approvalRequestEmail({
    subject: subject.view,
    approval,
    approveUrl: approvalLink(approval.id, secret, 'approve'),
    rejectUrl: approvalLink(approval.id, secret, 'reject'),
    subjectUrl: pageUrl(subject.view.pagePath),
    kind,
    earlierDecisions: await earlierDecisions(approval),
    delegationUrl: delegationRequestUrl(),
  });
}

/**
 * Closes a pending approval that no longer needs a decision: its subject was withdrawn or its
 * review ended or restarted, or another approver already settled its level. Reads are consistent,
 * so this also catches what a withdrawal or a decision could not see through the indexes.
 */
export async function closeIfMoot(approval: StoredApproval, now: Date): Promise<boolean> {
  const subject = await registrationOf(approval.subject.type).load(approval.subject.id);
  const withdrawn = !subject || subject.state === 'withdrawn';
  const moved = subject !== undefined && (subject.state === 'closed' || (subject.currentExecution !== undefined && subject.currentExecution !== approval.executionName));
  const status = withdrawn ? 'WITHDRAWN' : moved || (await levelSettledBySibling(approval)) ? 'SUPERSEDED' : undefined;
  if (!status) return false;
  const update = await approvalRepository.update(approval.id, (current) =>
    current.status === 'PENDING' ? { ...current, status, decidedAt: now.toISOString(), awaitingDelivery: true } : undefined,
  );
  if (update?.after) await resumeOrLeaveToSweeper(update.after);
  return true;
}

/** Whether another approval of the same level has decided it (any decision for "any", a rejection for "all"). */
async function levelSettledBySibling(approval: Approval): Promise<boolean> {
  for (let slot = 0; slot < approval.slotCount; slot += 1) {
    if (slot === approval.slot) continue;
    const sibling = await approvalRepository.get(approvalIdFor(approval.executionName, approval.level, slot));
    if (sibling?.status === 'REJECTED' || (approval.quorum === 'any' && sibling?.status === 'APPROVED')) return true;
  }
  return false;
}
