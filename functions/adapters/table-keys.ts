/**
 * The single-table layout: the one place that spells every key and index of every item type.
 * Generic index names keep the table open to later item types without migrations: a new process
 * adds item types (and their builders here), never an index.
 *
 * | entity | base table (pk / sk) | gsi1 | gsi2 | gsi3 |
 * | --- | --- | --- | --- | --- |
 * | proposal | PROPOSAL#id / PROPOSAL | by status: PROPOSALS#status / submittedAt#id | by submitter: SUBMITTER#email / submittedAt#id | all: PROPOSALS / submittedAt#id |
 * | proposal decision (for the intake funnel) | PROPOSAL-DECISIONS#yyyy-mm / decidedAt#id#revision | | | |
 * | review (one per execution) | TYPE#subjectId / REVIEW#execution | | | |
 * | audit event | TYPE#subjectId / AUDIT#eventId (a subject's trail, sorted by time on read) | | | |
 * | approval | APPROVAL#id / APPROVAL (link lookup) | sparse, open ones by next action: APPROVALS#OPEN / at#id | approver's queue: APPROVER#email / requestedAt#id | of a subject: TYPE#subjectId / APPROVAL#level#execution#slot |
 * | person (a `version` for optimistic updates) | PERSON#email / PERSON | by manager: MANAGER#email / name | | all, by name: PEOPLE / lower-cased name#email |
 * | role member | ROLE#role / PERSON#email (people in a role) | | | |
 * | delegation | PERSON#email / DELEGATION | sparse, not yet applied: DELEGATIONS#UNAPPLIED / startsAt#email | | |
 * | access key | PERSON#email / ACCESS#secretHash (TTL) | | | |
 * | project | PROJECT#id / PROJECT | by status: PROJECTS#status / department#createdAt#id | by manager: PROJECT-MANAGER#email / createdAt#id | all: PROJECTS / createdAt#id |
 * | idempotency record | IDEMPOTENCY#scope#key / IDEMPOTENCY (TTL) | | | |
 * | "email sent" marker | EMAIL#key / EMAIL (TTL) | | | |
 * | rate-limit window | RATE#bucket#windowStart / RATE (TTL) | | | |
 * | sign-in session | SESSION#idHash / SESSION (TTL) | a person's: SESSIONS-OF#email / createdAt | | |
 * | sign-in under way (PKCE verifier, nonce) | SIGN-IN#stateHash / SIGN-IN (TTL) | | | |
 * | timesheet (a `version` for optimistic updates) | TIMESHEET#email#weekStart / TIMESHEET | by week: TIMESHEETS#weekStart / email | a person's weeks: TIMESHEETS-OF#email / weekStart | |
 * | timesheet link key (emailed week link) | TIMESHEET#email#weekStart / LINK#secretHash (TTL: the week's lock) | | | |
 * | late-edit request of a locked week | TIMESHEET-EDIT#id / EDIT | a week's: TIMESHEET-EDITS#email#weekStart / requestedAt#id | | |
 * | the open late edit of a week (guard) | TIMESHEET#email#weekStart / OPEN-EDIT | | | |
 * | project hours of a week (counter) | PROJECT#id / HOURS#weekStart | | | |
 * | holiday calendar (a region's public holidays) | CALENDAR#id / CALENDAR | | | all: CALENDARS / id |
 * | "shipped calendars added" marker | CALENDARS-SHIPPED / MARKER | | | |
 * | leave (a person's time away) | PERSON#email / LEAVE#from#id | | | |
 * | timesheet chase run (TTL; a week's runs give the rounds) | CHASE#weekStart / RUN#runId | | | |
 * | timesheet chase findings of a run (TTL) | CHASE#weekStart / FINDINGS#runId | | | |
 * | timesheet chase reminder batch of a run (TTL) | CHASE#weekStart / BATCH#runId#index | | | |
 * | invoice (a `version` for optimistic updates) | INVOICE#id / INVOICE | by status: INVOICES#status / receivedAt#id | a vendor's: INVOICES-OF-VENDOR#vendorKey / issueDate#id | by number: INVOICE-NUMBERS#normalisedNumber / vendorKey#id |
 * | a vendor's invoice number, claimed once | INVOICE-NUMBER#vendorKey#normalisedNumber / UNIQUE | | | |
 * | an invoice in its project's collection | PROJECT#id / INVOICE#receivedAt#invoiceId | | | |
 * | project ledger (actuals, committed; the invoice ids each holds) | PROJECT#id / FINANCE | | | every project's: PROJECT-FINANCE / projectId |
 * | purchase order | PO#number / PO | | | |
 * | report definition | REPORT#id / REPORT | sparse, enabled ones by when due: REPORTS-DUE / nextRunAt#id | | all: REPORTS / lower-cased name#id |
 * | report run (runId = execution name, which sorts by scheduled minute) | REPORT#id / RUN#runId | | | |
 * | report copy of one recipient | REPORT#id / DELIVERY#runId#email | | | |
 * | "default reports created" marker | REPORT-DEFAULTS / SEEDED | | | |
 *
 */

