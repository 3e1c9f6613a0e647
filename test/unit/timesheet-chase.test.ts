import { describe, expect, it } from 'vitest';
import {
  type Addressee,
  batchReminders,
  type BookedWeek,
  type ChaseEntry,
  type ChasePerson,
  chasedWeekOf,
  chaseExecutionName,
  formatRate,
  involvesManagers,
  type MissingPerson,
  roundOf,
  settledWithoutExpected,
  standingOf,
  summariseChase,
} from '#domain/timesheet-chase.ts';
import type { ExpectedWeek } from '#domain/working-time.ts';

// Hand-checked week: Monday 5 January 2026 to Sunday 11 January 2026 (1 January 2026 is a Thursday).
const WEEK = '2026-01-05';
const [MON, TUE, WED, THU, FRI, SAT, SUN] = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11'] as const;
const BERLIN = 'Europe/Berlin';
const TOLERANCE = 0.5;

/** Expected hours by date, Monday to Sunday. */
function expected(mon: number, tue: number, wed: number, thu: number, fri: number, sat = 0, sun = 0): ExpectedWeek {
  const byDate = { [MON]: mon, [TUE]: tue, [WED]: wed, [THU]: thu, [FRI]: fri, [SAT]: sat, [SUN]: sun };
  return { byDate, total: mon + tue + wed + thu + fri + sat + sun };
}

const FULL_TIME = expected(8, 8, 8, 8, 8);

function booked(status: BookedWeek['status'], byDate: Record<string, number>, noWork = false): BookedWeek {
  return { status, byDate, total: Object.values(byDate).reduce((sum, hours) => sum + hours, 0), noWork };
}

describe('the week a scheduled chase is about', () => {
  it('is the current week for the Friday run (Friday 15:00 in Berlin is 14:00 UTC in winter)', () => {
    expect(chasedWeekOf(new Date('2026-01-09T14:00:00Z'), BERLIN, 'current')).toBe(WEEK);
  });

  it('is the week that just ended for the Monday run', () => {
    expect(chasedWeekOf(new Date('2026-01-12T08:00:00Z'), BERLIN, 'last')).toBe(WEEK);
  });

  it('is read in the organisation’s zone: Sunday 23:30 UTC is already Monday in Berlin', () => {
    const mondayInBerlin = new Date('2026-01-11T23:30:00Z');

    expect(chasedWeekOf(mondayInBerlin, BERLIN, 'current')).toBe('2026-01-12');
    expect(chasedWeekOf(mondayInBerlin, BERLIN, 'last')).toBe(WEEK);
    expect(chasedWeekOf(mondayInBerlin, 'UTC', 'current')).toBe(WEEK);
  });
});

