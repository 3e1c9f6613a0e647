import * as z from 'zod';
import { PersonRefSchema, type PersonRef } from './person-ref.ts';

/**
 * What a review is about: a proposal now, an invoice or a late timesheet edit next. The review
 * engine knows a subject only by this reference and by what its type registers.
 */
export const SubjectRefSchema = z
  .object({
    type: z.string().regex(/^[a-z][a-z-]{1,30}$/, 'A subject type is lower-case words joined by dashes'),
    id: z.string().min(1).max(128),
  })
  .strict();
export type SubjectRef = z.infer<typeof SubjectRefSchema>;

/** `proposal:7f1c…`: a subject as one string, for logs (correlation id) and audit details. */
export function subjectLabel(subject: SubjectRef): string {
  return `${subject.type}:${subject.id}`;
}

/** Whether two references name the same subject. */
export function sameSubject(a: SubjectRef, b: SubjectRef): boolean {
  return a.type === b.type && a.id === b.id;
}

/** One line of a subject's summary: "Estimated cost: €30,000.00". */
export interface SubjectFact {
  readonly label: string;
  readonly value: string;
}

/** A table that backs a subject's figures (a score breakdown, invoice lines), in both email parts. */
export interface SubjectTable {
  readonly caption: string;
  readonly columns: readonly { readonly label: string; readonly numeric?: boolean }[];
  readonly rows: readonly (readonly string[])[];
  readonly footer?: readonly string[];
  /** The same content as plain-text lines, for the text part of emails. */
  readonly text: readonly string[];
}

/**
 * What people see of a subject in approval emails and on approval pages: rendered by the engine
 * for any subject type, from what the type's registration provides.
 */
export interface SubjectView {
  readonly subject: SubjectRef;
  /** What it is, in words: "project proposal", "invoice". */
  readonly noun: string;
  readonly title: string;
  /** Who asked for the decision; never an approver of it. */
  readonly submitter: PersonRef;
  /** The short summary, first on every page and email. */
  readonly facts: readonly SubjectFact[];
  /** A figure for the email subject line, e.g. the amount. */
  readonly headline?: string;
  /** Free text the submitter wrote. */
  readonly description?: string;
  readonly table?: SubjectTable;
  /** Path of the subject's own page, e.g. `/proposals/<id>`. */
  readonly pagePath: string;
}

/** Where a subject stands for the engine. */
export type SubjectState = 'open' | 'withdrawn' | 'closed';

/** One level of a planned review, as the engine stores it. */
export const PlannedLevelSchema = z.object({ level: z.number().int().min(1), name: z.string(), quorum: z.enum(['any', 'all']) });
export type PlannedLevel = z.infer<typeof PlannedLevelSchema>;

/** The plan of one execution's review of a subject: which levels apply and where it stands. */
export const ReviewPlanSchema = z.object({
  subject: SubjectRefSchema,
  executionName: z.string(),
  policyVersion: z.string(),
  /** A warning every approver sees (e.g. a score below the PMO's floor). */
  attention: z.string().optional(),
  levels: z.array(PlannedLevelSchema).min(1),
  /** The level being decided. */
  currentLevel: z.number().int().min(1),
  startedAt: z.string(),
  /**
   * `open` while decisions count; `decided` once a decision settled the whole review; `withdrawn`
   * once its subject's withdrawal won. Decisions and withdrawals are arbitrated here.
   */
  state: z.enum(['open', 'decided', 'withdrawn']).default('open'),
  /** A decision being recorded holds the review for a moment, so a withdrawal cannot cross it. */
  lockedBy: z.string().optional(),
  lockUntil: z.string().optional(),
});
export type ReviewPlan = z.infer<typeof ReviewPlanSchema>;

/** A recorded decision as the workflow carries it. */
export const ReviewDecisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  approver: PersonRefSchema,
  onBehalfOf: PersonRefSchema.optional(),
  comment: z.string().optional(),
  decidedAt: z.string(),
});

/** How a review ended, as the workflow hands it to the outcome step. */
export const ReviewOutcomeSchema = z.discriminatedUnion('decision', [
  ReviewDecisionSchema.extend({ level: z.number().optional() }),
  z.object({ decision: z.literal('expired'), level: z.number().optional() }),
  z.object({ decision: z.literal('withdrawn') }),
  /** `error` names the failure for operators; `reason`, when there is one, says it in words for people. */
  z.object({ decision: z.literal('failed'), error: z.string().optional(), reason: z.string().max(500).optional() }),
]);
export type ReviewOutcome = z.infer<typeof ReviewOutcomeSchema>;

export type { PersonRef };
