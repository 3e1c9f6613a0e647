import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '#local/local-stack.ts';
import type { BenchClient } from './http-client.ts';

/** The demo directory's PMO lead: the one approver of a proposal under the finance threshold. */
export const PMO_LEAD = 'priya.shah@example.org';

/** An email as the local inbox's `GET /store` returns it (the parts the benchmarks read). */
export interface InboxEmail {
  readonly messageId: string;
  readonly destination: { to: string[] };
  readonly subject: string;
  readonly body: { text?: string; html?: string };
  readonly at: number;
}

/** The emails of one proposal's journey, told apart by subject. */
export type EmailKind = 'received' | 'approval' | 'outcome' | 'other';

function kindOf(subject: string): EmailKind {
  if (subject.startsWith('Proposal received:')) return 'received';
  if (subject.startsWith('Approval needed:')) return 'approval';
  if (subject.startsWith('Proposal was ')) return 'outcome';
  return 'other';
}

/**
 * Follows the local inbox as mail arrives (`GET /store?since=`, seconds, inclusive: emails are told
 * apart by message id) and counts each email of this run under its proposal's number, read from
 * the title the benchmark gave it. It keeps counts and the first approval email's Approve link,
 * not the emails, so that the benchmark's own memory stays out of what it measures.
 */
export class InboxWatch {
  readonly #url: string;
  readonly #titlePattern: RegExp;
  readonly #seen = new Set<string>();
  readonly #counts = new Map<number, Record<EmailKind, number>>();
  readonly #approveLinks = new Map<number, string>();
  #since = 0;

  constructor(mailboxUrl: string, runId: string) {
    this.#url = mailboxUrl;
    this.#titlePattern = new RegExp(`Bench ${runId} P(\\d+)`);
  }

