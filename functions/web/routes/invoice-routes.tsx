import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { holdsAny } from '#domain/access.ts';
import { INVOICE_STATUSES, InvoiceInputSchema } from '#domain/invoice.ts';
import { parseMoneyInput } from '#domain/money-input.ts';
import { bookableProjects } from '#services/timesheet-service.ts';
import { attachInvoicePdf, invoiceHistory, invoicePdfDownload, invoicePdfUpload, invoiceProjectTitles, listInvoices, readInvoice, receiveInvoice } from '#services/invoice-service.ts';
import type { RouteOptions } from '../app.tsx';
import { FORM_LINE_ROWS, formFieldOf, InvoiceListPage, InvoiceNotFoundPage, InvoicePage, NewInvoicePage, type InvoiceFormValues } from '../pages/invoice-pages.tsx';
import { viewerOf } from '../viewer.ts';
import { acceptsAll, formText, validated } from './request-validation.ts';

const LINE_FIELDS = ['description', 'projectId', 'quantity', 'unitPrice', 'taxRate', 'poNumber'] as const;
const HEAD_FIELDS = ['vendorName', 'vendorEmail', 'vendorTaxId', 'invoiceNumber', 'issueDate', 'dueDate', 'currency', 'total', 'note'] as const;

const ListQuerySchema = z.object({ status: z.enum(INVOICE_STATUSES).optional().catch(undefined), cursor: z.string().max(2048).optional().catch(undefined) });
const IdParamSchema = z.object({ id: z.uuid() });

/** A decimal typed with a comma (`7,5`) as the API reads it (`7.5`); anything else as typed, for the API to name. */
function plainDecimal(text: string): string {
  const trimmed = text.trim();
  return /^\d+,\d+$/.test(trimmed) ? trimmed.replace(',', '.') : trimmed;
}

/**
 * The form as the API's body: the rows with anything typed in them, amounts read as people write
 * them in the invoice's currency (a refused amount names its field). The problems of reading are
 * returned beside the body, by form field.
 */
function bodyOfForm(values: InvoiceFormValues): { body: unknown; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const currency = (values.currency ?? '').trim().toUpperCase();
  const amount = (field: string): string => {
    const typed = values[field] ?? '';
    if (typed.trim() === '' || !/^[A-Z]{3}$/.test(currency)) return typed.trim();
    const read = parseMoneyInput(typed, currency);
    if (!read.ok) {
      problems[field] = read.message;
      return typed.trim();
    }
    return read.decimal;
  };
  const lines = Array.from({ length: FORM_LINE_ROWS }, (_, index) => index)
    .filter((index) => LINE_FIELDS.some((name) => (values[`lines.${index}.${name}`] ?? '').trim() !== ''))
    .map((index) => {
      const field = (name: string) => (values[`lines.${index}.${name}`] ?? '').trim();
      return {
        description: field('description'),
        projectId: field('projectId'),
        quantity: plainDecimal(field('quantity')),
        unitPrice: amount(`lines.${index}.unitPrice`),
        ...(field('taxRate') !== '' ? { taxRate: plainDecimal(field('taxRate')) } : {}),
        ...(field('poNumber') !== '' ? { poNumber: field('poNumber') } : {}),
        row: index,
      };
    });
  const body = {
    vendor: { name: values.vendorName ?? '', email: values.vendorEmail ?? '', ...((values.vendorTaxId ?? '').trim() ? { taxId: values.vendorTaxId } : {}) },
    invoiceNumber: values.invoiceNumber ?? '',
    issueDate: values.issueDate ?? '',
    dueDate: values.dueDate ?? '',
    currency,
    lines,
    total: amount('total'),
    ...((values.note ?? '').trim() ? { note: values.note } : {}),
  };
  return { body, problems };
}

/** The rows of the form that were sent: an error on API line 1 may be form row 4. */
function rowOf(body: unknown, apiIndex: number): number {
  const lines = (body as { lines: { row: number }[] }).lines;
  return lines[apiIndex]?.row ?? apiIndex;
}

function formFieldOfIssue(body: unknown, path: string): string {
  const line = /^lines\.(\d+)\.(\w+)$/.exec(path);
  return line ? `lines.${rowOf(body, Number(line[1]))}.${line[2]}` : formFieldOf(path);
}

/**
 * The invoice pages: the list (finance and the PMO), the form to enter one (the same), and one
 * invoice (whoever may read it: also its projects' managers and whoever entered it). Mounted at the root.
 */
