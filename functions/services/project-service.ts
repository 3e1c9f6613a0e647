import { SYSTEM_ACTOR } from '#domain/audit.ts';
import {
  effectiveChange,
  formatBudget,
  PROJECT_STATUS_LABELS,
  projectFromProposal,
  projectIdFor,
  statusChangeProblem,
  type Project,
  type ProjectUpdate,
} from '#domain/project.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import type { Proposal } from '#domain/proposal.ts';
import type { AuditEvent } from '#domain/audit.ts';
import { weekStartOn } from '#domain/timesheet.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { projectRepository, type ProjectPage, type ProjectQuery } from '#adapters/project-repository.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { environment } from '#adapters/environment.ts';
import { timesheetRepository } from '#adapters/timesheet-repository.ts';

/** Who changes a project until sign-in exists: the pages and the API are open for now. */
export const UNAUTHENTICATED_ACTOR = 'web (not signed in)';

/** How often an update reads again after another write came first, before giving up. */
const MAX_UPDATE_ATTEMPTS = 3;

/** What the audit trail records about a project. */
type ProjectEventType = 'project-created' | 'project-manager-changed' | 'project-status-changed';

interface ProjectEvent {
  /** Names the logical event, so a retried step records it once. */
  readonly eventId: string;
  readonly type: ProjectEventType;
  readonly at: string;
  readonly actor: string;
  readonly summary: string;
  readonly details?: Record<string, unknown>;
}

/** The one place that writes a project's audit trail (the audit API is being generalised to subjects). */
async function recordProjectEvent(project: Project, event: ProjectEvent): Promise<void> {
  await auditRepository.append({ subject: { type: 'project', id: project.id }, ...event });
}

/**
 * The project of an approved proposal, created on the first call. Idempotent, also under
 * concurrent calls (a replayed or retried workflow step): the project's id derives from the
 * proposal's, and the write is conditional on that id being new.
 */
export async function ensureProjectForProposal(proposal: Proposal, now: Date): Promise<Project> {
  const project = (await projectRepository.get(projectIdFor(proposal.id))) ?? (await projectRepository.create(projectFromProposal(proposal, now))).project;
  // Recorded on every call, once by its event id: a step that stopped between the write and
  // this line still leaves the creation in the trail when it runs again.
  await recordProjectEvent(project, {
    eventId: 'project-created',
    type: 'project-created',
    at: project.createdAt,
    actor: SYSTEM_ACTOR,
    summary: `Project created from the approved proposal, with a budget of ${formatBudget(project.budget)}; ${project.manager.name} manages it`,
    details: { proposalId: project.proposalId, manager: project.manager.email, budget: project.budget },
  });
  return project;
}

/** A project by id. */
export async function getProject(id: string): Promise<Project | undefined> {
  return projectRepository.get(id);
}

export type { ProjectPage, ProjectQuery };

/** What a listing found: a page, or a cursor this service did not issue. */
export type ProjectListResult =
  | { readonly kind: 'listed'; readonly page: ProjectPage }
  | { readonly kind: 'invalid'; readonly path: 'cursor'; readonly message: string };

/** Projects newest first, optionally of one status and department. */
export async function listProjects(query: ProjectQuery): Promise<ProjectListResult> {
  try {
    return { kind: 'listed', page: await projectRepository.list(query) };
  } catch (error) {
    if (error instanceof InvalidCursorError) return { kind: 'invalid', path: 'cursor', message: error.message };
    throw error;
  }
}

/** An active person of the directory, as a project's manager: a deactivated one runs nothing. */
async function directoryPerson(email: string): Promise<PersonRef | undefined> {
  const person = await directoryRepository.getPerson(email);
  return person?.active ? { name: person.name, email: person.email } : undefined;
}

/** What an update did. */
export type ProjectUpdateResult =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'invalid'; readonly path: string; readonly message: string }
  | { readonly kind: 'updated'; readonly project: Project };

/**
 * Changes a project's manager or status, as the PMO asks. The manager must be in the directory;
 * CLOSED is final. Asking for what is already so changes nothing. Each change is written
 * conditionally on the version read: when another write came first, the request is checked
 * again against the project as it now is.
 */
export async function updateProject(id: string, input: ProjectUpdate, now: Date, actor: string = UNAUTHENTICATED_ACTOR): Promise<ProjectUpdateResult> {
  // Looked up once: a retry after a concurrent write needs the same person.
  let manager: PersonRef | undefined;
  for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt += 1) {
    const project = await projectRepository.get(id);
    if (!project) return { kind: 'not-found' };
    if (input.status !== undefined) {
      const problem = statusChangeProblem(project.status, input.status);
      if (problem) return { kind: 'invalid', ...problem };
    }
    if (input.managerEmail !== undefined && input.managerEmail !== project.manager.email) {
      manager ??= await directoryPerson(input.managerEmail);
      if (!manager) return { kind: 'invalid', path: 'managerEmail', message: 'Nobody with this email address is in the PMO directory' };
    }
    const change = effectiveChange(project, { status: input.status, manager });
    if (!change.manager && !change.status) return { kind: 'updated', project };

    const updated = await projectRepository.update(id, { ...change, updatedAt: now.toISOString() }, project.version);
    if (!updated) continue;
    if (change.manager) {
      await recordProjectEvent(updated, {
        eventId: `project-manager-changed#v${updated.version}`,
        type: 'project-manager-changed',
        at: updated.updatedAt,
        actor,
        summary: `Manager changed from ${project.manager.name} to ${updated.manager.name}`,
        details: { from: project.manager.email, to: updated.manager.email },
      });
    }
    if (change.status) {
      await recordProjectEvent(updated, {
        eventId: `project-status-changed#v${updated.version}`,
        type: 'project-status-changed',
        at: updated.updatedAt,
        actor,
        summary: `Status changed from ${PROJECT_STATUS_LABELS[project.status]} to ${PROJECT_STATUS_LABELS[updated.status]}`,
        details: { from: project.status, to: updated.status },
      });
    }
    return { kind: 'updated', project: updated };
  }
  throw new Error(`Project ${id} kept changing while it was updated; try again`);
}

/** A project's audit trail (created, manager and status changes), oldest first; undefined when there is no such project. */
export async function projectHistory(id: string): Promise<AuditEvent[] | undefined> {
  if (!(await projectRepository.get(id))) return undefined;
  return auditRepository.listForSubject({ type: 'project', id });
}

/** Every ACTIVE project, by title: what people book hours to. */
/** The projects a person manages. */
export async function listProjectsManagedBy(email: string): Promise<Project[]> {
  return projectRepository.listByManager(email);
}

export async function listActiveProjects(): Promise<Project[]> {
  const projects = await projectRepository.listAllOfStatus('ACTIVE');
  return projects.sort((a, b) => a.title.localeCompare(b.title, 'en') || a.id.localeCompare(b.id));
}

/** Hours booked to a project in submitted timesheets: in the current week (the organisation's) and to date. */
export interface ProjectHours {
  readonly thisPeriod: number;
  readonly toDate: number;
}

/** A project's booked hours, from its weekly counters (submitted weeks only; a reopened week is taken off). */
export async function projectHours(id: string, now: Date): Promise<ProjectHours> {
  const weeks = await timesheetRepository.projectHours(id);
  const current = weekStartOn(now, environment.orgTimeZone);
  return {
    thisPeriod: weeks.find((week) => week.weekStart === current)?.hours ?? 0,
    toDate: weeks.reduce((sum, week) => sum + week.hours, 0),
  };
}
