import { linkSecretMatches } from '#domain/link-secret.ts';
import { proposalAudit } from '#domain/proposal-audit.ts';
import { RESTARTABLE_STATUSES, type Proposal } from '#domain/proposal.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { startReviewOf } from './intake-service.ts';

/** What a PMO restart link leads to. */
export type RestartAccess = { readonly kind: 'not-found' } | { readonly kind: 'forbidden' } | { readonly kind: 'ok'; readonly proposal: Proposal; readonly holder: string };

/**
 * Opens a proposal for the PMO by the secret of a restart link emailed when its review failed or
 * expired. Restarting clears the keys, so each link restarts one attempt at most.
 */
export async function restartAccess(proposalId: string, secret: string | undefined): Promise<RestartAccess> {
  const proposal = await proposalRepository.get(proposalId);
  if (!proposal) return { kind: 'not-found' };
  for (const entry of proposal.restartKeyHashes) {
    const separator = entry.indexOf(':');
    if (linkSecretMatches(secret, entry.slice(0, separator))) return { kind: 'ok', proposal, holder: entry.slice(separator + 1) };
  }
  return { kind: 'forbidden' };
}

/** What a restart did. */
export type RestartResult = Exclude<RestartAccess, { kind: 'ok' }> | { readonly kind: 'not-restartable'; readonly proposal: Proposal } | { readonly kind: 'restarted'; readonly proposal: Proposal };

/**
 * Restarts the review of a proposal that failed or expired: a new execution (the next attempt)
 * reviews it under the current policy, and its history keeps the first. Two clicks restart once.
 */
export async function restartReview(proposalId: string, secret: string | undefined, now: Date): Promise<RestartResult> {
  const access = await restartAccess(proposalId, secret);
  if (access.kind !== 'ok') return access;
  if (!RESTARTABLE_STATUSES.includes(access.proposal.status)) return { kind: 'not-restartable', proposal: access.proposal };
  const restarted = await proposalRepository.restart(access.proposal, now);
  if (!restarted) return { kind: 'not-restartable', proposal: (await proposalRepository.get(proposalId)) ?? access.proposal };
  // The audit trail names the person the link was emailed to.
  await auditRepository.append(proposalAudit.restarted(restarted, access.holder, now.toISOString()));
  await startReviewOf(restarted);
  return { kind: 'restarted', proposal: restarted };
}
