import { describe, expect, it } from 'vitest';
import { intakeFunnel, median, needsAttention, pendingApprovals, projectKpis, RagRulesSchema, totalsByCurrency, type ProjectKpiInput } from '#domain/kpi.ts';
import defaults from '../../functions/config/rag-rules.json' with { type: 'json' };

const rules = RagRulesSchema.parse(defaults);

/** Planned over 100 days: 1 Jan to 10 Apr 2027 (2027 is not a leap year: 31 + 28 + 31 + 10 = 100). */
function project(overrides: Partial<ProjectKpiInput> = {}): ProjectKpiInput {
  return {
    id: 'p',
    title: 'Portal',
    department: 'Engineering',
    status: 'ACTIVE',
    manager: { name: 'Sam Carter', email: 'sam@example.org' },
    currency: 'EUR',
    budgetMinor: 10_000_000,
    actualsMinor: 0,
    committedMinor: 0,
    plannedStart: '2027-01-01',
    plannedEnd: '2027-04-10',
    hoursThisPeriod: 0,
    hoursToDate: 0,
    ...overrides,
  };
}

describe('projectKpis', () => {
  it('counts elapsed time in whole days, start and end included: day 40 of 100 is 40 %', () => {
    // 1 Jan to 9 Feb 2027 inclusive is 31 + 9 = 40 days.
    expect(projectKpis(project(), '2027-02-09', rules).elapsedPercent).toBe(40);
  });

  it('is red when spending runs 20 points ahead of time, saying so in words', () => {
    // Budget 100,000.00, actuals 60,000.00: 60 % spent at 40 % elapsed, 20 points ahead.
    const kpis = projectKpis(project({ actualsMinor: 6_000_000 }), '2027-02-09', rules);

    expect([kpis.rag, kpis.reasons]).toEqual(['red', ['Spending is 20 points ahead of time (60 % of the budget spent, 40 % of the time elapsed)']]);
  });

  it('is amber at 10 points ahead', () => {
    // 50 % spent at 40 % elapsed.
    expect(projectKpis(project({ actualsMinor: 5_000_000 }), '2027-02-09', rules).rag).toBe('amber');
  });

  it('is green on track', () => {
    // 45 % spent at 40 % elapsed: 5 points, under amber's 10.
    expect(projectKpis(project({ actualsMinor: 4_500_000 }), '2027-02-09', rules)).toMatchObject({ rag: 'green', reasons: [] });
  });

  it('forecasts the cost at completion from the rate of spending: 45,000 at 40 % is 112,500', () => {
    // 4,500,000 / 0.4 = 11,250,000 minor units.
    expect(projectKpis(project({ actualsMinor: 4_500_000 }), '2027-02-09', rules).forecastAtCompletionMinor).toBe(11_250_000);
  });

  it('forecasts the budget while too little time has passed to extrapolate', () => {
    // Day 5 of 100 is 5 %: under the 10 % needed.
    expect(projectKpis(project({ actualsMinor: 1_000_000 }), '2027-01-05', rules).forecastAtCompletionMinor).toBe(10_000_000);
  });

  it('is red when the forecast end slips more than 30 days, and gives the variance', () => {
    // Planned end 10 Apr, forecast 11 May: 20 days of April after the 10th + 11 = 31 days.
    const kpis = projectKpis(project({ forecastEnd: '2027-05-11' }), '2027-02-09', rules);

    expect([kpis.scheduleVarianceDays, kpis.rag, kpis.reasons]).toEqual([31, 'red', ['The forecast end is 31 days after the planned end']]);
  });

  it('is red when actuals exceed the budget, whatever the time', () => {
    expect(projectKpis(project({ actualsMinor: 10_000_001 }), '2027-04-10', rules).reasons[0]).toBe('Actuals exceed the budget');
  });

  it('clamps elapsed time before the start and after the end', () => {
    expect([projectKpis(project(), '2026-12-01', rules).elapsedPercent, projectKpis(project(), '2027-06-01', rules).elapsedPercent]).toEqual([0, 100]);
  });

  it('has no burn for a project without a budget, and rates it on its dates only', () => {
    expect(projectKpis(project({ budgetMinor: 0 }), '2027-02-09', rules)).toMatchObject({ burnPercent: null, rag: 'green' });
  });

  it('does not rate a closed project, whose forecast is what it spent and committed', () => {
    expect(projectKpis(project({ status: 'CLOSED', actualsMinor: 9_000_000, committedMinor: 100 }), '2027-06-01', rules)).toMatchObject({ rag: 'none', forecastAtCompletionMinor: 9_000_100 });
  });

  it('keeps yen in whole units: 1,000,000 budget, 400,000 spent is 40 %', () => {
    expect(projectKpis(project({ currency: 'JPY', budgetMinor: 1_000_000, actualsMinor: 400_000 }), '2027-02-09', rules).burnPercent).toBe(40);
  });

  it('counts a leap day: 1 Jan to 29 Feb 2028 is 60 days', () => {
    // Planned 1 Jan – 30 Mar 2028 is 31 + 29 + 30 = 90 days; on 29 Feb, 60 of 90.
    expect(projectKpis(project({ plannedStart: '2028-01-01', plannedEnd: '2028-03-30' }), '2028-02-29', rules).elapsedPercent).toBeCloseTo((60 / 90) * 100, 10);
  });
});

