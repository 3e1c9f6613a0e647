import { BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PersonSchema, type Person, type Role } from '#domain/directory.ts';
import { documentClient } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { isConditionFailure, keys, withoutKeys } from './table-keys.ts';

const BATCH_SIZE = 25;

/** The PMO's directory of people and roles. */
export const directoryRepository = {
  async getPerson(email: string): Promise<Person | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: environment.tableName, Key: keys.person(email.toLowerCase()) }),
    );
    return Item ? PersonSchema.parse(withoutKeys(Item)) : undefined;
  },

  /** The people holding a role, by email. */
  async peopleInRole(role: Role): Promise<Person[]> {
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.rolePartition(role) },
      }),
    );
    return (Items ?? []).map((item) => PersonSchema.parse(withoutKeys(item)));
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
    const markItem = (Key: Record<string, string>) =>
      new UpdateCommand({
        TableName: environment.tableName,
        Key,
        UpdateExpression: 'SET undeliverable = :mark',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(undeliverable) OR undeliverable.#at <= :at)',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':mark': mark, ':at': mark.at },
        ReturnValues: 'ALL_NEW',
      });
    let person: Person;
    try {
      const { Attributes } = await documentClient.send(markItem(keys.person(address)));
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

  /** Whether the directory has anyone at all (the local stack seeds an empty one). */
  async isEmpty(): Promise<boolean> {
    return (await directoryRepository.peopleInRole('pmo-lead')).length === 0;
  },

  /** Writes people and their role memberships (idempotent: the same file twice gives the same table). */
  async importPeople(people: readonly Person[]): Promise<number> {
    const items = people.flatMap((person) => [
      {
        ...keys.person(person.email),
        kind: 'person',
        ...(person.managerEmail ? { gsi1pk: keys.peopleByManager(person.managerEmail), gsi1sk: person.name } : {}),
        ...person,
      },
      ...person.roles.map((role) => ({ ...keys.roleMember(role, person.email), kind: 'role-member', ...person })),
    ]);
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
