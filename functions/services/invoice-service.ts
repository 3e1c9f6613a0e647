import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { holdsAny, mayRead, type Viewer } from '#domain/access.ts';
import { approvalPolicySchema, inBaseCurrency, levelsFor } from '#domain/approval-policy.ts';
import { chronological, SYSTEM_ACTOR, type AuditEvent } from '#domain/audit.ts';
import {
  amountsByProject,
  budgetMatch,
  checkInvoice,
  INVOICE_STATUS_LABELS,
  minorToText,
  poMatch,
  suspectedDuplicates,
  vendorKey,
  type CheckedInvoice,
  type Invoice,
  type InvoiceFlag,
  type InvoiceInputSchema,
  type InvoiceProblem,
  type InvoiceStatus,
} from '#domain/invoice.ts';
import { minorUnitDigits, toMinorUnits } from '#domain/money.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import type { Project } from '#domain/project.ts';
import type { SubjectRef } from '#domain/subject.ts';
import { budgetAlertEmail, postingSummaryEmail } from '#emails/invoice-emails.tsx';
import { loadApprovalPolicy } from '#adapters/approval-policy-source.ts';
import { attachmentStore } from '#adapters/attachment-store.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { invoiceRepository, type InvoicePage } from '#adapters/invoice-repository.ts';
import { projectFinanceRepository, type ProjectFinance, type PurchaseOrder } from '#adapters/project-finance-repository.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { workflowClient } from '#adapters/workflow-client.ts';
import bundledPolicy from '../config/approval-policies/invoice.json' with { type: 'json' };
import { pageUrl } from './links.ts';
import { getProject, listProjectsManagedBy } from './project-service.ts';

/** The invoice process's policy: the engine's levels, plus its own thresholds and gates. */
export const InvoicePolicySchema = approvalPolicySchema({
  /** Below this total (in the base currency), within budget and not flagged: approved without a review. */
  autoApproveBelow: z.number().min(0),
  /** Per project, what an invoice beyond the remaining budget does; `default` for the others. */
  budgetGate: z.object({ default: z.enum(['warn', 'stop']), projects: z.record(z.string(), z.enum(['warn', 'stop'])) }).strict(),
  poTolerancePercent: z.number().min(0).max(100),
  duplicateWindowDays: z.number().int().min(0).max(366),
  /** The burn thresholds (percent of budget) at which the project manager and the PMO are told, once each. */
  budgetAlertPercents: z.array(z.number().positive().max(1000)).max(5),
});
export type InvoicePolicy = z.infer<typeof InvoicePolicySchema>;

/** The invoice policy (functions/config/approval-policies/invoice.json, or the file `INVOICE_POLICY_PATH` names), validated at load. */
export const invoicePolicy: InvoicePolicy = loadApprovalPolicy(bundledPolicy, InvoicePolicySchema, 'INVOICE_POLICY_PATH');

/** The review engine's reference to an invoice. */
export function invoiceSubject(id: string): SubjectRef {
  return { type: 'invoice', id };
}

/** The execution that takes an invoice from arrival to posting: one per invoice. */
export function invoiceExecutionName(id: string): string {
  return `invoice-${id}`;
}

/** An invoice's audit event: every status it reaches, once. */
export function invoiceEvent(invoice: Pick<Invoice, 'id'>, type: string, at: string, actor: string, summary: string, details?: Record<string, unknown>): AuditEvent {
  return { subject: invoiceSubject(invoice.id), eventId: type, type, at, actor, summary, ...(details ? { details } : {}) };
}

function statusEvent(invoice: Invoice, actor: string, summary?: string): AuditEvent {
  return invoiceEvent(invoice, `status-${invoice.status.toLowerCase()}`, invoice.updatedAt, actor, summary ?? INVOICE_STATUS_LABELS[invoice.status]);
}

// ---- Arrival -------------------------------------------------------------------------------------------

/** What an arriving invoice came to. */
export type InvoiceArrival =
  | { readonly kind: 'invalid'; readonly problems: readonly InvoiceProblem[] }
  | { readonly kind: 'created'; readonly invoice: Invoice }
  | { readonly kind: 'duplicate'; readonly invoice: Invoice; readonly duplicateOf: string };

