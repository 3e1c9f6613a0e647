import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, LeaveSchema, MAX_LEAVE_DAYS, type Leave } from '#domain/working-time.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { isConditionFailure, keys, withoutKeys } from './table-keys.ts';

function toLeave(item: Record<string, unknown>): Leave {
  return LeaveSchema.parse(withoutKeys(item));
}

/**
 * People's leave, in each person's own item collection, sorted by first day. No leave is longer
 * than {@link MAX_LEAVE_DAYS}, so the leave touching a period is found by a key range, not by
 * reading all of a person's leave.
 */
export const leaveRepository = {
  /** A person's leave, earliest first. */
  async listFor(email: string): Promise<Leave[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.person(email).pk, ':prefix': keys.leavePrefix },
    });
    return items.map(toLeave);
  },

  /** A person's leave that touches any day from `from` to `until` (both included), earliest first. */
  async listOverlapping(email: string, from: string, until: string): Promise<Leave[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      // Strongly consistent: recording leave looks again right after its own write.
      ConsistentRead: true,
      // A leave starting up to a year before `from` may still run into it; one starting the day after `until` cannot.
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': keys.person(email).pk,
        ':first': keys.leaveSortFrom(addDays(from, -MAX_LEAVE_DAYS)),
        ':last': keys.leaveSortFrom(addDays(until, 1)),
      },
    });
    return items.map(toLeave).filter((leave) => leave.until >= from && leave.from <= until);
  },

  /** One leave of a person, by id. */
  async find(email: string, id: string): Promise<Leave | undefined> {
    return (await leaveRepository.listFor(email)).find((leave) => leave.id === id);
  },

  async put(leave: Leave): Promise<void> {
    await documentClient.send(
      new PutCommand({ TableName: environment.tableName, Item: { ...keys.leave(leave.email, leave.from, leave.id), kind: 'leave', ...leave } }),
    );
  },

  /** Removes a leave; answers false when it was not there (removed already). */
  async delete(leave: Pick<Leave, 'email' | 'from' | 'id'>): Promise<boolean> {
    try {
      await documentClient.send(
        new DeleteCommand({ TableName: environment.tableName, Key: keys.leave(leave.email, leave.from, leave.id), ConditionExpression: 'attribute_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },
};
