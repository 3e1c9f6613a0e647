import { CRITERION_LABELS } from '#domain/scoring.ts';
import type { CriterionName, PersonRef } from '#domain/proposal.ts';
import type { FormField, FormValues } from '../form-mapping.ts';
import { currentSession } from '../viewer.ts';
import { CsrfField, Layout } from './layout.tsx';

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

/**
 * The fields in the order the form shows them, which is the order the error summary lists them in.
 * Keep it in step with the markup below.
 */
const FIELD_ORDER: readonly FormField[] = [
  'title',
  'description',
  'department',
  'amount',
  'currency',
  'startDate',
  'endDate',
  'submitterName',
  'submitterEmail',
  ...(Object.keys(CRITERION_LABELS) as CriterionName[]),
];

/** What a field needs, said before anything is typed rather than only in an error afterwards. */
const HINTS: Partial<Record<FormField, string>> = {
  title: 'At least 3 characters, at most 150.',
  description: 'What the project delivers, why now, and what happens if it is not done. At least 20 characters.',
  department: 'At least 2 characters, such as Operations.',
  amount: 'In the currency you choose: digits, such as 120000 or 120000.50. With thousands separators, also write the decimals: 120.000,00 or 120,000.00.',
  // Browsers with a date picker show the date their own way and send YYYY-MM-DD; the others show a text box.
  startDate: 'Pick it from the calendar, or type it as YYYY-MM-DD (such as 2027-01-04) where the box is plain text.',
  endDate: 'Not before the start date. Pick it from the calendar, or type it as YYYY-MM-DD.',
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

function hintId(field: FormField) {
  return `${field}-hint`;
}

/** The ids of what describes a field: its hint, then its error when it has one. */
function describedBy(field: FormField, errors: Partial<Record<FormField, string>>, hasHint: boolean): string | undefined {
  return [hasHint ? hintId(field) : '', errors[field] ? errorId(field) : ''].filter(Boolean).join(' ') || undefined;
}

function Hint(props: { field: FormField; text: string | undefined }) {
  return props.text ? (
    <p class="hint" id={hintId(props.field)}>
      {props.text}
    </p>
  ) : null;
}

function TextField(props: {
  field: FormField;
  type?: string;
  values: FormValues;
  errors: Partial<Record<FormField, string>>;
  autocomplete?: string;
  extra?: Record<string, string | number | boolean>;
  /** A label other than the field's own (the PMO's "on behalf of"). */
  label?: string;
  optional?: boolean;
}) {
  const { field, values, errors } = props;
  return (
    <div class={`field${errors[field] ? ' has-error' : ''}`}>
      <label for={field}>{props.label ?? LABELS[field]}</label>
      <Hint field={field} text={HINTS[field]} />
      <FieldError field={field} errors={errors} />
      <input
        id={field}
        name={field}
        type={props.type ?? 'text'}
        value={values[field] ?? ''}
        required={!props.optional}
        aria-invalid={errors[field] ? 'true' : undefined}
        aria-describedby={describedBy(field, errors, HINTS[field] !== undefined)}
        autocomplete={props.autocomplete}
        {...props.extra}
      />
    </div>
  );
}

function RatingField(props: { field: CriterionName; values: FormValues; errors: Partial<Record<FormField, string>> }) {
  const { field, values, errors } = props;
  return (
    <fieldset class={`field${errors[field] ? ' has-error' : ''}`} aria-describedby={describedBy(field, errors, true)}>
      <legend>{LABELS[field]}</legend>
      <Hint field={field} text={CRITERIA_HINTS[field]} />
      <FieldError field={field} errors={errors} />
      <div class="ratings">
        {[1, 2, 3, 4, 5].map((rating) => (
          <label>
            {/* The first choice carries the field's id: the error summary links to it. */}
            <input
              type="radio"
              id={rating === 1 ? field : undefined}
              name={field}
              value={String(rating)}
              checked={values[field] === String(rating)}
              required
              aria-invalid={errors[field] ? 'true' : undefined}
            />
            {rating}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * Who submits. Signed in, it is the signed-in person (nobody can make the product email another
 * address), and the PMO may name someone of the directory to submit for; with sign-in off, and on
 * the revise form reached by the submitter's emailed link, the name and email are typed.
 */
function AboutYou(props: { values: FormValues; errors: Partial<Record<FormField, string>>; fixedSubmitter: PersonRef | undefined }) {
  const { values, errors, fixedSubmitter } = props;
  if (fixedSubmitter) {
    // A revision keeps its submitter; the fields only carry them through the form's checks.
    return (
      <p>
        Submitted by <strong>{fixedSubmitter.name}</strong> ({fixedSubmitter.email}).
        <input type="hidden" name="submitterName" value={fixedSubmitter.name} />
        <input type="hidden" name="submitterEmail" value={fixedSubmitter.email} />
      </p>
    );
  }
  const session = currentSession();
  if (!session) {
    return (
      <>
        <TextField field="submitterName" values={values} errors={errors} autocomplete="name" />
        <TextField field="submitterEmail" type="email" values={values} errors={errors} autocomplete="email" />
      </>
    );
  }
  const you = (
    <p>
      You submit as <strong>{session.viewer.name}</strong> ({session.viewer.email}); the decision is emailed to you.
    </p>
  );
  if (!session.viewer.access.has('pmo')) return you;
  return (
    <>
      {you}
      <TextField field="submitterEmail" type="email" values={values} errors={errors} label="On behalf of (email of someone in the directory; leave empty to submit as yourself)" optional />
    </>
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
  /** Who submitted the proposal being revised: shown, not asked. */
  readonly fixedSubmitter?: PersonRef;
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
  const errorFields = FIELD_ORDER.filter((field) => errors[field]);
  return (
    <Layout title={errorFields.length > 0 ? `Error: ${mode.heading}` : mode.heading}>
      <h1>{mode.heading}</h1>
      <p>{mode.introduction}</p>
      {errorFields.length > 0 ? (
        // Focused when the page loads (autofocus: the CSP allows no script), so keyboard and screen
        // reader users start at the list of what to correct.
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
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
        <CsrfField />
        {Object.entries(mode.hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <fieldset>
          <legend>The project</legend>
          <TextField field="title" values={values} errors={errors} extra={{ maxlength: 150 }} />
          <div class={`field${errors.description ? ' has-error' : ''}`}>
            <label for="description">{LABELS.description}</label>
            <Hint field="description" text={HINTS.description} />
            <FieldError field="description" errors={errors} />
            <textarea
              id="description"
              name="description"
              required
              maxlength={5000}
              aria-invalid={errors.description ? 'true' : undefined}
              aria-describedby={describedBy('description', errors, true)}
            >
              {values.description ?? ''}
            </textarea>
          </div>
          <TextField field="department" values={values} errors={errors} autocomplete="organization-title" />
          <div class="row">
            <TextField field="amount" type="text" values={values} errors={errors} extra={{ inputmode: 'decimal' }} />
            <div class={`field${errors.currency ? ' has-error' : ''}`}>
              <label for="currency">{LABELS.currency}</label>
              <FieldError field="currency" errors={errors} />
              <select id="currency" name="currency" aria-invalid={errors.currency ? 'true' : undefined} aria-describedby={describedBy('currency', errors, false)}>
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
          <AboutYou values={values} errors={errors} fixedSubmitter={mode.fixedSubmitter} />
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
