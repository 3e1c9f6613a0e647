import type { Viewer } from '#domain/access.ts';
import { isPmo } from '#domain/access.ts';
import type { PersonRef } from '#domain/person-ref.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';

/** Who a submission is made as. */
export type SubmitterIdentity =
  /** As this person: the signed-in one, or the one the PMO submits for. */
  | { readonly kind: 'as'; readonly submitter: PersonRef }
  /** As whoever the request names (sign-in is off, as before sign-in existed). */
  | { readonly kind: 'as-named' }
  /** Someone not in the PMO asked to submit as another person. */
  | { readonly kind: 'not-on-behalf' }
  /** The PMO named someone who is not an active person of the directory. */
  | { readonly kind: 'unknown-person'; readonly email: string };

/**
 * Who submits: the signed-in person, never a typed address, so that nobody can make the product
 * email someone else; the PMO may submit on behalf of an active person of the directory.
 */
export async function submitterIdentity(viewer: Viewer, namedEmail: string | undefined): Promise<SubmitterIdentity> {
  if (viewer.kind === 'open') return { kind: 'as-named' };
  const named = namedEmail?.trim().toLowerCase();
  if (!named || named === viewer.email) return { kind: 'as', submitter: { name: viewer.name, email: viewer.email } };
  if (!isPmo(viewer)) return { kind: 'not-on-behalf' };
  const person = named.length <= 254 ? await directoryRepository.getPerson(named) : undefined;
  if (!person?.active) return { kind: 'unknown-person', email: named };
  return { kind: 'as', submitter: { name: person.name, email: person.email } };
}
