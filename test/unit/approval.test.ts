import { describe, expect, it } from 'vitest';
import { dueAction, linkStateOf, nextActionAt, reassignedTo, tallyLevel, withReminder, type Approval, type ApprovalDecision } from '#domain/approval.ts';

const HOUR = 3600 * 1000;
const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR);
const iso = (hours: number) => at(hours).toISOString();

function pending(overrides: Partial<Approval> = {}): Approval {
  return {
    id: 'a1',
    subject: { type: 'proposal', id: 'p1' },
    executionName: 'proposal-p1',
    level: 1,
    levelName: 'PMO review',
    levelCount: 1,
    slot: 0,
    slotCount: 1,
    quorum: 'any',
    approver: { name: 'Priya Shah', email: 'priya@example.org' },
    status: 'PENDING',
    requestedAt: iso(0),
    dueAt: iso(120),
    remindAt: iso(48),
    remindersSent: 0,
    escalateAt: iso(96),
    escalateTo: { role: 'pmo-deputy' },
    secretHashes: ['h1'],
    formerAssignees: [],
    notifiedAt: iso(0),
    version: 1,
    ...overrides,
  };
}

const approve = (name: string, hours: number): ApprovalDecision => ({ decision: 'approve', approver: { name, email: `${name}@x` }, decidedAt: iso(hours) });
const reject = (name: string, hours: number): ApprovalDecision => ({ decision: 'reject', approver: { name, email: `${name}@x` }, comment: 'no', decidedAt: iso(hours) });

describe('dueAction', () => {
  it('does nothing before the reminder', () => {
    expect(dueAction(pending(), at(47))).toBeUndefined();
  });

  it('reminds at 48 hours, escalates at 96 and expires at the deadline', () => {
    expect(dueAction(pending(), at(48))).toBe('remind');
    expect(dueAction(withReminder(pending(), 'h2'), at(96))).toBe('escalate');
    expect(dueAction(pending(), at(120))).toBe('expire');
  });

  it('does not remind twice in the same round', () => {
    expect(dueAction(withReminder(pending(), 'h2'), at(60))).toBeUndefined();
  });

  it('re-sends an assignment whose email did not go out', () => {
    const { notifiedAt: _unset, ...unnotified } = pending();

    expect(dueAction(unnotified, at(0.1))).toBe('notify');
  });

  it('leaves decided approvals alone', () => {
    expect(dueAction(pending({ status: 'APPROVED' }), at(130))).toBeUndefined();
  });
});

describe('nextActionAt', () => {
  it('is the earliest planned action', () => {
    expect(nextActionAt(pending())).toBe(iso(48));
    expect(nextActionAt(withReminder(pending(), 'h2'))).toBe(iso(96));
  });
});

describe('reassignedTo', () => {
  const moved = reassignedTo(pending(), { approver: { name: 'Noor Haddad', email: 'noor@example.org' }, reason: 'escalated' }, 'h9', at(97), 48 * HOUR);

  it('keeps the deadline, gives the new approver a fresh link and no second escalation', () => {
    expect(moved.dueAt).toBe(iso(120));
    expect(moved.secretHashes).toEqual(['h9']);
    expect(moved.escalateAt).toBeUndefined();
    expect(moved.notifiedAt).toBeUndefined();
  });

  it('skips a reminder that would come after the deadline', () => {
    expect(moved.remindAt).toBeUndefined();
  });

  it("tells the former approver's links who took over", () => {
    expect(linkStateOf(moved, 'h1', at(98))).toEqual({ kind: 'reassigned', to: moved.approver, reason: 'escalated', at: iso(97) });
    expect(linkStateOf(moved, 'h9', at(98))).toEqual({ kind: 'open' });
  });
});

describe('linkStateOf', () => {
  it('is expired past the deadline even before the sweeper runs', () => {
    expect(linkStateOf(pending(), 'h1', at(121))).toEqual({ kind: 'expired' });
  });

  it('is withdrawn once the proposal is withdrawn', () => {
    expect(linkStateOf(pending({ status: 'WITHDRAWN' }), 'h1', at(1))).toEqual({ kind: 'withdrawn' });
  });

  it('is withdrawn when the proposal is, even before the withdrawal reached the approval', () => {
    expect(linkStateOf(pending(), 'h1', at(1), true)).toEqual({ kind: 'withdrawn' });
  });
});

describe('tallyLevel', () => {
  it('with quorum "any", takes the earliest decision', () => {
    expect(tallyLevel('any', [approve('b', 2), reject('a', 1)])).toEqual({ outcome: 'rejected', decision: reject('a', 1) });
    expect(tallyLevel('any', [approve('a', 1), { decision: 'superseded' }])).toEqual({ outcome: 'approved', decisions: [approve('a', 1)] });
  });

  it('with quorum "any", expires only when nobody decided', () => {
    expect(tallyLevel('any', [{ decision: 'expired' }, { decision: 'expired' }])).toEqual({ outcome: 'expired' });
  });

  it('with quorum "all", approves only when everyone approved', () => {
    expect(tallyLevel('all', [approve('a', 1), approve('b', 2)])).toMatchObject({ outcome: 'approved' });
    expect(tallyLevel('all', [approve('a', 1), { decision: 'expired' }])).toEqual({ outcome: 'expired' });
  });

  it('with quorum "all", rejects on any rejection', () => {
    expect(tallyLevel('all', [approve('a', 1), reject('b', 2)])).toEqual({ outcome: 'rejected', decision: reject('b', 2) });
  });

  it('ends the level on a withdrawal, whatever else was decided', () => {
    expect(tallyLevel('all', [approve('a', 1), { decision: 'withdrawn' }])).toEqual({ outcome: 'withdrawn' });
  });
});
