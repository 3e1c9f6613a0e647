import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ApproverSpecSchema } from '#domain/approval-policy.ts';
import { APPROVAL_STATUSES, nextActionAt, type Approval } from '#domain/approval.ts';
import { SubjectRefSchema, type SubjectRef } from '#domain/subject.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

const PersonRef = z.object({ name: z.string(), email: z.string() });
const StoredApprovalSchema = z.object({
  id: z.string(),
  subject: SubjectRefSchema,
  executionName: z.string(),
  level: z.number(),
  levelName: z.string(),
  levelCount: z.number(),
  position: z.number().optional(),
  slot: z.number(),
  slotCount: z.number(),
  quorum: z.enum(['any', 'all']),
  approver: PersonRef,
  onBehalfOf: PersonRef.optional(),
  status: z.enum(APPROVAL_STATUSES),
  requestedAt: z.string(),
  dueAt: z.string(),
  remindAt: z.string().optional(),
  remindersSent: z.number(),
  escalateAt: z.string().optional(),
  escalateTo: ApproverSpecSchema.optional(),
  secretHashes: z.array(z.string()),
  formerAssignees: z.array(z.object({ approver: PersonRef, reason: z.enum(['escalated', 'delegated', 'deactivated']), at: z.string(), secretHashes: z.array(z.string()) })),
  attention: z.string().optional(),
  decidedAt: z.string().optional(),
  decidedBy: PersonRef.optional(),
  comment: z.string().optional(),
  notifiedAt: z.string().optional(),
  version: z.number(),
  taskToken: z.string().optional(),
  awaitingDelivery: z.boolean(),
});

/**
 * An approval as stored: the domain record, the workflow's current callback token, and whether
 * an answer (decision, expiry, withdrawal) still has to reach that workflow.
 */
export interface StoredApproval extends Approval {
  /** Step Functions task token; only ever sent back to Step Functions, never shown or logged. */
  readonly taskToken?: string;
  readonly awaitingDelivery: boolean;
}

/** How often a read-modify-write is tried again after losing a race. */
const MAX_UPDATE_ATTEMPTS = 5;

/** How long a recorded answer waits before the sweeper treats it as undelivered. */
export const REDELIVERY_DELAY_MS = 2 * 60 * 1000;

function toApproval(item: Record<string, unknown>): StoredApproval {
  return StoredApprovalSchema.parse(withoutKeys(item));
}

/**
 * The index attributes follow from the record: the sparse "open" index holds pending approvals
 * (keyed by their next planned action) and answers not yet delivered (keyed by a retry time).
 */
function itemOf(approval: StoredApproval): Record<string, unknown> {
  const open = approval.status === 'PENDING' || approval.awaitingDelivery;
  const openAt =
    approval.status === 'PENDING'
      ? nextActionAt(approval)
      : new Date(Date.parse(approval.decidedAt ?? approval.requestedAt) + REDELIVERY_DELAY_MS).toISOString();
  return {
    ...keys.approval(approval.id),
    kind: 'approval',
    ...(open ? { gsi1pk: keys.openApprovals, gsi1sk: `${openAt}#${approval.id}` } : {}),
    gsi2pk: keys.approvalsByApprover(approval.approver.email),
    gsi2sk: `${approval.requestedAt}#${approval.id}`,
    gsi3pk: keys.approvalsOfSubject(approval.subject),
    gsi3sk: keys.approvalOfSubjectSort(approval.level, approval.executionName, approval.slot),
    ...approval,
  };
}

/**
 * Approvals in the table. Every change is a whole-record write conditional on the version read,
 * so concurrent changes (a click, the sweeper, a replayed step) never overwrite one another: the
 * loser re-reads and decides again.
 */
