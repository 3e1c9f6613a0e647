import type { Holiday } from '#domain/working-time.ts';

// The days of a holiday calendar as the PMO types them in the page's text box: one line a day,
// `YYYY-MM-DD Name`, with ` (half)` at the end for half a day off. Blank lines are left out.

const HALF_MARK = '(half)';

/** The days as text, one line a day. */
export function holidayDaysText(days: readonly Holiday[]): string {
  return days.map((day) => `${day.date} ${day.name}${day.half ? ` ${HALF_MARK}` : ''}`).join('\n');
}

/** The days read from the text (unchecked: the calendar's schema checks them), with the line each came from. */
export interface TypedHolidayDays {
  readonly days: { date: string; name: string; half?: true }[];
  /** The line number (from 1) of each day, to name it in a refusal. */
  readonly lines: number[];
}

export function parseHolidayDaysText(text: string): TypedHolidayDays {
  const days: TypedHolidayDays['days'] = [];
  const lines: number[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const [date = '', ...words] = line.split(/\s+/);
    let name = words.join(' ');
    const half = name.toLowerCase().endsWith(HALF_MARK);
    if (half) name = name.slice(0, -HALF_MARK.length).trim();
    days.push({ date, name, ...(half ? { half: true as const } : {}) });
    lines.push(index + 1);
  });
  return { days, lines };
}
