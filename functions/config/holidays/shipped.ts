import deBe from './de-be.json' with { type: 'json' };
import gbEng from './gb-eng.json' with { type: 'json' };

/**
 * The public-holiday calendars shipped with the product, bundled into the functions so that a
 * deployed stack has them from its first request (a file added here is listed here too: a unit
 * test compares this list with the folder).
 */
export const SHIPPED_CALENDAR_FILES: Readonly<Record<string, unknown>> = {
  'de-be.json': deBe,
  'gb-eng.json': gbEng,
};