/** Why each line's project cannot take the invoice: unknown or not ACTIVE, or budgeted in another currency. */
async function projectProblems(invoice: CheckedInvoice): Promise<InvoiceProblem[]> {
  const problems: InvoiceProblem[] = [];
  const projects = new Map<string, Project | undefined>();
  for (const [index, line] of invoice.lines.entries()) {
    if (!projects.has(line.projectId)) projects.set(line.projectId, await getProject(line.projectId));
    const project = projects.get(line.projectId);
    if (project?.status !== 'ACTIVE') {
      problems.push({ path: `lines.${index}.projectId`, message: project ? `“${project.title}” is not active: invoices go to active projects` : 'No active project has this id' });
    } else if (project.budget.currency !== invoice.currency) {
      problems.push({ path: 'currency', message: `“${project.title}” is budgeted in ${project.budget.currency}; send its invoices in ${project.budget.currency}` });
    }
  }
  for (const [index, line] of invoice.lines.entries()) {
    if (line.poNumber && !(await projectFinanceRepository.getPurchaseOrder(line.poNumber))) problems.push({ path: `lines.${index}.poNumber`, message: `There is no purchase order ${line.poNumber}` });
  }
  return problems.filter((problem, index) => problems.findIndex((other) => other.path === problem.path) === index);
}

/**
 * Takes an invoice in: its arithmetic and dates checked, each line's project active and budgeted
 * in the invoice's currency, each PO known. Stored as VALIDATED (or refused as DUPLICATE of the
 * vendor's invoice with the same number), and its workflow started under the invoice's own name.
 * `id` lets a retried request (the same Idempotency-Key) store the same invoice.
 */
export async function receiveInvoice(viewer: Viewer & { kind: 'person' }, input: z.output<typeof InvoiceInputSchema>, now: Date, id: string = randomUUID()): Promise<InvoiceArrival> {
  const checked = checkInvoice(input);
  if (!checked.ok) return { kind: 'invalid', problems: checked.problems };
  const problems = await projectProblems(checked.invoice);
  if (problems.length > 0) return { kind: 'invalid', problems };
  const at = now.toISOString();
  const receivedBy: PersonRef = { name: viewer.person.name, email: viewer.email };
  const invoice: Invoice = { ...checked.invoice, id, status: 'VALIDATED', receivedAt: at, receivedBy, updatedAt: at, version: 1, flags: [], executionName: invoiceExecutionName(id) };
  const receipt = await invoiceRepository.receive(invoice, now);
  await auditRepository.append(invoiceEvent(receipt.invoice, 'received', at, viewer.email, `Received from ${invoice.vendor.name}: ${invoice.invoiceNumber}, ${minorToText(invoice.totalMinor, invoice.currency)} ${invoice.currency}`));
  if (receipt.kind === 'duplicate') {
    await auditRepository.append(invoiceEvent(receipt.invoice, 'status-duplicate', at, SYSTEM_ACTOR, `Refused: ${invoice.vendor.name} sent invoice ${invoice.invoiceNumber} before`, { duplicateOf: receipt.existingId }));
    return { kind: 'duplicate', invoice: receipt.invoice, duplicateOf: receipt.existingId };
  }
  await auditRepository.append(invoiceEvent(receipt.invoice, 'status-validated', at, SYSTEM_ACTOR, 'Validated: arithmetic, dates, projects and purchase orders'));
  await workflowClient.start('invoice', invoiceExecutionName(receipt.invoice.id), { invoiceId: receipt.invoice.id });
  return { kind: 'created', invoice: receipt.invoice };
}

// ---- The workflow's steps ----------------------------------------------------------------------------

async function requireInvoice(id: string): Promise<Invoice> {
  const invoice = await invoiceRepository.get(id);
  if (!invoice) throw new Error(`Invoice ${id} disappeared`);
  return invoice;
}

