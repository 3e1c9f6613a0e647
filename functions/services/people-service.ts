import { ACCESS_ROLES, accessOf, isPmo, type AccessRole, type Viewer } from '#domain/access.ts';
import {
  applyPersonChange,
  MAX_MANAGER_CHAIN,
  personChangeProblem,
  personFromInput,
  sameDirectoryEntry,
  type Person,
  type PersonChange,
  type PersonInput,
} from '#domain/directory.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import { approvalRepository } from '#adapters/approval-repository.ts';
import { directoryRepository, type StoredPerson } from '#adapters/directory-repository.ts';
import { holidayCalendarRepository } from '#adapters/holiday-calendar-repository.ts';
import { logger } from '#adapters/logger.ts';
import { InvalidCursorError } from '#adapters/table-keys.ts';
import { endSessionsOf } from './sign-in-service.ts';
import { redirectPendingApprovals } from './review/reassignment.ts';
import { allRegistrations } from './review/subject-registry.ts';

// The PMO's administration of the directory. Sign-in reads the directory at every request, so a
// change of roles or a deactivation counts from the person's next request.

/** The role whose holders take over a deactivated person's approvals when their manager cannot. */
const FALLBACK_ROLE = 'pmo-lead';

/** How often a change is tried again after someone else changed the person in between. */
const CHANGE_ATTEMPTS = 3;

/** A field of the request and what is wrong with it. */
export interface PersonProblem {
  readonly path: string;
  readonly message: string;
}

/** Where a deactivated person's pending approvals went. */
export interface Redirection {
  /** How many approvals were handed on. */
  readonly count: number;
  /** Who took them over: the manager, or the PMO lead (and, for an approval that one submitted, the next lead). */
  readonly to: readonly PersonRef[];
}

/** One page of the directory. */
export type PeopleListing = { readonly kind: 'page'; readonly items: Person[]; readonly nextCursor?: string } | { readonly kind: 'invalid-cursor'; readonly message: string };

/** Everyone in the directory, active or not, by name, a page at a time. */
export async function listPeople(query: { readonly limit: number; readonly cursor?: string | undefined }): Promise<PeopleListing> {
  try {
    return { kind: 'page', ...(await directoryRepository.listPeople(query)) };
  } catch (error) {
    if (error instanceof InvalidCursorError) return { kind: 'invalid-cursor', message: error.message };
    throw error;
  }
}

/** Whether the viewer may read a person's entry: the person, their line manager, and the PMO. */
export function mayReadPerson(viewer: Viewer, person: Person): boolean {
  if (viewer.kind === 'open' || isPmo(viewer)) return true;
  return viewer.email === person.email || viewer.email === person.managerEmail;
}

/** A person's entry, if the viewer may read it; anyone else is answered as if there were none. */
export async function readablePerson(viewer: Viewer, email: string): Promise<Person | undefined> {
  const person = await directoryRepository.getPerson(email);
  return person && mayReadPerson(viewer, person) ? person : undefined;
}

/** A role the product knows, and the access it grants beyond approving. */
export interface KnownRole {
  readonly role: string;
  readonly grants?: AccessRole;
}

/**
 * The roles the product knows: those that grant access (PMO, finance) and those the approval
 * policies route to. The directory takes any other role too (a policy may name it later).
 */
export function knownRoles(): KnownRole[] {
  const fromPolicies = allRegistrations().flatMap((registration) =>
    registration.policy.levels.flatMap((level) => [...level.approvers, ...(level.escalateTo ? [level.escalateTo] : [])].flatMap((spec) => ('role' in spec ? [spec.role] : []))),
  );
  return [...new Set<string>([...ACCESS_ROLES, ...fromPolicies])].sort().map((role) => {
    const [grants] = accessOf({ roles: [role] });
    return grants ? { role, grants } : { role };
  });
}

/**
 * Why `managerEmail` cannot manage `person`, if it cannot: the manager must be an active person of
 * the directory, and must not report to the person (directly or through others, followed up to
 * {@link MAX_MANAGER_CHAIN} levels), or approvals would go round in circles.
 */
async function managerProblem(person: Pick<Person, 'email'>, managerEmail: string): Promise<PersonProblem | undefined> {
  const manager = await directoryRepository.getPerson(managerEmail);
  if (!manager) return { path: 'managerEmail', message: 'Nobody with this email address is in the PMO directory' };
  if (!manager.active) return { path: 'managerEmail', message: `${manager.name} is deactivated in the PMO directory; name an active manager` };
  let above: Person | undefined = manager;
  for (let level = 0; above && level < MAX_MANAGER_CHAIN; level += 1) {
    if (above.managerEmail === person.email) {
      return { path: 'managerEmail', message: `${manager.name} reports to this person (directly or through others): a manager cannot report to their own report` };
    }
    above = above.managerEmail ? await directoryRepository.getPerson(above.managerEmail) : undefined;
  }
  return undefined;
}

/** Why a person cannot belong to a holiday calendar, if they cannot: it must be one the PMO has set up. */
async function calendarProblem(calendarId: string): Promise<PersonProblem | undefined> {
  if (await holidayCalendarRepository.exists(calendarId)) return undefined;
  return { path: 'holidayCalendar', message: `No holiday calendar has the id ${calendarId}; see /holiday-calendars for the ones there are` };
}

/** What adding a person came to. */
export type CreatePersonResult =
  | { readonly kind: 'invalid'; readonly problem: PersonProblem }
  | { readonly kind: 'exists' }
  | { readonly kind: 'created'; readonly person: Person };

