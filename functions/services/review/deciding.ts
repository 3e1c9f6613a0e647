import { linkStateOf, resultOf, stageOf, statusForDecision, type Approval, type ApprovalDecision, type DecisionInput, type EarlierDecision, type LinkState } from '#domain/approval.ts';
import { reviewAudit } from '#domain/audit.ts';
import { approvalIdFor, linkSecretMatches } from '#domain/link-secret.ts';
import type { SubjectRef } from '#domain/subject.ts';
import { approvalRepository, type StoredApproval } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { reviewRepository } from '#adapters/review-repository.ts';
import { resumeOrLeaveToSweeper } from './delivery.ts';
import { earlierDecisions } from './history.ts';
import { registrationOf, type ReviewSubject } from './subject-registry.ts';

/** The hash among an approval's (current and former) link secrets that `secret` matches. */
function matchingHash(approval: Approval, secret: string | undefined): string | undefined {
  const hashes = [...approval.secretHashes, ...approval.formerAssignees.flatMap((assignee) => assignee.secretHashes)];
  return hashes.find((hash) => linkSecretMatches(secret, hash));
}

/** What an approval link leads to. */
export type ApprovalView =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden' }
  | {
      readonly kind: LinkState['kind'];
      readonly state: LinkState;
      readonly approval: StoredApproval;
      readonly subject: ReviewSubject;
      /** Decisions and comments of the review's earlier levels, for the approver to read first. */
      readonly earlier: EarlierDecision[];
    };

/** Looks up an approval for a link; changes nothing. */
export async function viewApproval(approvalId: string, secret: string | undefined, now: Date): Promise<ApprovalView> {
  const approval = await approvalRepository.get(approvalId);
  if (!approval) return { kind: 'not-found' };
  const hash = matchingHash(approval, secret);
  if (!hash) return { kind: 'forbidden' };
  const subject = await registrationOf(approval.subject.type).load(approval.subject.id);
  if (!subject) return { kind: 'not-found' };
  const state = linkStateOf(approval, hash, now, subject.state === 'withdrawn');
  const earlier = state.kind === 'open' ? await earlierDecisions(approval) : [];
  return { kind: state.kind, state, approval, subject, earlier };
}

/** An approval link that found its approval and subject. */
type FoundView = Exclude<ApprovalView, { kind: 'not-found' } | { kind: 'forbidden' }>;

/** What happened to a decision posted from an approval page. */
export type DecisionResult =
  | ApprovalView
  | { readonly kind: 'recorded'; readonly approval: StoredApproval; readonly subject: ReviewSubject; readonly decision: ApprovalDecision };

/**
 * Records an approver's decision (the first write wins), closes the level's other approvals when
 * the quorum makes them moot, and resumes the workflow. An answer that cannot be delivered now is
 * re-delivered by the sweeper, so a recorded decision always reaches its workflow.
 */
export async function decide(approvalId: string, secret: string | undefined, input: DecisionInput, now: Date): Promise<DecisionResult> {
  const view = await viewApproval(approvalId, secret, now);
  if (view.kind !== 'open') return view;
  // The review is held while the decision is written, so a withdrawal either comes first (and the
  // decision is refused) or after (and knows whether the decision ended the review).
  const { subject, executionName } = view.approval;
  const hold = await holdReview(subject, executionName, approvalId);
  if (hold !== 'held' && hold !== 'missing') {
    // A double click whose first click ended the review: say who decided, not "someone else".
    const again = await viewApproval(approvalId, secret, now);
    return again.kind === 'open' ? closedView(view, hold) : again;
  }
  let settled = false;
  try {
    return await recordDecision(view, secret, input, now, async (decided) => {
      settled = await settlesReview(decided, input.decision);
    });
  } finally {
    if (hold === 'held') await reviewRepository.release(subject, executionName, approvalId, settled ? 'decided' : undefined);
  }
}

/** How long a decision may hold its review; writing it takes milliseconds. */
const HOLD_LEASE_MS = 10_000;
const HOLD_ATTEMPTS = 40;
const HOLD_RETRY_MS = 50;

