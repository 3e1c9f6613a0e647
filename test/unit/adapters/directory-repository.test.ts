import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Person } from '#domain/directory.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { cursor, InvalidCursorError, keys } from '#adapters/table-keys.ts';
import { TABLE_NAME, conditionFailure, dynamoDbThrottlingErrors, useAdapterEnvironment } from './adapter-test-support.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const priya: Person = { email: 'priya@example.org', name: 'Priya Shah', department: 'PMO', roles: ['pmo-lead', 'executive'], active: true };
const femi: Person = { email: 'femi@example.org', name: 'Femi Adeyemi', managerEmail: 'priya@example.org', roles: ['finance'], active: true };
const sam: Person = { email: 'sam@example.org', name: 'Sam Lee', managerEmail: 'femi@example.org', roles: [], active: true };

/** A person's own item as the table holds it: by email, by manager, in the list of everyone by name. */
function personItemOf(person: Person, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...keys.person(person.email),
    kind: 'person',
    ...(person.managerEmail ? { gsi1pk: keys.peopleByManager(person.managerEmail), gsi1sk: person.name } : {}),
    gsi3pk: keys.allPeople,
    gsi3sk: keys.personByNameSort(person.name, person.email),
    ...person,
    ...extra,
  };
}

/** A role membership item: the role's partition with a copy of the person. */
function memberItemOf(role: string, person: Person): Record<string, unknown> {
  return { ...keys.roleMember(role, person.email), kind: 'role-member', ...person };
}

/** The items one batch write puts into the table. */
function putItemsOf(input: BatchWriteCommandInput): Record<string, unknown>[] {
  const requests = (input.RequestItems?.[TABLE_NAME] ?? []) as { PutRequest: { Item: Record<string, unknown> } }[];
  return requests.map((request) => request.PutRequest.Item);
}

/** The items of every batch write, in order, each batch as the list of items it put. */
function writtenBatches(): Record<string, unknown>[][] {
  return dynamo.commandCalls(BatchWriteCommand).map((call) => putItemsOf(call.args[0].input));
}

/** A batch write answer that leaves the given items unwritten, as DynamoDB does under load. */
function leftUnprocessed(...items: Record<string, unknown>[]) {
  return { UnprocessedItems: { [TABLE_NAME]: items.map((Item) => ({ PutRequest: { Item } })) } };
}

