import { XMLParser } from 'fast-xml-parser';
import { checkInvoice, InvoiceInputSchema, type CheckedInvoice, type InvoiceInput, type InvoiceProblem } from './invoice.ts';
import { minorUnitDigits } from './money.ts';

// Structured e-invoices: UBL 2.1 invoices in the European standard EN 16931 (the profile of
// Peppol BIS Billing 3.0 and XRechnung's UBL syntax), read into the same invoice the JSON API
// takes. Each problem names the element it is about, as the sender's own tools show it.

/** The most bytes of XML read: a real invoice is a few tens of kilobytes. */
export const MAX_UBL_BYTES = 1024 * 1024;

const EN16931 = 'urn:cen.eu:en16931:2017';
const SUPPLIER = 'cac:AccountingSupplierParty/cac:Party';
const TOTAL = 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount';

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Namespace prefixes vary between senders (`cbc:`, `ns2:`, none): elements are matched by local name.
  removeNSPrefix: true,
  // Text stays text: "001" and "1440.00" must not become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  isArray: (name) => ['InvoiceLine', 'TaxTotal', 'TaxSubtotal', 'AllowanceCharge', 'PartyIdentification', 'PartyName', 'PartyTaxScheme'].includes(name),
});

/** The UBL element of a field of the invoice model (`lines.0.projectId` → `cac:InvoiceLine[1]/cbc:AccountingCost`), for problems found after mapping. */
export function ublElementOf(path: string): string {
  const line = /^lines\.(\d+)\.(\w+)$/.exec(path);
  // The PO is the invoice's order reference, not a line's.
  if (line?.[2] === 'poNumber') return 'cac:OrderReference/cbc:ID';
  if (line) {
    const element = `cac:InvoiceLine[${Number(line[1]) + 1}]`;
    const field: Record<string, string> = {
      description: 'cac:Item/cbc:Name',
      quantity: 'cbc:InvoicedQuantity',
      unitPrice: 'cac:Price/cbc:PriceAmount',
      taxRate: 'cac:Item/cac:ClassifiedTaxCategory/cbc:Percent',
      projectId: 'cbc:AccountingCost',
      poNumber: 'cac:OrderReference/cbc:ID',
    };
    return `${element}/${field[line[2]!] ?? line[2]}`;
  }
  const fields: Record<string, string> = {
    invoiceNumber: 'cbc:ID',
    issueDate: 'cbc:IssueDate',
    dueDate: 'cbc:DueDate',
    currency: 'cbc:DocumentCurrencyCode',
    total: TOTAL,
    lines: 'cac:InvoiceLine',
    'vendor.name': `${SUPPLIER}/cac:PartyName/cbc:Name`,
    'vendor.email': `${SUPPLIER}/cac:Contact/cbc:ElectronicMail`,
    'vendor.id': `${SUPPLIER}/cac:PartyIdentification/cbc:ID`,
    'vendor.taxId': `${SUPPLIER}/cac:PartyTaxScheme/cbc:CompanyID`,
    note: 'cbc:Note',
  };
  return fields[path] ?? path;
}

function child(node: unknown, name: string): unknown {
  return node && typeof node === 'object' ? (node as Node)[name] : undefined;
}

