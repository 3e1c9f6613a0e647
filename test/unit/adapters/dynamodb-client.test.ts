import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#adapters/dynamodb-client.ts';
import { TABLE_NAME, dynamoDbThrottlingErrors } from './adapter-test-support.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

/** A fresh query each time: the SDK's paginator writes ExclusiveStartKey into the object it is given. */
function query(): Omit<QueryCommandInput, 'ExclusiveStartKey'> {
  return { TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'PROPOSAL#p-1' } };
}

/** Pages of a query, keyed by the ExclusiveStartKey that asks for them ('' for the first). */
function servePages(pages: Record<string, { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }>) {
  // The paginator reuses one input object for every page, so each request's input is copied when it is made.
  const requests: QueryCommandInput[] = [];
  dynamo.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    requests.push(structuredClone(input));
    const page = pages[input.ExclusiveStartKey ? String(input.ExclusiveStartKey.sk) : ''];
    if (!page) throw new Error(`No page starts at ${JSON.stringify(input.ExclusiveStartKey)}`);
    return page;
  });
  return requests;
}

describe('queryAll', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('follows LastEvaluatedKey across pages and returns every item in order', async () => {
    const requests = servePages({
      '': { Items: [{ sk: 'a' }, { sk: 'b' }], LastEvaluatedKey: { pk: 'PROPOSAL#p-1', sk: 'b' } },
      b: { Items: [{ sk: 'c' }], LastEvaluatedKey: { pk: 'PROPOSAL#p-1', sk: 'c' } },
      c: { Items: [{ sk: 'd' }] },
    });

    const items = await queryAll(query());

    expect(items).toEqual([{ sk: 'a' }, { sk: 'b' }, { sk: 'c' }, { sk: 'd' }]);
    expect(requests.map((request) => request.ExclusiveStartKey)).toEqual([
      undefined,
      { pk: 'PROPOSAL#p-1', sk: 'b' },
      { pk: 'PROPOSAL#p-1', sk: 'c' },
    ]);
  });

  it('repeats the caller’s query on every page', async () => {
    const requests = servePages({
      '': { Items: [{ sk: 'a' }], LastEvaluatedKey: { pk: 'PROPOSAL#p-1', sk: 'a' } },
      a: { Items: [{ sk: 'b' }] },
    });

    await queryAll({ ...query(), IndexName: 'gsi3', ScanIndexForward: false });

    for (const request of requests) {
      expect(request).toMatchObject({ ...query(), IndexName: 'gsi3', ScanIndexForward: false });
    }
  });

  it('makes one request when the first page is the last', async () => {
    const requests = servePages({ '': { Items: [{ sk: 'a' }] } });

    const items = await queryAll(query());

    expect(items).toEqual([{ sk: 'a' }]);
    expect(requests).toHaveLength(1);
  });

  it('counts a page without Items as empty and still follows its LastEvaluatedKey', async () => {
    // DynamoDB can return an empty page with a key when a filter removed everything it read.
    servePages({
      '': { LastEvaluatedKey: { pk: 'PROPOSAL#p-1', sk: 'a' } },
      a: { Items: [{ sk: 'b' }] },
    });

    const items = await queryAll(query());

    expect(items).toEqual([{ sk: 'b' }]);
  });

  it.each(dynamoDbThrottlingErrors)('lets a $name on a later page through unchanged, with no partial result', async ({ create }) => {
    const throttled = create();
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ sk: 'a' }], LastEvaluatedKey: { pk: 'PROPOSAL#p-1', sk: 'a' } })
      .rejectsOnce(throttled);

    await expect(queryAll(query())).rejects.toBe(throttled);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });
});
