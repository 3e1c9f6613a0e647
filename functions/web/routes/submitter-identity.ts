import type { Context, MiddlewareHandler } from 'hono';
import { submitterIdentity } from '#services/submitter-identity.ts';
import type { FieldIssue } from '../form-mapping.ts';
import { viewerOf } from '../viewer.ts';

/** How a route answers a submission it cannot make as the named person. */
export interface SubmitterRefusals {
  readonly notOnBehalf: (c: Context) => Response | Promise<Response>;
  readonly invalid: (c: Context, issues: FieldIssue[]) => Response | Promise<Response>;
}

const ON_BEHALF_MESSAGE = 'Not an active person in the PMO’s directory: the PMO can submit on behalf of people in the directory only';

/**
 * Puts the submitter into the body before it is validated: the signed-in person, or the person
 * the PMO submits for. Runs after the body was parsed and before the schema, which then checks
 * one submitter whatever the runtime; the validators after it read the body as changed here.
 */
export function submitterFromViewer(target: 'json' | 'form', refuse: SubmitterRefusals): MiddlewareHandler {
  return async (c, next) => {
    // With sign-in off the body names the submitter, as before sign-in existed.
    if (viewerOf(c).kind === 'open') return next();
    if (target === 'json') {
      const parsed: unknown = await c.req.json();
      // Not an object: the schema after this says what is wrong with it.
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return next();
      const body = parsed as Record<string, unknown>;
      const named = body.submitter as { email?: unknown } | undefined;
      const identity = await submitterIdentity(viewerOf(c), typeof named?.email === 'string' ? named.email : undefined);
      if (identity.kind === 'not-on-behalf') return refuse.notOnBehalf(c);
      if (identity.kind === 'unknown-person') return refuse.invalid(c, [{ path: 'submitter.email', message: ON_BEHALF_MESSAGE }]);
      if (identity.kind === 'as') {
        body.submitter = identity.submitter;
        // Hono parses a JSON body afresh from its cached text at each read, so the validator reads
        // this one. The cache holds promises at run time, which its type does not say.
        c.req.bodyCache = { text: Promise.resolve(JSON.stringify(body)) } as unknown as typeof c.req.bodyCache;
      }
    } else {
      // Not a form: the validator after this one says so.
      if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(c.req.header('content-type') ?? '')) return next();
      const form = await c.req.formData().catch(() => undefined);
      if (!form) return next();
      const named = form.get('submitterEmail');
      const identity = await submitterIdentity(viewerOf(c), typeof named === 'string' ? named : undefined);
      if (identity.kind === 'not-on-behalf') return refuse.notOnBehalf(c);
      if (identity.kind === 'unknown-person') return refuse.invalid(c, [{ path: 'submitter.email', message: ON_BEHALF_MESSAGE }]);
      if (identity.kind === 'as') {
        form.set('submitterName', identity.submitter.name);
        form.set('submitterEmail', identity.submitter.email);
      }
    }
    await next();
  };
}
