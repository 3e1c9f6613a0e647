/**
 * AWS's sample SES event records (SES Developer Guide, "Examples of event data that Amazon SES
 * publishes": the Bounce and Complaint records), as the configuration set's EventBridge destination
 * delivers them: wrapped in an `aws.ses` event. A test may put a recipient of its own in place of
 * `recipient@example.com`, and change what it is about; everything else is AWS's.
 */

const SAMPLE_RECIPIENT = 'recipient@example.com';

const sampleMail = {
  timestamp: '2017-08-05T00:40:02.012Z',
  source: 'Sender Name <sender@example.com>',
  sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/sender@example.com',
  sendingAccountId: '123456789012',
  messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
  destination: [SAMPLE_RECIPIENT],
  headersTruncated: false,
  headers: [
    { name: 'From', value: 'Sender Name <sender@example.com>' },
    { name: 'To', value: SAMPLE_RECIPIENT },
    { name: 'Subject', value: 'Message sent from Amazon SES' },
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Content-Type', value: 'multipart/alternative; boundary="----=_Part_7307378_1629847660.1516840721503"' },
  ],
  commonHeaders: {
    from: ['Sender Name <sender@example.com>'],
    to: [SAMPLE_RECIPIENT],
    messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
    subject: 'Message sent from Amazon SES',
  },
  tags: {
    'ses:configuration-set': ['ConfigSet'],
    'ses:source-ip': ['192.0.2.0'],
    'ses:from-domain': ['example.com'],
    'ses:caller-identity': ['ses_user'],
  },
};

const sampleBounce = {
  eventType: 'Bounce',
  bounce: {
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: SAMPLE_RECIPIENT, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    timestamp: '2017-08-05T00:41:02.669Z',
    feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
    reportingMTA: 'dsn; mta.example.com',
  },
  mail: sampleMail,
};

const sampleComplaint = {
  eventType: 'Complaint',
  complaint: {
    complainedRecipients: [{ emailAddress: SAMPLE_RECIPIENT }],
    timestamp: '2017-08-05T00:41:02.669Z',
    feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
    userAgent: 'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/60.0.3112.90 Safari/537.36',
    complaintFeedbackType: 'abuse',
    arrivalDate: '2017-08-05T00:41:02.669Z',
  },
  mail: sampleMail,
};

/** An EventBridge event around an SES event record. */
function onEventBridge(detailType: string, record: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: 'c3d4e5f6-a7b8-9012-cdef-123456789012',
    'detail-type': detailType,
    source: 'aws.ses',
    account: '123456789012',
    time: '2017-08-05T00:41:03Z',
    region: 'us-east-1',
    resources: [],
    detail: record,
  };
}

/** A deep copy of `value` with every `recipient@example.com` replaced by `recipient`. */
function addressedTo<T>(value: T, recipient: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll(SAMPLE_RECIPIENT, recipient)) as T;
}

/** AWS's sample "Email Bounced" event, to `recipient` when given. */
export function sampleBounceEvent(recipient: string = SAMPLE_RECIPIENT): Record<string, unknown> {
  return onEventBridge('Email Bounced', addressedTo(sampleBounce, recipient));
}

/** AWS's sample "Email Complaint Received" event, from `recipient` when given. */
export function sampleComplaintEvent(recipient: string = SAMPLE_RECIPIENT): Record<string, unknown> {
  return onEventBridge('Email Complaint Received', addressedTo(sampleComplaint, recipient));
}

/** The `detail.bounce` or `detail.complaint` record of a sample event, to change what a test is about. */
export function reportOf(event: Record<string, unknown>): Record<string, unknown> {
  const detail = event.detail as { bounce?: Record<string, unknown>; complaint?: Record<string, unknown> };
  return (detail.bounce ?? detail.complaint) as Record<string, unknown>;
}
