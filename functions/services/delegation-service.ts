import { createLinkSecret } from '#domain/link-secret.ts';
import { delegationPeriod, type Delegation, type DelegationInput } from '#domain/delegation.ts';
import type { Person } from '#domain/directory.ts';
import { delegationAccessEmail } from '#emails/people-emails.tsx';
import { accessKeyRepository } from '#adapters/access-key-repository.ts';
import { delegationRepository } from '#adapters/delegation-repository.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { redirectPendingApprovals } from './review/reassignment.ts';
import { delegationLink } from './links.ts';

/** How long the emailed link to one's delegation page works. */
const ACCESS_VALID_HOURS = 24;

/** At most one link email per person in this window, so the form cannot be used to flood an inbox. */
const ACCESS_EMAIL_WINDOW_MS = 10 * 60 * 1000;

/**
 * Emails a person the link to their delegation page (once per window; a key issued but not sent is
 * known to nobody). Says nothing about whether the address is in the directory: the page answers
 * the same either way.
 */
export async function requestDelegationAccess(email: string, now: Date): Promise<void> {
  const person = await directoryRepository.getPerson(email);
  // A deactivated person is asked nothing, so has nobody to name.
  if (!person?.active) return;
  // The key is made and stored only once the window's one email is claimed: asking again within
  // the window writes nothing.
  await sendEmailOnce(
    `delegation-access#${person.email}#${Math.floor(now.getTime() / ACCESS_EMAIL_WINDOW_MS)}`,
    person,
    async () => {
      const { secret } = createLinkSecret();
      await accessKeyRepository.issue(person.email, secret, now, ACCESS_VALID_HOURS * 3600);
      return delegationAccessEmail({ name: person.name, url: delegationLink(person.email, secret), validHours: ACCESS_VALID_HOURS });
    },
    now,
  );
}

/**
 * The person whose delegation page a key opens: the key must be one emailed to them and unexpired.
 * Undefined for a wrong, expired or unknown key, or someone not in the directory.
 */
export async function openDelegation(email: string, secret: string | undefined, now: Date): Promise<Person | undefined> {
  const address = email.toLowerCase();
  if (!(await accessKeyRepository.isValid(address, secret, now))) return undefined;
  const person = await directoryRepository.getPerson(address);
  return person?.active ? person : undefined;
}

/** What saving a delegation did. */
export type DelegationResult =
  | { readonly kind: 'invalid'; readonly path: string; readonly message: string }
  | { readonly kind: 'saved'; readonly delegation: Delegation; readonly redirected: number };

/**
 * Records an out-of-office period for a person whose page was opened with their key: from its
 * start, new approvals go to the delegate, and the approvals pending with the person are
 * redirected when it starts (now, if it has started already; otherwise by the sweeper).
 */
export async function saveDelegation(person: Person, input: DelegationInput, now: Date): Promise<DelegationResult> {
  if (input.delegateEmail === person.email) return { kind: 'invalid', path: 'delegateEmail', message: 'Name someone other than yourself' };
  const delegate = await directoryRepository.getPerson(input.delegateEmail);
  if (!delegate) return { kind: 'invalid', path: 'delegateEmail', message: 'This person is not in the PMO directory' };
  if (!delegate.active) return { kind: 'invalid', path: 'delegateEmail', message: 'This person is deactivated in the PMO directory; name someone else' };
  const period = delegationPeriod(input);
  if (period.endsAt <= now.toISOString()) return { kind: 'invalid', path: 'until', message: 'The period is over already' };
  const delegation: Delegation = {
    person: { name: person.name, email: person.email },
    delegate: { name: delegate.name, email: delegate.email },
    ...period,
    createdAt: now.toISOString(),
  };
  await delegationRepository.put(delegation);
  const redirected = delegation.startsAt <= now.toISOString() ? await applyDelegation(delegation, now) : 0;
  return { kind: 'saved', delegation, redirected };
}

/** Redirects the pending approvals of a delegation that has started, once. */
export async function applyDelegation(delegation: Delegation, now: Date): Promise<number> {
  // A delegate deactivated since the period was set takes nothing over: the approvals stay (and escalate).
  const delegateActive = (await directoryRepository.getPerson(delegation.delegate.email))?.active === true;
  const redirected = delegateActive && now.toISOString() < delegation.endsAt ? await redirectPendingApprovals(delegation.person, delegation.delegate, now) : 0;
  await delegationRepository.markApplied(delegation, now);
  return redirected;
}

/** The sweeper's part: applies every delegation that started since the last run. */
export async function applyStartedDelegations(now: Date): Promise<number> {
  let redirected = 0;
  for (const delegation of await delegationRepository.listStartedUnapplied(now)) redirected += await applyDelegation(delegation, now);
  return redirected;
}
