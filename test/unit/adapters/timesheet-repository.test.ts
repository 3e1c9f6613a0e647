import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Timesheet } from '#domain/timesheet.ts';
import { timesheetRepository } from '#adapters/timesheet-repository.ts';
import { conditionFailure, dynamoDbThrottlingErrors, useAdapterEnvironment } from './adapter-test-support.ts';

// How the repository maps DynamoDB's answers: a failed condition is "someone came first" (or
// "counted already"), never an error; anything else goes through unchanged.

const dynamo = mockClient(DynamoDBDocumentClient);

const PROJECT = '0b6e4c8e-2f7a-4d1b-9a63-5c2d7e8f9a10';
const TOKEN = 'sam.carter@example.org#3';

const draft: Timesheet = {
  email: 'sam.carter@example.org',
  weekStart: '2027-01-04',
  status: 'DRAFT',
  entries: [{ projectId: PROJECT, date: '2027-01-04', hours: 8 }],
  updatedAt: '2027-01-05T10:00:00.000Z',
  version: 2,
};

describe('timesheetRepository', () => {
  useAdapterEnvironment();

  beforeEach(() => {
    dynamo.reset();
  });

  describe('saveDraft', () => {
    it('answers false when the stored week moved on or was submitted (a failed condition)', async () => {
      dynamo.on(PutCommand).rejects(conditionFailure());

      expect(await timesheetRepository.saveDraft(draft, 1)).toBe(false);
    });

    it('answers false when a first save finds one already made', async () => {
      dynamo.on(PutCommand).rejects(conditionFailure());

      expect(await timesheetRepository.saveDraft({ ...draft, version: 1 }, 0)).toBe(false);
    });

    it.each(dynamoDbThrottlingErrors)('lets a $name through unchanged', async ({ create }) => {
      const throttled = create();
      dynamo.on(PutCommand).rejects(throttled);

      await expect(timesheetRepository.saveDraft(draft, 1)).rejects.toBe(throttled);
    });
  });

  describe('submit and reopen', () => {
    it('answer undefined when the week changed since it was read', async () => {
      dynamo.on(UpdateCommand).rejects(conditionFailure());

      expect(await timesheetRepository.submit(draft, '2027-01-08T16:00:00.000Z')).toBeUndefined();
      expect(await timesheetRepository.reopen({ ...draft, status: 'SUBMITTED', version: 3 }, '2027-01-09T09:00:00.000Z', 'priya.shah@example.org')).toBeUndefined();
    });

    it.each(dynamoDbThrottlingErrors)('let a $name through unchanged', async ({ create }) => {
      const throttled = create();
      dynamo.on(UpdateCommand).rejects(throttled);

      await expect(timesheetRepository.submit(draft, '2027-01-08T16:00:00.000Z')).rejects.toBe(throttled);
    });
  });

  describe('countProjectHours', () => {
    it('answers false when the submission was counted (or taken off) already', async () => {
      dynamo.on(UpdateCommand).rejects(conditionFailure());

      expect(await timesheetRepository.countProjectHours(PROJECT, '2027-01-04', TOKEN, 8)).toBe(false);
    });

    it.each(dynamoDbThrottlingErrors)('lets a $name through unchanged', async ({ create }) => {
      const throttled = create();
      dynamo.on(UpdateCommand).rejects(throttled);

      await expect(timesheetRepository.countProjectHours(PROJECT, '2027-01-04', TOKEN, 8)).rejects.toBe(throttled);
    });
  });

  describe('uncountProjectHours', () => {
    it('answers false, leaving a mark, when the submission was never counted', async () => {
      dynamo.on(UpdateCommand).rejectsOnce(conditionFailure()).resolvesOnce({});

      expect(await timesheetRepository.uncountProjectHours(PROJECT, '2027-01-04', TOKEN, 8)).toBe(false);
      expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
    });

    it('answers false when the hours were taken off already', async () => {
      dynamo.on(UpdateCommand).rejects(conditionFailure());
      dynamo.on(GetCommand).resolves({ Item: { countedVersions: new Set([TOKEN]), uncountedVersions: new Set([TOKEN]) } });

      expect(await timesheetRepository.uncountProjectHours(PROJECT, '2027-01-04', TOKEN, 8)).toBe(false);
    });

    it('tries again when the submission was counted between its two writes, and gives up after three rounds', async () => {
      dynamo.on(UpdateCommand).rejects(conditionFailure());
      dynamo.on(GetCommand).resolves({ Item: { countedVersions: new Set([TOKEN]) } });

      await expect(timesheetRepository.uncountProjectHours(PROJECT, '2027-01-04', TOKEN, 8)).rejects.toThrow(/kept changing/);
      expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(6);
    });

    it.each(dynamoDbThrottlingErrors)('lets a $name through unchanged', async ({ create }) => {
      const throttled = create();
      dynamo.on(UpdateCommand).rejects(throttled);

      await expect(timesheetRepository.uncountProjectHours(PROJECT, '2027-01-04', TOKEN, 8)).rejects.toBe(throttled);
    });
  });

  describe('linkKeyState', () => {
    const now = new Date('2027-01-12T09:00:00.000Z');

    it('tells an expired key (the week locked) from an unknown one', async () => {
      dynamo.on(GetCommand).resolvesOnce({ Item: { expiresAt: now.getTime() / 1000 } }).resolvesOnce({});

      expect(await timesheetRepository.linkKeyState('sam.carter@example.org', '2027-01-04', 'secret', now)).toBe('expired');
      expect(await timesheetRepository.linkKeyState('sam.carter@example.org', '2027-01-04', 'secret', now)).toBe('unknown');
    });

    it('refuses a missing or overlong secret without reading the table', async () => {
      expect(await timesheetRepository.linkKeyState('sam.carter@example.org', '2027-01-04', undefined, now)).toBe('unknown');
      expect(await timesheetRepository.linkKeyState('sam.carter@example.org', '2027-01-04', 'x'.repeat(257), now)).toBe('unknown');
      expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    });
  });
});
