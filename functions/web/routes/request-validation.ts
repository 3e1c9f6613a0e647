import { zValidator, type Hook } from '@hono/zod-validator';
import type { Context, Env, MiddlewareHandler, ValidationTargets } from 'hono';
import * as z from 'zod';
import { toFieldIssues, type FieldIssue } from '../form-mapping.ts';

/**
 * How a route answers a request part that fails its schema: with the issues as the API reports
 * them (`{path, message}`), and what was received, so a page can show the form again.
 */
export type InvalidRequestAnswer<E extends Env = Env, P extends string = string> = (
  c: Context<E, P>,
  issues: FieldIssue[],
  received: unknown,
) => Response | Promise<Response>;

/**
 * Validates one part of a request (`json`, `form`, `query`, `param`, `header`) with a zod schema
 * before the handler runs, which then reads the parsed value with `c.req.valid(target)`. Every
 * validator of the web app goes through here, so a failure is mapped to issues in one way; what
 * to answer is the route's: a 400 problem from the API, the form again from a page.
 */
export function validated<Target extends keyof ValidationTargets, Schema extends z.ZodType, E extends Env = Env, P extends string = string>(
  target: Target,
  schema: Schema,
  // The route's path types the handlers after this one; the answer must not widen it.
  answer: InvalidRequestAnswer<NoInfer<E>, NoInfer<P>>,
) {
  return zValidator<Schema, Target, E, P, Hook<z.infer<Schema>, E, P, Target, Record<never, never>, Schema>>(target, schema, (result, c) =>
    result.success ? undefined : answer(c, toFieldIssues(result.error), result.data),
  );
}

/**
 * The answer of a validator whose schema accepts every value: it is there to read and type a
 * request part (a link's key, an optional flag), never to refuse one, so getting here is a bug.
 */
export const acceptsAll: InvalidRequestAnswer = () => {
  throw new Error('A request part failed a schema that accepts every value');
};

/**
 * A request part read into the fields a route needs and then checked by a schema. The fields
 * travel with the checked input: a page shows what was typed again, and a link's `key` is needed
 * whether or not the rest is valid.
 */
export interface CheckedFields<Fields, Input> {
  /** Reads the fields from what the request part holds, whatever that is. */
  readonly read: (received: unknown) => Fields;
  readonly schema: z.ZodType<{ readonly fields: Fields; readonly input: Input }>;
}

/**
 * Builds a {@link CheckedFields}: `read` picks the fields, `toInput` makes the schema's input of
 * them (by default the fields themselves), and the schema's issues keep their own paths.
 */
export function checkedFields<Fields, Schema extends z.ZodType>(
  read: (received: unknown) => Fields,
  schema: Schema,
  toInput: (fields: Fields, received: unknown) => unknown = (fields) => fields,
): CheckedFields<Fields, z.output<Schema>> {
  return {
    read,
    schema: z.unknown().transform((received, ctx) => {
      const fields = read(received);
      const parsed = schema.safeParse(toInput(fields, received));
      if (parsed.success) return { fields, input: parsed.data as z.output<Schema> };
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      return z.NEVER;
    }),
  };
}

/**
 * A parameter of the route's path, in an answer to an invalid request: the answer's context is
 * not typed by the route's path (the handler's is), but the router only runs it on that path.
 */
export function pathParam(c: Context, name: string): string {
  const value = c.req.param(name);
  if (value === undefined) throw new Error(`The route has no path parameter ${name}`);
  return value;
}

/** {@link validated} for {@link CheckedFields}: a failure is answered with the fields that were read. */
export function validatedFields<Target extends keyof ValidationTargets, Fields, Input, E extends Env = Env, P extends string = string>(
  target: Target,
  checked: CheckedFields<Fields, Input>,
  answer: (c: Context<NoInfer<E>, NoInfer<P>>, issues: FieldIssue[], fields: Fields) => Response | Promise<Response>,
) {
  return validated<Target, CheckedFields<Fields, Input>['schema'], E, P>(target, checked.schema, (c, issues, received) => answer(c, issues, checked.read(received)));
}

/**
 * One text value per name. Hono's validators give a repeated form field or query parameter as an
 * array; the app has always read a form's last value (as `parseBody` does) and a query's first
 * (as `c.req.query()` does). A file is not text and is left out.
 */
function singleValues(received: unknown, which: 'first' | 'last'): Record<string, string> {
  const values: Record<string, string> = Object.create(null);
  if (typeof received !== 'object' || received === null) return values;
  for (const [name, value] of Object.entries(received)) {
    const one: unknown = Array.isArray(value) ? (which === 'first' ? value[0] : value.at(-1)) : value;
    if (typeof one === 'string') values[name] = one;
  }
  return values;
}

/** The text fields of a form body, the last value of a repeated one. */
export function formText(received: unknown): Record<string, string> {
  return singleValues(received, 'last');
}

/** A form's schema: each field's text (the last value of a repeated one) is checked. */
export function formSchema<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess(formText, schema);
}

/** A query string's schema: each parameter's first value is checked. */
export function querySchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess((received) => singleValues(received, 'first'), z.object(shape));
}

/** A text field that may be missing; any other value counts as missing (the route decides what that means). */
export const OptionalTextSchema = z.string().optional().catch(undefined);

/** The `key` of an emailed link, in a form or a JSON object: read, never refused. */
export const LinkKeySchema = z.object({ key: OptionalTextSchema }).catch({ key: undefined });

const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

function declaresJson(c: Context): boolean {
  return JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '');
}

/** Answers `refuse` to a request whose body is not declared as `application/json`, before anything reads it. */
export function jsonMediaType(refuse: (c: Context) => Response): MiddlewareHandler {
  return async (c, next) => {
    if (!declaresJson(c)) return refuse(c);
    await next();
  };
}

/**
 * Reads a JSON body, answering `refuse` when it is not declared as JSON or does not parse (or,
 * with `objectOnly`, is not an object). Hono's own JSON validator would answer a malformed body
 * with an exception, and validate a body of another type as `{}`; the validators after this one
 * read the body it parsed.
 */
export function jsonBody(refuse: (c: Context) => Response, options: { readonly objectOnly: boolean }): MiddlewareHandler {
  return async (c, next) => {
    if (!declaresJson(c)) return refuse(c);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return refuse(c);
    }
    if (options.objectOnly && (typeof body !== 'object' || body === null || Array.isArray(body))) return refuse(c);
    await next();
  };
}
