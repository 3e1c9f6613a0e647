import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashLinkSecret } from '#domain/link-secret.ts';
import { TimesheetSchema, type Timesheet } from '#domain/timesheet.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

function toTimesheet(item: Record<string, unknown>): Timesheet {
  return TimesheetSchema.parse(withoutKeys(item));
}

function indexKeys(timesheet: Pick<Timesheet, 'email' | 'weekStart'>) {
  return {
    gsi1pk: keys.timesheetsOfWeek(timesheet.weekStart),
    gsi1sk: timesheet.email,
    gsi2pk: keys.timesheetsOfPerson(timesheet.email),
    gsi2sk: timesheet.weekStart,
  };
}

/** Hours booked to a project in one week, as its counter holds them. */
export interface ProjectWeekHours {
  readonly weekStart: string;
  readonly hours: number;
}

/** How often an uncount reads again when a count of the same submission raced it. */
const MAX_UNCOUNT_ATTEMPTS = 3;

/**
 * Timesheets, the hours counters of projects, and the keys of emailed week links. Every change of
 * a timesheet is one conditional write on the version read (dynalite has no transactions); the
 * counters are made idempotent by the submissions they counted.
 */
export const timesheetRepository = {
  async get(email: string, weekStart: string): Promise<Timesheet | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.timesheet(email, weekStart), ConsistentRead: true }));
    return Item ? toTimesheet(Item) : undefined;
  },

  /**
   * Stores a draft (the whole timesheet, at `draft.version`) if the stored one is still at
   * `expectedVersion` and a draft (or, at 0, there is none). Returns false when another write came
   * first or the week was submitted: read again and decide again.
   */
  async saveDraft(draft: Timesheet, expectedVersion: number): Promise<boolean> {
    if (draft.status !== 'DRAFT') throw new Error('saveDraft stores drafts only');
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: { ...keys.timesheet(draft.email, draft.weekStart), kind: 'timesheet', ...indexKeys(draft), ...draft },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#version = :expected AND #status = :draft',
                ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
                ExpressionAttributeValues: { ':expected': expectedVersion, ':draft': 'DRAFT' },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /** Submits a draft still at its version: SUBMITTED, the next version. Undefined when it changed meanwhile. */
  async submit(draft: Timesheet, at: string): Promise<Timesheet | undefined> {
    return transition(draft, 'DRAFT', {
      sets: { status: 'SUBMITTED', submittedAt: at, updatedAt: at },
    });
  },

  /** Reopens a submitted week still at its version: a draft again, the next version. Undefined when it changed meanwhile. */
  async reopen(submitted: Timesheet, at: string, by: string): Promise<Timesheet | undefined> {
    return transition(submitted, 'SUBMITTED', {
      sets: { status: 'DRAFT', reopenedAt: at, reopenedBy: by, updatedAt: at },
      removes: ['submittedAt'],
    });
  },

  /**
   * Writes an approved late edit over the week as it was read (`expectedVersion`, 0: none stored):
   * the week SUBMITTED with the approved entries, the next version, and the edit that made it.
   * False when the week changed meanwhile (read it again).
   */
  async replaceWithLateEdit(next: Timesheet & { readonly lateEditId: string }, expectedVersion: number): Promise<boolean> {
    if (next.status !== 'SUBMITTED') throw new Error('A late edit leaves the week submitted');
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: { ...keys.timesheet(next.email, next.weekStart), kind: 'timesheet', ...indexKeys(next), ...next },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /** Every timesheet saved for a week (draft or submitted), through the by-week index: what the chase reads. */
  async listForWeek(weekStart: string): Promise<Timesheet[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.timesheetsOfWeek(weekStart) },
    });
    return items.map(toTimesheet);
  },

  /** A person's timesheets, newest week first. */
  async listForPerson(email: string): Promise<Timesheet[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi2,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.timesheetsOfPerson(email) },
      ScanIndexForward: false,
    });
    return items.map(toTimesheet);
  },

  /**
   * Adds a submission's hours to a project's counter of the week, once per `token` (a person and
   * submitted version): ADD with `NOT contains(countedVersions, token)`. Also refused once the
   * token was uncounted, so a late retry of a reopened submission adds nothing. Returns whether
   * this call added them.
   */
  async countProjectHours(projectId: string, weekStart: string, token: string, hours: number): Promise<boolean> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.projectHours(projectId, weekStart),
          UpdateExpression: 'SET #kind = :kind, projectId = :projectId, weekStart = :weekStart ADD #hours :hours, countedVersions :tokens',
          ConditionExpression: 'NOT contains(countedVersions, :token) AND NOT contains(uncountedVersions, :token)',
          ExpressionAttributeNames: { '#kind': 'kind', '#hours': 'hours' },
          ExpressionAttributeValues: { ':kind': 'project-hours', ':projectId': projectId, ':weekStart': weekStart, ':hours': hours, ':tokens': new Set([token]), ':token': token },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },

  /**
   * Takes a reopened submission's hours off a project's counter, once per `token`: only if they
   * were counted and not yet taken off. When they were never counted, marks the token so that a
   * late count of it adds nothing. Returns whether this call took hours off.
   */
  async uncountProjectHours(projectId: string, weekStart: string, token: string, hours: number): Promise<boolean> {
    const key = keys.projectHours(projectId, weekStart);
    const names = { '#kind': 'kind', '#hours': 'hours' };
    for (let attempt = 1; attempt <= MAX_UNCOUNT_ATTEMPTS; attempt += 1) {
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: environment.tableName,
            Key: key,
            UpdateExpression: 'ADD #hours :negative, uncountedVersions :tokens',
            ConditionExpression: 'contains(countedVersions, :token) AND NOT contains(uncountedVersions, :token)',
            ExpressionAttributeNames: { '#hours': 'hours' },
            ExpressionAttributeValues: { ':negative': -hours, ':tokens': new Set([token]), ':token': token },
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      // Never counted (or taken off already): leave the mark, unless it was counted meanwhile.
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: environment.tableName,
            Key: key,
            UpdateExpression: 'SET #kind = :kind, projectId = :projectId, weekStart = :weekStart ADD #hours :zero, uncountedVersions :tokens',
            ConditionExpression: 'NOT contains(countedVersions, :token)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':kind': 'project-hours', ':projectId': projectId, ':weekStart': weekStart, ':zero': 0, ':tokens': new Set([token]), ':token': token },
          }),
        );
        return false;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      // Counted: either taken off already (done), or counted between the two writes (try again).
      const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: key, ConsistentRead: true }));
      if (setHas(Item?.uncountedVersions, token)) return false;
    }
    throw new Error(`The hours of ${token} on project ${projectId} kept changing while they were taken off; try again`);
  },

  /** A project's hours per week, oldest week first. */
  async projectHours(projectId: string): Promise<ProjectWeekHours[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.project(projectId).pk, ':prefix': keys.projectHoursPrefix },
      ProjectionExpression: 'weekStart, #hours',
      ExpressionAttributeNames: { '#hours': 'hours' },
    });
    return items.map((item) => ({ weekStart: String(item.weekStart), hours: Number(item.hours ?? 0) }));
  },

  /** Stores the hash of an emailed week link's secret, valid until `expiresAt` (the week's lock). */
  async issueLinkKey(email: string, weekStart: string, secret: string, now: Date, expiresAt: Date): Promise<void> {
    await documentClient.send(
      new PutCommand({
        TableName: environment.tableName,
        Item: {
          ...keys.timesheetLinkKey(email, weekStart, hashLinkSecret(secret)),
          kind: 'timesheet-link',
          issuedAt: now.toISOString(),
          expiresAt: Math.floor(expiresAt.getTime() / 1000),
        },
      }),
    );
  },

  /**
   * What a presented week-link secret is for this person and week: `valid`, `expired` (it was one,
   * and the week has locked), or `unknown` (wrong, for another person or week, or deleted since).
   * Expired keys are refused on read, as TTL deletion is lazy.
   */
  async linkKeyState(email: string, weekStart: string, secret: string | undefined, now: Date): Promise<'valid' | 'expired' | 'unknown'> {
    if (!secret || secret.length > 256) return 'unknown';
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.timesheetLinkKey(email, weekStart, hashLinkSecret(secret)), ConsistentRead: true }),
    );
    if (!Item) return 'unknown';
    return Number(Item.expiresAt) > now.getTime() / 1000 ? 'valid' : 'expired';
  },
};

function setHas(value: unknown, member: string): boolean {
  return value instanceof Set ? value.has(member) : Array.isArray(value) ? value.includes(member) : false;
}

/**
 * Moves a timesheet from `from` to another status at the next version, if it is still at its
 * version and status; undefined when it is not.
 */
async function transition(current: Timesheet, from: Timesheet['status'], change: { sets: Record<string, string>; removes?: readonly string[] }): Promise<Timesheet | undefined> {
  const names: Record<string, string> = { '#version': 'version', '#status': 'status' };
  const values: Record<string, unknown> = { ':expected': current.version, ':next': current.version + 1, ':from': from };
  const sets = ['#version = :next'];
  for (const [field, value] of Object.entries(change.sets)) {
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  for (const field of change.removes ?? []) names[`#${field}`] = field;
  const removes = (change.removes ?? []).map((field) => `#${field}`);
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.timesheet(current.email, current.weekStart),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#version = :expected AND #status = :from',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!Attributes) throw new Error(`The change of timesheet ${current.email} ${current.weekStart} returned nothing`);
    return toTimesheet(Attributes);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}
