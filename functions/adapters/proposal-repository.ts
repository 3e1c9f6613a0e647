import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { fromStoredMoney, toStoredMoney } from '#domain/money.ts';
import {
  FINAL_STATUSES,
  intakeExecutionName,
  ProposalSchema,
  type Proposal,
  type ProposalInput,
  type ProposalOutcome,
  type ProposalReview,
  type ProposalScore,
  type ProposalStatus,
} from '#domain/proposal.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { cursor, INDEX, type IndexName, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** A decided proposal as the intake funnel reads it. */
export const ProposalDecisionSchema = z.object({
  proposalId: z.string(),
  revision: z.number(),
  status: z.string(),
  department: z.string(),
  submittedAt: z.string(),
  decidedAt: z.string(),
});
export type ProposalDecision = z.infer<typeof ProposalDecisionSchema>;

async function fileDecision(proposal: Proposal, decidedAt: string): Promise<void> {
  const decision: ProposalDecision = {
    proposalId: proposal.id,
    revision: proposal.revision,
    status: proposal.status,
    department: proposal.department,
    submittedAt: proposal.submittedAt,
    decidedAt,
  };
  await documentClient.send(new PutCommand({ TableName: environment.tableName, Item: { ...keys.proposalDecision(decidedAt, proposal.id, proposal.revision), ...decision } }));
}

/** The number of items a query matches, counted by DynamoDB (no items come back), page by page. */
async function countOf(input: { IndexName: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> }): Promise<number> {
  let count = 0;
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const output = await documentClient.send(new QueryCommand({ TableName: environment.tableName, ...input, Select: 'COUNT', ExclusiveStartKey: exclusiveStartKey }));
    count += output.Count ?? 0;
    exclusiveStartKey = output.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return count;
}

/** The `YYYY-MM` months that [from, until) touches, in UTC. */
function monthsBetween(from: Date, until: Date): string[] {
  const months: string[] = [];
  const cursorDate = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  while (cursorDate < until) {
    months.push(cursorDate.toISOString().slice(0, 7));
    cursorDate.setUTCMonth(cursorDate.getUTCMonth() + 1);
  }
  return months;
}

/** One page of a listing and the cursor of the next, if any. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** A stored proposal: its estimated cost is kept in integer minor units, read back as the decimal entered. */
function toProposal(item: Record<string, unknown>): Proposal {
  const record = withoutKeys(item);
  const cost = StoredMoneySchema.safeParse(record.estimatedCost);
  return ProposalSchema.parse(cost.success ? { ...record, estimatedCost: fromStoredMoney(cost.data) } : record);
}

/** The item of a proposal: keys, index keys, and the record with its cost in minor units. */
function itemOf(proposal: Proposal): Record<string, unknown> {
  return { ...keys.proposal(proposal.id), kind: 'proposal', ...indexKeys(proposal), ...proposal, estimatedCost: toStoredMoney(proposal.estimatedCost) };
}

const StoredMoneySchema = z.object({ amountMinor: z.number().int(), currency: z.string() });

function indexKeys(proposal: Pick<Proposal, 'status' | 'submittedAt' | 'id' | 'submitter'>) {
  return {
    gsi1pk: keys.proposalsByStatus(proposal.status),
    gsi1sk: `${proposal.submittedAt}#${proposal.id}`,
    gsi2pk: keys.proposalsBySubmitter(proposal.submitter.email),
    gsi2sk: `${proposal.submittedAt}#${proposal.id}`,
    gsi3pk: keys.allProposals,
    gsi3sk: `${proposal.submittedAt}#${proposal.id}`,
  };
}

const REVIEWABLE: readonly ProposalStatus[] = ['SUBMITTED', 'IN_REVIEW'];

