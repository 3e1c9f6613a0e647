import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ReportDefinitionSchema, type ReportDefinition } from '#domain/report-definition.ts';
import { ReportDeliverySchema, ReportRunSchema, type ReportDelivery, type ReportRun } from '#domain/report-run.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { cursor, INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** A definition's item: its list entry by name, and, while enabled, its place in the due index. */
function definitionItem(definition: ReportDefinition): Record<string, unknown> {
  return {
    ...keys.reportDefinition(definition.id),
    kind: 'report-definition',
    gsi3pk: keys.allReportDefinitions,
    gsi3sk: `${definition.name.toLowerCase()}#${definition.id}`,
    ...(definition.enabled && definition.nextRunAt ? { gsi1pk: keys.dueReportDefinitions, gsi1sk: `${definition.nextRunAt}#${definition.id}` } : {}),
    ...definition,
  };
}

function toDefinition(item: Record<string, unknown>): ReportDefinition {
  return ReportDefinitionSchema.parse(withoutKeys(item));
}

/** One page of runs, newest first, and the cursor of the next. */
export interface ReportRunPage {
  readonly items: ReportRun[];
  readonly nextCursor?: string;
}

/** Report definitions, their runs and each recipient's copy. */
export const reportRepository = {
  async getDefinition(id: string): Promise<ReportDefinition | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.reportDefinition(id) }));
    return Item ? toDefinition(Item) : undefined;
  },

  /** Whether the default definitions were created once already. */
  async defaultsSeeded(): Promise<boolean> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.reportDefaultsSeeded, ProjectionExpression: 'pk' }));
    return Item !== undefined;
  },

  /** Records that the default definitions were created (after they were). */
  async markDefaultsSeeded(now: Date): Promise<void> {
    await documentClient.send(new PutCommand({ TableName: environment.tableName, Item: { ...keys.reportDefaultsSeeded, kind: 'report-defaults', at: now.toISOString() } }));
  },

  /** Every definition, by name (an organisation has tens, not thousands). */
  async listDefinitions(): Promise<ReportDefinition[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi3,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.allReportDefinitions },
    });
    return items.map(toDefinition);
  },

  /**
   * Writes a definition: a new one only if its id is free (`expectedVersion` 0), a change only
   * over the version it was read at. False when someone else wrote first.
   */
  async putDefinition(definition: ReportDefinition, expectedVersion: number): Promise<boolean> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: definitionItem(definition),
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /** Deletes a definition over the version it was read at (its runs stay, for the record). */
  async deleteDefinition(id: string, expectedVersion: number): Promise<boolean> {
    try {
      await documentClient.send(
        new DeleteCommand({
          TableName: environment.tableName,
          Key: keys.reportDefinition(id),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /** The enabled definitions due at `now` (their next run is at or before it), through the sparse due index. */
  async listDue(now: Date): Promise<ReportDefinition[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :now',
      // `~` sorts after every id character: everything due at `now` itself is included.
      ExpressionAttributeValues: { ':pk': keys.dueReportDefinitions, ':now': `${now.toISOString()}~` },
    });
    return items.map(toDefinition).filter((definition) => definition.enabled && definition.nextRunAt !== undefined && definition.nextRunAt <= now.toISOString());
  },

  /**
   * Moves a definition's next run from `from` to `to` (undefined: no next run), only if it is
   * still due at `from`: of two ticks that both saw it due, one moves it and starts the run.
   */
  async advanceNextRun(id: string, from: string, to: string | undefined): Promise<boolean> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.reportDefinition(id),
          ...(to
            ? {
                UpdateExpression: 'SET nextRunAt = :to, gsi1sk = :sk',
                ExpressionAttributeValues: { ':from': from, ':to': to, ':sk': `${to}#${id}` },
              }
            : { UpdateExpression: 'REMOVE nextRunAt, gsi1pk, gsi1sk', ExpressionAttributeValues: { ':from': from } }),
          ConditionExpression: 'nextRunAt = :from',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /** Records a run once: a retried plan step finds the run it recorded and gets it back unchanged. */
  async createRun(run: ReportRun): Promise<ReportRun> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: { ...keys.reportRun(run.reportId, run.runId), kind: 'report-run', ...run },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return run;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await reportRepository.getRun(run.reportId, run.runId);
      if (!existing) throw error;
      return existing;
    }
  },

  async getRun(reportId: string, runId: string): Promise<ReportRun | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.reportRun(reportId, runId) }));
    return Item ? ReportRunSchema.parse(withoutKeys(Item)) : undefined;
  },

  /** Ends a run with its counts (again on a retried step: the same counts). */
  async finishRun(reportId: string, runId: string, result: Pick<ReportRun, 'status' | 'sent' | 'skipped' | 'failed'>, now: Date): Promise<void> {
    await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.reportRun(reportId, runId),
        UpdateExpression: 'SET #status = :status, sent = :sent, skipped = :skipped, failed = :failed, finishedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': result.status, ':sent': result.sent, ':skipped': result.skipped, ':failed': result.failed, ':now': now.toISOString() },
      }),
    );
  },

  /** A definition's runs, newest first. */
  async listRuns(reportId: string, options: { limit: number; cursor?: string }): Promise<ReportRunPage> {
    const partition = keys.reportDefinition(reportId).pk;
    const output = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
        ExpressionAttributeValues: { ':pk': partition, ':run': 'RUN#' },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: cursor.decode(options.cursor, { attribute: 'pk', value: partition }),
      }),
    );
    const nextCursor = cursor.encode(output.LastEvaluatedKey);
    return { items: (output.Items ?? []).map((item) => ReportRunSchema.parse(withoutKeys(item))), ...(nextCursor ? { nextCursor } : {}) };
  },

  /** Records what happened to one recipient's copy (a retry overwrites it with the newer attempt). */
  async putDelivery(reportId: string, runId: string, delivery: ReportDelivery): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: { ...keys.reportDelivery(reportId, runId, delivery.email), kind: 'report-delivery', ...ReportDeliverySchema.parse(delivery) },
      }),
    );
  },

  async getDelivery(reportId: string, runId: string, email: string): Promise<ReportDelivery | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.reportDelivery(reportId, runId, email) }));
    return Item ? ReportDeliverySchema.parse(withoutKeys(Item)) : undefined;
  },

  /** Every recipient's copy of a run, by email. */
  async listDeliveries(reportId: string, runId: string): Promise<ReportDelivery[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.reportDefinition(reportId).pk, ':prefix': `DELIVERY#${runId}#` },
    });
    return items.map((item) => ReportDeliverySchema.parse(withoutKeys(item)));
  },
};
