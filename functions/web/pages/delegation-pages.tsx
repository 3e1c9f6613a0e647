import type { Delegation } from '#domain/delegation.ts';
import { formatDate } from '#domain/format.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';

/** The last whole day of a delegation period (its end is the first instant after it). */
function lastDayOf(delegation: Delegation): string {
  return new Date(Date.parse(delegation.endsAt) - 1).toISOString().slice(0, 10);
}

/** Asks for the email address to send the personal delegation link to. */
export function DelegationRequestPage(props: { email?: string; error?: string }) {
  return (
    <Layout title={`${props.error ? 'Error: ' : ''}Out of office`}>
      <h1>Out of office</h1>
      <p>
        Going away? Name someone to decide on PMO approvals for you. Enter your work email address and we will send you a personal link to set
        your out-of-office period.
      </p>
      <form method="post" action="/delegation" novalidate>
        <CsrfField />
        <div class={`field${props.error ? ' has-error' : ''}`}>
          <label for="email">Your email</label>
          {props.error ? (
            <p class="error-text" id="email-error">
              <span class="visually-hidden">Error: </span>
              {props.error}
            </p>
          ) : null}
          <input id="email" name="email" type="email" autocomplete="email" required value={props.email ?? ''} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? 'email-error' : undefined} />
        </div>
        <div class="actions">
          <button type="submit">Email me the link</button>
        </div>
      </form>
    </Layout>
  );
}

/** Says the link is on its way, whether or not the address is in the directory. */
export function DelegationLinkSentPage() {
  return (
    <MessagePage title="Check your inbox" tone="ok">
      <p>If the address is in the PMO directory, a personal link to set your out-of-office delegate is on its way. It works for 24 hours.</p>
    </MessagePage>
  );
}

/** A person's delegation form (opened by the emailed link), with the current delegation if any. */
export function DelegationPage(props: {
  email: string;
  name: string;
  secret: string;
  current?: Delegation;
  values?: { delegateEmail?: string; from?: string; until?: string };
  errors?: Partial<Record<'delegateEmail' | 'from' | 'until', string>>;
  saved?: { redirected: number };
}) {
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const field = (name: 'delegateEmail' | 'from' | 'until', label: string, type: string) => (
    <div class={`field${errors[name] ? ' has-error' : ''}`}>
      <label for={name}>{label}</label>
      {errors[name] ? (
        <p class="error-text" id={`${name}-error`}>
          <span class="visually-hidden">Error: </span>
          {errors[name]}
        </p>
      ) : null}
      <input id={name} name={name} type={type} required value={values[name] ?? ''} aria-invalid={errors[name] ? 'true' : undefined} aria-describedby={errors[name] ? `${name}-error` : undefined} />
    </div>
  );
  return (
    <Layout title={`${Object.keys(errors).length > 0 ? 'Error: ' : ''}Out of office: ${props.name}`}>
      <h1>Out of office: {props.name}</h1>
      {props.saved ? (
        <div class="notice ok" role="status">
          Saved. {props.saved.redirected > 0 ? `${props.saved.redirected} pending approval(s) were passed to your delegate.` : ''}
        </div>
      ) : null}
      {props.current ? (
        <p>
          {props.current.delegate.name} decides for you from {formatDate(props.current.startsAt.slice(0, 10))} to {formatDate(lastDayOf(props.current))}{' '}
          (inclusive). A new period replaces it.
        </p>
      ) : (
        <p>No out-of-office period is set.</p>
      )}
      <form method="post" action={`/people/${encodeURIComponent(props.email)}/delegation`} novalidate>
        <input type="hidden" name="key" value={props.secret} />
        {field('delegateEmail', 'Delegate’s email', 'email')}
        <div class="row">
          {field('from', 'First day away', 'date')}
          {field('until', 'Last day away', 'date')}
        </div>
        <p class="hint">From the first day, new approvals go to your delegate, and those waiting for you are passed on.</p>
        <div class="actions">
          <button type="submit">Save out-of-office period</button>
        </div>
      </form>
    </Layout>
  );
}
