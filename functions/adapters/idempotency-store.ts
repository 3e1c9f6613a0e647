import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { isConditionFailure, keys, ttlAfter } from './table-keys.ts';

/** How long a client's Idempotency-Key is remembered. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** What the first request with a key claimed. */
export interface IdempotencyRecord {
  readonly resultId: string;
  readonly fingerprint: string;
}

/**
 * Remembers which result a client's idempotency key produced. The first `claim` wins; later ones
 * get the first claim back. Expired records are ignored on read (TTL deletion is lazy).
 */
export const idempotencyStore = {
  async claim(scope: string, key: string, record: IdempotencyRecord, now: Date): Promise<IdempotencyRecord> {
    const Key = keys.idempotency(scope, key);
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: { ...Key, kind: 'idempotency', ...record, expiresAt: ttlAfter(now, IDEMPOTENCY_TTL_SECONDS) },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        }),
      );
      return record;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key, ConsistentRead: true }));
    if (!Item) throw new Error('An idempotency record vanished between claim and read');
    return { resultId: String(Item.resultId), fingerprint: String(Item.fingerprint) };
  },
};
