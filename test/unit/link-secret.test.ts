import { describe, expect, it } from 'vitest';
import { approvalIdFor, createLinkSecret, hashLinkSecret, linkSecretMatches } from '#domain/link-secret.ts';

describe('approval link secrets', () => {
  it('stores only a hash that differs from the secret', () => {
    const { secret, hash } = createLinkSecret();

    expect(hash).not.toContain(secret);
    expect(hash).toBe(hashLinkSecret(secret));
  });

  it('creates a different secret every time, of 256 bits', () => {
    const first = createLinkSecret();
    const second = createLinkSecret();

    expect(first.secret).not.toBe(second.secret);
    expect(Buffer.from(first.secret, 'base64url')).toHaveLength(32);
  });

  it('matches the right secret and nothing else', () => {
    const { secret, hash } = createLinkSecret();

    expect(linkSecretMatches(secret, hash)).toBe(true);
    expect(linkSecretMatches(`${secret.slice(0, -1)}A`, hash)).toBe(secret.endsWith('A'));
    expect(linkSecretMatches('', hash)).toBe(false);
    expect(linkSecretMatches(undefined, hash)).toBe(false);
    expect(linkSecretMatches('x'.repeat(10_000), hash)).toBe(false);
  });
});

describe('approvalIdFor', () => {
  it('gives the same id for the same execution, level and slot, so a replay finds its approval', () => {
    expect(approvalIdFor('proposal-1', 1, 0)).toBe(approvalIdFor('proposal-1', 1, 0));
  });

  it('gives different ids to different slots, levels and executions', () => {
    const ids = new Set([approvalIdFor('proposal-1', 1, 0), approvalIdFor('proposal-1', 1, 1), approvalIdFor('proposal-1', 2, 0), approvalIdFor('proposal-2', 1, 0)]);

    expect(ids.size).toBe(4);
  });
});
