import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack as RunningStack } from '#local/local-stack.ts';
import { eventually, PMO_LEAD, proposalBody, startTestStack, type StoredEmail, type TestStack } from '#test/support/local-stack-harness.ts';

// `npm start` stopped in the middle of a burst of submissions. A graceful stop (SIGTERM) answers
// every request it took and stores nothing it did not answer; a kill (SIGKILL) cannot answer, but
// what it stored gets its workflow once the stack is back. Either way, no email goes out twice.

/** `npm start` as a child process on free ports, with its output. */
interface NpmStart {
  readonly child: ChildProcess;
  readonly web: string;
  output(): string;
  /** Resolves with the exit code and signal once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** What a client saw of one submission. */
type Outcome =
  | { readonly kind: 'answered'; readonly status: number; readonly headers: http.IncomingHttpHeaders }
  | { readonly kind: 'no-answer'; readonly code: string };

const running: ChildProcess[] = [];
const dataDirs: string[] = [];
let env: TestStack | undefined;
/** The ports of the first stack this file started in-process, for the ones after it (see startTestStack). */
let ports: RunningStack['ports'] | undefined;

async function startInProcess(dataDir?: string): Promise<TestStack> {
  const started = await startTestStack({ ...(dataDir ? { dataDir } : {}), ...(ports ? { ports } : {}) });
  ports ??= started.stack.ports;
  return started;
}

afterEach(async () => {
  await env?.stop({ keepData: true });
  env = undefined;
});

afterAll(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

async function startNpmStart(dataDir: string): Promise<NpmStart> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    // Sign-in off: the bursts use the open API (sign-in is proven in sign-in.test.ts).
    env: { ...process.env, PMO_AUTH: 'off', PMO_DATA_DIR: dataDir, PMO_PORT: '0', PMO_MAILBOX_PORT: '0', PMO_DYNAMODB_PORT: '0', PMO_SFN_PORT: '0', PMO_OIDC_PORT: '0', PMO_FILES_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await eventually('the start banner', async () => (output.includes('Press Ctrl-C') ? true : undefined), 30_000);
  const web = /Intake form\s+(http:\/\/\S+)\/proposals\/new/.exec(output)![1]!;
  return { child, web, output: () => output, exited };
}

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pmo-drain-'));
  dataDirs.push(dir);
  return dir;
}

/** One submission through node's http client, as a client of the API sends it; never rejects. */
function submit(web: string, agent: http.Agent, body: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const request = http.request(
      `${web}/api/proposals`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (response) => {
        response.resume();
        response.on('aborted', () => resolve({ kind: 'no-answer', code: 'aborted' }));
        response.on('end', () => resolve({ kind: 'answered', status: response.statusCode!, headers: response.headers }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ kind: 'no-answer', code: error.code ?? error.message }));
    request.end(payload);
  });
}

/**
 * Sends `count` submissions from `clients` clients at once (kept-alive connections), each with a
 * title and submitter of its own; `afterEach(done)` runs after every outcome, in order.
 */
