import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  LimitExceededException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import type { EmailMessage } from '#emails/layout.tsx';
import { sendEmailOnce, type Recipient } from '#adapters/email-sender.ts';
import { keys } from '#adapters/table-keys.ts';
import { EMAIL_FROM, TABLE_NAME, conditionFailure, dynamoDbThrottlingErrors, useAdapterEnvironment } from './adapter-test-support.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);

const now = new Date('2026-03-02T09:30:00.000Z');
const priya: Recipient = { name: 'Priya Shah', email: 'priya@example.org' };
const message: EmailMessage = { subject: 'Approval needed: New CRM', html: '<p>Please decide</p>', text: 'Please decide' };
const sesMetadata = { httpStatusCode: 400, requestId: 'unit-test' };

/** What each SDK call was, in the order the adapter made them. */
function recordCalls(): string[] {
  const calls: string[] = [];
  dynamo.on(PutCommand).callsFake(() => {
    calls.push('claim marker');
    return {};
  });
  dynamo.on(DeleteCommand).callsFake(() => {
    calls.push('release marker');
    return {};
  });
  ses.on(SendEmailCommand).callsFake(() => {
    calls.push('send email');
    return { MessageId: 'm-1' };
  });
  return calls;
}

/** A table that holds markers and honours `attribute_not_exists(pk)`, as DynamoDB would. */
function markerTable(): Set<string> {
  const markers = new Set<string>();
  dynamo.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
    if (markers.has(input.Item.pk)) throw conditionFailure();
    markers.add(input.Item.pk);
    return {};
  });
  dynamo.on(DeleteCommand).callsFake((input: { Key: { pk: string } }) => {
    markers.delete(input.Key.pk);
    return {};
  });
  return markers;
}

function sentEmail() {
  const [call] = ses.commandCalls(SendEmailCommand);
  if (!call) throw new Error('No email was sent');
  return call.args[0].input;
}

