import * as z from 'zod';

/** ISO 4217 codes this runtime knows; validating against them rejects typos such as "EURO". */
const CURRENCY_CODES = new Set(Intl.supportedValuesOf('currency'));

/** The upper bound of an amount: anything above it is a data-entry error. */
export const MAX_ESTIMATED_COST = 1_000_000_000_000;

/** An amount in a currency, as entered (major units with up to two decimals). */
export const MoneySchema = z
  .object({
    amount: z
      .number({ error: (issue) => (issue.input === undefined ? 'Enter an amount' : 'Enter the amount as a number, such as 120000') })
      .finite('Enter an amount')
      .positive('Enter an amount greater than zero')
      .max(MAX_ESTIMATED_COST, 'Enter a smaller amount'),
    currency: z
      .string({ error: 'Enter a currency code such as EUR' })
      .trim()
      .toUpperCase()
      .refine((code) => CURRENCY_CODES.has(code), { message: 'Enter an ISO 4217 currency code such as EUR' }),
  })
  .superRefine((money, ctx) => {
    if (!CURRENCY_CODES.has(money.currency)) return;
    // The number as its shortest decimal text: 1e-9 and 5e-324 are not amounts anyone writes, and
    // 0.1 + 0.2 has more digits than any currency's minor unit.
    const digits = minorUnitDigits(money.currency);
    const match = /^\d+(?:\.(\d+))?$/.exec(String(money.amount));
    if (!match || (match[1]?.length ?? 0) > digits) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: digits === 0 ? `Enter a whole number of ${money.currency}` : `Use at most ${digits} decimal place${digits === 1 ? '' : 's'} for ${money.currency}`,
      });
    }
  });

/** How many digits a currency's minor unit has (Intl's maximumFractionDigits): JPY 0, EUR 2, KWD 3; 2 for a code Intl refuses. */
export function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // Not a currency code at all: the schema names that field's problem.
    return 2;
  }
}
export type Money = z.infer<typeof MoneySchema>;

const DECIMAL = /^(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * An amount in major units (a number as JSON carries it, or a decimal string) as integer minor
 * units of its currency. Works on the decimal digits, not by multiplying floats (0.29 × 100 is
 * 28.999999999999996); a fraction finer than the minor unit rounds half up (100.5 JPY → 101).
 */
export function toMinorUnits(amount: number | string, currency: string): number {
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const match = DECIMAL.exec(text);
  if (!match || (typeof amount === 'number' && !Number.isFinite(amount))) {
    throw new RangeError(`Not an amount: ${text}`);
  }
  const [, whole = '', fraction = '', exponent = '0'] = match;
  // digits × 10^scale is the amount in minor units.
  const digits = BigInt(`${whole}${fraction}`);
  const scale = Number(exponent) - fraction.length + minorUnitDigits(currency);
  let minor: bigint;
  if (scale >= 0) {
    minor = digits * 10n ** BigInt(scale);
  } else {
    const divisor = 10n ** BigInt(-scale);
    minor = digits / divisor + ((digits % divisor) * 2n >= divisor ? 1n : 0n);
  }
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`Amount too large: ${text} ${currency}`);
  return Number(minor);
}

/** The exact decimal text of an amount in minor units: 1234567 JPY → "1234567", 1234567 KWD → "1234.567". */
export function minorToDecimalText(amountMinor: number, currency: string): `${number}` {
  const digits = minorUnitDigits(currency);
  if (digits === 0) return `${amountMinor}`;
  const padded = String(amountMinor).padStart(digits + 1, '0');
  return `${padded.slice(0, -digits)}.${padded.slice(-digits)}` as `${number}`;
}

/** Money as it is stored: integer minor units of its currency, never a binary fraction. */
export interface StoredMoney {
  readonly amountMinor: number;
  readonly currency: string;
}

/** An entered amount as stored. */
export function toStoredMoney(money: Money): StoredMoney {
  return { amountMinor: toMinorUnits(money.amount, money.currency), currency: money.currency };
}

/** A stored amount as the decimal people enter and read. */
export function fromStoredMoney(money: StoredMoney): Money {
  return { amount: Number(minorToDecimalText(money.amountMinor, money.currency)), currency: money.currency };
}
