import { describe, expect, it } from 'vitest';
import { minorUnitDigits, toMinorUnits } from '#domain/money.ts';
import {
  effectiveChange,
  formatBudget,
  projectFromProposal,
  projectIdFor,
  ProjectSchema,
  ProjectUpdateSchema,
  statusChangeProblem,
  UNCHANGEABLE_MESSAGE,
  type Project,
} from '#domain/project.ts';
import { newProposal, type Proposal } from '#domain/proposal.ts';

const NOW = new Date('2026-11-23T14:05:00.000Z');

function approvedProposal(overrides: Partial<Proposal> = {}): Proposal {
  const proposal = newProposal(
    '0b6e4c8e-2f7a-4d1b-9a63-5c2d7e8f9a10',
    {
      title: 'Customer portal rebuild',
      description: 'Replace the legacy customer portal with a maintainable one.',
      submitter: { name: 'Sam Carter', email: 'sam.carter@example.org' },
      department: 'Engineering',
      estimatedCost: { amount: 120000.5, currency: 'EUR' },
      startDate: '2027-01-04',
      endDate: '2027-06-30',
      criteria: { strategicAlignment: 4, businessValue: 5, risk: 2, urgency: 3 },
    },
    new Date('2026-11-01T09:00:00.000Z'),
  );
  return { ...proposal, status: 'APPROVED', ...overrides };
}

describe('minorUnitDigits', () => {
  it.each([
    ['JPY', 0],
    ['EUR', 2],
    ['USD', 2],
    ['KWD', 3],
    ['BHD', 3],
  ])('gives %s %i minor-unit digits', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });
});

describe('toMinorUnits', () => {
  it.each([
    // amount, currency, minor units
    [120000, 'EUR', 12_000_000],
    [0.29, 'EUR', 29], // 0.29 × 100 is 28.999999999999996 in floating point
    [1.1, 'EUR', 110],
    [19.99, 'USD', 1999],
    [1234, 'JPY', 1234],
    [1234.49, 'JPY', 1234],
    [1234.5, 'JPY', 1235],
    [1.005, 'KWD', 1005],
    [0.1, 'KWD', 100],
    [12.34, 'KWD', 12_340],
    [1_000_000_000_000, 'KWD', 1_000_000_000_000_000],
  ])('converts %s %s to %i minor units', (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
  });

  it('works from the decimal text of floating-point noise, not from the noise', () => {
    expect(toMinorUnits(0.1 + 0.2, 'EUR')).toBe(30);
  });

  it('reads a decimal string exactly', () => {
    expect(toMinorUnits('9007199254740.99', 'EUR')).toBe(900_719_925_474_099);
  });

  it('reads numbers that JavaScript prints with an exponent', () => {
    expect(String(1.5e-7)).toBe('1.5e-7');
    expect(toMinorUnits(1.5e-7, 'EUR')).toBe(0);
    expect(toMinorUnits('1.2345e3', 'EUR')).toBe(123_450);
  });

  it('refuses an amount beyond what an integer holds exactly', () => {
    expect(() => toMinorUnits(1e21, 'JPY')).toThrow(/too large/);
  });

  it('refuses what is not a non-negative amount', () => {
    expect(() => toMinorUnits(-5, 'EUR')).toThrow(RangeError);
    expect(() => toMinorUnits(Number.NaN, 'EUR')).toThrow(RangeError);
    expect(() => toMinorUnits('12,50', 'EUR')).toThrow(RangeError);
  });
});

describe('formatBudget', () => {
  it.each([
    [{ amountMinor: 12_000_050, currency: 'EUR' }, '€120,000.50'],
    [{ amountMinor: 1234, currency: 'JPY' }, 'JP¥1,234'],
    [{ amountMinor: 1005, currency: 'KWD' }, 'KWD 1.005'],
    [{ amountMinor: 7, currency: 'EUR' }, '€0.07'],
  ])('shows %o as %s', (budget, text) => {
    expect(formatBudget(budget).replace(/\u00a0/g, ' ')).toBe(text);
  });
});

