import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { hashLinkSecret } from '#domain/link-secret.ts';
import { accessKeyRepository } from '#adapters/access-key-repository.ts';
import { keys } from '#adapters/table-keys.ts';
import { TABLE_NAME, dynamoDbThrottlingErrors, useAdapterEnvironment } from './adapter-test-support.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

const now = new Date('2026-03-02T09:30:00.000Z');
const nowInSeconds = now.getTime() / 1000;
const email = 'priya@example.org';
const secret = 'c2VjcmV0LWZvci1wcml5YS1vbmx5LXRoaXMtaXMtbG9uZw';

function storedKey(expiresAt: number) {
  return { Item: { ...keys.accessKey(email, hashLinkSecret(secret)), kind: 'access-key', issuedAt: now.toISOString(), expiresAt } };
}

describe('accessKeyRepository', () => {
  useAdapterEnvironment();

  beforeEach(() => {
    dynamo.reset();
  });

  describe('issue', () => {
    it('stores the hash of the secret, never the secret itself', async () => {
      dynamo.on(PutCommand).resolves({});

      await accessKeyRepository.issue(email, secret, now, 3600);

      const input = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
      expect(input?.Item).toMatchObject(keys.accessKey(email, hashLinkSecret(secret)));
      expect(JSON.stringify(input)).not.toContain(secret);
    });

    it('lets the key expire after the given number of seconds', async () => {
      dynamo.on(PutCommand).resolves({});

      await accessKeyRepository.issue(email, secret, now, 3600);

      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
        TableName: TABLE_NAME,
        Item: { kind: 'access-key', issuedAt: now.toISOString(), expiresAt: nowInSeconds + 3600 },
      });
    });
  });

  describe('isValid', () => {
    it('accepts an unexpired key, looked up by the hash of the presented secret', async () => {
      dynamo.on(GetCommand).resolves(storedKey(nowInSeconds + 60));

      const valid = await accessKeyRepository.isValid(email, secret, now);

      expect(valid).toBe(true);
      expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Key: keys.accessKey(email, hashLinkSecret(secret)),
        ConsistentRead: true,
      });
    });

    it('refuses a key that has expired but is still in the table (TTL deletion is lazy)', async () => {
      dynamo.on(GetCommand).resolves(storedKey(nowInSeconds - 1));

      expect(await accessKeyRepository.isValid(email, secret, now)).toBe(false);
    });

    it('refuses a key at the second it expires', async () => {
      dynamo.on(GetCommand).resolves(storedKey(nowInSeconds));

      expect(await accessKeyRepository.isValid(email, secret, now)).toBe(false);
    });

    it('refuses a secret that matches no key', async () => {
      dynamo.on(GetCommand).resolves({});

      expect(await accessKeyRepository.isValid(email, 'not-the-secret', now)).toBe(false);
    });

    it.each([
      { case: 'a missing secret', presented: undefined },
      { case: 'an empty secret', presented: '' },
      { case: 'a secret over 256 characters', presented: 'x'.repeat(257) },
    ])('refuses $case without reading the table', async ({ presented }) => {
      dynamo.on(GetCommand).resolves(storedKey(nowInSeconds + 60));

      const valid = await accessKeyRepository.isValid(email, presented, now);

      expect(valid).toBe(false);
      expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    });

    it('still looks up a secret of exactly 256 characters', async () => {
      dynamo.on(GetCommand).resolves({});

      await accessKeyRepository.isValid(email, 'x'.repeat(256), now);

      expect(dynamo.commandCalls(GetCommand)).toHaveLength(1);
    });

    it.each(dynamoDbThrottlingErrors)('lets a $name through unchanged rather than answering "invalid"', async ({ create }) => {
      const throttled = create();
      dynamo.on(GetCommand).rejects(throttled);

      await expect(accessKeyRepository.isValid(email, secret, now)).rejects.toBe(throttled);
    });
  });
});
