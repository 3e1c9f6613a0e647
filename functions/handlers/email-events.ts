import * as z from 'zod';
import { logger } from '#adapters/logger.ts';
import { lambdaHandler, type CorrelationKeys } from '#adapters/observability.ts';
import { recordEmailFeedback, type EmailFeedback } from '#services/email-events-service.ts';

// The parts of SES's event records the product reads (docs.aws.amazon.com/ses/latest/dg/
// event-publishing-retrieving-sns-contents.html); everything else in them is let through unread.

const MailSchema = z.object({
  messageId: z.string().min(1).max(256),
  commonHeaders: z.object({ subject: z.string().max(1000).optional() }).optional(),
});

const BounceSchema = z.object({
  /** `Permanent`, `Transient` or `Undetermined`. */
  bounceType: z.string(),
  bounceSubType: z.string().optional(),
  bouncedRecipients: z
    .array(z.object({ emailAddress: z.string().max(320), status: z.string().max(100).optional(), diagnosticCode: z.string().max(1000).optional() }))
    .min(1)
    .max(100),
  timestamp: z.iso.datetime({ offset: true }),
  feedbackId: z.string().min(1).max(256),
});

const ComplaintSchema = z.object({
  complainedRecipients: z.array(z.object({ emailAddress: z.string().max(320) })).min(1).max(100),
  complaintFeedbackType: z.string().max(100).optional(),
  timestamp: z.iso.datetime({ offset: true }),
  feedbackId: z.string().min(1).max(256),
});

/**
 * An SES bounce or complaint as EventBridge delivers it: the configuration set's EventBridge
 * destination wraps SES's event record in an `aws.ses` event, "Email Bounced" or "Email Complaint
 * Received".
 */
export const SesFeedbackEventSchema = z.object({
  source: z.literal('aws.ses'),
  'detail-type': z.enum(['Email Bounced', 'Email Complaint Received']),
  detail: z.discriminatedUnion('eventType', [
    z.object({ eventType: z.literal('Bounce'), mail: MailSchema, bounce: BounceSchema }),
    z.object({ eventType: z.literal('Complaint'), mail: MailSchema, complaint: ComplaintSchema }),
  ]),
});
export type SesFeedbackEvent = z.infer<typeof SesFeedbackEventSchema>;

const AddressSchema = z.email();

/** A reported address as the directory keys it: `Name <a@b>` or `a@b`, lower case; undefined if it is none. */
function addressOf(reported: string): string | undefined {
  const inBrackets = /<([^<>]+)>\s*$/.exec(reported)?.[1];
  const candidate = (inBrackets ?? reported).trim().toLowerCase();
  return AddressSchema.safeParse(candidate).success ? candidate : undefined;
}

function withAddresses<T extends { emailAddress: string }>(recipients: readonly T[], reasonOf: (recipient: T) => string): EmailFeedback['recipients'] {
  return recipients.flatMap((recipient) => {
    const email = addressOf(recipient.emailAddress);
    return email ? [{ email, reason: reasonOf(recipient) }] : [];
  });
}

/**
 * What the product acts on in an SES event: a bounce for good or a complaint. A soft bounce
 * (`Transient`, `Undetermined`: a full mailbox, a server down) is not: the address may work
 * tomorrow. Undefined for those, and for an event that names no usable address.
 */
export function feedbackOf(event: SesFeedbackEvent): EmailFeedback | undefined {
  const { detail } = event;
  const messageSubject = detail.mail.commonHeaders?.subject;
  const common = messageSubject ? { messageSubject } : {};
  let feedback: EmailFeedback;
  if (detail.eventType === 'Bounce') {
    const { bounce } = detail;
    if (bounce.bounceType !== 'Permanent') return undefined;
    const kind = bounce.bounceSubType ? `${bounce.bounceSubType} bounce` : 'Bounce';
    feedback = {
      feedbackId: bounce.feedbackId,
      kind: 'bounce',
      at: bounce.timestamp,
      recipients: withAddresses(bounce.bouncedRecipients, (recipient) => {
        const answer = recipient.diagnosticCode ?? recipient.status;
        return answer ? `${kind}: ${answer}` : kind;
      }),
      ...common,
    };
  } else {
    const { complaint } = detail;
    const reason = complaint.complaintFeedbackType ? `Complaint (${complaint.complaintFeedbackType})` : 'Marked as spam';
    feedback = {
      feedbackId: complaint.feedbackId,
      kind: 'complaint',
      at: complaint.timestamp,
      recipients: withAddresses(complaint.complainedRecipients, () => reason),
      ...common,
    };
  }
  return feedback.recipients.length > 0 ? feedback : undefined;
}

/** The SES message the event is about, to find its log lines; must not throw. */
function sesMessage(event: unknown): CorrelationKeys | undefined {
  const messageId = (event as { detail?: { mail?: { messageId?: unknown } } } | null)?.detail?.mail?.messageId;
  return typeof messageId === 'string' && messageId !== '' ? { ses_message_id: messageId } : undefined;
}

/**
 * EventBridge target for the bounces and complaints of the configuration set: marks each address
 * undeliverable in the directory and tells the PMO lead, once per report however often it comes.
 */
export const handler = lambdaHandler({ correlate: sesMessage }, async (event: unknown): Promise<{ result: 'ignored' | 'recorded'; marked?: number; unknown?: number; notified?: number }> => {
  const feedback = feedbackOf(SesFeedbackEventSchema.parse(event));
  if (!feedback) {
    logger.info('Email event ignored: a soft bounce, or no usable address');
    return { result: 'ignored' };
  }
  const result = await recordEmailFeedback(feedback, new Date());
  logger.info('Email event recorded', { kind: feedback.kind, ...result });
  return { result: 'recorded', ...result };
});
