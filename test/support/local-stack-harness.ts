import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '#local/local-stack.ts';

/** An email as the local SES inbox stores it. */
export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { to: string[] };
  readonly subject: string;
  readonly body: { html?: string; text?: string };
  /** A raw email's attachments, as the local inbox keeps them (content in base64). */
  readonly attachments?: readonly { filename?: string; contentType?: string; content: string }[];
  readonly at: number;
}

/** A proposal as `GET /api/proposals/:id` returns it (the parts the tests read). */
export interface ProposalJson {
  id: string;
  status: string;
  revision: number;
  score?: { total: number; breakdown: unknown[] };
  reviewStage?: { level: number; name: string; of: number };
  approvals: {
    level: number;
    levelName: string;
    status: string;
    approver: { email: string };
    onBehalfOf?: { email: string };
    decidedAt?: string;
    comment?: string;
  }[];
}

/**
 * A local stack on free ports and a throw-away data folder, with helpers for the journeys. The
 * helpers that submit and read proposals use the open API: they need a stack with sign-in off
 * (the default of {@link startTestStack}).
 */
export interface TestStack {
  readonly stack: LocalStack;
  readonly dataDir: string;
  /** The local sign-in provider's URL (its issuer), with sign-in on. */
  readonly oidcUrl: string | undefined;
  /** Fetches a path of the web app. */
  web(path: string, init?: RequestInit): Promise<Response>;
  /** A bearer access token for someone active in the directory, as signing in gives (sign-in on). */
  tokenFor(email: string): Promise<string>;
  /** Fetches a path of the web app with a person's bearer token (sign-in on). */
  webAs(email: string, path: string, init?: RequestInit): Promise<Response>;
  /** Every email sent so far. */
  emails(): Promise<StoredEmail[]>;
  /** Emails to one address, oldest first. */
  emailsTo(address: string): Promise<StoredEmail[]>;
  /** Waits until `count` emails have reached an address (emails are sent by workflow steps). */
  waitForEmails(address: string, count: number, timeoutMs?: number): Promise<StoredEmail[]>;
  /** Waits for the first email to an address whose subject contains `subject`. */
  waitForEmail(address: string, subject: string, timeoutMs?: number): Promise<StoredEmail>;
  /** Submits a proposal through the API (a valid body with `overrides`) and returns its id. */
  submit(overrides?: Record<string, unknown>): Promise<string>;
  /** The proposal as the API returns it. */
  proposal(id: string): Promise<ProposalJson>;
  /** Waits until the proposal has `status` (workflow steps run asynchronously). */
  waitForStatus(id: string, status: string): Promise<ProposalJson>;
  /** The proposal's audit trail. */
  history(id: string): Promise<{ type: string; summary: string }[]>;
  /** Waits for the approval request (or reminder) about `title` to `address`. */
  requestTo(address: string, title: string, subjectStart?: string): Promise<StoredEmail>;
  /** Posts a decision from an emailed approval link, as the page's button does. */
  decide(link: URL, decision: 'approve' | 'reject', comment?: string): Promise<Response>;
  /** Stops the stack; with `keepData`, the data folder stays for a restart. */
  stop(options?: { keepData?: boolean }): Promise<void>;
  /** Starts the stack again on the same ports and data, as after a restart of `npm start`. */
  restart(): Promise<TestStack>;
}

/** People of the demo directory, by role. */
export const PMO_LEAD = 'priya.shah@example.org';
export const PMO_DEPUTY = 'noor.haddad@example.org';
export const FINANCE = 'femi.adeyemi@example.org';
export const FINANCE_DEPUTY = 'omar.farouk@example.org';
export const EXECUTIVE = 'elena.rossi@example.org';

/** Polls until `probe` returns a value, or fails with `what` after the timeout. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How a test stack was started, so that a restart starts it the same way. */
interface TestStackSetup {
  readonly approvalPolicyPath: string | undefined;
  readonly auth: 'on' | 'off';
}

