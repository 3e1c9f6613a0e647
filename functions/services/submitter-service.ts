import { linkSecretMatches } from '#domain/link-secret.ts';
import { proposalAudit, proposalSubject } from '#domain/proposal-audit.ts';
import { WITHDRAWABLE_STATUSES, type Proposal, type ProposalInput, type SubmitterLinkPurpose } from '#domain/proposal.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { startReviewOf } from './intake-service.ts';
import { withdrawApprovals } from './review/reassignment.ts';
import { withdrawUnderHold } from './review/withdrawal.ts';

/** Whether a secret from one of the submitter's emails opens this proposal for `purpose` (and only that). */
export function isSubmitterKey(proposal: Proposal, secret: string | undefined, purpose: SubmitterLinkPurpose): boolean {
  const prefix = `${purpose}:`;
  return proposal.submitterKeyHashes.some((entry) => entry.startsWith(prefix) && linkSecretMatches(secret, entry.slice(prefix.length)));
}

/** What a submitter link leads to. */
export type SubmitterAccess =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'ok'; readonly proposal: Proposal };

/**
 * Opens a proposal for its submitter, by the secret of a link the submitter was emailed. A
 * submitter the directory has deactivated since is refused as a wrong key is: someone who left
 * keeps no way in. (Someone never in the directory, with sign-in off, keeps their links.)
 */
export async function submitterAccess(proposalId: string, secret: string | undefined, purpose: SubmitterLinkPurpose): Promise<SubmitterAccess> {
  const proposal = await proposalRepository.get(proposalId);
  if (!proposal) return { kind: 'not-found' };
  if (!isSubmitterKey(proposal, secret, purpose)) return { kind: 'forbidden' };
  const submitter = await directoryRepository.getPerson(proposal.submitter.email);
  return submitter && !submitter.active ? { kind: 'forbidden' } : { kind: 'ok', proposal };
}

/** What a withdrawal did. */
export type WithdrawalResult = SubmitterAccess | { readonly kind: 'not-withdrawable'; readonly proposal: Proposal } | { readonly kind: 'withdrawn'; readonly proposal: Proposal; readonly approversTold?: number };

/**
 * Withdraws a proposal in review: status WITHDRAWN, every pending approval closed (its links then
 * answer 410), and the workflow told so that it records the outcome and ends.
 */
export async function withdrawProposal(proposalId: string, secret: string | undefined, now: Date): Promise<WithdrawalResult> {
  const access = await submitterAccess(proposalId, secret, 'withdraw');
  if (access.kind !== 'ok') return access;
  const { proposal } = access;
  if (proposal.status === 'WITHDRAWN') {
    // A repeat finishes what an earlier attempt may have left undone (both steps are idempotent).
    await auditRepository.append(proposalAudit.withdrawn(proposal, proposal.outcome?.decidedAt ?? now.toISOString()));
    await withdrawApprovals(proposalSubject(proposal.id), now);
  }
  if (!WITHDRAWABLE_STATUSES.includes(proposal.status)) return { kind: 'not-withdrawable', proposal };
  const write = () => proposalRepository.withdraw(proposal, { decision: 'withdrawn', decidedBy: proposal.submitter, decidedAt: now.toISOString() }, now);
  // Exactly one of a withdrawal and a decision that ends the review wins; the review arbitrates.
  const claim = proposal.executionName ? await withdrawUnderHold(proposalSubject(proposal.id), proposal.executionName, write) : (await write()) ? 'withdrawn' : 'lost';
  // A decision ended the review first, or a concurrent withdrawal won: this one gets what a later repeat gets.
  if (claim !== 'withdrawn') return { kind: 'not-withdrawable', proposal: (await proposalRepository.get(proposalId)) ?? proposal };
  await auditRepository.append(proposalAudit.withdrawn(proposal, now.toISOString()));
  const approversTold = await withdrawApprovals(proposalSubject(proposal.id), now);
  return { kind: 'withdrawn', proposal: { ...proposal, status: 'WITHDRAWN' }, approversTold };
}

/** What a resubmission did. */
export type ResubmissionResult = { readonly kind: 'not-rejected'; readonly proposal: Proposal } | { readonly kind: 'resubmitted'; readonly proposal: Proposal };

/**
 * Resubmits a rejected proposal, opened with the submitter's key ({@link submitterAccess}), with
 * their revisions: same id, history kept, and a new review under the current policy (a new
 * workflow execution for the new revision).
 */
export async function resubmitProposal(current: Proposal, input: ProposalInput, now: Date): Promise<ResubmissionResult> {
  // A resubmission whose start was lost is started by the sweep's repair step; a second POST of the
  // form is refused, not read as another revision.
  if (current.status !== 'REJECTED') return { kind: 'not-rejected', proposal: current };
  // A revision changes the proposal, never who submitted it: the link is the submitter's, and a
  // form that names someone else must not make the product email them or hand them the proposal.
  const revised = await proposalRepository.resubmit(current, { ...input, submitter: current.submitter }, now);
  if (!revised) return { kind: 'not-rejected', proposal: (await proposalRepository.get(current.id))! };
  await auditRepository.append(proposalAudit.resubmitted(revised, now.toISOString()));
  await startReviewOf(revised);
  return { kind: 'resubmitted', proposal: revised };
}
