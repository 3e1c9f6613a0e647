import { subjectLabel } from '#domain/subject.ts';
import { logger } from '#adapters/logger.ts';
import type { RecordOutcomeInput } from '#workflows/contracts.ts';
import { loadSubject } from './subject-registry.ts';

/**
 * Ends a review: hands its outcome to the subject's process, which records it and tells people.
 * A step of an execution that is not the subject's current one changes nothing (a second execution
 * started by hand fails without touching the subject or sending mail).
 */
export async function recordReviewOutcome(input: RecordOutcomeInput, now: Date): Promise<{ status: string }> {
  const { registration, subject } = await loadSubject(input.subject);
  if (subject.currentExecution !== input.executionName) {
    logger.warn('Outcome of a foreign execution ignored', { subject: subjectLabel(input.subject), executionName: input.executionName });
    return { status: 'IGNORED' };
  }
  return registration.onOutcome(subject, input.outcome, input.executionName, now);
}
