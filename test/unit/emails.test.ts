import { describe, expect, it } from 'vitest';
import type { Approval } from '#domain/approval.ts';
import { approvalRequestEmail } from '#emails/approval-emails.tsx';
import { outcomeEmail } from '#emails/proposal-emails.tsx';
import { proposalSummary } from '#domain/proposal-summary.ts';
import type { Proposal } from '#domain/proposal.ts';
import { DEFAULT_RUBRIC, scoreCriteria } from '#domain/scoring.ts';

const HOSTILE = '<script>alert("x")</script> & "quotes"';

function proposal(overrides: Partial<Proposal> = {}): Proposal {
  const criteria = { strategicAlignment: 4, businessValue: 4, risk: 2, urgency: 3 };
  return {
    id: '7f1c8a52-3c1e-4c55-9a32-8f9f3d6c1a11',
    title: `Portal ${HOSTILE}`,
    description: `Line one\nLine two ${HOSTILE}`,
    submitter: { name: `Sam ${HOSTILE}`, email: 'sam@example.org' },
    department: 'Engineering',
    estimatedCost: { amount: 120000, currency: 'EUR' },
    startDate: '2027-01-04',
    endDate: '2027-06-30',
    criteria,
    status: 'IN_REVIEW',
    submittedAt: '2026-11-23T10:00:00.000Z',
    updatedAt: '2026-11-23T10:00:00.000Z',
    score: scoreCriteria(criteria, DEFAULT_RUBRIC, new Date('2026-11-23T10:00:01Z')),
    revision: 1,
    submitterKeyHashes: [],
    attempt: 1,
    restartKeyHashes: [],
    ...overrides,
  };
}

const approval: Approval = {
  id: 'abc',
  subject: { type: 'proposal', id: '7f1c8a52-3c1e-4c55-9a32-8f9f3d6c1a11' },
  executionName: 'proposal-7f1c8a52',
  level: 2,
  levelName: 'Finance',
  levelCount: 3,
  slot: 0,
  slotCount: 1,
  quorum: 'any',
  approver: { name: 'Priya Shah', email: 'priya@example.org' },
  status: 'PENDING',
  requestedAt: '2026-11-23T10:00:02.000Z',
  dueAt: '2026-11-28T10:00:02.000Z',
  remindersSent: 0,
  secretHashes: ['hash'],
  formerAssignees: [],
  version: 1,
};

const common = {
  kind: 'request',
  subjectUrl: 'https://pmo.example.org/proposals/7f1c8a52-3c1e-4c55-9a32-8f9f3d6c1a11',
  earlierDecisions: [],
  delegationUrl: 'https://pmo.example.org/delegation',
} as const;

describe('approvalRequestEmail', () => {
  const message = approvalRequestEmail({
    subject: proposalSummary(proposal()),
    approval,
    approveUrl: 'https://pmo.example.org/approvals/abc?key=s3cret&decision=approve',
    rejectUrl: 'https://pmo.example.org/approvals/abc?key=s3cret&decision=reject',
    ...common,
  });

  it('escapes every user-supplied value in the HTML part', () => {
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;');
  });

  it('carries the Approve and Reject links in both parts, with & escaped in HTML', () => {
    expect(message.html).toContain('href="https://pmo.example.org/approvals/abc?key=s3cret&amp;decision=approve"');
    expect(message.html).toContain('rel="noopener noreferrer"');
    expect(message.text).toContain('Approve: https://pmo.example.org/approvals/abc?key=s3cret&decision=approve');
    expect(message.text).toContain('Reject: https://pmo.example.org/approvals/abc?key=s3cret&decision=reject');
  });

  it('shows the cost, the dates and the score breakdown', () => {
    expect(message.text).toContain('€120,000.00');
    expect(message.text).toContain('4 Jan 2027 to 30 Jun 2027');
    expect(message.text).toMatch(/Score: \d+(\.\d)?\/100/);
    expect(message.html).toContain('Strategic alignment');
  });

  it('names the level, and flags a score below the threshold', () => {
    const flagged = approvalRequestEmail({ subject: proposalSummary(proposal()), approval: { ...approval, attention: 'Below threshold: the score is under the floor.' }, approveUrl: 'a', rejectUrl: 'b', ...common });

    expect(message.text).toContain('Level 2 of 3: Finance.');
    expect(message.text).not.toContain('Below threshold');
    expect(flagged.text).toContain('Below threshold');
  });

  it('says why an escalated approval reached its new approver', () => {
    const escalated = approvalRequestEmail({
      subject: proposalSummary(proposal()),
      approval: { ...approval, formerAssignees: [{ approver: { name: 'Femi Adeyemi', email: 'femi@example.org' }, reason: 'escalated', at: approval.requestedAt, secretHashes: [] }] },
      approveUrl: 'a',
      rejectUrl: 'b',
      ...common,
      kind: 'reminder',
    });

    expect(escalated.subject).toMatch(/^Reminder: approval needed/);
    expect(escalated.text).toContain('Femi Adeyemi did not answer in time');
  });

  it('keeps the subject on one line even when the title has line breaks', () => {
    const multiline = approvalRequestEmail({ subject: proposalSummary(proposal({ title: 'One\r\nBcc: evil@example.org\u2028Cc: x@example.org\u0000' })), approval, approveUrl: 'a', rejectUrl: 'b', ...common });

    for (const separator of ['\r', '\n', '\u2028', '\u0000']) expect(multiline.subject).not.toContain(separator);
  });

  it('shows a later approver the decisions and comments of earlier levels, escaped', () => {
    const later = approvalRequestEmail({
      subject: proposalSummary(proposal()),
      approval,
      approveUrl: 'a',
      rejectUrl: 'b',
      ...common,
      earlierDecisions: [
        { level: 1, levelName: 'PMO review', decision: 'approve', approver: { name: 'Priya Shah', email: 'priya@example.org' }, decidedAt: '2026-11-23T11:00:00.000Z', comment: `Confirm vendor shortlist ${HOSTILE}` },
      ],
    });

    expect(later.text).toContain('Level 1 (PMO review): approved by Priya Shah');
    expect(later.text).toContain(`Comment: Confirm vendor shortlist ${HOSTILE}`);
    expect(later.html).toContain('Confirm vendor shortlist &lt;script&gt;');
  });
});

describe('outcomeEmail', () => {
  it("quotes the approver's comment, escaped", () => {
    const message = outcomeEmail({
      proposal: proposal({ status: 'REJECTED' }),
      outcome: { decision: 'reject', decidedBy: { name: 'Priya Shah', email: 'priya@example.org' }, comment: `Too costly ${HOSTILE}`, decidedAt: '2026-11-24T09:00:00.000Z' },
      proposalUrl: 'https://pmo.example.org/proposals/1',
      recipientName: 'Sam',
    });

    expect(message.subject).toContain('was not approved');
    expect(message.html).toContain('Too costly &lt;script&gt;');
    expect(message.text).toContain(`Comment: Too costly ${HOSTILE}`);
  });

  it('tells the submitter the PMO will follow up when nobody decided', () => {
    const message = outcomeEmail({
      proposal: proposal({ status: 'EXPIRED' }),
      outcome: { decision: 'expired', decidedAt: '2026-11-28T10:00:02.000Z' },
      proposalUrl: 'https://pmo.example.org/proposals/1',
      recipientName: 'Sam',
    });

    expect(message.text).toContain('expired without a decision');
    expect(message.text).toContain('The PMO has been told');
  });
});
