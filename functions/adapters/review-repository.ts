import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ReviewPlanSchema, type ReviewPlan, type SubjectRef } from '#domain/subject.ts';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** The review still takes decisions (plans written before the state existed count as open). */
const OPEN = '(attribute_not_exists(#state) OR #state = :open)';
/** Nobody holds the review, or their lease ran out. */
const UNHELD = '(attribute_not_exists(lockedBy) OR lockUntil < :now)';

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

  /**
   * Holds an open review for `holder` (a decision being recorded) until `now + leaseMs`. Answers
   * `held`, or why not: `busy` (someone else holds it), `closed` (decided or withdrawn), or
   * `missing` (no plan: the review has not started).
   */
  async hold(subject: SubjectRef, executionName: string, holder: string, now: Date, leaseMs: number): Promise<'held' | 'busy' | 'missing' | { closed: 'decided' | 'withdrawn' }> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.review(subject, executionName),
          UpdateExpression: 'SET lockedBy = :holder, lockUntil = :until',
          ConditionExpression: `attribute_exists(pk) AND ${OPEN} AND ${UNHELD}`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':holder': holder, ':until': new Date(now.getTime() + leaseMs).toISOString(), ':now': now.toISOString(), ':open': 'open' },
        }),
      );
      return 'held';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return reviewRepository.whyNot(subject, executionName);
  },

  /** Lets go of a review held by `holder`; `closeAs` closes it (a decision ended the review, or the subject was withdrawn). */
  async release(subject: SubjectRef, executionName: string, holder: string, closeAs?: 'decided' | 'withdrawn'): Promise<void> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.review(subject, executionName),
          UpdateExpression: closeAs ? 'SET #state = :closed REMOVE lockedBy, lockUntil' : 'REMOVE lockedBy, lockUntil',
          ConditionExpression: 'lockedBy = :holder',
          ...(closeAs ? { ExpressionAttributeNames: { '#state': 'state' } } : {}),
          ExpressionAttributeValues: { ':holder': holder, ...(closeAs ? { ':closed': closeAs } : {}) },
        }),
      );
    } catch (error) {
      // The lease ran out and someone else holds it now: nothing of ours to release.
      if (!isConditionFailure(error)) throw error;
    }
  },

  /** Why a conditional change of an open review failed. */
  async whyNot(subject: SubjectRef, executionName: string): Promise<'busy' | 'missing' | { closed: 'decided' | 'withdrawn' }> {
    const plan = await reviewRepository.get(subject, executionName);
    if (!plan) return 'missing';
    if (plan.state !== 'open') return { closed: plan.state };
    return 'busy';
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
