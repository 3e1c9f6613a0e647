import * as z from 'zod';
import type { PersonRef } from './proposal.ts';

export const APPROVAL_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'EXPIRED'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** One request for one approver's decision at one level of a proposal's review. */
export interface Approval {
  readonly id: string;
  readonly proposalId: string;
  readonly executionName: string;
  readonly level: number;
  readonly role: string;
  readonly approver: PersonRef;
  readonly status: ApprovalStatus;
  readonly requestedAt: string;
  /** When the approval expires unless decided. */
  readonly dueAt: string;
  readonly secretHash: string;
  readonly decidedAt?: string;
  readonly decidedBy?: PersonRef;
  readonly comment?: string;
  /** When the approver was emailed; absent until the email went out. */
  readonly notifiedAt?: string;
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
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Say why you reject the proposal' });
    }
  });
export type DecisionInput = z.infer<typeof DecisionInputSchema>;

/** What the workflow receives when an approver decides: the callback task's output. */
export interface ApprovalDecision {
  readonly decision: 'approve' | 'reject';
  readonly approver: PersonRef;
  readonly comment?: string;
  readonly decidedAt: string;
}

/** What a link may do with an approval right now, as the approval page shows it. */
export type ApprovalAvailability =
  | { readonly kind: 'open' }
  | { readonly kind: 'decided'; readonly by: PersonRef; readonly at: string; readonly status: ApprovalStatus }
  | { readonly kind: 'expired'; readonly at: string };

/** Whether an approval can still be decided at `now`. */
export function availabilityOf(approval: Approval, now: Date): ApprovalAvailability {
  if (approval.status === 'APPROVED' || approval.status === 'REJECTED') {
    return { kind: 'decided', by: approval.decidedBy ?? approval.approver, at: approval.decidedAt ?? approval.requestedAt, status: approval.status };
  }
  if (approval.status === 'EXPIRED') return { kind: 'expired', at: approval.decidedAt ?? approval.dueAt };
  if (now.getTime() >= Date.parse(approval.dueAt)) return { kind: 'expired', at: approval.dueAt };
  return { kind: 'open' };
}

/** The decision a recorded approval carries, for resuming its workflow. */
export function decisionOf(approval: Approval): ApprovalDecision | undefined {
  if (approval.status !== 'APPROVED' && approval.status !== 'REJECTED') return undefined;
  return {
    decision: approval.status === 'APPROVED' ? 'approve' : 'reject',
    approver: approval.decidedBy ?? approval.approver,
    ...(approval.comment ? { comment: approval.comment } : {}),
    decidedAt: approval.decidedAt ?? approval.requestedAt,
  };
}

/** The approval status a decision leads to. */
export function statusForDecision(decision: DecisionInput['decision']): 'APPROVED' | 'REJECTED' {
  return decision === 'approve' ? 'APPROVED' : 'REJECTED';
}
