import { createHash, randomUUID } from 'node:crypto';
import { proposalAudit } from '#domain/proposal-audit.ts';
import { newProposal, type Proposal, type ProposalInput } from '#domain/proposal.ts';
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
    await auditRepository.append(proposalAudit.submitted(proposal));
  }

  // Starting is idempotent by execution name, so a retry also repairs a start that failed before.
  await startReviewOf(proposal);
  return { kind: created ? 'created' : 'replayed', proposal };
}

/** Starts the intake workflow of a proposal's current revision, under the name the proposal records. */
export async function startReviewOf(proposal: Proposal): Promise<void> {
  if (!proposal.executionName) throw new Error(`Proposal ${proposal.id} names no execution`);
  await workflowClient.start('intake', proposal.executionName, { proposalId: proposal.id });
}
