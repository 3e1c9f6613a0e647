import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTIVE, eventually, FINANCE, linkFrom, PMO_DEPUTY, PMO_LEAD, startTestStack, type TestStack } from '#test/support/local-stack-harness.ts';
import { EXPENSE_CLAIMS, expenseWorkflow, newClaim, registerExpenseClaims, type ExpenseClaim } from '#test/support/expense-claim-subject.ts';

// A second subject type, registered by this test alone, goes through the same engine as proposals:
// levels by amount, quorum, reminders, escalation and expiry, with no edit to the engine's files.

const HOUR = 3600 * 1000;
let env: TestStack;
let sfn: SFNClient;
let stateMachineArn: string;

beforeAll(async () => {
  env = await startTestStack();
  registerExpenseClaims();
  const workflow = expenseWorkflow();
  stateMachineArn = env.stack.stepFunctions.registerStateMachine(workflow.name, workflow.definition);
  sfn = new SFNClient({ endpoint: env.stack.urls.sfn, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterAll(async () => {
  sfn?.destroy();
  await env?.stop();
});

async function startReview(claim: ExpenseClaim): Promise<string> {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: claim.executionName, input: JSON.stringify({ claimId: claim.id }) }));
  return started.executionArn!;
}

async function executionStatus(executionArn: string): Promise<string | undefined> {
  return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
}

function decided(claim: ExpenseClaim, status: ExpenseClaim['status']) {
  return eventually(`claim ${claim.id} to be ${status}`, async () => (EXPENSE_CLAIMS.get(claim.id)?.status === status ? EXPENSE_CLAIMS.get(claim.id) : undefined));
}

describe('an expense claim through two levels, the first with quorum "all"', () => {
  const claim = newClaim('claim-levels', 'Team offsite travel', 2500);
  let executionArn: string;

  beforeAll(async () => {
    executionArn = await startReview(claim);
  });

  it('asks both budget holders at level 1 with the subject’s own facts', async () => {
    const [lead, finance] = await Promise.all([env.requestTo(PMO_LEAD, claim.title), env.requestTo(FINANCE, claim.title)]);

    expect(lead.subject).toBe('Approval needed: Team offsite travel (EUR 2500)');
    expect(lead.body.text).toContain('An expense claim is waiting for your decision');
    expect(lead.body.text).toContain('Level 1 of 2: Budget holders. All 2 approvers at this level must approve.');
    expect(finance.body.text).toContain('Amount: EUR 2500');
  });

  it('waits for the second approver of the level before asking level 2', async () => {
    await env.decide(linkFrom(await env.requestTo(PMO_LEAD, claim.title), 'approve'), 'approve', 'Within the travel policy.');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await env.emailsTo(EXECUTIVE)).filter((email) => email.subject.includes(claim.title))).toHaveLength(0);

    await env.decide(linkFrom(await env.requestTo(FINANCE, claim.title), 'approve'), 'approve');
    const executive = await env.requestTo(EXECUTIVE, claim.title);

    expect(executive.body.text).toContain('Level 2 of 2: Executive.');
    expect(executive.body.text).toContain('Comment: Within the travel policy.');
  });

  it('hands the outcome to the registration once the last level approves', async () => {
    const response = await env.decide(linkFrom(await env.requestTo(EXECUTIVE, claim.title), 'approve'), 'approve');

    expect(response.status).toBe(200);
    const done = await decided(claim, 'APPROVED');
    expect(done.outcome).toMatchObject({ decision: 'approve', approver: { email: EXECUTIVE }, level: 2 });
    expect(done.progress.map((plan) => plan.currentLevel)).toEqual([1, 2]);
    await eventually('the execution to succeed', async () => ((await executionStatus(executionArn)) === 'SUCCEEDED' ? true : undefined));
  });

  it('keeps its audit trail by subject, readable through the history route of its collection', async () => {
    const response = await env.web(`/api/expense-claims/${claim.id}/history`);

    expect(response.status).toBe(200);
    const types = ((await response.json()) as { items: { type: string }[] }).items.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['review-planned', 'approval-requested', 'decided', 'level-closed']));
  });
});

