import { handle } from 'hono/aws-lambda';
import { createWebApp } from '#web/app.tsx';

/** The web app, built once per execution environment. */
export const app = createWebApp();

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = handle(app);
