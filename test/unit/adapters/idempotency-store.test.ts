import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { idempotencyStore, type IdempotencyRecord } from '#adapters/idempotency-store.ts';
import { keys } from '#adapters/table-keys.ts';
import { TABLE_NAME, conditionFailure, dynamoDbThrottlingErrors, useAdapterEnvironment } from './adapter-test-support.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const now = new Date('2026-03-02T09:30:00.000Z');
const nowInSeconds = now.getTime() / 1000;
const first: IdempotencyRecord = { resultId: 'proposal-1', fingerprint: 'sha256:first-body' };
const second: IdempotencyRecord = { resultId: 'proposal-2', fingerprint: 'sha256:second-body' };

describe('idempotencyStore.claim', () => {
  useAdapterEnvironment();

  beforeEach(() => {
    dynamo.reset();
  });

  it('gives the first claim its own record back, without reading', async () => {
    dynamo.on(PutCommand).resolves({});

    const claimed = await idempotencyStore.claim('submit-proposal', 'key-1', first, now);

    expect(claimed).toEqual(first);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('stores the record under the scope and key, remembered for 24 hours', async () => {
    dynamo.on(PutCommand).resolves({});

    await idempotencyStore.claim('submit-proposal', 'key-1', first, now);

    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE_NAME,
      Item: { ...keys.idempotency('submit-proposal', 'key-1'), kind: 'idempotency', ...first, expiresAt: nowInSeconds + 24 * 60 * 60 },
    });
  });

  it('claims only a key that is free or whose record has expired by now', async () => {
    // DynamoDB evaluates the condition; what matters here is that an expired record does not block a claim.
    dynamo.on(PutCommand).resolves({});

    await idempotencyStore.claim('submit-proposal', 'key-1', first, now);

    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': nowInSeconds },
    });
  });

  it('gives a later claim the first record, read consistently', async () => {
    dynamo.on(PutCommand).rejects(conditionFailure());
    dynamo.on(GetCommand).resolves({
      Item: { ...keys.idempotency('submit-proposal', 'key-1'), kind: 'idempotency', ...first, expiresAt: nowInSeconds + 60 },
    });

    const claimed = await idempotencyStore.claim('submit-proposal', 'key-1', second, now);

    expect(claimed).toEqual(first);
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE_NAME,
      Key: keys.idempotency('submit-proposal', 'key-1'),
      ConsistentRead: true,
    });
  });

  it('fails clearly when the record that won vanished before it could be read', async () => {
    dynamo.on(PutCommand).rejects(conditionFailure());
    dynamo.on(GetCommand).resolves({});

    await expect(idempotencyStore.claim('submit-proposal', 'key-1', second, now)).rejects.toThrow(
      'An idempotency record vanished between claim and read',
    );
  });

  const otherErrors = [
    ...dynamoDbThrottlingErrors,
    {
      name: 'ResourceNotFoundException',
      create: (): Error => new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }),
    },
  ];

  it.each(otherErrors)('lets a $name on the claim through unchanged, without reading', async ({ create }) => {
    const failure = create();
    dynamo.on(PutCommand).rejects(failure);

    await expect(idempotencyStore.claim('submit-proposal', 'key-1', first, now)).rejects.toBe(failure);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it.each(dynamoDbThrottlingErrors)('lets a $name on the read of the first record through unchanged', async ({ create }) => {
    const throttled = create();
    dynamo.on(PutCommand).rejects(conditionFailure());
    dynamo.on(GetCommand).rejects(throttled);

    await expect(idempotencyStore.claim('submit-proposal', 'key-1', second, now)).rejects.toBe(throttled);
  });
});
