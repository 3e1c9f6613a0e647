import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Delegation } from '#domain/delegation.ts';
import { delegationRepository } from '#adapters/delegation-repository.ts';
import { keys } from '#adapters/table-keys.ts';
import { TABLE_NAME, conditionFailure, dynamoDbThrottlingErrors, useAdapterEnvironment } from './adapter-test-support.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const now = new Date('2026-12-22T00:05:00.000Z');
const delegation: Delegation = {
  person: { name: 'Priya Shah', email: 'priya@example.org' },
  delegate: { name: 'Femi Adeyemi', email: 'femi@example.org' },
  startsAt: '2026-12-22T00:00:00.000Z',
  endsAt: '2027-01-01T00:00:00.000Z',
  createdAt: '2026-12-01T10:00:00.000Z',
};

describe('delegationRepository.markApplied', () => {
  useAdapterEnvironment();

  beforeEach(() => {
    dynamo.reset();
  });

  it('records when it was applied and takes the delegation out of the sweeper’s index', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await delegationRepository.markApplied(delegation, now);

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE_NAME,
      Key: keys.delegation('priya@example.org'),
      UpdateExpression: 'SET appliedAt = :now REMOVE gsi1pk, gsi1sk',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    });
  });

  it('applies only to the delegation it was given, not to one that replaced it', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await delegationRepository.markApplied(delegation, now);

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'createdAt = :createdAt',
      ExpressionAttributeValues: { ':createdAt': '2026-12-01T10:00:00.000Z' },
    });
  });

  it('succeeds quietly when the delegation was replaced in the meantime (the condition failed)', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailure());

    await expect(delegationRepository.markApplied(delegation, now)).resolves.toBeUndefined();
  });

  const otherErrors = [
    ...dynamoDbThrottlingErrors,
    {
      name: 'ResourceNotFoundException',
      create: (): Error => new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }),
    },
  ];

  it.each(otherErrors)('lets a $name through unchanged', async ({ create }) => {
    const failure = create();
    dynamo.on(UpdateCommand).rejects(failure);

    await expect(delegationRepository.markApplied(delegation, now)).rejects.toBe(failure);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});
