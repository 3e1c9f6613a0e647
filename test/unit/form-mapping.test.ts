import { describe, expect, it } from 'vitest';
import { ProposalInputSchema } from '#domain/proposal.ts';
import { formToInput, issuesByField, readForm, toFieldIssues } from '#web/form-mapping.ts';

describe('intake form mapping', () => {
  it('turns a filled form into a valid proposal input', () => {
    const values = readForm({
      title: 'Data warehouse',
      description: 'Consolidate reporting into one governed warehouse.',
      submitterName: 'Alex Kim',
      submitterEmail: 'alex.kim@example.org',
      department: 'Marketing',
      amount: '45,000.50',
      currency: 'GBP',
      startDate: '2027-02-01',
      endDate: '2027-05-01',
      strategicAlignment: '3',
      businessValue: '4',
      risk: '2',
      urgency: '5',
    });

    const parsed = ProposalInputSchema.safeParse(formToInput(values));

    expect(parsed.success).toBe(true);
    expect(parsed.data?.estimatedCost).toEqual({ amount: 45000.5, currency: 'GBP' });
  });

  it('reports errors against the form fields that hold them', () => {
    const parsed = ProposalInputSchema.safeParse(formToInput({ submitterEmail: 'not-an-email', amount: 'lots' }));

    const errors = issuesByField(toFieldIssues(parsed.error!));

    expect(errors.submitterEmail).toMatch(/email address/);
    expect(errors.amount).toBe('Enter the amount as a number, such as 120000');
    expect(errors.strategicAlignment).toMatch(/from 1 to 5/);
  });

  it.each([
    ['120.000,00', 'EUR', 120000],
    ['120 000,50', 'EUR', 120000.5],
    ['120,000.50', 'USD', 120000.5],
    ['120000', 'JPY', 120000],
  ])('reads the amount %j in %s as %d', (amount, currency, expected) => {
    const input = formToInput({ amount, currency }) as { estimatedCost: { amount: unknown } };

    expect(input.estimatedCost.amount).toBe(expected);
  });

  it.each([
    ['120.000', 'EUR', '“120.000” could mean 120 or 120000. Write 120000 or 120000.00 (no thousands separators), or 120.000,00'],
    ['1e6', 'EUR', 'Leave out the exponent'],
    ['1,234', 'USD', '“1,234” could mean 1.234 or 1234'],
  ])('refuses the amount %j in %s and says how to write it', (amount, currency, message) => {
    const values = { amount, currency };
    const parsed = ProposalInputSchema.safeParse(formToInput(values));

    const errors = issuesByField(toFieldIssues(parsed.error!), values);

    expect(errors.amount).toContain(message);
  });

  it('ignores fields the form does not have', () => {
    expect(readForm({ title: 'x', status: 'APPROVED' })).toEqual({ title: 'x' });
  });
});
