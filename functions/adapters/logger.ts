import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The functions' shared structured logger. Events are never logged whole: they carry task tokens
 * and link secrets. Handlers log ids and outcomes only.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'pmo-pipeline' });
