import * as z from 'zod';
import { PermanentError } from './errors.ts';
import type { Money } from './proposal.ts';

/** A role of the directory, or one named person. */
export const ApproverSpecSchema = z.union([
  z.object({ role: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'A role is lower-case words joined by dashes') }).strict(),
  z.object({ person: z.email().transform((email) => email.toLowerCase()) }).strict(),
]);
export type ApproverSpec = z.infer<typeof ApproverSpecSchema>;

/** One level of approval: who decides, how many of them must, and from which amount it applies. */
export const PolicyLevelSchema = z
  .object({
    level: z.number().int().min(1).max(9),
    name: z.string().min(1).max(60),
    /** The level applies from this estimated cost (in the base currency) upwards. */
    minAmount: z.number().min(0),
    approvers: z.array(ApproverSpecSchema).min(1).max(10),
    /** `any`: the first decision decides the level; `all`: every approver must approve. */
    quorum: z.enum(['any', 'all']),
    timeoutHours: z.number().positive().max(24 * 30),
    /** Who takes over an approval nobody answered by `escalateAfterHours`. */
    escalateTo: ApproverSpecSchema.optional(),
  })
  .strict();
export type PolicyLevel = z.infer<typeof PolicyLevelSchema>;

/** The PMO's approval policy: validated whole at start-up, versioned, stored with each review. */
export const ApprovalPolicySchema = z
  .object({
    version: z.string().min(1).max(40),
    baseCurrency: z.string().length(3),
    /** Value of one unit of each other currency in the base currency. */
    exchangeRates: z.record(z.string().length(3), z.number().positive()),
    /** Proposals scoring below this go to review flagged "below threshold" (never auto-rejected). */
    scoreFloor: z.number().min(0).max(100),
    reminderAfterHours: z.number().positive(),
    escalateAfterHours: z.number().positive(),
    levels: z.array(PolicyLevelSchema).min(1),
  })
  .strict()
  .superRefine((policy, ctx) => {
    if (policy.levels[0] && policy.levels[0].minAmount !== 0) {
      ctx.addIssue({ code: 'custom', path: ['levels', 0, 'minAmount'], message: 'The first level applies to every proposal: its minAmount is 0' });
    }
    policy.levels.forEach((level, index) => {
      if (level.level !== index + 1) ctx.addIssue({ code: 'custom', path: ['levels', index, 'level'], message: 'Levels are numbered 1, 2, 3… in order' });
      if (index > 0 && level.minAmount < policy.levels[index - 1]!.minAmount) {
        ctx.addIssue({ code: 'custom', path: ['levels', index, 'minAmount'], message: 'Thresholds must not decrease from one level to the next' });
      }
    });
    if (policy.escalateAfterHours <= policy.reminderAfterHours) {
      ctx.addIssue({ code: 'custom', path: ['escalateAfterHours'], message: 'Escalation must come after the reminder' });
    }
  });
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

/** Parses a policy, with every problem named by its path: a wrong policy must stop the start. */
export function parseApprovalPolicy(raw: unknown): ApprovalPolicy {
  const result = ApprovalPolicySchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(policy)'}: ${issue.message}`).join('; ');
    throw new Error(`The approval policy is invalid: ${problems}`);
  }
  return result.data;
}

/** A currency the policy cannot convert into its base currency (permanent: a retry cannot help). */
export class UnsupportedCurrencyError extends PermanentError {}

/** The currencies a proposal may be costed in under this policy. */
export function supportedCurrencies(policy: ApprovalPolicy): string[] {
  return [policy.baseCurrency, ...Object.keys(policy.exchangeRates)];
}

/** An amount in the policy's base currency, to compare with its thresholds. */
export function inBaseCurrency(money: Money, policy: ApprovalPolicy): number {
  if (money.currency === policy.baseCurrency) return money.amount;
  const rate = policy.exchangeRates[money.currency];
  if (rate === undefined) throw new UnsupportedCurrencyError(`The approval policy has no exchange rate for ${money.currency}`);
  return Math.round(money.amount * rate * 100) / 100;
}

/** The levels a proposal of this cost must pass, in order. */
export function levelsFor(cost: Money, policy: ApprovalPolicy): PolicyLevel[] {
  const amount = inBaseCurrency(cost, policy);
  return policy.levels.filter((level) => amount >= level.minAmount);
}

/** The longest any approval can wait before its deadline: the backstop of the workflow's callback tasks. */
export function longestApprovalHours(policy: ApprovalPolicy): number {
  return Math.max(...policy.levels.map((level) => level.timeoutHours));
}
