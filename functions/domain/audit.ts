/** Kinds of event the audit trail records for a proposal. */
export type AuditEventType =
  | 'submitted'
  | 'scored'
  | 'review-planned'
  | 'approval-requested'
  | 'reminded'
  | 'escalated'
  | 'delegated'
  | 'decided'
  | 'superseded'
  | 'level-closed'
  | 'expired'
  | 'withdrawn'
  | 'resubmitted'
  | 'outcome-recorded'
  | 'submitter-notified'
  | 'failed';

/** One entry of a proposal's audit trail. */
export interface AuditEvent {
  readonly subjectId: string;
  /** Names the logical event, so a replayed step records it once. */
  readonly eventId: string;
  readonly type: AuditEventType;
  readonly at: string;
  readonly actor: string;
  readonly summary: string;
  readonly details?: Record<string, unknown>;
}

/** The system's own name as an audit actor. */
export const SYSTEM_ACTOR = 'pmo-pipeline';

/** Sorts events by time, then by id so that equal times keep a stable order. */
export function chronological(events: readonly AuditEvent[]): AuditEvent[] {
  return [...events].sort((a, b) => a.at.localeCompare(b.at) || a.eventId.localeCompare(b.eventId));
}
