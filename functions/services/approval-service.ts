import type { ApproverSpec } from '#domain/approval-policy.ts';
import {
  assignmentNumber,
  dueAction,
  linkStateOf,
  reassignedTo,
  resultOf,
  statusForDecision,
  withReminder,
  type Approval,
  type ApprovalDecision,
  type DecisionInput,
  type LinkState,
  type ReassignmentReason,
} from '#domain/approval.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { approvalRequestEmail } from '#domain/emails.tsx';
import { PermanentError } from '#domain/errors.ts';
import { approvalIdFor, createLinkSecret, linkSecretMatches } from '#domain/link-secret.ts';
import { FINAL_STATUSES, type PersonRef, type Proposal } from '#domain/proposal.ts';
import { approvalPolicy } from '#adapters/approval-policy-source.ts';
import { approvalRepository, type StoredApproval } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { logger } from '#adapters/logger.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { workflowClient } from '#adapters/workflow-client.ts';
import { APPROVAL_EXPIRED_ERROR } from '#workflows/workflow-errors.ts';
import { assigneeFor, peopleFor, type Assignee } from './assignees.ts';
import { approvalLink, delegationRequestUrl } from './links.ts';
import type { LevelAssignee, LevelRequest } from './review-service.ts';

const HOUR_MS = 3600 * 1000;

/** What the workflow's "Request approval" task sends, once per approver of a level. */
export interface ApprovalRequest {
  readonly proposalId: string;
  readonly executionName: string;
  readonly request: LevelRequest;
  readonly assignee: LevelAssignee;
  readonly taskToken: string;
}

/**
 * Reads an approval, lets `change` derive the next state, and writes it if nobody changed the
 * approval meanwhile; on a conflict it starts again from a fresh read. `change` returns undefined
 * to leave the approval as it is.
 */
async function updateApproval(id: string, change: (current: StoredApproval) => StoredApproval | undefined): Promise<{ before: StoredApproval; after?: StoredApproval } | undefined> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await approvalRepository.get(id);
    if (!current) return undefined;
    const next = change(current);
    if (!next) return { before: current };
    const versioned = { ...next, version: current.version + 1 };
    if (await approvalRepository.save(versioned)) return { before: current, after: versioned };
  }
  throw new Error(`Approval ${id} kept changing under a write; try again`);
}

function levelCountOf(proposal: Proposal): number {
  return proposal.review?.levels.length ?? 1;
}

/**
 * Creates the approval for (execution, level, slot), binds the workflow's callback token to it and
 * emails the approver. Safe to run again: the approval is found, the new token replaces the old,
 * no second email goes out, and an answer already recorded is handed to the workflow at once.
 */
export async function requestApproval(input: ApprovalRequest, now: Date): Promise<void> {
  const proposal = await proposalRepository.get(input.proposalId);
  if (!proposal) throw new PermanentError(`Proposal ${input.proposalId} does not exist`);
  const { request, assignee } = input;
  const { secret, hash } = createLinkSecret();
  const at = now.getTime();
  const dueAt = at + request.timeoutSeconds * 1000;
  const remindAt = at + request.reminderAfterSeconds * 1000;
  const escalateAt = request.escalateAfterSeconds ? at + request.escalateAfterSeconds * 1000 : undefined;
  const candidate: Approval = {
    id: approvalIdFor(input.executionName, request.level, assignee.slot),
    proposalId: proposal.id,
    executionName: input.executionName,
    level: request.level,
    levelName: request.levelName,
    slot: assignee.slot,
    slotCount: request.slotCount,
    quorum: request.quorum,
    approver: assignee.approver,
    ...(assignee.onBehalfOf ? { onBehalfOf: assignee.onBehalfOf } : {}),
    status: proposal.status === 'WITHDRAWN' ? 'WITHDRAWN' : 'PENDING',
    requestedAt: now.toISOString(),
    dueAt: new Date(dueAt).toISOString(),
    ...(remindAt < dueAt ? { remindAt: new Date(remindAt).toISOString() } : {}),
    remindersSent: 0,
    ...(escalateAt && request.escalateTo && escalateAt < dueAt ? { escalateAt: new Date(escalateAt).toISOString(), escalateTo: request.escalateTo } : {}),
    secretHashes: [hash],
    formerAssignees: [],
    belowThreshold: request.belowThreshold,
    version: 1,
  };
  const { approval, created } = await approvalRepository.createOrRebind(candidate, input.taskToken);

  if (approval.status !== 'PENDING') {
    await deliverAnswer(approval, input.taskToken);
    return;
  }
  // The level may have been settled, or the proposal withdrawn, while this approval was created.
  if (await closeIfMoot(approval, now)) return;
  if (created) {
    await auditRepository.append({
      subjectId: proposal.id,
      eventId: `approval-requested#${approval.id}`,
      type: 'approval-requested',
      at: approval.requestedAt,
      actor: SYSTEM_ACTOR,
      summary: `Approval requested from ${describeAssignee(approval)} (level ${approval.level}, ${approval.levelName})`,
      details: { approvalId: approval.id, level: approval.level, approver: approval.approver.email, dueAt: approval.dueAt },
    });
  }
  if (approval.notifiedAt) return;
  await notifyCurrentApprover(approval, proposal, created ? { secret, hash } : undefined, now);
}

