/**
 * The single-table layout: key builders for every item type, so no other module spells a key.
 * Generic index names keep the table open to later item types without migrations.
 */
export const INDEX = { gsi1: 'gsi1', gsi2: 'gsi2', gsi3: 'gsi3' } as const;

/** Attribute names that carry keys rather than data; stripped when items are read. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'expiresAt', 'kind'] as const;

export const keys = {
  proposal: (id: string) => ({ pk: `PROPOSAL#${id}`, sk: 'PROPOSAL' }),
  /** gsi1: proposals by status, newest first. */
  proposalsByStatus: (status: string) => `PROPOSALS#${status}`,
  /** gsi2: proposals by submitter. */
  proposalsBySubmitter: (email: string) => `SUBMITTER#${email}`,
  /** gsi3: all proposals by submission time. */
  allProposals: 'PROPOSALS',

  approval: (id: string) => ({ pk: `APPROVAL#${id}`, sk: 'APPROVAL' }),
  /** gsi1 (sparse): approvals that still need the sweeper — pending, or decided but not yet delivered. */
  openApprovals: 'APPROVALS#OPEN',
  /** gsi2: an approver's queue. */
  approvalsByApprover: (email: string) => `APPROVER#${email}`,
  /** gsi3: the approvals of one proposal. */
  approvalsOfProposal: (proposalId: string) => `PROPOSAL#${proposalId}`,

  auditEvent: (subjectId: string, eventId: string) => ({ pk: `PROPOSAL#${subjectId}`, sk: `AUDIT#${eventId}` }),
  auditPrefix: 'AUDIT#',

  person: (email: string) => ({ pk: `PERSON#${email}`, sk: 'PERSON' }),
  /** gsi1: people by manager. */
  peopleByManager: (email: string) => `MANAGER#${email}`,
  roleMember: (role: string, email: string) => ({ pk: `ROLE#${role}`, sk: `PERSON#${email}` }),
  rolePartition: (role: string) => `ROLE#${role}`,

  delegation: (email: string) => ({ pk: `PERSON#${email}`, sk: 'DELEGATION' }),
  /** gsi1 (sparse): delegations whose pending approvals are still to be redirected, by start. */
  unappliedDelegations: 'DELEGATIONS#UNAPPLIED',

  /** A personal access key, looked up by the hash of its secret (a hash lookup needs no constant-time compare). */
  accessKey: (email: string, secretHash: string) => ({ pk: `PERSON#${email}`, sk: `ACCESS#${secretHash}` }),

  idempotency: (scope: string, key: string) => ({ pk: `IDEMPOTENCY#${scope}#${key}`, sk: 'IDEMPOTENCY' }),
  emailMarker: (key: string) => ({ pk: `EMAIL#${key}`, sk: 'EMAIL' }),
};

/** Removes the key attributes from a stored item, leaving the record's own fields. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const record = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete record[attribute];
  return record;
}

/** Epoch seconds for DynamoDB's TTL attribute. */
export function ttlAfter(now: Date, seconds: number): number {
  return Math.floor(now.getTime() / 1000) + seconds;
}

/** Opaque pagination cursor from a LastEvaluatedKey, and back. */
export const cursor = {
  encode: (key: Record<string, unknown> | undefined): string | undefined =>
    key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined,
  decode: (token: string | undefined): Record<string, unknown> | undefined => {
    if (!token) return undefined;
    try {
      const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const entries = Object.entries(parsed);
        if (entries.every(([, value]) => typeof value === 'string')) return parsed as Record<string, unknown>;
      }
    } catch {
      // fall through: a malformed cursor is the caller's error
    }
    throw new InvalidCursorError();
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