async function wrap(stack: LocalStack, dataDir: string, setup: TestStackSetup): Promise<TestStack> {
  const emails = async (): Promise<StoredEmail[]> => {
    const response = await fetch(`${stack.urls.mailbox}/store`);
    return ((await response.json()) as { emails: StoredEmail[] }).emails;
  };
  const emailsTo = async (address: string) =>
    (await emails()).filter((email) => email.destination.to.some((to) => to.toLowerCase().includes(address.toLowerCase())));
  const web = (path: string, init?: RequestInit) => fetch(`${stack.urls.web}${path}`, { redirect: 'manual', ...init });
  const proposal = async (id: string) => (await (await web(`/api/proposals/${id}`)).json()) as ProposalJson;
  const tokenFor = (email: string) => stack.mintAccessToken(email);
  const harness: TestStack = {
    stack,
    dataDir,
    oidcUrl: stack.urls.oidc,
    web,
    tokenFor,
    webAs: async (email, path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${await tokenFor(email)}`);
      return web(path, { ...init, headers });
    },
    submit: async (overrides = {}) => {
      const response = await web('/api/proposals', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(proposalBody(overrides)),
      });
      if (response.status !== 201) throw new Error(`The submission answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
    proposal,
    waitForStatus: (id, status) =>
      eventually(`proposal ${id} to be ${status}`, async () => {
        const current = await proposal(id);
        return current.status === status ? current : undefined;
      }),
    history: async (id) => ((await (await web(`/api/proposals/${id}/history`)).json()) as { items: { type: string; summary: string }[] }).items,
    requestTo: (address, title, subjectStart = 'Approval needed') =>
      eventually(`"${subjectStart}" about ${title} to ${address}`, async () =>
        (await emailsTo(address)).find((email) => email.subject.startsWith(subjectStart) && email.subject.includes(title)),
      ),
    decide: (link, decision, comment) =>
      web(link.pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key: link.searchParams.get('key') ?? '', decision, ...(comment ? { comment } : {}) }).toString(),
      }),
    emails,
    emailsTo,
    waitForEmails: (address, count, timeoutMs) =>
      eventually(`${count} email(s) to ${address}`, async () => {
        const found = await emailsTo(address);
        return found.length >= count ? found : undefined;
      }, timeoutMs),
    waitForEmail: (address, subject, timeoutMs) =>
      eventually(`an email "${subject}" to ${address}`, async () => (await emailsTo(address)).find((email) => email.subject.includes(subject)), timeoutMs),
    stop: async (options) => {
      await stack.close();
      if (!options?.keepData) await rm(dataDir, { recursive: true, force: true });
    },
    restart: async () => {
      await stack.close();
      const again = await startLocalStack({
        dataDir,
        ports: stack.ports,
        runSchedules: false,
        auth: setup.auth,
        ...(setup.approvalPolicyPath ? { approvalPolicyPath: setup.approvalPolicyPath } : {}),
      });
      return wrap(again, dataDir, setup);
    },
  };
  return harness;
}

/**
 * Starts a fresh local stack for a test file; with `dataDir`, on the data another stack (an
 * `npm start` process, say) left there, as a restart would. A test file that starts a stack again
 * after stopping one passes the first one's `ports`: the handlers' SDK clients are made once per
 * process, with the endpoints of the first stack (and, with sign-in on, the web app keeps the
 * issuer of the first stack too).
 *
 * Sign-in is off unless `auth: 'on'`: the journeys drive the open API, as `PMO_AUTH=off` does.
 * With `auth: 'on'`, the local OpenID Connect provider runs on a free port ({@link TestStack.oidcUrl})
 * and {@link TestStack.tokenFor} gives bearer tokens.
 */
export async function startTestStack(
  options: { approvalPolicyPath?: string; dataDir?: string; ports?: LocalStack['ports']; auth?: 'on' | 'off' } = {},
): Promise<TestStack> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'pmo-test-')));
  const auth = options.auth ?? 'off';
  const stack = await startLocalStack({
    dataDir,
    ports: options.ports ?? { web: 0, mailbox: 0, dynamodb: 0, sfn: 0, oidc: 0, files: 0 },
    runSchedules: false,
    auth,
    ...(options.approvalPolicyPath ? { approvalPolicyPath: options.approvalPolicyPath } : {}),
  });
  return wrap(stack, dataDir, { approvalPolicyPath: options.approvalPolicyPath, auth });
}

/** A valid proposal body; override what a test is about. */
export function proposalBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Customer portal rebuild',
    description: 'Replace the legacy customer portal with a maintainable, accessible one.',
    submitter: { name: 'Sam Carter', email: 'sam.carter@example.org' },
    department: 'Engineering',
    // Under the finance threshold: one level (PMO review) under the default policy.
    estimatedCost: { amount: 30000, currency: 'EUR' },
    startDate: '2027-01-04',
    endDate: '2027-06-30',
    criteria: { strategicAlignment: 4, businessValue: 5, risk: 2, urgency: 3 },
    ...overrides,
  };
}

/** The Approve or Reject link of an approval request email. */
export function linkFrom(email: StoredEmail, decision: 'approve' | 'reject'): URL {
  const match = new RegExp(`${decision === 'approve' ? 'Approve' : 'Reject'}: (\\S+)`).exec(email.body.text ?? '');
  if (!match) throw new Error(`No ${decision} link in "${email.subject}"`);
  return new URL(match[1]!);
}
