import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { DelegationInputSchema } from '#domain/delegation.ts';
import { PERSON_CHANGE_FIELDS, PersonChangeSchema, PersonInputSchema, type Person } from '#domain/directory.ts';
import { openDelegation, saveDelegation } from '#services/delegation-service.ts';
import { createPerson, listPeople, readablePerson, updatePerson, type Redirection } from '#services/people-service.ts';
import type { RouteOptions } from '../app.tsx';
import { viewerOf } from '../viewer.ts';
import { checkedFields, jsonBody, jsonMediaType, LinkKeySchema, pathParam, querySchema, validated, validatedFields } from './request-validation.ts';
import { validationProblem } from './responses.tsx';

/** A delegation body: the key of the emailed link, and the period checked by the domain's schema. */
const DelegationBody = checkedFields((received) => LinkKeySchema.parse(received), DelegationInputSchema, (_fields, received) => received);

function forbidden(c: Context) {
  return c.json({ error: 'Forbidden', message: 'The key does not open this person’s delegation (ask for a link at /delegation)' }, 403);
}

/** A person's email from the path, lower-cased; anything that is not an address names nobody, and is not looked up. */
export const PersonEmailParamSchema = z.object({
  email: z
    .email()
    .max(254)
    .transform((email) => email.toLowerCase()),
});

const LIMIT_MESSAGE = 'Use a whole number from 1 to 100';
const PeopleQuerySchema = querySchema({
  limit: z.coerce.number({ error: LIMIT_MESSAGE }).int(LIMIT_MESSAGE).min(1, LIMIT_MESSAGE).max(100, LIMIT_MESSAGE).default(50),
  cursor: z.string().max(2048, 'This is not a cursor from a listing').optional(),
});

const NEW_PERSON_FIELDS = Object.keys(PersonInputSchema.shape).join(', ');

/**
 * A body checked by an object schema that refuses fields it does not know, with each such field
 * reported under its own name (as the other APIs refuse fields they do not take, rather than drop
 * them), and every other issue under its path.
 */
export function knownFieldsOnly<Schema extends z.ZodType>(schema: Schema, unknownField: (name: string) => string) {
  return z.unknown().transform((received, ctx): z.output<Schema> => {
    const parsed = schema.safeParse(received);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      // A field unknown inside a known one (a weekday of a pattern) keeps the schema's own message.
      if (issue.code === 'unrecognized_keys' && issue.path.length === 0) {
        for (const name of issue.keys) ctx.addIssue({ code: 'custom', path: [...issue.path, name], message: unknownField(name) });
      } else if (issue.code === 'unrecognized_keys') {
        for (const name of issue.keys) ctx.addIssue({ code: 'custom', path: [...issue.path, name], message: issue.message });
      } else {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    }
    return z.NEVER;
  });
}

const NewPersonBody = knownFieldsOnly(PersonInputSchema, () => `A person in the directory has no such field; send ${NEW_PERSON_FIELDS}`);
const PersonChangeBody = knownFieldsOnly(PersonChangeSchema, (name) =>
  name === 'email'
    ? 'The email address is who the person is and cannot change; add the new address as a new person'
    : `This field cannot be changed; send ${PERSON_CHANGE_FIELDS.join(', ')}`,
);

function personNotFound(c: Context) {
  return c.json({ error: 'NotFound', message: 'No person in the directory has this email address' }, 404);
}

const notJson = (what: string) => (c: Context) => c.json({ error: 'UnsupportedMediaType', message: `Send ${what} as application/json` }, 415);
const malformed = (c: Context) => c.json({ error: 'MalformedJson', message: 'The body is not a JSON object' }, 400);

/** A changed person as the API answers: the person, and where their approvals went when deactivated. */
function changedPerson(person: Person, redirected: Redirection | undefined) {
  return { ...person, ...(redirected ? { redirectedApprovals: redirected.count, redirectedTo: redirected.to } : {}) };
}

/**
 * The people JSON API: the PMO's directory administration (list, add, read, change), and a
 * person's out-of-office delegate set with the key of the link emailed to them. Mounted at
 * `/api/people`.
 */
export function peopleApi({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/', validated('query', PeopleQuerySchema, validationProblem), async (c) => {
    const listing = await listPeople(c.req.valid('query'));
    if (listing.kind === 'invalid-cursor') return validationProblem(c, [{ path: 'cursor', message: listing.message }]);
    return c.json({ items: listing.items, ...(listing.nextCursor ? { nextCursor: listing.nextCursor } : {}) });
  });

  routes.post('/', jsonMediaType(notJson('the person')), jsonBody(malformed, { objectOnly: true }), validated('json', NewPersonBody, validationProblem), async (c) => {
    const result = await createPerson(c.req.valid('json'));
    switch (result.kind) {
      case 'invalid':
        return validationProblem(c, [result.problem]);
      case 'exists':
        return c.json({ error: 'Conflict', message: 'Someone with this email address is in the directory already; change them with PATCH' }, 409);
      case 'created':
        c.header('Location', `/api/people/${encodeURIComponent(result.person.email)}`);
        return c.json(result.person, 201);
    }
  });

  // Anyone signed in reads themselves; a line manager reads their people; the PMO reads everyone.
  // Anyone else is answered as if the address were not in the directory.
  routes.get('/:email', validated('param', PersonEmailParamSchema, personNotFound), async (c) => {
    const person = await readablePerson(viewerOf(c), c.req.valid('param').email);
    return person ? c.json(person) : personNotFound(c);
  });

  routes.patch(
    '/:email',
    validated('param', PersonEmailParamSchema, personNotFound),
    jsonMediaType(notJson('the change')),
    jsonBody(malformed, { objectOnly: true }),
    validated('json', PersonChangeBody, validationProblem),
    async (c) => {
      const change = c.req.valid('json');
      if (Object.keys(change).length === 0) return validationProblem(c, [{ path: '(body)', message: `Send at least one of ${PERSON_CHANGE_FIELDS.join(', ')}` }]);
      const result = await updatePerson(c.req.valid('param').email, change, now());
      switch (result.kind) {
        case 'not-found':
          return personNotFound(c);
        case 'invalid':
          return validationProblem(c, [result.problem]);
        case 'conflict':
          return c.json({ error: 'Conflict', message: 'Someone else changed this person at the same time; read them again and send the change again' }, 409);
        case 'updated':
          return c.json(changedPerson(result.person, result.redirected));
      }
    },
  );

  // A request without the person's key is refused before its fields are looked at.
  routes.post(
    '/:email/delegation',
    jsonBody((c) => c.json({ error: 'MalformedJson', message: 'Send a JSON object: delegateEmail, from, until and key' }, 400), { objectOnly: true }),
    validatedFields('json', DelegationBody, async (c, issues, { key }) => {
      if (!(await openDelegation(pathParam(c, 'email'), key, now()))) return forbidden(c);
      return validationProblem(c, issues);
    }),
    async (c) => {
      const { fields, input } = c.req.valid('json');
      const person = await openDelegation(c.req.param('email'), fields.key, now());
      if (!person) return forbidden(c);
      const result = await saveDelegation(person, input, now());
      switch (result.kind) {
        case 'invalid':
          return validationProblem(c, [{ path: result.path, message: result.message }]);
        case 'saved':
          return c.json({ ...result.delegation, redirectedApprovals: result.redirected }, 201);
      }
    },
  );

  return routes;
}
