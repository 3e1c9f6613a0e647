import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ReviewPlanSchema, type ReviewPlan, type SubjectRef } from '#domain/subject.ts';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/**
 * Review plans: one per workflow execution over a subject, stored with the subject's records. The
 * first plan written for an execution is the one it keeps, so a replayed execution follows the
 * levels it was routed through even if the policy changed since.
 */
export const reviewRepository = {
  /** Stores a plan unless the execution has one already; returns the plan in force. */
  async createOnce(plan: ReviewPlan): Promise<{ plan: ReviewPlan; created: boolean }> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: { ...keys.review(plan.subject, plan.executionName), kind: 'review', ...plan },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { plan, created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await reviewRepository.get(plan.subject, plan.executionName);
    if (!existing) throw new Error(`The review plan of ${plan.executionName} vanished`);
    return { plan: existing, created: false };
  },

  async get(subject: SubjectRef, executionName: string): Promise<ReviewPlan | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.review(subject, executionName), ConsistentRead: true }),
    );
    return Item ? ReviewPlanSchema.parse(withoutKeys(Item)) : undefined;
  },

  /** Moves the plan to the level being decided now (only forwards: a replayed step changes nothing). */
  async advanceTo(subject: SubjectRef, executionName: string, level: number): Promise<void> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.review(subject, executionName),
          UpdateExpression: 'SET currentLevel = :level',
          ConditionExpression: 'attribute_exists(pk) AND currentLevel < :level',
          ExpressionAttributeValues: { ':level': level },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },
};
