import * as z from 'zod';
import type { ApproverSpec } from './approval-policy.ts';
import type { PersonRef } from './person-ref.ts';
import type { SubjectRef } from './subject.ts';

/** CANCELLED: the workflow that waited on the approval was stopped, timed out or failed. */
export const APPROVAL_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'SUPERSEDED', 'WITHDRAWN', 'CANCELLED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** Why an approval moved from one person to another. */
/** Why an approval moved on: no answer in time, an out-of-office delegate, or its approver left the directory. */
export type ReassignmentReason = 'escalated' | 'delegated' | 'deactivated';

/** Someone an approval was assigned to before its current approver, and whose links now say so. */
export interface FormerAssignee {
  readonly approver: PersonRef;
  readonly reason: ReassignmentReason;
  readonly at: string;
  readonly secretHashes: string[];
}

/** One request for one approver's decision at one level of a subject's review. */
export interface Approval {
  readonly id: string;
  /** What is decided: a proposal, an invoice, a timesheet edit. */
  readonly subject: SubjectRef;
  readonly executionName: string;
  readonly level: number;
  readonly levelName: string;
  /** How many levels the review has, to say "level 2 of 3". */
  readonly levelCount: number;
  /**
   * Where its level stands in the review's plan (1 for the first). The policy's level numbers
   * skip the levels a condition left out; approvals stored before it count by `level`.
   */
  readonly position?: number;
  /** Position of this approver in the level; with `slotCount`, names the level's other approvals. */
  readonly slot: number;
  readonly slotCount: number;
  readonly quorum: 'any' | 'all';
  /** The person who decides now. */
  readonly approver: PersonRef;
  /** Set when the approver decides for someone else (delegation). */
  readonly onBehalfOf?: PersonRef;
  readonly status: ApprovalStatus;
  readonly requestedAt: string;
  /** When the approval expires unless decided. */
  readonly dueAt: string;
  /** When the next reminder is due; absent once sent (or when none is planned). */
  readonly remindAt?: string;
  readonly remindersSent: number;
  /** When the approval is handed to `escalateTo`; absent once escalated (or without a fallback). */
  readonly escalateAt?: string;
  readonly escalateTo?: ApproverSpec;
  /** Hashes of the current approver's link secrets (the first email's, and each reminder's). */
  readonly secretHashes: string[];
  readonly formerAssignees: FormerAssignee[];
  /** A warning the review plan gives every approver (e.g. a score below the PMO's floor). */
  readonly attention?: string;
  readonly decidedAt?: string;
  readonly decidedBy?: PersonRef;
  readonly comment?: string;
  /** When the current approver was first emailed; absent until that email went out. */
  readonly notifiedAt?: string;
  /** Incremented by every change, for optimistic concurrency. */
  readonly version: number;
}

/** The body of the approval page's form. */
export const DecisionInputSchema = z
  .object({
    decision: z.enum(['approve', 'reject'], { error: 'Choose Approve or Reject' }),
    comment: z
      .string()
      .trim()
      .max(2000, 'Use at most 2000 characters')
      .optional()
      .transform((comment) => (comment ? comment : undefined)),
  })
  .superRefine((input, ctx) => {
    if (input.decision === 'reject' && !input.comment) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Say why you reject it' });
    }
  });
export type DecisionInput = z.infer<typeof DecisionInputSchema>;

/**
 * What one approval's callback task returns to the workflow: a decision, or why there is none
 * (another approver decided the level first, the deadline passed, the subject was withdrawn).
 */
export type ApprovalResult = ApprovalDecision | { readonly decision: 'superseded' | 'expired' | 'withdrawn' };

/** An approver's decision, as the workflow receives it. */
export interface ApprovalDecision {
  readonly decision: 'approve' | 'reject';
  readonly approver: PersonRef;
  readonly onBehalfOf?: PersonRef;
  readonly comment?: string;
  readonly decidedAt: string;
}

/** What a link may do with an approval right now, as the approval page shows it. */
export type LinkState =
  | { readonly kind: 'open' }
  | { readonly kind: 'decided' }
  | { readonly kind: 'superseded' }
  | { readonly kind: 'reassigned'; readonly to: PersonRef; readonly reason: ReassignmentReason; readonly at: string }
  | { readonly kind: 'expired' }
  | { readonly kind: 'withdrawn' }
  | { readonly kind: 'cancelled' };

