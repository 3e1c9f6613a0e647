import { approveFromLink, InboxWatch, newRunId, startBenchStack, submitProposal } from './support/bench-stack.ts';
import { collectGarbage, mb, type MemorySample, runClients, sampleMemory, sizeFromEnv } from './support/measure.ts';

/**
 * Soak: runs the whole intake journey (submit, approval email, approve from the email's page,
 * outcome email) for many proposals in batches against one local stack in this process, and prints
 * the process's memory after every batch and after an idle period. With `--expose-gc` each sample
 * also shows the heap after a full collection, so that growth outside the JavaScript heap (native:
 * LevelDB, buffers, the allocator) stands apart from retained objects.
 *
 * `npm run bench:soak`; sizes: PMO_SOAK_PROPOSALS (2000), PMO_SOAK_EVERY (100 per batch and
 * sample), PMO_SOAK_CLIENTS (10 concurrent), PMO_SOAK_IDLE_SECONDS (30).
 */
export async function benchSoak(): Promise<void> {
  const total = sizeFromEnv('PMO_SOAK_PROPOSALS', 2000);
  const every = Math.max(1, sizeFromEnv('PMO_SOAK_EVERY', 100));
  const clients = Math.max(1, sizeFromEnv('PMO_SOAK_CLIENTS', 10));
  const idleSeconds = sizeFromEnv('PMO_SOAK_IDLE_SECONDS', 30);
  const gcExposed = typeof (globalThis as { gc?: unknown }).gc === 'function';

  const bench = await startBenchStack();
  const runId = newRunId();
  const inbox = new InboxWatch(bench.stack.urls.mailbox, runId);
  const rows: { label: string; elapsedS: number; raw: MemorySample; collected?: MemorySample; lost: number; failures: number }[] = [];
  const started = performance.now();
  const sample = async (label: string, lost: number, failures: number) => {
    const raw = sampleMemory();
    const collected = (await collectGarbage()) ? sampleMemory() : undefined;
    rows.push({ label, elapsedS: (performance.now() - started) / 1000, raw, ...(collected ? { collected } : {}), lost, failures });
    printRow(rows.at(-1)!);
  };

  console.log(`\nSoak: ${total} proposals through the whole intake journey, ${clients} clients, a sample every ${every}`);
  if (!gcExposed) console.log('(run with node --expose-gc --import tsx bench/soak.ts to see the heap after a full GC)');
  console.log('after                 time      RSS   heap  heap(GC)  external  arrayBuf   lost  failed');
  let lost = 0;
  let failures = 0;
  const reasons = new Set<string>();
  try {
    await sample('start', 0, 0);
    for (let first = 0; first < total; first += every) {
      const numbers = Array.from({ length: Math.min(every, total - first) }, (_, index) => first + index);
      const submitted = await runClients(numbers.length, clients, async (index, client) => {
        const status = await submitProposal(client, bench.stack.urls.web, runId, numbers[index]!);
        if (status !== 201) throw new Error(`submit answered ${status}`);
      });
      await inbox.waitForAll(numbers, 'approval', 15_000);
      const decided = await runClients(numbers.length, clients, async (index, client) => {
        const link = inbox.approveLink(numbers[index]!);
        if (!link) return;
        const { decision } = await approveFromLink(client, link);
        if (decision !== 200) throw new Error(`decision answered ${decision}`);
      });
      await inbox.waitForAll(numbers, 'outcome', 15_000);
      lost += numbers.length - inbox.countWith(numbers, 'outcome');
      failures += submitted.failures.length + decided.failures.length;
      for (const failure of [...submitted.failures, ...decided.failures]) reasons.add(failure instanceof Error ? failure.message : String(failure));
      await sample(`${first + numbers.length} proposals`, lost, failures);
    }
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    await sample(`idle ${idleSeconds} s`, lost, failures);
  } finally {
    await bench.close();
  }
  if (reasons.size > 0) console.log(`failures: ${[...reasons].slice(0, 5).join('; ')}`);
  const first = rows[0]!;
  const last = rows.at(-1)!;
  console.log(
    `RSS ${first.raw.rssMb.toFixed(0)} → ${last.raw.rssMb.toFixed(0)} MB` +
      (first.collected && last.collected ? `; heap after GC ${first.collected.heapUsedMb.toFixed(0)} → ${last.collected.heapUsedMb.toFixed(0)} MB` : ''),
  );
}

function printRow(row: { label: string; elapsedS: number; raw: MemorySample; collected?: MemorySample; lost: number; failures: number }): void {
  const after = row.collected ?? row.raw;
  console.log(
    `${row.label.padEnd(18)} ${row.elapsedS.toFixed(0).padStart(6)} s ${mb(row.raw.rssMb)} ${mb(row.raw.heapUsedMb)} ${row.collected ? mb(row.collected.heapUsedMb) : '       -'}  ${mb(after.externalMb)}  ${mb(after.arrayBuffersMb)}  ${String(row.lost).padStart(5)}  ${String(row.failures).padStart(6)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await benchSoak();
}
