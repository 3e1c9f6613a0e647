import type { IncomingMessage, ServerResponse } from 'node:http';
import type { default as ProviderType } from 'oidc-provider';
import * as z from 'zod';
import type { Person } from '#domain/directory.ts';
import { messagePage, pageHeaders, signInPage } from './dev-sign-in-pages.ts';

/** The largest sign-in form accepted: an email address and a button. */
const MAX_FORM_BYTES = 4096;

const EmailSchema = z.email().max(254);

/** What the development sign-in needs from the provider that serves it. */
export interface DevSignInContext {
  readonly provider: ProviderType;
  /** The app's origin: the forms' answers redirect there (the page's CSP names it). */
  readonly appOrigin: string;
  readonly publicBaseUrl: string;
  /** A person who may sign in: in the directory and active. */
  readonly findActivePerson: (email: string) => Promise<Person | undefined>;
  /** Emails offered as buttons. */
  readonly suggestedPeople: readonly string[];
  readonly log: (message: string) => void;
}

class FormError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
    throw new FormError(415, 'The sign-in form must be sent as application/x-www-form-urlencoded.');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new FormError(413, 'The sign-in form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, appOrigin: string, html: string, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(status, { ...pageHeaders(appOrigin), ...extraHeaders });
  res.end(html);
}

async function suggestions(context: DevSignInContext): Promise<Person[]> {
  const people = await Promise.all(context.suggestedPeople.map((email) => context.findActivePerson(email)));
  return people.filter((person): person is Person => person !== undefined);
}

/**
 * The provider's login interaction (`interactions.url`): `GET /interaction/<uid>` shows the
 * development sign-in page, `POST /interaction/<uid>/login` signs in the person picked or typed if
 * they are active in the directory, `POST /interaction/<uid>/cancel` returns `access_denied` to the
 * app. The interaction is bound to the browser by the provider's interaction cookie (SameSite=Lax,
 * scoped to this path), so another site cannot sign a visitor in as someone of its choosing.
 * Consent needs no page: the app is first-party (`loadExistingGrant`).
 */
export async function handleDevSignIn(context: DevSignInContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { provider, appOrigin } = context;
  const back = { href: `${context.publicBaseUrl}/auth/login`, label: 'Sign in again' };
  const match = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|cancel))?$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
  if (!match) return send(res, 404, appOrigin, messagePage('Not found', 'There is no such page at the development sign-in.', back));
  const [, uid, action] = match;
  const method = req.method ?? 'GET';
  const allowed = action ? 'POST' : 'GET, HEAD';
  if (!allowed.split(', ').includes(method)) {
    return send(res, 405, appOrigin, messagePage('Method not allowed', `Use ${allowed} here.`, back), { Allow: allowed });
  }

  let details: Awaited<ReturnType<ProviderType['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    if (error instanceof Error && error.name === 'SessionNotFound') {
      return send(res, 400, appOrigin, messagePage('Sign-in expired', 'This sign-in took longer than 10 minutes, was finished already, or was started in another browser.', back));
    }
    throw error;
  }
  // The cookie names the interaction of this browser; a page of another one (an old tab) must not finish it.
  if (details.uid !== uid) {
    return send(res, 400, appOrigin, messagePage('Sign-in expired', 'This page belongs to an earlier sign-in. Start again from the app.', back));
  }
  if (details.prompt.name !== 'login') {
    context.log(`error: the development sign-in was asked for "${details.prompt.name}" (${details.prompt.reasons.join(', ')}), which it does not handle`);
    return send(res, 500, appOrigin, messagePage('Sign-in error', 'The development sign-in was asked for something it does not handle.', back));
  }

  if (!action) {
    const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined;
    return send(res, 200, appOrigin, signInPage({ uid, people: await suggestions(context), email: hint }));
  }

  if (action === 'cancel') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The sign-in was cancelled' }, { mergeWithLastSubmission: false });
  }

  let form: URLSearchParams;
  try {
    form = await readForm(req);
  } catch (error) {
    if (error instanceof FormError) return send(res, error.status, appOrigin, messagePage('Sign-in refused', error.message, back));
    throw error;
  }
  const typed = (form.get('email') ?? '').trim();
  const email = EmailSchema.safeParse(typed);
  const person = email.success ? await context.findActivePerson(email.data) : undefined;
  if (!person) {
    const error = email.success
      ? `Nobody with the email address ${typed.toLowerCase()} is active in the directory. Pick someone who is, or ask the PMO to add them.`
      : 'Type an email address, such as priya.shah@example.org.';
    return send(res, email.success ? 403 : 400, appOrigin, signInPage({ uid, people: await suggestions(context), error, email: typed }));
  }
  return provider.interactionFinished(req, res, { login: { accountId: person.email } }, { mergeWithLastSubmission: false });
}