/**
 * Emails the current approver their request, once per assignment. `fresh` is the secret whose
 * hash the approval was created with; otherwise a new secret is made and its hash added, but only
 * after the email's send marker was claimed, so a secret is stored only for an email that goes out
 * and the links of an email already sent stay valid.
 */
async function notifyCurrentApprover(approval: StoredApproval, proposal: Proposal, fresh: { secret: string; hash: string } | undefined, now: Date): Promise<void> {
  const message = async () => {
    let secret = fresh?.secret;
    if (!secret) {
      const generated = createLinkSecret();
      await updateApproval(approval.id, (current) => ({ ...current, secretHashes: [...current.secretHashes, generated.hash] }));
      secret = generated.secret;
    }
    return approvalMessage(approval, proposal, secret, 'request');
  };
  await sendEmailOnce(`approval-request#${approval.id}#${assignmentNumber(approval)}`, approval.approver, message, now);
  // Set whether this call sent the email or an earlier run did: either way it went out.
  await updateApproval(approval.id, (current) =>
    current.notifiedAt || current.approver.email !== approval.approver.email ? undefined : { ...current, notifiedAt: now.toISOString() },
  );
}

/**
 * Closes a pending approval that no longer needs a decision: its proposal was withdrawn or its
 * review ended or restarted, or another approver already settled its level. Reads are consistent,
 * so this also catches what a withdrawal or a decision could not see through the indexes.
 */
async function closeIfMoot(approval: StoredApproval, now: Date): Promise<boolean> {
  const proposal = await proposalRepository.get(approval.proposalId);
  const withdrawn = !proposal || proposal.status === 'WITHDRAWN';
  const moved = proposal !== undefined && (FINAL_STATUSES.includes(proposal.status) || (proposal.executionName !== undefined && proposal.executionName !== approval.executionName));
  const status = withdrawn ? 'WITHDRAWN' : moved || (await levelSettledBySibling(approval)) ? 'SUPERSEDED' : undefined;
  if (!status) return false;
  const update = await updateApproval(approval.id, (current) =>
    current.status === 'PENDING' ? { ...current, status, decidedAt: now.toISOString(), awaitingDelivery: true } : undefined,
  );
  if (update?.after) await resumeOrLeaveToSweeper(update.after);
  return true;
}

/** Whether another approval of the same level has decided it (any decision for "any", a rejection for "all"). */
async function levelSettledBySibling(approval: Approval): Promise<boolean> {
  for (let slot = 0; slot < approval.slotCount; slot += 1) {
    if (slot === approval.slot) continue;
    const sibling = await approvalRepository.get(approvalIdFor(approval.executionName, approval.level, slot));
    if (sibling?.status === 'REJECTED' || (approval.quorum === 'any' && sibling?.status === 'APPROVED')) return true;
  }
  return false;
}

function approvalMessage(approval: Approval, proposal: Proposal, secret: string, kind: 'request' | 'reminder') {
  return approvalRequestEmail({
    proposal,
    approval,
    approveUrl: approvalLink(approval.id, secret, 'approve'),
    rejectUrl: approvalLink(approval.id, secret, 'reject'),
    kind,
    levelCount: levelCountOf(proposal),
    delegationUrl: delegationRequestUrl(),
  });
}

function describeAssignee(approval: Pick<Approval, 'approver' | 'onBehalfOf'>): string {
  return approval.onBehalfOf ? `${approval.approver.name} on behalf of ${approval.onBehalfOf.name}` : approval.approver.name;
}

/** Hands a recorded answer (decision, supersession, withdrawal or expiry) to the workflow waiting on `taskToken`. */
async function deliverAnswer(approval: StoredApproval, taskToken: string): Promise<'delivered' | 'stale-token'> {
  const result = resultOf(approval);
  const delivery = result
    ? await workflowClient.succeed(taskToken, result)
    : await workflowClient.fail(taskToken, APPROVAL_EXPIRED_ERROR, `Approval ${approval.id} passed its deadline`);
  if (delivery === 'delivered') await approvalRepository.markDelivered(approval.id, taskToken);
  return delivery;
}

