import {
  availabilityOf,
  decisionOf,
  statusForDecision,
  type Approval,
  type ApprovalDecision,
  type DecisionInput,
} from '#domain/approval.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import type { Role } from '#domain/directory.ts';
import { approvalRequestEmail } from '#domain/emails.tsx';
import { PermanentError } from '#domain/errors.ts';
import { approvalIdFor, createLinkSecret, linkSecretMatches } from '#domain/link-secret.ts';
import type { Proposal } from '#domain/proposal.ts';
import { approvalRepository, type StoredApproval } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { logger } from '#adapters/logger.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { environment } from '#adapters/environment.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { workflowClient } from '#adapters/workflow-client.ts';
import { APPROVAL_EXPIRED_ERROR } from '#workflows/workflow-errors.ts';

/** What the workflow's "request approval" task sends. */
export interface ApprovalRequest {
  readonly proposalId: string;
  readonly executionName: string;
  readonly level: number;
  readonly role: Role;
  readonly timeoutSeconds: number;
  readonly taskToken: string;
}

/** The link to an approval page; the secret travels in the query string of the emailed link only. */
export function approvalLink(approvalId: string, secret: string, decision: 'approve' | 'reject'): string {
  const query = new URLSearchParams({ key: secret, decision });
  return `${environment.publicBaseUrl}/approvals/${encodeURIComponent(approvalId)}?${query.toString()}`;
}

/**
 * Creates the approval for (execution, level), binds the workflow's callback token to it and emails
 * the approver. Safe to run again for the same request: the approval is found, the new token
 * replaces the old one, no second email goes out, and an answer already recorded is delivered at once.
 */
export async function requestApproval(request: ApprovalRequest, now: Date): Promise<void> {
  const proposal = await proposalRepository.get(request.proposalId);
  if (!proposal) throw new PermanentError(`Proposal ${request.proposalId} does not exist`);
  const [approver] = await directoryRepository.peopleInRole(request.role);
  if (!approver) throw new PermanentError(`Nobody in the directory holds the role ${request.role}`);

  const { secret, hash } = createLinkSecret();
  const candidate: Approval = {
    id: approvalIdFor(request.executionName, request.level),
    proposalId: proposal.id,
    executionName: request.executionName,
    level: request.level,
    role: request.role,
    approver: { name: approver.name, email: approver.email },
    status: 'PENDING',
    requestedAt: now.toISOString(),
    dueAt: new Date(now.getTime() + request.timeoutSeconds * 1000).toISOString(),
    secretHash: hash,
  };
  const { approval, created } = await approvalRepository.createOrRebind(candidate, request.taskToken);

  if (approval.status !== 'PENDING') {
    await deliverAnswer(approval, request.taskToken);
    return;
  }
  if (proposal.status === 'SUBMITTED') await proposalRepository.markInReview(proposal, now);
  if (created) {
    await auditRepository.append({
      subjectId: proposal.id,
      eventId: `approval-requested#${approval.id}`,
      type: 'approval-requested',
      at: approval.requestedAt,
      actor: SYSTEM_ACTOR,
      summary: `Approval requested from ${approval.approver.name} (level ${approval.level}, ${approval.role})`,
      details: { approvalId: approval.id, level: approval.level, approver: approval.approver.email, dueAt: approval.dueAt },
    });
  }
  if (approval.notifiedAt) return;
  // The email has not gone out (first run, or a run that stopped before sending): the secret of
  // this run becomes the approval's, because the one stored before was never shown to anyone.
  if (!created) await approvalRepository.replaceSecret(approval.id, hash);
  const message = approvalRequestEmail({
    proposal,
    approval,
    approveUrl: approvalLink(approval.id, secret, 'approve'),
    rejectUrl: approvalLink(approval.id, secret, 'reject'),
  });
  await sendEmailOnce(`approval-request#${approval.id}`, approval.approver, message, now);
  await approvalRepository.markNotified(approval.id, now);
}

/** Hands a recorded answer (decision or expiry) to the workflow waiting on `taskToken`. */
async function deliverAnswer(approval: StoredApproval, taskToken: string): Promise<'delivered' | 'stale-token'> {
  const decision = decisionOf(approval);
  const result = decision
    ? await workflowClient.succeed(taskToken, decision)
    : await workflowClient.fail(taskToken, APPROVAL_EXPIRED_ERROR, `Approval ${approval.id} passed its deadline`);
  if (result === 'delivered') await approvalRepository.close(approval.id, taskToken);
  return result;
}

/** What an approval link leads to. */
export type ApprovalView =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'open' | 'decided' | 'expired'; readonly approval: StoredApproval; readonly proposal: Proposal };