  /** Reads the mail that arrived since the last read. */
  async refresh(): Promise<void> {
    const response = await fetch(`${this.#url}/store${this.#since > 0 ? `?since=${this.#since}` : ''}`);
    const { emails } = (await response.json()) as { emails: InboxEmail[] };
    for (const email of emails) {
      if (this.#seen.has(email.messageId)) continue;
      this.#seen.add(email.messageId);
      this.#since = Math.max(this.#since, email.at);
      const match = this.#titlePattern.exec(email.subject);
      if (!match) continue;
      const number = Number(match[1]);
      const counts = this.#counts.get(number) ?? { received: 0, approval: 0, outcome: 0, other: 0 };
      this.#counts.set(number, counts);
      const kind = kindOf(email.subject);
      counts[kind] += 1;
      const link = kind === 'approval' ? /Approve: (\S+)/.exec(email.body.text ?? '')?.[1] : undefined;
      if (link && !this.#approveLinks.has(number)) this.#approveLinks.set(number, link);
    }
  }

  /** How many emails of `kind` arrived about proposal `number`. */
  count(number: number, kind: EmailKind): number {
    return this.#counts.get(number)?.[kind] ?? 0;
  }

  /** The Approve link of the first approval email about proposal `number`. */
  approveLink(number: number): string | undefined {
    return this.#approveLinks.get(number);
  }

  /** How many of `numbers` have at least one email of `kind`. */
  countWith(numbers: readonly number[], kind: EmailKind): number {
    return numbers.filter((number) => this.count(number, kind) > 0).length;
  }

  /** How many of `numbers` have more than one email of a kind (one count per proposal and kind). */
  duplicated(numbers: readonly number[]): Record<Exclude<EmailKind, 'other'>, number> {
    const count = (kind: EmailKind) => numbers.filter((number) => this.count(number, kind) > 1).length;
    return { received: count('received'), approval: count('approval'), outcome: count('outcome') };
  }

  /**
   * Reads the inbox until every one of `numbers` has an email of `kind`, or until nothing new of
   * that kind arrived for `quietMs`. Returns how long it took.
   */
  async waitForAll(numbers: readonly number[], kind: EmailKind, quietMs: number): Promise<number> {
    const started = performance.now();
    let lastCount = -1;
    let lastChange = performance.now();
    for (;;) {
      await this.refresh();
      const count = this.countWith(numbers, kind);
      if (count === numbers.length) return performance.now() - started;
      if (count !== lastCount) {
        lastCount = count;
        lastChange = performance.now();
      } else if (performance.now() - lastChange > quietMs) {
        return performance.now() - started;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A local stack on free ports and a throw-away data folder, as the integration tests start it. */
export interface BenchStack {
  readonly stack: LocalStack;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * The ports of the first stack this process started. The handler modules keep the SDK clients they
 * made for it, so a later stack in the same process (the next scenario) listens on the same ports,
 * as a restart of `npm start` does.
 */
let processPorts: LocalStack['ports'] | undefined;

export async function startBenchStack(options: { auth?: 'on' | 'off' } = {}): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pmo-bench-'));
  // Sign-in off unless asked for: the benchmarks measure the workflow and the stand-ins, from the open API.
  const stack = await startLocalStack({ dataDir, ports: processPorts ? { ...processPorts, oidc: processPorts.oidc ?? 0 } : { web: 0, mailbox: 0, dynamodb: 0, sfn: 0, oidc: 0, files: 0 }, runSchedules: false, auth: options.auth ?? 'off' });
  processPorts ??= stack.ports;
  return {
    stack,
    dataDir,
    close: async () => {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A short id that keeps one run's proposals apart from any other's in the inbox. */
export function newRunId(): string {
  return Math.random().toString(36).slice(2, 8);
}

/** The title of proposal `number` of run `runId`; {@link InboxWatch} reads the number back. */
export function benchTitle(runId: string, number: number): string {
  return `Bench ${runId} P${String(number).padStart(6, '0')}`;
}

/** Submits proposal `number` through the JSON API, as a client would; returns the status. */
export async function submitProposal(client: BenchClient, webUrl: string, runId: string, number: number): Promise<number> {
  const response = await client.request(`${webUrl}/api/proposals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      title: benchTitle(runId, number),
      description: 'A proposal submitted by the benchmark to load the intake journey.',
      submitter: { name: 'Bench Submitter', email: `bench-${runId}-${number}@example.org` },
      department: 'PMO',
      // Under the finance threshold: one level, one approver (the PMO lead).
      estimatedCost: { amount: 10000, currency: 'EUR' },
      startDate: '2027-01-04',
      endDate: '2027-02-26',
      criteria: { strategicAlignment: 3, businessValue: 4, risk: 2, urgency: 3 },
    }),
  });
  return response.status;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** How deciding from a link went: each request's status and time (decision 0: not posted). */
export interface LinkDecision {
  readonly page: number;
  readonly decision: number;
  readonly pageMs: number;
  readonly decisionMs: number;
}

/**
 * Decides an approval as a person does: opens the Approve link of the approval email (GET shows the
 * page and changes nothing), then submits the page's decision form with its hidden fields and the
 * Approve button.
 */
export async function approveFromLink(client: BenchClient, link: string): Promise<LinkDecision> {
  const started = performance.now();
  const page = await client.request(link);
  const html = page.body;
  const pageMs = performance.now() - started;
  if (page.status !== 200) return { page: page.status, decision: 0, pageMs, decisionMs: Number.NaN };
  const form = /<form method="post" action="([^"]+)"[^>]*aria-label="Your decision">([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('The approval page has no decision form');
  const fields = new URLSearchParams();
  for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields.append(decodeEntities(input[1]!), decodeEntities(input[2]!));
  }
  fields.append('comment', '');
  fields.append('decision', 'approve');
  const posted = performance.now();
  const decision = await client.request(new URL(decodeEntities(form[1]!), link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  return { page: page.status, decision: decision.status, pageMs, decisionMs: performance.now() - posted };
}