/** The generic secondary indexes: the CDK table, the local table and the repositories all read this list. */
export const INDEX_NAMES = ['gsi1', 'gsi2', 'gsi3'] as const;
export type IndexName = (typeof INDEX_NAMES)[number];
export const INDEX: { readonly [name in IndexName]: name } = { gsi1: 'gsi1', gsi2: 'gsi2', gsi3: 'gsi3' };

/** The attributes of a key: the table's own, and each index's partition and sort key. */
export const KEY_ATTRIBUTE_NAMES = ['pk', 'sk', ...INDEX_NAMES.flatMap((index) => [`${index}pk`, `${index}sk`])] as const;

/** Attribute names that carry keys or bookkeeping rather than data; stripped when items are read. */
const NON_DATA_ATTRIBUTES = [...KEY_ATTRIBUTE_NAMES, 'expiresAt', 'kind'] as const;

/** What a key builder needs of a subject of review: its type and id. */
export interface SubjectKey {
  readonly type: string;
  readonly id: string;
}

/** The partition of a subject's own records (its audit trail, its reviews): `PROPOSAL#<id>`. */
function subjectPartition(subject: SubjectKey): string {
  return `${subject.type.toUpperCase()}#${subject.id}`;
}

export const keys = {
  proposal: (id: string) => ({ pk: `PROPOSAL#${id}`, sk: 'PROPOSAL' }),
  /**
   * A decided proposal, filed by the month of its decision (UTC) so a report's intake funnel reads
   * the decisions of its period only: `PROPOSAL-DECISIONS#2026-11 / <decidedAt>#<id>#<revision>`.
   */
  proposalDecision: (decidedAt: string, id: string, revision: number) => ({ pk: `PROPOSAL-DECISIONS#${decidedAt.slice(0, 7)}`, sk: `${decidedAt}#${id}#${revision}` }),
  /** The partition of one month's proposal decisions (`YYYY-MM`). */
  proposalDecisionMonth: (month: string) => `PROPOSAL-DECISIONS#${month}`,
  /** gsi1: proposals by status, newest first. */
  proposalsByStatus: (status: string) => `PROPOSALS#${status}`,
  /** gsi2: proposals by submitter. */
  proposalsBySubmitter: (email: string) => `SUBMITTER#${email}`,
  /** gsi3: all proposals by submission time. */
  allProposals: 'PROPOSALS',

  /** The review plan of one execution over a subject, stored with the subject's records. */
  review: (subject: SubjectKey, executionName: string) => ({ pk: subjectPartition(subject), sk: `REVIEW#${executionName}` }),

  approval: (id: string) => ({ pk: `APPROVAL#${id}`, sk: 'APPROVAL' }),
  /** gsi1 (sparse): approvals that still need the sweeper — pending, or decided but not yet delivered. */
  openApprovals: 'APPROVALS#OPEN',
  /** gsi2: an approver's queue. */
  approvalsByApprover: (email: string) => `APPROVER#${email}`,
  /** gsi3: the approvals of one subject, by level, execution and slot. */
  approvalsOfSubject: (subject: SubjectKey) => subjectPartition(subject),
  approvalsOfSubjectPrefix: 'APPROVAL#',
  approvalOfSubjectSort: (level: number, executionName: string, slot: number) =>
    `APPROVAL#${String(level).padStart(2, '0')}#${executionName}#${String(slot).padStart(2, '0')}`,

  auditEvent: (subject: SubjectKey, eventId: string) => ({ pk: subjectPartition(subject), sk: `AUDIT#${eventId}` }),
  /** Every audit event of a subject: its partition and this sort-key prefix. */
  auditTrail: (subject: SubjectKey) => ({ pk: subjectPartition(subject), skPrefix: 'AUDIT#' }),

  person: (email: string) => ({ pk: `PERSON#${email}`, sk: 'PERSON' }),
  /** gsi1: people by manager. */
  peopleByManager: (email: string) => `MANAGER#${email}`,
  /** gsi3: every person, by name (lower-cased, so that the list reads alphabetically), then email. */
  allPeople: 'PEOPLE',
  personByNameSort: (name: string, email: string) => `${name.toLowerCase()}#${email}`,
  roleMember: (role: string, email: string) => ({ pk: `ROLE#${role}`, sk: `PERSON#${email}` }),
  rolePartition: (role: string) => `ROLE#${role}`,

  delegation: (email: string) => ({ pk: `PERSON#${email}`, sk: 'DELEGATION' }),
  /** gsi1 (sparse): delegations whose pending approvals are still to be redirected, by start. */
  unappliedDelegations: 'DELEGATIONS#UNAPPLIED',

  /** A personal access key, looked up by the hash of its secret (a hash lookup needs no constant-time compare). */
  accessKey: (email: string, secretHash: string) => ({ pk: `PERSON#${email}`, sk: `ACCESS#${secretHash}` }),

  project: (id: string) => ({ pk: `PROJECT#${id}`, sk: 'PROJECT' }),
  /** gsi1: projects by status; the sort key starts with the department, so a department is a prefix. */
  projectsByStatus: (status: string) => `PROJECTS#${status}`,
  projectByStatusSort: (department: string, createdAt: string, id: string) => `${department}#${createdAt}#${id}`,
  /** gsi2: the projects a person manages. */
  projectsByManager: (email: string) => `PROJECT-MANAGER#${email}`,
  /** gsi3: every project, oldest first. */
  allProjects: 'PROJECTS',

  /** A person's timesheet for one week (the week's Monday). */
  timesheet: (email: string, weekStart: string) => ({ pk: `TIMESHEET#${email}#${weekStart}`, sk: 'TIMESHEET' }),
  /** gsi1: the timesheets of one week, by person. */
  timesheetsOfWeek: (weekStart: string) => `TIMESHEETS#${weekStart}`,
  /** gsi2: a person's timesheets, by week. */
  timesheetsOfPerson: (email: string) => `TIMESHEETS-OF#${email}`,
  /** The key of an emailed link to one person's week, by the hash of its secret: the key names the person and the week. */
  timesheetLinkKey: (email: string, weekStart: string, secretHash: string) => ({ pk: `TIMESHEET#${email}#${weekStart}`, sk: `LINK#${secretHash}` }),
  /** Hours booked to a project in one week, a counter in the project's item collection. */
  projectHours: (projectId: string, weekStart: string) => ({ pk: `PROJECT#${projectId}`, sk: `HOURS#${weekStart}` }),
  /** Every week's hours counter of a project: its partition and this sort-key prefix. */
  projectHoursPrefix: 'HOURS#',

  /** A region's public-holiday calendar. */
  holidayCalendar: (id: string) => ({ pk: `CALENDAR#${id}`, sk: 'CALENDAR' }),
  /** gsi3: every holiday calendar, by id. */
  allHolidayCalendars: 'CALENDARS',
  /** A period of a person's leave, in their item collection, sorted by its first day. */
  leave: (email: string, from: string, id: string) => ({ pk: `PERSON#${email}`, sk: `LEAVE#${from}#${id}` }),
  /** The sort key of a person's leave starting on `from` (bare: no leave's key is smaller with that date). */
  leaveSortFrom: (from: string) => `LEAVE#${from}`,
  /** Every leave of a person: this sort-key prefix in their partition. */
  leavePrefix: 'LEAVE#',

  /** One run of the timesheet chase for a week, by its id (the execution name). */
  chaseRun: (weekStart: string, runId: string) => ({ pk: `CHASE#${weekStart}`, sk: `RUN#${runId}` }),
  /** Every run of the chase for a week: its partition and this sort-key prefix. */
  chaseRuns: (weekStart: string) => ({ pk: `CHASE#${weekStart}`, skPrefix: 'RUN#' }),
  /** What one run found: counts, compliance rates, the PMO to tell. */
  chaseFindings: (weekStart: string, runId: string) => ({ pk: `CHASE#${weekStart}`, sk: `FINDINGS#${runId}` }),
  /** One reminder batch of a run (one Map iteration's people). */
  chaseBatch: (weekStart: string, runId: string, index: number) => ({ pk: `CHASE#${weekStart}`, sk: `BATCH#${runId}#${String(index).padStart(4, '0')}` }),

  /** The marker that the shipped holiday calendars were added once (after they were). */
  shippedCalendarsMarker: { pk: 'CALENDARS-SHIPPED', sk: 'MARKER' },
  /** A late-edit request of a locked week. */
  timesheetEdit: (id: string) => ({ pk: `TIMESHEET-EDIT#${id}`, sk: 'EDIT' }),
  /** gsi1: the late edits of one person's week, oldest first. */
  timesheetEditsOfWeek: (email: string, weekStart: string) => `TIMESHEET-EDITS#${email}#${weekStart}`,
  /** The one open late edit of a person's week (its id): a second request is refused while it is open. */
  openTimesheetEdit: (email: string, weekStart: string) => ({ pk: `TIMESHEET#${email}#${weekStart}`, sk: 'OPEN-EDIT' }),

  // Invoices (issue 11).
  /** An invoice. */
  invoice: (id: string) => ({ pk: `INVOICE#${id}`, sk: 'INVOICE' }),
  /** gsi1: invoices by status, by arrival. */
  invoicesByStatus: (status: string) => `INVOICES#${status}`,
  /** gsi2: a vendor's invoices, by issue date (the suspected-duplicate window). */
  invoicesOfVendor: (vendorKey: string) => `INVOICES-OF-VENDOR#${vendorKey}`,
  /** gsi3: invoices by normalised number, whoever sent them (a near-identical vendor's). */
  invoicesByNumber: (normalisedNumber: string) => `INVOICE-NUMBERS#${normalisedNumber}`,
  /** The one invoice a vendor may have under a number: claimed with a conditional put. */
  invoiceNumberClaim: (vendorKey: string, normalisedNumber: string) => ({ pk: `INVOICE-NUMBER#${vendorKey}#${normalisedNumber}`, sk: 'UNIQUE' }),
  /** An invoice in its project's collection, by arrival. */
  projectInvoice: (projectId: string, receivedAt: string, invoiceId: string) => ({ pk: `PROJECT#${projectId}`, sk: `INVOICE#${receivedAt}#${invoiceId}` }),
  /** A project's ledger: posted actuals and committed amounts, and the invoices each holds. */
  projectFinance: (projectId: string) => ({ pk: `PROJECT#${projectId}`, sk: 'FINANCE' }),
  /** gsi3: every project's ledger, for a portfolio report. */
  allProjectFinance: 'PROJECT-FINANCE',
  /** A purchase order. */
  purchaseOrder: (poNumber: string) => ({ pk: `PO#${poNumber}`, sk: 'PO' }),

  // Reports (issue 12).
  /** A report definition. */
  reportDefinition: (id: string) => ({ pk: `REPORT#${id}`, sk: 'REPORT' }),
  /** gsi3: every report definition, by name. */
  allReportDefinitions: 'REPORTS',
  /** gsi1 (sparse: enabled definitions only): definitions by the instant they are next due. */
  dueReportDefinitions: 'REPORTS-DUE',
  /** One run of a definition; run ids carry the scheduled minute, so the collection sorts by time. */
  reportRun: (id: string, runId: string) => ({ pk: `REPORT#${id}`, sk: `RUN#${runId}` }),
  /** The marker that the default definitions were created once (a deleted default stays deleted). */
  reportDefaultsSeeded: { pk: 'REPORT-DEFAULTS', sk: 'SEEDED' },
  /** One recipient's copy of a run. */
  reportDelivery: (id: string, runId: string, email: string) => ({ pk: `REPORT#${id}`, sk: `DELIVERY#${runId}#${email}` }),

  /** Requests counted in one fixed window of one rate-limit bucket (TTL). */
  rateWindow: (bucket: string, windowStart: number) => ({ pk: `RATE#${bucket}#${windowStart}`, sk: 'RATE' }),

  /** A signed-in session, by the hash of the id its cookie carries. */
  session: (idHash: string) => ({ pk: `SESSION#${idHash}`, sk: 'SESSION' }),
  /** gsi1: a person's sessions. */
  sessionsOf: (email: string) => `SESSIONS-OF#${email}`,
  /** A sign-in between the redirect to the provider and its return, by the hash of its state. */
  signInFlow: (stateHash: string) => ({ pk: `SIGN-IN#${stateHash}`, sk: 'SIGN-IN' }),

  idempotency: (scope: string, key: string) => ({ pk: `IDEMPOTENCY#${scope}#${key}`, sk: 'IDEMPOTENCY' }),
  emailMarker: (key: string) => ({ pk: `EMAIL#${key}`, sk: 'EMAIL' }),
};

