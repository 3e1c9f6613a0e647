import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An approval link's single-use secret. Only its hash is stored, so a copy of the table cannot
 * decide anything; comparison is constant-time so timing reveals nothing about the hash.
 */
export function createLinkSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashLinkSecret(secret) };
}

/** The stored form of a link secret. */
export function hashLinkSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Whether a presented secret matches the stored hash. */
export function linkSecretMatches(presented: string | undefined, storedHash: string): boolean {
  if (!presented || presented.length > 256) return false;
  const actual = Buffer.from(hashLinkSecret(presented), 'utf8');
  const expected = Buffer.from(storedHash, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * The approval id for one approver's slot in one level of one workflow execution. Deterministic,
 * so a retried or replayed "request approval" step finds the approval it already created instead
 * of a second one, and a level's approvals can find each other.
 */
export function approvalIdFor(executionName: string, level: number, slot: number): string {
  return createHash('sha256').update(`${executionName}#${level}#${slot}`, 'utf8').digest('base64url').slice(0, 22);
}
