import { describe, expect, it } from 'vitest';
import { ApprovalPolicySchema, inBaseCurrency, levelsFor, longestApprovalHours, parseApprovalPolicy, UnsupportedCurrencyError } from '#domain/approval-policy.ts';
import bundled from '../../functions/config/approval-policies/proposal.json' with { type: 'json' };

const policy = parseApprovalPolicy(bundled);

describe('the default approval policy', () => {
  it('asks PMO review only below 50,000', () => {
    expect(levelsFor({ amount: 49999.99, currency: 'EUR' }, policy).map((level) => level.name)).toEqual(['PMO review']);
  });

  it('adds finance from 50,000', () => {
    expect(levelsFor({ amount: 50000, currency: 'EUR' }, policy).map((level) => level.level)).toEqual([1, 2]);
  });

  it('adds the executive sponsor from 250,000', () => {
    expect(levelsFor({ amount: 300000, currency: 'EUR' }, policy).map((level) => level.level)).toEqual([1, 2, 3]);
  });

  it('converts other currencies with its exchange rates before comparing', () => {
    expect(inBaseCurrency({ amount: 60000, currency: 'USD' }, policy)).toBe(55200);
    expect(levelsFor({ amount: 60000, currency: 'USD' }, policy)).toHaveLength(2);
  });

  it('refuses a currency it has no rate for', () => {
    expect(() => inBaseCurrency({ amount: 1, currency: 'BRL' }, policy)).toThrow(UnsupportedCurrencyError);
  });

  it('gives approvers five days at every level', () => {
    expect(longestApprovalHours(policy)).toBe(120);
  });
});

describe('parseApprovalPolicy', () => {
  it('names a field of the wrong shape by its path', () => {
    const broken = { ...bundled, levels: [{ ...bundled.levels[0], quorum: 'most' }] };

    expect(() => parseApprovalPolicy(broken)).toThrow(/levels\.0\.quorum/);
  });

  it('names every rule a well-formed policy breaks', () => {
    const broken = { ...bundled, escalateAfterHours: 10, levels: [{ ...bundled.levels[0], level: 2 }] };

    expect(() => parseApprovalPolicy(broken)).toThrow(/levels\.0\.level: Levels are numbered.*escalateAfterHours: Escalation must come after the reminder/);
  });

  it('refuses thresholds that decrease from one level to the next', () => {
    const decreasing = { ...bundled, levels: [bundled.levels[0], { ...bundled.levels[2], level: 2 }, { ...bundled.levels[1], level: 3 }] };

    expect(() => parseApprovalPolicy(decreasing)).toThrow(/levels\.2\.minAmount/);
  });
});

describe('conditional levels and related approvers', () => {
  const conditional = parseApprovalPolicy(
    {
      ...bundled,
      levels: [
        { level: 1, name: 'Duplicate check', minAmount: 0, when: 'suspected-duplicate', approvers: [{ role: 'pmo' }], quorum: 'any', timeoutHours: 72 },
        { level: 2, name: 'Project manager', minAmount: 5000, approvers: [{ relation: 'project-manager' }], quorum: 'all', timeoutHours: 72 },
      ],
    },
    ApprovalPolicySchema,
  );

  it('leaves out a level whose condition the subject does not carry', () => {
    expect(levelsFor({ amount: 6000, currency: 'EUR' }, conditional).map((level) => level.name)).toEqual(['Project manager']);
  });

  it('includes a level whose condition the subject carries', () => {
    expect(levelsFor({ amount: 6000, currency: 'EUR' }, conditional, ['suspected-duplicate']).map((level) => level.level)).toEqual([1, 2]);
  });

  it('may leave no level at all, for the process to decide without a review', () => {
    expect(levelsFor({ amount: 100, currency: 'EUR' }, conditional)).toEqual([]);
  });

  it('accepts a relation as an approver', () => {
    expect(conditional.levels[1]!.approvers).toEqual([{ relation: 'project-manager' }]);
  });

  it('refuses a relation that is not lower-case words', () => {
    const broken = { ...bundled, levels: [{ ...bundled.levels[0], approvers: [{ relation: 'Line Manager' }] }] };

    expect(() => parseApprovalPolicy(broken, ApprovalPolicySchema)).toThrow(/relation is lower-case words/);
  });
});
