import * as z from 'zod';
import { minorUnitDigits } from './money.ts';
import { PersonRefSchema } from './person-ref.ts';

// Vendor invoices: what arrives, how its arithmetic is checked to the minor unit, how duplicates
// are recognised, and how an invoice is matched to budgets and purchase orders. Pure: no I/O, no
// clock. Money is integer minor units of the invoice's currency throughout; decimals are read as
// text and computed with integers, never with binary floating point.

const CURRENCY_CODES = new Set(Intl.supportedValuesOf('currency'));

/** The most lines one invoice may have. */
export const MAX_INVOICE_LINES = 200;
/** The largest amount anyone enters: a typo beyond it is refused, not paid. */
const MAX_MINOR = 10n ** 15n;

/** Where an invoice stands. DUPLICATE, POSTED and REJECTED are final; FAILED is a workflow that could not finish. */
export const INVOICE_STATUSES = ['RECEIVED', 'VALIDATED', 'DUPLICATE', 'NEEDS_REVIEW', 'PENDING_APPROVAL', 'APPROVED', 'POSTED', 'REJECTED', 'FAILED'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** A status in words. */
export const INVOICE_STATUS_LABELS: Readonly<Record<InvoiceStatus, string>> = {
  RECEIVED: 'Received',
  VALIDATED: 'Validated',
  DUPLICATE: 'Duplicate: refused',
  NEEDS_REVIEW: 'Needs review',
  PENDING_APPROVAL: 'Waiting for approval',
  APPROVED: 'Approved',
  POSTED: 'Posted to project actuals',
  REJECTED: 'Rejected',
  FAILED: 'Failed',
};

// ---- Decimals as text ------------------------------------------------------------------------------

const DECIMAL_TEXT = /^(\d{1,15})(?:\.(\d+))?$/;

/** A JSON number or decimal string as plain decimal text, or undefined when it is neither (exponents, signs, NaN). */
function decimalText(value: unknown): string | undefined {
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
  return DECIMAL_TEXT.test(text) ? text : undefined;
}

/** Decimal text as an integer scaled by 10^digits, if it has at most `digits` decimals. */
function scaled(text: string, digits: number): bigint | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  return BigInt(match[1]!) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
}

/** `numerator / denominator` rounded half up (both non-negative). */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** Minor units as decimal text in major units: 12050 EUR → "120.50", 5 JPY → "5". */
export function minorToText(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  return `${negative ? '-' : ''}${whole}${digits === 0 ? '' : `.${text.slice(-digits)}`}`;
}

// ---- What arrives ---------------------------------------------------------------------------------

const amountInput = z.union([z.number(), z.string()], { error: 'Enter an amount as a number, such as 120.50' });

const InvoiceLineInputSchema = z.strictObject(
  {
    description: z.string({ error: 'Describe the line' }).trim().min(1, 'Describe the line').max(500, 'Use at most 500 characters'),
    quantity: amountInput,
    unitPrice: amountInput,
    taxRate: z.union([z.number(), z.string()], { error: 'Enter the tax rate in percent, such as 20' }).optional(),
    projectId: z.uuid({ error: 'Give the id of an active project' }),
    poNumber: z
      .string({ error: 'A PO number is text' })
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9\-/._ ]{0,39}$/, 'A PO number is up to 40 letters, digits, spaces and - / . _')
      .optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'A line has description, quantity, unitPrice, taxRate, projectId and poNumber only' : 'Send each line as an object') },
);

