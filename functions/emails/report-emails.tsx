import type { ReportDelivery, ReportRun } from '#domain/report-run.ts';
import { EmailLayout, ExternalLink, message, oneLine, type EmailMessage } from './layout.tsx';

/** Tells the PMO lead that copies of a report run could not be delivered, whose and why. */
export function reportRunFailedEmail(input: { readonly run: ReportRun; readonly failed: readonly ReportDelivery[]; readonly missing: number; readonly recipientName: string; readonly reportUrl: string }): EmailMessage {
  const count = input.failed.length + input.missing;
  const subject = oneLine(`Report not delivered: ${input.run.name} (${count} recipient${count === 1 ? '' : 's'})`);
  const lines = [...input.failed.map((delivery) => `${delivery.name} <${delivery.email}>: ${delivery.note ?? 'failed'}`), ...(input.missing > 0 ? [`${input.missing} more, whose delivery never finished`] : [])];
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.recipientName},</p>
      <p>
        The run of “{input.run.name}” for {input.run.periodLabel} could not reach {count} of its {input.run.recipients} recipients after its retries:
      </p>
      <ul>
        {lines.map((line) => (
          <li>{line}</li>
        ))}
      </ul>
      <p>
        <ExternalLink href={input.reportUrl}>Open the report</ExternalLink> to send it again.
      </p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${input.recipientName},`,
    '',
    `The run of "${input.run.name}" for ${input.run.periodLabel} could not reach ${count} of its ${input.run.recipients} recipients after its retries:`,
    ...lines.map((line) => `- ${line}`),
    '',
    `Open the report to send it again: ${input.reportUrl}`,
  ]);
}
