import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { APPROVAL_EXPIRED_ERROR, PERMANENT_ERROR } from './workflow-errors.ts';

/**
 * Transient failures are retried with backoff. Errors named {@link PERMANENT_ERROR} (bad data,
 * missing directory entries, a foreign execution) and {@link APPROVAL_EXPIRED_ERROR} (an answer,
 * not a fault) are not: a retry cannot change them, and they must reach their Catch at once.
 */
export function withRetries<T extends sfn.TaskStateBase>(task: T): T {
  task.addRetry({ errors: [PERMANENT_ERROR, APPROVAL_EXPIRED_ERROR], maxAttempts: 0 });
  task.addRetry({
    errors: [sfn.Errors.TASKS_FAILED],
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 3,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}
