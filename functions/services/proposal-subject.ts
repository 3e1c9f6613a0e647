import { inBaseCurrency, ProposalPolicySchema } from '#domain/approval-policy.ts';
import { formatMoney } from '#domain/format.ts';
import { decisionsOf } from '#domain/approval.ts';
import { stoppedReason } from '#domain/audit.ts';
import { createLinkSecret } from '#domain/link-secret.ts';
import { proposalAudit } from '#domain/proposal-audit.ts';
import { proposalSummary } from '#domain/proposal-summary.ts';
import { FINAL_STATUSES, finalStatusFor, restartKeyEntry, submitterKeyEntry, type Proposal, type ProposalOutcome } from '#domain/proposal.ts';
import type { ReviewOutcome, ReviewPlan } from '#domain/subject.ts';
import { outcomeEmail, pmoAttentionEmail, submissionReceivedEmail } from '#emails/proposal-emails.tsx';
import { loadApprovalPolicy } from '#adapters/approval-policy-source.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { logger } from '#adapters/logger.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import bundledPolicy from '../config/approval-policies/proposal.json' with { type: 'json' };
import { mayReadProposal } from './record-access.ts';
import { pageUrl, proposalPageUrl, restartLink, reviseLink, withdrawLink } from './links.ts';
import { startReviewOf } from './intake-service.ts';
import { ensureProjectForProposal } from './project-service.ts';
import type { ReviewSubject, SubjectRegistration } from './review/subject-registry.ts';

/**
 * The intake's approval policy (functions/config/approval-policies/proposal.json, or the file
 * `APPROVAL_POLICY_PATH` names), validated when this module loads.
 */
export const proposalPolicy = loadApprovalPolicy(bundledPolicy, ProposalPolicySchema, 'APPROVAL_POLICY_PATH');

/** A proposal as the review engine sees it; a score under the policy's floor is flagged, never rejected. */
export function proposalAsSubject(proposal: Proposal): ReviewSubject {
  const belowFloor = (proposal.score?.total ?? 0) < proposalPolicy.scoreFloor;
  const summary = proposalSummary(proposal);
  const { baseCurrency } = proposalPolicy;
  // Levels are chosen by the amount in the policy's base currency: show the figure that routed it.
  const routed =
    proposal.estimatedCost.currency === baseCurrency || !(proposal.estimatedCost.currency in proposalPolicy.exchangeRates)
      ? []
      : [{ label: `In ${baseCurrency} (for routing)`, value: formatMoney({ amount: inBaseCurrency(proposal.estimatedCost, proposalPolicy), currency: baseCurrency }) }];
  return {
    view: { ...summary, facts: [...summary.facts.slice(0, 2), ...routed, ...summary.facts.slice(2)] },
    amount: proposal.estimatedCost,
    ...(belowFloor ? { attention: "Below threshold: the score is under the PMO's floor. It was not rejected automatically; please look at the breakdown." } : {}),
    state: proposal.status === 'WITHDRAWN' ? 'withdrawn' : FINAL_STATUSES.includes(proposal.status) ? 'closed' : 'open',
    ...(proposal.executionName ? { currentExecution: proposal.executionName } : {}),
  };
}

async function requireProposal(id: string): Promise<Proposal> {
  const proposal = await proposalRepository.get(id);
  if (!proposal) throw new Error(`Proposal ${id} disappeared`);
  return proposal;
}

function toProposalOutcome(outcome: ReviewOutcome, now: Date): ProposalOutcome {
  switch (outcome.decision) {
    case 'approve':
    case 'reject':
      return {
        decision: outcome.decision,
        decidedBy: outcome.approver,
        ...(outcome.onBehalfOf ? { onBehalfOf: outcome.onBehalfOf } : {}),
        decidedAt: outcome.decidedAt,
        ...(outcome.comment ? { comment: outcome.comment } : {}),
        ...(outcome.level ? { level: outcome.level } : {}),
      };
    case 'expired':
      return { decision: 'expired', decidedAt: now.toISOString(), ...(outcome.level ? { level: outcome.level } : {}) };
    case 'withdrawn':
      return { decision: 'withdrawn', decidedAt: now.toISOString() };
    case 'failed':
      return { decision: 'failed', decidedAt: now.toISOString(), ...(outcome.error ? { error: outcome.error } : {}), ...(outcome.reason ? { reason: outcome.reason } : {}) };
  }
}

/**
 * Ends a proposal's review: stores the final status and outcome, makes an approved proposal a
 * project (once), tells the submitter with every decision and comment of the review (and a link to
 * revise and resubmit after a rejection), and tells the PMO lead when nobody decided or processing
 * failed. Idempotent: a replay creates and sends nothing twice.
 */
