import { decisionsOf, type Approval, type EarlierDecision } from '#domain/approval.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';

/** The decisions (and their comments) made before `approval`'s level in the same execution, in order. */
export async function earlierDecisions(approval: Pick<Approval, 'subject' | 'executionName' | 'level'>): Promise<EarlierDecision[]> {
  const approvals = await approvalRepository.listForSubject(approval.subject);
  return decisionsOf(approvals.filter((candidate) => candidate.executionName === approval.executionName && candidate.level < approval.level));
}