describe('directoryRepository', () => {
  useAdapterEnvironment();

  beforeEach(() => {
    dynamo.reset();
  });

  describe('importPeople', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('writes each person with their manager and list index entries, and one membership item per role', async () => {
      dynamo.on(BatchWriteCommand).resolves({});

      await directoryRepository.importPeople([priya, femi]);

      expect(writtenBatches()).toEqual([
        [
          { ...keys.person('priya@example.org'), kind: 'person', gsi3pk: 'PEOPLE', gsi3sk: 'priya shah#priya@example.org', ...priya },
          { ...keys.roleMember('pmo-lead', 'priya@example.org'), kind: 'role-member', ...priya },
          { ...keys.roleMember('executive', 'priya@example.org'), kind: 'role-member', ...priya },
          {
            ...keys.person('femi@example.org'),
            kind: 'person',
            gsi1pk: keys.peopleByManager('priya@example.org'),
            gsi1sk: 'Femi Adeyemi',
            gsi3pk: 'PEOPLE',
            gsi3sk: 'femi adeyemi#femi@example.org',
            ...femi,
          },
          { ...keys.roleMember('finance', 'femi@example.org'), kind: 'role-member', ...femi },
        ],
      ]);
    });

    it('writes no version: an imported person is at version 0 for the next change', async () => {
      dynamo.on(BatchWriteCommand).resolves({});

      await directoryRepository.importPeople([priya]);

      expect(writtenBatches()[0]?.[0]).not.toHaveProperty('version');
    });

    it('answers the number of people imported, not of items written', async () => {
      dynamo.on(BatchWriteCommand).resolves({});

      expect(await directoryRepository.importPeople([priya, femi, sam])).toBe(3);
    });

    it('writes at most 25 items per batch, as BatchWriteItem allows', async () => {
      dynamo.on(BatchWriteCommand).resolves({});
      // Each of these people is two items (person and one role membership): 26 items in all.
      const people = Array.from({ length: 13 }, (_, index) => ({ ...sam, email: `p${index}@example.org`, roles: ['finance'] }));

      await directoryRepository.importPeople(people);

      expect(writtenBatches().map((batch) => batch.length)).toEqual([25, 1]);
    });

    it('retries only the unprocessed items, after 100, 200 and 400 ms', async () => {
      vi.useFakeTimers();
      const priyaItem = personItemOf(priya);
      dynamo
        .on(BatchWriteCommand)
        .resolvesOnce(leftUnprocessed(priyaItem))
        .resolvesOnce(leftUnprocessed(priyaItem))
        .resolvesOnce(leftUnprocessed(priyaItem))
        .resolves({ UnprocessedItems: {} });

      const importing = directoryRepository.importPeople([priya, femi]);
      const callsAfter = async (ms: number) => {
        await vi.advanceTimersByTimeAsync(ms);
        return dynamo.commandCalls(BatchWriteCommand).length;
      };

      expect(await callsAfter(0)).toBe(1);
      expect(await callsAfter(99)).toBe(1);
      expect(await callsAfter(1)).toBe(2);
      expect(await callsAfter(199)).toBe(2);
      expect(await callsAfter(1)).toBe(3);
      expect(await callsAfter(399)).toBe(3);
      expect(await callsAfter(1)).toBe(4);
      await expect(importing).resolves.toBe(2);
      expect(writtenBatches().slice(1)).toEqual([[priyaItem], [priyaItem], [priyaItem]]);
    });

    it('gives up with a clear error when the items stay unprocessed through six attempts', async () => {
      vi.useFakeTimers();
      dynamo.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));

      const importing = directoryRepository.importPeople([sam]);
      const outcome = expect(importing).rejects.toThrow('The directory import was throttled; run it again');
      await vi.runAllTimersAsync();

      await outcome;
      expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(6);
    });

    it('moves on to the next batch once a batch is fully written', async () => {
      vi.useFakeTimers();
      const people = Array.from({ length: 13 }, (_, index) => ({ ...sam, email: `p${index}@example.org`, roles: ['finance'] }));
      dynamo
        .on(BatchWriteCommand)
        .callsFakeOnce((input: BatchWriteCommandInput) => leftUnprocessed(...putItemsOf(input).slice(0, 2)))
        .resolves({});

      const importing = directoryRepository.importPeople(people);
      await vi.runAllTimersAsync();

      await expect(importing).resolves.toBe(13);
      const [firstBatch, retry, secondBatch] = writtenBatches();
      expect(retry).toEqual(firstBatch?.slice(0, 2));
      expect(secondBatch).toHaveLength(1);
    });

    it.each(dynamoDbThrottlingErrors)('lets a $name from the batch write through unchanged', async ({ create }) => {
      const throttled = create();
      dynamo.on(BatchWriteCommand).rejects(throttled);

      await expect(directoryRepository.importPeople([sam])).rejects.toBe(throttled);
      expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(1);
    });
  });

  describe('getPerson', () => {
    it('finds a person by email in any case, without the table’s keys or version', async () => {
      dynamo.on(GetCommand).resolves({
        Item: personItemOf(femi, { version: 7 }),
      });

      const person = await directoryRepository.getPerson('Femi@Example.org');

      expect(person).toEqual(femi);
      expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE_NAME, Key: keys.person('femi@example.org') });
    });

    it('answers undefined for someone not in the directory', async () => {
      dynamo.on(GetCommand).resolves({});

      expect(await directoryRepository.getPerson('nobody@example.org')).toBeUndefined();
    });

    it.each(dynamoDbThrottlingErrors)('lets a $name through unchanged', async ({ create }) => {
      const throttled = create();
      dynamo.on(GetCommand).rejects(throttled);

      await expect(directoryRepository.getPerson('femi@example.org')).rejects.toBe(throttled);
    });
  });

  describe('peopleInRole', () => {
    it('finds the role’s members through its membership items, as their own items have them', async () => {
      dynamo.on(QueryCommand).resolves({ Items: [memberItemOf('executive', priya)] });
      dynamo.on(GetCommand, { Key: keys.person('priya@example.org') }).resolves({ Item: personItemOf(priya, { version: 3 }) });

      const people = await directoryRepository.peopleInRole('executive');

      expect(people).toEqual([priya]);
      expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.rolePartition('executive') },
      });
      expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({ TableName: TABLE_NAME, Key: keys.person('priya@example.org') });
    });

    it('leaves out a member who is deactivated', async () => {
      const gone = { ...femi, active: false };
      dynamo.on(QueryCommand).resolves({ Items: [memberItemOf('finance', gone)] });
      dynamo.on(GetCommand).resolves({ Item: personItemOf(gone) });

      expect(await directoryRepository.peopleInRole('finance')).toEqual([]);
    });

    it('believes the person’s own item over a membership copy that a change left behind', async () => {
      // The copy says active finance; the person was deactivated and lost the role since.
      dynamo.on(QueryCommand).resolves({ Items: [memberItemOf('finance', femi)] });
      dynamo.on(GetCommand).resolves({ Item: personItemOf({ ...femi, roles: [] }) });

      expect(await directoryRepository.peopleInRole('finance')).toEqual([]);
    });

    it('leaves out a membership whose person is no longer in the directory', async () => {
      dynamo.on(QueryCommand).resolves({ Items: [memberItemOf('finance', femi)] });
      dynamo.on(GetCommand).resolves({});

      expect(await directoryRepository.peopleInRole('finance')).toEqual([]);
    });

    it('reads every member’s own item', async () => {
      const sam2 = { ...sam, email: 'sam2@example.org', roles: ['finance'] };
      dynamo.on(QueryCommand).resolves({ Items: [memberItemOf('finance', femi), memberItemOf('finance', sam2)] });
      dynamo.on(GetCommand, { Key: keys.person(femi.email) }).resolves({ Item: personItemOf(femi) });
      dynamo.on(GetCommand, { Key: keys.person(sam2.email) }).resolves({ Item: personItemOf(sam2) });

      expect(await directoryRepository.peopleInRole('finance')).toEqual([femi, sam2]);
      expect(dynamo.commandCalls(GetCommand)).toHaveLength(2);
    });

    it('answers no one for a role nobody holds, without reading any person', async () => {
      dynamo.on(QueryCommand).resolves({});

      expect(await directoryRepository.peopleInRole('executive')).toEqual([]);
      expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    });
  });

  describe('findPerson', () => {
    it('answers the person with the version of their item', async () => {
      dynamo.on(GetCommand).resolves({ Item: personItemOf(femi, { version: 4 }) });

      expect(await directoryRepository.findPerson('femi@example.org')).toEqual({ person: femi, version: 4 });
    });

    it('answers version 0 for an imported person, whose item carries none', async () => {
      dynamo.on(GetCommand).resolves({ Item: personItemOf(femi) });

      expect(await directoryRepository.findPerson('femi@example.org')).toEqual({ person: femi, version: 0 });
    });
  });

  describe('listPeople', () => {
    it('reads a page of everyone by name from the list index, and gives a cursor for the next', async () => {
      const lastKey = { ...keys.person(femi.email), gsi3pk: 'PEOPLE', gsi3sk: 'femi adeyemi#femi@example.org' };
      dynamo.on(QueryCommand).resolves({ Items: [personItemOf(femi, { version: 2 })], LastEvaluatedKey: lastKey });

      const page = await directoryRepository.listPeople({ limit: 1 });

      expect(page).toEqual({ items: [femi], nextCursor: cursor.encode(lastKey) });
      expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': 'PEOPLE' },
        Limit: 1,
        ExclusiveStartKey: undefined,
      });
    });

    it('starts after the cursor it gave', async () => {
      const lastKey = { ...keys.person(femi.email), gsi3pk: 'PEOPLE', gsi3sk: 'femi adeyemi#femi@example.org' };
      dynamo.on(QueryCommand).resolves({ Items: [] });

      const page = await directoryRepository.listPeople({ limit: 10, cursor: cursor.encode(lastKey) });

      expect(page).toEqual({ items: [] });
      expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual(lastKey);
    });

    it('refuses a cursor of another listing before any read', async () => {
      const proposalsKey = { ...keys.proposal('p1'), gsi3pk: keys.allProposals, gsi3sk: '2026#p1' };

      await expect(directoryRepository.listPeople({ limit: 10, cursor: cursor.encode(proposalsKey) })).rejects.toBeInstanceOf(InvalidCursorError);
      expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
    });
  });

  describe('createPerson', () => {
    it('writes the person at version 1, only if nobody has the email, then a membership per role', async () => {
      dynamo.on(PutCommand).resolves({});

      expect(await directoryRepository.createPerson(priya)).toBe('created');

      const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
      expect(puts).toEqual([
        { TableName: TABLE_NAME, Item: personItemOf(priya, { version: 1 }), ConditionExpression: 'attribute_not_exists(pk)' },
        { TableName: TABLE_NAME, Item: memberItemOf('pmo-lead', priya) },
        { TableName: TABLE_NAME, Item: memberItemOf('executive', priya) },
      ]);
    });

    it('answers exists, and writes no membership, when someone has the email already', async () => {
      dynamo.on(PutCommand).rejects(conditionFailure());

      expect(await directoryRepository.createPerson(priya)).toBe('exists');
      expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
    });
  });

  describe('updatePerson', () => {
    it('replaces the person only at the version read, and moves the role memberships in step', async () => {
      dynamo.on(PutCommand).resolves({});
      dynamo.on(DeleteCommand).resolves({});
      const after: Person = { ...femi, name: 'Femi A. Adeyemi', roles: ['finance-lead'] };

      const written = await directoryRepository.updatePerson({ person: femi, version: 2 }, after);

      expect(written).toEqual({ person: after, version: 3 });
      const puts = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
      expect(puts[0]).toEqual({
        TableName: TABLE_NAME,
        Item: personItemOf(after, { version: 3 }),
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': 2 },
      });
      expect(puts.slice(1)).toEqual([{ TableName: TABLE_NAME, Item: memberItemOf('finance-lead', after) }]);
      expect(dynamo.commandCalls(DeleteCommand).map((call) => call.args[0].input)).toEqual([{ TableName: TABLE_NAME, Key: keys.roleMember('finance', femi.email) }]);
    });

    it('refreshes the copy of every role kept, so that it says what the person says', async () => {
      dynamo.on(PutCommand).resolves({});
      const after: Person = { ...femi, active: false };

      await directoryRepository.updatePerson({ person: femi, version: 1 }, after);

      expect(dynamo.commandCalls(PutCommand)[1]?.args[0].input.Item).toEqual(memberItemOf('finance', after));
      expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(0);
    });

    it('takes an imported person (no version yet) only while they still have none', async () => {
      dynamo.on(PutCommand).resolves({});

      await directoryRepository.updatePerson({ person: sam, version: 0 }, { ...sam, department: 'Sales' });

      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
        Item: expect.objectContaining({ version: 1, department: 'Sales' }),
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#version)',
      });
    });

    it('drops the manager index entry of a person whose manager is removed', async () => {
      dynamo.on(PutCommand).resolves({});
      const { managerEmail: _removed, ...withoutManager } = femi;

      await directoryRepository.updatePerson({ person: femi, version: 1 }, withoutManager);

      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).not.toHaveProperty('gsi1pk');
    });

    it('answers conflict, and touches no membership, when someone wrote the person since', async () => {
      dynamo.on(PutCommand).rejects(conditionFailure());

      expect(await directoryRepository.updatePerson({ person: femi, version: 2 }, { ...femi, roles: [] })).toBe('conflict');
      expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
      expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(0);
    });

    it.each(dynamoDbThrottlingErrors)('lets a $name through unchanged', async ({ create }) => {
      const throttled = create();
      dynamo.on(PutCommand).rejects(throttled);

      await expect(directoryRepository.updatePerson({ person: femi, version: 2 }, femi)).rejects.toBe(throttled);
    });
  });

  describe('markUndeliverable', () => {
    it('gives the person’s item a new version, so that a change read before the mark cannot undo it', async () => {
      const mark = { reason: 'mailbox unknown', at: '2026-11-01T10:00:00.000Z', kind: 'bounce' as const };
      dynamo.on(UpdateCommand).resolves({ Attributes: personItemOf({ ...femi, undeliverable: mark }, { version: 3 }) });

      await directoryRepository.markUndeliverable('femi@example.org', mark);

      const [personUpdate, membershipUpdate] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
      expect(personUpdate?.UpdateExpression).toBe('SET undeliverable = :mark ADD #version :one');
      expect(membershipUpdate?.Key).toEqual(keys.roleMember('finance', 'femi@example.org'));
      expect(membershipUpdate?.UpdateExpression).toBe('SET undeliverable = :mark');
    });
  });

  describe('isEmpty', () => {
    it('is empty while nobody holds the pmo-lead role', async () => {
      dynamo.on(QueryCommand).resolves({ Items: [] });

      expect(await directoryRepository.isEmpty()).toBe(true);
      const query = dynamo.commandCalls(QueryCommand)[0]?.args[0].input;
      expect(query?.ExpressionAttributeValues).toEqual({ ':pk': keys.rolePartition('pmo-lead') });
    });

    it('is not empty once someone holds the pmo-lead role', async () => {
      dynamo.on(QueryCommand).resolves({ Items: [memberItemOf('pmo-lead', priya)] });

      expect(await directoryRepository.isEmpty()).toBe(false);
    });

    it('is not empty when the only pmo-lead was deactivated (the demo is not seeded over a directory in use)', async () => {
      dynamo.on(QueryCommand).resolves({ Items: [memberItemOf('pmo-lead', { ...priya, active: false })] });
      dynamo.on(GetCommand).resolves({ Item: personItemOf({ ...priya, active: false }) });

      expect(await directoryRepository.isEmpty()).toBe(false);
    });
  });
});
