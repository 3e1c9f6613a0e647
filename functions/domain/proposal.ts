import * as z from 'zod';
import { MoneySchema } from './money.ts';
import { PersonRefSchema } from './person-ref.ts';

const RATING_MESSAGE = 'Choose a rating from 1 to 5';
const rating = z.number({ error: RATING_MESSAGE }).int(RATING_MESSAGE).min(1, RATING_MESSAGE).max(5, RATING_MESSAGE);

const isoDate = z.iso.date({ error: 'Enter a date as YYYY-MM-DD' });

/** The four criteria every proposal is rated on, 1 (low) to 5 (high). */
export const CriteriaSchema = z.object({
  strategicAlignment: rating,
  businessValue: rating,
  risk: rating,
  urgency: rating,
});
export type Criteria = z.infer<typeof CriteriaSchema>;
export type CriterionName = keyof Criteria;

export { PersonRefSchema, type PersonRef } from './person-ref.ts';
export { MAX_ESTIMATED_COST, MoneySchema, type Money } from './money.ts';

/** The fields a submitter provides, before cross-field checks. */
export const ProposalFieldsSchema = z.object({
    title: z.string().trim().min(3, 'Enter a title of at least 3 characters').max(150, 'Use at most 150 characters'),
    description: z
      .string()
      .trim()
      .min(20, 'Describe the proposal in at least 20 characters')
      .max(5000, 'Use at most 5000 characters'),
    submitter: PersonRefSchema,
    department: z.string().trim().min(2, 'Enter a department').max(80, 'Use at most 80 characters'),
    estimatedCost: MoneySchema,
    startDate: isoDate,
    endDate: isoDate,
    criteria: CriteriaSchema,
});

/** What a submitter sends: the body of `POST /api/proposals` and of the intake form. */
export const ProposalInputSchema = ProposalFieldsSchema.strict().refine((input) => input.endDate >= input.startDate, {
  path: ['endDate'],
  message: 'The end date cannot be before the start date',
  // Checked whenever both dates are valid, even while other fields are wrong, so that a person
  // sees every problem of the form at once.
  when: (payload) => {
    const value = payload.value as { startDate?: unknown; endDate?: unknown } | undefined;
    return isoDate.safeParse(value?.startDate).success && isoDate.safeParse(value?.endDate).success;
  },
});
export type ProposalInput = z.infer<typeof ProposalInputSchema>;

