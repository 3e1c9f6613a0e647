import { isPmo, mayRead, type RecordParties, type Viewer } from '#domain/access.ts';
import type { Approval } from '#domain/approval.ts';
import type { Project, ProjectUpdate } from '#domain/project.ts';
import type { Proposal } from '#domain/proposal.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';

// Whether a reader may see a record. A record they may not see answers as one that does not exist
// (404): its id alone must not tell anyone that a proposal or project is there.

/** The line managers of these people, as the directory has them now. */
async function lineManagersOf(emails: readonly string[]): Promise<string[]> {
  const people = await Promise.all([...new Set(emails)].map((email) => directoryRepository.getPerson(email)));
  return people.flatMap((person) => (person?.managerEmail ? [person.managerEmail] : []));
}

/** Reads what the record names first, and the line managers only when that is not enough. */
async function mayReadWithManagers(viewer: Viewer, parties: RecordParties, people: readonly string[]): Promise<boolean> {
  if (mayRead(viewer, parties)) return true;
  if (viewer.kind === 'open') return true;
  return mayRead(viewer, { ...parties, lineManagerEmails: await lineManagersOf(people) });
}

/** The submitter, whoever was asked to decide (and for whom), the submitter's manager, and the PMO. */
export async function mayReadProposal(viewer: Viewer, proposal: Proposal, approvals: readonly Approval[]): Promise<boolean> {
  const reviewerEmails = approvals.flatMap((approval) => [approval.approver.email, ...(approval.onBehalfOf ? [approval.onBehalfOf.email] : [])]);
  return mayReadWithManagers(viewer, { submitterEmail: proposal.submitter.email, reviewerEmails }, [proposal.submitter.email]);
}

/** Its manager and sponsor, their line managers, finance (a project holds a budget), and the PMO. */
export async function mayReadProject(viewer: Viewer, project: Project): Promise<boolean> {
  return mayReadWithManagers(
    viewer,
    { submitterEmail: project.sponsor.email, managerEmails: [project.manager.email], financial: true },
    [project.manager.email, project.sponsor.email],
  );
}

/** Why a change of a project is refused to its reader, if it is. */
export type ProjectChangeRefusal = 'not-readable' | 'forbidden';

/**
 * The PMO changes anything; the project's manager reports its status, but handing the project to
 * someone else is the PMO's call.
 */
export async function projectChangeRefusal(viewer: Viewer, project: Project, update: ProjectUpdate): Promise<ProjectChangeRefusal | undefined> {
  if (viewer.kind === 'open' || isPmo(viewer)) return undefined;
  if (!(await mayReadProject(viewer, project))) return 'not-readable';
  const isManager = project.manager.email === viewer.email;
  const handsOver = update.managerEmail !== undefined && update.managerEmail !== project.manager.email;
  return isManager && !handsOver ? undefined : 'forbidden';
}
