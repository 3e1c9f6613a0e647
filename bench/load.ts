import { approveFromLink, InboxWatch, newRunId, startBenchStack, submitProposal } from './support/bench-stack.ts';
import { mb, ms, percentile, runClients, sampleMemory, sizeFromEnv } from './support/measure.ts';

/** How big a load run is; `npm run bench` reads it from the environment (see {@link loadSizeFromEnv}). */
export interface LoadSize {
  readonly proposals: number;
  readonly clients: number;
  readonly approvals: number;
  readonly approvalClients: number;
  /** How long the inbox may stay without a new expected email before the rest count as lost. */
  readonly quietMs: number;
}

/**
 * PMO_BENCH_PROPOSALS (500) from PMO_BENCH_CLIENTS (50), then PMO_BENCH_APPROVALS (as many as
 * proposals) from PMO_BENCH_APPROVAL_CLIENTS (25); `ci` makes every default small.
 */
export function loadSizeFromEnv(ci: boolean): LoadSize {
  const proposals = sizeFromEnv('PMO_BENCH_PROPOSALS', ci ? 40 : 500);
  return {
    proposals,
    clients: Math.max(1, sizeFromEnv('PMO_BENCH_CLIENTS', ci ? 10 : 50)),
    approvals: Math.min(proposals, sizeFromEnv('PMO_BENCH_APPROVALS', proposals)),
    approvalClients: Math.max(1, sizeFromEnv('PMO_BENCH_APPROVAL_CLIENTS', ci ? 5 : 25)),
    quietMs: sizeFromEnv('PMO_BENCH_QUIET_MS', ci ? 10_000 : 20_000),
  };
}

interface Phase {
  readonly label: string;
  readonly count: number;
  readonly wallMs: number;
  readonly latencies: Record<string, number[]>;
  readonly statuses: Map<string, number>;
}

function countStatus(statuses: Map<string, number>, status: string): void {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
}

/**
 * Load on the local stack in this process: proposals from many concurrent clients through the JSON
 * API, then approvals from fewer clients, each following the Approve link of its approval email in
 * the local inbox (GET the page, POST its form, as a person's browser does). Prints each phase's
 * throughput and latency percentiles, how long the emails took to arrive, what was lost (a proposal
 * without its received or approval email, an approved one without its outcome email) or
 * duplicated (two emails of one kind for one proposal), and the process's memory. It asserts nothing.
 */
export async function benchLoad(size: LoadSize): Promise<void> {
  const bench = await startBenchStack();
  const runId = newRunId();
  const inbox = new InboxWatch(bench.stack.urls.mailbox, runId);
  const memory = [{ label: 'stack started', sample: sampleMemory() }];
  const phases: Phase[] = [];
  const numbers = Array.from({ length: size.proposals }, (_, index) => index);
  const accepted: number[] = [];
  const decided: number[] = [];
  const waits: { label: string; ms: number; of: number; arrived: number }[] = [];
  try {
    // Phase 1: proposals.
    const submitStatuses = new Map<string, number>();
    const submitMs: number[] = [];
    const submitStarted = performance.now();
    await runClients(size.proposals, size.clients, async (index, client) => {
      const started = performance.now();
      const status = await submitProposal(client, bench.stack.urls.web, runId, index).catch(() => 0);
      submitMs.push(performance.now() - started);
      countStatus(submitStatuses, status === 0 ? 'network error' : String(status));
      if (status === 201) accepted.push(index);
    });
    phases.push({ label: 'proposals', count: size.proposals, wallMs: performance.now() - submitStarted, latencies: { 'POST /api/proposals': submitMs }, statuses: submitStatuses });
    const approvalWait = await inbox.waitForAll(accepted, 'approval', size.quietMs);
    waits.push({ label: 'last approval email', ms: approvalWait, of: accepted.length, arrived: inbox.countWith(accepted, 'approval') });
    memory.push({ label: 'after proposals', sample: sampleMemory() });

    // Phase 2: approvals, from the links in the inbox.
    const toDecide = accepted.filter((number) => inbox.approveLink(number) !== undefined).slice(0, size.approvals);
    const decideStatuses = new Map<string, number>();
    const pageMs: number[] = [];
    const postMs: number[] = [];
    const decideStarted = performance.now();
    await runClients(toDecide.length, size.approvalClients, async (index, client) => {
      const number = toDecide[index]!;
      try {
        const result = await approveFromLink(client, inbox.approveLink(number)!);
        pageMs.push(result.pageMs);
        if (result.decision !== 0) postMs.push(result.decisionMs);
        countStatus(decideStatuses, result.decision === 0 ? `page ${result.page}` : String(result.decision));
        if (result.decision === 200) decided.push(number);
      } catch {
        countStatus(decideStatuses, 'network error');
      }
    });
    phases.push({
      label: 'approvals',
      count: toDecide.length,
      wallMs: performance.now() - decideStarted,
      latencies: { 'GET approval page': pageMs, 'POST decision': postMs },
      statuses: decideStatuses,
    });
    const outcomeWait = await inbox.waitForAll(decided, 'outcome', size.quietMs);
    waits.push({ label: 'last outcome email', ms: outcomeWait, of: decided.length, arrived: inbox.countWith(decided, 'outcome') });
    await inbox.refresh();
    memory.push({ label: 'after approvals', sample: sampleMemory() });
  } finally {
    await bench.close();
  }

  console.log(
    `\nLoad on the local stack: ${size.proposals} proposals from ${size.clients} clients, then ${phases[1]?.count ?? 0} approvals from ${size.approvalClients} clients`,
  );
  console.log('phase       requests  wall time   throughput   answers');
  for (const phase of phases) {
    const answers = [...phase.statuses].map(([status, count]) => `${status}×${count}`).join(' ');
    console.log(
      `${phase.label.padEnd(11)} ${String(phase.count).padStart(8)} ${(phase.wallMs / 1000).toFixed(1).padStart(8)} s ${(phase.count / (phase.wallMs / 1000)).toFixed(1).padStart(8)} /s   ${answers}`,
    );
  }
  console.log('request                      p50        p95        p99');
  for (const phase of phases) {
    for (const [label, values] of Object.entries(phase.latencies)) {
      console.log(`${label.padEnd(22)} ${ms(percentile(values, 50))} ${ms(percentile(values, 95))} ${ms(percentile(values, 99))}`);
    }
  }
  for (const wait of waits) {
    console.log(`${wait.label.padEnd(22)} ${(wait.ms / 1000).toFixed(1)} s after its phase (${wait.arrived} of ${wait.of})`);
  }
  const lost = {
    received: accepted.length - inbox.countWith(accepted, 'received'),
    approval: accepted.length - inbox.countWith(accepted, 'approval'),
    outcome: decided.length - inbox.countWith(decided, 'outcome'),
  };
  const duplicated = inbox.duplicated(numbers);
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, count) => total + count, 0);
  console.log(
    `lost: ${sum(lost)} (received ${lost.received}, approval ${lost.approval} of ${accepted.length} accepted; outcome ${lost.outcome} of ${decided.length} decided)`,
  );
  console.log(`duplicated: ${sum(duplicated)} (received ${duplicated.received}, approval ${duplicated.approval}, outcome ${duplicated.outcome})`);
  console.log(`memory (this process)          RSS    heap used`);
  for (const { label, sample } of memory) console.log(`${label.padEnd(26)} ${mb(sample.rssMb)} ${mb(sample.heapUsedMb)}`);
}
