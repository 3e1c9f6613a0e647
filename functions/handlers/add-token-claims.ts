import * as z from 'zod';
import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';

// The parts of Cognito's pre token generation event, trigger version V2_0, that the handler reads
// (docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
// Loose objects: everything else in the event goes back to Cognito as it came.

const AccessTokenGenerationSchema = z.looseObject({
  claimsToAddOrOverride: z.record(z.string(), z.unknown()).nullish(),
});

/** Cognito sends `null` here; another customisation step may have filled it. */
const ClaimsAndScopeOverrideDetailsSchema = z.looseObject({
  accessTokenGeneration: AccessTokenGenerationSchema.nullish(),
});

/** A pre token generation event (V2_0), as far as the handler reads it. */
export const PreTokenGenerationEventSchema = z.looseObject({
  request: z.looseObject({
    userAttributes: z.looseObject({ email: z.string().max(320).optional() }),
  }),
  response: z.looseObject({
    claimsAndScopeOverrideDetails: ClaimsAndScopeOverrideDetailsSchema.nullish(),
  }),
});
export type PreTokenGenerationEvent = z.infer<typeof PreTokenGenerationEventSchema>;

/**
 * The event with the user's e-mail address added as the `email` claim of the access token: the
 * API maps a bearer token to a directory person by that claim, and Cognito's access tokens carry
 * no e-mail of their own. A user without an address gets no claim (the API then refuses the token)
 * rather than a failed sign-in here. Whatever else the response already asks for is kept.
 */
export function withEmailClaim(event: PreTokenGenerationEvent): PreTokenGenerationEvent {
  // The directory keys people by their address trimmed and lower-cased; Cognito keeps it as it was given.
  const email = event.request.userAttributes.email?.trim().toLowerCase();
  if (!email) return event;
  const details = event.response.claimsAndScopeOverrideDetails ?? {};
  const accessToken = details.accessTokenGeneration ?? {};
  return {
    ...event,
    response: {
      ...event.response,
      claimsAndScopeOverrideDetails: {
        ...details,
        accessTokenGeneration: { ...accessToken, claimsToAddOrOverride: { ...accessToken.claimsToAddOrOverride, email } },
      },
    },
  };
}

/**
 * Cognito user pool trigger, pre token generation (V2_0): runs before every token Cognito issues,
 * at sign-in and at each refresh, and adds the e-mail claim to the access token.
 */
export const handler = lambdaHandler({}, async (event: unknown): Promise<PreTokenGenerationEvent> => {
  const parsed = PreTokenGenerationEventSchema.parse(event);
  const withClaim = withEmailClaim(parsed);
  // No address and no user name in the log line: personal data.
  if (withClaim === parsed) logger.warn('The user has no email attribute: the access token gets no email claim, and the API will refuse it');
  return withClaim;
});