/** The conditions an invoice's flags give its review (the policy's conditional levels). */
export function reviewConditions(invoice: Pick<Invoice, 'flags' | 'totalMinor' | 'currency'>): string[] {
  const conditions = new Set<string>();
  for (const flag of invoice.flags) {
    if (flag.code === 'suspected-duplicate') conditions.add('suspected-duplicate');
    if (flag.code === 'over-budget') conditions.add('over-budget-stop');
  }
  if (invoice.flags.length > 0 || routedAmount(invoice) >= invoicePolicy.autoApproveBelow) conditions.add('needs-approval');
  return [...conditions];
}

/** The total in the policy's base currency, as its thresholds compare it. */
export function routedAmount(invoice: Pick<Invoice, 'totalMinor' | 'currency'>): number {
  return inBaseCurrency({ amount: invoice.totalMinor / 10 ** minorUnitDigits(invoice.currency), currency: invoice.currency }, invoicePolicy);
}

/**
 * "Check invoice": looks for suspected duplicates (the vendor's invoices of the window, and the same
 * number from anyone, by index), matches each project's remaining budget and each PO, commits the
 * amounts, and decides: a review (NEEDS_REVIEW when flagged, else PENDING_APPROVAL) or, for a
 * clean invoice under the threshold, approval by the policy. Safe to repeat.
 */
export async function checkInvoiceStep(id: string, executionName: string, now: Date): Promise<{ review: boolean; status: InvoiceStatus }> {
  let invoice = await requireInvoice(id);
  if (invoice.executionName !== executionName) throw new Error(`Execution ${executionName} does not process invoice ${id}`);
  if (invoice.status !== 'VALIDATED') return { review: ['NEEDS_REVIEW', 'PENDING_APPROVAL'].includes(invoice.status), status: invoice.status };
  const window = invoicePolicy.duplicateWindowDays;
  const from = new Date(Date.parse(`${invoice.issueDate}T00:00:00Z`) - window * 86_400_000).toISOString().slice(0, 10);
  const until = new Date(Date.parse(`${invoice.issueDate}T00:00:00Z`) + window * 86_400_000).toISOString().slice(0, 10);
  const [sameVendor, sameNumber] = await Promise.all([invoiceRepository.listByVendor(invoice.vendor.key, from, until), invoiceRepository.listByNumber(invoice.normalisedNumber)]);
  const flags: InvoiceFlag[] = suspectedDuplicates(invoice, [...sameVendor, ...sameNumber], window).map((found) => ({ code: 'suspected-duplicate', message: found.reason, relatedInvoiceId: found.invoiceId }));
  const amounts = amountsByProject(invoice);
  for (const [projectId, amountMinor] of amounts) {
    const project = await getProject(projectId);
    if (!project) continue;
    const ledger = await projectFinanceRepository.get(projectId);
    const gate = invoicePolicy.budgetGate.projects[projectId] ?? invoicePolicy.budgetGate.default;
    const match = budgetMatch({ budgetMinor: project.budget.amountMinor, actualsMinor: ledger.actualsMinor, committedMinor: ledger.committedMinor }, amountMinor, gate, { projectId, title: project.title, currency: invoice.currency });
    if (match.flag) flags.push(match.flag);
  }
  for (const [poNumber, amountMinor] of poAmounts(invoice)) {
    const po = await projectFinanceRepository.getPurchaseOrder(poNumber);
    const line = invoice.lines.find((candidate) => candidate.poNumber === poNumber)!;
    const match = po ? poMatch(po, amountMinor, invoice.currency, line.projectId, invoicePolicy.poTolerancePercent) : { ok: false as const, message: `There is no purchase order ${poNumber}` };
    if (!match.ok) flags.push({ code: 'po-mismatch', message: match.message, projectId: line.projectId });
  }
  // Committed before the decision, so a second invoice checked meanwhile sees this one's amount.
  for (const [projectId, amountMinor] of amounts) await projectFinanceRepository.commit(projectId, invoice.id, amountMinor);
  const flagged = { ...invoice, flags };
  const review = levelsFor({ amount: routedAmount(flagged), currency: invoicePolicy.baseCurrency }, invoicePolicy, reviewConditions(flagged)).length > 0;
  const to: InvoiceStatus = !review ? 'APPROVED' : flags.some((flag) => flag.code === 'suspected-duplicate' || flag.code === 'over-budget') ? 'NEEDS_REVIEW' : 'PENDING_APPROVAL';
  const moved = await invoiceRepository.transition(invoice, ['VALIDATED'], to, { flags, ...(to === 'APPROVED' ? { decision: { at: now.toISOString(), automatic: true } } : {}) }, now);
  invoice = moved ?? (await requireInvoice(id));
  if (moved) {
    for (const flag of flags) await auditRepository.append(invoiceEvent(invoice, `flag-${flag.code}-${flag.projectId ?? flag.relatedInvoiceId ?? ''}`, now.toISOString(), SYSTEM_ACTOR, `Flagged: ${flag.message}`));
    await auditRepository.append(statusEvent(invoice, SYSTEM_ACTOR, to === 'APPROVED' ? `Approved by the policy: under ${invoicePolicy.autoApproveBelow} ${invoicePolicy.baseCurrency}, within budget, nothing flagged` : undefined));
  }
  return { review: invoice.status === 'NEEDS_REVIEW' || invoice.status === 'PENDING_APPROVAL', status: invoice.status };
}

