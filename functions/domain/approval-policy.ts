import * as z from 'zod';
import { PermanentError } from './errors.ts';
import type { Money } from './money.ts';

const WORDS_PATTERN = /^[a-z][a-z0-9-]{1,40}$/;

/**
 * Who approves: every holder of a role of the directory, one named person, or the people the
 * subject itself names by a relation its process resolves (`line-manager` of a timesheet's person,
 * `project-manager` of an invoice's projects).
 */
export const ApproverSpecSchema = z.union([
  z.object({ role: z.string().regex(WORDS_PATTERN, 'A role is lower-case words joined by dashes') }).strict(),
  z.object({ person: z.email().transform((email) => email.toLowerCase()) }).strict(),
  z.object({ relation: z.string().regex(WORDS_PATTERN, 'A relation is lower-case words joined by dashes') }).strict(),
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
    /**
     * The level applies only to a subject that carries this condition (an invoice flagged as a
     * suspected duplicate, or over a budget that stops it), on top of `minAmount`.
     */
    when: z.string().regex(WORDS_PATTERN, 'A condition is lower-case words joined by dashes').optional(),
  })
  .strict();
export type PolicyLevel = z.infer<typeof PolicyLevelSchema>;

/** What every process's approval policy has: levels by amount, reminders, escalation, currencies. */
const POLICY_SHAPE = {
  version: z.string().min(1).max(40),
  baseCurrency: z.string().length(3),
  /** Value of one unit of each other currency in the base currency. */
  exchangeRates: z.record(z.string().length(3), z.number().positive()),
  reminderAfterHours: z.number().positive(),
  escalateAfterHours: z.number().positive(),
  levels: z.array(PolicyLevelSchema).min(1),
};

/**
 * The schema of an approval policy: the shared shape, plus what one process adds (the intake's
 * score floor). Validated whole at start-up; its version is stored with each review.
 */
export function approvalPolicySchema<Extra extends z.ZodRawShape>(extra: Extra, unknownKeys: 'strict' | 'loose' = 'strict') {
  const shape = z.object({ ...POLICY_SHAPE, ...extra });
  return (unknownKeys === 'strict' ? shape.strict() : shape.loose()).superRefine((policy, ctx) => checkLevels(policy as unknown as BasePolicy, ctx));
}

type BasePolicy = z.infer<z.ZodObject<typeof POLICY_SHAPE>>;

/** The rules across fields: levels numbered in order, thresholds that never decrease, escalation after the reminder. */
function checkLevels(policy: BasePolicy, ctx: z.RefinementCtx): void {
  const levels = policy.levels;
  if (levels[0] && levels[0].minAmount !== 0) {
    ctx.addIssue({ code: 'custom', path: ['levels', 0, 'minAmount'], message: 'The first level applies to everything: its minAmount is 0' });
  }
  levels.forEach((level, index) => {
    if (level.level !== index + 1) ctx.addIssue({ code: 'custom', path: ['levels', index, 'level'], message: 'Levels are numbered 1, 2, 3… in order' });
    if (index > 0 && level.minAmount < levels[index - 1]!.minAmount) {
      ctx.addIssue({ code: 'custom', path: ['levels', index, 'minAmount'], message: 'Thresholds must not decrease from one level to the next' });
    }
  });
  if (policy.escalateAfterHours <= policy.reminderAfterHours) {
    ctx.addIssue({ code: 'custom', path: ['escalateAfterHours'], message: 'Escalation must come after the reminder' });
  }
}

/** The part of any process's policy that the review engine reads (a process's own fields pass through). */
export const ApprovalPolicySchema = approvalPolicySchema({}, 'loose');
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

/** The intake's policy: the shared shape and the score floor. */
export const ProposalPolicySchema = approvalPolicySchema({
  /** Proposals scoring below this go to review flagged "below threshold" (never auto-rejected). */
  scoreFloor: z.number().min(0).max(100),
});
export type ProposalPolicy = z.infer<typeof ProposalPolicySchema>;

/** Parses a policy, with every problem named by its path: a wrong policy must stop the start. */
export function parseApprovalPolicy(raw: unknown): ProposalPolicy;
export function parseApprovalPolicy<S extends z.ZodType>(raw: unknown, schema: S): z.infer<S>;
export function parseApprovalPolicy(raw: unknown, schema: z.ZodType = ProposalPolicySchema): unknown {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(policy)'}: ${issue.message}`).join('; ');
    throw new Error(`The approval policy is invalid: ${problems}`);
  }
  return result.data;
}

/** A currency the policy cannot convert into its base currency (permanent: a retry cannot help). */
export class UnsupportedCurrencyError extends PermanentError {}

/** The currencies an amount may be given in under this policy. */
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

/**
 * The levels a subject of this amount and these conditions must pass, in order (no amount: those
 * from 0). May be none when every level is conditional or starts above the amount: the process then
 * decides without a review (an invoice under its policy's threshold).
 */
export function levelsFor(cost: Money | undefined, policy: ApprovalPolicy, conditions: readonly string[] = []): PolicyLevel[] {
  const amount = cost ? inBaseCurrency(cost, policy) : 0;
  return policy.levels.filter((level) => amount >= level.minAmount && (level.when === undefined || conditions.includes(level.when)));
}

/** The longest any approval can wait before its deadline: the backstop of the workflow's callback tasks. */
export function longestApprovalHours(policy: ApprovalPolicy): number {
  return Math.max(...policy.levels.map((level) => level.timeoutHours));
}