/** Holds the review for a decision, waiting briefly for another decision or a withdrawal to finish. */
async function holdReview(subject: SubjectRef, executionName: string, holder: string): Promise<'held' | 'missing' | 'decided' | 'withdrawn'> {
  for (let attempt = 0; attempt < HOLD_ATTEMPTS; attempt += 1) {
    // Leases are about real concurrency, so they run on the real clock, not the request's.
    const hold = await reviewRepository.hold(subject, executionName, holder, new Date(), HOLD_LEASE_MS);
    if (hold === 'held' || hold === 'missing') return hold;
    if (typeof hold === 'object') return hold.closed;
    await new Promise((resolve) => setTimeout(resolve, HOLD_RETRY_MS));
  }
  throw new Error(`The review of ${subject.type} ${subject.id} stayed held; try again`);
}

/** The page a decision gets when its review closed first: withdrawn, or settled by another decision. */
function closedView(view: FoundView, closed: 'decided' | 'withdrawn'): ApprovalView {
  const state: LinkState = closed === 'withdrawn' ? { kind: 'withdrawn' } : { kind: 'superseded' };
  return { ...view, kind: state.kind, state, earlier: [] };
}

/** Whether an approval's decision ends its whole review: a rejection, or the last approval of the last level. */
async function settlesReview(decided: Approval, decision: DecisionInput['decision']): Promise<boolean> {
  if (decision === 'reject') return true;
  if (stageOf(decided) < decided.levelCount) return false;
  if (decided.quorum === 'any') return true;
  for (let slot = 0; slot < decided.slotCount; slot += 1) {
    if (slot === decided.slot) continue;
    const sibling = await approvalRepository.get(approvalIdFor(decided.executionName, decided.level, slot));
    if (sibling?.status !== 'APPROVED') return false;
  }
  return true;
}

/** Writes the decision (the first write wins), closes moot siblings and resumes the workflow. */
async function recordDecision(view: FoundView, secret: string | undefined, input: DecisionInput, now: Date, written: (decided: StoredApproval) => Promise<void>): Promise<DecisionResult> {
  const approvalId = view.approval.id;
  const hash = matchingHash(view.approval, secret)!;
  const update = await approvalRepository.update(approvalId, (current) =>
    linkStateOf(current, hash, now).kind === 'open'
      ? {
          ...current,
          status: statusForDecision(input.decision),
          decidedAt: now.toISOString(),
          decidedBy: current.approver,
          ...(input.comment ? { comment: input.comment } : {}),
          awaitingDelivery: true,
        }
      : undefined,
  );
  if (!update?.after) return viewApproval(approvalId, secret, now);
  const decided = update.after;
  await written(decided);
  const decision = resultOf(decided) as ApprovalDecision;
  await auditRepository.append(reviewAudit.decided(decided, input.decision, decision.decidedAt, decision.comment));
  const settlesLevel = decided.quorum === 'any' || input.decision === 'reject';
  const superseded = settlesLevel ? await supersedeSiblings(decided, now) : [];
  for (const answered of [decided, ...superseded]) await resumeOrLeaveToSweeper(answered);
  return { kind: 'recorded', approval: decided, subject: view.subject, decision };
}

/** Closes the other pending approvals of a level whose outcome a decision has settled. */
export async function supersedeSiblings(decided: StoredApproval, now: Date): Promise<StoredApproval[]> {
  const superseded: StoredApproval[] = [];
  for (let slot = 0; slot < decided.slotCount; slot += 1) {
    if (slot === decided.slot) continue;
    const update = await approvalRepository.update(approvalIdFor(decided.executionName, decided.level, slot), (current) =>
      current.status === 'PENDING' ? { ...current, status: 'SUPERSEDED', decidedAt: now.toISOString(), awaitingDelivery: true } : undefined,
    );
    if (!update?.after) continue;
    superseded.push(update.after);
    await auditRepository.append(reviewAudit.superseded(update.after, decided, now.toISOString()));
  }
  return superseded;
}
