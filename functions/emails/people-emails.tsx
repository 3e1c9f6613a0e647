import { EmailLayout, ExternalLink, message, type EmailMessage } from './layout.tsx';

/** The personal link with which someone manages their out-of-office delegation. */
export function delegationAccessEmail(input: { readonly name: string; readonly url: string; readonly validHours: number }): EmailMessage {
  const subject = 'Your link to set an out-of-office delegate';
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.name},</p>
      <p>Use this link to name who decides on PMO approvals for you while you are away. It works for {input.validHours} hours.</p>
      <p>
        <ExternalLink href={input.url}>Set my out-of-office delegate</ExternalLink>
      </p>
      <p style="color: #555;">If you did not ask for this, ignore this email; nothing changes.</p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${input.name},`,
    '',
    `Use this link to name who decides on PMO approvals for you while you are away. It works for ${input.validHours} hours.`,
    '',
    `Set my out-of-office delegate: ${input.url}`,
    '',
    'If you did not ask for this, ignore this email; nothing changes.',
  ]);
}
