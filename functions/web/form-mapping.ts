import type { z } from 'zod';
import { parseMoneyInput } from '#domain/money-input.ts';

/** A validation problem as the API reports it: where, and what to do about it. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** Flattens zod issues to `{path, message}` with dotted paths (`submitter.email`). */
export function toFieldIssues(error: Pick<z.core.$ZodError, 'issues'>): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.path.length > 0 ? issue.message : 'The body must be a JSON object with the proposal fields',
  }));
}

/** The intake form's flat field names and the input paths they fill. */
export const FORM_FIELDS = {
  title: 'title',
  description: 'description',
  submitterName: 'submitter.name',
  submitterEmail: 'submitter.email',
  department: 'department',
  amount: 'estimatedCost.amount',
  currency: 'estimatedCost.currency',
  startDate: 'startDate',
  endDate: 'endDate',
  strategicAlignment: 'criteria.strategicAlignment',
  businessValue: 'criteria.businessValue',
  risk: 'criteria.risk',
  urgency: 'criteria.urgency',
} as const;
export type FormField = keyof typeof FORM_FIELDS;

/** What the person typed, kept as text so the form can show it again unchanged. */
export type FormValues = Partial<Record<FormField | 'idempotencyKey', string>>;

function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const normalised = value.trim().replace(/[,\s]/g, '');
  const parsed = Number(normalised);
  return Number.isFinite(parsed) ? parsed : value;
}

/**
 * The typed amount as a number, read in the chosen currency without guessing (`120.000,00` EUR is
 * 120000; `120.000` is refused). A refused one stays text, so the schema refuses it too, and
 * {@link issuesByField} gives the reader's message in place of the schema's.
 */
function amountOrText(values: FormValues): number | string | undefined {
  if (values.amount === undefined || values.amount.trim() === '') return undefined;
  const read = parseMoneyInput(values.amount, values.currency ?? '');
  return read.ok ? read.amount : values.amount;
}

/** Builds the API's input shape from the form; types are checked by the same schema as the API. */
export function formToInput(values: FormValues): unknown {
  return {
    title: values.title ?? '',
    description: values.description ?? '',
    submitter: { name: values.submitterName ?? '', email: values.submitterEmail ?? '' },
    department: values.department ?? '',
    estimatedCost: { amount: amountOrText(values), currency: values.currency ?? '' },
    startDate: values.startDate ?? '',
    endDate: values.endDate ?? '',
    criteria: {
      strategicAlignment: numberOrText(values.strategicAlignment),
      businessValue: numberOrText(values.businessValue),
      risk: numberOrText(values.risk),
      urgency: numberOrText(values.urgency),
    },
  };
}

const FIELD_BY_PATH = new Map<string, FormField>(
  Object.entries(FORM_FIELDS).map(([field, path]) => [path, field as FormField]),
);

/**
 * Maps API issues to the form's fields (first message per field wins). Given what was typed, an
 * amount the form could not read gets the message that says how to write it, rather than the
 * schema's "not a number".
 */
export function issuesByField(issues: readonly FieldIssue[], values?: FormValues): Partial<Record<FormField, string>> {
  const byField: Partial<Record<FormField, string>> = {};
  for (const issue of issues) {
    const field = FIELD_BY_PATH.get(issue.path);
    if (field && !byField[field]) byField[field] = issue.message;
  }
  const amount = values?.amount?.trim() ? parseMoneyInput(values.amount, values.currency ?? '') : undefined;
  if (amount && !amount.ok) byField.amount = amount.message;
  return byField;
}

/** Reads the known fields of a form body, ignoring anything else and repeated values. */
export function readForm(body: Record<string, string | File | (string | File)[]>): FormValues {
  const values: FormValues = {};
  for (const field of [...Object.keys(FORM_FIELDS), 'idempotencyKey'] as (FormField | 'idempotencyKey')[]) {
    const raw = body[field];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string') values[field] = value.slice(0, 10_000);
  }
  return values;
}
