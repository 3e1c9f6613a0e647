/**
 * Adds the shipped calendars to a new local stack at start, through the same service the
 * functions use on AWS at their first need of a calendar (so both runtimes seed alike). Imported
 * once the stack has pointed the SDK at its stand-ins.
 */
export async function seedHolidayCalendars(now: Date = new Date()): Promise<void> {
  const { ensureShippedCalendars } = await import('#services/working-time-service.ts');
  await ensureShippedCalendars(now);
}
