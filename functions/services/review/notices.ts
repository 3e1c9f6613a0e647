import type { Approval } from '#domain/approval.ts';
import { approvalClosedEmail } from '#emails/approval-emails.tsx';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { pageUrl } from '../links.ts';
import { registrationOf } from './subject-registry.ts';

/**
 * Tells the approver of a closed approval that their decision is no longer needed (the subject was
 * withdrawn, or its review stopped), once, and only if they were asked by email in the first place.
 */
export async function tellApproverClosed(approval: Approval, reason: 'withdrawn' | 'cancelled', now: Date): Promise<boolean> {
  if (!approval.notifiedAt) return false;
  const subject = await registrationOf(approval.subject.type).load(approval.subject.id);
  if (!subject) return false;
  await sendEmailOnce(
    `approval-closed#${approval.id}#${approval.formerAssignees.length}`,
    approval.approver,
    approvalClosedEmail({ subject: subject.view, approval, reason, subjectUrl: pageUrl(subject.view.pagePath) }),
    now,
  );
  return true;
}
