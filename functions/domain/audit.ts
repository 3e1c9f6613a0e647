import * as z from 'zod';
import type { Approval, ReassignmentReason } from './approval.ts';
import type { PersonRef } from './person-ref.ts';
import { SubjectRefSchema, type PlannedLevel, type SubjectRef } from './subject.ts';

/** One entry of a subject's audit trail. */
export const AuditEventSchema = z.object({
  subject: SubjectRefSchema,
  /** Names the logical event, so a replayed step records it once. */
  eventId: z.string().min(1),
  /** What happened: the review engine's events below, and each process's own (submitted, scored, …). */
  type: z.string().min(1),
  at: z.string(),
  actor: z.string(),
  summary: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** The system's own name as an audit actor. */
export const SYSTEM_ACTOR = 'pmo-pipeline';

/** Sorts events by time, then by id so that equal times keep a stable order. */
export function chronological(events: readonly AuditEvent[]): AuditEvent[] {
  return [...events].sort((a, b) => a.at.localeCompare(b.at) || a.eventId.localeCompare(b.eventId));
}

/** How a workflow that stopped without an outcome ended, as a sentence: "The review was stopped by an operator". */
export function stoppedReason(status: string, cause?: string): string {
  const how =
    status === 'ABORTED' ? 'The review was stopped by an operator' : status === 'TIMED_OUT' ? "The review's workflow timed out" : "The review's workflow failed";
  return cause ? `${how}: ${cause}` : how;
}

/** "Priya Shah" or "Noor Haddad on behalf of Priya Shah". */
export function describeAssignee(approval: Pick<Approval, 'approver' | 'onBehalfOf'>): string {
  return approval.onBehalfOf ? `${approval.approver.name} on behalf of ${approval.onBehalfOf.name}` : approval.approver.name;
}

/**
 * The review engine's audit events, the same for every subject type. Each event id names the
 * logical event, so a retried or replayed step appends it once.
 */
export const reviewAudit = {
  planned(subject: SubjectRef, plan: { executionName: string; policyVersion: string; levels: readonly PlannedLevel[]; attention?: string | undefined }, at: string): AuditEvent {
    return {
      subject,
      eventId: `review-planned#${plan.executionName}`,
      type: 'review-planned',
      at,
      actor: SYSTEM_ACTOR,
      summary: `Routed by policy ${plan.policyVersion}: ${plan.levels.map((level) => level.name).join(' → ')}${plan.attention ? ' (flagged for attention)' : ''}`,
      details: { policyVersion: plan.policyVersion, levels: plan.levels, ...(plan.attention ? { attention: plan.attention } : {}) },
    };
  },

  requested(approval: Approval): AuditEvent {
    return {
      subject: approval.subject,
      eventId: `approval-requested#${approval.id}`,
      type: 'approval-requested',
      at: approval.requestedAt,
      actor: SYSTEM_ACTOR,
      summary: `Approval requested from ${describeAssignee(approval)} (level ${approval.level}, ${approval.levelName})`,
      details: { approvalId: approval.id, level: approval.level, approver: approval.approver.email, dueAt: approval.dueAt },
    };
  },

  decided(approval: Approval, decision: 'approve' | 'reject', at: string, comment: string | undefined): AuditEvent {
    return {
      subject: approval.subject,
      eventId: `decided#${approval.id}`,
      type: 'decided',
      at,
      actor: approval.approver.email,
      summary: `${decision === 'approve' ? 'Approved' : 'Rejected'} by ${describeAssignee(approval)} (level ${approval.level}, ${approval.levelName})`,
      details: {
        approvalId: approval.id,
        decision,
        ...(approval.onBehalfOf ? { onBehalfOf: approval.onBehalfOf.email } : {}),
        ...(comment ? { comment } : {}),
      },
    };
  },

  superseded(approval: Approval, settledBy: Approval, at: string): AuditEvent {
    return {
      subject: approval.subject,
      eventId: `superseded#${approval.id}`,
      type: 'superseded',
      at,
      actor: SYSTEM_ACTOR,
      summary: `${approval.approver.name} no longer needs to decide: ${settledBy.approver.name} settled level ${settledBy.level}`,
    };
  },

  reminded(approval: Approval, roundKey: string, at: string): AuditEvent {
    return {
      subject: approval.subject,
      eventId: `reminded#${roundKey}`,
      type: 'reminded',
      at,
      actor: SYSTEM_ACTOR,
      summary: `Reminder sent to ${approval.approver.name} (level ${approval.level})`,
    };
  },

  reassigned(moved: Approval, from: PersonRef, reason: ReassignmentReason, assignment: number, at: string): AuditEvent {
    return {
      subject: moved.subject,
      eventId: `${reason}#${moved.id}#${assignment}`,
      type: reason,
      at,
      actor: SYSTEM_ACTOR,
      summary:
        reason === 'escalated'
          ? `Escalated from ${from.name} to ${describeAssignee(moved)} (level ${moved.level}): no answer in time`
          : reason === 'deactivated'
            ? `Passed from ${from.name}, deactivated in the directory, to ${moved.approver.name} (level ${moved.level})`
            : `Redirected from ${from.name} to ${moved.approver.name}, who decides on their behalf while they are away (level ${moved.level})`,
      details: { approvalId: moved.id, from: from.email, to: moved.approver.email },
    };
  },

  expired(approval: Approval, at: string): AuditEvent {
    return {
      subject: approval.subject,
      eventId: `expired#${approval.id}`,
      type: 'expired',
      at,
      actor: SYSTEM_ACTOR,
      summary: `${approval.approver.name} did not decide by the deadline (level ${approval.level})`,
      details: { approvalId: approval.id, dueAt: approval.dueAt },
    };
  },

  stopped(subject: SubjectRef, executionName: string, status: string, at: string): AuditEvent {
    return {
      subject,
      eventId: `review-stopped#${executionName}`,
      type: 'review-stopped',
      at,
      actor: SYSTEM_ACTOR,
      summary: `${stoppedReason(status)}; its open approvals were closed`,
      details: { executionName, status },
    };
  },

  levelClosed(subject: SubjectRef, executionName: string, level: PlannedLevel, outcome: string, at: string): AuditEvent {
    return {
      subject,
      eventId: `level-closed#${executionName}#${level.level}`,
      type: 'level-closed',
      at,
      actor: SYSTEM_ACTOR,
      summary: `Level ${level.level} (${level.name}): ${outcome}`,
      details: { level: level.level, outcome },
    };
  },
};
