import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { isPmo } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';
import { DelegationInputSchema } from '#domain/delegation.ts';
import { openDelegation, requestDelegationAccess, saveDelegation } from '#services/delegation-service.ts';
import { currentDelegation } from '#services/proposal-queries.ts';
import type { RouteOptions } from '../app.tsx';
import type { FieldIssue } from '../form-mapping.ts';
import { InvalidLinkPage } from '../pages/approval-page.tsx';
import { DelegationLinkSentPage, DelegationPage, DelegationRequestPage } from '../pages/delegation-pages.tsx';
import { acceptsAll, checkedFields, formText, OptionalTextSchema, pathParam, querySchema, validated, validatedFields } from './request-validation.ts';
import { noStore } from './responses.tsx';
import { viewerOf } from '../viewer.ts';

/** The request form at /delegation: the address to send a link to. */
const LinkRequestForm = checkedFields(
  (received) => ({ email: formText(received).email }),
  z.email().max(254),
  (fields) => fields.email?.trim().toLowerCase(),
);

const LinkQuerySchema = querySchema({ key: OptionalTextSchema });

/** What the delegation form shows again after a refusal. */
interface DelegationFormValues {
  readonly delegateEmail: string;
  readonly from: string;
  readonly until: string;
}

/** The delegation form: the link's key and the period, cut to lengths no valid value exceeds. */
const DelegationForm = checkedFields(
  (received): { key: string | undefined; values: DelegationFormValues } => {
    const text = formText(received);
    return {
      key: text.key,
      values: {
        delegateEmail: (text.delegateEmail ?? '').slice(0, 254),
        from: (text.from ?? '').slice(0, 20),
        until: (text.until ?? '').slice(0, 20),
      },
    };
  },
  DelegationInputSchema,
  (fields) => fields.values,
);

/** The delegation page with one field's problem (the first found), as a 400. */
function refusedDelegation(c: Context, person: Person, secret: string, values: DelegationFormValues, issue: FieldIssue) {
  return c.html(<DelegationPage email={person.email} name={person.name} secret={secret} values={values} errors={{ [issue.path]: issue.message }} />, 400);
}

/**
 * Out of office: anyone asks for a personal link at `/delegation`, and the page it opens
 * (`/people/:email/delegation`) names a delegate for a period. Mounted at the root.
 */
export function delegationRoutes({ now }: RouteOptions) {
  const routes = new Hono();

  routes.get('/delegation', (c) => {
    const viewer = viewerOf(c);
    return c.html(<DelegationRequestPage {...(viewer.kind === 'person' ? { email: viewer.email } : {})} />);
  });

  routes.post(
    '/delegation',
    validatedFields('form', LinkRequestForm, (c, _issues, { email }) =>
      c.html(<DelegationRequestPage email={email?.slice(0, 254) ?? ''} error="Enter an email address such as name@example.org" />, 400),
    ),
    async (c) => {
      // Signed in, the link goes to the person's own address: nobody has another person emailed.
      // The PMO may send someone theirs.
      const viewer = viewerOf(c);
      const address = viewer.kind === 'person' && !isPmo(viewer) ? viewer.email : c.req.valid('form').input;
      await requestDelegationAccess(address, now());
      return c.html(<DelegationLinkSentPage />);
    },
  );

  routes.get(
    '/people/:email/delegation',
    noStore,
    validated('query', LinkQuerySchema, acceptsAll),
    async (c) => {
      const secret = c.req.valid('query').key;
      const person = await openDelegation(c.req.param('email'), secret, now());
      if (!person) return c.html(<InvalidLinkPage />, 403);
      const current = await currentDelegation(person.email);
      return c.html(<DelegationPage email={person.email} name={person.name} secret={secret!} {...(current ? { current } : {})} />);
    },
  );

  // The page names the person: the key is checked first, whether or not the fields are valid.
  routes.post(
    '/people/:email/delegation',
    noStore,
    validatedFields('form', DelegationForm, async (c, issues, { key, values }) => {
      const person = await openDelegation(pathParam(c, 'email'), key, now());
      if (!person) return c.html(<InvalidLinkPage />, 403);
      return refusedDelegation(c, person, key!, values, issues[0]!);
    }),
    async (c) => {
      const { fields, input } = c.req.valid('form');
      const person = await openDelegation(c.req.param('email'), fields.key, now());
      if (!person) return c.html(<InvalidLinkPage />, 403);
      const result = await saveDelegation(person, input, now());
      if (result.kind === 'invalid') return refusedDelegation(c, person, fields.key!, fields.values, result);
      return c.html(<DelegationPage email={person.email} name={person.name} secret={fields.key!} current={result.delegation} saved={{ redirected: result.redirected }} />);
    },
  );

  return routes;
}
