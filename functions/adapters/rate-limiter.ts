import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { keys, ttlAfter } from './table-keys.ts';

/** Whether a request may go on, and when to come back if not. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Seconds until the window that refused the request ends. */
  readonly retryAfterSeconds: number;
}

/**
 * Fixed-window request counters in the table, so every instance of the web function counts
 * together: one atomic ADD per request and bucket, expiring with the window (TTL, filtered on read
 * by the window in the key).
 */
export const rateLimiter = {
  async hit(bucket: string, limit: number, windowSeconds: number, now: Date): Promise<RateDecision> {
    const windowMs = windowSeconds * 1000;
    const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.rateWindow(bucket, windowStart),
        UpdateExpression: 'ADD hits :one SET kind = if_not_exists(kind, :kind), expiresAt = if_not_exists(expiresAt, :expires)',
        ExpressionAttributeValues: { ':one': 1, ':kind': 'rate-window', ':expires': ttlAfter(new Date(windowStart), windowSeconds * 2) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const hits = Number(Attributes?.hits ?? 1);
    return { allowed: hits <= limit, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now.getTime()) / 1000)) };
  },
};
