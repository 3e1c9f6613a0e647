import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseUblInvoice } from '#domain/ubl-invoice.ts';

const PROJECT = '0b0c3a51-6f0e-4a43-9a59-2d3f7b0d6f10';
const SAMPLE = readFileSync(new URL('../fixtures/ubl/invoice-en16931.xml', import.meta.url), 'utf8').replaceAll('{{PROJECT_ID}}', PROJECT);

describe('parseUblInvoice', () => {
  it('reads an EN 16931 invoice into the invoice model, checked', () => {
    const reading = parseUblInvoice(SAMPLE);

    expect(reading.ok).toBe(true);
    if (!reading.ok) return;
    expect(reading.invoice).toMatchObject({
      vendor: { key: 'id:northwind', name: 'Northwind Consulting GmbH', email: 'billing@northwind.example', taxId: 'DE811234567' },
      invoiceNumber: 'RE-2026/0815',
      normalisedNumber: 're20260815',
      issueDate: '2026-11-02',
      dueDate: '2026-12-02',
      currency: 'EUR',
      netMinor: 138_000,
      taxMinor: 26_220,
      totalMinor: 164_220,
    });
    expect(reading.invoice.lines.map((line) => [line.description, line.quantity, line.projectId, line.poNumber])).toEqual([
      ['Architecture review', '10', PROJECT, 'PO-2026-041'],
      ['Workshop facilitation', '1.5', PROJECT, 'PO-2026-041'],
    ]);
  });

  it('refuses a wrong total, naming the element', () => {
    const reading = parseUblInvoice(SAMPLE.replace('<cbc:TaxInclusiveAmount currencyID="EUR">1642.20', '<cbc:TaxInclusiveAmount currencyID="EUR">1642.21'));

    expect(!reading.ok && reading.problems).toEqual([{ path: 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount', message: expect.stringContaining('not 1642.21') }]);
  });

  it('refuses a line amount that is not quantity × price, naming the line', () => {
    const reading = parseUblInvoice(SAMPLE.replace('<cbc:LineExtensionAmount currencyID="EUR">180.00', '<cbc:LineExtensionAmount currencyID="EUR">181.00'));

    expect(!reading.ok && reading.problems.map((problem) => problem.path)).toEqual(['cac:InvoiceLine[2]/cbc:LineExtensionAmount']);
  });

  it('names a line without a project id by its accounting cost element', () => {
    const reading = parseUblInvoice(SAMPLE.replace(`<cbc:AccountingCost>${PROJECT}</cbc:AccountingCost>`, ''));

    expect(!reading.ok && reading.problems.map((problem) => problem.path)).toEqual(['cac:InvoiceLine[1]/cbc:AccountingCost']);
  });

  it('refuses an invoice outside the EN 16931 profile', () => {
    const reading = parseUblInvoice(SAMPLE.replace(/<cbc:CustomizationID>[^<]*/, '<cbc:CustomizationID>urn:example:other'));

    expect(!reading.ok && reading.problems.map((problem) => problem.path)).toEqual(['cbc:CustomizationID']);
  });

  it('refuses a credit note by name', () => {
    const reading = parseUblInvoice('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"><ID>1</ID></CreditNote>');

    expect(!reading.ok && reading.problems.map((problem) => problem.path)).toEqual(['CreditNote']);
  });

  it('refuses malformed XML', () => {
    const reading = parseUblInvoice('<Invoice><cbc:ID>1</Invoice>');

    expect(!reading.ok && reading.problems[0]?.message).toMatch(/not well-formed/);
  });

  it('refuses a document type declaration, whose entities could expand', () => {
    const reading = parseUblInvoice(`<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "aaaaaaaaaa">]>${SAMPLE.replace(/^<\?xml[^>]*>/, '')}`);

    expect(!reading.ok && reading.problems[0]?.message).toMatch(/document type declaration/);
  });

  it('refuses an amount in another currency than the document’s', () => {
    const reading = parseUblInvoice(SAMPLE.replace('<cbc:PriceAmount currencyID="EUR">120.00</cbc:PriceAmount>', '<cbc:PriceAmount currencyID="USD">120.00</cbc:PriceAmount>'));

    expect(!reading.ok && reading.problems.map((problem) => problem.path)).toEqual(['cac:InvoiceLine[1]/cac:Price/cbc:PriceAmount']);
  });
});