/** Proposals in the table. Every status change is a conditional write on the current status. */
/** A page of one index partition's proposals, newest first; the cursor must be one issued for that partition. */
async function newestFirst(index: IndexName, partition: string, options: { limit: number; cursor?: string }): Promise<Page<Proposal>> {
  const { Items, LastEvaluatedKey } = await documentClient.send(
    new QueryCommand({
      TableName: environment.tableName,
      IndexName: INDEX[index],
      KeyConditionExpression: `${index}pk = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: false,
      Limit: options.limit,
      ExclusiveStartKey: cursor.decode(options.cursor, { attribute: `${index}pk`, value: partition }),
    }),
  );
  const nextCursor = cursor.encode(LastEvaluatedKey);
  return { items: (Items ?? []).map(toProposal), ...(nextCursor ? { nextCursor } : {}) };
}

export const proposalRepository = {
  /** Stores a new proposal; fails if the id exists. */
  async create(proposal: Proposal): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: itemOf(proposal),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async get(id: string): Promise<Proposal | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.proposal(id), ConsistentRead: true }),
    );
    return Item ? toProposal(Item) : undefined;
  },

  /** Proposals newest first, optionally of one status. */
  async list(options: { status?: ProposalStatus; limit: number; cursor?: string }): Promise<Page<Proposal>> {
    return options.status !== undefined
      ? newestFirst('gsi1', keys.proposalsByStatus(options.status), options)
      : newestFirst('gsi3', keys.allProposals, options);
  },

  /** A person's own proposals, newest first, through the by-submitter index. */
  async listBySubmitter(email: string, options: { limit: number; cursor?: string }): Promise<Page<Proposal>> {
    return newestFirst('gsi2', keys.proposalsBySubmitter(email), options);
  },

  /**
   * Proposals still SUBMITTED whose last change is older than `cutoff`: saved, but their review
   * never started. Read through the status index, never a scan.
   */
  async listSubmittedBefore(cutoff: Date): Promise<Proposal[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk',
      FilterExpression: 'updatedAt < :cutoff',
      ExpressionAttributeValues: { ':pk': keys.proposalsByStatus('SUBMITTED'), ':cutoff': cutoff.toISOString() },
    });
    return items.map(toProposal);
  },

  /** Links an approved proposal to the project it became (once; a replay changes nothing). */
  async linkProject(id: string, projectId: string, now: Date): Promise<void> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.proposal(id),
          UpdateExpression: 'SET projectId = :project, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(projectId)',
          ExpressionAttributeValues: { ':project': projectId, ':now': now.toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },

  /** Stores the score of a proposal still under review; returns false if the review has ended. */
  async saveScore(id: string, score: ProposalScore, now: Date): Promise<boolean> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.proposal(id),
          UpdateExpression: 'SET score = :score, updatedAt = :now',
          ConditionExpression: '#status IN (:submitted, :inReview)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':score': score, ':now': now.toISOString(), ':submitted': 'SUBMITTED', ':inReview': 'IN_REVIEW' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /** Stores the review plan and the level being decided; moves the proposal to IN_REVIEW. */
  async saveReview(proposal: Proposal, review: ProposalReview, now: Date): Promise<boolean> {
    return transition(proposal, 'IN_REVIEW', { review }, now);
  },

  /**
   * Withdraws a proposal still in review. Returns false if the review had already ended (or the
   * proposal was withdrawn before).
   */
  async withdraw(proposal: Proposal, outcome: ProposalOutcome, now: Date): Promise<boolean> {
    return transition(proposal, 'WITHDRAWN', { outcome }, now);
  },

  /**
   * Replaces a rejected proposal's content with its revision and puts it back to SUBMITTED, with
   * score, review and outcome cleared and the new revision's execution named. Conditional on
   * REJECTED and on the revision read, so a double submit of the revise form resubmits once.
   */
  async resubmit(proposal: Proposal, input: ProposalInput, now: Date): Promise<Proposal | undefined> {
    const revision = proposal.revision + 1;
    const next: Proposal = {
      ...proposal,
      ...input,
      status: 'SUBMITTED',
      revision,
      attempt: 1,
      executionName: intakeExecutionName(proposal.id, revision),
      updatedAt: now.toISOString(),
    };
    delete (next as { score?: unknown }).score;
    return replaceIf(next, '#status = :rejected AND revision = :revision', { ':rejected': 'REJECTED', ':revision': proposal.revision });
  },

  /**
   * Puts a proposal whose review failed or expired back to SUBMITTED under a new execution (the
   * next attempt), with review and outcome cleared. Conditional on the status and execution read,
   * so a restart link used twice restarts once. Undefined when someone else restarted it first.
   */
  async restart(proposal: Proposal, now: Date): Promise<Proposal | undefined> {
    const attempt = proposal.attempt + 1;
    const next: Proposal = {
      ...proposal,
      status: 'SUBMITTED',
      attempt,
      executionName: intakeExecutionName(proposal.id, proposal.revision, attempt),
      restartKeyHashes: [],
      updatedAt: now.toISOString(),
    };
    return replaceIf(next, '#status = :status AND executionName = :execution', { ':status': proposal.status, ':execution': proposal.executionName });
  },

  /** Adds the hash of a new restart link secret, emailed to someone of the PMO. */
  async addRestartKey(id: string, keyHash: string): Promise<void> {
    await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.proposal(id),
        UpdateExpression: 'SET restartKeyHashes = list_append(if_not_exists(restartKeyHashes, :empty), :hash)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':hash': [keyHash], ':empty': [] },
      }),
    );
  },

  /** Adds the hash of a new submitter link secret (each email to the submitter carries its own). */
  async addSubmitterKey(id: string, keyHash: string): Promise<void> {
    await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.proposal(id),
        UpdateExpression: 'SET submitterKeyHashes = list_append(if_not_exists(submitterKeyHashes, :empty), :hash)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':hash': [keyHash], ':empty': [] },
      }),
    );
  },

  /**
   * Ends a review with its outcome. Returns the stored proposal; when the review had already ended
   * (a replayed step), the stored outcome is kept and returned unchanged.
   */
  async recordOutcome(proposal: Proposal, status: ProposalStatus, outcome: ProposalOutcome, now: Date): Promise<Proposal> {
    if (!FINAL_STATUSES.includes(status)) throw new Error(`${status} is not a final status`);
    const changed = await transition(proposal, status, { outcome }, now);
    const stored = changed ? { ...proposal, status, outcome, updatedAt: now.toISOString() } : await proposalRepository.get(proposal.id);
    if (!stored) throw new Error(`Proposal ${proposal.id} disappeared`);
    // Filed after the outcome and again on a replay (same key): a step that stopped in between
    // leaves no decision out of the funnel.
    if (stored.outcome && FINAL_STATUSES.includes(stored.status)) await fileDecision(stored, stored.outcome.decidedAt);
    return stored;
  },

  /** How many proposals were submitted in [from, until), through the all-proposals index (keys only). */
  async countSubmittedBetween(from: Date, until: Date): Promise<number> {
    return countOf({ IndexName: INDEX.gsi3, KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :until', ExpressionAttributeValues: { ':pk': keys.allProposals, ':from': from.toISOString(), ':until': until.toISOString() } });
  },

  /** How many proposals wait for a decision now (submitted or in review). */
  async countAwaitingDecision(): Promise<number> {
    const counts = await Promise.all(
      (['SUBMITTED', 'IN_REVIEW'] as const).map((status) => countOf({ IndexName: INDEX.gsi1, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.proposalsByStatus(status) } })),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  },

  /** The proposals decided in [from, until), oldest first: one query per month of the period. */
  async listDecisions(from: Date, until: Date): Promise<ProposalDecision[]> {
    const decisions: ProposalDecision[] = [];
    for (const month of monthsBetween(from, until)) {
      const items = await queryAll({
        TableName: environment.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :until',
        ExpressionAttributeValues: { ':pk': keys.proposalDecisionMonth(month), ':from': from.toISOString(), ':until': `${until.toISOString()}` },
      });
      for (const item of items) {
        const decision = ProposalDecisionSchema.parse(withoutKeys(item));
        if (decision.decidedAt < until.toISOString()) decisions.push(decision);
      }
    }
    return decisions;
  },
};

/**
 * Writes `next` in place of the stored proposal if `condition` (on its status) holds, with review
 * and outcome cleared for the new review. Undefined when the condition failed: someone else moved
 * the proposal first.
 */
async function replaceIf(next: Proposal, condition: string, values: Record<string, unknown>): Promise<Proposal | undefined> {
  const fresh = { ...next };
  delete (fresh as { outcome?: unknown }).outcome;
  delete (fresh as { review?: unknown }).review;
  try {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: itemOf(fresh),
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
    return fresh;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

async function transition(
  proposal: Proposal,
  to: ProposalStatus,
  fields: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':to': to,
    ':now': now.toISOString(),
    ':gsi1pk': keys.proposalsByStatus(to),
    ...Object.fromEntries(REVIEWABLE.map((status, index) => [`:from${index}`, status])),
  };
  const sets = ['#status = :to', 'updatedAt = :now', 'gsi1pk = :gsi1pk'];
  for (const [field, value] of Object.entries(fields)) {
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.proposal(proposal.id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `#status IN (${REVIEWABLE.map((_, index) => `:from${index}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