/** The amount of each PO an invoice's lines use (their nets). */
function poAmounts(invoice: Pick<Invoice, 'lines'>): Map<string, number> {
  const amounts = new Map<string, number>();
  for (const line of invoice.lines) if (line.poNumber) amounts.set(line.poNumber, (amounts.get(line.poNumber) ?? 0) + line.netMinor);
  return amounts;
}

/**
 * "Post invoice": adds an approved invoice to each project's actuals, once per project, uses up its
 * POs, marks it POSTED, sends finance one posting summary, and tells the project manager and the
 * PMO when a project's actuals crossed an alert threshold (each threshold once per project). Safe to
 * repeat: a retried or replayed step adds nothing twice.
 */
export async function postInvoiceStep(id: string, executionName: string, now: Date): Promise<{ status: InvoiceStatus }> {
  const invoice = await requireInvoice(id);
  if (invoice.executionName !== executionName) throw new Error(`Execution ${executionName} does not process invoice ${id}`);
  if (invoice.status !== 'APPROVED' && invoice.status !== 'POSTED') return { status: invoice.status };
  const postings: { project: Project; amountMinor: number; after: ProjectFinance }[] = [];
  for (const [projectId, amountMinor] of amountsByProject(invoice)) {
    const { after } = await projectFinanceRepository.post(projectId, invoice.id, amountMinor);
    const project = await getProject(projectId);
    if (project) postings.push({ project, amountMinor, after });
  }
  for (const [poNumber, amountMinor] of poAmounts(invoice)) await projectFinanceRepository.addInvoicedToPo(poNumber, invoice.id, amountMinor);
  const posted = invoice.status === 'POSTED' ? invoice : ((await invoiceRepository.transition(invoice, ['APPROVED'], 'POSTED', { postedAt: now.toISOString() }, now)) ?? (await requireInvoice(id)));
  await auditRepository.append(statusEvent(posted, SYSTEM_ACTOR, `Posted to project actuals: ${postings.map((posting) => `${posting.project.title} ${minorToText(posting.amountMinor, invoice.currency)}`).join(', ')}`));
  for (const person of await directoryRepository.peopleInRole('finance')) {
    await sendEmailOnce(`invoice-posted#${invoice.id}#${person.email}`, person, postingSummaryEmail({ invoice: posted, postings, invoiceUrl: pageUrl(`/invoices/${invoice.id}`) }), now);
  }
  for (const posting of postings) await sendBudgetAlerts(posting.project, posting.after, now);
  return { status: posted.status };
}

