import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PersonSchema, type Person, type Role } from '#domain/directory.ts';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { cursor, INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

const BATCH_SIZE = 25;
/** How many person items are read at once. */
const PARALLEL_READS = 16;

/** A person as stored, with the version of their item: what a change starts from. */
export interface StoredPerson {
  readonly person: Person;
  /** Bumped by every write of the item; 0 for an item written by an import, which carries none. */
  readonly version: number;
}

/** One page of the directory, by name. */
export interface PeoplePage {
  readonly items: Person[];
  readonly nextCursor?: string;
}

/**
 * The person's own item: by email, in their manager's index and in the list of everyone. An
 * import writes no version (its items are the file's, whatever was there).
 */
function personItem(person: Person, version?: number): Record<string, unknown> {
  return {
    ...keys.person(person.email),
    kind: 'person',
    ...(person.managerEmail ? { gsi1pk: keys.peopleByManager(person.managerEmail), gsi1sk: person.name } : {}),
    gsi3pk: keys.allPeople,
    gsi3sk: keys.personByNameSort(person.name, person.email),
    ...person,
    ...(version === undefined ? {} : { version }),
  };
}

/** A role membership: the role's partition, with a copy of the person (what routing by role reads). */
function roleMemberItem(role: Role, person: Person): Record<string, unknown> {
  return { ...keys.roleMember(role, person.email), kind: 'role-member', ...person };
}

function toStoredPerson(item: Record<string, unknown>): StoredPerson {
  return { person: PersonSchema.parse(withoutKeys(item)), version: typeof item.version === 'number' ? item.version : 0 };
}

/**
 * The person items of these emails, a few at a time; an email nobody has is left out. Single-item
 * reads, not BatchGetItem: a role holds a handful of people, and the functions' table permissions
 * stay the actions they already have (least privilege, asserted by the template tests).
 */
async function personItems(emails: readonly string[]): Promise<Map<string, StoredPerson>> {
  const found = new Map<string, StoredPerson>();
  for (let start = 0; start < emails.length; start += PARALLEL_READS) {
    const items = await Promise.all(
      emails.slice(start, start + PARALLEL_READS).map(async (email) => {
        const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.person(email) }));
        return Item;
      }),
    );
    for (const item of items) {
      if (!item) continue;
      const stored = toStoredPerson(item);
      found.set(stored.person.email, stored);
    }
  }
  return found;
}

/** The membership items of a role, as they are (whoever they name, active or not). */
async function roleMembers(role: Role): Promise<Person[]> {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: environment.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.rolePartition(role) },
    }),
  );
  return (Items ?? []).map((item) => PersonSchema.parse(withoutKeys(item)));
}

