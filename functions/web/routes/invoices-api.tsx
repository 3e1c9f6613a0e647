import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import * as z from 'zod';
import type { Viewer } from '#domain/access.ts';
import { INVOICE_STATUSES, InvoiceInputSchema, type Invoice } from '#domain/invoice.ts';
import { parseUblInvoice, ublElementOf } from '#domain/ubl-invoice.ts';
import { attachInvoicePdf, getPurchaseOrder, invoicePdfDownload, invoicePdfUpload, listInvoices, readInvoice, receiveInvoice, savePurchaseOrder } from '#services/invoice-service.ts';
import type { RouteOptions } from '../app.tsx';
import { viewerOf } from '../viewer.ts';
import { IdempotencyKeySchema, keySpaceOf } from './proposal-requests.ts';
import { validated } from './request-validation.ts';
import { validationProblem } from './responses.tsx';

const NOT_FOUND = { error: 'NotFound', message: 'No invoice with this id is open to you' } as const;

const IdParamSchema = z.object({ id: z.uuid() });
const PoParamSchema = z.object({ number: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9\-._]{0,39}$/, 'A PO number is up to 40 letters, digits and - . _') });

const ListQuerySchema = z.strictObject(
  {
    status: z.enum(INVOICE_STATUSES, { error: `Choose a status: ${INVOICE_STATUSES.join(', ')}` }).optional(),
    projectId: z.uuid({ error: 'Give a project id' }).optional(),
    vendor: z.string().trim().min(1).max(250, 'Use at most 250 characters').optional(),
    limit: z.coerce.number({ error: 'Give a limit from 1 to 100' }).int('Give a limit from 1 to 100').min(1, 'Give a limit from 1 to 100').max(100, 'Give a limit from 1 to 100').default(25),
    cursor: z.string().max(2048).optional(),
  },
  { error: () => 'Filter by status, projectId, limit and cursor only' },
);

const PurchaseOrderBodySchema = z.strictObject(
  {
    projectId: z.uuid({ error: 'Give the id of the project the PO is for' }),
    vendorName: z.string().trim().min(1).max(200).optional(),
    currency: z.string().trim().toUpperCase().length(3, 'Enter a currency code such as EUR'),
    amount: z.union([z.number(), z.string()], { error: 'Enter the amount as a number, such as 25000' }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'A purchase order has projectId, vendorName, currency and amount only' : 'Send the PO as a JSON object') },
);

const AttachmentBodySchema = z.strictObject(
  {
    key: z.string({ error: 'Send the key the upload was signed for' }).max(200),
    fileName: z.string({ error: 'Send the file’s name' }).trim().min(1, 'Send the file’s name').max(200),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Send key and fileName only' : 'Send {key, fileName}') },
);

/** The first problem of each path (an e-invoice's PO is one element, however many lines use it). */
function uniqueByPath<T extends { readonly path: string }>(problems: readonly T[]): T[] {
  return problems.filter((problem, index) => problems.findIndex((other) => other.path === problem.path) === index);
}

/** An invoice as the API shows it: amounts in minor units, with the currency. */
function invoiceResource(invoice: Invoice) {
  const { executionName: _execution, ...rest } = invoice;
  return {
    ...rest,
    links: { self: `/api/invoices/${invoice.id}`, history: `/api/invoices/${invoice.id}/history`, page: `/invoices/${invoice.id}`, ...(invoice.attachment ? { attachment: `/api/invoices/${invoice.id}/attachment` } : {}) },
  };
}

/** An invoice id from an Idempotency-Key: the same key (of the same person) stores the same invoice, once. */
function invoiceIdFor(viewer: Viewer, key: string): string {
  const bytes = createHash('sha256').update(`pmo-pipeline/invoice/${keySpaceOf(viewer)}${key}`, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type BodyReading = { ok: true; input: z.output<typeof InvoiceInputSchema>; ubl: boolean } | { ok: false; response: Response };

/** The invoice in the body: JSON in the API's shape, or a UBL e-invoice as XML. */
async function readInvoiceBody(c: Context): Promise<BodyReading> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (/^(application|text)\/xml\b/.test(type)) {
    const reading = parseUblInvoice(await c.req.text());
    if (!reading.ok) return { ok: false, response: validationProblem(c, reading.problems) };
    return { ok: true, input: InvoiceInputSchema.parse(reading.input), ubl: true };
  }
  if (!/^application\/json\b/.test(type)) {
    return { ok: false, response: c.json({ error: 'UnsupportedMediaType', message: 'Send the invoice as application/json, or a UBL e-invoice as application/xml' }, 415) };
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { ok: false, response: c.json({ error: 'MalformedJson', message: 'The body is not valid JSON' }, 400) };
  }
  const parsed = InvoiceInputSchema.safeParse(body);
  if (!parsed.success) return { ok: false, response: validationProblem(c, parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))) };
  return { ok: true, input: parsed.data, ubl: false };
}

