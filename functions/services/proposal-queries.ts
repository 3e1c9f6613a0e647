import { supportedCurrencies } from '#domain/approval-policy.ts';
import type { Approval } from '#domain/approval.ts';
import type { AuditEvent } from '#domain/audit.ts';
import type { Delegation } from '#domain/delegation.ts';
import { proposalSubject } from '#domain/proposal-audit.ts';
import type { Proposal, ProposalStatus } from '#domain/proposal.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { delegationRepository } from '#adapters/delegation-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { proposalPolicy } from './proposal-subject.ts';

// What the web pages and the JSON API read. The web layer reads the store only through this
// module, so a change of a repository's signature is made here and nowhere in functions/web.

/** Which proposals to list: newest first, optionally of one status, a page at a time. */
export interface ProposalListQuery {
  readonly status?: ProposalStatus | undefined;
  readonly limit: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

/** A page of proposals, or why the cursor could not be followed (it was not one this service issued). */
export type ProposalListing =
  | { readonly kind: 'page'; readonly items: Proposal[]; readonly nextCursor?: string }
  | { readonly kind: 'invalid-cursor'; readonly message: string };

/** A proposal with its approvals (in no particular order) and its audit trail (in time order). */
export interface ProposalWithReview {
  readonly proposal: Proposal;
  readonly approvals: Approval[];
  readonly history: AuditEvent[];
}

/** Proposals newest first, a page at a time. */
export async function listProposals(query: ProposalListQuery): Promise<ProposalListing> {
  try {
    const page = await proposalRepository.list({
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { kind: 'page', ...page };
  } catch (error) {
    if (error instanceof InvalidCursorError) return { kind: 'invalid-cursor', message: error.message };
    throw error;
  }
}

/** The newest proposals, for the home page (no cursor, so no listing error). */
export async function newestProposals(limit: number): Promise<{ items: Proposal[]; nextCursor?: string }> {
  return proposalRepository.list({ limit });
}

/** A proposal and its approvals; undefined when there is no proposal with this id. */
export async function proposalWithApprovals(id: string): Promise<Pick<ProposalWithReview, 'proposal' | 'approvals'> | undefined> {
  const proposal = await proposalRepository.get(id);
  if (!proposal) return undefined;
  return { proposal, approvals: await proposalApprovals(id) };
}

/** A proposal, its approvals and its audit trail; undefined when there is no proposal with this id. */
export async function proposalWithReview(id: string): Promise<ProposalWithReview | undefined> {
  const proposal = await proposalRepository.get(id);
  if (!proposal) return undefined;
  const [approvals, history] = await Promise.all([proposalApprovals(id), auditRepository.listForSubject(proposalSubject(id))]);
  return { proposal, approvals, history };
}

/** Every approval asked for a proposal, of all its revisions. */
export async function proposalApprovals(proposalId: string): Promise<Approval[]> {
  return approvalRepository.listForSubject(proposalSubject(proposalId));
}

/** The currencies a proposal's estimated cost may be given in: those the approval policy can convert. */
export function supportedProposalCurrencies(): string[] {
  return supportedCurrencies(proposalPolicy);
}

/** A person's out-of-office delegation, if they have set one (current, future or past). */
export async function currentDelegation(email: string): Promise<Delegation | undefined> {
  return delegationRepository.get(email);
}
