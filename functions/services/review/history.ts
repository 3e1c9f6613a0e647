import { decisionsOf, type Approval, type EarlierDecision } from '#domain/approval.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';

/**
 * What an approver reads before deciding: the decisions (and their comments) of earlier reviews of
 * the same subject (a rejection before a revision), then those of this review's earlier levels.
 */
export async function earlierDecisions(approval: Pick<Approval, 'subject' | 'executionName' | 'level' | 'requestedAt'>): Promise<EarlierDecision[]> {
  const approvals = await approvalRepository.listForSubject(approval.subject);
  const earlierReviews = approvals.filter((candidate) => candidate.executionName !== approval.executionName && candidate.requestedAt < approval.requestedAt);
  const thisReview = approvals.filter((candidate) => candidate.executionName === approval.executionName && candidate.level < approval.level);
  return [...decisionsOf(earlierReviews).map((decision) => ({ ...decision, earlierReview: true })), ...decisionsOf(thisReview)];
}
