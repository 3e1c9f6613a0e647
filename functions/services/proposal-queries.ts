import { isPmo, viewerEmail, type Viewer } from '#domain/access.ts';
import { supportedCurrencies } from '#domain/approval-policy.ts';
import type { Approval } from '#domain/approval.ts';
import type { AuditEvent } from '#domain/audit.ts';
import type { Delegation } from '#domain/delegation.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import { proposalSubject } from '#domain/proposal-audit.ts';
import type { Proposal, ProposalStatus } from '#domain/proposal.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { delegationRepository } from '#adapters/delegation-repository.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { teamRepository } from '#adapters/team-repository.ts';
import { proposalPolicy } from './proposal-subject.ts';

// What the web pages and the JSON API read. The web layer reads the store only through this
// module, so a change of a repository's signature is made here and nowhere in functions/web.

/**
 * Whose proposals a list shows: every one (the PMO's), the reader's own, those they were asked to
 * decide, or those of the people they manage.
 */
export const PROPOSAL_SCOPES = ['all', 'mine', 'to-decide', 'team'] as const;
export type ProposalScope = (typeof PROPOSAL_SCOPES)[number];

/** How many approvals and team members' proposals a "to decide" or "team" list looks through (it has no further pages). */
const SCOPE_WINDOW = 100;

/** Which proposals to list: newest first, optionally of one status, a page at a time. */
export interface ProposalListQuery {
  readonly scope?: ProposalScope | undefined;
  readonly status?: ProposalStatus | undefined;
  readonly limit: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

/** A page of proposals, or why the cursor could not be followed (it was not one this service issued). */
export type ProposalListing =
  | { readonly kind: 'page'; readonly scope: ProposalScope; readonly items: Proposal[]; readonly nextCursor?: string }
  | { readonly kind: 'invalid-cursor'; readonly message: string }
  | { readonly kind: 'scope-forbidden'; readonly message: string };

/** A proposal with its approvals (in no particular order) and its audit trail (in time order). */
export interface ProposalWithReview {
  readonly proposal: Proposal;
  readonly approvals: Approval[];
  readonly history: AuditEvent[];
}

/** The list a reader gets unless they ask for another: the PMO all proposals, anyone else their own. */
export function defaultScope(viewer: Viewer): ProposalScope {
  return isPmo(viewer) ? 'all' : 'mine';
}

function newestFirst(a: Proposal, b: Proposal): number {
  return a.submittedAt < b.submittedAt ? 1 : a.submittedAt > b.submittedAt ? -1 : 0;
}

/**
 * Proposals newest first, of the scope the reader asks for and may see: a page at a time through an
 * index (all, mine), or the newest of a bounded window (to decide, team).
 */
export async function listProposals(viewer: Viewer, query: ProposalListQuery): Promise<ProposalListing> {
  const scope = query.scope ?? defaultScope(viewer);
  const email = viewerEmail(viewer);
  if (scope === 'all' && !isPmo(viewer)) return { kind: 'scope-forbidden', message: 'Only the PMO lists every proposal; use scope mine, to-decide or team' };
  const ofStatus = (proposals: Proposal[]) => (query.status ? proposals.filter((proposal) => proposal.status === query.status) : proposals);
  try {
    if (scope === 'all' || email === undefined) {
      const page = await proposalRepository.list({ limit: query.limit, ...(query.status ? { status: query.status } : {}), ...(query.cursor ? { cursor: query.cursor } : {}) });
      return { kind: 'page', scope, ...page };
    }
    if (scope === 'mine') {
      const page = await proposalRepository.listBySubmitter(email, { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
      return { kind: 'page', scope, ...page, items: ofStatus(page.items) };
    }
    if (scope === 'to-decide') {
      const approvals = await approvalRepository.listRecentFor(email, SCOPE_WINDOW);
      const ids = [...new Set(approvals.filter((approval) => approval.subject.type === 'proposal').map((approval) => approval.subject.id))];
      const proposals = (await Promise.all(ids.map((id) => proposalRepository.get(id)))).filter((proposal): proposal is Proposal => proposal !== undefined);
      return { kind: 'page', scope, items: ofStatus(proposals).sort(newestFirst).slice(0, query.limit) };
    }
    const reports = await teamRepository.reportsOf(email);
    const pages = await Promise.all(reports.map((report) => proposalRepository.listBySubmitter(report, { limit: SCOPE_WINDOW })));
    return { kind: 'page', scope, items: ofStatus(pages.flatMap((page) => page.items)).sort(newestFirst).slice(0, query.limit) };
  } catch (error) {
    if (error instanceof InvalidCursorError) return { kind: 'invalid-cursor', message: error.message };
    throw error;
  }
}


/** Someone a proposal's review waits on now, and whom they stand in for while that person is away. */
export interface WaitingOn {
  readonly approver: PersonRef;
  readonly onBehalfOf?: PersonRef;
}

/** A proposal as the portfolio list shows it: with the people its current level waits on (none unless in review). */
export interface ProposalListEntry {
  readonly proposal: Proposal;
  readonly waitingOn: readonly WaitingOn[];
}

/** The most proposals a page of the portfolio list holds: each one in review costs a query. */
export const MAX_PORTFOLIO_PAGE = 20;

/** A page of the portfolio list, or why it could not be listed. */
export type PortfolioListing =
  | { readonly kind: 'page'; readonly scope: ProposalScope; readonly items: ProposalListEntry[]; readonly nextCursor?: string }
  | { readonly kind: 'invalid-cursor'; readonly message: string }
  | { readonly kind: 'scope-forbidden'; readonly message: string };

/**
 * Proposals newest first with whom each waits on, a page of at most {@link MAX_PORTFOLIO_PAGE}.
 * The proposal item says which level is current; only its approvals say who holds that level now
 * (after delegation or escalation), so each proposal in review costs one query: all of a page's
 * are sent at once, one batch of at most 20 parallel queries, never one after another.
 */
export async function portfolioPage(viewer: Viewer, query: ProposalListQuery): Promise<PortfolioListing> {
  const listing = await listProposals(viewer, { ...query, limit: Math.min(query.limit, MAX_PORTFOLIO_PAGE) });
  if (listing.kind !== 'page') return listing;
  return { ...listing, items: await withWaitingOn(listing.items) };
}

async function withWaitingOn(proposals: readonly Proposal[]): Promise<ProposalListEntry[]> {
  return Promise.all(
    proposals.map(async (proposal) => ({
      proposal,
      waitingOn: isWaiting(proposal) ? waitingOnOf(proposal, await proposalApprovals(proposal.id)) : [],
    })),
  );
}

function isWaiting(proposal: Proposal): boolean {
  return proposal.status === 'IN_REVIEW' && (proposal.review?.currentLevel ?? 0) > 0;
}

/** The approvers of the current level's approvals still pending, once each. */
function waitingOnOf(proposal: Proposal, approvals: readonly Approval[]): WaitingOn[] {
  const review = proposal.review;
  const seen = new Set<string>();
  const waiting: WaitingOn[] = [];
  for (const approval of approvals) {
    if (approval.status !== 'PENDING' || approval.level !== review?.currentLevel || approval.executionName !== review.executionName) continue;
    if (seen.has(approval.approver.email)) continue;
    seen.add(approval.approver.email);
    waiting.push({ approver: approval.approver, ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf } : {}) });
  }
  return waiting;
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