describe('an expense claim nobody decides', () => {
  const claim = newClaim('claim-sweep', 'Conference tickets', 400);
  let requestedAt: number;

  beforeAll(async () => {
    requestedAt = Date.now();
    await startReview(claim);
    await Promise.all([env.requestTo(PMO_LEAD, claim.title), env.requestTo(FINANCE, claim.title)]);
  });

  it('sends each approver one reminder when the sweep runs after the reminder time, however often', async () => {
    const at = new Date(requestedAt + 25 * HOUR);
    const reminders = async () => (await env.emails()).filter((email) => email.subject === `Reminder: approval needed: ${claim.title} (EUR 400)`);
    // The schedule runs every few minutes; a run may find a request whose email is still being marked sent.
    await eventually('both reminders', async () => {
      await env.stack.runSchedule('pmo-approval-sweep', at);
      return (await reminders()).length >= 2 ? true : undefined;
    });
    await env.stack.runSchedule('pmo-approval-sweep', at);

    expect((await reminders()).map((email) => email.destination.to.join()).sort()).toEqual([expect.stringContaining(FINANCE), expect.stringContaining(PMO_LEAD)]);
  });

  it('expires the level at its deadline and reports "expired" to the registration', async () => {
    await env.stack.runSchedule('pmo-approval-sweep', new Date(requestedAt + 73 * HOUR));

    const done = await decided(claim, 'EXPIRED');
    expect(done.outcome).toMatchObject({ decision: 'expired', level: 1 });
  });
});

describe('an expense claim whose executive does not answer', () => {
  const claim = newClaim('claim-escalation', 'New laptops', 1800);
  let requestedAt: number;

  beforeAll(async () => {
    await startReview(claim);
    await env.decide(linkFrom(await env.requestTo(PMO_LEAD, claim.title), 'approve'), 'approve');
    await env.decide(linkFrom(await env.requestTo(FINANCE, claim.title), 'approve'), 'approve');
    await env.requestTo(EXECUTIVE, claim.title);
    requestedAt = Date.now();
  });

  it('escalates to the level’s escalation target, whose link then decides', async () => {
    const escalated = await eventually('the escalated request', async () => {
      await env.stack.runSchedule('pmo-approval-sweep', new Date(requestedAt + 49 * HOUR));
      return (await env.emailsTo(PMO_DEPUTY)).find((email) => email.subject.startsWith('Approval needed') && email.subject.includes(claim.title));
    });

    expect(escalated.body.text).toContain('Elena Rossi did not answer in time');
    await env.decide(linkFrom(escalated, 'reject'), 'reject', 'Not this quarter.');
    const done = await decided(claim, 'REJECTED');
    expect(done.outcome).toMatchObject({ decision: 'reject', approver: { email: PMO_DEPUTY }, comment: 'Not this quarter.' });
  });
});

describe('a second execution started by hand for a claim in review', () => {
  const claim = newClaim('claim-hijack', 'Office plants', 120);

  beforeAll(async () => {
    await startReview(claim);
    await env.requestTo(PMO_LEAD, claim.title);
  });

  it('fails without touching the claim or sending mail', async () => {
    const aboutIt = async () => (await env.emails()).filter((email) => email.subject.includes(claim.title));
    const before = (await aboutIt()).length;
    const foreign = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'expense-claim-hijack-again', input: JSON.stringify({ claimId: claim.id }) }));

    await eventually('the foreign execution to fail', async () => ((await executionStatus(foreign.executionArn!)) === 'FAILED' ? true : undefined));
    expect(EXPENSE_CLAIMS.get(claim.id)).toMatchObject({ status: 'IN_REVIEW', outcomeCalls: 0 });
    expect((await aboutIt()).length).toBe(before);
  });
});
