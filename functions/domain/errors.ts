import { PERMANENT_ERROR } from '#workflows/workflow-errors.ts';

/**
 * A failure that retrying cannot fix: a missing record, an impossible transition, a directory
 * without the approver a policy names. Its `name` tells the state machine not to retry.
 */
export class PermanentError extends Error {
  override readonly name = PERMANENT_ERROR;
}
