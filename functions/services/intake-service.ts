import { createHash, randomUUID } from 'node:crypto';
import { intakeExecutionName, newProposal, type Proposal, type ProposalInput } from '#domain/proposal.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { idempotencyStore } from '#adapters/idempotency-store.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { workflowClient } from '#adapters/workflow-client.ts';

/** The result of a submission: the proposal, and whether this request created it. */
export type SubmissionResult =
  | { readonly kind: 'created' | 'replayed'; readonly proposal: Proposal }
  | { readonly kind: 'key-reused' };

function fingerprintOf(input: ProposalInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('base64url');
}

/**
 * Saves a proposal and starts its review. With an idempotency key, a retried request returns the
 * first one's proposal (and makes sure its workflow runs) instead of creating a second proposal.
 */
export async function submitProposal(input: ProposalInput, idempotencyKey: string | undefined, now: Date): Promise<SubmissionResult> {
  const candidateId = randomUUID();
  let proposalId: string = candidateId;
  if (idempotencyKey) {
    const fingerprint = fingerprintOf(input);
    const claim = await idempotencyStore.claim('proposal', idempotencyKey, { resultId: candidateId, fingerprint }, now);
    if (claim.fingerprint !== fingerprint) return { kind: 'key-reused' };
    proposalId = claim.resultId;
  }

  // Only a replayed key can point at a proposal that exists already.
  let proposal = proposalId === candidateId ? undefined : await proposalRepository.get(proposalId);
  const created = proposal === undefined;
  if (!proposal) {
    proposal = newProposal(proposalId, input, now);
    await proposalRepository.create(proposal);
    await auditRepository.append({
      subjectId: proposal.id,
      eventId: 'submitted',
      type: 'submitted',
      at: proposal.submittedAt,
      actor: proposal.submitter.email,
      summary: `Submitted by ${proposal.submitter.name}`,
    });
  }

  // Starting is idempotent by execution name, so a retry also repairs a start that failed before.
  const executionName = intakeExecutionName(proposal.id);
  await workflowClient.startIntake(executionName, { proposalId: proposal.id });
  if (proposal.executionName !== executionName) {
    await proposalRepository.setExecution(proposal.id, executionName, now);
    proposal = { ...proposal, executionName };
  }
  return { kind: created ? 'created' : 'replayed', proposal };
}
