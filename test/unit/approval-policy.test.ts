import { describe, expect, it } from 'vitest';
import { inBaseCurrency, levelsFor, longestApprovalHours, parseApprovalPolicy, UnsupportedCurrencyError } from '#domain/approval-policy.ts';
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
