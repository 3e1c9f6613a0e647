import { describe, expect, it } from 'vitest';
import { undeliverableAddressEmail } from '#emails/operations-emails.tsx';
import { feedbackOf, SesFeedbackEventSchema } from '#handlers/email-events.ts';
import { reportOf, sampleBounceEvent, sampleComplaintEvent } from '#test/support/ses-sample-events.ts';

/** Parses an event as the handler does, then reads what the product acts on. */
function feedbackFrom(event: unknown) {
  return feedbackOf(SesFeedbackEventSchema.parse(event));
}

describe('an SES bounce or complaint event, as EventBridge delivers it', () => {
  it("reads AWS's sample bounce as a bounce for good of its recipient, with the receiving server's answer", () => {
    const feedback = feedbackFrom(sampleBounceEvent());

    expect(feedback).toEqual({
      feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
      kind: 'bounce',
      at: '2017-08-05T00:41:02.669Z',
      recipients: [{ email: 'recipient@example.com', reason: 'General bounce: smtp; 550 5.1.1 user unknown' }],
      messageSubject: 'Message sent from Amazon SES',
    });
  });

  it("reads AWS's sample complaint as a complaint of its recipient, with the kind of complaint", () => {
    const feedback = feedbackFrom(sampleComplaintEvent());

    expect(feedback).toMatchObject({ kind: 'complaint', at: '2017-08-05T00:41:02.669Z', recipients: [{ email: 'recipient@example.com', reason: 'Complaint (abuse)' }] });
  });

  it('says "marked as spam" for a complaint that names no feedback type', () => {
    const event = sampleComplaintEvent();
    delete reportOf(event).complaintFeedbackType;

    expect(feedbackFrom(event)?.recipients).toEqual([{ email: 'recipient@example.com', reason: 'Marked as spam' }]);
  });

  it('falls back to the status code when the receiving server gave no diagnostic', () => {
    const event = sampleBounceEvent();
    const recipients = reportOf(event).bouncedRecipients as Record<string, unknown>[];
    delete recipients[0]?.diagnosticCode;

    expect(feedbackFrom(event)?.recipients[0]?.reason).toBe('General bounce: 5.1.1');
  });

  it.each(['Transient', 'Undetermined'])('ignores a soft bounce (%s): the address may work tomorrow', (bounceType) => {
    const event = sampleBounceEvent();
    reportOf(event).bounceType = bounceType;

    expect(feedbackFrom(event)).toBeUndefined();
  });

  it.each([
    ['Sam Carter <Sam.Carter@Example.org>', 'sam.carter@example.org'],
    ['  FEMI.ADEYEMI@example.org ', 'femi.adeyemi@example.org'],
  ])('keys the address %j as the directory does: %s', (reported, expected) => {
    const event = sampleBounceEvent(reported);

    expect(feedbackFrom(event)?.recipients.map((recipient) => recipient.email)).toEqual([expected]);
  });

  it('leaves out what is not an address, and ignores an event that names no address at all', () => {
    const mixed = sampleBounceEvent();
    (reportOf(mixed).bouncedRecipients as unknown[]).push({ emailAddress: 'not an address', status: '5.1.1' });
    const none = sampleBounceEvent('not an address');

    expect(feedbackFrom(mixed)?.recipients.map((recipient) => recipient.email)).toEqual(['recipient@example.com']);
    expect(feedbackFrom(none)).toBeUndefined();
  });

  it('reads a bounce of several recipients as one report about each', () => {
    const event = sampleBounceEvent();
    (reportOf(event).bouncedRecipients as unknown[]).push({ emailAddress: 'second@example.org', diagnosticCode: 'smtp; 550 mailbox unavailable' });

    expect(feedbackFrom(event)?.recipients).toEqual([
      { email: 'recipient@example.com', reason: 'General bounce: smtp; 550 5.1.1 user unknown' },
      { email: 'second@example.org', reason: 'General bounce: smtp; 550 mailbox unavailable' },
    ]);
  });

  it.each([
    ['a Step Functions event', { source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', detail: {} }],
    ['another SES event', { ...sampleBounceEvent(), 'detail-type': 'Email Delivered' }],
    ['a bounce without its feedback id', (() => { const event = sampleBounceEvent(); delete reportOf(event).feedbackId; return event; })()],
    ['a bounce without a time', (() => { const event = sampleBounceEvent(); reportOf(event).timestamp = 'yesterday'; return event; })()],
    ['a bounce that names no recipient', (() => { const event = sampleBounceEvent(); reportOf(event).bouncedRecipients = []; return event; })()],
  ])('refuses %s', (_what, event) => {
    expect(SesFeedbackEventSchema.safeParse(event).success).toBe(false);
  });
});

describe('the e-mail that tells the PMO lead', () => {
  const bounce = {
    recipientName: 'Priya Shah',
    kind: 'bounce' as const,
    at: '2017-08-05T00:41:02.669Z',
    addresses: [{ email: 'femi.adeyemi@example.org', reason: 'General bounce: smtp; 550 5.1.1 user unknown', personName: 'Femi Adeyemi' }],
    messageSubject: 'Approval needed: Portal',
  };

  it('names the address, who has it, what the server answered and what the message was', () => {
    const email = undeliverableAddressEmail(bounce);

    expect(email.subject).toBe('PMO email bounced: femi.adeyemi@example.org');
    expect(email.text).toContain('femi.adeyemi@example.org (Femi Adeyemi, marked undeliverable in the directory): General bounce: smtp; 550 5.1.1 user unknown');
    expect(email.text).toContain('"Approval needed: Portal"');
    expect(email.text).toContain('Check the address in the directory');
  });

  it('says when nobody in the directory has the address', () => {
    const email = undeliverableAddressEmail({ ...bounce, addresses: [{ email: 'outside@example.com', reason: 'General bounce: 5.1.1' }] });

    expect(email.text).toContain('outside@example.com (not in the directory)');
  });

  it('counts the addresses in the subject when there are several, and says "marked as spam" for a complaint', () => {
    const email = undeliverableAddressEmail({
      ...bounce,
      kind: 'complaint',
      addresses: [...bounce.addresses, { email: 'outside@example.com', reason: 'Complaint (abuse)' }],
    });

    expect(email.subject).toBe('PMO email marked as spam: 2 addresses');
  });

  it('escapes what SES reports in the HTML part', () => {
    const email = undeliverableAddressEmail({ ...bounce, messageSubject: '<script>alert(1)</script>' });

    expect(email.html).not.toContain('<script>alert(1)</script>');
    expect(email.html).toContain('&lt;script&gt;');
  });
});
