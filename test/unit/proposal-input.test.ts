import { describe, expect, it } from 'vitest';
import { ProposalInputSchema } from '#domain/proposal.ts';

function validInput(): Record<string, unknown> {
  return {
    title: 'Customer portal rebuild',
    description: 'Replace the legacy customer portal with a maintainable one.',
    submitter: { name: 'Sam Carter', email: 'Sam.Carter@Example.org' },
    department: 'Engineering',
    estimatedCost: { amount: 120000, currency: 'eur' },
    startDate: '2027-01-04',
    endDate: '2027-06-30',
    criteria: { strategicAlignment: 4, businessValue: 5, risk: 2, urgency: 3 },
  };
}

function pathsOf(input: unknown): string[] {
  const result = ProposalInputSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('ProposalInputSchema', () => {
  it('accepts a complete proposal and normalises email and currency', () => {
    const parsed = ProposalInputSchema.parse(validInput());

    expect(parsed.submitter.email).toBe('sam.carter@example.org');
    expect(parsed.estimatedCost.currency).toBe('EUR');
  });

  it('rejects an end date before the start date, on the end date', () => {
    expect(pathsOf({ ...validInput(), endDate: '2026-12-31' })).toEqual(['endDate']);
  });

  it('reports the dates in the wrong order together with the other wrong fields', () => {
    expect(pathsOf({ ...validInput(), title: '', endDate: '2026-12-31' })).toEqual(['title', 'endDate']);
  });

  it('rejects criteria outside 1–5 and fractional ratings', () => {
    expect(pathsOf({ ...validInput(), criteria: { strategicAlignment: 0, businessValue: 6, risk: 2.5, urgency: 3 } })).toEqual([
      'criteria.strategicAlignment',
      'criteria.businessValue',
      'criteria.risk',
    ]);
  });

  it('rejects a currency that is not ISO 4217', () => {
    expect(pathsOf({ ...validInput(), estimatedCost: { amount: 10, currency: 'EURO' } })).toEqual(['estimatedCost.currency']);
  });

  it('rejects impossible calendar dates', () => {
    expect(pathsOf({ ...validInput(), startDate: '2027-02-30' })).toEqual(['startDate']);
  });

  it('rejects amounts with more than two decimals and non-positive amounts', () => {
    expect(pathsOf({ ...validInput(), estimatedCost: { amount: 10.005, currency: 'EUR' } })).toEqual(['estimatedCost.amount']);
    expect(pathsOf({ ...validInput(), estimatedCost: { amount: 0, currency: 'EUR' } })).toEqual(['estimatedCost.amount']);
  });

  it('rejects unknown fields rather than storing them', () => {
    expect(pathsOf({ ...validInput(), status: 'APPROVED' })).toEqual(['']);
  });

  it('rejects a title longer than 150 characters', () => {
    expect(pathsOf({ ...validInput(), title: 'x'.repeat(151) })).toEqual(['title']);
  });
});

describe('the estimated cost of a proposal', () => {
  const withCost = (amount: unknown, currency = 'EUR') => ProposalInputSchema.safeParse({ ...validInput(), estimatedCost: { amount, currency } });

  it.each([
    [5e-324, 'EUR'],
    [1e-9, 'EUR'],
    [0.30000000000000004, 'EUR'],
    [120000.5, 'JPY'],
    [10.1234, 'KWD'],
  ])('refuses %s %s, naming the amount', (amount, currency) => {
    const result = withCost(amount, currency);

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('estimatedCost.amount');
  });

  it.each([
    [120000, 'EUR'],
    [120000.5, 'EUR'],
    [0.01, 'EUR'],
    [120000, 'JPY'],
    [10.123, 'KWD'],
  ])('accepts %s %s', (amount, currency) => {
    expect(withCost(amount, currency).success).toBe(true);
  });
});
