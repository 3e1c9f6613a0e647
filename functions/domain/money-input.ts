// An amount typed by a person, read without guessing. `120.000` is 120 in one country and 120000
// in the next, so a separator followed by exactly three digits, on its own, is refused rather than
// read either way; everything accepted has exactly one reading, whatever the currency.

import { minorUnitDigits } from './money.ts';

/** A typed amount that has one reading: in minor units (cents), and as a decimal string. */
export interface MoneyInputAmount {
  readonly ok: true;
  /** The amount in the currency's minor units: 12000000 for EUR 120000.00, 120000 for JPY 120000. */
  readonly minorUnits: number;
  /** The amount with exactly the currency's minor-unit digits and a decimal point: `120000.00`. */
  readonly decimal: string;
  /** The amount in major units, as the proposal input carries it: 120000. */
  readonly amount: number;
}

/** A typed amount that was refused, with a message that says how to write it. */
export interface MoneyInputProblem {
  readonly ok: false;
  readonly message: string;
}

export type MoneyInputResult = MoneyInputAmount | MoneyInputProblem;

/**
 * Where the currency's own way of writing amounts comes from (CLDR, through Intl). A currency not
 * listed is written as in `en-US`: the examples in messages use it, and the only convention that
 * depends on it is a currency's own digit grouping (INR's `1,20,000`).
 */
const WRITING_LOCALES: Readonly<Record<string, string>> = {
  EUR: 'de-DE',
  CHF: 'de-CH',
  SEK: 'sv-SE',
  NOK: 'nb-NO',
  DKK: 'da-DK',
  PLN: 'pl-PL',
  CZK: 'cs-CZ',
  HUF: 'hu-HU',
  GBP: 'en-GB',
  INR: 'en-IN',
};

interface CurrencyWriting {
  readonly code: string;
  readonly locale: string;
  /** Digits after the decimal separator: JPY 0, EUR 2, KWD 3. */
  readonly fractionDigits: number;
  /** The size of the groups before the last group of three (2 for INR's lakh grouping). */
  readonly secondaryGroupSize: number;
}


function writingOf(currency: string): CurrencyWriting {
  const code = currency.trim().toUpperCase();
  const locale = WRITING_LOCALES[code] ?? 'en-US';
  const groups = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })
    .formatToParts(123_456_789)
    .filter((part) => part.type === 'integer')
    .map((part) => part.value.length);
  return { code, locale, fractionDigits: minorUnitDigits(code), secondaryGroupSize: groups.length >= 3 ? groups.at(-2)! : 3 };
}

/** `120000` as the currency writes it with grouping and its minor-unit digits: `120.000,00`, `1,20,000.00`, `120,000`. */
function grouped(integerDigits: string, writing: CurrencyWriting): string {
  return new Intl.NumberFormat(writing.locale, { minimumFractionDigits: writing.fractionDigits, maximumFractionDigits: writing.fractionDigits })
    .format(BigInt(integerDigits))
    .replace(/[\u00a0\u202f]/g, ' ');
}

/** "Write 120000 or 120000.00 (no thousands separators), or 120.000,00". */
function howToWrite(integerDigits: string, writing: CurrencyWriting): string {
  const plain = writing.fractionDigits > 0 ? `${integerDigits} or ${integerDigits}.${'0'.repeat(writing.fractionDigits)}` : integerDigits;
  return `Write ${plain} (no thousands separators), or ${grouped(integerDigits, writing)}`;
}

function refuse(message: string): MoneyInputProblem {
  return { ok: false, message };
}

