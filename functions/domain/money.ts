import * as z from 'zod';

/** ISO 4217 codes this runtime knows; validating against them rejects typos such as "EURO". */
const CURRENCY_CODES = new Set(Intl.supportedValuesOf('currency'));

/** The upper bound of an amount: anything above it is a data-entry error. */
export const MAX_ESTIMATED_COST = 1_000_000_000_000;

/** An amount in a currency, as entered (major units with up to two decimals). */
export const MoneySchema = z.object({
  amount: z
    .number({ error: (issue) => (issue.input === undefined ? 'Enter an amount' : 'Enter the amount as a number, such as 120000') })
    .finite('Enter an amount')
    .positive('Enter an amount greater than zero')
    .max(MAX_ESTIMATED_COST, 'Enter a smaller amount')
    .refine((amount) => Number.isInteger(Math.round(amount * 100)) && Math.abs(amount * 100 - Math.round(amount * 100)) < 1e-6, {
      message: 'Use at most two decimal places',
    }),
  currency: z
    .string({ error: 'Enter a currency code such as EUR' })
    .trim()
    .toUpperCase()
    .refine((code) => CURRENCY_CODES.has(code), { message: 'Enter an ISO 4217 currency code such as EUR' }),
});
export type Money = z.infer<typeof MoneySchema>;
