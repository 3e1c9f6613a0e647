import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { StoredHistoryEvent } from './history.ts';

/** The statuses of a Standard workflow execution. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** An execution as persisted. Dates are epoch milliseconds; `input` and `output` are JSON text. */
export interface ExecutionRecord {
  readonly stateMachineArn: string;
  readonly executionArn: string;
  readonly name: string;
  readonly input: string;
  readonly status: ExecutionStatus;
  readonly startDate: number;
  readonly stopDate?: number;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

const KEY_PREFIX = 'LOCALSFN#';
const EXECUTION_PREFIX = 'EXECUTION#';
const HISTORY_PREFIX = 'HISTORY#';

/**
 * Creates the execution table (string keys `pk` HASH and `sk` RANGE, on demand) if it is
 * missing, and waits until it is ACTIVE.
 */
export async function ensureExecutionTable(client: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Executions in one DynamoDB table: one item per execution (`pk` = state machine ARN, `sk` =
 * `EXECUTION#<name>`), and its coarse history in a sibling item (`HISTORY#<name>`) so that the
 * record stays small.
 */
export class ExecutionStore {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes a new execution unless one of that name exists for the state machine; returns the
   * existing one in that case (so that the caller can apply StartExecution's idempotency rule).
   */
  async create(record: ExecutionRecord): Promise<ExecutionRecord | undefined> {
    try {
      await this.documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.toItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(record.stateMachineArn, record.name);
      if (!existing) throw new Error(`Execution ${record.name} exists but could not be read back`);
      return existing;
    }
  }

  /** Writes the final state of an execution that is still RUNNING in the table. */
  async complete(record: ExecutionRecord): Promise<boolean> {
    try {
      await this.documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.toItem(record),
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': 'RUNNING' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(stateMachineArn: string, name: string): Promise<ExecutionRecord | undefined> {
    const { Item } = await this.documentClient.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: KEY_PREFIX + stateMachineArn, sk: EXECUTION_PREFIX + name },
        ConsistentRead: true,
      }),
    );
    return Item ? this.fromItem(Item) : undefined;
  }

  /** Every execution of a state machine (all statuses). */
  async listByStateMachine(stateMachineArn: string): Promise<ExecutionRecord[]> {
    const records: ExecutionRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.documentClient.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': KEY_PREFIX + stateMachineArn, ':prefix': EXECUTION_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) records.push(this.fromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  async saveHistory(stateMachineArn: string, name: string, events: readonly StoredHistoryEvent[]): Promise<void> {
    await this.documentClient.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: KEY_PREFIX + stateMachineArn, sk: HISTORY_PREFIX + name, events: JSON.stringify(events) },
      }),
    );
  }

  async loadHistory(stateMachineArn: string, name: string): Promise<StoredHistoryEvent[]> {
    const { Item } = await this.documentClient.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: KEY_PREFIX + stateMachineArn, sk: HISTORY_PREFIX + name },
        ConsistentRead: true,
      }),
    );
    if (!Item || typeof Item.events !== 'string') return [];
    try {
      const events: unknown = JSON.parse(Item.events);
      return Array.isArray(events) ? (events as StoredHistoryEvent[]) : [];
    } catch {
      return [];
    }
  }

  private toItem(record: ExecutionRecord): Record<string, unknown> {
    const item: Record<string, unknown> = {
      pk: KEY_PREFIX + record.stateMachineArn,
      sk: EXECUTION_PREFIX + record.name,
    };
    for (const [key, value] of Object.entries(record)) if (value !== undefined && value !== '') item[key] = value;
    return item;
  }

  private fromItem(item: Record<string, unknown>): ExecutionRecord {
    const text = (key: string) => (typeof item[key] === 'string' ? (item[key] as string) : undefined);
    const number = (key: string) => (typeof item[key] === 'number' ? (item[key] as number) : undefined);
    return {
      stateMachineArn: text('stateMachineArn') ?? '',
      executionArn: text('executionArn') ?? '',
      name: text('name') ?? '',
      input: text('input') ?? '{}',
      status: (text('status') ?? 'RUNNING') as ExecutionStatus,
      startDate: number('startDate') ?? 0,
      stopDate: number('stopDate'),
      output: text('output'),
      error: text('error'),
      cause: text('cause'),
    };
  }
}
