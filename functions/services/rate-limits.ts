import { createHash } from 'node:crypto';
import { rateLimiter, type RateDecision } from '#adapters/rate-limiter.ts';

/**
 * What is limited, and how much. Routes that check a link's secret are limited per client address
 * and per target (the approval, proposal or person the secret is for), so guessing keys gets
 * nowhere fast; requests that send someone an email are limited per client. Generous for people,
 * who click a link a few times; `RATE_LIMIT_SCALE` scales every limit (0 turns them off, e.g. for a
 * load benchmark from one address).
 */
const POLICIES = {
  'link-per-client': { limit: 300, windowSeconds: 60 },
  'link-per-target': { limit: 30, windowSeconds: 60 },
  'email-request-per-client': { limit: 10, windowSeconds: 600 },
  'email-request-per-person': { limit: 5, windowSeconds: 600 },
  // Each sign-in started stores its PKCE verifier for ten minutes.
  'sign-in-per-client': { limit: 60, windowSeconds: 60 },
  // A busy PMO enters a backlog of proposals at once; a script gone wrong is stopped.
  'submission-per-client': { limit: 60, windowSeconds: 600 },
  'submission-per-person': { limit: 30, windowSeconds: 600 },
} as const;

export type RateLimitKind = keyof typeof POLICIES;

function scale(): number {
  const raw = process.env.RATE_LIMIT_SCALE;
  const value = raw === undefined || raw.trim() === '' ? 1 : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error('Missing configuration: RATE_LIMIT_SCALE must be a number, 0 or more');
  return value;
}

/** A bucket name of bounded length whatever the key (an address, an id from a URL). */
function bucketOf(kind: RateLimitKind, key: string): string {
  return `${kind}#${createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 22)}`;
}

/**
 * Counts one request against each named limit and answers whether all of them still allow it;
 * when one refuses, `retryAfterSeconds` says when to come back.
 */
export async function checkRateLimits(hits: readonly { kind: RateLimitKind; key: string | undefined }[], now: Date): Promise<RateDecision> {
  const factor = scale();
  if (factor === 0) return { allowed: true, retryAfterSeconds: 0 };
  let refused: RateDecision | undefined;
  for (const { kind, key } of hits) {
    if (!key) continue;
    const policy = POLICIES[kind];
    const decision = await rateLimiter.hit(bucketOf(kind, key), Math.max(1, Math.floor(policy.limit * factor)), policy.windowSeconds, now);
    if (!decision.allowed && (!refused || decision.retryAfterSeconds > refused.retryAfterSeconds)) refused = decision;
  }
  return refused ?? { allowed: true, retryAfterSeconds: 0 };
}
