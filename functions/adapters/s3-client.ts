import { S3Client } from '@aws-sdk/client-s3';
import { environment } from './environment.ts';
import { tracer } from './observability.ts';

/** S3, for the files bucket; created once per execution environment, traced on Lambda. */
export const s3Client = tracer.captureAWSv3Client(new S3Client({ forcePathStyle: environment.s3ForcePathStyle }));
