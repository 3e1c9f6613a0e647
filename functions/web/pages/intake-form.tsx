import { CRITERION_LABELS } from '#domain/scoring.ts';
import type { CriterionName } from '#domain/proposal.ts';
import { FORM_FIELDS, type FormField, type FormValues } from '../form-mapping.ts';
import { Layout } from './layout.tsx';

const LABELS: Record<FormField, string> = {
  title: 'Title',
  description: 'Description',
  submitterName: 'Your name',
  submitterEmail: 'Your email',
  department: 'Department',
  amount: 'Estimated cost',
  currency: 'Currency',
  startDate: 'Start date',
  endDate: 'End date',
  strategicAlignment: 'Strategic alignment',
  businessValue: 'Business value',
  risk: 'Risk',
  urgency: 'Urgency',
};

const CRITERIA_HINTS: Record<CriterionName, string> = {
  strategicAlignment: 'How closely the project serves the organisation’s stated goals (5 = directly).',
  businessValue: 'The benefit once delivered: revenue, savings, compliance, customer value (5 = very high).',
  risk: 'Delivery risk: complexity, unknowns, dependencies (5 = very risky; counts against the score).',
  urgency: 'Cost of waiting (5 = must start now).',
};

function errorId(field: FormField) {
  return `${field}-error`;
}

function FieldError(props: { field: FormField; errors: Partial<Record<FormField, string>> }) {
  const message = props.errors[props.field];
  return message ? (
    <p class="error-text" id={errorId(props.field)}>
      <span class="visually-hidden">Error: </span>
      {message}
    </p>
  ) : null;
}

function TextField(props: {
  field: FormField;
  type?: string;
  hint?: string;
  values: FormValues;
  errors: Partial<Record<FormField, string>>;
  autocomplete?: string;
  extra?: Record<string, string | number | boolean>;
}) {
  const { field, values, errors } = props;
  const describedBy = [props.hint ? `${field}-hint` : '', errors[field] ? errorId(field) : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${errors[field] ? ' has-error' : ''}`}>
      <label for={field}>{LABELS[field]}</label>
      {props.hint ? (
        <p class="hint" id={`${field}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError field={field} errors={errors} />
      <input
        id={field}
        name={field}
        type={props.type ?? 'text'}
        value={values[field] ?? ''}
        required
        aria-invalid={errors[field] ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
        autocomplete={props.autocomplete}
        {...props.extra}
      />
    </div>
  );
}

function RatingField(props: { field: CriterionName; values: FormValues; errors: Partial<Record<FormField, string>> }) {
  const { field, values, errors } = props;
  return (
    <fieldset class={`field${errors[field] ? ' has-error' : ''}`} aria-describedby={`${field}-hint`}>
      <legend>{LABELS[field]}</legend>
      <p class="hint" id={`${field}-hint`}>
        {CRITERIA_HINTS[field]}
      </p>
      <FieldError field={field} errors={errors} />
      <div class="ratings">
        {[1, 2, 3, 4, 5].map((rating) => (
          <label>
            <input type="radio" name={field} value={String(rating)} checked={values[field] === String(rating)} required />
            {rating}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** What differs between the intake form and the revise form. */
export interface ProposalFormMode {
  readonly heading: string;
  readonly introduction: string;
  readonly action: string;
  readonly submitLabel: string;
  /** Hidden fields: the idempotency key of a new submission, or the key of a revise link. */
  readonly hidden: Record<string, string>;
}

/** The intake form as a new proposal gets it. */
export function newProposalMode(idempotencyKey: string): ProposalFormMode {
  return {
    heading: 'Submit a project proposal',
    introduction:
      'The PMO scores every proposal against the same weighted criteria and routes it to its approvers by amount. You will get an email with the decision.',
    action: '/proposals',
    submitLabel: 'Submit proposal',
    hidden: { idempotencyKey },
  };
}

/**
 * The proposal form, for a new proposal or a revision; on a failed submission it shows the errors
 * next to the fields and keeps the values.
 */
export function IntakeFormPage(props: {
  values: FormValues;
  errors: Partial<Record<FormField, string>>;
  mode: ProposalFormMode;
  currencies: readonly string[];
}) {
  const { values, errors, mode } = props;
  const errorFields = (Object.keys(FORM_FIELDS) as FormField[]).filter((field) => errors[field]);
  return (
    <Layout title={errorFields.length > 0 ? `Error: ${mode.heading}` : mode.heading}>
      <h1>{mode.heading}</h1>
      <p>{mode.introduction}</p>
      {errorFields.length > 0 ? (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
          <h2 id="error-summary-title">Please correct {errorFields.length === 1 ? 'this field' : `these ${errorFields.length} fields`}</h2>
          <ul>
            {errorFields.map((field) => (
              <li>
                <a href={`#${field}`}>
                  {LABELS[field]}: {errors[field]}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action={mode.action} novalidate>
        {Object.entries(mode.hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <fieldset>
          <legend>The project</legend>
          <TextField field="title" values={values} errors={errors} extra={{ maxlength: 150 }} />
          <div class={`field${errors.description ? ' has-error' : ''}`}>
            <label for="description">{LABELS.description}</label>
            <p class="hint" id="description-hint">
              What the project delivers, why now, and what happens if it is not done.
            </p>
            <FieldError field="description" errors={errors} />
            <textarea
              id="description"
              name="description"
              required
              maxlength={5000}
              aria-invalid={errors.description ? 'true' : undefined}
              aria-describedby={['description-hint', errors.description ? errorId('description') : ''].filter(Boolean).join(' ')}
            >
              {values.description ?? ''}
            </textarea>
          </div>
          <TextField field="department" values={values} errors={errors} autocomplete="organization-title" />
          <div class="row">
            <TextField field="amount" type="text" hint="In the currency you choose, e.g. 120000" values={values} errors={errors} extra={{ inputmode: 'decimal' }} />
            <div class={`field${errors.currency ? ' has-error' : ''}`}>
              <label for="currency">{LABELS.currency}</label>
              <FieldError field="currency" errors={errors} />
              <select id="currency" name="currency" aria-invalid={errors.currency ? 'true' : undefined}>
                {props.currencies.map((code) => (
                  <option value={code} selected={(values.currency ?? 'EUR') === code}>
                    {code}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div class="row">
            <TextField field="startDate" type="date" values={values} errors={errors} />
            <TextField field="endDate" type="date" values={values} errors={errors} />
          </div>
        </fieldset>
        <fieldset>
          <legend>About you</legend>
          <TextField field="submitterName" values={values} errors={errors} autocomplete="name" />
          <TextField field="submitterEmail" type="email" values={values} errors={errors} autocomplete="email" />
        </fieldset>
        <fieldset>
          <legend>Assessment (1 = low, 5 = high)</legend>
          {(Object.keys(CRITERION_LABELS) as CriterionName[]).map((criterion) => (
            <RatingField field={criterion} values={values} errors={errors} />
          ))}
        </fieldset>
        <div class="actions">
          <button type="submit">{mode.submitLabel}</button>
        </div>
      </form>
    </Layout>
  );
}
