import { Hono, type Context } from 'hono';
import { DelegationInputSchema } from '#domain/delegation.ts';
import { openDelegation, saveDelegation } from '#services/delegation-service.ts';
import type { RouteOptions } from '../app.tsx';
import { checkedFields, jsonBody, LinkKeySchema, pathParam, validatedFields } from './request-validation.ts';
import { validationProblem } from './responses.tsx';

/** A delegation body: the key of the emailed link, and the period checked by the domain's schema. */
const DelegationBody = checkedFields((received) => LinkKeySchema.parse(received), DelegationInputSchema, (_fields, received) => received);

function forbidden(c: Context) {
  return c.json({ error: 'Forbidden', message: 'The key does not open this person’s delegation (ask for a link at /delegation)' }, 403);
}

/**
 * The people JSON API: a person sets their out-of-office delegate with the key of the link
 * emailed to them. Mounted at `/api/people`.
 */
export function peopleApi({ now }: RouteOptions) {
  const routes = new Hono();

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