describe('sendEmailOnce', () => {
  useAdapterEnvironment();

  beforeEach(() => {
    dynamo.reset();
    ses.reset();
  });

  describe('when the email has not been sent yet', () => {
    it('claims the marker with a conditional put, then sends the email, and returns true', async () => {
      const calls = recordCalls();

      const sent = await sendEmailOnce('approval-request#a-1', priya, message, now);

      expect(sent).toBe(true);
      expect(calls).toEqual(['claim marker', 'send email']);
    });

    it('writes a marker that only a first claim can create, and that expires after 90 days', async () => {
      recordCalls();

      await sendEmailOnce('approval-request#a-1', priya, message, now);

      const [claim] = dynamo.commandCalls(PutCommand);
      expect(claim?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Item: {
          ...keys.emailMarker('approval-request#a-1'),
          kind: 'email-marker',
          to: 'priya@example.org',
          sentAt: '2026-03-02T09:30:00.000Z',
          expiresAt: now.getTime() / 1000 + 90 * 24 * 60 * 60,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    });

    it('sends the message from the configured sender, as HTML and text in UTF-8', async () => {
      recordCalls();

      await sendEmailOnce('approval-request#a-1', priya, message, now);

      expect(sentEmail()).toEqual({
        FromEmailAddress: EMAIL_FROM,
        Destination: { ToAddresses: ['"Priya Shah" <priya@example.org>'] },
        Content: {
          Simple: {
            Subject: { Data: 'Approval needed: New CRM', Charset: 'UTF-8' },
            Body: { Html: { Data: '<p>Please decide</p>', Charset: 'UTF-8' }, Text: { Data: 'Please decide', Charset: 'UTF-8' } },
          },
        },
      });
    });

    it('copies the given recipients (Cc), each as a quoted mailbox', async () => {
      recordCalls();

      await sendEmailOnce('timesheet-reminder#a-1', priya, message, now, { cc: [{ name: 'Elena Rossi', email: 'elena@example.org' }] });

      expect(sentEmail().Destination).toEqual({ ToAddresses: ['"Priya Shah" <priya@example.org>'], CcAddresses: ['"Elena Rossi" <elena@example.org>'] });
    });

    it('names the SES configuration set when one is configured', async () => {
      vi.stubEnv('EMAIL_CONFIGURATION_SET', 'pmo-delivery-events');
      recordCalls();

      await sendEmailOnce('approval-request#a-1', priya, message, now);

      expect(sentEmail().ConfigurationSetName).toBe('pmo-delivery-events');
    });

    it('builds a message given as a function only after the marker is claimed', async () => {
      const calls = recordCalls();
      const build = vi.fn(async () => {
        calls.push('build message');
        return message;
      });

      await sendEmailOnce('approval-request#a-1', priya, build, now);

      expect(build).toHaveBeenCalledTimes(1);
      expect(calls).toEqual(['claim marker', 'build message', 'send email']);
      expect(sentEmail().Content?.Simple?.Subject?.Data).toBe('Approval needed: New CRM');
    });
  });

  describe('when the marker already exists', () => {
    beforeEach(() => {
      dynamo.on(PutCommand).rejects(conditionFailure());
    });

    it('returns false and sends nothing', async () => {
      const sent = await sendEmailOnce('approval-request#a-1', priya, message, now);

      expect(sent).toBe(false);
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    });

    it('leaves the marker in place', async () => {
      await sendEmailOnce('approval-request#a-1', priya, message, now);

      expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(0);
    });

    it('never builds a message given as a function', async () => {
      const build = vi.fn(async () => message);

      await sendEmailOnce('approval-request#a-1', priya, build, now);

      expect(build).not.toHaveBeenCalled();
    });
  });

  describe('when SES refuses the email', () => {
    const refusals = [
      { name: 'MessageRejected', create: () => new MessageRejected({ message: 'Email address is not verified', $metadata: sesMetadata }) },
      { name: 'TooManyRequestsException', create: () => new TooManyRequestsException({ message: 'Too many requests', $metadata: sesMetadata }) },
      { name: 'LimitExceededException', create: () => new LimitExceededException({ message: 'Sending rate exceeded', $metadata: sesMetadata }) },
      { name: 'SendingPausedException', create: () => new SendingPausedException({ message: 'Sending is paused', $metadata: sesMetadata }) },
    ];

    it.each(refusals)('releases the marker and rethrows $name unchanged', async ({ create }) => {
      const refusal = create();
      const calls = recordCalls();
      ses.on(SendEmailCommand).rejects(refusal);

      await expect(sendEmailOnce('approval-request#a-1', priya, message, now)).rejects.toBe(refusal);

      expect(calls).toEqual(['claim marker', 'release marker']);
      expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE_NAME,
        Key: keys.emailMarker('approval-request#a-1'),
      });
    });
  });

  it('releases the marker and rethrows when building the message fails', async () => {
    const calls = recordCalls();
    const failure = new Error('The approval could not be stored');

    const sending = sendEmailOnce('approval-request#a-1', priya, () => Promise.reject(failure), now);

    await expect(sending).rejects.toBe(failure);
    expect(calls).toEqual(['claim marker', 'release marker']);
  });

  it.each(dynamoDbThrottlingErrors)('lets a $name on the claim through unchanged, sending nothing', async ({ create }) => {
    const throttled = create();
    recordCalls();
    dynamo.on(PutCommand).rejects(throttled);

    await expect(sendEmailOnce('approval-request#a-1', priya, message, now)).rejects.toBe(throttled);

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  describe('across retries of the same step', () => {
    it('sends once for the same key', async () => {
      markerTable();
      ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });

      const first = await sendEmailOnce('approval-request#a-1', priya, message, now);
      const second = await sendEmailOnce('approval-request#a-1', priya, message, now);

      expect([first, second]).toEqual([true, false]);
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    });

    it('sends on the retry after SES refused the first attempt', async () => {
      markerTable();
      const throttled = new TooManyRequestsException({ message: 'Too many requests', $metadata: sesMetadata });
      ses.on(SendEmailCommand).rejectsOnce(throttled).resolves({ MessageId: 'm-2' });

      await expect(sendEmailOnce('approval-request#a-1', priya, message, now)).rejects.toBe(throttled);
      const retried = await sendEmailOnce('approval-request#a-1', priya, message, now);

      expect(retried).toBe(true);
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    });
  });

  describe('the To header', () => {
    async function toHeaderFor(name: string): Promise<string | undefined> {
      recordCalls();
      await sendEmailOnce('k', { name, email: 'priya@example.org' }, message, now);
      return sentEmail().Destination?.ToAddresses?.[0];
    }

    it('quotes the display name before the address', async () => {
      expect(await toHeaderFor('Shah, Priya')).toBe('"Shah, Priya" <priya@example.org>');
    });

    it('strips quotes and backslashes, which would end the quoted name early', async () => {
      expect(await toHeaderFor('Priya "the boss" Shah\\')).toBe('"Priya the boss Shah" <priya@example.org>');
    });

    it('turns line breaks into spaces, so they cannot start a new header', async () => {
      const header = await toHeaderFor('Priya\r\nBcc: everyone@example.org');

      expect(header).toBe('"Priya Bcc: everyone@example.org" <priya@example.org>');
      expect(header).not.toMatch(/[\r\n]/);
    });

    it.each(['\u0000', '\u000b', '\u000c', '\u0085', '\u2028', '\u2029'])('drops the control or separator character %j', async (character) => {
      const header = await toHeaderFor(`Priya${character}Shah`);

      expect(header).toBe('"Priya Shah" <priya@example.org>');
    });

    it('writes a name outside ASCII as an RFC 2047 encoded word', async () => {
      const header = await toHeaderFor('Zoë Müller');

      expect(header).toBe(`=?UTF-8?B?${Buffer.from('Zoë Müller', 'utf8').toString('base64')}?= <priya@example.org>`);
    });

    it('trims the display name', async () => {
      expect(await toHeaderFor('  Priya Shah \n')).toBe('"Priya Shah" <priya@example.org>');
    });

    it('uses the bare address when nothing of the name is left', async () => {
      expect(await toHeaderFor(' "\r\n" ')).toBe('priya@example.org');
    });
  });
});
