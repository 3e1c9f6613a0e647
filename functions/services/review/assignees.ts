import type { ApproverSpec } from '#domain/approval-policy.ts';
import { isActive } from '#domain/delegation.ts';
import type { PersonRef } from '#domain/proposal.ts';
import { delegationRepository } from '#adapters/delegation-repository.ts';
import { PermanentError } from '#domain/errors.ts';
import type { SubjectRef } from '#domain/subject.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { registrationOf } from './subject-registry.ts';

/** Who is asked: the approver, or their delegate with the approver named as "on behalf of". */
export interface Assignee {
  readonly approver: PersonRef;
  readonly onBehalfOf?: PersonRef;
}

/**
 * The active people an approver spec names for a subject: every active holder of a role, the one
 * person, or the people the subject's process relates to it. A deactivated person is asked
 * nothing: their seat in a role falls to the others in it, and a level left with nobody goes to
 * the level's escalation target.
 */
export async function peopleFor(spec: ApproverSpec, subject: SubjectRef): Promise<PersonRef[]> {
  if ('role' in spec) {
    const people = await directoryRepository.peopleInRole(spec.role);
    return people.map((person) => ({ name: person.name, email: person.email }));
  }
  const emails = 'person' in spec ? [spec.person] : (await relatedTo(subject, spec.relation)).map((person) => person.email.toLowerCase());
  const people = await Promise.all([...new Set(emails)].map((email) => directoryRepository.getPerson(email)));
  return people.filter((person) => person?.active).map((person) => ({ name: person!.name, email: person!.email }));
}

async function relatedTo(subject: SubjectRef, relation: string): Promise<PersonRef[]> {
  const registration = registrationOf(subject.type);
  if (!registration.relatedPeople) throw new PermanentError(`The ${subject.type} policy names a "${relation}" approver, but its process relates nobody to its subjects`);
  return registration.relatedPeople(subject.id, relation);
}

/**
 * The assignee for a person at `now`: their delegate while an out-of-office period runs, unless
 * the delegate is the proposal's submitter (nobody decides on their own proposal) or has been
 * deactivated since the period was set.
 */
export async function assigneeFor(person: PersonRef, now: Date, submitter: PersonRef): Promise<Assignee> {
  const delegation = await delegationRepository.get(person.email);
  if (delegation && isActive(delegation, now) && delegation.delegate.email !== person.email && delegation.delegate.email !== submitter.email) {
    if ((await directoryRepository.getPerson(delegation.delegate.email))?.active) return { approver: delegation.delegate, onBehalfOf: person };
  }
  return { approver: person };
}
