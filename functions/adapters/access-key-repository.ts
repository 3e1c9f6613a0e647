import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { hashLinkSecret } from '#domain/link-secret.ts';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { keys, ttlAfter } from './table-keys.ts';

/**
 * Short-lived personal keys that open a person's own pages (their delegation), sent to them by
 * email. Only the hash is stored; expired keys are refused on read, as TTL deletion is lazy.
 */
export const accessKeyRepository = {
  async issue(email: string, secret: string, now: Date, validSeconds: number): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: { ...keys.accessKey(email, hashLinkSecret(secret)), kind: 'access-key', issuedAt: now.toISOString(), expiresAt: ttlAfter(now, validSeconds) },
      }),
    );
  },

  async isValid(email: string, secret: string | undefined, now: Date): Promise<boolean> {
    if (!secret || secret.length > 256) return false;
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.accessKey(email, hashLinkSecret(secret)), ConsistentRead: true }),
    );
    return Item !== undefined && Number(Item.expiresAt) > now.getTime() / 1000;
  },
};