/** Where a proposal is in its life. */
export const PROPOSAL_STATUSES = ['SUBMITTED', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'EXPIRED', 'WITHDRAWN', 'FAILED'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export const ProposalStatusSchema = z.enum(PROPOSAL_STATUSES);

/** Statuses after which nothing more happens to a proposal. */
export const FINAL_STATUSES: readonly ProposalStatus[] = ['APPROVED', 'REJECTED', 'EXPIRED', 'WITHDRAWN', 'FAILED'];

/** One criterion's share of a score, kept so the score can be checked by hand. */
export interface ScoreLine {
  readonly criterion: CriterionName;
  readonly rating: number;
  /** The rating after inversion for criteria where high is bad (risk). */
  readonly effectiveRating: number;
  readonly weight: number;
  readonly points: number;
}

export interface ProposalScore {
  readonly total: number;
  readonly rubricVersion: string;
  readonly breakdown: ScoreLine[];
  readonly scoredAt: string;
}

/** The decision that ended a review, copied onto the proposal. */
export type ProposalOutcome = NonNullable<Proposal['outcome']>;

/** The plan of a review: the policy's levels for this proposal, and where the review stands. */
export type ProposalReview = NonNullable<Proposal['review']>;

const ScoreLineSchema = z.object({
  criterion: z.enum(['strategicAlignment', 'businessValue', 'risk', 'urgency']),
  rating: z.number(),
  effectiveRating: z.number(),
  weight: z.number(),
  points: z.number(),
});

/** A stored proposal, as read back from the table. */
export const ProposalSchema = ProposalFieldsSchema.extend({
  id: z.string(),
  status: ProposalStatusSchema,
  submittedAt: z.string(),
  updatedAt: z.string(),
  score: z
    .object({ total: z.number(), rubricVersion: z.string(), breakdown: z.array(ScoreLineSchema), scoredAt: z.string() })
    .optional(),
  outcome: z
    .object({
      decision: z.enum(['approve', 'reject', 'expired', 'withdrawn', 'failed']),
      decidedBy: z.object({ name: z.string(), email: z.string() }).optional(),
      onBehalfOf: z.object({ name: z.string(), email: z.string() }).optional(),
      comment: z.string().optional(),
      decidedAt: z.string(),
      /** The level whose decision ended the review. */
      level: z.number().optional(),
      error: z.string().optional(),
      /** Why a review ended without a decision, in words (a stopped workflow). */
      reason: z.string().optional(),
    })
    .optional(),
  review: z
    .object({
      /** The workflow execution the plan belongs to (a resubmission plans anew). */
      executionName: z.string(),
      policyVersion: z.string(),
      belowThreshold: z.boolean(),
      levels: z.array(z.object({ level: z.number(), name: z.string(), quorum: z.enum(['any', 'all']) })),
      /** The level being decided, 0 before the first is asked. */
      currentLevel: z.number(),
    })
    .optional(),
  /** The workflow execution that reviews the current revision; no other execution may act on it. */
  executionName: z.string().optional(),
  /** The project an approved proposal became. */
  projectId: z.string().optional(),
  /** 1 for the first submission, one more for each resubmission after a rejection. */
  revision: z.number().default(1),
  /** The submitter's link keys, each bound to its purpose: `withdraw:<hash>`, `revise:<hash>`. */
  submitterKeyHashes: z.array(z.string()).default([]),
  /** Which run of the current revision's review this is: the PMO may restart a failed or expired one. */
  attempt: z.number().default(1),
  /** The restart links' keys, each bound to the person it was emailed to: `<hash>:<email>`. */
  restartKeyHashes: z.array(z.string()).default([]),
});

/** A stored proposal. */
export type Proposal = z.infer<typeof ProposalSchema>;

/**
 * Builds a new proposal from validated input. It names its workflow execution before the
 * execution starts, so the first step already finds itself to be the proposal's current one.
 */
export function newProposal(id: string, input: ProposalInput, now: Date): Proposal {
  const at = now.toISOString();
  return { ...input, id, status: 'SUBMITTED', submittedAt: at, updatedAt: at, revision: 1, submitterKeyHashes: [], attempt: 1, restartKeyHashes: [], executionName: intakeExecutionName(id, 1) };
}

/** The status a proposal ends in for a given outcome of its review. */
export function finalStatusFor(decision: ProposalOutcome['decision']): ProposalStatus {
  switch (decision) {
    case 'approve':
      return 'APPROVED';
    case 'reject':
      return 'REJECTED';
    case 'expired':
      return 'EXPIRED';
    case 'withdrawn':
      return 'WITHDRAWN';
    case 'failed':
      return 'FAILED';
  }
}

/**
 * The intake workflow's execution name for a proposal's revision and attempt: one execution per
 * submission (and per restart by the PMO). Deterministic, so a retried start finds the execution
 * it started, and a second execution for the same revision cannot be started under this name.
 */
export function intakeExecutionName(proposalId: string, revision = 1, attempt = 1): string {
  const base = revision === 1 ? `proposal-${proposalId}` : `proposal-${proposalId}-r${revision}`;
  return attempt === 1 ? base : `${base}-a${attempt}`;
}

/** What a submitter's emailed link may do: each key opens one purpose only. */
export type SubmitterLinkPurpose = 'withdraw' | 'revise';

/** The stored form of a submitter key: its purpose and the hash of its secret. */
export function submitterKeyEntry(purpose: SubmitterLinkPurpose, hash: string): string {
  return `${purpose}:${hash}`;
}

/** The stored form of a restart key: the hash of its secret and whom it was emailed to. */
export function restartKeyEntry(hash: string, email: string): string {
  return `${hash}:${email}`;
}

/** Statuses from which the PMO may restart a review that ended without a decision. */
export const RESTARTABLE_STATUSES: readonly ProposalStatus[] = ['FAILED', 'EXPIRED'];

/** Statuses in which the submitter may still withdraw a proposal. */
export const WITHDRAWABLE_STATUSES: readonly ProposalStatus[] = ['SUBMITTED', 'IN_REVIEW'];
