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