/** Removes the key and bookkeeping attributes from a stored item, leaving the record's own fields. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const record = { ...item };
  for (const attribute of NON_DATA_ATTRIBUTES) delete record[attribute];
  return record;
}

/** Epoch seconds for DynamoDB's TTL attribute. */
export function ttlAfter(now: Date, seconds: number): number {
  return Math.floor(now.getTime() / 1000) + seconds;
}

/**
 * Opaque pagination cursor from a LastEvaluatedKey, and back. A cursor is checked against the key
 * shape of the query it is for: string key attributes only, the table's own keys present, and, when
 * the caller names it, the index partition it was issued in. A foreign or forged cursor (`e30` is
 * `{}`, or another index's key) is the caller's error, never a query DynamoDB refuses.
 */
export const cursor = {
  encode: (key: Record<string, unknown> | undefined): string | undefined =>
    key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined,
  decode: (token: string | undefined, partition?: { readonly attribute: string; readonly value: string }): Record<string, unknown> | undefined => {
    if (!token) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidCursorError();
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidCursorError();
    const key = parsed as Record<string, unknown>;
    const names = Object.keys(key);
    // With the partition named, exactly that index's key: the table's keys and the index's two.
    const index = partition?.attribute.replace(/pk$/, '');
    const expected = index ? ['pk', 'sk', `${index}pk`, `${index}sk`] : undefined;
    const wellFormed =
      names.every((name) => (KEY_ATTRIBUTE_NAMES as readonly string[]).includes(name) && typeof key[name] === 'string' && key[name] !== '' && (key[name] as string).length <= 1024) &&
      typeof key.pk === 'string' &&
      typeof key.sk === 'string' &&
      (expected === undefined || (names.length === expected.length && expected.every((name) => names.includes(name)))) &&
      (partition === undefined || key[partition.attribute] === partition.value);
    if (!wellFormed) throw new InvalidCursorError();
    return key;
  },
};

/** A pagination cursor that this service did not issue. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('The cursor is not valid');
  }
}

/** Whether an error is DynamoDB's answer to a failed condition. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
