import type { SubjectRef } from '#domain/subject.ts';
import { reviewRepository } from '#adapters/review-repository.ts';

const ATTEMPTS = 40;
const RETRY_MS = 50;

/**
 * Closes a subject's review because its submitter withdraws it, unless a decision already ended
 * the review (`decided`): then the withdrawal loses and says so. A decision being written at this
 * moment is waited for, so exactly one of the two wins. A subject whose review has not started yet
 * (no plan) can always be withdrawn: the review sees the withdrawal when it starts.
 */
export async function claimWithdrawal(subject: SubjectRef, executionName: string): Promise<'withdrawn' | 'decided'> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const claim = await reviewRepository.closeForWithdrawal(subject, executionName, new Date());
    if (claim === 'withdrawn' || claim === 'missing') return 'withdrawn';
    if (claim === 'decided') return 'decided';
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  throw new Error(`The review of ${subject.type} ${subject.id} stayed held; try again`);
}
