import { SFNClient } from '@aws-sdk/client-sfn';

/** Step Functions, for starting workflows and resuming their callback tasks; created once per execution environment. */
export const sfnClient = new SFNClient({});
