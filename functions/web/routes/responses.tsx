import type { Context, MiddlewareHandler } from 'hono';
import type { FieldIssue } from '../form-mapping.ts';
import { MessagePage } from '../pages/layout.tsx';

/** The API's answer to invalid fields: 400 with every issue's path and message. */
export function validationProblem(c: Context, issues: readonly FieldIssue[]) {
  return c.json({ error: 'ValidationError', message: 'The request has invalid fields', issues }, 400);
}

/** The API's answer for a proposal id that names no proposal. */
export function proposalNotFound(c: Context) {
  return c.json({ error: 'NotFound', message: 'No proposal has this id' }, 404);
}

/** The page for an address with nothing at it. */
export function notFoundPage(c: Context) {
  return c.html(
    <MessagePage title="Page not found" tone="bad">
      <p>There is nothing at this address. Check the link, or start from the home page.</p>
    </MessagePage>,
    404,
  );
}

/**
 * Keeps a page opened by an emailed link out of every cache: its URL or form carries the link's
 * secret. Set before anything else runs, so that every answer of the route has it, errors too.
 */
export const noStore: MiddlewareHandler = async (c, next) => {
  c.header('Cache-Control', 'no-store');
  await next();
};