const EXAMPLE_DIGITS = '120000';
const SPACES = /[\u0020\u00a0\u202f\u2009]/g;
const APOSTROPHES = /['\u2019\u02bc]/g;

/** A first group of digit grouping: one to `size` digits, not starting with 0. */
function isLeadingGroup(digits: string, size = 3): boolean {
  return digits.length <= size && /^[1-9]/.test(digits);
}

/** Whether runs of digits between group separators are grouped in threes, or in the currency's own way. */
function isGrouping(runs: readonly string[], writing: CurrencyWriting): boolean {
  const [first, ...rest] = runs;
  if (first === undefined || rest.length === 0) return false;
  const inThrees = isLeadingGroup(first) && rest.every((run) => run.length === 3);
  const secondary = writing.secondaryGroupSize;
  const inOwnWay =
    secondary !== 3 && isLeadingGroup(first, secondary) && rest.slice(0, -1).every((run) => run.length === secondary) && rest.at(-1)!.length === 3;
  return inThrees || inOwnWay;
}

function withoutLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** "1.234" for the decimal reading of `1,234` or `1.234`; "120" for `120.000`. */
function decimalReading(whole: string, fraction: string): string {
  const significant = fraction.replace(/0+$/, '');
  return `${withoutLeadingZeros(whole)}${significant ? `.${significant}` : ''}`;
}

function amountOf(integerRuns: readonly string[], fraction: string, writing: CurrencyWriting): MoneyInputResult {
  const integerDigits = withoutLeadingZeros(integerRuns.join(''));
  if (fraction.length > writing.fractionDigits) {
    const rule =
      writing.fractionDigits === 0
        ? `${writing.code} amounts have no decimal places`
        : `Use at most ${writing.fractionDigits} decimal places for ${writing.code}`;
    return refuse(`${rule}. ${howToWrite(integerDigits, writing)}`);
  }
  const paddedFraction = fraction.padEnd(writing.fractionDigits, '0');
  const minor = BigInt(`${integerDigits}${paddedFraction}`);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return refuse('Enter a smaller amount');
  const decimal = paddedFraction ? `${integerDigits}.${paddedFraction}` : integerDigits;
  return { ok: true, minorUnits: Number(minor), decimal, amount: Number(decimal) };
}

/**
 * Reads an amount typed in `currency`. Accepted: plain digits with an optional decimal part
 * (`120000`, `120000.50`, `120000,50`), and digits grouped in threes by `.` `,` space (also
 * no-break spaces) or apostrophe, with a decimal part after the other separator (`120.000,50`,
 * `120,000.50`, `120 000,50`, `120'000.50`), or grouped as the currency itself groups (INR
 * `1,20,000.50`). The decimal part has at most the currency's minor-unit digits (JPY none, EUR
 * two, KWD three). Refused: signs, exponents, letters and symbols, and anything with two readings
 * (`120.000`, `1,234`: one separator followed by exactly three digits), each with a message that
 * shows how to write the amount.
 */
export function parseMoneyInput(text: string, currency: string): MoneyInputResult {
  const writing = writingOf(currency);
  const typed = text.trim();
  if (typed === '') return refuse('Enter an amount');
  const normalised = typed.replace(SPACES, ' ').replace(APOSTROPHES, "'");

  if (/^[+\-\u2212]/.test(normalised)) return refuse(`Leave out the sign. ${howToWrite(EXAMPLE_DIGITS, writing)}`);
  if (/\d[eE][+-]?\d/.test(normalised)) return refuse(`Leave out the exponent (such as e6). ${howToWrite(EXAMPLE_DIGITS, writing)}`);
  if (!/^\d+(?:[.,' ]\d+)*$/.test(normalised)) {
    return refuse(`Use digits, with at most one separator between two of them: no letters or currency symbols. ${howToWrite(EXAMPLE_DIGITS, writing)}`);
  }

  const runs = normalised.split(/[.,' ]/);
  const separators = normalised.match(/[.,' ]/g) ?? [];
  const last = separators.at(-1);
  if (last === undefined) return amountOf(runs, '', writing);

  if (separators.every((separator) => separator === last)) {
    // One kind of separator: several of them, a space or an apostrophe can only group digits.
    if (separators.length > 1 || last === ' ' || last === "'") {
      return isGrouping(runs, writing) ? amountOf(runs, '', writing) : misplacedGrouping(typed, runs.join(''), writing);
    }
    const [whole, fraction] = runs as [string, string];
    if (fraction.length === 3 && isLeadingGroup(whole)) {
      const asGrouped = withoutLeadingZeros(`${whole}${fraction}`);
      return refuse(`“${typed}” could mean ${decimalReading(whole, fraction)} or ${asGrouped}. ${howToWrite(asGrouped, writing)}`);
    }
    return amountOf([whole], fraction, writing);
  }

  // Two kinds: the last separator is the decimal one, and every one before it groups digits.
  const groupSeparators = separators.slice(0, -1);
  const group = groupSeparators[0]!;
  if ((last !== '.' && last !== ',') || groupSeparators.some((separator) => separator !== group) || group === last) {
    return refuse(`“${typed}” mixes separators. ${howToWrite(EXAMPLE_DIGITS, writing)}`);
  }
  const integerRuns = runs.slice(0, -1);
  if (!isGrouping(integerRuns, writing)) return misplacedGrouping(typed, integerRuns.join(''), writing);
  return amountOf(integerRuns, runs.at(-1)!, writing);
}

/** Refuses digits grouped otherwise than in threes (or the currency's own way), showing them written right. */
function misplacedGrouping(typed: string, integerDigits: string, writing: CurrencyWriting): MoneyInputProblem {
  const digits = withoutLeadingZeros(integerDigits);
  return refuse(`“${typed}” has its thousands separators in the wrong places. ${howToWrite(digits.length <= 15 ? digits : EXAMPLE_DIGITS, writing)}`);
}
