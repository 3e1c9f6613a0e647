import { describe, expect, it } from 'vitest';
import { handler } from '#handlers/add-token-claims.ts';

/**
 * A pre token generation event, trigger version V2_0, in the shape of the example in Cognito's
 * developer guide (user-pool-lambda-pre-token-generation.html): `response.claimsAndScopeOverrideDetails`
 * arrives as null.
 */
function sampleEvent(userAttributes: Record<string, string> = { email: 'Jane.Doe@Example.com' }) {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'us-east-1',
    userPoolId: 'us-east-1_EXAMPLE',
    userName: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
    request: {
      userAttributes: {
        sub: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
        'cognito:user_status': 'CONFIRMED',
        email_verified: 'true',
        name: 'Jane Doe',
        ...userAttributes,
      },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
      scopes: ['openid', 'email', 'profile'],
    },
    response: { claimsAndScopeOverrideDetails: null as unknown },
  };
}

describe('the add-token-claims trigger (Cognito pre token generation, V2_0)', () => {
  it("adds the user's e-mail address, lower-cased, as the access token's email claim", async () => {
    const event = sampleEvent({ email: 'Jane.Doe@Example.com' });

    const result = await handler(event);

    expect(result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ email: 'jane.doe@example.com' });
  });

  it('returns the rest of the event as Cognito sent it', async () => {
    const event = sampleEvent();

    const result = await handler(event);

    const { response: _response, ...rest } = result;
    const { response: _sent, ...sent } = event;
    expect(rest).toEqual(sent);
  });

  it('leaves the ID token alone: it carries the email claim already', async () => {
    const result = await handler(sampleEvent());

    expect(result.response.claimsAndScopeOverrideDetails).not.toHaveProperty('idTokenGeneration');
  });

  it('keeps what the response already asks for, adding the claim next to it', async () => {
    const event = sampleEvent();
    event.response.claimsAndScopeOverrideDetails = {
      idTokenGeneration: { claimsToSuppress: ['family_name'] },
      accessTokenGeneration: { claimsToAddOrOverride: { department: 'pmo' }, scopesToAdd: ['pmo/read'] },
    };

    const result = await handler(event);

    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToSuppress: ['family_name'] },
      accessTokenGeneration: { claimsToAddOrOverride: { department: 'pmo', email: 'jane.doe@example.com' }, scopesToAdd: ['pmo/read'] },
    });
  });

  it('trims the address, as the directory keys it', async () => {
    const result = await handler(sampleEvent({ email: '  sam.carter@example.org ' }));

    expect(result.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride?.email).toBe('sam.carter@example.org');
  });

  it('adds no claim for a user without an address, and lets the sign-in go on (the API then refuses the token)', async () => {
    const event = sampleEvent();
    delete (event.request.userAttributes as Partial<Record<string, string>>).email;

    const result = await handler(event);

    expect(result.response.claimsAndScopeOverrideDetails).toBeNull();
  });

  it('refuses an event that is not a pre token generation event', async () => {
    await expect(handler({ triggerSource: 'TokenGeneration_HostedAuth' })).rejects.toThrow();
  });
});
