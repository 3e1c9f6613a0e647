import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { lambdaHandler, type CorrelationKeys } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { createWebApp } from '#web/app.tsx';

/** The web app, built once per execution environment. */
export const app = createWebApp();

const handleRequest = handle(app);

/**
 * The API Gateway request id, which the API's access log also records: it ties a request's access
 * log line to the function's lines for it.
 */
function apiRequestId(event: LambdaEvent): CorrelationKeys | undefined {
  const requestId = (event as { requestContext?: { requestId?: unknown } }).requestContext?.requestId;
  return typeof requestId === 'string' && requestId !== '' ? { correlation_id: requestId } : undefined;
}

/**
 * API Gateway HTTP API (payload v2) entry point. Links in emails need the public base URL; when
 * the stack does not configure one (no custom domain), it is the API's own domain, which only the
 * request can tell: the deploy-time URL would make the function depend on the API that invokes it.
 */
export const handler = lambdaHandler({ correlate: apiRequestId }, async (event: LambdaEvent, context) => {
  const domainName = (event as { requestContext?: { domainName?: string } }).requestContext?.domainName;
  if (!process.env.PUBLIC_BASE_URL && domainName) process.env.PUBLIC_BASE_URL = `https://${domainName}`;
  return handleRequest(event, context);
});
