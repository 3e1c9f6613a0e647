import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { CSRF_FIELD, currentSession, signInIsOff } from '../viewer.ts';

/**
 * The hidden field that proves a form was sent from a page of the reader's own session; nothing
 * when no one is signed in (emailed-link pages carry their link's key instead).
 */
export function CsrfField() {
  const session = currentSession();
  return session ? <input type="hidden" name={CSRF_FIELD} value={session.csrfToken} /> : null;
}

/** Who is signed in, and the way out; with sign-in off, a warning that everything is open. */
function SignedIn() {
  const session = currentSession();
  if (session) {
    return (
      <form class="signed-in" method="post" action="/auth/logout">
        <span>{session.viewer.name}</span>
        <CsrfField />
        <button type="submit" class="link">
          Sign out
        </button>
      </form>
    );
  }
  return signInIsOff() ? <span class="signed-in">Sign-in is off</span> : null;
}

/**
 * The frame of every page: the doctype (without it browsers render in quirks mode), accessible
 * landmarks, the stylesheet, no scripts.
 */
export function Layout(props: { title: string; children: Child; /** Room for a wide table (the portfolio list). */ wide?: boolean }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · PMO Pipeline`}</title>
          <link rel="stylesheet" href="/assets/styles.css" />
        </head>
        <body>
          <header class="site">
            <a class="brand" href="/">
              PMO Pipeline
            </a>
            <nav aria-label="Main">
              <a href="/proposals/new">Submit a proposal</a> · <a href="/proposals">Proposals</a> · <a href="/portfolio">Portfolio</a> · <a href="/projects">Projects</a> · <a href="/timesheets">Timesheets</a> · <a href="/approvals">Approvals</a> · <a href="/leave">Leave</a> · <a href="/delegation">Out of office</a>
              {currentSession()?.viewer.access.has('pmo') || currentSession()?.viewer.access.has('finance') || signInIsOff() ? (
                <>
                  {' '}
                  · <a href="/invoices">Invoices</a>
                </>
              ) : null}
              {currentSession()?.viewer.access.has('pmo') || signInIsOff() ? (
                <>
                  {' '}
                  · <a href="/people">People</a> · <a href="/reports">Reports</a>
                </>
              ) : null}
            </nav>
            <SignedIn />
          </header>
          <main id="main" class={props.wide ? 'wide' : undefined}>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** A page that only says something: errors, confirmations, dead links. */
export function MessagePage(props: { title: string; tone?: 'ok' | 'bad' | 'info'; children: Child }) {
  return (
    <Layout title={props.title}>
      <h1>{props.title}</h1>
      <div class={`notice ${props.tone ?? 'info'}`} role={props.tone === 'bad' ? 'alert' : 'status'}>
        {props.children}
      </div>
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </Layout>
  );
}
