import { formatDateTime } from '#domain/format.ts';
import { environment } from '#adapters/environment.ts';
import { EmailLayout, message, oneLine, type EmailMessage } from './layout.tsx';

/** An address SES reported, as the PMO is told about it. */
export interface ReportedAddress {
  readonly email: string;
  /** Why, in SES's words (the receiving server's answer, or the kind of complaint). */
  readonly reason: string;
  /** Who has this address in the directory (now marked undeliverable); none if nobody has. */
  readonly personName?: string;
}

/** What the PMO is told when product e-mail bounced for good or its recipient complained. */
export interface UndeliverableEmailInput {
  readonly recipientName: string;
  readonly kind: 'bounce' | 'complaint';
  /** When SES reported it (ISO 8601). */
  readonly at: string;
  readonly addresses: readonly ReportedAddress[];
  /** The subject line of the message it was about, if SES reported it. */
  readonly messageSubject?: string;
}

const WHAT_HAPPENED = {
  bounce: 'Mail to this address bounced for good: the receiving server refused it.',
  complaint: 'The recipient marked a message from PMO Pipeline as spam.',
} as const;

const WHAT_TO_DO = {
  bounce:
    'Check the address in the directory (a typo, someone who has left) and correct it. Until then, approvals and outcomes sent to it do not arrive: an approval there escalates or expires by the policy.',
  complaint:
    'Ask them whether they should receive PMO mail; complaints count against the sending account with AWS. If they should not, take them out of the roles that send them mail.',
} as const;

function whoOf(address: ReportedAddress): string {
  return address.personName ? `${address.personName}, marked undeliverable in the directory` : 'not in the directory';
}

/** Tells the PMO lead that SES reported a bounce for good or a complaint, and what to do about it. */
export function undeliverableAddressEmail(input: UndeliverableEmailInput): EmailMessage {
  const headline = input.kind === 'bounce' ? 'PMO email bounced' : 'PMO email marked as spam';
  const whom = input.addresses.length === 1 ? (input.addresses[0]?.email ?? '') : `${input.addresses.length} addresses`;
  const subject = oneLine(`${headline}: ${whom}`);
  const reported = formatDateTime(input.at, environment.orgTimeZone);
  const about = input.messageSubject ? oneLine(input.messageSubject) : undefined;
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.recipientName},</p>
      <p>
        {WHAT_HAPPENED[input.kind]} Amazon SES reported it on {reported}
        {about ? (
          <>
            , about the message “<strong>{about}</strong>”
          </>
        ) : null}
        .
      </p>
      <ul>
        {input.addresses.map((address) => (
          <li>
            <strong>{address.email}</strong> ({whoOf(address)}): {oneLine(address.reason, 300)}
          </li>
        ))}
      </ul>
      <p>{WHAT_TO_DO[input.kind]}</p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${input.recipientName},`,
    '',
    `${WHAT_HAPPENED[input.kind]} Amazon SES reported it on ${reported}${about ? `, about the message "${about}"` : ''}.`,
    '',
    ...input.addresses.map((address) => `- ${address.email} (${whoOf(address)}): ${oneLine(address.reason, 300)}`),
    '',
    WHAT_TO_DO[input.kind],
  ]);
}
