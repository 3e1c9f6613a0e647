import { logger } from '#adapters/logger.ts';
import { allRegistrations } from './subject-registry.ts';

/** How long a saved subject may wait for its workflow before the sweep starts it. */
export const START_GRACE_MS = 60 * 1000;

/**
 * The sweep's repair step: for every process, starts the workflow of each subject saved but never
 * started (the request that saved it crashed, timed out or was stopped before StartExecution).
 * One process's trouble does not hold up the others.
 */
export async function repairUnstartedReviews(now: Date): Promise<number> {
  let started = 0;
  const olderThan = new Date(now.getTime() - START_GRACE_MS);
  for (const registration of allRegistrations()) {
    if (!registration.repairUnstarted) continue;
    try {
      started += await registration.repairUnstarted(olderThan);
    } catch (error) {
      logger.error('Repairing unstarted reviews failed', { subjectType: registration.type, error });
    }
  }
  return started;
}
