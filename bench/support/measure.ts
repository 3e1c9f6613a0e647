import { BenchClient } from './http-client.ts';

/** Numbers the benchmarks print: percentiles, memory, a client pool, an environment size. */

/** The p-th percentile (nearest rank) of `values`; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Process memory in MB: RSS, V8 heap used, and memory outside the heap (external, ArrayBuffers). */
export interface MemorySample {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
}

const MB = 1024 * 1024;

export function sampleMemory(): MemorySample {
  const usage = process.memoryUsage();
  return {
    rssMb: usage.rss / MB,
    heapUsedMb: usage.heapUsed / MB,
    externalMb: usage.external / MB,
    arrayBuffersMb: usage.arrayBuffers / MB,
  };
}

/**
 * Runs a full garbage collection when Node was started with `--expose-gc`, twice (the first frees
 * objects whose finalisers release more). Returns false when GC is not exposed.
 */
export async function collectGarbage(): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  return true;
}

/**
 * Runs `count` jobs on `clients` concurrent clients, each taking the next job index when its last
 * one settled (as that many independent people would), each with its own connection and address
 * ({@link BenchClient}). A failed job is counted, not thrown.
 */
export async function runClients(count: number, clients: number, job: (index: number, client: BenchClient) => Promise<void>): Promise<{ failures: unknown[] }> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async (client: BenchClient) => {
    try {
      for (let index = next++; index < count; index = next++) {
        await job(index, client).catch((error: unknown) => failures.push(error));
      }
    } finally {
      client.close();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(clients, count)) }, (_, index) => worker(new BenchClient(index))));
  return { failures };
}

/** A positive integer from the environment, or `fallback`; a malformed value fails naming the variable. */
export function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

export function ms(value: number): string {
  return Number.isNaN(value) ? '      -' : `${value.toFixed(1).padStart(7)} ms`;
}

export function mb(value: number): string {
  return `${value.toFixed(0).padStart(5)} MB`;
}
