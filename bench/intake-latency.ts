import { PMO_LEAD, startBenchStack } from './support/bench-stack.ts';
import { percentile } from './support/measure.ts';

/**
 * End-to-end latency of the intake journey on the local stack: the API's answer to a submission,
 * the time until the approver's email is in the inbox, and from the approver's POST to the
 * submitter's outcome email. Proposals are submitted one after another (bounded count).
 */

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function benchIntake(proposals = 20): Promise<void> {
  const bench = await startBenchStack();
  const { stack } = bench;
  const inbox = async (to: string, subject: string) => {
    const { emails } = (await (await fetch(`${stack.urls.mailbox}/store`)).json()) as {
      emails: { destination: { to: string[] }; subject: string; body: { text: string } }[];
    };
    return emails.find((email) => email.destination.to.some((address) => address.includes(to)) && email.subject.includes(subject));
  };
  const submitMs: number[] = [];
  const toRequestMs: number[] = [];
  const decideMs: number[] = [];
  const toOutcomeMs: number[] = [];
  try {
    for (let index = 0; index < proposals; index += 1) {
      const title = `Benchmark proposal ${index}`;
      const submitter = `bench${index}@example.org`;
      const started = performance.now();
      const response = await fetch(`${stack.urls.web}/api/proposals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          title,
          description: 'A proposal submitted by the benchmark to time the intake journey.',
          submitter: { name: 'Bench', email: submitter },
          department: 'PMO',
          estimatedCost: { amount: 10000, currency: 'EUR' },
          startDate: '2027-01-01',
          endDate: '2027-02-01',
          criteria: { strategicAlignment: 3, businessValue: 3, risk: 3, urgency: 3 },
        }),
      });
      if (response.status !== 201) throw new Error(`submit answered ${response.status}`);
      submitMs.push(performance.now() - started);
      const request = await until(() => inbox(PMO_LEAD, title));
      toRequestMs.push(performance.now() - started);

      const link = new URL(/Approve: (\S+)/.exec(request.body.text)![1]!);
      const decided = performance.now();
      const decision = await fetch(`${stack.urls.web}${link.pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key: link.searchParams.get('key')!, decision: 'approve' }).toString(),
      });
      if (decision.status !== 200) throw new Error(`decision answered ${decision.status}`);
      decideMs.push(performance.now() - decided);
      await until(() => inbox(submitter, title));
      toOutcomeMs.push(performance.now() - decided);
    }
  } finally {
    await bench.close();
  }
  console.log(`\nIntake journey on the local stack (${proposals} proposals, one at a time)`);
  console.log('step                                   p50        p95');
  for (const [label, values] of [
    ['POST /api/proposals answered', submitMs],
    ['submit → approval email in inbox', toRequestMs],
    ['POST decision answered', decideMs],
    ['decision → outcome email in inbox', toOutcomeMs],
  ] as const) {
    console.log(`${label.padEnd(36)} ${percentile(values, 50).toFixed(1).padStart(7)} ms ${percentile(values, 95).toFixed(1).padStart(7)} ms`);
  }
}
