import { stoppedReason, SYSTEM_ACTOR } from '#domain/audit.ts';
import { amountsByProject, INVOICE_STATUS_LABELS, minorToText, type Invoice, type InvoiceStatus } from '#domain/invoice.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import type { ReviewOutcome } from '#domain/subject.ts';
import { invoiceRejectedEmail } from '#emails/invoice-emails.tsx';
import { auditRepository } from '#adapters/audit-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { invoiceRepository } from '#adapters/invoice-repository.ts';
import { projectFinanceRepository } from '#adapters/project-finance-repository.ts';
import { invoiceEvent, invoicePolicy, invoiceSubject, mayReadInvoice, reviewConditions, routedAmount } from './invoice-service.ts';
import { pageUrl } from './links.ts';
import { getProject } from './project-service.ts';
import type { ReviewSubject, SubjectRegistration } from './review/subject-registry.ts';

function money(minor: number, currency: string): string {
  return `${minorToText(minor, currency)} ${currency}`;
}

/** An invoice as the review engine shows it: vendor, number, total, flags, and its lines by project. */
async function asSubject(invoice: Invoice): Promise<ReviewSubject> {
  const titles = new Map<string, string>();
  for (const projectId of new Set(invoice.lines.map((line) => line.projectId))) titles.set(projectId, (await getProject(projectId))?.title ?? projectId);
  const rows = invoice.lines.map((line) => [line.description, titles.get(line.projectId) ?? line.projectId, line.quantity, minorToText(line.unitPriceMinor, invoice.currency), `${line.taxRate} %`, minorToText(line.netMinor, invoice.currency)]);
  const flags = invoice.flags.map((flag) => flag.message);
  return {
    view: {
      subject: invoiceSubject(invoice.id),
      noun: 'invoice',
      title: `${invoice.vendor.name}: invoice ${invoice.invoiceNumber}`,
      submitter: invoice.receivedBy,
      facts: [
        { label: 'Vendor', value: invoice.vendor.name },
        { label: 'Invoice number', value: invoice.invoiceNumber },
        { label: 'Total', value: money(invoice.totalMinor, invoice.currency) },
        { label: 'Issued / due', value: `${invoice.issueDate} / ${invoice.dueDate}` },
        { label: 'Projects', value: [...amountsByProject(invoice)].map(([projectId, amount]) => `${titles.get(projectId)} (${money(amount, invoice.currency)})`).join(', ') },
        { label: 'Status', value: INVOICE_STATUS_LABELS[invoice.status] },
      ],
      headline: money(invoice.totalMinor, invoice.currency),
      ...(invoice.note ? { description: invoice.note } : {}),
      table: {
        caption: 'Lines',
        columns: [{ label: 'Description' }, { label: 'Project' }, { label: 'Quantity', numeric: true }, { label: 'Unit price', numeric: true }, { label: 'Tax', numeric: true }, { label: 'Net', numeric: true }],
        rows,
        footer: ['Total with tax', '', '', '', money(invoice.taxMinor, invoice.currency), money(invoice.totalMinor, invoice.currency)],
        text: [...rows.map((row) => `${row[0]} (${row[1]}): ${row[2]} × ${row[3]} = ${row[5]}, tax ${row[4]}`), `Tax: ${money(invoice.taxMinor, invoice.currency)}; total: ${money(invoice.totalMinor, invoice.currency)}`],
      },
      pagePath: `/invoices/${invoice.id}`,
    },
    amount: { amount: routedAmount(invoice), currency: invoicePolicy.baseCurrency },
    conditions: reviewConditions(invoice),
    ...(flags.length > 0 ? { attention: `Look at this first: ${flags.join('; ')}` } : {}),
    state: ['NEEDS_REVIEW', 'PENDING_APPROVAL', 'VALIDATED'].includes(invoice.status) ? 'open' : 'closed',
    ...(invoice.executionName ? { currentExecution: invoice.executionName } : {}),
  };
}

async function requireInvoice(id: string): Promise<Invoice> {
  const invoice = await invoiceRepository.get(id);
  if (!invoice) throw new Error(`Invoice ${id} disappeared`);
  return invoice;
}

/** Releases what an invoice committed to its projects (a rejection, a failure): once per project. */
async function releaseCommitments(invoice: Invoice): Promise<void> {
  for (const [projectId, amountMinor] of amountsByProject(invoice)) await projectFinanceRepository.release(projectId, invoice.id, amountMinor);
}

/**
 * Ends an invoice's review: approved (the workflow posts it next), rejected (commitments released,
 * whoever entered it and the vendor's contact told the reason), or, when nobody decided or the
 * review failed, FAILED with its commitments released and the person who entered it told. Safe to
 * repeat.
 */
