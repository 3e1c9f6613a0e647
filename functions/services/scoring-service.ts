import { proposalAudit } from '#domain/proposal-audit.ts';
import { PermanentError } from '#domain/errors.ts';
import { DEFAULT_RUBRIC, scoreCriteria } from '#domain/scoring.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';

/** Scores a proposal with the current rubric and stores the breakdown with it. */
export async function scoreProposal(proposalId: string, now: Date): Promise<{ total: number; rubricVersion: string }> {
  const proposal = await proposalRepository.get(proposalId);
  if (!proposal) throw new PermanentError(`Proposal ${proposalId} does not exist`);
  // A replayed step keeps the score it computed first, so the breakdown never changes under a decision.
  const score = proposal.score ?? scoreCriteria(proposal.criteria, DEFAULT_RUBRIC, now);
  if (!proposal.score) await proposalRepository.saveScore(proposal.id, score, now);
  await auditRepository.append(proposalAudit.scored(proposal.id, score));
  return { total: score.total, rubricVersion: score.rubricVersion };
}
