import { randomUUID } from 'node:crypto';
import type { SubjectRef } from '#domain/subject.ts';
import { reviewRepository } from '#adapters/review-repository.ts';

const ATTEMPTS = 40;
const RETRY_MS = 50;
const LEASE_MS = 10_000;

/**
 * Withdraws a subject under its review's hold, so that exactly one of a withdrawal and a decision
 * that ends the review wins. `write` records the withdrawal on the subject; the review is closed as
 * withdrawn only after it succeeded, so a crash in between leaves an open review (and a lease that runs out).
 */
export async function withdrawUnderHold(subject: SubjectRef, executionName: string, write: () => Promise<boolean>): Promise<'withdrawn' | 'decided' | 'lost'> {
  const holder = `withdrawal#${randomUUID()}`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const hold = await reviewRepository.hold(subject, executionName, holder, new Date(), LEASE_MS);
    if (typeof hold === 'object') {
      if (hold.closed === 'decided') return 'decided';
      return (await write()) ? 'withdrawn' : 'lost';
    }
    if (hold === 'missing') return (await write()) ? 'withdrawn' : 'lost';
    if (hold === 'held') {
      let written = false;
      try {
        written = await write();
        return written ? 'withdrawn' : 'lost';
      } finally {
        await reviewRepository.release(subject, executionName, holder, written ? 'withdrawn' : undefined);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  throw new Error(`The review of ${subject.type} ${subject.id} stayed held; try again`);
}