/**
 * What a link whose secret matched `matchedHash` may do at `now`. A former approver's link says
 * who took over; the current approver's link is open until the approval is decided or over. An
 * approval of a withdrawn subject is closed even before the withdrawal reached it.
 */
export function linkStateOf(approval: Approval, matchedHash: string, now: Date, subjectWithdrawn = false): LinkState {
  if (subjectWithdrawn && approval.status === 'PENDING') return { kind: 'withdrawn' };
  const former = approval.formerAssignees.find((assignee) => assignee.secretHashes.includes(matchedHash));
  if (former && approval.status === 'PENDING') {
    return { kind: 'reassigned', to: approval.approver, reason: former.reason, at: former.at };
  }
  switch (approval.status) {
    case 'APPROVED':
    case 'REJECTED':
      return { kind: 'decided' };
    case 'SUPERSEDED':
      return { kind: 'superseded' };
    case 'EXPIRED':
      return { kind: 'expired' };
    case 'WITHDRAWN':
      return { kind: 'withdrawn' };
    case 'CANCELLED':
      return { kind: 'cancelled' };
    case 'PENDING':
      return now.getTime() >= Date.parse(approval.dueAt) ? { kind: 'expired' } : { kind: 'open' };
  }
}

/** The result a recorded approval hands its workflow, if it has one. */
export function resultOf(approval: Approval): ApprovalResult | undefined {
  switch (approval.status) {
    case 'APPROVED':
    case 'REJECTED':
      return {
        decision: approval.status === 'APPROVED' ? 'approve' : 'reject',
        approver: approval.decidedBy ?? approval.approver,
        ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf } : {}),
        ...(approval.comment ? { comment: approval.comment } : {}),
        decidedAt: approval.decidedAt ?? approval.requestedAt,
      };
    case 'SUPERSEDED':
      return { decision: 'superseded' };
    case 'WITHDRAWN':
      return { decision: 'withdrawn' };
    default:
      return undefined;
  }
}

/** The approval status a decision leads to. */
export function statusForDecision(decision: DecisionInput['decision']): 'APPROVED' | 'REJECTED' {
  return decision === 'approve' ? 'APPROVED' : 'REJECTED';
}

/** What the sweeper must do with a pending approval at `now`, if anything. */
export type ApprovalAction = 'expire' | 'escalate' | 'remind' | 'notify';

export function dueAction(approval: Approval, now: Date): ApprovalAction | undefined {
  if (approval.status !== 'PENDING') return undefined;
  const at = now.getTime();
  if (at >= Date.parse(approval.dueAt)) return 'expire';
  if (!approval.notifiedAt && at >= Date.parse(assignedAt(approval)) + NOTIFY_RETRY_MS) return 'notify';
  if (approval.escalateAt && approval.escalateTo && at >= Date.parse(approval.escalateAt)) return 'escalate';
  if (approval.remindAt && at >= Date.parse(approval.remindAt)) return 'remind';
  return undefined;
}

/** When the sweeper must next look at a pending approval: its earliest planned action. */
export function nextActionAt(approval: Approval): string {
  const notifyRetry = approval.notifiedAt ? undefined : new Date(Date.parse(assignedAt(approval)) + NOTIFY_RETRY_MS).toISOString();
  const times = [approval.dueAt, approval.remindAt, approval.escalateTo ? approval.escalateAt : undefined, notifyRetry].filter(
    (time): time is string => !!time,
  );
  return times.reduce((earliest, time) => (time < earliest ? time : earliest));
}

/** How one level of a review ended, from its approvals' results. */
export type LevelOutcome =
  | { readonly outcome: 'approved'; readonly decisions: ApprovalDecision[] }
  | { readonly outcome: 'rejected'; readonly decision: ApprovalDecision }
  | { readonly outcome: 'expired' }
  | { readonly outcome: 'withdrawn' };

/**
 * Tallies a level. With quorum `any` the earliest decision decides; with `all` every approver must
 * approve, one rejection rejects, and a missing answer expires the level. A withdrawal ends it.
 */
