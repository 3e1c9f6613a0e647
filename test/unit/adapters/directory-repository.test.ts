import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchWriteCommand, type BatchWriteCommandInput, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Person } from '#domain/directory.ts';
import { directoryRepository } from '#adapters/directory-repository.ts';
import { keys } from '#adapters/table-keys.ts';
import { TABLE_NAME, dynamoDbThrottlingErrors, useAdapterEnvironment } from './adapter-test-support.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const priya: Person = { email: 'priya@example.org', name: 'Priya Shah', department: 'PMO', roles: ['pmo-lead', 'executive'] };
const femi: Person = { email: 'femi@example.org', name: 'Femi Adeyemi', managerEmail: 'priya@example.org', roles: ['finance'] };
const sam: Person = { email: 'sam@example.org', name: 'Sam Lee', managerEmail: 'femi@example.org', roles: [] };

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

    it('writes each person with their manager index entry, and one membership item per role', async () => {
      dynamo.on(BatchWriteCommand).resolves({});

      await directoryRepository.importPeople([priya, femi]);

      expect(writtenBatches()).toEqual([
        [
          { ...keys.person('priya@example.org'), kind: 'person', ...priya },
          { ...keys.roleMember('pmo-lead', 'priya@example.org'), kind: 'role-member', ...priya },
          { ...keys.roleMember('executive', 'priya@example.org'), kind: 'role-member', ...priya },
          {
            ...keys.person('femi@example.org'),
            kind: 'person',
            gsi1pk: keys.peopleByManager('priya@example.org'),
            gsi1sk: 'Femi Adeyemi',
            ...femi,
          },
          { ...keys.roleMember('finance', 'femi@example.org'), kind: 'role-member', ...femi },
        ],
      ]);
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
      const priyaItem = { ...keys.person('priya@example.org'), kind: 'person', ...priya };
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
    it('finds a person by email in any case, without the table’s keys', async () => {
      dynamo.on(GetCommand).resolves({
        Item: { ...keys.person('femi@example.org'), kind: 'person', gsi1pk: keys.peopleByManager('priya@example.org'), gsi1sk: 'Femi Adeyemi', ...femi },
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
    it('reads the role’s membership items as people', async () => {
      dynamo.on(QueryCommand).resolves({ Items: [{ ...keys.roleMember('executive', 'priya@example.org'), kind: 'role-member', ...priya }] });

      const people = await directoryRepository.peopleInRole('executive');

      expect(people).toEqual([priya]);
      expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.rolePartition('executive') },
      });
    });

    it('answers no one for a role nobody holds', async () => {
      dynamo.on(QueryCommand).resolves({});

      expect(await directoryRepository.peopleInRole('executive')).toEqual([]);
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
      dynamo.on(QueryCommand).resolves({ Items: [{ ...keys.roleMember('pmo-lead', 'priya@example.org'), kind: 'role-member', ...priya }] });

      expect(await directoryRepository.isEmpty()).toBe(false);
    });
  });
});
