import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PersonRef } from '#domain/person-ref.ts';
import { ProjectSchema, type Project, type ProjectStatus } from '#domain/project.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { cursor, INDEX, InvalidCursorError, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** One page of a listing and the cursor of the next, if any. */
export interface ProjectPage {
  readonly items: Project[];
  readonly nextCursor?: string;
}

/** What a listing asks for: newest first, optionally of one status and one department. */
export interface ProjectQuery {
  /** Only the projects this person manages (through the by-manager index). */
  readonly managerEmail?: string;
  readonly status?: ProjectStatus;
  readonly department?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** A change as the table stores it: the fields that change, and when. */
export interface StoredProjectChange {
  readonly manager?: PersonRef;
  readonly status?: ProjectStatus;
  readonly updatedAt: string;
}

/** How many items one listing request reads at most while filtering, before it returns a short page. */
const MAX_ITEMS_READ_PER_PAGE = 1000;
const READ_BATCH = 100;

function toProject(item: Record<string, unknown>): Project {
  return ProjectSchema.parse(withoutKeys(item));
}

function byCreation(project: Pick<Project, 'createdAt' | 'id'>): string {
  return `${project.createdAt}#${project.id}`;
}

function indexKeys(project: Project) {
  return {
    gsi1pk: keys.projectsByStatus(project.status),
    gsi1sk: keys.projectByStatusSort(project.department, project.createdAt, project.id),
    gsi2pk: keys.projectsByManager(project.manager.email),
    gsi2sk: byCreation(project),
    gsi3pk: keys.allProjects,
    gsi3sk: byCreation(project),
  };
}

/** The key of an item in an index, as DynamoDB wants it to resume a query after that item. */
function resumeKeyOf(item: Record<string, unknown>, index: 'gsi1' | 'gsi2' | 'gsi3'): Record<string, unknown> {
  return { pk: item.pk, sk: item.sk, [`${index}pk`]: item[`${index}pk`], [`${index}sk`]: item[`${index}sk`] };
}

/**
 * Reads an index newest first until a page is full. A filter applies after DynamoDB's `Limit`,
 * so one query may return fewer matches than asked: read on, and when a batch holds more than
 * the page needs, resume the next page after the last item kept rather than after the batch.
 */
async function queryPage(
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit' | 'ScanIndexForward'>,
  index: 'gsi1' | 'gsi2' | 'gsi3',
  limit: number,
  startKey: Record<string, unknown> | undefined,
): Promise<ProjectPage> {
  const items: Record<string, unknown>[] = [];
  let exclusiveStartKey = startKey;
  let read = 0;
  while (items.length < limit) {
    const { Items = [], LastEvaluatedKey, ScannedCount = 0 } = await documentClient
      .send(
        new QueryCommand({
          ...input,
          ScanIndexForward: false,
          // Unfiltered, every item read is a match: read no more than the page needs.
          Limit: input.FilterExpression ? READ_BATCH : limit - items.length,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      )
      .catch((error: unknown) => {
        // A cursor of another listing (other filters) names a key this query cannot start from.
        if (exclusiveStartKey === startKey && startKey && error instanceof Error && error.name === 'ValidationException') throw new InvalidCursorError();
        throw error;
      });
    read += ScannedCount;
    const room = limit - items.length;
    if (Items.length > room) {
      items.push(...Items.slice(0, room));
      return page(items, resumeKeyOf(items.at(-1)!, index));
    }
    items.push(...Items);
    exclusiveStartKey = LastEvaluatedKey;
    if (!exclusiveStartKey) return page(items, undefined);
    // A rare filter over a large portfolio: hand back what was found and where to go on.
    if (read >= MAX_ITEMS_READ_PER_PAGE) break;
  }
  return page(items, exclusiveStartKey);
}

function page(items: Record<string, unknown>[], resumeKey: Record<string, unknown> | undefined): ProjectPage {
  const nextCursor = cursor.encode(resumeKey);
  return { items: items.map(toProject), ...(nextCursor ? { nextCursor } : {}) };
}

/** Projects in the table. Every change is conditional on the version read, so none is lost. */
export const projectRepository = {
  /**
   * Stores a new project unless its id exists. Idempotent: a second call (a replay, or a
   * concurrent one that lost the race) gets the project that is stored, with `created: false`.
   */
  async create(project: Project): Promise<{ project: Project; created: boolean }> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: { ...keys.project(project.id), kind: 'project', ...indexKeys(project), ...project },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { project, created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await projectRepository.get(project.id);
    if (!existing) throw new Error(`Project ${project.id} exists and cannot be read`);
    return { project: existing, created: false };
  },

  async get(id: string): Promise<Project | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.project(id), ConsistentRead: true }),
    );
    return Item ? toProject(Item) : undefined;
  },

  /**
   * Projects newest first. With a status, the status index, where the department is the prefix
   * of the sort key; without one, the index of all projects. Throws `InvalidCursorError` for a
   * cursor it did not issue.
   */
  /**
   * Every project of one status, through the status index (its partition holds exactly those):
   * what a timesheet may book to reads only the active projects, never the whole portfolio.
   */
  async listAllOfStatus(status: ProjectStatus): Promise<Project[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.projectsByStatus(status) },
    });
    return items.map((item) => toProject(item));
  },

  async list(query: ProjectQuery): Promise<ProjectPage> {
    const startKey = cursor.decode(query.cursor);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const filters: string[] = [];
    if (query.department !== undefined) {
      // On the status index the department is a prefix, which also matches a department whose
      // name goes on after a '#': compare exactly too.
      names['#department'] = 'department';
      values[':department'] = query.department;
      filters.push('#department = :department');
    }
    if (query.status !== undefined && query.department !== undefined && query.managerEmail === undefined) {
      values[':pk'] = keys.projectsByStatus(query.status);
      values[':prefix'] = `${query.department}#`;
      return queryPage(
        {
          TableName: environment.tableName,
          IndexName: INDEX.gsi1,
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
        'gsi1',
        query.limit,
        startKey,
      );
    }
    // The status index sorts by department first, so one status across all departments is read
    // newest first from the index of all projects (or of one manager's), filtered.
    const byManager = query.managerEmail !== undefined;
    values[':pk'] = byManager ? keys.projectsByManager(query.managerEmail!) : keys.allProjects;
    if (query.status !== undefined) {
      names['#status'] = 'status';
      values[':status'] = query.status;
      filters.push('#status = :status');
    }
    const index = byManager ? 'gsi2' : 'gsi3';
    return queryPage(
      {
        TableName: environment.tableName,
        IndexName: INDEX[index],
        KeyConditionExpression: `${index}pk = :pk`,
        ExpressionAttributeValues: values,
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
      },
      index,
      query.limit,
      startKey,
    );
  },

  /** The projects a person manages, newest first. */
  async listByManager(email: string): Promise<Project[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi2,
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.projectsByManager(email.toLowerCase()) },
      ScanIndexForward: false,
    });
    return items.map(toProject);
  },

  /**
   * Applies a change if the project is still at `expectedVersion`, moving it in the indexes it
   * changes (status: gsi1, manager: gsi2). Returns the stored project, or undefined when the
   * project is missing or another write came first (read again and decide again).
   */
  async update(id: string, change: StoredProjectChange, expectedVersion: number): Promise<Project | undefined> {
    const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':updatedAt': change.updatedAt, ':next': expectedVersion + 1, ':expected': expectedVersion };
    const sets = ['#updatedAt = :updatedAt', '#version = :next'];
    if (change.status !== undefined) {
      names['#status'] = 'status';
      values[':status'] = change.status;
      values[':gsi1pk'] = keys.projectsByStatus(change.status);
      sets.push('#status = :status', 'gsi1pk = :gsi1pk');
    }
    if (change.manager !== undefined) {
      names['#manager'] = 'manager';
      values[':manager'] = { name: change.manager.name, email: change.manager.email };
      values[':gsi2pk'] = keys.projectsByManager(change.manager.email);
      sets.push('#manager = :manager', 'gsi2pk = :gsi2pk');
    }
    try {
      const { Attributes } = await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.project(id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) throw new Error(`The update of project ${id} returned nothing`);
      return toProject(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  },
};
