import { describe, expect, it } from 'vitest';
import { minorUnitDigits } from '#domain/money.ts';
import { parseMoneyInput } from '#domain/money-input.ts';

const NBSP = '\u00a0';
const NARROW_NBSP = '\u202f';

describe('parseMoneyInput', () => {
  describe('reads an amount with one reading', () => {
    it.each([
      // typed, currency, minor units, decimal string
      ['120000', 'EUR', 12_000_000, '120000.00'],
      ['120000.50', 'EUR', 12_000_050, '120000.50'],
      ['120000,50', 'EUR', 12_000_050, '120000.50'],
      ['120000,5', 'EUR', 12_000_050, '120000.50'],
      ['120.000,00', 'EUR', 12_000_000, '120000.00'],
      ['120.000,50', 'EUR', 12_000_050, '120000.50'],
      ['1.234.567', 'EUR', 123_456_700, '1234567.00'],
      ['1.234.567,89', 'EUR', 123_456_789, '1234567.89'],
      ['120 000,50', 'EUR', 12_000_050, '120000.50'],
      [`120${NBSP}000,50`, 'EUR', 12_000_050, '120000.50'],
      [`120${NARROW_NBSP}000,50`, 'SEK', 12_000_050, '120000.50'],
      ['120 000', 'NOK', 12_000_000, '120000.00'],
      ['120,000.50', 'USD', 12_000_050, '120000.50'],
      ['1,234,567', 'USD', 123_456_700, '1234567.00'],
      ['120,000.50', 'GBP', 12_000_050, '120000.50'],
      ["120'000.50", 'CHF', 12_000_050, '120000.50'],
      ['120\u2019000.50', 'CHF', 12_000_050, '120000.50'],
      ['1,20,000.50', 'INR', 12_000_050, '120000.50'],
      ['120000', 'JPY', 120_000, '120000'],
      ['1234.567', 'KWD', 1_234_567, '1234.567'],
      ['1.234,567', 'KWD', 1_234_567, '1234.567'],
      ['0.500', 'KWD', 500, '0.500'],
      ['  85000  ', 'EUR', 8_500_000, '85000.00'],
      ['0085000', 'EUR', 8_500_000, '85000.00'],
    ] as const)('%j in %s', (typed, currency, minorUnits, decimal) => {
      const result = parseMoneyInput(typed, currency);

      expect(result).toEqual({ ok: true, minorUnits, decimal, amount: Number(decimal) });
    });
  });

  describe('refuses, saying how to write it', () => {
    it.each([
      // typed, currency, what the message must say
      ['120.000', 'EUR', '“120.000” could mean 120 or 120000. Write 120000 or 120000.00 (no thousands separators), or 120.000,00'],
      ['120,000', 'EUR', '“120,000” could mean 120 or 120000. Write 120000 or 120000.00 (no thousands separators), or 120.000,00'],
      ['1,234', 'USD', '“1,234” could mean 1.234 or 1234. Write 1234 or 1234.00 (no thousands separators), or 1,234.00'],
      ['1.234', 'USD', '“1.234” could mean 1.234 or 1234. Write 1234 or 1234.00 (no thousands separators), or 1,234.00'],
      ['120,000', 'JPY', '“120,000” could mean 120 or 120000. Write 120000 (no thousands separators), or 120,000'],
      ['1.234', 'KWD', '“1.234” could mean 1.234 or 1234.'],
      ['1e6', 'EUR', 'Leave out the exponent (such as e6). Write 120000 or 120000.00 (no thousands separators), or 120.000,00'],
      ['1E+6', 'USD', 'Leave out the exponent'],
      ['-500', 'EUR', 'Leave out the sign.'],
      ['+500', 'EUR', 'Leave out the sign.'],
      ['€120000', 'EUR', 'no letters or currency symbols'],
      ['120000 EUR', 'EUR', 'no letters or currency symbols'],
      ['120k', 'EUR', 'no letters or currency symbols'],
      ['.50', 'EUR', 'no letters or currency symbols'],
      ['120.', 'EUR', 'no letters or currency symbols'],
      ['120..000', 'EUR', 'no letters or currency symbols'],
      ['120000.5', 'JPY', 'JPY amounts have no decimal places. Write 120000 (no thousands separators), or 120,000'],
      ['120000.505', 'EUR', 'Use at most 2 decimal places for EUR. Write 120000 or 120000.00'],
      ['1234.5678', 'KWD', 'Use at most 3 decimal places for KWD'],
      ['12,34,567', 'EUR', '“12,34,567” has its thousands separators in the wrong places. Write 1234567 or 1234567.00 (no thousands separators), or 1.234.567,00'],
      ['1.20.000', 'EUR', 'has its thousands separators in the wrong places'],
      ['120 00', 'EUR', 'has its thousands separators in the wrong places'],
      ['1.234.567,8.9', 'EUR', 'mixes separators'],
      ['1,234 567.5', 'USD', 'mixes separators'],
      ['', 'EUR', 'Enter an amount'],
      ['   ', 'EUR', 'Enter an amount'],
      ['99999999999999999999', 'EUR', 'Enter a smaller amount'],
    ] as const)('%j in %s', (typed, currency, message) => {
      const result = parseMoneyInput(typed, currency);

      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.message).toContain(message);
    });
  });

  it('shows a currency’s own way of writing amounts in its message (CHF groups with an apostrophe)', () => {
    const result = parseMoneyInput('120.000', 'CHF');

    expect(result.ok ? undefined : result.message).toContain("or 120'000.00");
  });

  it('reads an amount in a currency code Intl does not know with two decimals, leaving the code to the schema', () => {
    expect(parseMoneyInput('120000,50', 'EURO')).toEqual({ ok: true, minorUnits: 12_000_050, decimal: '120000.50', amount: 120000.5 });
  });
});

describe('minorUnitDigits', () => {
  it.each([
    ['JPY', 0],
    ['EUR', 2],
    ['USD', 2],
    ['KWD', 3],
  ] as const)('%s has %i', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });
});
