import { isPmo, type Viewer } from '#domain/access.ts';
import type { AuditEvent } from '#domain/audit.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { registrationForCollection } from './subject-registry.ts';

/** A subject's audit trail, looked up by its URL collection, or why there is none. */
export type AuditTrailResult =
  | { readonly kind: 'unknown-collection' }
  | { readonly kind: 'not-found'; readonly noun: string }
  | { readonly kind: 'found'; readonly items: AuditEvent[] };

/**
 * The audit trail of any registered subject (`proposals`, and each later process's own), in time
 * order: its process's events and the review engine's, stored together by subject.
 */
export async function auditTrail(viewer: Viewer, collection: string, id: string): Promise<AuditTrailResult> {
  const registration = registrationForCollection(collection);
  if (!registration) return { kind: 'unknown-collection' };
  if (!(await registration.load(id))) return { kind: 'not-found', noun: registration.noun };
  // A trail its reader may not read answers as one that does not exist.
  const readable = registration.mayRead ? await registration.mayRead(viewer, id) : isPmo(viewer);
  if (!readable) return { kind: 'not-found', noun: registration.noun };
  return { kind: 'found', items: await auditRepository.listForSubject({ type: registration.type, id }) };
}
