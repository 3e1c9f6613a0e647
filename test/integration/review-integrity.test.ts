import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, FINANCE, linkFrom, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';

// What operators and approvers could do to a review that must not leave it wrong: a second
// execution started by hand, a stopped execution, a withdrawal, a retried outcome step.

let env: TestStack;
let sfn: SFNClient;

beforeAll(async () => {
  env = await startTestStack();
  sfn = new SFNClient({ endpoint: env.stack.urls.sfn, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterAll(async () => {
  sfn?.destroy();
  await env?.stop();
});

function submitterOf(title: string) {
  return `submitter+${title.replace(/\W/g, '')}@example.org`;
}

async function submitInReview(title: string, amount = 30000): Promise<string> {
  const id = await env.submit({ title, submitter: { name: 'Sam Carter', email: submitterOf(title) }, estimatedCost: { amount, currency: 'EUR' } });
  await env.requestTo(PMO_LEAD, title);
  return id;
}

const executionArnOf = (name: string) => `${env.stack.intakeStateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

async function executionStatus(executionArn: string) {
  return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
}

describe('a second execution started by hand for a proposal in review', () => {
  const title = 'Hijack attempt';
  let id: string;

  beforeAll(async () => {
    id = await submitInReview(title);
  });

  it('is refused under the proposal’s own name when its input differs', async () => {
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: env.stack.intakeStateMachineArn, name: `proposal-${id}`, input: JSON.stringify({ proposalId: id, extra: 1 }) })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('fails under another name without touching the proposal or sending mail', async () => {
    const aboutIt = async () => (await env.emails()).filter((email) => email.subject.includes(title) || (email.body.text ?? '').includes(id));
    const before = (await aboutIt()).length;

    const foreign = await sfn.send(new StartExecutionCommand({ stateMachineArn: env.stack.intakeStateMachineArn, name: `by-hand-${id}`, input: JSON.stringify({ proposalId: id }) }));

    await eventually('the foreign execution to fail', async () => ((await executionStatus(foreign.executionArn!)) === 'FAILED' ? true : undefined));
    expect((await env.proposal(id)).status).toBe('IN_REVIEW');
    expect((await aboutIt()).length).toBe(before);
  });

  it('leaves the original link deciding, with one outcome email', async () => {
    const response = await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'approve'), 'approve');

    expect(response.status).toBe(200);
    await env.waitForStatus(id, 'APPROVED');
    await env.waitForEmail(submitterOf(title), 'was approved');
    expect((await env.emailsTo(submitterOf(title))).filter((email) => /expired|could not be processed/.test(email.subject))).toHaveLength(0);
  });
});

describe('a proposal saved whose workflow never started (a crash between the two)', () => {
  it('is started by the next sweep after a minute, once', async () => {
    const title = 'Saved but not started';
    const { proposalRepository } = await import('#adapters/proposal-repository.ts');
    const { newProposal, ProposalInputSchema } = await import('#domain/proposal.ts');
    const { proposalBody } = await import('#test/support/local-stack-harness.ts');
    const saved = new Date();
    const proposal = newProposal(crypto.randomUUID(), ProposalInputSchema.parse(proposalBody({ title, submitter: { name: 'Sam Carter', email: submitterOf(title) } })), saved);
    await proposalRepository.create(proposal);

    await env.stack.runSchedule('pmo-approval-sweep', new Date(saved.getTime() + 61_000));
    await env.stack.runSchedule('pmo-approval-sweep', new Date(saved.getTime() + 62_000));

    await env.waitForStatus(proposal.id, 'IN_REVIEW');
    await env.requestTo(PMO_LEAD, title);
    expect((await env.emailsTo(submitterOf(title))).filter((email) => email.subject.startsWith('Proposal received'))).toHaveLength(1);
  });
});

describe('an approved proposal', () => {
  const title = 'Becomes a project';
  let id: string;

  beforeAll(async () => {
    id = await submitInReview(title);
    await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'approve'), 'approve');
    await env.waitForStatus(id, 'APPROVED');
    await env.waitForEmail(submitterOf(title), 'was approved');
  });

  it('becomes exactly one project, linked both ways, also when the outcome step runs again', async () => {
    const { handler } = await import('#handlers/record-outcome.ts');
    const proposal = (await (await env.web(`/api/proposals/${id}`)).json()) as { projectId?: string; executionName: string };
    const retried = { subject: { type: 'proposal', id }, executionName: proposal.executionName, outcome: { decision: 'approve', approver: { name: 'Priya Shah', email: PMO_LEAD }, decidedAt: new Date().toISOString() } };

    await Promise.all([handler(retried), handler(retried)]);

    const projects = ((await (await env.web('/api/projects?limit=100')).json()) as { items: { id: string; proposalId: string }[] }).items.filter((project) => project.proposalId === id);
    expect(projects).toHaveLength(1);
    expect(projects[0]!.id).toBe(proposal.projectId);
    expect((await env.emailsTo(submitterOf(title))).filter((email) => email.subject.includes('was approved'))).toHaveLength(1);
    const outcome = await env.waitForEmail(submitterOf(title), 'was approved');
    expect(outcome.body.text).toContain(`/projects/${projects[0]!.id}`);
    const history = (await (await env.web(`/api/projects/${projects[0]!.id}/history`)).json()) as { items: { type: string }[] };
    expect(history.items.filter((event) => event.type === 'project-created')).toHaveLength(1);
  });
});

describe('a comment made at level 1', () => {
  const title = 'Vendor shortlist';
  const comment = 'Please confirm vendor shortlist with Procurement';
  let id: string;

  beforeAll(async () => {
    id = await submitInReview(title, 60000);
  });

  it('says on the decision page that the review moves on, not that the submitter is told', async () => {
    const response = await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'approve'), 'approve', comment);

    const page = await response.text();
    expect(page).toContain('moves on to level 2 of 2');
    expect(page).not.toContain('the submitter will be told the outcome.');
  });

  it('reaches the level-2 approver in the email and on the page', async () => {
    const request = await env.requestTo(FINANCE, title);
    const link = linkFrom(request, 'approve');

    expect(request.body.text).toContain(`Comment: ${comment}`);
    expect(await (await env.web(`${link.pathname}${link.search}`)).text()).toContain(comment);
  });

  it('reaches the submitter with every decision of the review', async () => {
    await env.decide(linkFrom(await env.requestTo(FINANCE, title), 'approve'), 'approve', 'Budget confirmed.');

    await env.waitForStatus(id, 'APPROVED');
    const outcome = await env.waitForEmail(submitterOf(title), 'was approved');
    expect(outcome.body.text).toContain(`Comment: ${comment}`);
    expect(outcome.body.text).toContain('Comment: Budget confirmed.');
    expect(outcome.body.text).toContain('Level 1 (PMO review): approved by Priya Shah');
  });
});

describe('a withdrawal while approvers are asked', () => {
  const title = 'Withdrawn in review';

  it('tells each approver who was asked that no decision is needed', async () => {
    const id = await submitInReview(title);
    const received = await env.waitForEmail(submitterOf(title), 'Proposal received');
    const withdraw = new URL(/Withdraw: (\S+)/.exec(received.body.text!)![1]!);

    const response = await env.web(withdraw.pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: withdraw.searchParams.get('key')! }).toString(),
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Its approver was told by email that there is nothing to decide.');
    const notice = await env.waitForEmail(PMO_LEAD, `No decision needed: ${title}`);
    expect(notice.body.text).toContain('The submitter withdrew the proposal.');
    await env.waitForStatus(id, 'WITHDRAWN');
  });
});

describe('the submitter’s links', () => {
  it('each open their own purpose only: the withdraw key does not revise, the revise key does not withdraw', async () => {
    const title = 'Keys bound to purpose';
    const id = await submitInReview(title);
    const received = await env.waitForEmail(submitterOf(title), 'Proposal received');
    const withdrawKey = new URL(/Withdraw: (\S+)/.exec(received.body.text!)![1]!).searchParams.get('key')!;
    await env.decide(linkFrom(await env.requestTo(PMO_LEAD, title), 'reject'), 'reject', 'Not now.');
    const rejection = await env.waitForEmail(submitterOf(title), 'was not approved');
    const reviseKey = new URL(/Revise and resubmit: (\S+)/.exec(rejection.body.text!)![1]!).searchParams.get('key')!;

    expect((await env.web(`/proposals/${id}/revise?key=${encodeURIComponent(withdrawKey)}`)).status).toBe(403);
    expect((await env.web(`/proposals/${id}/withdraw?key=${encodeURIComponent(reviseKey)}`)).status).toBe(403);
    expect((await env.web(`/proposals/${id}/revise?key=${encodeURIComponent(reviseKey)}`)).status).toBe(200);
  });
});

describe('a review whose execution an operator stops', () => {
  const title = 'Stopped by an operator';
  let id: string;

  beforeAll(async () => {
    id = await submitInReview(title);
    const proposal = (await (await env.web(`/api/proposals/${id}`)).json()) as { executionName: string };
    await sfn.send(new StopExecutionCommand({ executionArn: executionArnOf(proposal.executionName), cause: 'Operator test' }));
  });

  it('says on the proposal what happened', async () => {
    const failed = await env.waitForStatus(id, 'FAILED');

    expect((failed as unknown as { outcome: { reason: string } }).outcome.reason).toBe('The review was stopped by an operator: Operator test');
  });

  it('closes the approval: its link answers that the review stopped, and the approver is told', async () => {
    const link = linkFrom(await env.requestTo(PMO_LEAD, title), 'approve');

    const page = await env.web(`${link.pathname}${link.search}`);
    const post = await env.decide(link, 'approve');

    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This review was stopped');
    expect(post.status).toBe(410);
    await env.waitForEmail(PMO_LEAD, `No decision needed: ${title}`);
  });

  it('tells the PMO lead, whose link restarts the review once', async () => {
    const attention = await env.waitForEmail(PMO_LEAD, `Needs attention: proposal stopped before a decision: ${title}`);
    expect(attention.body.text).toContain('Reason: The review was stopped by an operator: Operator test.');
    const restart = new URL(/Restart its review: (\S+)/.exec(attention.body.text!)![1]!);
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key: restart.searchParams.get('key')! }).toString() };

    expect((await env.web(`${restart.pathname}${restart.search}`)).status).toBe(200);
    expect((await env.web(restart.pathname, form)).status).toBe(303);
    expect((await env.web(restart.pathname, form)).status).toBe(403);
    expect((await env.history(id)).find((event) => event.type === 'review-restarted')).toMatchObject({ summary: expect.stringContaining('Review restarted') });

    const second = await eventually('a second approval request', async () => {
      const requests = (await env.emailsTo(PMO_LEAD)).filter((email) => email.subject === `Approval needed: ${title} (€30,000.00)`);
      return requests.length === 2 ? requests[1] : undefined;
    });
    await env.waitForEmail(submitterOf(title), `Proposal in review again: ${title}`);
    await env.decide(linkFrom(second!, 'approve'), 'approve');
    expect((await env.waitForStatus(id, 'APPROVED')).status).toBe('APPROVED');
  });
});