/** The body of `POST /api/invoices` (and what a UBL e-invoice is read into). */
export const InvoiceInputSchema = z.strictObject(
  {
    vendor: z.strictObject(
      {
        id: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9\-_.]{0,63}$/, 'A vendor id is up to 64 letters, digits and - _ .').optional(),
        name: z.string({ error: 'Enter the vendor’s name' }).trim().min(1, 'Enter the vendor’s name').max(200, 'Use at most 200 characters'),
        email: z.email({ error: 'Enter the vendor’s email address, such as billing@vendor.example' }).max(254).transform((email) => email.toLowerCase()),
        taxId: z.string().trim().min(2).max(40, 'Use at most 40 characters').optional(),
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? 'A vendor has id, name, email and taxId only' : 'Send the vendor as {name, email, id?, taxId?}') },
    ),
    invoiceNumber: z
      .string({ error: 'Enter the invoice number' })
      .trim()
      .min(1, 'Enter the invoice number')
      .max(60, 'Use at most 60 characters')
      .refine((text) => normaliseInvoiceNumber(text) !== '', 'An invoice number has letters or digits'),
    issueDate: z.iso.date({ error: 'Give the issue date as YYYY-MM-DD' }),
    dueDate: z.iso.date({ error: 'Give the due date as YYYY-MM-DD' }),
    currency: z
      .string({ error: 'Enter a currency code such as EUR' })
      .trim()
      .toUpperCase()
      .refine((code) => CURRENCY_CODES.has(code), 'Enter an ISO 4217 currency code such as EUR'),
    lines: z.array(InvoiceLineInputSchema, { error: 'Send the lines as a list' }).min(1, 'An invoice has at least one line').max(MAX_INVOICE_LINES, `Send at most ${MAX_INVOICE_LINES} lines`),
    total: amountInput,
    note: z.string().trim().max(1000, 'Use at most 1,000 characters').optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'An invoice has vendor, invoiceNumber, issueDate, dueDate, currency, lines, total and note only' : 'Send the invoice as a JSON object') },
);
export type InvoiceInput = z.input<typeof InvoiceInputSchema>;

// ---- The checked invoice ------------------------------------------------------------------------------

/** A vendor as stored: its key (by which duplicates are found) and what was sent. */
export const VendorSchema = z.object({ key: z.string(), id: z.string().optional(), name: z.string(), email: z.string(), taxId: z.string().optional() });
export type Vendor = z.infer<typeof VendorSchema>;

export const InvoiceLineSchema = z.object({
  description: z.string(),
  /** As written (up to 3 decimals), kept as text so that nothing is lost. */
  quantity: z.string(),
  unitPriceMinor: z.number().int(),
  /** Percent, e.g. 20 or 5.5. */
  taxRate: z.number(),
  netMinor: z.number().int(),
  projectId: z.string(),
  poNumber: z.string().optional(),
});
export type InvoiceLine = z.infer<typeof InvoiceLineSchema>;

export const TaxLineSchema = z.object({ rate: z.number(), baseMinor: z.number().int(), taxMinor: z.number().int() });
export type TaxLine = z.infer<typeof TaxLineSchema>;

/** An invoice whose fields and arithmetic were checked. */
export const CheckedInvoiceSchema = z.object({
  vendor: VendorSchema,
  invoiceNumber: z.string(),
  normalisedNumber: z.string(),
  issueDate: z.iso.date(),
  dueDate: z.iso.date(),
  currency: z.string().length(3),
  lines: z.array(InvoiceLineSchema),
  taxes: z.array(TaxLineSchema),
  netMinor: z.number().int(),
  taxMinor: z.number().int(),
  totalMinor: z.number().int(),
  note: z.string().optional(),
});
export type CheckedInvoice = z.infer<typeof CheckedInvoiceSchema>;

/** A field of the invoice and what is wrong with it (`lines.2.unitPrice`, `total`). */
export interface InvoiceProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks an invoice's arithmetic to the minor unit of its currency (JPY 0 digits, EUR 2, KWD 3):
 * each line's net is quantity × unit price rounded half up; the tax of each rate is the rate times
 * the sum of that rate's line nets, rounded once per rate (as EN 16931 sums VAT by category); the
 * total is the nets plus the taxes, and must equal the stated total exactly. Also the dates (due
 * on or after issue). Every problem names its field.
 */
