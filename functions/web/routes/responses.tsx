import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
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

/**
 * The answer to a body over the limit. The body is left unread, so the answer ends the connection
 * and says so: the Node server closes a kept-alive socket after such an answer, and a client told
 * `keep-alive` would send its next request into it and lose it.
 */
export function payloadTooLarge(c: Context, maxBytes: number, api: boolean) {
  c.header('Connection', 'close');
  if (api) return c.json({ error: 'PayloadTooLarge', message: `The body exceeds ${maxBytes} bytes` }, 413);
  return c.html(
    <MessagePage title="Too much text" tone="bad">
      <p>The form was larger than {maxBytes / 1024} KB. Please shorten the description and try again.</p>
    </MessagePage>,
    413,
  );
}

/** The answer to a request whose body could not be read at all (a malformed multipart form), with the status Hono gave it. */
export function unreadableRequest(c: Context, status: ContentfulStatusCode, api: boolean) {
  if (api) return c.json({ error: 'BadRequest', message: 'The request body could not be read' }, status);
  return c.html(
    <MessagePage title="The form could not be read" tone="bad">
      <p>Your browser sent the form in a way we could not read. Go back, reload the page and send it again.</p>
    </MessagePage>,
    status,
  );
}
