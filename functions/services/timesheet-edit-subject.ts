import { ApprovalPolicySchema } from '#domain/approval-policy.ts';
import { stoppedReason } from '#domain/audit.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import type { ReviewOutcome } from '#domain/subject.ts';
import { editStatusFor, projectChanges, timesheetAudit, TIMESHEET_EDIT_STATUS_LABELS, timesheetEditSubject, type TimesheetEdit } from '#domain/timesheet-edit.ts';
import { timesheetTotals } from '#domain/timesheet.ts';
import { lateEditOutcomeEmail } from '#emails/timesheet-edit-emails.tsx';
import { loadApprovalPolicy } from '#adapters/approval-policy-source.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { timesheetEditRepository } from '#adapters/timesheet-edit-repository.ts';
import bundledPolicy from '../config/approval-policies/timesheet-edit.json' with { type: 'json' };
import { pageUrl } from './links.ts';
import type { ReviewSubject, SubjectRegistration } from './review/subject-registry.ts';
import { applyLateEdit, mayReadLateEdit } from './timesheet-edit-service.ts';
import { projectTitles } from './timesheet-service.ts';

/**
 * The late-edit policy (functions/config/approval-policies/timesheet-edit.json, or the file
 * `TIMESHEET_EDIT_POLICY_PATH` names): the person's line manager decides, the PMO lead when they
 * have none or nobody answers. Validated when this module loads.
 */
export const timesheetEditPolicy = loadApprovalPolicy(bundledPolicy, ApprovalPolicySchema, 'TIMESHEET_EDIT_POLICY_PATH');

function hours(value: number): string {
  return `${value} h`;
}

/** The path of a late edit's own page. */
export function lateEditPagePath(id: string): string {
  return `/timesheet-edits/${encodeURIComponent(id)}`;
}

/** A late edit as the review engine shows it to its approver: the week, before → after, by project, and why. */
async function asSubject(edit: TimesheetEdit): Promise<ReviewSubject> {
  const changes = projectChanges(edit);
  const titles = await projectTitles(changes.map((change) => change.projectId));
  const before = timesheetTotals(edit.weekStart, edit.before.entries).total;
  const after = timesheetTotals(edit.weekStart, edit.entries).total;
  const rows = changes.map((change) => [titles.get(change.projectId) ?? change.projectId, hours(change.before), hours(change.after)]);
  return {
    view: {
      subject: timesheetEditSubject(edit.id),
      noun: 'late timesheet change',
      title: `${edit.name}: week of ${edit.weekStart}`,
      submitter: { name: edit.name, email: edit.email },
      facts: [
        { label: 'Person', value: edit.name },
        { label: 'Week', value: `${edit.weekStart} (locked)` },
        { label: 'Hours', value: `${hours(before)} → ${hours(after)}` },
        ...(edit.noWork ? [{ label: 'Did not work', value: edit.noWork.reason }] : []),
        { label: 'Status', value: TIMESHEET_EDIT_STATUS_LABELS[edit.status] },
      ],
      headline: `${hours(before)} → ${hours(after)}`,
      description: edit.reason,
      ...(rows.length > 0
        ? {
            table: {
              caption: 'Hours by project',
              columns: [{ label: 'Project' }, { label: 'Before', numeric: true }, { label: 'After', numeric: true }],
              rows,
              footer: ['Total', hours(before), hours(after)],
              text: [...rows.map((row) => `${row[0]}: ${row[1]} → ${row[2]}`), `Total: ${hours(before)} → ${hours(after)}`],
            },
          }
        : {}),
      pagePath: lateEditPagePath(edit.id),
    },
    state: edit.status === 'WITHDRAWN' ? 'withdrawn' : edit.status === 'PENDING' ? 'open' : 'closed',
    currentExecution: edit.executionName,
  };
}

async function requireEdit(id: string): Promise<TimesheetEdit> {
  const edit = await timesheetEditRepository.get(id);
  if (!edit) throw new Error(`Late edit ${id} disappeared`);
  return edit;
}

function decisionOf(outcome: ReviewOutcome, now: Date): NonNullable<TimesheetEdit['decision']> {
  switch (outcome.decision) {
    case 'approve':
    case 'reject':
      return {
        decision: outcome.decision,
        by: outcome.approver,
        ...(outcome.onBehalfOf ? { onBehalfOf: outcome.onBehalfOf } : {}),
        ...(outcome.comment ? { comment: outcome.comment } : {}),
        at: outcome.decidedAt,
      };
    case 'failed':
      return { decision: 'failed', at: now.toISOString(), ...(outcome.reason ? { reason: outcome.reason } : {}) };
    default:
      return { decision: outcome.decision, at: now.toISOString() };
  }
}

/**
 * Ends a late edit's review: an approval writes the change to the week first (so the request is
 * never APPROVED without its week changed), then the request is closed, the week freed for another
 * request, and the person told once. Safe to repeat.
 */
async function recordEditOutcome(id: string, outcome: ReviewOutcome, executionName: string, now: Date): Promise<{ status: string }> {
  const edit = await requireEdit(id);
  const status = editStatusFor(outcome.decision);
  if (edit.status === 'PENDING') {
    if (status === 'APPROVED') await applyLateEdit(edit, now);
    await timesheetEditRepository.close(id, status, { decision: decisionOf(outcome, now), ...(status === 'APPROVED' ? { appliedAt: now.toISOString() } : {}) }, now);
  }
  const closed = await requireEdit(id);
  await timesheetEditRepository.release(closed);
  await auditRepository.append(timesheetAudit.lateEditDecided(closed));
  await sendEmailOnce(
    `late-edit-outcome#${executionName}`,
    { name: closed.name, email: closed.email },
    lateEditOutcomeEmail({ edit: closed, weekUrl: pageUrl(`/timesheets/${closed.weekStart}`) }),
    now,
  );
  return { status: closed.status };
}

/** The timesheet process's late edits, as the review engine reviews them. */
export const timesheetEditRegistration: SubjectRegistration = {
  type: 'timesheet-edit',
  collection: 'timesheet-edits',
  noun: 'late timesheet change',
  policy: timesheetEditPolicy,

  async load(id) {
    const edit = await timesheetEditRepository.get(id);
    return edit ? asSubject(edit) : undefined;
  },

  async relatedPeople(id, relation): Promise<PersonRef[]> {
    if (relation !== 'line-manager') throw new Error(`A late timesheet change relates no "${relation}"`);
    const edit = await requireEdit(id);
    const person = await directoryRepository.getPerson(edit.email);
    const manager = person?.managerEmail ? await directoryRepository.getPerson(person.managerEmail) : undefined;
    return manager ? [{ name: manager.name, email: manager.email }] : [];
  },

  async mayRead(viewer, id) {
    const edit = await timesheetEditRepository.get(id);
    return edit !== undefined && (await mayReadLateEdit(viewer, edit));
  },

  async onProgress(subject) {
    const edit = await requireEdit(subject.view.subject.id);
    if (edit.status === 'WITHDRAWN') return 'withdrawn';
    return edit.status === 'PENDING' ? 'ok' : 'closed';
  },

  onOutcome: (subject, outcome, executionName, now) => recordEditOutcome(subject.view.subject.id, outcome, executionName, now),

  async onStopped(subject, stop, now) {
    if (subject.state !== 'open') return;
    await recordEditOutcome(subject.view.subject.id, { decision: 'failed', error: `Execution${stop.status}`, reason: stoppedReason(stop.status, stop.cause) }, stop.executionName, now);
  },
};