export function checkInvoice(input: z.output<typeof InvoiceInputSchema>): { ok: true; invoice: CheckedInvoice } | { ok: false; problems: InvoiceProblem[] } {
  const problems: InvoiceProblem[] = [];
  const currency = input.currency;
  const digits = minorUnitDigits(currency);
  const precision = digits === 0 ? `Use a whole number of ${currency}` : `Use at most ${digits} decimal place${digits === 1 ? '' : 's'} for ${currency}`;
  if (input.dueDate < input.issueDate) problems.push({ path: 'dueDate', message: 'The due date is before the issue date' });

  const lines: InvoiceLine[] = [];
  const byRate = new Map<number, { rateHundredths: bigint; base: bigint }>();
  input.lines.forEach((line, index) => {
    const quantityText = decimalText(line.quantity);
    const quantity = quantityText ? scaled(quantityText, 3) : undefined;
    if (quantity === undefined || quantity === 0n) {
      problems.push({ path: `lines.${index}.quantity`, message: 'Enter a quantity above 0 with at most 3 decimals, such as 7.5' });
    }
    const priceText = decimalText(line.unitPrice);
    const price = priceText ? scaled(priceText, digits) : undefined;
    if (price === undefined) problems.push({ path: `lines.${index}.unitPrice`, message: priceText ? precision : 'Enter the unit price as a number, such as 120.50' });
    const rateText = line.taxRate === undefined ? '0' : decimalText(line.taxRate);
    const rateHundredths = rateText ? scaled(rateText, 2) : undefined;
    if (rateHundredths === undefined || rateHundredths > 10_000n) problems.push({ path: `lines.${index}.taxRate`, message: 'Enter the tax rate in percent from 0 to 100, with at most 2 decimals, such as 20 or 5.5' });
    if (quantity === undefined || quantity === 0n || price === undefined || rateHundredths === undefined || rateHundredths > 10_000n) return;
    const net = divideHalfUp(quantity * price, 1000n);
    if (net > MAX_MINOR) {
      problems.push({ path: `lines.${index}.unitPrice`, message: 'This line’s amount is too large' });
      return;
    }
    const rate = Number(rateHundredths) / 100;
    const group = byRate.get(rate) ?? { rateHundredths, base: 0n };
    group.base += net;
    byRate.set(rate, group);
    lines.push({
      description: line.description,
      quantity: quantityText!,
      unitPriceMinor: Number(price),
      taxRate: rate,
      netMinor: Number(net),
      projectId: line.projectId,
      ...(line.poNumber ? { poNumber: line.poNumber } : {}),
    });
  });

  const totalText = decimalText(input.total);
  const stated = totalText ? scaled(totalText, digits) : undefined;
  if (stated === undefined) problems.push({ path: 'total', message: totalText ? precision : 'Enter the total as a number, such as 1440.00' });
  if (problems.length > 0) return { ok: false, problems };

  const taxes: TaxLine[] = [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([rate, group]) => ({ rate, baseMinor: Number(group.base), taxMinor: Number(divideHalfUp(group.base * group.rateHundredths, 10_000n)) }));
  const netMinor = lines.reduce((sum, line) => sum + line.netMinor, 0);
  const taxMinor = taxes.reduce((sum, tax) => sum + tax.taxMinor, 0);
  const totalMinor = netMinor + taxMinor;
  if (BigInt(totalMinor) !== stated) {
    return {
      ok: false,
      problems: [
        {
          path: 'total',
          message: `The total does not add up: the lines come to ${minorToText(netMinor, currency)} and the tax to ${minorToText(taxMinor, currency)}, ${minorToText(totalMinor, currency)} ${currency} in all, not ${minorToText(Number(stated), currency)}`,
        },
      ],
    };
  }
  const vendor = input.vendor;
  return {
    ok: true,
    invoice: {
      vendor: { key: vendorKey(vendor), name: vendor.name, email: vendor.email, ...(vendor.id ? { id: vendor.id } : {}), ...(vendor.taxId ? { taxId: vendor.taxId } : {}) },
      invoiceNumber: input.invoiceNumber,
      normalisedNumber: normaliseInvoiceNumber(input.invoiceNumber),
      issueDate: input.issueDate,
      dueDate: input.dueDate,
      currency,
      lines,
      taxes,
      netMinor,
      taxMinor,
      totalMinor,
      ...(input.note ? { note: input.note } : {}),
    },
  };
}

/** The amount of an invoice that falls on each project (its lines' nets and their share of tax), in minor units. */
export function amountsByProject(invoice: Pick<CheckedInvoice, 'lines' | 'taxes'>): Map<string, number> {
  const amounts = new Map<string, number>();
  // Each project carries its lines' nets plus the tax on them at the line's rate; rounding is
  // per project, and the last project of each rate takes the remainder, so the parts add up to the total.
  for (const tax of invoice.taxes) {
    const atRate = invoice.lines.filter((line) => line.taxRate === tax.rate);
    const projects = [...new Set(atRate.map((line) => line.projectId))];
    let taxLeft = tax.taxMinor;
    projects.forEach((projectId, index) => {
      const net = atRate.filter((line) => line.projectId === projectId).reduce((sum, line) => sum + line.netMinor, 0);
      const share = index === projects.length - 1 ? taxLeft : tax.baseMinor === 0 ? 0 : Math.round((tax.taxMinor * net) / tax.baseMinor);
      taxLeft -= share;
      amounts.set(projectId, (amounts.get(projectId) ?? 0) + net + share);
    });
  }
  return amounts;
}

