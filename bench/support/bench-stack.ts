import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '#local/local-stack.ts';

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
 * apart by message id) and files each email of this run under its proposal's number, read from
 * the title the benchmark gave it.
 */
export class InboxWatch {
  readonly #url: string;
  readonly #titlePattern: RegExp;
  readonly #seen = new Set<string>();
  readonly #byProposal = new Map<number, Map<EmailKind, InboxEmail[]>>();
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
      const kinds = this.#byProposal.get(number) ?? new Map<EmailKind, InboxEmail[]>();
      this.#byProposal.set(number, kinds);
      const kind = kindOf(email.subject);
      kinds.set(kind, [...(kinds.get(kind) ?? []), email]);
    }
  }

  /** The emails of one kind about proposal `number`, in arrival order. */
  emailsOf(number: number, kind: EmailKind): readonly InboxEmail[] {
    return this.#byProposal.get(number)?.get(kind) ?? [];
  }

  /** How many of `numbers` have at least one email of `kind`. */
  countWith(numbers: readonly number[], kind: EmailKind): number {
    return numbers.filter((number) => this.emailsOf(number, kind).length > 0).length;
  }

  /** How many of `numbers` have more than one email of some kind (one count per proposal and kind). */
  duplicated(numbers: readonly number[]): Record<Exclude<EmailKind, 'other'>, number> {
    const count = (kind: EmailKind) => numbers.filter((number) => this.emailsOf(number, kind).length > 1).length;
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

export async function startBenchStack(): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pmo-bench-'));
  const stack = await startLocalStack({ dataDir, ports: { web: 0, mailbox: 0, dynamodb: 0, sfn: 0 }, runSchedules: false });
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
export async function submitProposal(webUrl: string, runId: string, number: number): Promise<number> {
  const response = await fetch(`${webUrl}/api/proposals`, {
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
  await response.arrayBuffer();
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

/**
 * Decides an approval as a person does: opens the emailed Approve link (GET shows the page and
 * changes nothing), then submits the page's decision form with its hidden fields and the Approve
 * button. Returns the status of each request.
 */
export async function approveFromEmail(email: InboxEmail): Promise<{ page: number; decision: number }> {
  const link = /Approve: (\S+)/.exec(email.body.text ?? '')?.[1];
  if (!link) throw new Error(`No Approve link in "${email.subject}"`);
  const page = await fetch(link);
  const html = await page.text();
  if (page.status !== 200) return { page: page.status, decision: 0 };
  const form = /<form method="post" action="([^"]+)"[^>]*aria-label="Your decision">([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('The approval page has no decision form');
  const fields = new URLSearchParams();
  for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields.append(decodeEntities(input[1]!), decodeEntities(input[2]!));
  }
  fields.append('comment', '');
  fields.append('decision', 'approve');
  const decision = await fetch(new URL(decodeEntities(form[1]!), link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  await decision.arrayBuffer();
  return { page: page.status, decision: decision.status };
}
