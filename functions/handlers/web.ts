import { handle } from 'hono/aws-lambda';
import { createWebApp } from '#web/app.tsx';

/** The web app, built once per execution environment. */
export const app = createWebApp();

const handleRequest = handle(app);

/**
 * API Gateway HTTP API (payload v2) entry point. Links in emails need the public base URL; when
 * the stack does not configure one (no custom domain), it is the API's own domain, which only the
 * request can tell: the deploy-time URL would make the function depend on the API that invokes it.
 */
export async function handler(...[event, context]: Parameters<typeof handleRequest>) {
  const domainName = (event as { requestContext?: { domainName?: string } }).requestContext?.domainName;
  if (!process.env.PUBLIC_BASE_URL && domainName) process.env.PUBLIC_BASE_URL = `https://${domainName}`;
  return handleRequest(event, context);
}
