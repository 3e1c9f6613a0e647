import { assignmentNumber, dueAction, withReminder } from '#domain/approval.ts';
import { reviewAudit } from '#domain/audit.ts';
import { createLinkSecret } from '#domain/link-secret.ts';
import { subjectLabel } from '#domain/subject.ts';
import { approvalRepository, type StoredApproval } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { logger } from '#adapters/logger.ts';
import { supersedeSiblings } from './deciding.ts';
import { deliverAnswer, resumeOrLeaveToSweeper } from './delivery.ts';
import { escalationTarget, reassign } from './reassignment.ts';
import { approvalMessage, closeIfMoot, notifyCurrentApprover } from './requesting.ts';
import { registrationOf } from './subject-registry.ts';

/** What one sweep did. */
export interface SweepReport {
  readonly expired: number;
  readonly reminded: number;
  readonly escalated: number;
  readonly redelivered: number;
}

const SWEEP_PAGE_SIZE = 50;

/**
 * The scheduled sweep over the sparse index of open approvals, up to `now`, for every subject
 * type: sends due reminders (once per approval and round, however often it runs), escalates
 * unanswered approvals, expires those past their deadline, and re-delivers answers whose workflow
 * was not resumed.
 */
export async function sweepApprovals(now: Date): Promise<SweepReport> {
  const report = { expired: 0, reminded: 0, escalated: 0, redelivered: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await approvalRepository.listActionable(now, SWEEP_PAGE_SIZE, startKey);
    for (const approval of page.items) {
      try {
        const outcome = await sweepOne(approval, now);
        if (outcome) report[outcome] += 1;
      } catch (error) {
        // One approval's trouble must not hold up the others; it stays open for the next sweep.
        logger.error('Sweeping an approval failed', { subject: subjectLabel(approval.subject), approvalId: approval.id, error });
      }
    }
    startKey = page.lastKey;
  } while (startKey);
  return report;
}

async function sweepOne(approval: StoredApproval, now: Date): Promise<keyof SweepReport | undefined> {
  if (approval.status !== 'PENDING') return redeliver(approval, now);
  const action = dueAction(approval, now);
  if (!action) return undefined;
  if (await closeIfMoot(approval, now)) return undefined;
  switch (action) {
    case 'expire':
      return (await expire(approval, now)) ? 'expired' : undefined;
    case 'remind':
      return (await remind(approval, now)) ? 'reminded' : undefined;
    case 'escalate':
      return (await escalate(approval, now)) ? 'escalated' : undefined;
    case 'notify': {
      const subject = await registrationOf(approval.subject.type).load(approval.subject.id);
      if (subject) await notifyCurrentApprover(approval, subject, undefined, now);
      return undefined;
    }
  }
}

/** Hands an answer that did not reach its workflow to it again. */
async function redeliver(approval: StoredApproval, now: Date): Promise<'redelivered' | undefined> {
  if (!approval.awaitingDelivery || !approval.taskToken) return undefined;
  // A decision whose request crashed before closing the rest of its level closes it now.
  if (approval.status === 'APPROVED' || approval.status === 'REJECTED') {
    await auditRepository.append(reviewAudit.decided(approval, approval.status === 'APPROVED' ? 'approve' : 'reject', approval.decidedAt ?? now.toISOString(), approval.comment));
    if (approval.quorum === 'any' || approval.status === 'REJECTED') {
      for (const superseded of await supersedeSiblings(approval, now)) await resumeOrLeaveToSweeper(superseded);
    }
  }
  const result = await deliverAnswer(approval, approval.taskToken);
  if (result === 'delivered') return 'redelivered';
  // The workflow no longer waits on this token (it moved on, or a replay re-binds the approval
  // and then delivers the answer itself): stop trying.
  await approvalRepository.markDelivered(approval.id, approval.taskToken);
  return undefined;
}

async function expire(approval: StoredApproval, now: Date): Promise<boolean> {
  const update = await approvalRepository.update(approval.id, (current) =>
    dueAction(current, now) === 'expire' ? { ...current, status: 'EXPIRED', decidedAt: now.toISOString(), awaitingDelivery: true } : undefined,
  );
  if (!update?.after) return false;
  await auditRepository.append(reviewAudit.expired(approval, now.toISOString()));
  await resumeOrLeaveToSweeper(update.after);
  return true;
}

async function escalate(approval: StoredApproval, now: Date): Promise<boolean> {
  const subject = await registrationOf(approval.subject.type).load(approval.subject.id);
  const target = subject ? await escalationTarget(approval.escalateTo!, approval.subject, approval.approver, subject.view.submitter, now) : undefined;
  if (!target) {
    // Nobody to escalate to: stop planning an escalation, keep the deadline.
    await approvalRepository.update(approval.id, (current) => {
      if (current.status !== 'PENDING' || !current.escalateAt) return undefined;
      const { escalateAt: _dropped, ...rest } = current;
      return rest as StoredApproval;
    });
    logger.warn('No escalation target in the directory', { subject: subjectLabel(approval.subject), approvalId: approval.id });
    return false;
  }
  return reassign(approval, target, 'escalated', now);
}

/**
 * Sends the round's one reminder with a fresh link. The round is claimed by a conditional write
 * first (so a sweep running twice sends once); if the email cannot be sent, the claim is undone
 * and the next sweep tries again.
 */
async function remind(approval: StoredApproval, now: Date): Promise<boolean> {
  const { secret, hash } = createLinkSecret();
  const round = approval.remindersSent;
  const update = await approvalRepository.update(approval.id, (current) =>
    dueAction(current, now) === 'remind' && current.remindersSent === round ? (withReminder(current, hash) as StoredApproval) : undefined,
  );
  if (!update?.after) return false;
  const subject = await registrationOf(approval.subject.type).load(approval.subject.id);
  if (!subject) return false;
  const key = `${approval.id}#${assignmentNumber(approval)}#${round}`;
  try {
    await sendEmailOnce(`reminder#${key}`, update.after.approver, await approvalMessage(update.after, subject, secret, 'reminder'), now);
  } catch (error) {
    await approvalRepository.update(approval.id, (current) =>
      current.status === 'PENDING' && current.remindersSent === round + 1 ? { ...current, remindersSent: round, remindAt: now.toISOString() } : undefined,
    );
    throw error;
  }
  await auditRepository.append(reviewAudit.reminded(approval, key, now.toISOString()));
  return true;
}
