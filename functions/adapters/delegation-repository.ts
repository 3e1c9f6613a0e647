import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DelegationSchema, type Delegation } from '#domain/delegation.ts';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/**
 * Out-of-office delegations: one per person (a new one replaces the old), stored with the person.
 * Until its approvals are redirected, a delegation sits in a sparse index by start time, which the
 * sweeper reads.
 */
export const delegationRepository = {
  async put(delegation: Delegation): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: {
          ...keys.delegation(delegation.person.email),
          kind: 'delegation',
          gsi1pk: keys.unappliedDelegations,
          gsi1sk: `${delegation.startsAt}#${delegation.person.email}`,
          ...delegation,
        },
      }),
    );
  },

  async get(email: string): Promise<Delegation | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.delegation(email) }));
    return Item ? DelegationSchema.parse(withoutKeys(Item)) : undefined;
  },

  /** Delegations that have started by `now` and whose pending approvals are not redirected yet. */
  async listStartedUnapplied(now: Date): Promise<Delegation[]> {
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        IndexName: INDEX.gsi1,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':pk': keys.unappliedDelegations, ':now': `${now.toISOString()}#~` },
      }),
    );
    return (Items ?? []).map((item) => DelegationSchema.parse(withoutKeys(item)));
  },

  /** Marks a delegation's pending approvals as redirected (conditional on it being the same delegation). */
  async markApplied(delegation: Delegation, now: Date): Promise<void> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.delegation(delegation.person.email),
          UpdateExpression: 'SET appliedAt = :now REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'createdAt = :createdAt',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':createdAt': delegation.createdAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },
};
