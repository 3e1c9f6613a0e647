import type { Approval } from '#domain/approval.ts';
import type { Proposal } from '#domain/proposal.ts';

/** What the API and pages show of an approval: never its secret hash or callback token. */
export interface ApprovalSummary {
  readonly level: number;
  readonly role: string;
  readonly approver: { name: string; email: string };
  readonly status: Approval['status'];
  readonly requestedAt: string;
  readonly dueAt: string;
  readonly decidedAt?: string;
  readonly decidedBy?: { name: string; email: string };
  readonly comment?: string;
}

/** Projects a stored approval to its public summary. */
export function summariseApproval(approval: Approval): ApprovalSummary {
  return {
    level: approval.level,
    role: approval.role,
    approver: approval.approver,
    status: approval.status,
    requestedAt: approval.requestedAt,
    dueAt: approval.dueAt,
    ...(approval.decidedAt ? { decidedAt: approval.decidedAt } : {}),
    ...(approval.decidedBy ? { decidedBy: approval.decidedBy } : {}),
    ...(approval.comment ? { comment: approval.comment } : {}),
  };
}

/** The JSON representation of a proposal with its approvals, by level. */
export function proposalResource(proposal: Proposal, approvals: readonly Approval[]) {
  return {
    ...proposal,
    approvals: [...approvals].sort((a, b) => a.level - b.level || a.requestedAt.localeCompare(b.requestedAt)).map(summariseApproval),
  };
}