/** Adds a person to the directory; an email someone has already is refused. */
export async function createPerson(input: PersonInput): Promise<CreatePersonResult> {
  const person = personFromInput(input);
  if (await directoryRepository.getPerson(person.email)) return { kind: 'exists' };
  const problem =
    (person.managerEmail ? await managerProblem(person, person.managerEmail) : undefined) ??
    (person.holidayCalendar ? await calendarProblem(person.holidayCalendar) : undefined);
  if (problem) return { kind: 'invalid', problem };
  if ((await directoryRepository.createPerson(person)) === 'exists') return { kind: 'exists' };
  logger.info('Person added to the directory', { email: person.email, roles: person.roles, active: person.active });
  return { kind: 'created', person };
}

/** What changing a person came to. */
export type UpdatePersonResult =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'invalid'; readonly problem: PersonProblem }
  /** Someone else kept changing the person while this change was being made. */
  | { readonly kind: 'conflict' }
  | { readonly kind: 'updated'; readonly person: Person; readonly redirected?: Redirection };

/**
 * Why the directory would be left without an active PMO lead, if it would: the first level of the
 * proposal policy routes to the role, and a deactivated person's approvals fall back to it.
 */
async function lastLeadProblem(before: Person, after: Person, change: PersonChange): Promise<PersonProblem | undefined> {
  const wasLead = before.active && before.roles.includes(FALLBACK_ROLE);
  const staysLead = after.active && after.roles.includes(FALLBACK_ROLE);
  if (!wasLead || staysLead) return undefined;
  const others = (await directoryRepository.peopleInRole(FALLBACK_ROLE)).filter((lead) => lead.email !== before.email);
  if (others.length > 0) return undefined;
  return {
    path: change.active === false ? 'active' : 'roles',
    message: `${before.name} is the only active ${FALLBACK_ROLE}: give someone else the role first (approvals route to it)`,
  };
}

/** One attempt at a change, from the person as read; `conflict` when they changed since. */
async function attemptChange(stored: StoredPerson, change: PersonChange): Promise<Exclude<UpdatePersonResult, { kind: 'not-found' }>> {
  const before = stored.person;
  const ownProblem = personChangeProblem(before, change);
  if (ownProblem) return { kind: 'invalid', problem: ownProblem };
  const after = applyPersonChange(before, change);
  if (after.managerEmail && after.managerEmail !== before.managerEmail) {
    const problem = await managerProblem(after, after.managerEmail);
    if (problem) return { kind: 'invalid', problem };
  }
  if (after.holidayCalendar && after.holidayCalendar !== before.holidayCalendar) {
    const problem = await calendarProblem(after.holidayCalendar);
    if (problem) return { kind: 'invalid', problem };
  }
  const leadProblem = await lastLeadProblem(before, after, change);
  if (leadProblem) return { kind: 'invalid', problem: leadProblem };
  // The same values again write nothing (the version stays, so nobody else's change is refused).
  if (sameDirectoryEntry(before, after)) return { kind: 'updated', person: before };
  const written = await directoryRepository.updatePerson(stored, after);
  return written === 'conflict' ? { kind: 'conflict' } : { kind: 'updated', person: written.person };
}

/**
 * Changes a person as the PMO asks: only the fields sent change. A deactivated person is asked to
 * decide nothing more: new approvals skip them (their role seat falls to the others in the role),
 * and the approvals pending with them are redirected as an out-of-office delegation would be, to
 * their manager if active, otherwise to the PMO lead. Sending `active: false` again redirects
 * whatever is still pending with them. Reactivating them hands nothing back.
 */
export async function updatePerson(email: string, change: PersonChange, now: Date): Promise<UpdatePersonResult> {
  for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt += 1) {
    const stored = await directoryRepository.findPerson(email);
    if (!stored) return { kind: 'not-found' };
    const result = await attemptChange(stored, change);
    if (result.kind === 'conflict') continue;
    if (result.kind !== 'updated' || change.active !== false) return result;
    // Their sessions end now, so that reactivating them later does not bring an old one back.
    await endSessionsOf(result.person.email);
    const redirected = await redirectApprovalsOf(result.person, now);
    if (stored.person.active) logger.info('Person deactivated', { email: result.person.email, redirectedApprovals: redirected.count });
    return { ...result, redirected };
  }
  return { kind: 'conflict' };
}

/** Who takes over a deactivated person's approvals, in order: their manager if active, then the PMO leads. */
async function successorsOf(person: Person): Promise<PersonRef[]> {
  const manager = person.managerEmail ? await directoryRepository.getPerson(person.managerEmail) : undefined;
  const leads = await directoryRepository.peopleInRole(FALLBACK_ROLE);
  const candidates = [...(manager?.active ? [manager] : []), ...leads].filter((candidate) => candidate.email !== person.email);
  return [...new Map(candidates.map((candidate) => [candidate.email, { name: candidate.name, email: candidate.email }])).values()];
}

/**
 * Hands a deactivated person's pending approvals on, with the delegation's machinery (the audit
 * trail says to whom and why; the new approver gets the request by email). Nobody
 * decides on their own subject, so an approval the first successor submitted goes to the next.
 */
async function redirectApprovalsOf(person: Person, now: Date): Promise<Redirection> {
  if ((await approvalRepository.listPendingFor(person.email)).length === 0) return { count: 0, to: [] };
  let count = 0;
  const to: PersonRef[] = [];
  for (const successor of await successorsOf(person)) {
    const moved = await redirectPendingApprovals(person, successor, now, 'deactivated');
    if (moved > 0) {
      count += moved;
      to.push(successor);
    }
    if ((await approvalRepository.listPendingFor(person.email)).length === 0) break;
  }
  return { count, to };
}
