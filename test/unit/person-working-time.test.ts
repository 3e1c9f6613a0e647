import { describe, expect, it } from 'vitest';
import { applyPersonChange, PersonChangeSchema, personFromInput, PersonInputSchema, PersonSchema, sameDirectoryEntry, type Person } from '#domain/directory.ts';

// The working-time fields of a person in the directory: all optional (the defaults live with the
// working-time service), set and removed by the PMO like the other fields.

const lena: Person = {
  email: 'lena.berg@example.org',
  name: 'Lena Berg',
  roles: [],
  active: true,
  workPattern: { mon: 8, tue: 8, wed: 8, thu: 8, fri: 0, sat: 0, sun: 0 },
  timeZone: 'Europe/Berlin',
  holidayCalendar: 'de-be',
};

function issuePaths(result: { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'));
}

describe('a new person’s working time', () => {
  it('is left out when not given, so the defaults apply', () => {
    const person = personFromInput(PersonInputSchema.parse({ email: 'kai@example.org', name: 'Kai' }));

    expect(person).toEqual({ email: 'kai@example.org', name: 'Kai', roles: [], active: true });
  });

  it('is kept as given, the time zone by its canonical name', () => {
    const person = personFromInput(
      PersonInputSchema.parse({ email: 'kai@example.org', name: 'Kai', workPattern: lena.workPattern, timeZone: 'europe/london', holidayCalendar: 'gb-eng', timesheetsRequired: false }),
    );

    expect(person).toMatchObject({ workPattern: lena.workPattern, timeZone: 'Europe/London', holidayCalendar: 'gb-eng', timesheetsRequired: false });
  });

  it.each([
    ['a pattern without Sunday', { workPattern: { mon: 8, tue: 8, wed: 8, thu: 8, fri: 8, sat: 0 } }, ['workPattern.sun']],
    ['a calendar id in capitals', { holidayCalendar: 'DE-BE' }, ['holidayCalendar']],
    ['a zone Intl does not know', { timeZone: 'Europe/Atlantis' }, ['timeZone']],
    ['a yes for timesheets', { timesheetsRequired: 'yes' }, ['timesheetsRequired']],
  ])('refuses %s, naming the field', (_what, fields, paths) => {
    expect(issuePaths(PersonInputSchema.safeParse({ email: 'kai@example.org', name: 'Kai', ...fields }))).toEqual(paths);
  });
});

describe('a change of working time', () => {
  it('replaces what it names and keeps the rest', () => {
    const changed = applyPersonChange(lena, PersonChangeSchema.parse({ timesheetsRequired: false, holidayCalendar: 'gb-eng' }));

    expect(changed).toEqual({ ...lena, timesheetsRequired: false, holidayCalendar: 'gb-eng' });
  });

  it('removes the pattern, zone and calendar with null', () => {
    const changed = applyPersonChange(lena, PersonChangeSchema.parse({ workPattern: null, timeZone: null, holidayCalendar: null }));

    expect(changed).toEqual({ email: lena.email, name: lena.name, roles: [], active: true });
  });

  it('counts as a change for the directory, so that it is written', () => {
    const changed = applyPersonChange(lena, PersonChangeSchema.parse({ workPattern: { ...lena.workPattern!, fri: 4 } }));

    expect(sameDirectoryEntry(lena, changed)).toBe(false);
    expect(sameDirectoryEntry(lena, applyPersonChange(lena, PersonChangeSchema.parse({ workPattern: { ...lena.workPattern! } })))).toBe(true);
  });

  it('sees a change of zone, calendar or exemption', () => {
    expect(sameDirectoryEntry(lena, { ...lena, timeZone: 'UTC' })).toBe(false);
    expect(sameDirectoryEntry(lena, { ...lena, holidayCalendar: 'gb-eng' })).toBe(false);
    expect(sameDirectoryEntry(lena, { ...lena, timesheetsRequired: false })).toBe(false);
  });
});

describe('a stored person', () => {
  it('reads back its working time', () => {
    expect(PersonSchema.parse({ ...lena, version: 3 })).toEqual(lena);
  });
});