/** The PMO's directory of people and roles. */
export const directoryRepository = {
  async getPerson(email: string): Promise<Person | undefined> {
    return (await directoryRepository.findPerson(email))?.person;
  },

  /** A person with the version of their item, for a change that must not overwrite another. */
  async findPerson(email: string): Promise<StoredPerson | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.person(email.toLowerCase()) }),
    );
    return Item ? toStoredPerson(Item) : undefined;
  },

  /**
   * The active people holding a role, by email: whom approvals routed to the role go to. The
   * membership items find them; each person's own item then has the last word, because a change
   * writes the person first and the memberships after it (there are no transactions locally), so
   * a membership left behind by a change that stopped half-way is not believed.
   */
  async peopleInRole(role: Role): Promise<Person[]> {
    const members = await roleMembers(role);
    if (members.length === 0) return [];
    const current = await personItems(members.map((member) => member.email));
    return members.flatMap((member) => {
      const person = current.get(member.email)?.person;
      return person?.active && person.roles.includes(role) ? [person] : [];
    });
  },

  /** Everyone in the directory, active or not, a page at a time by name. Throws InvalidCursorError for a cursor it did not issue. */
  async listPeople(options: { readonly limit: number; readonly cursor?: string | undefined }): Promise<PeoplePage> {
    const { Items, LastEvaluatedKey } = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        IndexName: INDEX.gsi3,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.allPeople },
        Limit: options.limit,
        ExclusiveStartKey: cursor.decode(options.cursor, { attribute: 'gsi3pk', value: keys.allPeople }),
      }),
    );
    const nextCursor = cursor.encode(LastEvaluatedKey);
    return { items: (Items ?? []).map((item) => PersonSchema.parse(withoutKeys(item))), ...(nextCursor ? { nextCursor } : {}) };
  },

  /**
   * Adds a person who is not in the directory yet, with their role memberships. Answers
   * `exists` (and writes nothing) when someone has the email already.
   */
  async createPerson(person: Person): Promise<'created' | 'exists'> {
    try {
      await documentClient.send(
        new PutCommand({ TableName: environment.tableName, Item: personItem(person, 1), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return 'exists';
      throw error;
    }
    for (const role of person.roles) await documentClient.send(new PutCommand({ TableName: environment.tableName, Item: roleMemberItem(role, person) }));
    return 'created';
  },

  /**
   * Replaces a person as read (`before`) with `after`, only if nobody wrote them since: answers
   * `conflict` (and writes nothing) otherwise. Then brings the role memberships in step: a role
   * added gets its item, a role removed loses it, and every membership's copy is refreshed. A
   * membership the change stopped before fixing is repaired by the next change of the person, and
   * not believed meanwhile ({@link directoryRepository.peopleInRole}).
   */
  async updatePerson(before: StoredPerson, after: Person): Promise<StoredPerson | 'conflict'> {
    const email = before.person.email;
    if (after.email !== email) throw new Error('A person’s email address cannot change');
    const version = before.version + 1;
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: personItem(after, version),
          ConditionExpression: before.version === 0 ? 'attribute_exists(pk) AND attribute_not_exists(#version)' : '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ...(before.version === 0 ? {} : { ExpressionAttributeValues: { ':version': before.version } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return 'conflict';
      throw error;
    }
    for (const role of after.roles) await documentClient.send(new PutCommand({ TableName: environment.tableName, Item: roleMemberItem(role, after) }));
    for (const role of before.person.roles.filter((role) => !after.roles.includes(role))) {
      await documentClient.send(new DeleteCommand({ TableName: environment.tableName, Key: keys.roleMember(role, email) }));
    }
    return { person: after, version };
  },

  /**
   * Marks a person's address undeliverable (SES reported a bounce for good, or a complaint), on
   * the person and on each of their role memberships, which carry a copy of the person. Only
   * someone in the directory is marked, and an older report never replaces a newer one: SES
   * events arrive more than once and out of order. Returns the person as stored now, or
   * undefined when nobody in the directory has this address.
   */
  async markUndeliverable(email: string, mark: NonNullable<Person['undeliverable']>): Promise<Person | undefined> {
    const address = email.toLowerCase();
    // The person's own item gets a new version, so that a change read before the mark cannot write over it.
    const markItem = (Key: Record<string, string>, bumpVersion = false) =>
      new UpdateCommand({
        TableName: environment.tableName,
        Key,
        UpdateExpression: bumpVersion ? 'SET undeliverable = :mark ADD #version :one' : 'SET undeliverable = :mark',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(undeliverable) OR undeliverable.#at <= :at)',
        ExpressionAttributeNames: { '#at': 'at', ...(bumpVersion ? { '#version': 'version' } : {}) },
        ExpressionAttributeValues: { ':mark': mark, ':at': mark.at, ...(bumpVersion ? { ':one': 1 } : {}) },
        ReturnValues: 'ALL_NEW',
      });
    let person: Person;
    try {
      const { Attributes } = await documentClient.send(markItem(keys.person(address), true));
      person = PersonSchema.parse(withoutKeys(Attributes ?? {}));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Nobody has this address, or a newer report marked them already.
      return directoryRepository.getPerson(address);
    }
    for (const role of person.roles) {
      try {
        await documentClient.send(markItem(keys.roleMember(role, address)));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return person;
  },

  /**
   * Whether the directory has anyone at all (the local stack seeds an empty one). Anyone ever made
   * PMO lead counts, active or not: a directory whose lead was deactivated is not seeded again.
   */
  async isEmpty(): Promise<boolean> {
    return (await roleMembers('pmo-lead')).length === 0;
  },

  /** Writes people and their role memberships (idempotent: the same file twice gives the same table). */
  async importPeople(people: readonly Person[]): Promise<number> {
    const items = people.flatMap((person) => [personItem(person), ...person.roles.map((role) => roleMemberItem(role, person))]);
    for (let start = 0; start < items.length; start += BATCH_SIZE) {
      let requests: Record<string, unknown[]> | undefined = {
        [environment.tableName]: items.slice(start, start + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } })),
      };
      for (let attempt = 0; requests && Object.keys(requests).length > 0; attempt += 1) {
        if (attempt > 5) throw new Error('The directory import was throttled; run it again');
        const { UnprocessedItems } = await documentClient.send(new BatchWriteCommand({ RequestItems: requests as never }));
        requests = UnprocessedItems as Record<string, unknown[]> | undefined;
        if (requests && Object.keys(requests).length > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
    return people.length;
  },
};