/**
 * The invoices JSON API: an invoice arrives (JSON or UBL XML), is read, listed; purchase orders
 * are kept. Finance and the PMO enter and list invoices (the route rules); a project's manager
 * reads its invoices. Mounted at `/api`.
 */
export function invoicesApi({ now }: RouteOptions) {
  const routes = new Hono();

  routes.post('/invoices', validated('header', z.object({ 'Idempotency-Key': IdempotencyKeySchema.optional() }), validationProblem), async (c) => {
    const viewer = viewerOf(c);
    if (viewer.kind !== 'person') return c.json({ error: 'Forbidden', message: 'Sign in to enter invoices' }, 403);
    const body = await readInvoiceBody(c);
    if (!body.ok) return body.response;
    const key = c.req.valid('header')['Idempotency-Key'];
    const result = await receiveInvoice(viewer, body.input, now(), ...(key ? [invoiceIdFor(viewer, key)] : []));
    switch (result.kind) {
      case 'invalid':
        // An e-invoice's sender reads its own elements' names, not the JSON API's fields.
        return validationProblem(c, body.ubl ? uniqueByPath(result.problems.map((problem) => ({ ...problem, path: ublElementOf(problem.path) }))) : result.problems);
      case 'duplicate':
        return c.json(
          { error: 'Duplicate', message: `${result.invoice.vendor.name} sent invoice ${result.invoice.invoiceNumber} before: it is refused as a duplicate`, duplicateOf: result.duplicateOf, invoice: invoiceResource(result.invoice) },
          409,
        );
      case 'created':
        return c.json(invoiceResource(result.invoice), 201, { Location: `/api/invoices/${result.invoice.id}` });
    }
  });

  routes.get('/invoices', validated('query', ListQuerySchema, validationProblem), async (c) => {
    const listing = await listInvoices(viewerOf(c), c.req.valid('query'));
    switch (listing.kind) {
      case 'not-found':
        return c.json({ error: 'NotFound', message: 'No project with this id whose invoices are open to you' }, 404);
      case 'invalid':
        return validationProblem(c, [{ path: listing.path, message: listing.message }]);
      case 'ok':
        return c.json({ items: listing.page.items.map(invoiceResource), ...(listing.page.nextCursor ? { nextCursor: listing.page.nextCursor } : {}) });
    }
  });

  routes.get('/invoices/:id', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), async (c) => {
    const invoice = await readInvoice(viewerOf(c), c.req.valid('param').id);
    return invoice ? c.json(invoiceResource(invoice)) : c.json(NOT_FOUND, 404);
  });

  routes.post('/invoices/:id/attachment-upload', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), async (c) => {
    const upload = await invoicePdfUpload(viewerOf(c), c.req.valid('param').id);
    if (upload.kind === 'not-found') return c.json(NOT_FOUND, 404);
    if (upload.kind === 'duplicate') return c.json({ error: 'Conflict', message: 'A refused duplicate takes no file' }, 409);
    const { kind: _kind, ...signed } = upload;
    return c.json(signed);
  });

  routes.put('/invoices/:id/attachment', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'MalformedJson', message: 'The body is not valid JSON' }, 400);
    }
    const parsed = AttachmentBodySchema.safeParse(body);
    if (!parsed.success) return validationProblem(c, parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
    const result = await attachInvoicePdf(viewerOf(c), c.req.valid('param').id, parsed.data, now());
    if (result.kind === 'not-found') return c.json(NOT_FOUND, 404);
    if (result.kind === 'invalid') return validationProblem(c, result.problems);
    return c.json(invoiceResource(result.invoice));
  });

  routes.get('/invoices/:id/attachment', validated('param', IdParamSchema, (c) => c.json(NOT_FOUND, 404)), async (c) => {
    const url = await invoicePdfDownload(viewerOf(c), c.req.valid('param').id);
    return url ? c.redirect(url, 302) : c.json({ error: 'NotFound', message: 'No PDF of an invoice open to you here' }, 404);
  });

  routes.put('/purchase-orders/:number', validated('param', PoParamSchema, validationProblem), async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'MalformedJson', message: 'The body is not valid JSON' }, 400);
    }
    const parsed = PurchaseOrderBodySchema.safeParse(body);
    if (!parsed.success) return validationProblem(c, parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })));
    const saved = await savePurchaseOrder(c.req.valid('param').number, parsed.data, now());
    if (saved.kind === 'invalid') return validationProblem(c, saved.problems);
    return c.json(saved.po, saved.created ? 201 : 200);
  });

  routes.get('/purchase-orders/:number', validated('param', PoParamSchema, (c) => c.json({ error: 'NotFound', message: 'No purchase order has this number' }, 404)), async (c) => {
    const po = await getPurchaseOrder(c.req.valid('param').number);
    return po ? c.json(po) : c.json({ error: 'NotFound', message: 'No purchase order has this number' }, 404);
  });

  return routes;
}
