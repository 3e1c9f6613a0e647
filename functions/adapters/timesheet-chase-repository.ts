import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { AddresseeSchema, ChaseFindingsSchema, ReminderBatchSchema, type ChaseRunRecord, type ReminderBatch } from '#domain/timesheet-chase.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { isConditionFailure, keys, ttlAfter, withoutKeys } from './table-keys.ts';

/**
 * How long a run's records are kept: long after its week has locked, and longer than any
 * execution is replayed. Their week is chased again only by hand after that, as a first round.
 */
const CHASE_TTL_SECONDS = 180 * 24 * 60 * 60;

/** What a run stores for its last step: what it found (without the people, who are in its batches), whom to tell, and how many batches. */
const StoredFindingsSchema = z.object({
  findings: ChaseFindingsSchema.omit({ missing: true }),
  pmo: z.array(AddresseeSchema),
  batchCount: z.number().int().min(0),
});
export type StoredFindings = z.infer<typeof StoredFindingsSchema>;

/** Whether a stored item is past its TTL: DynamoDB deletes expired items lazily (dynalite never), so reads skip them. */
function expired(item: Record<string, unknown>, now: Date): boolean {
  return typeof item.expiresAt === 'number' && item.expiresAt <= Math.floor(now.getTime() / 1000);
}

/** The timesheet chase's records of a week: its runs (whose order gives the rounds), each run's findings and reminder batches. */
export const timesheetChaseRepository = {
  /**
   * Records a run of the week's chase, once: a run recorded again (a retried step, a replayed
   * execution) keeps the time it was first recorded, and so its round.
   */
  async recordRun(weekStart: string, runId: string, now: Date): Promise<void> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: { ...keys.chaseRun(weekStart, runId), kind: 'chase-run', weekStart, runId, recordedAt: now.toISOString(), expiresAt: ttlAfter(now, CHASE_TTL_SECONDS) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },

  /** Every run of the week's chase (read consistently: the run just recorded is among them). */
  async listRuns(weekStart: string, now: Date): Promise<ChaseRunRecord[]> {
    const { pk, skPrefix } = keys.chaseRuns(weekStart);
    const items = await queryAll({
      TableName: environment.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ConsistentRead: true,
    });
    return items.filter((item) => !expired(item, now)).map((item) => ({ runId: String(item.runId), recordedAt: String(item.recordedAt) }));
  },

  /** Stores a run's findings (a retried step writes them again, as found then). */
  async saveFindings(weekStart: string, runId: string, stored: StoredFindings, now: Date): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: { ...keys.chaseFindings(weekStart, runId), kind: 'chase-findings', ...StoredFindingsSchema.parse(stored), expiresAt: ttlAfter(now, CHASE_TTL_SECONDS) },
      }),
    );
  },

  async getFindings(weekStart: string, runId: string, now: Date): Promise<StoredFindings | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.chaseFindings(weekStart, runId), ConsistentRead: true }));
    return Item && !expired(Item, now) ? StoredFindingsSchema.parse(withoutKeys(Item)) : undefined;
  },

  /** Stores one reminder batch of a run. */
  async saveBatch(weekStart: string, runId: string, index: number, batch: ReminderBatch, now: Date): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: { ...keys.chaseBatch(weekStart, runId, index), kind: 'chase-batch', ...ReminderBatchSchema.parse(batch), expiresAt: ttlAfter(now, CHASE_TTL_SECONDS) },
      }),
    );
  },

  async getBatch(weekStart: string, runId: string, index: number, now: Date): Promise<ReminderBatch | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.chaseBatch(weekStart, runId, index), ConsistentRead: true }));
    return Item && !expired(Item, now) ? ReminderBatchSchema.parse(withoutKeys(Item)) : undefined;
  },
};
