import { linkStateOf, resultOf, statusForDecision, type Approval, type ApprovalDecision, type DecisionInput, type EarlierDecision, type LinkState } from '#domain/approval.ts';
import { reviewAudit } from '#domain/audit.ts';
import { approvalIdFor, linkSecretMatches } from '#domain/link-secret.ts';
import { approvalRepository, type StoredApproval } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
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
