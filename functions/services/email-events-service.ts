import { undeliverableAddressEmail, type ReportedAddress } from '#emails/operations-emails.tsx';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { logger } from '#adapters/logger.ts';

/** SES's report that product e-mail bounced for good, or that its recipients complained. */
export interface EmailFeedback {
  /** SES's id of the report: the same on every delivery of the same event. */
  readonly feedbackId: string;
  readonly kind: 'bounce' | 'complaint';
  /** When the bounce or complaint happened (ISO 8601). */
  readonly at: string;
  /** The addresses it is about, each with SES's reason. */
  readonly recipients: readonly { readonly email: string; readonly reason: string }[];
  /** The subject line of the message it was about, if SES reported it. */
  readonly messageSubject?: string;
}

/** What recording a report did. */
export interface EmailFeedbackResult {
  /** People of the directory whose address is now marked undeliverable. */
  readonly marked: number;
  /** Reported addresses nobody in the directory has (a submitter from outside it, say). */
  readonly unknown: number;
  /** PMO leads told by this call (0 when a repeated delivery finds them told already). */
  readonly notified: number;
}

/** How long a reason may be in the directory (the person record's limit). */
const MAX_REASON_LENGTH = 500;

/**
 * Records a bounce or complaint: each reported address that belongs to someone in the directory
 * is marked undeliverable, and every PMO lead is told once per report, however often SES or
 * EventBridge delivers it. A lead whose own address is reported or marked is not written to:
 * mail to them would bounce again and report itself, round and round.
 */
export async function recordEmailFeedback(feedback: EmailFeedback, now: Date): Promise<EmailFeedbackResult> {
  const addresses: ReportedAddress[] = [];
  for (const recipient of feedback.recipients) {
    const person = await directoryRepository.markUndeliverable(recipient.email, {
      reason: recipient.reason.slice(0, MAX_REASON_LENGTH),
      at: feedback.at,
      kind: feedback.kind,
    });
    addresses.push({ email: recipient.email, reason: recipient.reason, ...(person ? { personName: person.name } : {}) });
  }
  const marked = addresses.filter((address) => address.personName !== undefined).length;

  const reported = new Set(feedback.recipients.map((recipient) => recipient.email.toLowerCase()));
  const leads = (await directoryRepository.peopleInRole('pmo-lead')).filter((lead) => !lead.undeliverable && !reported.has(lead.email));
  if (leads.length === 0) logger.warn('Nobody to tell about undeliverable e-mail: no PMO lead with a working address', { kind: feedback.kind });
  let notified = 0;
  for (const lead of leads) {
    const message = undeliverableAddressEmail({
      recipientName: lead.name,
      kind: feedback.kind,
      at: feedback.at,
      addresses,
      ...(feedback.messageSubject ? { messageSubject: feedback.messageSubject } : {}),
    });
    if (await sendEmailOnce(`email-feedback#${feedback.feedbackId}#${lead.email}`, lead, message, now)) notified += 1;
  }
  return { marked, unknown: addresses.length - marked, notified };
}
