import { describe, expect, it } from 'vitest';
import { budgetMatch, normaliseInvoiceNumber, poMatch, suspectedDuplicates, vendorKey, vendorNamesNearlyIdentical, type DuplicateCandidate } from '#domain/invoice.ts';

describe('normaliseInvoiceNumber', () => {
  it.each([
    ['INV-2026/001', 'inv2026001'],
    [' inv 2026 001 ', 'inv2026001'],
    ['Inv.2026.001', 'inv2026001'],
    ['ＩＮＶ２０２６００１', 'inv2026001'],
    ['RE-Nr. 4711', 'renr4711'],
  ])('reads %j as %j', (text, normalised) => {
    expect(normaliseInvoiceNumber(text)).toBe(normalised);
  });

  it('keeps leading zeros, which make another number', () => {
    expect(normaliseInvoiceNumber('001')).not.toBe(normaliseInvoiceNumber('1'));
  });
});

describe('vendorKey', () => {
  it('is the vendor id when one is given', () => {
    expect(vendorKey({ id: 'ACME-01', name: 'Acme GmbH', taxId: 'DE123456789' })).toBe('id:acme-01');
  });

  it('is the tax id, letters and digits only, without an id', () => {
    expect(vendorKey({ name: 'Acme GmbH', taxId: 'de 123 456 789' })).toBe('tax:DE123456789');
  });

  it('is the name without its legal form otherwise', () => {
    expect(vendorKey({ name: 'ACME GmbH.' })).toBe(vendorKey({ name: 'Acme' }));
  });
});

describe('vendorNamesNearlyIdentical', () => {
  it.each([
    ['Acme GmbH', 'ACME Gmbh.', true],
    ['Müller Bau AG', 'Muller Bau', true],
    ['Northwind Traders Ltd', 'Northwind Tradres Limited', true],
    ['Northwind Traders', 'Southwind Traders', false],
    ['Acme', 'Apex', false],
  ])('%j and %j: %s', (a, b, nearly) => {
    expect(vendorNamesNearlyIdentical(a, b)).toBe(nearly);
  });
});

describe('suspectedDuplicates', () => {
  const base: DuplicateCandidate = {
    id: 'new',
    vendor: { key: 'tax:DE1', name: 'Acme GmbH' },
    normalisedNumber: 'inv7',
    issueDate: '2026-11-10',
    currency: 'EUR',
    totalMinor: 144_000,
    status: 'VALIDATED',
  };

  it('finds the same vendor and total issued within the window', () => {
    const other = { ...base, id: 'old', normalisedNumber: 'inv6', issueDate: '2026-11-03' };

    expect(suspectedDuplicates(base, [other], 7)).toEqual([{ invoiceId: 'old', reason: 'Same vendor and total as invoice old, issued 7 days apart' }]);
  });

  it('leaves out the same total issued further apart', () => {
    const other = { ...base, id: 'old', normalisedNumber: 'inv6', issueDate: '2026-11-02' };

    expect(suspectedDuplicates(base, [other], 7)).toEqual([]);
  });

  it('finds the same number from a vendor with a nearly identical name under another key', () => {
    const other = { ...base, id: 'old', vendor: { key: 'name:acme', name: 'ACME Gmbh.' }, totalMinor: 1 };

    expect(suspectedDuplicates(base, [other], 7).map((found) => found.invoiceId)).toEqual(['old']);
  });

  it('ignores refused duplicates and the invoice itself', () => {
    expect(suspectedDuplicates(base, [{ ...base }, { ...base, id: 'refused', status: 'DUPLICATE' }], 7)).toEqual([]);
  });
});

describe('budgetMatch', () => {
  const words = { projectId: 'p', title: 'Portal', currency: 'EUR' };

  it('fits an amount within budget − actuals − committed', () => {
    // 100,000.00 − 60,000.00 − 30,000.00 = 10,000.00 left; 10,000.00 fits exactly.
    expect(budgetMatch({ budgetMinor: 10_000_000, actualsMinor: 6_000_000, committedMinor: 3_000_000 }, 1_000_000, 'stop', words)).toEqual({ remainingMinor: 1_000_000, withinBudget: true });
  });

  it('stops an amount beyond it under a stop gate', () => {
    const match = budgetMatch({ budgetMinor: 10_000_000, actualsMinor: 6_000_000, committedMinor: 3_000_000 }, 1_000_001, 'stop', words);

    expect(match.flag).toEqual({ code: 'over-budget', projectId: 'p', message: '“Portal” has 10000.00 EUR of its budget left; this invoice puts 10000.01 on it' });
  });

  it('only warns under a warn gate', () => {
    expect(budgetMatch({ budgetMinor: 100, actualsMinor: 100, committedMinor: 0 }, 1, 'warn', words).flag?.code).toBe('budget-warning');
  });
});

describe('poMatch', () => {
  const po = { poNumber: 'PO-7', projectId: 'p', currency: 'EUR', amountMinor: 1_000_000, invoicedMinor: 600_000 };

  it('accepts up to the remaining balance plus the tolerance', () => {
    // 10,000.00 − 6,000.00 = 4,000.00 left, plus 2 % of 10,000.00 = 200.00: 4,200.00 fits.
    expect(poMatch(po, 420_000, 'EUR', 'p', 2)).toEqual({ ok: true });
  });

  it('refuses a cent more', () => {
    expect(poMatch(po, 420_001, 'EUR', 'p', 2).ok).toBe(false);
  });

  it('refuses a PO of another project or currency', () => {
    expect([poMatch(po, 1, 'EUR', 'q', 2).ok, poMatch(po, 1, 'USD', 'p', 2).ok]).toEqual([false, false]);
  });
});