describe('chaseExecutionName', () => {
  it('names a scheduled run by its week and scheduled minute, in the characters Step Functions allows', () => {
    const name = chaseExecutionName(WEEK, new Date('2026-01-09T14:00:00Z'));

    expect(name).toBe('chase-2026-01-05-at-20260109T1400Z');
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it('tells the runs of one week apart by their scheduled time', () => {
    expect(chaseExecutionName(WEEK, new Date('2026-01-12T08:00:00Z'))).toBe('chase-2026-01-05-at-20260112T0800Z');
  });
});

describe('roundOf', () => {
  const runs = [
    { runId: 'monday', recordedAt: '2026-01-12T08:00:05.000Z' },
    { runId: 'friday-b', recordedAt: '2026-01-09T14:00:03.000Z' },
    { runId: 'friday-a', recordedAt: '2026-01-09T14:00:03.000Z' },
  ];

  it('counts a run by when it was first recorded, ties by its id', () => {
    expect(roundOf(runs, 'friday-a')).toBe(1);
    expect(roundOf(runs, 'friday-b')).toBe(2);
    expect(roundOf(runs, 'monday')).toBe(3);
  });

  it('keeps a run’s round when a later run is recorded', () => {
    expect(roundOf([...runs, { runId: 'manual', recordedAt: '2026-01-13T10:00:00.000Z' }], 'monday')).toBe(3);
  });

  it('refuses a run that is not recorded', () => {
    expect(() => roundOf(runs, 'unknown')).toThrow(/not recorded/);
  });
});

describe('involvesManagers', () => {
  it('leaves the managers out of rounds 1 and 2, and copies them from round 3', () => {
    expect([1, 2, 3, 4].map(involvesManagers)).toEqual([false, false, true, true]);
  });
});

describe('standingOf', () => {
  it('chases a missing timesheet, with every day that has hours expected as missing', () => {
    expect(standingOf(FULL_TIME, undefined, TOLERANCE)).toEqual({ kind: 'missing', reason: 'missing', expected: 40, booked: 0, missingDays: [MON, TUE, WED, THU, FRI] });
  });

  it('chases a draft however many hours it has, naming the expected days still empty', () => {
    expect(standingOf(FULL_TIME, booked('DRAFT', { [MON]: 8, [TUE]: 8 }), TOLERANCE)).toEqual({
      kind: 'missing',
      reason: 'draft',
      expected: 40,
      booked: 16,
      missingDays: [WED, THU, FRI],
    });
  });

  it('counts a submitted week within the tolerance as complete', () => {
    expect(standingOf(FULL_TIME, booked('SUBMITTED', { [MON]: 8, [TUE]: 8, [WED]: 8, [THU]: 8, [FRI]: 7.5 }), TOLERANCE)).toEqual({ kind: 'complete' });
  });

  it('chases a submitted week short by more than the tolerance', () => {
    expect(standingOf(FULL_TIME, booked('SUBMITTED', { [MON]: 8, [TUE]: 8, [WED]: 8, [THU]: 8, [FRI]: 7.25 }), TOLERANCE)).toEqual({
      kind: 'missing',
      reason: 'short',
      expected: 40,
      booked: 39.25,
      missingDays: [],
    });
  });

  it('counts a week submitted as "no work" as complete', () => {
    expect(standingOf(FULL_TIME, booked('SUBMITTED', {}, true), TOLERANCE)).toEqual({ kind: 'complete' });
  });

  it('chases nobody who has no hours expected (a week of leave or public holidays), even without a timesheet', () => {
    expect(standingOf(expected(0, 0, 0, 0, 0), undefined, TOLERANCE)).toEqual({ kind: 'nothing-expected' });
  });

  it('counts a part-time week of 32 hours booked of 32 expected as complete', () => {
    const fourDays = expected(8, 8, 8, 8, 0);

    expect(standingOf(fourDays, booked('SUBMITTED', { [MON]: 8, [TUE]: 8, [WED]: 8, [THU]: 8 }), TOLERANCE)).toEqual({ kind: 'complete' });
  });

  it('counts a day off on a holiday as no missing day', () => {
    const holidayOnWednesday = expected(8, 8, 0, 8, 8);

    expect(standingOf(holidayOnWednesday, booked('DRAFT', { [MON]: 8 }), TOLERANCE)).toMatchObject({ expected: 32, booked: 8, missingDays: [TUE, THU, FRI] });
  });
});

describe('settledWithoutExpected', () => {
  it('settles a submitted week that books the whole pattern (less the tolerance)', () => {
    expect(settledWithoutExpected(booked('SUBMITTED', { [MON]: 39.5 }), 40, TOLERANCE)).toBe(true);
  });

  it('settles a week submitted as "no work"', () => {
    expect(settledWithoutExpected(booked('SUBMITTED', {}, true), 40, TOLERANCE)).toBe(true);
  });

  it('leaves a shorter week, a draft or no timesheet to the expected hours', () => {
    expect(settledWithoutExpected(booked('SUBMITTED', { [MON]: 39 }), 40, TOLERANCE)).toBe(false);
    expect(settledWithoutExpected(booked('DRAFT', { [MON]: 40 }), 40, TOLERANCE)).toBe(false);
    expect(settledWithoutExpected(undefined, 40, TOLERANCE)).toBe(false);
  });
});

describe('summariseChase', () => {
  const person = (name: string, managerEmail?: string, department?: string): ChasePerson => ({
    email: `${name.toLowerCase()}@example.org`,
    name,
    ...(managerEmail ? { managerEmail } : {}),
    ...(department ? { department } : {}),
  });
  const missing = (reason: 'missing' | 'draft' | 'short') => ({ kind: 'missing', reason, expected: 40, booked: reason === 'missing' ? 0 : 20, missingDays: [] }) as const;
  // Ann complete, Bob missing (both Mara's, Engineering); Cat draft (Zed's, Operations); Dan short
  // (no manager, Operations); Eve on leave all week (Zed's, no department).
  const entries: ChaseEntry[] = [
    { person: person('Ann', 'mara@example.org', 'Engineering'), standing: { kind: 'complete' } },
    { person: person('Bob', 'mara@example.org', 'Engineering'), standing: missing('missing') },
    { person: person('Cat', 'zed@example.org', 'Operations'), standing: missing('draft') },
    { person: person('Dan', undefined, 'Operations'), standing: missing('short') },
    { person: person('Eve', 'zed@example.org'), standing: { kind: 'nothing-expected' } },
  ];
  const names = new Map([
    ['mara@example.org', 'Mara Lind'],
    ['zed@example.org', 'Zed Amari'],
  ]);
  const findings = summariseChase(entries, names);

  it('counts everyone considered, and leaves those with nothing expected out of the rates', () => {
    expect(findings.considered).toBe(5);
    expect(findings.nothingExpected).toBe(1);
    expect(findings.overall).toEqual({ expected: 4, compliant: 1, rate: 0.25 });
  });

  it('counts the missing by reason', () => {
    expect(findings.byReason).toEqual({ missing: 1, draft: 1, short: 1 });
  });

  it('gives compliance by manager, named, by name, with the people without a manager last', () => {
    expect(findings.byManager).toEqual([
      { managerEmail: 'mara@example.org', managerName: 'Mara Lind', expected: 2, compliant: 1, rate: 0.5 },
      { managerEmail: 'zed@example.org', managerName: 'Zed Amari', expected: 1, compliant: 0, rate: 0 },
      { expected: 1, compliant: 0, rate: 0 },
    ]);
  });

  it('gives compliance by department, by name', () => {
    expect(findings.byDepartment).toEqual([
      { department: 'Engineering', expected: 2, compliant: 1, rate: 0.5 },
      { department: 'Operations', expected: 2, compliant: 0, rate: 0 },
    ]);
  });

  it('lists the people to remind, by name, with their numbers', () => {
    expect(findings.missing.map((entry) => [entry.name, entry.reason, entry.booked])).toEqual([
      ['Bob', 'missing', 0],
      ['Cat', 'draft', 20],
      ['Dan', 'short', 20],
    ]);
    expect(findings.missing[0]).toMatchObject({ email: 'bob@example.org', managerEmail: 'mara@example.org', department: 'Engineering', expected: 40 });
  });

  it('has no rate where nobody was expected to submit', () => {
    expect(summariseChase([{ person: person('Eve'), standing: { kind: 'nothing-expected' } }], names).overall).toEqual({ expected: 0, compliant: 0, rate: null });
  });
});

describe('batchReminders', () => {
  const managers = new Map<string, Addressee>(
    ['m1', 'm2', 'm3'].map((id) => [`${id}@example.org`, { email: `${id}@example.org`, name: `Manager ${id}` }]),
  );
  const person = (name: string, manager?: string): MissingPerson => ({
    email: `${name}@example.org`,
    name,
    ...(manager ? { managerEmail: `${manager}@example.org` } : {}),
    reason: 'missing',
    expected: 40,
    booked: 0,
    missingDays: [],
  });
  const people = [person('c1', 'm3'), person('a1', 'm1'), person('d1'), person('c2', 'm3'), person('b1', 'm2'), person('a2', 'm1'), person('c3', 'm3'), person('b2', 'm2'), person('c4', 'm3')];
  const shape = (size: number) =>
    batchReminders(people, managers, size).map((batch) => batch.groups.map((group) => `${group.manager?.email.split('@')[0] ?? 'none'}:${group.people.map((p) => p.name).join(',')}`));

  it('keeps each manager’s people together and fills a batch up to its size, managers by address, those without one last', () => {
    expect(shape(4)).toEqual([['m1:a1,a2', 'm2:b1,b2'], ['m3:c1,c2,c3,c4'], ['none:d1']]);
  });

  it('gives a manager with more people than a batch holds a batch of their own', () => {
    expect(shape(3)).toEqual([['m1:a1,a2'], ['m2:b1,b2'], ['m3:c1,c2,c3,c4'], ['none:d1']]);
  });

  it('puts everyone into some batch, once', () => {
    const names = batchReminders(people, managers, 2).flatMap((batch) => batch.groups.flatMap((group) => group.people.map((p) => p.name)));

    expect(names.sort()).toEqual(people.map((p) => p.name).sort());
  });

  it('names the manager to write to, and treats a manager who cannot be written to as none', () => {
    const [batch] = batchReminders([person('x1', 'gone')], managers);

    expect(batch?.groups).toEqual([{ people: [person('x1', 'gone')] }]);
    expect(batchReminders([person('a1', 'm1')], managers)[0]?.groups[0]?.manager).toEqual({ email: 'm1@example.org', name: 'Manager m1' });
  });

  it('makes no batch when nobody is missing', () => {
    expect(batchReminders([], managers)).toEqual([]);
  });
});

describe('formatRate', () => {
  it('gives a percentage to one decimal, and a dash where nobody was expected', () => {
    expect([formatRate(0.25), formatRate(2 / 3), formatRate(1), formatRate(null)]).toEqual(['25%', '66.7%', '100%', '–']);
  });
});