/** Tells the project manager and the PMO lead, once per threshold, that actuals crossed it. */
async function sendBudgetAlerts(project: Project, ledger: ProjectFinance, now: Date): Promise<void> {
  if (project.budget.amountMinor <= 0) return;
  const burn = (ledger.actualsMinor / project.budget.amountMinor) * 100;
  for (const percent of invoicePolicy.budgetAlertPercents) {
    if (burn < percent || ledger.alertsSent.includes(percent)) continue;
    if (!(await projectFinanceRepository.markAlertSent(project.id, percent))) continue;
    const recipients = new Map<string, PersonRef>([[project.manager.email, project.manager]]);
    for (const lead of await directoryRepository.peopleInRole('pmo-lead')) recipients.set(lead.email, { name: lead.name, email: lead.email });
    for (const recipient of recipients.values()) {
      await sendEmailOnce(`budget-alert#${project.id}#${percent}#${recipient.email}`, recipient, budgetAlertEmail({ project, percent, ledger, recipientName: recipient.name, projectUrl: pageUrl(`/projects/${project.id}`) }), now);
    }
    await auditRepository.append({
      subject: { type: 'project', id: project.id },
      eventId: `budget-alert-${percent}`,
      type: 'budget-alert',
      at: now.toISOString(),
      actor: SYSTEM_ACTOR,
      summary: `Actuals reached ${percent} % of the budget (${minorToText(ledger.actualsMinor, project.budget.currency)} of ${minorToText(project.budget.amountMinor, project.budget.currency)} ${project.budget.currency})`,
    });
  }
}

// ---- Reading ----------------------------------------------------------------------------------------

/** Whether a viewer may read an invoice: finance and the PMO, whoever entered it, the managers of its projects. */
export async function mayReadInvoice(viewer: Viewer, invoice: Invoice): Promise<boolean> {
  if (viewer.kind === 'open' || holdsAny(viewer, ['finance', 'pmo'])) return true;
  const projects = await Promise.all([...new Set(invoice.lines.map((line) => line.projectId))].map((projectId) => getProject(projectId)));
  return mayRead(viewer, { submitterEmail: invoice.receivedBy.email, managerEmails: projects.flatMap((project) => (project ? [project.manager.email] : [])), financial: true });
}

/** An invoice, if the viewer may read it. */
export async function readInvoice(viewer: Viewer, id: string): Promise<Invoice | undefined> {
  const invoice = await invoiceRepository.get(id);
  return invoice && (await mayReadInvoice(viewer, invoice)) ? invoice : undefined;
}

