import { minorToText, type Invoice } from '#domain/invoice.ts';
import type { Project } from '#domain/project.ts';
import { EmailLayout, ExternalLink, message, oneLine, type EmailMessage } from './layout.tsx';

function money(minor: number, currency: string): string {
  return `${minorToText(minor, currency)} ${currency}`;
}

/** Finance's summary of a posted invoice: what went to which project's actuals. */
export function postingSummaryEmail(input: {
  readonly invoice: Invoice;
  readonly postings: readonly { readonly project: Pick<Project, 'title'>; readonly amountMinor: number }[];
  readonly invoiceUrl: string;
}): EmailMessage {
  const { invoice } = input;
  const subject = oneLine(`Posted: ${invoice.vendor.name} invoice ${invoice.invoiceNumber}, ${money(invoice.totalMinor, invoice.currency)}`);
  const lines = input.postings.map((posting) => `${posting.project.title}: ${money(posting.amountMinor, invoice.currency)}`);
  const html = (
    <EmailLayout title={subject}>
      <p>
        {invoice.vendor.name}’s invoice {invoice.invoiceNumber} of {invoice.issueDate} was {invoice.decision?.automatic ? 'approved by the policy' : 'approved'} and posted to the projects’ actuals:
      </p>
      <ul>
        {lines.map((line) => (
          <li>{line}</li>
        ))}
      </ul>
      <p>Due on {invoice.dueDate}.</p>
      <p>
        <ExternalLink href={input.invoiceUrl}>Open the invoice</ExternalLink>
      </p>
    </EmailLayout>
  );
  return message(subject, html, [
    `${invoice.vendor.name}'s invoice ${invoice.invoiceNumber} of ${invoice.issueDate} was ${invoice.decision?.automatic ? 'approved by the policy' : 'approved'} and posted to the projects' actuals:`,
    '',
    ...lines.map((line) => `- ${line}`),
    '',
    `Due on ${invoice.dueDate}.`,
    '',
    `Open the invoice: ${input.invoiceUrl}`,
  ]);
}

/** A project's actuals crossed an alert threshold of its budget. */
export function budgetAlertEmail(input: {
  readonly project: Pick<Project, 'title' | 'budget'>;
  readonly percent: number;
  readonly ledger: { readonly actualsMinor: number; readonly committedMinor: number };
  readonly recipientName: string;
  readonly projectUrl: string;
}): EmailMessage {
  const { project, ledger } = input;
  const currency = project.budget.currency;
  const subject = oneLine(`Budget alert: “${project.title}” has spent ${input.percent} % of its budget`);
  const facts = [
    `Budget: ${money(project.budget.amountMinor, currency)}`,
    `Actuals: ${money(ledger.actualsMinor, currency)}`,
    `Committed (invoices on their way): ${money(ledger.committedMinor, currency)}`,
    `Remaining: ${money(project.budget.amountMinor - ledger.actualsMinor - ledger.committedMinor, currency)}`,
  ];
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.recipientName},</p>
      <p>
        The posted actuals of “{project.title}” reached {input.percent} % of its budget.
      </p>
      <ul>
        {facts.map((fact) => (
          <li>{fact}</li>
        ))}
      </ul>
      <p>
        <ExternalLink href={input.projectUrl}>Open the project</ExternalLink>
      </p>
    </EmailLayout>
  );
  return message(subject, html, [`Hello ${input.recipientName},`, '', `The posted actuals of "${project.title}" reached ${input.percent} % of its budget.`, '', ...facts, '', `Open the project: ${input.projectUrl}`]);
}

/** An invoice that was rejected (to whoever entered it, and to the vendor's contact), with the reason. */
export function invoiceRejectedEmail(input: { readonly invoice: Invoice; readonly reason: string; readonly recipientName: string; readonly toVendor: boolean; readonly invoiceUrl?: string }): EmailMessage {
  const { invoice } = input;
  const subject = oneLine(`Invoice ${invoice.invoiceNumber} of ${invoice.issueDate} was not approved`);
  const intro = input.toVendor
    ? `Your invoice ${invoice.invoiceNumber} of ${invoice.issueDate} over ${money(invoice.totalMinor, invoice.currency)} was not approved, and will not be paid as it stands.`
    : `${invoice.vendor.name}’s invoice ${invoice.invoiceNumber} of ${invoice.issueDate} over ${money(invoice.totalMinor, invoice.currency)} was not approved. Its amounts were released from the projects’ commitments.`;
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {input.recipientName},</p>
      <p>{intro}</p>
      <p>The reason: “{input.reason}”</p>
      {input.invoiceUrl ? (
        <p>
          <ExternalLink href={input.invoiceUrl}>Open the invoice</ExternalLink>
        </p>
      ) : (
        <p>Please reply to this email if you would like to discuss it or send a corrected invoice.</p>
      )}
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${input.recipientName},`,
    '',
    intro,
    '',
    `The reason: "${input.reason}"`,
    '',
    input.invoiceUrl ? `Open the invoice: ${input.invoiceUrl}` : 'Please reply to this email if you would like to discuss it or send a corrected invoice.',
  ]);
}
