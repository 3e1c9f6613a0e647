import type { Money } from './proposal.ts';

/** An amount in its currency, as a reader of that currency expects it (en-GB separators). */
export function formatMoney(money: Money): string {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: money.currency }).format(money.amount);
}

function zoneNamePart(date: Date, timeZone: string, style: 'short' | 'shortOffset'): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: style }).formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/** The zone's offset from UTC at that moment: `UTC+1`, `UTC-5`, `UTC+5:30`, `UTC+0`. */
function utcOffset(date: Date, timeZone: string): string {
  const offset = zoneNamePart(date, timeZone, 'shortOffset').replace(/^GMT/, '');
  return `UTC${offset === '' ? '+0' : offset}`;
}

/**
 * A date-time for people, in a time zone (the organisation's: the caller passes it), with the
 * zone's abbreviation where it has one and always its offset, so readers elsewhere can convert it:
 * `23 Nov 2026, 15:05 CET (UTC+1)`, `23 Nov 2026, 09:05 (UTC-5)`, `23 Nov 2026, 14:05 UTC`.
 */
export function formatDateTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  const dateTime = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(date);
  const name = zoneNamePart(date, timeZone, 'short');
  const offset = utcOffset(date, timeZone);
  if (name === 'UTC' && offset === 'UTC+0') return `${dateTime} UTC`;
  // Without an abbreviation the short name is the offset itself ("GMT-5"): say it once.
  if (/^(GMT|UTC)[+-]/.test(name)) return `${dateTime} (${offset})`;
  return `${dateTime} ${name} (${offset})`;
}

/** A calendar date for people: `23 Nov 2026`. */
export function formatDate(isoDate: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** How long ago something happened, as a PMO counts it: `under an hour`, `5 hours`, `1 day`, `3 days`. */
export function formatAge(sinceIso: string, now: Date): string {
  const elapsed = Math.max(0, now.getTime() - new Date(sinceIso).getTime());
  if (elapsed < HOUR_MS) return 'under an hour';
  if (elapsed < DAY_MS) {
    const hours = Math.floor(elapsed / HOUR_MS);
    return hours === 1 ? '1 hour' : `${hours} hours`;
  }
  const days = Math.floor(elapsed / DAY_MS);
  return days === 1 ? '1 day' : `${days} days`;
}
