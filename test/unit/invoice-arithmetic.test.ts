import { describe, expect, it } from 'vitest';
import { amountsByProject, checkInvoice, InvoiceInputSchema, minorToText, type InvoiceInput } from '#domain/invoice.ts';

const PORTAL = '0b0c3a51-6f0e-4a43-9a59-2d3f7b0d6f10';
const CRM = '5f4c1a2e-1b7d-4c1e-8b2a-9e8f7d6c5b4a';

function invoice(overrides: Partial<InvoiceInput> = {}): InvoiceInput {
  return {
    vendor: { name: 'Acme GmbH', email: 'billing@acme.example' },
    invoiceNumber: 'INV-2026/001',
    issueDate: '2026-11-02',
    dueDate: '2026-12-02',
    currency: 'EUR',
    lines: [{ description: 'Consulting', quantity: 10, unitPrice: 120, taxRate: 20, projectId: PORTAL }],
    total: 1440,
    ...overrides,
  };
}

function check(input: InvoiceInput) {
  return checkInvoice(InvoiceInputSchema.parse(input));
}

describe('checkInvoice', () => {
  it('accepts a total that is the nets plus the tax: 10 × 120.00 = 1,200.00, 20 % = 240.00, 1,440.00', () => {
    const result = check(invoice());

    expect(result.ok && [result.invoice.netMinor, result.invoice.taxMinor, result.invoice.totalMinor]).toEqual([120_000, 24_000, 144_000]);
  });

  it('refuses a total one cent off, naming total and what it adds up to', () => {
    const result = check(invoice({ total: '1440.01' }));

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([{ path: 'total', message: expect.stringContaining('1440.00 EUR in all, not 1440.01') }]);
  });

  it('rounds each line half up: 1.5 × 0.33 = 0.495 → 0.50', () => {
    // 1.5 × 0.33 = 0.495 → 0.50 (half up); 20 % of 0.50 = 0.10; total 0.60.
    const result = check(invoice({ lines: [{ description: 'Tape', quantity: '1.5', unitPrice: '0.33', taxRate: 20, projectId: PORTAL }], total: '0.60' }));

    expect(result.ok && [result.invoice.lines[0]!.netMinor, result.invoice.taxMinor]).toEqual([50, 10]);
  });

  it('rounds tax once per rate, not per line: seven lines of 0.04 at 19 % pay 0.05, not 7 × 0.01', () => {
    // Per rate: 19 % of 0.28 = 0.0532 → 0.05. Rounded per line it would be 7 × round(0.0076) = 0.07.
    // The invoice states 0.28 + 0.05 = 0.33.
    const lines = Array.from({ length: 7 }, () => ({ description: 'Bolt', quantity: 1, unitPrice: '0.04', taxRate: 19, projectId: PORTAL }));

    const result = check(invoice({ lines, total: '0.33' }));

    expect(result.ok && result.invoice.taxes).toEqual([{ rate: 19, baseMinor: 28, taxMinor: 5 }]);
  });

  it('sums several rates apart, 0 % among them', () => {
    // 19 % of 100.00 = 19.00; 7 % of 50.00 = 3.50; 0 % of 25.00 = 0; total 175.00 + 22.50 = 197.50.
    const result = check(
      invoice({
        lines: [
          { description: 'Licence', quantity: 1, unitPrice: 100, taxRate: 19, projectId: PORTAL },
          { description: 'Books', quantity: 2, unitPrice: 25, taxRate: 7, projectId: CRM },
          { description: 'Export service', quantity: 1, unitPrice: 25, taxRate: 0, projectId: CRM },
        ],
        total: '197.50',
      }),
    );

    expect(result.ok && result.invoice.taxes).toEqual([
      { rate: 0, baseMinor: 2500, taxMinor: 0 },
      { rate: 7, baseMinor: 5000, taxMinor: 350 },
      { rate: 19, baseMinor: 10000, taxMinor: 1900 },
    ]);
  });

  it('works in yen, which has no minor unit: 3 × 333 = 999, 10 % = 99.9 → 100, total 1,099', () => {
    const result = check(invoice({ currency: 'JPY', lines: [{ description: 'Cables', quantity: 3, unitPrice: 333, taxRate: 10, projectId: PORTAL }], total: 1099 }));

    expect(result.ok && [result.invoice.netMinor, result.invoice.taxMinor, result.invoice.totalMinor]).toEqual([999, 100, 1099]);
  });

  it('refuses yen with decimals, naming the field', () => {
    const result = check(invoice({ currency: 'JPY', lines: [{ description: 'Cables', quantity: 1, unitPrice: '10.5', projectId: PORTAL }], total: 11 }));

    expect(!result.ok && result.problems).toEqual([{ path: 'lines.0.unitPrice', message: 'Use a whole number of JPY' }]);
  });

  it('works in dinars, which have three decimals: 2 × 1.125 = 2.250, 5 % = 0.1125 → 0.113, total 2.363', () => {
    const result = check(invoice({ currency: 'KWD', lines: [{ description: 'Service', quantity: 2, unitPrice: '1.125', taxRate: 5, projectId: PORTAL }], total: '2.363' }));

    expect(result.ok && [result.invoice.netMinor, result.invoice.taxMinor, result.invoice.totalMinor]).toEqual([2250, 113, 2363]);
  });

  it('refuses a quantity with more than three decimals', () => {
    const result = check(invoice({ lines: [{ description: 'Hours', quantity: '1.2345', unitPrice: 100, projectId: PORTAL }], total: '123.45' }));

    expect(!result.ok && result.problems.map((problem) => problem.path)).toEqual(['lines.0.quantity']);
  });

  it('refuses an amount written with an exponent or a sign', () => {
    const result = check(invoice({ lines: [{ description: 'Hours', quantity: 1, unitPrice: '1e3', projectId: PORTAL }], total: '-1000' }));

    expect(!result.ok && result.problems.map((problem) => problem.path)).toEqual(['lines.0.unitPrice', 'total']);
  });

  it('refuses a due date before the issue date', () => {
    const result = check(invoice({ dueDate: '2026-11-01' }));

    expect(!result.ok && result.problems.map((problem) => problem.path)).toEqual(['dueDate']);
  });
});

describe('amountsByProject', () => {
  it('gives each project its nets and its share of the tax, adding up to the total', () => {
    // Rate 20 %: portal 100.00, crm 50.01 → base 150.01, tax 30.00 (30.002 → 30.00); portal's share
    // round(3000 × 10000 / 15001) = 2000 (19.9987 → 20.00), crm takes the rest, 10.00.
    const result = check(
      invoice({
        lines: [
          { description: 'A', quantity: 1, unitPrice: 100, taxRate: 20, projectId: PORTAL },
          { description: 'B', quantity: 1, unitPrice: '50.01', taxRate: 20, projectId: CRM },
        ],
        total: '180.01',
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));

    const amounts = amountsByProject(result.invoice);

    expect(Object.fromEntries(amounts)).toEqual({ [PORTAL]: 12_000, [CRM]: 6_001 });
    expect([...amounts.values()].reduce((sum, amount) => sum + amount, 0)).toBe(result.invoice.totalMinor);
  });
});

describe('minorToText', () => {
  it.each([
    [12050, 'EUR', '120.50'],
    [5, 'EUR', '0.05'],
    [1099, 'JPY', '1099'],
    [2363, 'KWD', '2.363'],
  ])('writes %i %s as %s', (minor, currency, text) => {
    expect(minorToText(minor, currency)).toBe(text);
  });
});
