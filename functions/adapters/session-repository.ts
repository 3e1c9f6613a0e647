import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { INDEX, isConditionFailure, keys, ttlAfter, withoutKeys } from './table-keys.ts';

/** A signed-in session as stored: who, until when, and the token its forms must carry. */
export const StoredSessionSchema = z.object({
  email: z.email(),
  createdAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  csrfToken: z.string().min(32),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

/** A sign-in between the redirect to the provider and its return. */
export const StoredSignInSchema = z.object({
  codeVerifier: z.string().min(43),
  nonce: z.string().min(16),
  returnTo: z.string(),
  endsAt: z.iso.datetime(),
});
export type StoredSignIn = z.infer<typeof StoredSignInSchema>;

function secondsUntil(now: Date, endsAt: string): number {
  return Math.max(1, Math.ceil((Date.parse(endsAt) - now.getTime()) / 1000));
}

/**
 * Sessions and sign-ins under way, by the hash of the random value their cookie carries: a copy of
 * the table opens no session. Both expire by TTL, and are filtered on read, as DynamoDB deletes
 * expired items late.
 */
export const sessionRepository = {
  /** Stores a new session; its id hash is fresh, so an existing one means a clash and is refused. */
  async createSession(idHash: string, session: StoredSession, now: Date): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: {
          ...keys.session(idHash),
          kind: 'session',
          // A person's sessions, so that deactivating them can end every one.
          gsi1pk: keys.sessionsOf(session.email),
          gsi1sk: session.createdAt,
          ...session,
          expiresAt: ttlAfter(now, secondsUntil(now, session.endsAt)),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  /** The session, unless it has ended. */
  async getSession(idHash: string, now: Date): Promise<StoredSession | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.session(idHash) }));
    if (!Item) return undefined;
    const session = StoredSessionSchema.parse(withoutKeys(Item));
    return Date.parse(session.endsAt) > now.getTime() ? session : undefined;
  },

  /** Ends a session (signing out twice is the same as once). */
  async deleteSession(idHash: string): Promise<void> {
    await documentClient.send(new DeleteCommand({ TableName: environment.tableName, Key: keys.session(idHash) }));
  },

  /** Ends every session of a person (they were deactivated); returns how many there were. */
  async deleteSessionsOf(email: string): Promise<number> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.sessionsOf(email) },
      ProjectionExpression: 'pk, sk',
    });
    for (const item of items) await documentClient.send(new DeleteCommand({ TableName: environment.tableName, Key: { pk: item.pk, sk: item.sk } }));
    return items.length;
  },

  async saveSignIn(stateHash: string, signIn: StoredSignIn, now: Date): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: { ...keys.signInFlow(stateHash), kind: 'sign-in', ...signIn, expiresAt: ttlAfter(now, secondsUntil(now, signIn.endsAt)) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  /**
   * Takes a sign-in under way: deletes it and returns what it held, once. A second return with the
   * same state (a replayed callback) finds nothing.
   */
  async takeSignIn(stateHash: string, now: Date): Promise<StoredSignIn | undefined> {
    try {
      const { Attributes } = await documentClient.send(
        new DeleteCommand({
          TableName: environment.tableName,
          Key: keys.signInFlow(stateHash),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (!Attributes) return undefined;
      const signIn = StoredSignInSchema.parse(withoutKeys(Attributes));
      return Date.parse(signIn.endsAt) > now.getTime() ? signIn : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  },
};
