import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { HolidayCalendarSchema, type HolidayCalendar } from '#domain/working-time.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** A calendar's item: its own key, and its place in the list of every calendar. */
function calendarItem(calendar: HolidayCalendar, updatedAt: string): Record<string, unknown> {
  return { ...keys.holidayCalendar(calendar.id), kind: 'holiday-calendar', gsi3pk: keys.allHolidayCalendars, gsi3sk: calendar.id, ...calendar, updatedAt };
}

function toCalendar(item: Record<string, unknown>): HolidayCalendar {
  return HolidayCalendarSchema.parse(withoutKeys(item));
}

/** The organisation's public-holiday calendars, one item each (a few hundred days at most). */
export const holidayCalendarRepository = {
  async get(id: string): Promise<HolidayCalendar | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.holidayCalendar(id) }));
    return Item ? toCalendar(Item) : undefined;
  },

  /** Whether a calendar with this id exists (reads only its key). */
  async exists(id: string): Promise<boolean> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.holidayCalendar(id), ProjectionExpression: 'pk' }),
    );
    return Item !== undefined;
  },

  /** Every calendar, by id. */
  async list(): Promise<HolidayCalendar[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi3,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.allHolidayCalendars },
    });
    return items.map(toCalendar);
  },

  /** Writes a calendar whole, replacing any with its id; answers whether it was new. */
  async put(calendar: HolidayCalendar, now: Date): Promise<'created' | 'replaced'> {
    const { Attributes } = await documentClient.send(
      new PutCommand({ TableName: environment.tableName, Item: calendarItem(calendar, now.toISOString()), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes ? 'replaced' : 'created';
  },

  /** Writes a calendar only if none with its id exists; answers whether it did. */
  async putIfAbsent(calendar: HolidayCalendar, now: Date): Promise<boolean> {
    try {
      await documentClient.send(
        new PutCommand({ TableName: environment.tableName, Item: calendarItem(calendar, now.toISOString()), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /** Whether the shipped calendars were added once already (the marker written after them). */
  async shippedCalendarsAdded(): Promise<boolean> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.shippedCalendarsMarker, ProjectionExpression: 'pk' }));
    return Item !== undefined;
  },

  /** Records that the shipped calendars were added, so a calendar the PMO deleted or renamed is not added again. */
  async markShippedCalendarsAdded(now: Date): Promise<void> {
    await documentClient.send(new PutCommand({ TableName: environment.tableName, Item: { ...keys.shippedCalendarsMarker, kind: 'calendars-shipped', at: now.toISOString() } }));
  },

  /** Whether the table has no calendar at all (the local stack seeds an empty one). */
  async isEmpty(): Promise<boolean> {
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        IndexName: INDEX.gsi3,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.allHolidayCalendars },
        Limit: 1,
      }),
    );
    return (Items ?? []).length === 0;
  },
};
