import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TimesheetEditSchema, type TimesheetEdit, type TimesheetEditStatus } from '#domain/timesheet-edit.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** How long a claimed "open edit" may point at a request that was never written before it is taken over. */
const ORPHANED_CLAIM_MS = 15 * 60 * 1000;

function toEdit(item: Record<string, unknown>): TimesheetEdit {
  return TimesheetEditSchema.parse(withoutKeys(item));
}

/** What opening a request came to: opened, or refused because another is open for the week. */
export type EditOpening = { readonly kind: 'opened' } | { readonly kind: 'open-already'; readonly openId: string };

/**
 * Late-edit requests, and the one-open-request-per-week guard. Two single-item conditional writes
 * in a fixed order (dynalite has no transactions): the guard first, then the request; a guard
 * left by a request that was never written (a crash between) is taken over after a while.
 */
export const timesheetEditRepository = {
  async get(id: string): Promise<TimesheetEdit | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.timesheetEdit(id), ConsistentRead: true }));
    return Item ? toEdit(Item) : undefined;
  },

  /** Stores a new request if no other is open for its week. */
  async open(edit: TimesheetEdit, now: Date): Promise<EditOpening> {
    const guard = keys.openTimesheetEdit(edit.email, edit.weekStart);
    try {
      await documentClient.send(
        new PutCommand({ TableName: environment.tableName, Item: { ...guard, kind: 'timesheet-open-edit', editId: edit.id, at: now.toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: guard, ConsistentRead: true }));
      const openId = String(Item?.editId ?? '');
      const orphaned = Item !== undefined && !(await timesheetEditRepository.get(openId)) && now.getTime() - Date.parse(String(Item.at)) > ORPHANED_CLAIM_MS;
      if (!orphaned || !(await takeOver(guard, openId, edit.id, now))) return { kind: 'open-already', openId };
    }
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: { ...keys.timesheetEdit(edit.id), kind: 'timesheet-edit', gsi1pk: keys.timesheetEditsOfWeek(edit.email, edit.weekStart), gsi1sk: `${edit.requestedAt}#${edit.id}`, ...edit },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { kind: 'opened' };
  },

  /**
   * Moves a PENDING request to a final status with `fields`, once: false when it was no longer
   * pending (a replayed step, or a withdrawal first).
   */
  async close(id: string, to: Exclude<TimesheetEditStatus, 'PENDING'>, fields: Partial<Pick<TimesheetEdit, 'decision' | 'appliedAt'>>, now: Date): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':to': to, ':pending': 'PENDING', ':now': now.toISOString() };
    const sets = ['#status = :to', 'updatedAt = :now'];
    for (const [field, value] of Object.entries(fields)) {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.timesheetEdit(id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /** Frees the week for another request, if this one still holds it. */
  async release(edit: Pick<TimesheetEdit, 'id' | 'email' | 'weekStart'>): Promise<void> {
    try {
      await documentClient.send(
        new DeleteCommand({
          TableName: environment.tableName,
          Key: keys.openTimesheetEdit(edit.email, edit.weekStart),
          ConditionExpression: 'editId = :id',
          ExpressionAttributeValues: { ':id': edit.id },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },

  /** The late edits of a person's week, oldest first. */
  async listForWeek(email: string, weekStart: string): Promise<TimesheetEdit[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.timesheetEditsOfWeek(email, weekStart) },
    });
    return items.map(toEdit);
  },
};

async function takeOver(guard: Record<string, string>, fromId: string, toId: string, now: Date): Promise<boolean> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: guard,
        UpdateExpression: 'SET editId = :to, #at = :now',
        ConditionExpression: 'editId = :from',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':to': toId, ':from': fromId, ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
