/**
 * Error names shared by the state machine definitions and the functions they call. A function
 * throws an `Error` whose `name` is one of these; Step Functions matches Retry and Catch on it.
 */

/** A failure no retry can fix (missing record, no approver in the directory). */
export const PERMANENT_ERROR = 'PermanentError';

/** Sent with SendTaskFailure by the sweeper when an approval passes its deadline. */
export const APPROVAL_EXPIRED_ERROR = 'ApprovalExpired';