export const approvalRepository = {
  /**
   * Stores a new pending approval with its callback token, unless one with this id exists; then
   * re-binds the token to the existing one. Returns the stored approval and whether it is new.
   */
  async createOrRebind(approval: Approval, taskToken: string): Promise<{ approval: StoredApproval; created: boolean }> {
    const stored: StoredApproval = { ...approval, taskToken, awaitingDelivery: false };
    try {
      await documentClient.send(
        new PutCommand({ TableName: environment.tableName, Item: itemOf(stored), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return { approval: stored, created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.approval(approval.id),
        UpdateExpression: 'SET taskToken = :token, version = version + :one',
        ExpressionAttributeValues: { ':token': taskToken, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { approval: toApproval(Attributes!), created: false };
  },

  async get(id: string): Promise<StoredApproval | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.approval(id), ConsistentRead: true }));
    return Item ? toApproval(Item) : undefined;
  },

  /**
   * Writes `next` if the stored record is still at `next.version - 1`. Returns false when someone
   * else changed the approval first.
   */
  async save(next: StoredApproval): Promise<boolean> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: itemOf(next),
          ConditionExpression: 'version = :previous',
          ExpressionAttributeValues: { ':previous': next.version - 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /**
   * Reads an approval, lets `change` derive the next state, and writes it if nobody changed the
   * approval meanwhile; on a conflict it starts again from a fresh read. `change` returns undefined
   * to leave the approval as it is. Undefined when there is no such approval.
   */
  async update(id: string, change: (current: StoredApproval) => StoredApproval | undefined): Promise<{ before: StoredApproval; after?: StoredApproval } | undefined> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const current = await approvalRepository.get(id);
      if (!current) return undefined;
      const next = change(current);
      if (!next) return { before: current };
      const versioned = { ...next, version: current.version + 1 };
      if (await approvalRepository.save(versioned)) return { before: current, after: versioned };
    }
    throw new Error(`Approval ${id} kept changing under a write; try again`);
  },

  /** Records that the workflow waiting on `deliveredToken` has its answer. */
  async markDelivered(id: string, deliveredToken: string): Promise<void> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.approval(id),
          UpdateExpression: 'SET awaitingDelivery = :false, version = version + :one REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'taskToken = :token AND #status <> :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':token': deliveredToken, ':pending': 'PENDING', ':false': false, ':one': 1 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },

  /** The approvals of a subject, by level then slot. */
  async listForSubject(subject: SubjectRef): Promise<StoredApproval[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi3,
      KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.approvalsOfSubject(subject), ':prefix': keys.approvalsOfSubjectPrefix },
    });
    return items.map(toApproval);
  },

  /** The approvals a person was asked for, newest first, at most `limit` of them. */
  async listRecentFor(approverEmail: string, limit: number): Promise<StoredApproval[]> {
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        IndexName: INDEX.gsi2,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.approvalsByApprover(approverEmail) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (Items ?? []).map(toApproval);
  },

  /** An approver's pending approvals (their queue), oldest first. */
  async listPendingFor(approverEmail: string): Promise<StoredApproval[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi2,
      KeyConditionExpression: 'gsi2pk = :pk',
      FilterExpression: '#status = :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': keys.approvalsByApprover(approverEmail), ':pending': 'PENDING' },
    });
    return items.map(toApproval);
  },

  /** Every approval still open (pending, or decided but not yet delivered), through the sparse open-approvals index. */
  async listOpen(): Promise<StoredApproval[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.openApprovals },
    });
    return items.map(toApproval);
  },

  /**
   * Approvals the sweeper must act on at `now`: pending ones whose next planned action is due and
   * answers not yet delivered, oldest first, through the sparse open-approvals index.
   */
  async listActionable(now: Date, limit: number, exclusiveStartKey?: Record<string, unknown>): Promise<{ items: StoredApproval[]; lastKey?: Record<string, unknown> }> {
    const { Items, LastEvaluatedKey } = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        IndexName: INDEX.gsi1,
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
        ExpressionAttributeValues: { ':pk': keys.openApprovals, ':now': `${now.toISOString()}#~` },
        Limit: limit,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    return { items: (Items ?? []).map(toApproval), ...(LastEvaluatedKey ? { lastKey: LastEvaluatedKey } : {}) };
  },
};
