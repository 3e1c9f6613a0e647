import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { APPROVAL_STATUSES, type Approval, type ApprovalStatus } from '#domain/approval.ts';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

const PersonRef = z.object({ name: z.string(), email: z.string() });
const StoredApprovalSchema = z.object({
  id: z.string(),
  proposalId: z.string(),
  executionName: z.string(),
  level: z.number(),
  role: z.string(),
  approver: PersonRef,
  status: z.enum(APPROVAL_STATUSES),
  requestedAt: z.string(),
  dueAt: z.string(),
  secretHash: z.string(),
  decidedAt: z.string().optional(),
  decidedBy: PersonRef.optional(),
  comment: z.string().optional(),
  notifiedAt: z.string().optional(),
  taskToken: z.string().optional(),
});

/** An approval as stored: the domain record plus the workflow's current callback token. */
export interface StoredApproval extends Approval {
  /** Step Functions task token; only ever sent back to Step Functions, never shown or logged. */
  readonly taskToken?: string;
}

/** How long a recorded decision waits before the sweeper treats it as undelivered. */
export const REDELIVERY_DELAY_MS = 2 * 60 * 1000;

function toApproval(item: Record<string, unknown>): StoredApproval {
  return StoredApprovalSchema.parse(withoutKeys(item));
}

/** Approvals in the table; each decision is one conditional write out of PENDING. */
export const approvalRepository = {
  /**
   * Stores a new pending approval with its callback token, unless one with this id exists.
   * Returns the stored approval: the new one, or the existing one (with the token re-bound).
   */
  async createOrRebind(approval: Approval, taskToken: string): Promise<{ approval: StoredApproval; created: boolean }> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: {
            ...keys.approval(approval.id),
            kind: 'approval',
            gsi1pk: keys.openApprovals,
            gsi1sk: `${approval.dueAt}#${approval.id}`,
            gsi2pk: keys.approvalsByApprover(approval.approver.email),
            gsi2sk: `${approval.requestedAt}#${approval.id}`,
            gsi3pk: keys.approvalsOfProposal(approval.proposalId),
            gsi3sk: `APPROVAL#${String(approval.level).padStart(2, '0')}#${approval.requestedAt}`,
            ...approval,
            taskToken,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { approval: { ...approval, taskToken }, created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.approval(approval.id),
        UpdateExpression: 'SET taskToken = :token',
        ExpressionAttributeValues: { ':token': taskToken },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { approval: toApproval(Attributes!), created: false };
  },

  async get(id: string): Promise<StoredApproval | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.approval(id), ConsistentRead: true }),
    );
    return Item ? toApproval(Item) : undefined;
  },

  /** Replaces the link secret of an approval whose email has not gone out yet. */
  async replaceSecret(id: string, secretHash: string): Promise<void> {
    await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.approval(id),
        UpdateExpression: 'SET secretHash = :hash',
        ConditionExpression: 'attribute_not_exists(notifiedAt)',
        ExpressionAttributeValues: { ':hash': secretHash },
      }),
    );
  },

  async markNotified(id: string, now: Date): Promise<void> {
    await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.approval(id),
        UpdateExpression: 'SET notifiedAt = :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  },

  /** The approvals of a proposal, by level then time. */
  async listForProposal(proposalId: string): Promise<StoredApproval[]> {
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        IndexName: INDEX.gsi3,
        KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.approvalsOfProposal(proposalId), ':prefix': 'APPROVAL#' },
      }),
    );
    return (Items ?? []).map(toApproval);
  },

  /**
   * Records a decision if the approval is still pending and within its deadline. The first writer
   * wins; everyone after gets `undefined` and reads what happened instead.
   */
  async recordDecision(
    id: string,
    decision: { status: Extract<ApprovalStatus, 'APPROVED' | 'REJECTED'>; decidedBy: { name: string; email: string }; comment?: string },
    now: Date,
  ): Promise<StoredApproval | undefined> {
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.approval(id),
          // The sweeper re-delivers a decision whose workflow was not resumed; give the web request a
          // head start before it counts as undelivered.
          UpdateExpression:
            'SET #status = :status, decidedAt = :now, decidedBy = :by, gsi1sk = :redeliverAt' + (decision.comment ? ', #comment = :comment' : ''),
          ConditionExpression: '#status = :pending AND dueAt > :now',
          ExpressionAttributeNames: { '#status': 'status', ...(decision.comment ? { '#comment': 'comment' } : {}) },
          ExpressionAttributeValues: {
            ':status': decision.status,
            ':now': now.toISOString(),
            ':by': decision.decidedBy,
            ':redeliverAt': `${new Date(now.getTime() + REDELIVERY_DELAY_MS).toISOString()}#${id}`,
            ':pending': 'PENDING',
            ...(decision.comment ? { ':comment': decision.comment } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toApproval(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  },

  /** Moves a pending approval past its deadline to EXPIRED; false if it was decided meanwhile. */
  async expire(id: string, now: Date): Promise<boolean> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.approval(id),
          UpdateExpression: 'SET #status = :expired, decidedAt = :now',
          ConditionExpression: '#status = :pending AND dueAt <= :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 'EXPIRED', ':pending': 'PENDING', ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /**
   * Takes an approval out of the sweeper's index once its workflow has its answer. Conditional on
   * the token that was delivered, so a token re-bound meanwhile keeps the approval in view.
   */
  async close(id: string, deliveredToken: string): Promise<void> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.approval(id),
          UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'taskToken = :token AND #status <> :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':token': deliveredToken, ':pending': 'PENDING' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },

  /**
   * Approvals the sweeper must act on at `now`: pending ones past their deadline and decided ones
   * whose workflow has not been resumed, oldest first, through the sparse open-approvals index.
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
