import type { Approval } from '#domain/approval.ts';
import type { Proposal } from '#domain/proposal.ts';

/** What the API and pages show of an approval: never its secret hash or callback token. */
export interface ApprovalSummary {
  readonly level: number;
  readonly levelName: string;
  readonly approver: { name: string; email: string };
  /** Set when the approver decides for someone who is out of office. */
  readonly onBehalfOf?: { name: string; email: string };
  /** Earlier approvers of this request, and why it moved on from each. */
  readonly reassignedFrom: { name: string; email: string; reason: string; at: string }[];
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
    levelName: approval.levelName,
    approver: approval.approver,
    ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf } : {}),
    reassignedFrom: approval.formerAssignees.map((former) => ({ ...former.approver, reason: former.reason, at: former.at })),
    status: approval.status,
    requestedAt: approval.requestedAt,
    dueAt: approval.dueAt,
    ...(approval.decidedAt ? { decidedAt: approval.decidedAt } : {}),
    ...(approval.decidedBy ? { decidedBy: approval.decidedBy } : {}),
    ...(approval.comment ? { comment: approval.comment } : {}),
  };
}

/** The approvals of a proposal in the order they were asked: by time, then level and slot. */
export function inRequestOrder<T extends Approval>(approvals: readonly T[]): T[] {
  return [...approvals].sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.level - b.level || a.slot - b.slot);
}

/**
 * The JSON representation of a proposal: its fields without the submitter's link hashes, where its
 * review stands, and its approvals in the order asked.
 */
export function proposalResource(proposal: Proposal, approvals: readonly Approval[]) {
  const fields = publicProposal(proposal);
  const current = proposal.review?.levels.find((level) => level.level === proposal.review?.currentLevel);
  return {
    ...fields,
    ...(proposal.status === 'IN_REVIEW' && current
      ? { reviewStage: { level: current.level, name: current.name, of: proposal.review!.levels.length } }
      : {}),
    approvals: inRequestOrder(approvals).map(summariseApproval),
  };
}

/** A proposal as anyone may see it: without the hashes of the secrets of its emailed links. */
export function publicProposal(proposal: Proposal): Omit<Proposal, 'submitterKeyHashes' | 'restartKeyHashes'> {
  const { submitterKeyHashes: _secrets, restartKeyHashes: _restartSecrets, ...fields } = proposal;
  return fields;
}
