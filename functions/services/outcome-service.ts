import * as z from 'zod';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { outcomeEmail, pmoAttentionEmail } from '#domain/emails.tsx';
import { PermanentError } from '#domain/errors.ts';
import { finalStatusFor, type ProposalOutcome, type ProposalStatus } from '#domain/proposal.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { environment } from '#adapters/environment.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';

const PersonRef = z.object({ name: z.string(), email: z.string() });

/** The outcome as the workflow passes it: a callback result, or the expiry/failure marker. */
export const WorkflowOutcomeSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.enum(['approve', 'reject']), approver: PersonRef, comment: z.string().optional(), decidedAt: z.string() }),
  z.object({ decision: z.literal('expired') }),
  z.object({ decision: z.literal('failed'), error: z.string().optional() }),
]);
export type WorkflowOutcome = z.infer<typeof WorkflowOutcomeSchema>;

/** The public page of a proposal, for links in emails. */
export function proposalPageUrl(proposalId: string): string {
  return `${environment.publicBaseUrl}/proposals/${encodeURIComponent(proposalId)}`;
}

/**
 * Ends a proposal's review: stores the final status and outcome, tells the submitter, and tells
 * the PMO lead when nobody decided or processing failed. Idempotent: a replay sends nothing twice.
 */
export async function recordOutcome(
  input: { proposalId: string; executionName: string; outcome: WorkflowOutcome },
  now: Date,
): Promise<{ status: ProposalStatus }> {
  const proposal = await proposalRepository.get(input.proposalId);
  if (!proposal) throw new PermanentError(`Proposal ${input.proposalId} does not exist`);
  const outcome: ProposalOutcome =
    input.outcome.decision === 'approve' || input.outcome.decision === 'reject'
      ? {
          decision: input.outcome.decision,
          decidedBy: input.outcome.approver,
          decidedAt: input.outcome.decidedAt,
          ...(input.outcome.comment ? { comment: input.outcome.comment } : {}),
        }
      : {
          decision: input.outcome.decision,
          decidedAt: now.toISOString(),
          ...(input.outcome.decision === 'failed' && input.outcome.error ? { error: input.outcome.error } : {}),
        };
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
    outcomeEmail({ proposal: stored, outcome: final, proposalUrl, recipientName: stored.submitter.name }),
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