/** Looks up an approval for a link; changes nothing. */
export async function viewApproval(approvalId: string, secret: string | undefined, now: Date): Promise<ApprovalView> {
  const approval = await approvalRepository.get(approvalId);
  if (!approval) return { kind: 'not-found' };
  if (!linkSecretMatches(secret, approval.secretHash)) return { kind: 'forbidden' };
  const proposal = await proposalRepository.get(approval.proposalId);
  if (!proposal) return { kind: 'not-found' };
  return { kind: availabilityOf(approval, now).kind, approval, proposal };
}

/** What happened to a decision posted from an approval page. */
export type DecisionResult =
  | ApprovalView
  | { readonly kind: 'recorded'; readonly approval: StoredApproval; readonly proposal: Proposal; readonly decision: ApprovalDecision };

/**
 * Records an approver's decision (the first one wins) and resumes the workflow. If resuming fails
 * because the token was replaced meanwhile, the current token is tried; anything still undelivered
 * is picked up by the sweeper, so a recorded decision always reaches its workflow.
 */
export async function decide(approvalId: string, secret: string | undefined, input: DecisionInput, now: Date): Promise<DecisionResult> {
  const view = await viewApproval(approvalId, secret, now);
  if (view.kind !== 'open') return view;
  const decided = await approvalRepository.recordDecision(
    approvalId,
    { status: statusForDecision(input.decision), decidedBy: view.approval.approver, ...(input.comment ? { comment: input.comment } : {}) },
    now,
  );
  if (!decided) return viewApproval(approvalId, secret, now);
  const decision = decisionOf(decided)!;
  await auditRepository.append({
    subjectId: decided.proposalId,
    eventId: `decided#${decided.id}`,
    type: 'decided',
    at: decision.decidedAt,
    actor: decided.approver.email,
    summary: `${input.decision === 'approve' ? 'Approved' : 'Rejected'} by ${decided.approver.name} (level ${decided.level})`,
    details: { approvalId: decided.id, decision: input.decision, ...(decision.comment ? { comment: decision.comment } : {}) },
  });
  try {
    await resumeWorkflow(decided);
  } catch (error) {
    // The decision is recorded; the sweeper re-delivers it, so the approver is not asked again.
    logger.warn('Decision recorded but the workflow was not resumed; the sweeper will retry', { proposalId: decided.proposalId, error });
  }
  return { kind: 'recorded', approval: decided, proposal: view.proposal, decision };
}

async function resumeWorkflow(decided: StoredApproval): Promise<void> {
  if (!decided.taskToken) return;
  const first = await deliverAnswer(decided, decided.taskToken);
  if (first === 'stale-token') {
    // The workflow may have re-bound its token (a retried or replayed step) since we read it.
    const current = await approvalRepository.get(decided.id);
    if (current?.taskToken && current.taskToken !== decided.taskToken) await deliverAnswer(current, current.taskToken);
  }
}

/** What one sweep did. */
export interface SweepReport {
  readonly expired: number;
  readonly redelivered: number;
}

const SWEEP_PAGE_SIZE = 50;

/**
 * The scheduled sweep: expires pending approvals past their deadline and re-delivers decisions
 * whose workflow was not resumed. Reads only the sparse index of open approvals up to `now`.
 */
export async function sweepApprovals(now: Date): Promise<SweepReport> {
  let expired = 0;
  let redelivered = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await approvalRepository.listActionable(now, SWEEP_PAGE_SIZE, startKey);
    for (const approval of page.items) {
      try {
        const outcome = await sweepOne(approval, now);
        if (outcome === 'expired') expired += 1;
        if (outcome === 'redelivered') redelivered += 1;
      } catch (error) {
        // One approval's trouble must not hold up the others; it stays open for the next sweep.
        logger.error('Sweeping an approval failed', { approvalId: approval.id, error });
      }
    }
    startKey = page.lastKey;
  } while (startKey);
  return { expired, redelivered };
}

async function sweepOne(approval: StoredApproval, now: Date): Promise<'expired' | 'redelivered' | 'nothing'> {
  if (approval.status === 'PENDING') {
    if (!(await approvalRepository.expire(approval.id, now))) return 'nothing';
    await auditRepository.append({
      subjectId: approval.proposalId,
      eventId: `expired#${approval.id}`,
      type: 'expired',
      at: now.toISOString(),
      actor: SYSTEM_ACTOR,
      summary: `${approval.approver.name} did not decide by the deadline (level ${approval.level})`,
      details: { approvalId: approval.id, dueAt: approval.dueAt },
    });
    const current = await approvalRepository.get(approval.id);
    if (current?.taskToken) await deliverAnswer(current, current.taskToken);
    return 'expired';
  }
  if (!approval.taskToken) return 'nothing';
  const result = await deliverAnswer(approval, approval.taskToken);
  if (result === 'delivered') return 'redelivered';
  // A stale token means the workflow already moved on, or will be re-bound by a replay (the close
  // is conditional on this token, so a re-bound approval stays open).
  await approvalRepository.close(approval.id, approval.taskToken);
  return 'nothing';
}
