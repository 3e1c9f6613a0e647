import { createHash } from 'node:crypto';
import type { Person } from '#domain/directory.ts';

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

// One stylesheet, inline, allowed by its hash: the pages load nothing from anywhere.
const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f4}
main{max-width:36rem;margin:1.5rem auto;padding:0 1rem}
.dev{background:#7a1f00;color:#fff;padding:.9rem 1rem;font-size:1.05rem;border-bottom:.4rem solid #ffb000}
.dev strong{display:block;font-size:1.25rem;letter-spacing:.02em}
h1{font-size:1.5rem}
.error{background:#fde7e4;border-left:.3rem solid #b3261e;padding:.6rem .8rem}
ul{list-style:none;padding:0}
li{margin:.4rem 0}
button{font:inherit;cursor:pointer;border:1px solid #555;border-radius:.3rem;background:#fff;padding:.5rem .8rem}
.person{width:100%;text-align:left;display:flex;flex-wrap:wrap;gap:.2rem 1rem}
.person .name{font-weight:600;min-width:10rem}
.person .roles{color:#555}
label{display:block;margin:1rem 0 .3rem}
input{font:inherit;padding:.45rem;width:100%;box-sizing:border-box;margin-bottom:.6rem}
.secondary{border-color:#999;color:#444}
`;
const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

/**
 * Headers of every page the local provider renders: a CSP that allows its one inline stylesheet
 * and no script; forms that post to the provider itself, whose answer redirects to the app
 * (`appOrigin`), which browsers check against `form-action` too; no framing (a sign-in page in
 * someone's frame is clickjacking); nothing cached or passed on.
 */
export function pageHeaders(appOrigin: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src '${STYLE_HASH}'; form-action 'self' ${appOrigin}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

const BANNER = `<div class="dev" role="note"><strong>Development sign-in — not for production</strong>
This page stands in for Cognito in <code>npm start</code>: anyone who can open it can sign in as anyone in the directory, without a password.</div>`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — PMO Pipeline (development sign-in)</title>
<style>${STYLE}</style>
</head>
<body>
${BANNER}
<main>
${body}
</main>
</body>
</html>
`;
}

/** What the sign-in page shows. */
export interface SignInPageModel {
  /** The interaction's id: the forms post to `/interaction/<uid>/…`. */
  readonly uid: string;
  /** People to pick with one button (the demo directory's, as far as they are active). */
  readonly people: readonly Person[];
  /** Why the last attempt was refused. */
  readonly error?: string | undefined;
  /** What to put in the email field: the last attempt, or the app's `login_hint`. */
  readonly email?: string | undefined;
}

/** The development sign-in page: pick a person, or type anyone's email. */
export function signInPage(model: SignInPageModel): string {
  const action = `/interaction/${encodeURIComponent(model.uid)}`;
  const people = model.people
    .map(
      (person) =>
        `<li><button class="person" type="submit" name="email" value="${escapeHtml(person.email)}">` +
        `<span class="name">${escapeHtml(person.name)}</span> <span class="email">${escapeHtml(person.email)}</span>` +
        (person.roles.length > 0 ? ` <span class="roles">${escapeHtml(person.roles.join(', '))}</span>` : '') +
        '</button></li>',
    )
    .join('\n');
  return page(
    'Sign in',
    `<h1>Sign in to PMO Pipeline</h1>
${model.error ? `<p class="error" role="alert">${escapeHtml(model.error)}</p>` : ''}
${
  people
    ? `<p>Sign in as one of the demo directory's people:</p>
<form method="post" action="${action}/login"><ul>
${people}
</ul></form>`
    : ''
}
<form method="post" action="${action}/login">
<label for="email">${people ? 'Or anyone else in the directory, by email address:' : 'Anyone in the directory, by email address:'}</label>
<input id="email" name="email" type="email" required autocomplete="username" value="${escapeHtml(model.email ?? '')}">
<button type="submit">Sign in</button>
</form>
<form method="post" action="${action}/cancel"><p><button class="secondary" type="submit">Cancel sign-in</button></p></form>`,
  );
}

/** A page that only says something (an expired sign-in, an error), with a way back to the app. */
export function messagePage(title: string, message: string, back: { href: string; label: string }): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><a href="${escapeHtml(back.href)}">${escapeHtml(back.label)}</a></p>`);
}

/**
 * The sign-out confirmation (RP-initiated logout): `form` is the provider's own form (its action
 * and an anti-forgery field), which the two buttons submit.
 */
export function signOutPage(form: string): string {
  return page(
    'Sign out',
    `<h1>Sign out of the development sign-in?</h1>
${form}
<p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button></p>`,
  );
}