/** Delivers an answer, trying the current token once more if the one read was replaced meanwhile. */
async function resumeWorkflow(answered: StoredApproval): Promise<void> {
  if (!answered.taskToken) return;
  if ((await deliverAnswer(answered, answered.taskToken)) === 'stale-token') {
    const current = await approvalRepository.get(answered.id);
    if (current?.taskToken && current.taskToken !== answered.taskToken) await deliverAnswer(current, current.taskToken);
  }
}

/** Resumes the workflow, leaving undelivered answers to the sweeper rather than failing the caller. */
async function resumeOrLeaveToSweeper(answered: StoredApproval): Promise<void> {
  try {
    await resumeWorkflow(answered);
  } catch (error) {
    logger.warn('Answer recorded but the workflow was not resumed; the sweeper will retry', { proposalId: answered.proposalId, error });
  }
}

/** The hash among an approval's (current and former) link secrets that `secret` matches. */
function matchingHash(approval: Approval, secret: string | undefined): string | undefined {
  const hashes = [...approval.secretHashes, ...approval.formerAssignees.flatMap((assignee) => assignee.secretHashes)];
  return hashes.find((hash) => linkSecretMatches(secret, hash));
}

/** What an approval link leads to. */
export type ApprovalView =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: LinkState['kind']; readonly state: LinkState; readonly approval: StoredApproval; readonly proposal: Proposal };

/** Looks up an approval for a link; changes nothing. */
export async function viewApproval(approvalId: string, secret: string | undefined, now: Date): Promise<ApprovalView> {
  const approval = await approvalRepository.get(approvalId);
  if (!approval) return { kind: 'not-found' };
  const hash = matchingHash(approval, secret);
  if (!hash) return { kind: 'forbidden' };
  const proposal = await proposalRepository.get(approval.proposalId);
  if (!proposal) return { kind: 'not-found' };
  const state = linkStateOf(approval, hash, now, proposal.status === 'WITHDRAWN');
  return { kind: state.kind, state, approval, proposal };
}

/** What happened to a decision posted from an approval page. */
export type DecisionResult =
  | ApprovalView
  | { readonly kind: 'recorded'; readonly approval: StoredApproval; readonly proposal: Proposal; readonly decision: ApprovalDecision };

/**
 * Records an approver's decision (the first write wins), closes the level's other approvals when
 * the quorum makes them moot, and resumes the workflow. An answer that cannot be delivered now is
 * re-delivered by the sweeper, so a recorded decision always reaches its workflow.
 */
