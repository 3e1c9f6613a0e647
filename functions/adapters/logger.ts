import { Logger } from '@aws-lambda-powertools/logger';

/** The name Powertools stamps on every log line and trace; the stack sets it for every function. */
export const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'pmo-pipeline';

/**
 * The functions' shared structured logger. Events are never logged whole: they carry task tokens
 * and link secrets. Handlers log ids and outcomes only; `lambdaHandler` (observability.ts) adds the
 * invocation and its correlation keys to every line.
 */
export const logger = new Logger({ serviceName });