async function recordProposalOutcome(id: string, reviewOutcome: ReviewOutcome, executionName: string, now: Date): Promise<{ status: string }> {
  const proposal = await requireProposal(id);
  const outcome = toProposalOutcome(reviewOutcome, now);
  let stored = await proposalRepository.recordOutcome(proposal, finalStatusFor(outcome.decision), outcome, now);
  const final = stored.outcome ?? outcome;
  await auditRepository.append(proposalAudit.outcomeRecorded(stored, executionName, stored.status, final.error));

  if (stored.status === 'APPROVED') {
    const project = await ensureProjectForProposal(stored, now);
    if (stored.projectId !== project.id) {
      await proposalRepository.linkProject(stored.id, project.id, now);
      stored = { ...stored, projectId: project.id };
    }
    await auditRepository.append(proposalAudit.projectCreated(stored, project.id, now.toISOString()));
  }

  const proposalUrl = proposalPageUrl(stored.id);
  const decisions = decisionsOf((await approvalRepository.listForSubject(proposalAsSubject(stored).view.subject)).filter((approval) => approval.executionName === executionName));
  const sent = await sendEmailOnce(
    `outcome#${executionName}#submitter`,
    stored.submitter,
    async () => {
      let reviseUrl: string | undefined;
      if (stored.status === 'REJECTED') {
        const { secret, hash } = createLinkSecret();
        // Stored before the email goes out, so the emailed link always works.
        await proposalRepository.addSubmitterKey(stored.id, submitterKeyEntry('revise', hash));
        reviseUrl = reviseLink(stored.id, secret);
      }
      return outcomeEmail({
        proposal: stored,
        outcome: final,
        proposalUrl,
        recipientName: stored.submitter.name,
        decisions,
        ...(reviseUrl ? { reviseUrl } : {}),
        ...(stored.projectId ? { projectUrl: pageUrl(`/projects/${encodeURIComponent(stored.projectId)}`) } : {}),
      });
    },
    now,
  );
  if (sent) await auditRepository.append(proposalAudit.submitterNotified(stored, executionName, now.toISOString()));
  if (final.decision === 'expired' || final.decision === 'failed') await tellPmo(stored, final, executionName, now);
  return { status: stored.status };
}

/**
 * Tells the PMO leads that a proposal's review ended without a decision, each with a personal link
 * to restart it (the hash stored only for an email that goes out).
 */
async function tellPmo(proposal: Proposal, outcome: ProposalOutcome, executionName: string, now: Date): Promise<void> {
  for (const lead of await directoryRepository.peopleInRole('pmo-lead')) {
    await sendEmailOnce(
      `outcome#${executionName}#pmo#${lead.email}`,
      lead,
      async () => {
        const { secret, hash } = createLinkSecret();
        await proposalRepository.addRestartKey(proposal.id, restartKeyEntry(hash, lead.email));
        return pmoAttentionEmail({ proposal, outcome, proposalUrl: proposalPageUrl(proposal.id), recipientName: lead.name, restartUrl: restartLink(proposal.id, secret) });
      },
      now,
    );
  }
}

/** The intake process's registration with the review engine. */
export const proposalRegistration: SubjectRegistration = {
  type: 'proposal',
  collection: 'proposals',
  noun: 'proposal',
  policy: proposalPolicy,

  async load(id) {
    const proposal = await proposalRepository.get(id);
    return proposal ? proposalAsSubject(proposal) : undefined;
  },

  async mayRead(viewer, id) {
    const proposal = await proposalRepository.get(id);
    return proposal !== undefined && mayReadProposal(viewer, proposal, await approvalRepository.listForSubject({ type: 'proposal', id }));
  },

  async onProgress(subject, plan: ReviewPlan, now) {
    const proposal = await requireProposal(subject.view.subject.id);
    const review = {
      executionName: plan.executionName,
      policyVersion: plan.policyVersion,
      belowThreshold: plan.attention !== undefined,
      levels: plan.levels,
      currentLevel: plan.currentLevel,
    };
    if (await proposalRepository.saveReview(proposal, review, now)) return 'ok';
    const current = await proposalRepository.get(proposal.id);
    return current?.status === 'WITHDRAWN' ? 'withdrawn' : 'closed';
  },

  async onStarted(subject, plan, now) {
    const proposal = await requireProposal(subject.view.subject.id);
    await sendEmailOnce(
      `received#${plan.executionName}`,
      proposal.submitter,
      async () => {
        const { secret, hash } = createLinkSecret();
        await proposalRepository.addSubmitterKey(proposal.id, submitterKeyEntry('withdraw', hash));
        return submissionReceivedEmail({ proposal, proposalUrl: proposalPageUrl(proposal.id), withdrawUrl: withdrawLink(proposal.id, secret) });
      },
      now,
    );
  },

  onOutcome: (subject, outcome, executionName, now) => recordProposalOutcome(subject.view.subject.id, outcome, executionName, now),

  async repairUnstarted(olderThan) {
    let started = 0;
    for (const listed of await proposalRepository.listSubmittedBefore(olderThan)) {
      try {
        // The index may lag the item (eventually consistent on AWS; a crash mid-write locally):
        // only a proposal that, read by id, is still waiting is started.
        const proposal = await proposalRepository.get(listed.id);
        if (proposal?.status !== 'SUBMITTED') continue;
        await startReviewOf(proposal);
        started += 1;
      } catch (error) {
        // One proposal's trouble must not hold up the others; the next sweep tries again.
        logger.error('Starting the review of an unstarted proposal failed', { subject: `proposal:${listed.id}`, error });
      }
    }
    return started;
  },

  async onStopped(subject, stop, now) {
    // A failure the workflow caught is recorded already (status FAILED): only a review still
    // open is ended here, as a failure that says how the workflow ended.
    if (subject.state !== 'open') return;
    await recordProposalOutcome(subject.view.subject.id, { decision: 'failed', error: `Execution${stop.status === 'ABORTED' ? 'Aborted' : stop.status === 'TIMED_OUT' ? 'TimedOut' : 'Failed'}`, reason: stoppedReason(stop.status, stop.cause) }, stop.executionName, now);
  },
};
