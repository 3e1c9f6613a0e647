import { SYSTEM_ACTOR, type AuditEvent } from './audit.ts';
import type { Proposal, ProposalScore, ProposalStatus } from './proposal.ts';
import type { SubjectRef } from './subject.ts';

/** The subject reference of a proposal, for the review engine and its audit trail. */
export function proposalSubject(id: string): SubjectRef {
  return { type: 'proposal', id };
}

/** The intake process's own audit events; the review engine adds its events to the same trail. */
export const proposalAudit = {
  submitted(proposal: Proposal): AuditEvent {
    return {
      subject: proposalSubject(proposal.id),
      eventId: 'submitted',
      type: 'submitted',
      at: proposal.submittedAt,
      actor: proposal.submitter.email,
      summary: `Submitted by ${proposal.submitter.name}`,
    };
  },

  scored(proposalId: string, score: ProposalScore): AuditEvent {
    return {
      subject: proposalSubject(proposalId),
      eventId: `scored#${score.scoredAt}`,
      type: 'scored',
      at: score.scoredAt,
      actor: SYSTEM_ACTOR,
      summary: `Scored ${score.total}/100 with rubric ${score.rubricVersion}`,
      details: { total: score.total, rubricVersion: score.rubricVersion },
    };
  },

  withdrawn(proposal: Proposal, at: string): AuditEvent {
    return {
      subject: proposalSubject(proposal.id),
      eventId: `withdrawn#${proposal.revision}`,
      type: 'withdrawn',
      at,
      actor: proposal.submitter.email,
      summary: `Withdrawn by ${proposal.submitter.name}`,
    };
  },

  resubmitted(proposal: Proposal, at: string): AuditEvent {
    return {
      subject: proposalSubject(proposal.id),
      eventId: `resubmitted#${proposal.revision}`,
      type: 'resubmitted',
      at,
      actor: proposal.submitter.email,
      summary: `Revised and resubmitted by ${proposal.submitter.name} (revision ${proposal.revision})`,
    };
  },

  restarted(proposal: Proposal, actor: string, at: string): AuditEvent {
    return {
      subject: proposalSubject(proposal.id),
      eventId: `review-restarted#${proposal.executionName}`,
      type: 'review-restarted',
      at,
      actor,
      summary: `Review restarted by the PMO (attempt ${proposal.attempt})`,
      details: { executionName: proposal.executionName },
    };
  },

  outcomeRecorded(proposal: Proposal, executionName: string, status: ProposalStatus, error: string | undefined): AuditEvent {
    return {
      subject: proposalSubject(proposal.id),
      eventId: `outcome-recorded#${executionName}`,
      type: status === 'FAILED' ? 'failed' : 'outcome-recorded',
      at: proposal.updatedAt,
      actor: SYSTEM_ACTOR,
      summary: `Review ended: ${status}`,
      details: { status, ...(error ? { error } : {}) },
    };
  },

  submitterNotified(proposal: Proposal, executionName: string, at: string): AuditEvent {
    return {
      subject: proposalSubject(proposal.id),
      eventId: `submitter-notified#${executionName}`,
      type: 'submitter-notified',
      at,
      actor: SYSTEM_ACTOR,
      summary: `${proposal.submitter.name} was told the outcome`,
    };
  },

  projectCreated(proposal: Proposal, projectId: string, at: string): AuditEvent {
    return {
      subject: proposalSubject(proposal.id),
      eventId: `project-created#${projectId}`,
      type: 'project-created',
      at,
      actor: SYSTEM_ACTOR,
      summary: `Became project ${projectId}`,
      details: { projectId },
    };
  },
};
