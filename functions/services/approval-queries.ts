import { isPmo, type Viewer } from '#domain/access.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { ragRules } from './report-service.ts';
import { registrationOf } from './review/subject-registry.ts';

/** An approval waiting for a decision, as the approvals page lists it (never its link or token). */
export interface WaitingApproval {
  readonly approverName: string;
  readonly onBehalfOfName?: string;
  readonly title: string;
  readonly noun: string;
  readonly pagePath: string;
  readonly levelName: string;
  readonly requestedAt: string;
  readonly dueAt: string;
  readonly ageHours: number;
  readonly overdue: boolean;
}

/**
 * The approvals waiting for a decision, oldest first: every one for the PMO, the viewer's own for
 * anyone else. Their subjects are read for titles; an approval whose subject is gone is left out.
 */
export async function waitingApprovals(viewer: Viewer, now: Date): Promise<WaitingApproval[]> {
  const open = viewer.kind === 'open' || isPmo(viewer) ? await approvalRepository.listOpen() : await approvalRepository.listPendingFor(viewer.email);
  const pending = open.filter((approval) => approval.status === 'PENDING');
  const rows = await Promise.all(
    pending.map(async (approval) => {
      const subject = await registrationOf(approval.subject.type).load(approval.subject.id).catch(() => undefined);
      const ageHours = (now.getTime() - Date.parse(approval.requestedAt)) / 3_600_000;
      return subject
        ? {
            approverName: approval.approver.name,
            ...(approval.onBehalfOf ? { onBehalfOfName: approval.onBehalfOf.name } : {}),
            title: subject.view.title,
            noun: subject.view.noun,
            pagePath: subject.view.pagePath,
            levelName: approval.levelName,
            requestedAt: approval.requestedAt,
            dueAt: approval.dueAt,
            ageHours,
            overdue: ageHours > ragRules.approvalOverdueHours,
          }
        : undefined;
    }),
  );
  return rows.filter((row): row is WaitingApproval => row !== undefined).sort((a, b) => b.ageHours - a.ageHours);
}
