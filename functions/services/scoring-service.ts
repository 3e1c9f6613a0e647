import { proposalAudit } from '#domain/proposal-audit.ts';
import { PermanentError } from '#domain/errors.ts';
import { ForeignExecutionError } from './review/subject-registry.ts';
import { DEFAULT_RUBRIC, scoreCriteria } from '#domain/scoring.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';

/**
 * Scores a proposal with the current rubric and stores the breakdown with it. Only the proposal's
 * current execution may: a second one started by hand fails here, before touching anything.
 */
export async function scoreProposal(proposalId: string, executionName: string, now: Date): Promise<{ total: number; rubricVersion: string }> {
  const proposal = await proposalRepository.get(proposalId);
  if (!proposal) throw new PermanentError(`Proposal ${proposalId} does not exist`);
  if (proposal.executionName !== executionName) {
    throw new ForeignExecutionError(`Execution ${executionName} does not review proposal ${proposalId} (its review is ${proposal.executionName ?? 'not started'})`);
  }
  // A replayed step keeps the score it computed first, so the breakdown never changes under a decision.
  const score = proposal.score ?? scoreCriteria(proposal.criteria, DEFAULT_RUBRIC, now);
  if (!proposal.score) await proposalRepository.saveScore(proposal.id, score, now);
  await auditRepository.append(proposalAudit.scored(proposal.id, score));
  return { total: score.total, rubricVersion: score.rubricVersion };
}