export async function decide(approvalId: string, secret: string | undefined, input: DecisionInput, now: Date): Promise<DecisionResult> {
  const view = await viewApproval(approvalId, secret, now);
  if (view.kind !== 'open') return view;
  const hash = matchingHash(view.approval, secret)!;
  const update = await updateApproval(approvalId, (current) =>
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
  await auditRepository.append({
    subjectId: decided.proposalId,
    eventId: `decided#${decided.id}`,
    type: 'decided',
    at: decision.decidedAt,
    actor: decided.approver.email,
    summary: `${input.decision === 'approve' ? 'Approved' : 'Rejected'} by ${describeAssignee(decided)} (level ${decided.level}, ${decided.levelName})`,
    details: {
      approvalId: decided.id,
      decision: input.decision,
      ...(decided.onBehalfOf ? { onBehalfOf: decided.onBehalfOf.email } : {}),
      ...(decision.comment ? { comment: decision.comment } : {}),
    },
  });
  const settlesLevel = decided.quorum === 'any' || input.decision === 'reject';
  const superseded = settlesLevel ? await supersedeSiblings(decided, now) : [];
  for (const answered of [decided, ...superseded]) await resumeOrLeaveToSweeper(answered);
  return { kind: 'recorded', approval: decided, proposal: view.proposal, decision };
}

/** Closes the other pending approvals of a level whose outcome a decision has settled. */
async function supersedeSiblings(decided: StoredApproval, now: Date): Promise<StoredApproval[]> {
  const superseded: StoredApproval[] = [];
  for (let slot = 0; slot < decided.slotCount; slot += 1) {
    if (slot === decided.slot) continue;
    const update = await updateApproval(approvalIdFor(decided.executionName, decided.level, slot), (current) =>
      current.status === 'PENDING' ? { ...current, status: 'SUPERSEDED', decidedAt: now.toISOString(), awaitingDelivery: true } : undefined,
    );
    if (!update?.after) continue;
    superseded.push(update.after);
    await auditRepository.append({
      subjectId: decided.proposalId,
      eventId: `superseded#${update.after.id}`,
      type: 'superseded',
      at: now.toISOString(),
      actor: SYSTEM_ACTOR,
      summary: `${update.after.approver.name} no longer needs to decide: ${decided.approver.name} settled level ${decided.level}`,
    });
  }
  return superseded;
}

/** Withdraws every pending approval of a proposal and tells their workflow. */
export async function withdrawApprovals(proposalId: string, now: Date): Promise<void> {
  for (const approval of await approvalRepository.listForProposal(proposalId)) {
    const update = await updateApproval(approval.id, (current) =>
      current.status === 'PENDING' ? { ...current, status: 'WITHDRAWN', decidedAt: now.toISOString(), awaitingDelivery: true } : undefined,
    );
    if (update?.after) await resumeOrLeaveToSweeper(update.after);
  }
}

/**
 * Hands a pending approval to someone else: the escalation target, or an out-of-office delegate.
 * The workflow keeps waiting on the same approval (one execution, one decision); the former
 * approver's links answer "reassigned".
 */
async function reassign(approval: StoredApproval, to: Assignee, reason: ReassignmentReason, now: Date): Promise<boolean> {
  const { secret, hash } = createLinkSecret();
  const update = await updateApproval(approval.id, (current) =>
    current.status === 'PENDING' && current.approver.email === approval.approver.email
      ? // The stored fields (task token, delivery flag) travel in the rest that reassignedTo keeps.
        (reassignedTo(current, { ...to, reason }, hash, now, approvalPolicy.reminderAfterHours * HOUR_MS) as StoredApproval)
      : undefined,
  );
  if (!update?.after) return false;
  const moved = update.after;
  await auditRepository.append({
    subjectId: moved.proposalId,
    eventId: `${reason}#${moved.id}#${assignmentNumber(moved)}`,
    type: reason,
    at: now.toISOString(),
    actor: SYSTEM_ACTOR,
    summary:
      reason === 'escalated'
        ? `Escalated from ${approval.approver.name} to ${describeAssignee(moved)} (level ${moved.level}): no answer in time`
        : `Redirected from ${approval.approver.name} to ${moved.approver.name}, who decides on their behalf while they are away (level ${moved.level})`,
    details: { approvalId: moved.id, from: approval.approver.email, to: moved.approver.email },
  });
  const proposal = await proposalRepository.get(moved.proposalId);
  if (proposal) await notifyCurrentApprover(moved, proposal, { secret, hash }, now);
  return true;
}

/** Redirects a person's pending approvals to their delegate (an out-of-office period started). */
export async function redirectPendingApprovals(person: PersonRef, delegate: PersonRef, now: Date): Promise<number> {
  let redirected = 0;
  for (const approval of await approvalRepository.listPendingFor(person.email)) {
    const proposal = await proposalRepository.get(approval.proposalId);
    // Nobody decides on their own proposal: such an approval stays with the absent approver (and escalates).
    if (!proposal || proposal.submitter.email === delegate.email) continue;
    if (await reassign(approval, { approver: delegate, onBehalfOf: approval.onBehalfOf ?? person }, 'delegated', now)) redirected += 1;
  }
  return redirected;
}

async function escalationTarget(spec: ApproverSpec, current: PersonRef, submitter: PersonRef, now: Date): Promise<Assignee | undefined> {
  const candidates = (await peopleFor(spec)).filter((person) => person.email !== current.email && person.email !== submitter.email);
  return candidates[0] ? assigneeFor(candidates[0], now, submitter) : undefined;
}

/** What one sweep did. */
export interface SweepReport {
  readonly expired: number;
  readonly reminded: number;
  readonly escalated: number;
  readonly redelivered: number;
}

const SWEEP_PAGE_SIZE = 50;

/**
 * The scheduled sweep over the sparse index of open approvals, up to `now`: sends due reminders
 * (once per approval and round, however often it runs), escalates unanswered approvals, expires
 * those past their deadline, and re-delivers answers whose workflow was not resumed.
 */
export async function sweepApprovals(now: Date): Promise<SweepReport> {
  const report = { expired: 0, reminded: 0, escalated: 0, redelivered: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await approvalRepository.listActionable(now, SWEEP_PAGE_SIZE, startKey);
    for (const approval of page.items) {
      try {
        const outcome = await sweepOne(approval, now);
        if (outcome) report[outcome] += 1;
      } catch (error) {
        // One approval's trouble must not hold up the others; it stays open for the next sweep.
        logger.error('Sweeping an approval failed', { approvalId: approval.id, error });
      }
    }
    startKey = page.lastKey;
  } while (startKey);
  return report;
}

async function sweepOne(approval: StoredApproval, now: Date): Promise<keyof SweepReport | undefined> {
  if (approval.status !== 'PENDING') {
    if (!approval.awaitingDelivery || !approval.taskToken) return undefined;
    // A decision whose request crashed before closing the rest of its level closes it now.
    if (approval.status === 'APPROVED' || approval.status === 'REJECTED') {
      if (approval.quorum === 'any' || approval.status === 'REJECTED') {
        for (const superseded of await supersedeSiblings(approval, now)) await resumeOrLeaveToSweeper(superseded);
      }
    }
    const result = await deliverAnswer(approval, approval.taskToken);
    if (result === 'delivered') return 'redelivered';
    // The workflow no longer waits on this token (it moved on, or a replay re-binds the approval
    // and then delivers the answer itself): stop trying.
    await approvalRepository.markDelivered(approval.id, approval.taskToken);
    return undefined;
  }
  const action = dueAction(approval, now);
  if (!action) return undefined;
  if (await closeIfMoot(approval, now)) return undefined;
  switch (action) {
    case 'expire': {
      const update = await updateApproval(approval.id, (current) =>
        dueAction(current, now) === 'expire' ? { ...current, status: 'EXPIRED', decidedAt: now.toISOString(), awaitingDelivery: true } : undefined,
      );
      if (!update?.after) return undefined;
      await auditRepository.append({
        subjectId: approval.proposalId,
        eventId: `expired#${approval.id}`,
        type: 'expired',
        at: now.toISOString(),
        actor: SYSTEM_ACTOR,
        summary: `${approval.approver.name} did not decide by the deadline (level ${approval.level})`,
        details: { approvalId: approval.id, dueAt: approval.dueAt },
      });
      await resumeOrLeaveToSweeper(update.after);
      return 'expired';
    }
    case 'remind':
      return (await remind(approval, now)) ? 'reminded' : undefined;
    case 'escalate': {
      const proposal = await proposalRepository.get(approval.proposalId);
      const target = proposal ? await escalationTarget(approval.escalateTo!, approval.approver, proposal.submitter, now) : undefined;
      if (!target) {
        // Nobody to escalate to: stop planning an escalation, keep the deadline.
        await updateApproval(approval.id, (current) => {
          if (current.status !== 'PENDING' || !current.escalateAt) return undefined;
          const { escalateAt: _dropped, ...rest } = current;
          return rest as StoredApproval;
        });
        logger.warn('No escalation target in the directory', { approvalId: approval.id });
        return undefined;
      }
      return (await reassign(approval, target, 'escalated', now)) ? 'escalated' : undefined;
    }
    case 'notify': {
      const proposal = await proposalRepository.get(approval.proposalId);
      if (proposal) await notifyCurrentApprover(approval, proposal, undefined, now);
      return undefined;
    }
  }
}

/**
 * Sends the round's one reminder with a fresh link. The round is claimed by a conditional write
 * first (so a sweep running twice sends once); if the email cannot be sent, the claim is undone
 * and the next sweep tries again.
 */
async function remind(approval: StoredApproval, now: Date): Promise<boolean> {
  const { secret, hash } = createLinkSecret();
  const round = approval.remindersSent;
  const update = await updateApproval(approval.id, (current) =>
    dueAction(current, now) === 'remind' && current.remindersSent === round ? (withReminder(current, hash) as StoredApproval) : undefined,
  );
  if (!update?.after) return false;
  const proposal = await proposalRepository.get(approval.proposalId);
  if (!proposal) return false;
  const key = `${approval.id}#${assignmentNumber(approval)}#${round}`;
  try {
    await sendEmailOnce(`reminder#${key}`, update.after.approver, approvalMessage(update.after, proposal, secret, 'reminder'), now);
  } catch (error) {
    await updateApproval(approval.id, (current) =>
      current.status === 'PENDING' && current.remindersSent === round + 1 ? { ...current, remindersSent: round, remindAt: now.toISOString() } : undefined,
    );
    throw error;
  }
  await auditRepository.append({
    subjectId: approval.proposalId,
    eventId: `reminded#${key}`,
    type: 'reminded',
    at: now.toISOString(),
    actor: SYSTEM_ACTOR,
    summary: `Reminder sent to ${approval.approver.name} (level ${approval.level})`,
  });
  return true;
}