/** The text of an element (or of an element with attributes), undefined when absent or empty. */
function text(node: unknown): string | undefined {
  const value = node && typeof node === 'object' ? (node as Node)['#text'] : node;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

function first(node: unknown): unknown {
  return Array.isArray(node) ? node[0] : node;
}

/** What reading an e-invoice came to: the invoice checked, or every problem with its element. */
export type UblReading = { ok: true; input: InvoiceInput; invoice: CheckedInvoice } | { ok: false; problems: InvoiceProblem[] };

/**
 * Reads a UBL 2.1 invoice in the EN 16931 profile. The project of each line is its buyer
 * accounting reference (`cac:InvoiceLine/cbc:AccountingCost`, BT-133: the project id), the PO is
 * the invoice's order reference (`cac:OrderReference/cbc:ID`, BT-13). What this product does not
 * take is refused by name rather than misread: credit notes, document-level allowances and
 * charges, prepaid amounts, prices per more than one unit, amounts in another currency than the
 * document's. The stated line amounts, tax and total must agree with the arithmetic.
 */
export function parseUblInvoice(xml: string): UblReading {
  if (Buffer.byteLength(xml, 'utf8') > MAX_UBL_BYTES) return refuse('Invoice', `The document is larger than ${MAX_UBL_BYTES / 1024} KB`);
  // No DTDs at all: entity expansion and external entities are how XML parsers are attacked.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return refuse('Invoice', 'A document type declaration (<!DOCTYPE>) is not accepted');
  let document: Node;
  try {
    document = parser.parse(xml, true) as Node;
  } catch (error) {
    return refuse('Invoice', `The document is not well-formed XML: ${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'}`);
  }
  if (document.CreditNote) return refuse('CreditNote', 'Credit notes are not taken here; send invoices only');
  const invoice = document.Invoice;
  if (!invoice || typeof invoice !== 'object') return refuse('Invoice', 'The document is not a UBL invoice (its root element must be Invoice)');
  const customization = text(child(invoice, 'CustomizationID'));
  if (!customization?.startsWith(EN16931)) return refuse('cbc:CustomizationID', `Only invoices in the EN 16931 profile are taken (${EN16931}…)`);
  const typeCode = text(child(invoice, 'InvoiceTypeCode'));
  if (typeCode && !['380', '383', '384', '386', '389', '751'].includes(typeCode)) return refuse('cbc:InvoiceTypeCode', `Invoice type ${typeCode} is not an invoice this product takes`);
  if (child(invoice, 'AllowanceCharge')) return refuse('cac:AllowanceCharge', 'Allowances and charges on the whole document are not supported; put them on the lines');
  const totals = child(invoice, 'LegalMonetaryTotal');
  if (text(child(totals, 'PrepaidAmount')) && Number(text(child(totals, 'PrepaidAmount'))) !== 0) return refuse('cac:LegalMonetaryTotal/cbc:PrepaidAmount', 'Prepaid amounts are not supported');

  const currency = text(child(invoice, 'DocumentCurrencyCode')) ?? '';
  const problems: InvoiceProblem[] = [];
  const amount = (node: unknown, path: string): string | undefined => {
    const value = text(node);
    const currencyId = node && typeof node === 'object' ? (node as Node)['@currencyID'] : undefined;
    if (value !== undefined && typeof currencyId === 'string' && currencyId !== currency) problems.push({ path, message: `The amount is in ${currencyId}, the document in ${currency}` });
    return value;
  };

  const party = child(child(invoice, 'AccountingSupplierParty'), 'Party');
  const name = text(child(first(child(party, 'PartyName')), 'Name')) ?? text(child(child(party, 'PartyLegalEntity'), 'RegistrationName'));
  const email = text(child(child(party, 'Contact'), 'ElectronicMail'));
  const vendorId = text(child(first(child(party, 'PartyIdentification')), 'ID'));
  const taxId = text(child(first(child(party, 'PartyTaxScheme')), 'CompanyID'));
  const poNumber = text(child(child(invoice, 'OrderReference'), 'ID'));

  const lineNodes = (child(invoice, 'InvoiceLine') as unknown[] | undefined) ?? [];
  const statedLineAmounts: (string | undefined)[] = [];
  const lines = lineNodes.map((line, index) => {
    const element = `cac:InvoiceLine[${index + 1}]`;
    const price = child(line, 'Price');
    const baseQuantity = text(child(price, 'BaseQuantity'));
    if (baseQuantity !== undefined && Number(baseQuantity) !== 1) problems.push({ path: `${element}/cac:Price/cbc:BaseQuantity`, message: 'Prices per more than one unit are not supported' });
    if (child(line, 'AllowanceCharge')) problems.push({ path: `${element}/cac:AllowanceCharge`, message: 'Allowances and charges on a line are not supported' });
    statedLineAmounts.push(amount(child(line, 'LineExtensionAmount'), `${element}/cbc:LineExtensionAmount`));
    const item = child(line, 'Item');
    const percent = text(child(child(item, 'ClassifiedTaxCategory'), 'Percent'));
    return {
      description: text(child(item, 'Name')) ?? text(child(item, 'Description')) ?? '',
      quantity: text(child(line, 'InvoicedQuantity')) ?? '',
      unitPrice: amount(child(price, 'PriceAmount'), `${element}/cac:Price/cbc:PriceAmount`) ?? '',
      ...(percent !== undefined ? { taxRate: percent } : {}),
      projectId: text(child(line, 'AccountingCost')) ?? '',
      ...(poNumber ? { poNumber } : {}),
    };
  });

  const input: InvoiceInput = {
    vendor: { name: name ?? '', email: email ?? '', ...(vendorId ? { id: vendorId } : {}), ...(taxId ? { taxId } : {}) },
    invoiceNumber: text(child(invoice, 'ID')) ?? '',
    issueDate: text(child(invoice, 'IssueDate')) ?? '',
    dueDate: text(child(invoice, 'DueDate')) ?? text(child(child(invoice, 'PaymentMeans'), 'PaymentDueDate')) ?? '',
    currency,
    lines,
    total: amount(child(totals, 'TaxInclusiveAmount'), TOTAL) ?? '',
  };
  if (problems.length > 0) return { ok: false, problems };

  const parsed = InvoiceInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: ublElementOf(issue.path.join('.')), message: issue.message })) };
  const checked = checkInvoice(parsed.data);
  if (!checked.ok) return { ok: false, problems: checked.problems.map((problem) => ({ path: ublElementOf(problem.path), message: problem.message })) };

  // The sender's own figures must agree with the arithmetic, line by line and for the tax.
  const digits = minorUnitDigits(currency);
  const asMinor = (value: string | undefined) => (value === undefined || !/^\d+(\.\d+)?$/.test(value) ? undefined : Math.round(Number(value) * 10 ** digits));
  checked.invoice.lines.forEach((line, index) => {
    const stated = asMinor(statedLineAmounts[index]);
    if (stated !== undefined && stated !== line.netMinor) {
      problems.push({ path: `cac:InvoiceLine[${index + 1}]/cbc:LineExtensionAmount`, message: `The line amount is not quantity × price (${(line.netMinor / 10 ** digits).toFixed(digits)})` });
    }
  });
  const statedTax = asMinor(amount(child(first(child(invoice, 'TaxTotal')), 'TaxAmount'), 'cac:TaxTotal/cbc:TaxAmount'));
  if (statedTax !== undefined && statedTax !== checked.invoice.taxMinor) {
    problems.push({ path: 'cac:TaxTotal/cbc:TaxAmount', message: `The tax does not add up: the rates give ${(checked.invoice.taxMinor / 10 ** digits).toFixed(digits)}` });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, input, invoice: checked.invoice };
}

function refuse(path: string, message: string): UblReading {
  return { ok: false, problems: [{ path, message }] };
}