describe('projectIdFor', () => {
  it('gives the same id for the same proposal every time', () => {
    expect(projectIdFor('0b6e4c8e-2f7a-4d1b-9a63-5c2d7e8f9a10')).toBe(projectIdFor('0b6e4c8e-2f7a-4d1b-9a63-5c2d7e8f9a10'));
  });

  it('gives different proposals different ids, and never the proposal’s own id', () => {
    const first = projectIdFor('0b6e4c8e-2f7a-4d1b-9a63-5c2d7e8f9a10');
    const second = projectIdFor('0b6e4c8e-2f7a-4d1b-9a63-5c2d7e8f9a11');

    expect(first).not.toBe(second);
    expect(first).not.toBe('0b6e4c8e-2f7a-4d1b-9a63-5c2d7e8f9a10');
  });

  it('is a version-8 (name-based, SHA-256) UUID', () => {
    expect(projectIdFor('any proposal id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('projectFromProposal', () => {
  it('makes the submitter sponsor and manager, and carries over title, department, budget and dates', () => {
    const proposal = approvedProposal();

    const project = projectFromProposal(proposal, NOW);

    expect(project).toEqual({
      id: projectIdFor(proposal.id),
      proposalId: proposal.id,
      title: 'Customer portal rebuild',
      department: 'Engineering',
      sponsor: { name: 'Sam Carter', email: 'sam.carter@example.org' },
      manager: { name: 'Sam Carter', email: 'sam.carter@example.org' },
      budget: { amountMinor: 12_000_050, currency: 'EUR' },
      plannedStart: '2027-01-04',
      plannedEnd: '2027-06-30',
      status: 'ACTIVE',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      version: 1,
    });
    expect(ProjectSchema.safeParse(project).success).toBe(true);
  });

  it('converts the budget with the currency’s own minor unit', () => {
    const project = projectFromProposal(approvedProposal({ estimatedCost: { amount: 2500000, currency: 'JPY' } }), NOW);

    expect(project.budget).toEqual({ amountMinor: 2_500_000, currency: 'JPY' });
  });

  it('refuses a proposal that is not approved', () => {
    expect(() => projectFromProposal(approvedProposal({ status: 'REJECTED' }), NOW)).toThrow(/only an approved proposal becomes a project/);
  });
});

describe('ProjectUpdateSchema', () => {
  it('accepts a manager, a status or both, with the email lower-cased', () => {
    expect(ProjectUpdateSchema.parse({ managerEmail: 'Noor.Haddad@Example.org' })).toEqual({ managerEmail: 'noor.haddad@example.org' });
    expect(ProjectUpdateSchema.parse({ status: 'ON_HOLD' })).toEqual({ status: 'ON_HOLD' });
    expect(ProjectUpdateSchema.safeParse({ managerEmail: 'a@example.org', status: 'CLOSED' }).success).toBe(true);
  });

  it('refuses an empty change', () => {
    const result = ProjectUpdateSchema.safeParse({});

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Send managerEmail, status or both');
  });

  it('names an unknown status', () => {
    const result = ProjectUpdateSchema.safeParse({ status: 'DONE' });

    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['status']]);
  });

  it('refuses a field that cannot be changed, naming it', () => {
    const result = ProjectUpdateSchema.safeParse({ status: 'ACTIVE', budget: { amountMinor: 1, currency: 'EUR' } });

    expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['budget'], message: UNCHANGEABLE_MESSAGE })]);
  });

  it('refuses a manager email that is not an address', () => {
    const result = ProjectUpdateSchema.safeParse({ managerEmail: 'noor' });

    expect(result.error?.issues[0]?.path).toEqual(['managerEmail']);
  });
});

describe('statusChangeProblem', () => {
  it.each([
    ['ACTIVE', 'ON_HOLD'],
    ['ACTIVE', 'CLOSED'],
    ['ON_HOLD', 'ACTIVE'],
    ['ON_HOLD', 'CLOSED'],
    ['CLOSED', 'CLOSED'],
  ] as const)('allows %s to %s', (from, to) => {
    expect(statusChangeProblem(from, to)).toBeUndefined();
  });

  it.each([
    ['CLOSED', 'ACTIVE'],
    ['CLOSED', 'ON_HOLD'],
  ] as const)('refuses %s to %s, saying CLOSED is final', (from, to) => {
    expect(statusChangeProblem(from, to)).toEqual({ path: 'status', message: expect.stringContaining('CLOSED is final') });
  });
});

describe('effectiveChange', () => {
  const project: Project = projectFromProposal(approvedProposal(), NOW);

  it('drops what is already so', () => {
    expect(effectiveChange(project, { status: 'ACTIVE', manager: { name: 'Sam Carter', email: 'sam.carter@example.org' } })).toEqual({});
  });

  it('keeps what changes', () => {
    const manager = { name: 'Noor Haddad', email: 'noor.haddad@example.org' };

    expect(effectiveChange(project, { status: 'ON_HOLD', manager })).toEqual({ status: 'ON_HOLD', manager });
  });
});