async function burst(web: string, run: string, count: number, clients: number, afterEachOutcome: (done: number) => void): Promise<Map<string, Outcome>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const outcomes = new Map<string, Outcome>();
  let next = 0;
  const client = async () => {
    while (next < count) {
      const index = next++;
      const title = `Burst ${run} ${index}`;
      const outcome = await submit(web, agent, proposalBody({ title, submitter: { name: 'Burst Client', email: submitterOf(run, index) } }));
      outcomes.set(title, outcome);
      afterEachOutcome(outcomes.size);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  agent.destroy();
  return outcomes;
}

function submitterOf(run: string, index: number): string {
  return `burst.${run}.${index}@example.org`;
}

/**
 * Every stored proposal whose title starts with `prefix`: listed by the paginated API and found by
 * its id. (dynalite writes an item's index entries before the item, so a kill between the two
 * leaves an index entry, listed, for an item that was never stored; DynamoDB has no such state.)
 */
async function storedProposals(stack: TestStack, prefix: string): Promise<{ id: string; title: string }[]> {
  const listed: { id: string; title: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = (await (await stack.web(`/api/proposals?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json()) as {
      items: { id: string; title: string }[];
      nextCursor?: string;
    };
    listed.push(...page.items.filter((item) => item.title.startsWith(prefix)));
    cursor = page.nextCursor;
  } while (cursor);
  const found = await Promise.all(listed.map(async (item) => ((await stack.web(`/api/proposals/${item.id}`)).status === 200 ? item : undefined)));
  return found.filter((item) => item !== undefined);
}

/** Emails about this run that share recipient and subject with another one. */
function duplicates(emails: readonly StoredEmail[]): string[] {
  const seen = new Map<string, number>();
  for (const email of emails) {
    const key = `${email.destination.to.join(',')} | ${email.subject}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([key]) => key);
}

/** Whether an email went to `address` (written `"Name" <address>` or bare). */
function isTo(email: StoredEmail, address: string): boolean {
  return email.destination.to.some((to) => to === address || to.endsWith(`<${address}>`));
}

/** Whether an email's subject is `prefix: title`, or that with a note in brackets after it. */
function isAbout(email: StoredEmail, prefix: string, title: string): boolean {
  return email.subject === `${prefix}: ${title}` || email.subject.startsWith(`${prefix}: ${title} (`);
}

/**
 * Waits until every proposal is in review with its "received" email and its approval request,
 * and returns the run's emails.
 */
async function waitForWorkflows(stack: TestStack, run: string, proposals: readonly { id: string; title: string }[]): Promise<StoredEmail[]> {
  let missing = '';
  try {
    return await eventually(
      `a workflow, a "received" email and an approval request for each of ${proposals.length} proposals`,
      async () => {
        const emails = (await stack.emails()).filter((email) => email.subject.includes(`Burst ${run} `));
        for (const proposal of proposals) {
          const { status } = await stack.proposal(proposal.id);
          const submitter = submitterOf(run, Number(proposal.title.split(' ').pop()));
          const received = emails.some((email) => isAbout(email, 'Proposal received', proposal.title) && isTo(email, submitter));
          const requested = emails.some((email) => isAbout(email, 'Approval needed', proposal.title) && isTo(email, PMO_LEAD));
          missing = `${proposal.title}: status ${status}, received email ${received}, approval request ${requested}`;
          if (status !== 'IN_REVIEW' || !received || !requested) return undefined;
        }
        return emails;
      },
      45_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; first missing: ${missing}`);
  }
}

describe('npm start stopped with SIGTERM in the middle of a burst of submissions', () => {
  it('answers every submission it took, stores only those, and each has its workflow and one "received" email after a restart', async () => {
    const dataDir = await freshDataDir();
    const npmStart = await startNpmStart(dataDir);
    const run = randomUUID().slice(0, 8);

    const outcomes = await burst(npmStart.web, run, 80, 12, (done) => {
      if (done === 16) npmStart.child.kill('SIGTERM');
    });
    const { code } = await npmStart.exited;

    expect(code).toBe(0);
    expect(npmStart.output()).toContain('Stopped after finishing the work under way');
    expect(npmStart.output()).not.toContain('Database is closed');
    const answered = [...outcomes].filter((entry): entry is [string, Extract<Outcome, { kind: 'answered' }>] => entry[1].kind === 'answered');
    const created = answered.filter(([, outcome]) => outcome.status === 201).map(([title]) => title);
    const refused = answered.filter(([, outcome]) => outcome.status !== 201);
    expect(created.length).toBeGreaterThanOrEqual(16);
    expect(created.length).toBeLessThan(80);
    for (const [, outcome] of refused) {
      expect(outcome.status).toBe(503);
      expect(outcome.headers.connection).toBe('close');
      expect(Number(outcome.headers['retry-after'])).toBeGreaterThan(0);
    }
    const unanswered = [...outcomes.values()].filter((outcome) => outcome.kind === 'no-answer');
    // Refused at the socket: the listener had closed, or a kept-alive connection was closed while idle.
    for (const outcome of unanswered) expect(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']).toContain(outcome.code);

    env = await startInProcess(dataDir);
    const stored = await storedProposals(env, `Burst ${run} `);

    expect(stored.map((proposal) => proposal.title).sort()).toEqual([...created].sort());
    const emails = await waitForWorkflows(env, run, stored);
    expect(duplicates(emails)).toEqual([]);
  }, 150_000);
});

describe('npm start killed (SIGKILL) in the middle of a burst, then started again', () => {
  it('gives every proposal it stored its workflow once the sweep has run, and sends no email twice', async () => {
    const dataDir = await freshDataDir();
    const npmStart = await startNpmStart(dataDir);
    const run = randomUUID().slice(0, 8);

    const outcomes = await burst(npmStart.web, run, 80, 12, (done) => {
      if (done === 16) npmStart.child.kill('SIGKILL');
    });
    const { signal } = await npmStart.exited;
    env = await startInProcess(dataDir);
    // Saved but never started (killed between the write and StartExecution): the sweep's repair
    // step starts a review left unstarted for more than a minute.
    await env.stack.runSchedule('pmo-approval-sweep', new Date(Date.now() + 2 * 60_000));

    expect(signal).toBe('SIGKILL');
    const created = [...outcomes].filter(([, outcome]) => outcome.kind === 'answered' && outcome.status === 201).map(([title]) => title);
    expect([...outcomes.values()].filter((outcome) => outcome.kind === 'answered' && outcome.status !== 201)).toEqual([]);
    const stored = await storedProposals(env, `Burst ${run} `);
    expect(stored.map((proposal) => proposal.title)).toEqual(expect.arrayContaining(created));
    const emails = await waitForWorkflows(env, run, stored);
    expect(duplicates(emails)).toEqual([]);
  }, 150_000);
});

describe('a stop whose work outlasts the drain timeout', () => {
  it('cuts the work at the deadline, says what it cut, and still closes the database', async () => {
    const lines: string[] = [];
    const stack = await startLocalStack({
      dataDir: await freshDataDir(),
      ports: ports ?? { web: 0, mailbox: 0, dynamodb: 0, sfn: 0, files: 0 },
      runSchedules: false,
      auth: 'off',
      drainTimeoutMs: 300,
      log: (line) => lines.push(line),
    });
    ports ??= stack.ports;
    // The submission's write is held back (as if the database hung), so the request cannot finish.
    stack.faults.set({ conditionalRace: { writes: 2, match: (write) => write.operation === 'PutItem' && write.key.pk?.startsWith('PROPOSAL#') === true, timeoutMs: 3000 } });
    const submission = fetch(`${stack.urls.web}/api/proposals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(proposalBody({ title: 'Outlasts the drain' })),
    }).then(
      (response) => response.status,
      () => 'no answer',
    );
    await eventually('the write to be held', async () => (stack.faults.report().holding === 1 ? true : undefined)).catch(async (error: unknown) => {
      await stack.close();
      throw error;
    });

    const report = await stack.close();

    expect(report).toMatchObject({ cutRequests: ['POST /api/proposals'], cutDatabaseRequests: ['PutItem'], databaseClosed: true });
    expect(lines.find((line) => line.includes('the stop cut'))).toContain('web requests without an answer: POST /api/proposals');
    expect(await submission).toBe('no answer');
    // The held write goes on after the database closed: it is refused, and nothing crashes.
    await eventually('the held write to be let go', async () => (stack.faults.report().holding === 0 ? true : undefined), 5000);
  });
});

describe('a request over the body limit on a kept-alive connection', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startInProcess();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const socketIds = new WeakMap<object, number>();
  let sockets = 0;

  /** One request through the agent: the answer's status, its Connection header, and which connection carried it. */
  function send(agent: http.Agent, method: string, path: string, body?: Buffer): Promise<{ status: number; connection: string | undefined; socket: number }> {
    return new Promise((resolve, reject) => {
      const headers = body ? { 'content-type': 'application/json', 'content-length': body.length } : {};
      const request = http.request(`${stack.stack.urls.web}${path}`, { method, agent, headers }, (response) => {
        if (!socketIds.has(response.socket)) socketIds.set(response.socket, ++sockets);
        const socket = socketIds.get(response.socket)!;
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection, socket }));
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  it.each([
    ['just over the limit', 70 * 1024],
    ['far over the limit', 2 * 1024 * 1024],
  ])('%s is answered 413, and the next request on the kept-alive agent is answered on the connection the 413 said it could use', async (_, size) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const oversized = Buffer.from(JSON.stringify({ title: 'x'.repeat(size) }));

    const rounds: { tooLarge: Awaited<ReturnType<typeof send>>; next: Awaited<ReturnType<typeof send>> }[] = [];
    for (let round = 0; round < 10; round += 1) {
      const tooLarge = await send(agent, 'POST', '/api/proposals', oversized);
      rounds.push({ tooLarge, next: await send(agent, 'GET', '/api/proposals?limit=1') });
    }
    agent.destroy();

    for (const { tooLarge, next } of rounds) {
      expect(tooLarge.status).toBe(413);
      expect(next.status).toBe(200);
      // "keep-alive" must mean the connection carries the next request; "close", that it does not.
      expect({ connection: tooLarge.connection, sameConnection: next.socket === tooLarge.socket }).toEqual(
        tooLarge.connection === 'close' ? { connection: 'close', sameConnection: false } : { connection: 'keep-alive', sameConnection: true },
      );
    }
  });
});
