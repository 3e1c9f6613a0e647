import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { personViewer, type Viewer } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';
import { hashLinkSecret, linkSecretMatches } from '#domain/link-secret.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { identityProviderFor, type IdentityProviderSettings, type TokenRefusal } from '#adapters/identity-provider.ts';
import { sessionRepository } from '#adapters/session-repository.ts';

/** How long a session lasts from sign-in, whatever is done in it: a working day. */
export const SESSION_HOURS = 8;
/** How long a sign-in may take at the provider before its return is refused. */
const SIGN_IN_MINUTES = 10;

export type { IdentityProviderSettings } from '#adapters/identity-provider.ts';

/** A signed-in session: who, and the token its forms carry. */
export interface ActiveSession {
  readonly viewer: Extract<Viewer, { kind: 'person' }>;
  readonly csrfToken: string;
}

/** Why a person the provider vouches for is still not let in. */
export type Refusal = { readonly kind: 'not-in-directory'; readonly email: string } | { readonly kind: 'inactive'; readonly email: string };

/** A path of this app to return to after sign-in: relative, and not a way to another origin. */
export function safeReturnPath(candidate: string | undefined): string {
  if (!candidate?.startsWith('/') || candidate.startsWith('//') || candidate.includes('\\') || candidate.length > 1024) return '/';
  // Only printable ASCII: a control character could split a header or smuggle a scheme past the checks above.
  return !/^[\x20-\x7e]+$/.test(candidate) || candidate.startsWith('/auth/') ? '/' : candidate;
}

async function directoryPerson(email: string): Promise<{ kind: 'person'; person: Person } | Refusal> {
  const person = await directoryRepository.getPerson(email);
  if (!person) return { kind: 'not-in-directory', email };
  if (!person.active) return { kind: 'inactive', email };
  return { kind: 'person', person };
}

/**
 * Starts a sign-in: the state, nonce and PKCE verifier are stored (by the state's hash) for the
 * provider's return; the state goes to the browser in a cookie and to the provider in the URL.
 */
export async function startSignIn(settings: IdentityProviderSettings, redirectUri: string, returnTo: string | undefined, now: Date): Promise<{ url: URL; state: string }> {
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  await sessionRepository.saveSignIn(
    hashLinkSecret(state),
    { codeVerifier, nonce, returnTo: safeReturnPath(returnTo), endsAt: new Date(now.getTime() + SIGN_IN_MINUTES * 60_000).toISOString() },
    now,
  );
  const url = await identityProviderFor(settings).authorizationUrl({ redirectUri, state, nonce, codeVerifier });
  return { url, state };
}

/** What a return from the provider came to. */
export type SignInResult =
  | { readonly kind: 'signed-in'; readonly sessionId: string; readonly returnTo: string; readonly person: Person }
  | { readonly kind: 'expired' }
  | { readonly kind: 'refused-by-provider'; readonly error: string }
  | Refusal;

/**
 * Completes a sign-in at the provider's return: the state in the URL must be the one this browser's
 * cookie carries, and is used once; the code is exchanged with the PKCE verifier; the person must be
 * active in the directory. Creates the session.
 */
export async function completeSignIn(settings: IdentityProviderSettings, callbackUrl: URL, cookieState: string | undefined, now: Date): Promise<SignInResult> {
  const state = callbackUrl.searchParams.get('state') ?? undefined;
  if (!state || !cookieState || !linkSecretMatches(state, hashLinkSecret(cookieState))) return { kind: 'expired' };
  const signIn = await sessionRepository.takeSignIn(hashLinkSecret(state), now);
  if (!signIn) return { kind: 'expired' };
  const providerError = callbackUrl.searchParams.get('error');
  if (providerError) return { kind: 'refused-by-provider', error: providerError.slice(0, 100) };
  const identity = await identityProviderFor(settings).completeSignIn(callbackUrl, { state, nonce: signIn.nonce, codeVerifier: signIn.codeVerifier });
  const found = await directoryPerson(identity.email);
  if (found.kind !== 'person') return found;
  const sessionId = randomBytes(32).toString('base64url');
  await sessionRepository.createSession(
    hashLinkSecret(sessionId),
    {
      email: found.person.email,
      createdAt: now.toISOString(),
      endsAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
      csrfToken: randomBytes(32).toString('base64url'),
    },
    now,
  );
  return { kind: 'signed-in', sessionId, returnTo: signIn.returnTo, person: found.person };
}

/**
 * The session a cookie opens, with the person as the directory has them now: a person deactivated
 * or changed since sign-in is seen as they are, at once.
 */
export async function openSession(sessionId: string, now: Date): Promise<ActiveSession | undefined> {
  if (sessionId.length > 100) return undefined;
  const session = await sessionRepository.getSession(hashLinkSecret(sessionId), now);
  if (!session) return undefined;
  const found = await directoryPerson(session.email);
  if (found.kind !== 'person') return undefined;
  return { viewer: personViewer(found.person) as ActiveSession['viewer'], csrfToken: session.csrfToken };
}

/** Ends every session of a person, at once: their deactivation must not wait for a session to run out. */
export async function endSessionsOf(email: string): Promise<number> {
  return sessionRepository.deleteSessionsOf(email.toLowerCase());
}

/** Ends a session. */
export async function endSession(sessionId: string): Promise<void> {
  if (sessionId.length <= 100) await sessionRepository.deleteSession(hashLinkSecret(sessionId));
}

/** What a bearer token on the API comes to. */
export type BearerResult = { readonly kind: 'viewer'; readonly viewer: Viewer } | { readonly kind: 'refused'; readonly reason: TokenRefusal } | Refusal;

/** The viewer a bearer access token names, once the token is verified and the person found active. */
export async function bearerViewer(settings: IdentityProviderSettings, token: string): Promise<BearerResult> {
  if (token.length > 8192) return { kind: 'refused', reason: 'invalid' };
  const verified = await identityProviderFor(settings).verifyAccessToken(token);
  if (verified.kind === 'refused') return verified;
  const found = await directoryPerson(verified.identity.email);
  return found.kind === 'person' ? { kind: 'viewer', viewer: personViewer(found.person) } : found;
}

/** Where the provider should end its own session after ours ended, if it has such an endpoint. */
export async function providerSignOutUrl(settings: IdentityProviderSettings, postLogoutRedirectUri: string): Promise<URL | undefined> {
  return identityProviderFor(settings).signOutUrl(postLogoutRedirectUri);
}

/** Whether a form's CSRF token is the session's (constant time). */
export function csrfTokenMatches(session: ActiveSession, presented: unknown): boolean {
  return typeof presented === 'string' && linkSecretMatches(presented, hashLinkSecret(session.csrfToken));
}
