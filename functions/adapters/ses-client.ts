import { SESv2Client } from '@aws-sdk/client-sesv2';
import { tracer } from './observability.ts';

/** SES v2, for every email the product sends; created once per execution environment, traced on Lambda. */
export const sesClient = tracer.captureAWSv3Client(new SESv2Client({}));
