import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { Viewer } from '#domain/access.ts';
import { ProposalInputSchema, ProposalStatusSchema, type ProposalInput } from '#domain/proposal.ts';
import { PROPOSAL_SCOPES } from '#services/proposal-queries.ts';
import { formToInput, readForm, type FormValues } from '../form-mapping.ts';
import { checkedFields, formText, querySchema, type CheckedFields } from './request-validation.ts';

// The parts of proposal requests that more than one area of the app validates.

/** A proposal id from a path: anything that is not one names no proposal, and is not looked up. */
export const ProposalIdParamSchema = z.object({ id: z.uuid() });

/** A client's key for retrying a submission safely (header of the API, hidden field of the form). */
export const IdempotencyKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'Use 8 to 128 letters, digits or _ . : -');

/** The query of a proposal listing, in the API and on the list page. */
export const ListQuerySchema = querySchema({
  scope: z.enum(PROPOSAL_SCOPES).optional(),
  status: ProposalStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(2048).optional(),
});

/**
 * A proposal the PMO can route: the schema, then what only the approval policy knows (the
 * currencies it can convert to compare with its thresholds), checked once the rest is valid.
 */
export function acceptedProposalSchema(currencies: readonly string[]): z.ZodType<ProposalInput> {
  return ProposalInputSchema.pipe(
    z.custom<ProposalInput>().superRefine((input, ctx) => {
      if (!currencies.includes(input.estimatedCost.currency)) {
        ctx.addIssue({ code: 'custom', path: ['estimatedCost', 'currency'], message: `Use one of the currencies the PMO accepts: ${currencies.join(', ')}` });
      }
    }),
  );
}

/** The proposal form (new or revised), what was typed and the link key of a revise form. */
export interface ProposalFormFields {
  readonly values: FormValues;
  readonly key: string | undefined;
}

/** The proposal form, checked as the API checks a proposal. */
export function proposalForm(currencies: readonly string[]): CheckedFields<ProposalFormFields, ProposalInput> {
  return checkedFields(
    (received) => {
      const text = formText(received);
      return { values: readForm(text), key: text.key };
    },
    acceptedProposalSchema(currencies),
    (fields) => formToInput(fields.values),
  );
}

/** The part of an idempotency key that keeps each signed-in person's keys apart (none with sign-in off). */
export function keySpaceOf(viewer: Viewer): string {
  return viewer.kind === 'person' ? `${viewer.email}:` : '';
}

/** The idempotency key a new-proposal form carries, or a fresh one when it carries none that is valid. */
export function formIdempotencyKey(values: FormValues): string {
  return IdempotencyKeySchema.catch(() => randomUUID()).parse(values.idempotencyKey);
}