export function tallyLevel(quorum: 'any' | 'all', results: readonly ApprovalResult[]): LevelOutcome {
  if (results.some((result) => result.decision === 'withdrawn')) return { outcome: 'withdrawn' };
  const decisions = results
    .filter((result): result is ApprovalDecision => result.decision === 'approve' || result.decision === 'reject')
    .sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
  const rejection = decisions.find((decision) => decision.decision === 'reject');
  if (quorum === 'any') {
    const first = decisions[0];
    if (!first) return { outcome: 'expired' };
    return first.decision === 'reject' ? { outcome: 'rejected', decision: first } : { outcome: 'approved', decisions: [first] };
  }
  if (rejection) return { outcome: 'rejected', decision: rejection };
  if (results.some((result) => result.decision === 'expired' || result.decision === 'superseded') || decisions.length < results.length) {
    return { outcome: 'expired' };
  }
  return { outcome: 'approved', decisions };
}

/** How long an assignment may stay un-notified before the sweeper sends its email again. */
export const NOTIFY_RETRY_MS = 2 * 60 * 1000;

/** When the current approver was assigned: the request, or the latest reassignment. */
export function assignedAt(approval: Approval): string {
  return approval.formerAssignees.at(-1)?.at ?? approval.requestedAt;
}

/** Which assignment this is: 0 for the first approver, then one more per reassignment. */
export function assignmentNumber(approval: Approval): number {
  return approval.formerAssignees.length;
}

/** The approval after a reminder with a fresh link; earlier links stay valid. */
export function withReminder(approval: Approval, secretHash: string): Approval {
  const { remindAt: _sent, ...rest } = approval;
  return { ...rest, remindersSent: approval.remindersSent + 1, secretHashes: [...approval.secretHashes, secretHash] };
}

/**
 * The approval handed to someone else. The previous approver's links then say who took over;
 * the new approver gets one reminder of their own before the deadline, which does not move.
 */
export function reassignedTo(
  approval: Approval,
  to: { approver: PersonRef; onBehalfOf?: PersonRef; reason: ReassignmentReason },
  secretHash: string,
  now: Date,
  reminderAfterMs: number,
): Approval {
  const { notifiedAt: _notified, onBehalfOf: _previous, remindAt: _remind, escalateAt, ...rest } = approval;
  const remindAt = new Date(now.getTime() + reminderAfterMs);
  return {
    ...rest,
    approver: to.approver,
    ...(to.onBehalfOf ? { onBehalfOf: to.onBehalfOf } : {}),
    ...(to.reason !== 'escalated' && escalateAt ? { escalateAt } : {}),
    ...(remindAt.getTime() < Date.parse(approval.dueAt) ? { remindAt: remindAt.toISOString() } : {}),
    remindersSent: 0,
    secretHashes: [secretHash],
    formerAssignees: [...approval.formerAssignees, { approver: approval.approver, reason: to.reason, at: now.toISOString(), secretHashes: approval.secretHashes }],
  };
}

/** A decision made in a review, as later approvers and the submitter see it (with its comment). */
export interface EarlierDecision {
  readonly level: number;
  readonly levelName: string;
  readonly decision: 'approve' | 'reject';
  readonly approver: PersonRef;
  readonly onBehalfOf?: PersonRef;
  readonly decidedAt: string;
  readonly comment?: string;
  /** Made in an earlier review of the same subject (before a revision or a restart). */
  readonly earlierReview?: boolean;
}

/** The decisions among approvals, level by level, oldest first. */
export function decisionsOf(approvals: readonly Approval[]): EarlierDecision[] {
  return approvals
    .filter((candidate) => candidate.status === 'APPROVED' || candidate.status === 'REJECTED')
    .map((decided) => ({
      level: decided.level,
      levelName: decided.levelName,
      decision: decided.status === 'APPROVED' ? ('approve' as const) : ('reject' as const),
      approver: decided.decidedBy ?? decided.approver,
      ...(decided.onBehalfOf ? { onBehalfOf: decided.onBehalfOf } : {}),
      decidedAt: decided.decidedAt ?? decided.requestedAt,
      ...(decided.comment ? { comment: decided.comment } : {}),
    }))
    .sort((a, b) => a.level - b.level || a.decidedAt.localeCompare(b.decidedAt));
}

/** Where an approval's level stands in its review's plan, 1 for the first (as people count levels). */
export function stageOf(approval: Pick<Approval, 'level' | 'position'>): number {
  return approval.position ?? approval.level;
}
