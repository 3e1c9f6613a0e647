import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from './observability.ts';

/** Step Functions, for starting workflows and resuming their callback tasks; created once per execution environment, traced on Lambda. */
export const sfnClient = tracer.captureAWSv3Client(new SFNClient({}));
