import { readdir, readFile } from 'node:fs/promises';
import { HolidayCalendarSchema, type HolidayCalendar } from '#domain/working-time.ts';

/** The public-holiday calendars shipped with the product, one JSON file per region. */
export const SHIPPED_CALENDARS_DIR = new URL('../../functions/config/holidays/', import.meta.url);

/** The shipped calendars, checked as the API checks a calendar; a file's name is its calendar's id. */
export async function shippedHolidayCalendars(): Promise<HolidayCalendar[]> {
  const files = (await readdir(SHIPPED_CALENDARS_DIR)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const calendar = HolidayCalendarSchema.parse(JSON.parse(await readFile(new URL(file, SHIPPED_CALENDARS_DIR), 'utf8')));
      if (`${calendar.id}.json` !== file) throw new Error(`The holiday calendar in ${file} has the id ${calendar.id}; name the file after its id`);
      return calendar;
    }),
  );
}

/**
 * Seeds the shipped calendars into a table that has none (a new local stack), as the demo
 * directory is seeded; once there, the calendars are the PMO's to edit and are never seeded over.
 * The repository is imported here, once the stack has pointed the SDK at its stand-ins.
 */
export async function seedHolidayCalendars(log: (message: string) => void, now: Date = new Date()): Promise<void> {
  const { holidayCalendarRepository } = await import('#adapters/holiday-calendar-repository.ts');
  if (!(await holidayCalendarRepository.isEmpty())) return;
  const calendars = await shippedHolidayCalendars();
  for (const calendar of calendars) await holidayCalendarRepository.put(calendar, now);
  log(`Seeded the holiday calendars (${calendars.map((calendar) => calendar.id).join(', ')})`);
}