// ---- Identity and duplicates ---------------------------------------------------------------------------

/**
 * An invoice number as compared for duplicates: case, whitespace and punctuation do not count
 * (`INV-2026/001` ≡ `inv 2026 001`), leading zeros do (`001` is not `1`).
 */
export function normaliseInvoiceNumber(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

const LEGAL_SUFFIXES = new Set(['gmbh', 'mbh', 'ag', 'kg', 'ug', 'ltd', 'limited', 'inc', 'incorporated', 'llc', 'llp', 'plc', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'ab', 'as', 'oy', 'co', 'corp', 'corporation', 'company', 'the']);

/** A vendor name as compared: no accents, case, punctuation or legal form (`ACME GmbH.` → `acme`). */
export function normaliseVendorName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter((word) => word !== '' && !LEGAL_SUFFIXES.has(word))
    .join(' ');
}

/**
 * Who the vendor is, for duplicate checks: its id when the sender gives one, else its tax id
 * (letters and digits, upper case), else its normalised name.
 */
export function vendorKey(vendor: { readonly id?: string | undefined; readonly name: string; readonly taxId?: string | undefined }): string {
  if (vendor.id) return `id:${vendor.id.toLowerCase()}`;
  const taxId = vendor.taxId?.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (taxId) return `tax:${taxId}`;
  return `name:${normaliseVendorName(vendor.name)}`;
}

/**
 * Edit distance between two short strings, counting an insertion, a deletion, a substitution or
 * a swap of two neighbours as one edit (the optimal string alignment distance): typos are mostly
 * these.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * Whether two vendor names are nearly the same: equal once normalised, or a typo apart (one edit
 * per 12 characters, at least one), so "Northwind Tradres" matches and "Southwind Traders" does not.
 */
export function vendorNamesNearlyIdentical(a: string, b: string): boolean {
  const left = normaliseVendorName(a);
  const right = normaliseVendorName(b);
  if (left === '' || right === '') return false;
  if (left === right) return true;
  return editDistance(left, right) <= Math.max(1, Math.floor(Math.min(left.length, right.length) / 12));
}

/** What the duplicate check needs of another invoice. */
export interface DuplicateCandidate {
  readonly id: string;
  readonly vendor: Pick<Vendor, 'key' | 'name'>;
  readonly normalisedNumber: string;
  readonly issueDate: string;
  readonly currency: string;
  readonly totalMinor: number;
  readonly status: InvoiceStatus;
}

function daysBetween(a: string, b: string): number {
  return Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;
}

/**
 * The invoices `candidate` may duplicate without being the same number from the same vendor
 * (that one is refused outright): the same vendor and total issued within `windowDays`, or the
 * same number from a vendor with a nearly identical name. Refused duplicates and the invoice
 * itself do not count.
 */
export function suspectedDuplicates(candidate: DuplicateCandidate, others: readonly DuplicateCandidate[], windowDays: number): { invoiceId: string; reason: string }[] {
  const found: { invoiceId: string; reason: string }[] = [];
  for (const other of others) {
    if (other.id === candidate.id || other.status === 'DUPLICATE') continue;
    if (other.vendor.key === candidate.vendor.key && other.currency === candidate.currency && other.totalMinor === candidate.totalMinor) {
      const days = daysBetween(other.issueDate, candidate.issueDate);
      if (days <= windowDays) {
        found.push({ invoiceId: other.id, reason: `Same vendor and total as invoice ${other.id}, issued ${days === 0 ? 'the same day' : `${days} day${days === 1 ? '' : 's'} apart`}` });
        continue;
      }
    }
    if (other.normalisedNumber === candidate.normalisedNumber && other.vendor.key !== candidate.vendor.key && vendorNamesNearlyIdentical(other.vendor.name, candidate.vendor.name)) {
      found.push({ invoiceId: other.id, reason: `Same invoice number as invoice ${other.id} from “${other.vendor.name}”, a nearly identical vendor name` });
    }
  }
  return found;
}

