import { describe, expect, it } from 'vitest';
import { DelegationInputSchema, delegationPeriod, isActive, type Delegation } from '#domain/delegation.ts';

describe('delegationPeriod', () => {
  it('runs from the start of the first day to the end of the last, in UTC', () => {
    expect(delegationPeriod({ from: '2026-12-22', until: '2026-12-31' })).toEqual({
      startsAt: '2026-12-22T00:00:00.000Z',
      endsAt: '2027-01-01T00:00:00.000Z',
    });
  });
});

describe('isActive', () => {
  const delegation: Delegation = {
    person: { name: 'A', email: 'a@x' },
    delegate: { name: 'B', email: 'b@x' },
    ...delegationPeriod({ from: '2026-12-22', until: '2026-12-23' }),
    createdAt: '2026-12-01T00:00:00.000Z',
  };

  it('is in force from its first instant to just before its end', () => {
    expect(isActive(delegation, new Date('2026-12-21T23:59:59Z'))).toBe(false);
    expect(isActive(delegation, new Date('2026-12-22T00:00:00Z'))).toBe(true);
    expect(isActive(delegation, new Date('2026-12-23T23:59:59Z'))).toBe(true);
    expect(isActive(delegation, new Date('2026-12-24T00:00:00Z'))).toBe(false);
  });
});

describe('DelegationInputSchema', () => {
  it('refuses a last day before the first', () => {
    const result = DelegationInputSchema.safeParse({ delegateEmail: 'b@example.org', from: '2026-12-22', until: '2026-12-21' });

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['until']);
  });
});