async function recordInvoiceOutcome(id: string, outcome: ReviewOutcome, now: Date): Promise<{ status: string }> {
  const invoice = await requireInvoice(id);
  const open: InvoiceStatus[] = ['VALIDATED', 'NEEDS_REVIEW', 'PENDING_APPROVAL'];
  let to: InvoiceStatus;
  let fields: Partial<Invoice> = {};
  let reason: string | undefined;
  switch (outcome.decision) {
    case 'approve':
      to = 'APPROVED';
      fields = { decision: { by: outcome.onBehalfOf ?? outcome.approver, at: outcome.decidedAt, ...(outcome.comment ? { comment: outcome.comment } : {}) } };
      break;
    case 'reject':
      to = 'REJECTED';
      reason = outcome.comment ?? `Rejected by ${outcome.approver.name}`;
      fields = { decision: { by: outcome.onBehalfOf ?? outcome.approver, at: outcome.decidedAt, ...(outcome.comment ? { comment: outcome.comment } : {}) }, rejectedReason: reason };
      break;
    case 'expired':
      to = 'FAILED';
      reason = 'Nobody decided in time';
      fields = { rejectedReason: reason };
      break;
    default:
      to = 'FAILED';
      reason = outcome.decision === 'failed' ? (outcome.reason ?? `Processing failed (${outcome.error ?? 'unknown error'})`) : 'The review was withdrawn';
      fields = { rejectedReason: reason };
  }
  const moved = open.includes(invoice.status) ? await invoiceRepository.transition(invoice, open, to, fields, now) : undefined;
  const stored = moved ?? (await requireInvoice(id));
  const actor = outcome.decision === 'approve' || outcome.decision === 'reject' ? outcome.approver.email : SYSTEM_ACTOR;
  await auditRepository.append(invoiceEvent(stored, `status-${stored.status.toLowerCase()}`, stored.updatedAt, actor, `${INVOICE_STATUS_LABELS[stored.status]}${stored.rejectedReason ? `: ${stored.rejectedReason}` : ''}`));
  if (stored.status === 'REJECTED' || stored.status === 'FAILED') {
    await releaseCommitments(stored);
    const why = stored.rejectedReason ?? reason ?? 'No reason was given';
    await sendEmailOnce(`invoice-outcome#${stored.id}#submitter`, stored.receivedBy, invoiceRejectedEmail({ invoice: stored, reason: why, recipientName: stored.receivedBy.name, toVendor: false, invoiceUrl: pageUrl(`/invoices/${stored.id}`) }), now);
    if (stored.status === 'REJECTED') {
      const vendor: PersonRef = { name: stored.vendor.name, email: stored.vendor.email };
      await sendEmailOnce(`invoice-outcome#${stored.id}#vendor`, vendor, invoiceRejectedEmail({ invoice: stored, reason: why, recipientName: stored.vendor.name, toVendor: true }), now);
    }
  }
  return { status: stored.status };
}

/** The invoice process's registration with the review engine. */
export const invoiceRegistration: SubjectRegistration = {
  type: 'invoice',
  collection: 'invoices',
  noun: 'invoice',
  policy: invoicePolicy,

  async load(id) {
    const invoice = await invoiceRepository.get(id);
    return invoice ? asSubject(invoice) : undefined;
  },

  async relatedPeople(id, relation) {
    if (relation !== 'project-manager') throw new Error(`An invoice relates no "${relation}"`);
    const invoice = await requireInvoice(id);
    const projects = await Promise.all([...new Set(invoice.lines.map((line) => line.projectId))].map((projectId) => getProject(projectId)));
    return projects.flatMap((project) => (project ? [project.manager] : []));
  },

  async mayRead(viewer, id) {
    const invoice = await invoiceRepository.get(id);
    return invoice !== undefined && (await mayReadInvoice(viewer, invoice));
  },

  async onProgress(subject) {
    const invoice = await requireInvoice(subject.view.subject.id);
    return invoice.status === 'NEEDS_REVIEW' || invoice.status === 'PENDING_APPROVAL' ? 'ok' : 'closed';
  },

  onOutcome: (subject, outcome, _executionName, now) => recordInvoiceOutcome(subject.view.subject.id, outcome, now),

  async onStopped(subject, stop, now) {
    const invoice = await requireInvoice(subject.view.subject.id);
    if (!['VALIDATED', 'NEEDS_REVIEW', 'PENDING_APPROVAL'].includes(invoice.status)) return;
    await recordInvoiceOutcome(invoice.id, { decision: 'failed', error: `Execution${stop.status}`, reason: stoppedReason(stop.status, stop.cause) }, now);
  },
};