/** What a listing of invoices asks for. */
export interface InvoiceQuery {
  readonly status?: InvoiceStatus | undefined;
  readonly projectId?: string | undefined;
  /** A vendor: its key (`id:…`, `tax:…`, `name:…`) or its name. */
  readonly vendor?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** What listing invoices came to. */
export type InvoiceListing = { readonly kind: 'not-found' } | { readonly kind: 'invalid'; readonly path: string; readonly message: string } | { readonly kind: 'ok'; readonly page: InvoicePage };

/** How many of a manager's projects' newest invoices a listing without a project reads. */
const MANAGED_LISTING_LIMIT = 100;

/**
 * Invoices by status (finance and the PMO; `PENDING_APPROVAL` when none is asked) or by project
 * (also that project's manager), newest first, a page at a time. Anyone else gets the newest
 * invoices of the projects they manage, in one page.
 */
export async function listInvoices(viewer: Viewer, query: InvoiceQuery): Promise<InvoiceListing> {
  const all = viewer.kind === 'open' || holdsAny(viewer, ['finance', 'pmo']);
  const withStatus = (page: InvoicePage): InvoicePage => (query.status ? { ...page, items: page.items.filter((invoice) => invoice.status === query.status) } : page);
  try {
    if (query.projectId) {
      const project = await getProject(query.projectId);
      if (!project || !(all || (viewer.kind === 'person' && project.manager.email === viewer.email))) return { kind: 'not-found' };
      return { kind: 'ok', page: withStatus(await invoiceRepository.listByProject(query.projectId, { limit: query.limit, cursor: query.cursor })) };
    }
    if (query.vendor) {
      if (!all) return { kind: 'not-found' };
      const key = /^(id|tax|name):/.test(query.vendor) ? query.vendor : vendorKey({ name: query.vendor });
      const invoices = (await invoiceRepository.listByVendor(key, '0000-01-01', '9999-12-31')).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
      return { kind: 'ok', page: { items: withStatus({ items: invoices }).items.slice(0, query.limit) } };
    }
    if (all) return { kind: 'ok', page: await invoiceRepository.listByStatus(query.status ?? 'PENDING_APPROVAL', { limit: query.limit, cursor: query.cursor }) };
    const managed = viewer.kind === 'person' ? await listProjectsManagedBy(viewer.email) : [];
    const pages = await Promise.all(managed.map((project) => invoiceRepository.listByProject(project.id, { limit: MANAGED_LISTING_LIMIT })));
    const unique = new Map(pages.flatMap((page) => page.items).map((invoice) => [invoice.id, invoice]));
    const newest = [...unique.values()].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
    return { kind: 'ok', page: withStatus({ items: newest.slice(0, query.limit) }) };
  } catch (error) {
    if (error instanceof InvalidCursorError) return { kind: 'invalid', path: 'cursor', message: 'The cursor is not valid for this listing' };
    throw error;
  }
}

/** A project's money: budget, posted actuals, committed, what remains and the burn. */
export async function projectFinanceOf(project: Project): Promise<{ currency: string; budgetMinor: number; actualsMinor: number; committedMinor: number; remainingMinor: number; burnPercent: number | null }> {
  const ledger = await projectFinanceRepository.get(project.id);
  const budgetMinor = project.budget.amountMinor;
  return {
    currency: project.budget.currency,
    budgetMinor,
    actualsMinor: ledger.actualsMinor,
    committedMinor: ledger.committedMinor,
    remainingMinor: budgetMinor - ledger.actualsMinor - ledger.committedMinor,
    burnPercent: budgetMinor > 0 ? Math.round((ledger.actualsMinor / budgetMinor) * 1000) / 10 : null,
  };
}

// ---- Purchase orders ----------------------------------------------------------------------------------

/** Creates or replaces a purchase order (what it has invoiced so far is kept). */
export async function savePurchaseOrder(
  poNumber: string,
  input: { readonly projectId: string; readonly vendorName?: string | undefined; readonly currency: string; readonly amount: number | string },
  now: Date,
): Promise<{ kind: 'invalid'; problems: InvoiceProblem[] } | { kind: 'saved'; po: PurchaseOrder; created: boolean }> {
  const project = await getProject(input.projectId);
  if (!project) return { kind: 'invalid', problems: [{ path: 'projectId', message: 'No project has this id' }] };
  if (project.budget.currency !== input.currency) return { kind: 'invalid', problems: [{ path: 'currency', message: `“${project.title}” is budgeted in ${project.budget.currency}` }] };
  let amountMinor: number;
  try {
    amountMinor = toMinorUnits(input.amount, input.currency);
  } catch {
    return { kind: 'invalid', problems: [{ path: 'amount', message: 'Enter the amount as a number, such as 25000' }] };
  }
  const existing = await projectFinanceRepository.getPurchaseOrder(poNumber);
  const po: PurchaseOrder = {
    poNumber,
    projectId: project.id,
    ...(input.vendorName ? { vendorName: input.vendorName } : {}),
    currency: input.currency,
    amountMinor,
    invoicedMinor: existing?.invoicedMinor ?? 0,
    updatedAt: now.toISOString(),
  };
  await projectFinanceRepository.putPurchaseOrder(po);
  return { kind: 'saved', po, created: existing === undefined };
}

/** A purchase order, if there is one with this number. */
export function getPurchaseOrder(poNumber: string): Promise<PurchaseOrder | undefined> {
  return projectFinanceRepository.getPurchaseOrder(poNumber);
}

/** An invoice's trail (its statuses and its review's events), oldest first. */
export async function invoiceHistory(id: string): Promise<AuditEvent[]> {
  return chronological(await auditRepository.listForSubject(invoiceSubject(id)));
}

/** The titles of an invoice's projects, by id. */
export async function invoiceProjectTitles(invoice: Pick<Invoice, 'lines'>): Promise<Map<string, string>> {
  const ids = [...new Set(invoice.lines.map((line) => line.projectId))];
  const projects = await Promise.all(ids.map((projectId) => getProject(projectId)));
  return new Map(projects.flatMap((project) => (project ? [[project.id, project.title] as const] : [])));
}

// ---- The PDF attachment ------------------------------------------------------------------------------

/** The largest PDF an invoice may carry. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
const PDF = 'application/pdf';
const PDF_MAGIC = '%PDF-';

/** Where an invoice's uploads go: under its own id, one object per upload. */
function attachmentKeyPattern(invoiceId: string): RegExp {
  return new RegExp(`^invoices/${invoiceId}/[0-9a-f-]{36}\\.pdf$`);
}

/**
 * A signed upload of an invoice's PDF (at most 10 MB): the client posts the file to `url` with
 * `fields`, then confirms it with {@link attachInvoicePdf} and the `key`. Undefined when the viewer
 * may not read the invoice; a refused duplicate takes no file.
 */
export async function invoicePdfUpload(viewer: Viewer, id: string, redirectTo?: string): Promise<{ kind: 'not-found' } | { kind: 'duplicate' } | { kind: 'ok'; key: string; url: string; fields: Readonly<Record<string, string>>; maxBytes: number; expiresInSeconds: number }> {
  const invoice = await readInvoice(viewer, id);
  if (!invoice) return { kind: 'not-found' };
  if (invoice.status === 'DUPLICATE') return { kind: 'duplicate' };
  const key = `invoices/${invoice.id}/${randomUUID()}.pdf`;
  const upload = await attachmentStore.presignUpload(key, PDF, MAX_ATTACHMENT_BYTES, redirectTo);
  return { kind: 'ok', key, url: upload.url, fields: upload.fields, maxBytes: MAX_ATTACHMENT_BYTES, expiresInSeconds: upload.expiresInSeconds };
}

/**
 * Attaches an uploaded PDF to its invoice, once it is checked here whatever the store enforced: it
 * is under the invoice's own key, at most 10 MB, a PDF by type and by its first bytes. A refused
 * file is deleted. The file name is kept for downloads only.
 */
export async function attachInvoicePdf(
  viewer: Viewer,
  id: string,
  input: { readonly key: string; readonly fileName: string },
  now: Date,
): Promise<{ kind: 'not-found' } | { kind: 'invalid'; problems: InvoiceProblem[] } | { kind: 'attached'; invoice: Invoice }> {
  const invoice = await readInvoice(viewer, id);
  if (!invoice) return { kind: 'not-found' };
  if (!attachmentKeyPattern(invoice.id).test(input.key)) return { kind: 'invalid', problems: [{ path: 'key', message: 'Use the key the upload was signed for' }] };
  const stored = await attachmentStore.inspect(input.key, PDF_MAGIC.length);
  if (!stored) return { kind: 'invalid', problems: [{ path: 'key', message: 'Nothing was uploaded under this key (yet)' }] };
  const isPdf = stored.contentType === PDF && new TextDecoder().decode(stored.head) === PDF_MAGIC;
  if (stored.size > MAX_ATTACHMENT_BYTES || !isPdf) {
    await attachmentStore.remove(input.key);
    return { kind: 'invalid', problems: [{ path: 'key', message: stored.size > MAX_ATTACHMENT_BYTES ? 'The file is larger than 10 MB' : 'The file is not a PDF' }] };
  }
  const fileName = input.fileName.replace(/[^\w.\- ]+/g, '_').slice(0, 120) || `${invoice.invoiceNumber}.pdf`;
  const attachment = { key: input.key, fileName, contentType: PDF, size: stored.size };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const current = (await invoiceRepository.get(id))!;
    const updated = await invoiceRepository.transition(current, [current.status], current.status, { attachment }, now);
    if (updated) {
      await auditRepository.append(invoiceEvent(updated, `attached-${input.key.split('/').pop()}`, now.toISOString(), viewer.kind === 'person' ? viewer.email : SYSTEM_ACTOR, `PDF attached: ${fileName} (${Math.ceil(stored.size / 1024)} KB)`));
      return { kind: 'attached', invoice: updated };
    }
  }
  throw new Error(`Invoice ${id} kept changing while its PDF was attached; try again`);
}

/** A short-lived download link of an invoice's PDF, for whoever may read the invoice. */
export async function invoicePdfDownload(viewer: Viewer, id: string): Promise<string | undefined> {
  const invoice = await readInvoice(viewer, id);
  if (!invoice?.attachment) return undefined;
  return attachmentStore.presignDownload(invoice.attachment.key, invoice.attachment.fileName, invoice.attachment.contentType);
}
