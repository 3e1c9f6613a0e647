import * as z from 'zod';

const isoDate = z.iso.date({ error: 'Enter a date as YYYY-MM-DD' });

/** What a person sends to set an out-of-office period: who decides for them, and when. */
export const DelegationInputSchema = z
  .object({
    delegateEmail: z
      .email({ error: 'Enter the email address of the person who decides for you' })
      .max(254, 'Use at most 254 characters')
      .transform((email) => email.toLowerCase()),
    from: isoDate,
    until: isoDate,
  })
  .superRefine((input, ctx) => {
    if (input.until < input.from) ctx.addIssue({ code: 'custom', path: ['until'], message: 'The last day cannot be before the first day' });
  });
export type DelegationInput = z.infer<typeof DelegationInputSchema>;

const StoredPersonSchema = z.object({ name: z.string(), email: z.string() });

/** An out-of-office period: from the start of `from` to the end of `until` (UTC), approvals go to the delegate. */
export const DelegationSchema = z.object({
  person: StoredPersonSchema,
  delegate: StoredPersonSchema,
  /** First instant of the period. */
  startsAt: z.string(),
  /** First instant after the period. */
  endsAt: z.string(),
  createdAt: z.string(),
  /** When the approvals already pending were redirected; absent until the period starts. */
  appliedAt: z.string().optional(),
});
export type Delegation = z.infer<typeof DelegationSchema>;

/** The period of a delegation input as instants. */
export function delegationPeriod(input: Pick<DelegationInput, 'from' | 'until'>): { startsAt: string; endsAt: string } {
  const end = new Date(`${input.until}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { startsAt: `${input.from}T00:00:00.000Z`, endsAt: end.toISOString() };
}

/** Whether a delegation is in force at `now`. */
export function isActive(delegation: Delegation, now: Date): boolean {
  const at = now.toISOString();
  return delegation.startsAt <= at && at < delegation.endsAt;
}
