import * as z from 'zod';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { outcomeEmail, pmoAttentionEmail } from '#domain/emails.tsx';
import { PermanentError } from '#domain/errors.ts';
import { createLinkSecret } from '#domain/link-secret.ts';
import { finalStatusFor, type ProposalOutcome, type ProposalStatus } from '#domain/proposal.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { proposalPageUrl, reviseLink } from './links.ts';

const PersonRef = z.object({ name: z.string(), email: z.string() });

/** The outcome as the workflow passes it: the deciding level's decision, or why there is none. */
export const WorkflowOutcomeSchema = z.discriminatedUnion('decision', [
  z.object({
    decision: z.enum(['approve', 'reject']),
    approver: PersonRef,
    onBehalfOf: PersonRef.optional(),
    comment: z.string().optional(),
    decidedAt: z.string(),
    level: z.number().optional(),
  }),
  z.object({ decision: z.literal('expired'), level: z.number().optional() }),
  z.object({ decision: z.literal('withdrawn') }),
  z.object({ decision: z.literal('failed'), error: z.string().optional() }),
]);
export type WorkflowOutcome = z.infer<typeof WorkflowOutcomeSchema>;

function toProposalOutcome(outcome: WorkflowOutcome, now: Date): ProposalOutcome {
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
      return { decision: 'failed', decidedAt: now.toISOString(), ...(outcome.error ? { error: outcome.error } : {}) };
  }
}

/**
 * Ends a proposal's review: stores the final status and outcome, tells the submitter (with a link
 * to revise and resubmit after a rejection), and tells the PMO lead when nobody decided or
 * processing failed. Idempotent: a replay sends nothing twice.
 */
export async function recordOutcome(
  input: { proposalId: string; executionName: string; outcome: WorkflowOutcome },
  now: Date,
): Promise<{ status: ProposalStatus }> {
  const proposal = await proposalRepository.get(input.proposalId);
  if (!proposal) throw new PermanentError(`Proposal ${input.proposalId} does not exist`);
  const outcome = toProposalOutcome(input.outcome, now);
  const stored = await proposalRepository.recordOutcome(proposal, finalStatusFor(outcome.decision), outcome, now);
  const final = stored.outcome ?? outcome;

  await auditRepository.append({
    subjectId: stored.id,
    eventId: `outcome-recorded#${input.executionName}`,
    type: final.decision === 'failed' ? 'failed' : 'outcome-recorded',
    at: stored.updatedAt,
    actor: SYSTEM_ACTOR,
    summary: `Review ended: ${stored.status}`,
    details: { status: stored.status, ...(final.error ? { error: final.error } : {}) },
  });

  const proposalUrl = proposalPageUrl(stored.id);
  const sent = await sendEmailOnce(
    `outcome#${input.executionName}#submitter`,
    stored.submitter,
    async () => {
      let reviseUrl: string | undefined;
      if (stored.status === 'REJECTED') {
        const { secret, hash } = createLinkSecret();
        // Stored before the email goes out, so the emailed link always works.
        await proposalRepository.addSubmitterKey(stored.id, hash);
        reviseUrl = reviseLink(stored.id, secret);
      }
      return outcomeEmail({ proposal: stored, outcome: final, proposalUrl, recipientName: stored.submitter.name, ...(reviseUrl ? { reviseUrl } : {}) });
    },
    now,
  );
  if (sent) {
    await auditRepository.append({
      subjectId: stored.id,
      eventId: `submitter-notified#${input.executionName}`,
      type: 'submitter-notified',
      at: now.toISOString(),
      actor: SYSTEM_ACTOR,
      summary: `${stored.submitter.name} was told the outcome`,
    });
  }
  if (final.decision === 'expired' || final.decision === 'failed') {
    for (const lead of await directoryRepository.peopleInRole('pmo-lead')) {
      await sendEmailOnce(
        `outcome#${input.executionName}#pmo#${lead.email}`,
        lead,
        pmoAttentionEmail({ proposal: stored, outcome: final, proposalUrl, recipientName: lead.name }),
        now,
      );
    }
  }
  return { status: stored.status };
}