// ---- Budgets and purchase orders --------------------------------------------------------------------

/** What an invoice found that someone must look at, in words. */
export const InvoiceFlagSchema = z.object({
  code: z.enum(['suspected-duplicate', 'over-budget', 'budget-warning', 'po-mismatch']),
  message: z.string(),
  projectId: z.string().optional(),
  relatedInvoiceId: z.string().optional(),
});
export type InvoiceFlag = z.infer<typeof InvoiceFlagSchema>;

/** How a project treats an invoice beyond its remaining budget: go on with a warning, or stop for finance. */
export type BudgetGate = 'warn' | 'stop';

/** A project's money as the budget match reads it, in the budget's minor units. */
export interface BudgetPosition {
  readonly budgetMinor: number;
  readonly actualsMinor: number;
  readonly committedMinor: number;
}

/**
 * Whether `amountMinor` fits what is left of a budget (budget − posted actuals − committed): the
 * amount left, and, when it does not fit, a flag by the project's gate.
 */
export function budgetMatch(position: BudgetPosition, amountMinor: number, gate: BudgetGate, words: { readonly projectId: string; readonly title: string; readonly currency: string }): { remainingMinor: number; withinBudget: boolean; flag?: InvoiceFlag } {
  const remainingMinor = position.budgetMinor - position.actualsMinor - position.committedMinor;
  if (amountMinor <= remainingMinor) return { remainingMinor, withinBudget: true };
  const message = `“${words.title}” has ${minorToText(Math.max(remainingMinor, 0), words.currency)} ${words.currency} of its budget left; this invoice puts ${minorToText(amountMinor, words.currency)} on it`;
  return { remainingMinor, withinBudget: false, flag: { code: gate === 'stop' ? 'over-budget' : 'budget-warning', message, projectId: words.projectId } };
}

/** A purchase order as the match reads it. */
export interface PurchaseOrderPosition {
  readonly poNumber: string;
  readonly projectId: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly invoicedMinor: number;
}

/**
 * Whether an invoice's lines on a PO fit it: same project and currency, and no more than its
 * remaining balance plus `tolerancePercent` of its amount.
 */
export function poMatch(po: PurchaseOrderPosition, amountMinor: number, currency: string, projectId: string, tolerancePercent: number): { ok: true } | { ok: false; message: string } {
  if (po.projectId !== projectId) return { ok: false, message: `PO ${po.poNumber} belongs to another project` };
  if (po.currency !== currency) return { ok: false, message: `PO ${po.poNumber} is in ${po.currency}, the invoice in ${currency}` };
  const remaining = po.amountMinor - po.invoicedMinor;
  const allowed = remaining + Math.floor((po.amountMinor * tolerancePercent) / 100);
  if (amountMinor <= allowed) return { ok: true };
  return { ok: false, message: `PO ${po.poNumber} has ${minorToText(Math.max(remaining, 0), currency)} ${currency} left; this invoice puts ${minorToText(amountMinor, currency)} on it` };
}

// ---- The stored invoice --------------------------------------------------------------------------------

/** An invoice as stored. */
export const InvoiceSchema = CheckedInvoiceSchema.extend({
  id: z.uuid(),
  status: z.enum(INVOICE_STATUSES),
  receivedAt: z.iso.datetime(),
  receivedBy: PersonRefSchema,
  updatedAt: z.iso.datetime(),
  version: z.number().int().min(1),
  /** The invoice it repeats, when refused as an exact duplicate. */
  duplicateOf: z.string().optional(),
  flags: z.array(InvoiceFlagSchema).default([]),
  executionName: z.string().optional(),
  attachment: z.object({ key: z.string(), fileName: z.string(), contentType: z.string(), size: z.number().int() }).optional(),
  decision: z.object({ by: PersonRefSchema.optional(), at: z.iso.datetime(), comment: z.string().optional(), automatic: z.boolean().optional() }).optional(),
  postedAt: z.iso.datetime().optional(),
  rejectedReason: z.string().optional(),
});
export type Invoice = z.infer<typeof InvoiceSchema>;