export function invoiceRoutes({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/invoices', validated('query', ListQuerySchema, acceptsAll), async (c) => {
    const viewer = viewerOf(c);
    const query = c.req.valid('query');
    const finance = viewer.kind === 'open' || holdsAny(viewer, ['finance', 'pmo']);
    // Finance and the PMO work through one status at a time; a manager sees all of their projects' invoices.
    const status = query.status ?? (finance ? 'PENDING_APPROVAL' : undefined);
    const listing = await listInvoices(viewer, { status, limit: 50, cursor: query.cursor });
    if (listing.kind !== 'ok') return c.redirect('/invoices', 303);
    return c.html(<InvoiceListPage {...(status ? { status } : {})} invoices={listing.page.items} {...(listing.page.nextCursor ? { nextCursor: listing.page.nextCursor } : {})} mayEnter={finance} />);
  });

  routes.get('/invoices/new', async (c) => {
    const today = now().toISOString().slice(0, 10);
    return c.html(<NewInvoicePage values={{ currency: 'EUR', issueDate: today }} errors={{}} projects={await bookableProjects()} />);
  });

  routes.post('/invoices', validated('form', z.unknown(), acceptsAll), async (c) => {
    const viewer = viewerOf(c);
    const text = formText(c.req.valid('form'));
    const values: Record<string, string> = {};
    for (const field of HEAD_FIELDS) values[field] = (text[field] ?? '').slice(0, 1000);
    for (let index = 0; index < FORM_LINE_ROWS; index += 1) for (const name of LINE_FIELDS) values[`lines.${index}.${name}`] = (text[`lines.${index}.${name}`] ?? '').slice(0, 600);
    const projects = await bookableProjects();
    const refused = (errors: Record<string, string>, status: 400 | 409 = 400) => c.html(<NewInvoicePage values={values} errors={errors} projects={projects} />, status);
    if (viewer.kind !== 'person') return refused({ form: 'Sign in to enter invoices' });
    const { body, problems } = bodyOfForm(values);
    const sent = { ...(body as Record<string, unknown>), lines: (body as { lines: Record<string, unknown>[] }).lines.map(({ row: _row, ...line }) => line) };
    const parsed = InvoiceInputSchema.safeParse(sent);
    if (!parsed.success || Object.keys(problems).length > 0) {
      const errors: Record<string, string> = { ...problems };
      for (const issue of parsed.success ? [] : parsed.error.issues) errors[formFieldOfIssue(body, issue.path.join('.'))] ??= issue.message;
      return refused(errors);
    }
    const result = await receiveInvoice(viewer, parsed.data, now());
    switch (result.kind) {
      case 'invalid': {
        const errors: Record<string, string> = {};
        for (const problem of result.problems) errors[formFieldOfIssue(body, problem.path)] ??= problem.message;
        return refused(errors);
      }
      case 'duplicate':
        return refused({ form: `${result.invoice.vendor.name} sent invoice ${result.invoice.invoiceNumber} before: it was refused as a duplicate (see /invoices/${result.duplicateOf}).` }, 409);
      case 'created':
        return c.redirect(`/invoices/${result.invoice.id}?entered=1`, 303);
    }
  });

  // Where the files bucket sends the browser after a form upload, with the object's key appended.
  routes.get('/invoices/:id/attachment-uploaded', validated('param', IdParamSchema, (c) => c.html(<InvoiceNotFoundPage />, 404)), async (c) => {
    const { id } = c.req.valid('param');
    const key = c.req.query('key') ?? '';
    const invoice = await readInvoice(viewerOf(c), id);
    if (!invoice) return c.html(<InvoiceNotFoundPage />, 404);
    const result = await attachInvoicePdf(viewerOf(c), id, { key, fileName: `${invoice.vendor.name} ${invoice.invoiceNumber}.pdf` }, now());
    if (result.kind === 'attached') return c.redirect(`/invoices/${id}?attached=1`, 303);
    return renderInvoice(c, id, result.kind === 'invalid' ? (result.problems[0]?.message ?? 'The file was refused') : 'The file was refused', 400);
  });

  routes.get('/invoices/:id/attachment', validated('param', IdParamSchema, (c) => c.html(<InvoiceNotFoundPage />, 404)), async (c) => {
    const url = await invoicePdfDownload(viewerOf(c), c.req.valid('param').id);
    return url ? c.redirect(url, 302) : c.html(<InvoiceNotFoundPage />, 404);
  });

  routes.get('/invoices/:id', validated('param', IdParamSchema, (c) => c.html(<InvoiceNotFoundPage />, 404)), async (c) => {
    const notice = c.req.query('entered') === '1' ? 'The invoice was entered. Its checks and approvals run now; this page shows where it stands.' : c.req.query('attached') === '1' ? 'The PDF was attached.' : undefined;
    return renderInvoice(c, c.req.valid('param').id, undefined, 200, notice);
  });

  /** One invoice's page; finance and the PMO get the PDF upload while it has none. */
  async function renderInvoice(c: Context, id: string, problem: string | undefined, status: 200 | 400, notice?: string) {
    const viewer = viewerOf(c);
    const invoice = await readInvoice(viewer, id);
    if (!invoice) return c.html(<InvoiceNotFoundPage />, 404);
    const [titles, history] = await Promise.all([invoiceProjectTitles(invoice), invoiceHistory(invoice.id)]);
    const mayAttach = (viewer.kind === 'open' || holdsAny(viewer, ['finance', 'pmo'])) && !invoice.attachment;
    const upload = mayAttach ? await invoicePdfUpload(viewer, invoice.id, `${new URL(c.req.url).origin}/invoices/${invoice.id}/attachment-uploaded`) : undefined;
    return c.html(
      <InvoicePage
        invoice={invoice}
        projectTitles={titles}
        history={history}
        {...(notice ? { notice } : {})}
        {...(problem ? { problem } : {})}
        {...(upload?.kind === 'ok' ? { upload: { url: upload.url, fields: upload.fields } } : {})}
      />,
      status,
    );
  }

  return routes;
}