describe('the portfolio figures', () => {
  it('adds money per currency, never across', () => {
    expect(totalsByCurrency([{ c: 'EUR', a: 100 }, { c: 'USD', a: 5 }, { c: 'EUR', a: 50 }], (x) => x.c, (x) => x.a)).toEqual({ EUR: 150, USD: 5 });
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect([median([4, 1, 3, 2]), median([5]), median([])]).toEqual([2.5, 5, null]);
  });

  it('counts the funnel of a period and the median time to decision', () => {
    const period = { from: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-12-01T00:00:00Z') };
    const decided = [
      { status: 'APPROVED', submittedAt: '2026-11-02T00:00:00Z', decidedAt: '2026-11-03T00:00:00Z' }, // 24 h
      { status: 'REJECTED', submittedAt: '2026-11-02T00:00:00Z', decidedAt: '2026-11-05T00:00:00Z' }, // 72 h
      { status: 'APPROVED', submittedAt: '2026-10-20T00:00:00Z', decidedAt: '2026-10-30T00:00:00Z' }, // before the period
      { status: 'WITHDRAWN', submittedAt: '2026-11-02T00:00:00Z', decidedAt: '2026-11-04T00:00:00Z' },
    ];

    expect(intakeFunnel({ submittedInPeriod: 7, inReview: 3, decided }, period)).toEqual({ submitted: 7, inReview: 3, approved: 1, rejected: 1, medianHoursToDecision: 48 });
  });

  it('marks approvals waiting longer than the threshold as overdue, oldest first', () => {
    const now = new Date('2026-11-10T00:00:00Z');
    const waiting = pendingApprovals(
      [
        { approver: { name: 'A', email: 'a@example.org' }, subjectTitle: 'New', requestedAt: '2026-11-09T00:00:00Z' },
        { approver: { name: 'B', email: 'b@example.org' }, subjectTitle: 'Old', requestedAt: '2026-11-06T00:00:00Z' },
      ],
      now,
      rules,
    );

    expect(waiting.map((approval) => [approval.subjectTitle, approval.ageHours, approval.overdue])).toEqual([
      ['Old', 96, true],
      ['New', 24, false],
    ]);
  });

  it('says why an exception-only report goes out, and nothing when all is well', () => {
    expect(needsAttention({ projects: [{ rag: 'red', title: 'Portal' }, { rag: 'green', title: 'CRM' }], overdueApprovals: 1, missingTimesheets: 0 })).toEqual(['1 red project: Portal', '1 overdue approval']);
    expect(needsAttention({ projects: [{ rag: 'green', title: 'CRM' }], overdueApprovals: 0, missingTimesheets: 0 })).toEqual([]);
  });
});

describe('RagRulesSchema', () => {
  it('refuses a red threshold below its amber one', () => {
    expect(RagRulesSchema.safeParse({ ...defaults, burnAheadRedPoints: 5 }).success).toBe(false);
  });
});
