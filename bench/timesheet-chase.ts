import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Person } from '#domain/directory.ts';
import type { Timesheet } from '#domain/timesheet.ts';
import { weekDates } from '#domain/working-time.ts';
import demoDirectory from '../infra/local/demo-directory.json' with { type: 'json' };
import { startBenchStack } from './support/bench-stack.ts';

/**
 * The timesheet chase at size: N people (PMO_BENCH_CHASE_PEOPLE; 5,000, or 200 with
 * PMO_BENCH_SIZE=ci) in departments under managers of about ten each, with a week of timesheets
 * (70% complete, 10% draft, 10% short, 10% missing), chased by one execution through the local
 * Step Functions. It counts every DynamoDB request the chase's functions make (they run in this
 * process and share one document client), the items those requests read and the capacity DynamoDB
 * reports for them, so that "queries, not scans" shows as items read per person considered. It
 * asserts nothing.
 */

/** The week the benchmark books and chases (Monday 14 June 2027, no public holiday in it). */
const WEEK = '2027-06-14';
const DEPARTMENTS = ['Engineering', 'Operations', 'Finance', 'Marketing', 'Sales'];
const TEAM_SIZE = 10;

/** DynamoDB requests of the chase's functions, by operation, with the items read and capacity consumed. */
interface Counters {
  requests: Map<string, number>;
  itemsRead: number;
  readUnits: number;
  writeUnits: number;
}

function newCounters(): Counters {
  return { requests: new Map(), itemsRead: 0, readUnits: 0, writeUnits: 0 };
}

const READS = new Set(['GetCommand', 'QueryCommand', 'ScanCommand', 'BatchGetCommand']);

/**
 * Counts every request the functions send through the shared document client: asks DynamoDB for
 * the capacity each consumed, and counts the items each read returned (and, for a query or scan,
 * evaluated).
 */
async function countRequests(): Promise<Counters> {
  const { documentClient } = await import('#adapters/dynamodb-client.ts');
  const counters = newCounters();
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const output = result.output as {
        Item?: unknown;
        Count?: number;
        ScannedCount?: number;
        Responses?: Record<string, unknown[]>;
        ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
      };
      counters.requests.set(command, (counters.requests.get(command) ?? 0) + 1);
      if (command === 'GetCommand') counters.itemsRead += output.Item ? 1 : 0;
      if (command === 'QueryCommand' || command === 'ScanCommand') counters.itemsRead += output.ScannedCount ?? output.Count ?? 0;
      if (command === 'BatchGetCommand') counters.itemsRead += Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
      const consumed = [output.ConsumedCapacity ?? []].flat().reduce((sum, capacity) => sum + (capacity.CapacityUnits ?? 0), 0);
      if (READS.has(command)) counters.readUnits += consumed;
      else counters.writeUnits += consumed;
      return result;
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return counters;
}

/** The benchmark's directory: managers, and their people spread over the departments. */
function directory(people: number): Person[] {
  const managers = Math.max(1, Math.ceil(people / TEAM_SIZE));
  const managerPeople: Person[] = Array.from({ length: managers }, (_, index) => ({
    email: `bench-manager-${index}@example.org`,
    name: `Bench Manager ${String(index).padStart(4, '0')}`,
    department: DEPARTMENTS[index % DEPARTMENTS.length]!,
    roles: [],
    active: true,
    // Managers book time too, but are not what the benchmark counts.
    timesheetsRequired: false,
  }));
  const staff: Person[] = Array.from({ length: people }, (_, index) => {
    const manager = managerPeople[index % managers]!;
    return {
      email: `bench-person-${index}@example.org`,
      name: `Bench Person ${String(index).padStart(5, '0')}`,
      department: manager.department,
      managerEmail: manager.email,
      roles: [],
      active: true,
    };
  });
  return [...managerPeople, ...staff];
}

/** Person `index`'s week: 7 in 10 complete, then a draft, a short week, and none. */
function timesheetOf(index: number, email: string, projectId: string, at: string): { timesheet: Timesheet; submit: boolean } | undefined {
  const kind = index % 10;
  if (kind === 9) return undefined;
  const days = weekDates(WEEK).slice(0, 5);
  const hours = kind === 8 ? [8, 8, 8, 6, 0] : kind === 7 ? [8, 8, 0, 0, 0] : [8, 8, 8, 8, 8];
  const entries = days.flatMap((date, day) => (hours[day]! > 0 ? [{ projectId, date, hours: hours[day]! }] : []));
  return { timesheet: { email, weekStart: WEEK, status: 'DRAFT', entries, updatedAt: at, version: 1 }, submit: kind !== 7 };
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export async function benchTimesheetChase(people: number): Promise<void> {
  const bench = await startBenchStack();
  const sfn = new SFNClient({ endpoint: bench.stack.urls.sfn, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const seedStarted = performance.now();
    const { directoryRepository } = await import('#adapters/directory-repository.ts');
    const { timesheetRepository } = await import('#adapters/timesheet-repository.ts');
    // The demo directory's people keep no timesheets here: only the benchmark's are counted.
    await directoryRepository.importPeople(demoDirectory.people.map((person) => ({ roles: [], active: true, ...person, timesheetsRequired: false })));
    const everyone = directory(people);
    await directoryRepository.importPeople(everyone);
    const at = new Date().toISOString();
    const projectId = randomUUID();
    const staff = everyone.filter((person) => person.timesheetsRequired !== false);
    await inParallel(
      staff.map((person, index) => ({ person, index })),
      16,
      async ({ person, index }) => {
        const week = timesheetOf(index, person.email, projectId, at);
        if (!week) return;
        await timesheetRepository.saveDraft(week.timesheet, 0);
        if (week.submit) await timesheetRepository.submit(week.timesheet, at);
      },
    );
    const seedMs = performance.now() - seedStarted;

    const counters = await countRequests();
    const name = `bench-${randomUUID()}`;
    const executionArn = `${bench.stack.stateMachineArns.timesheetChase!.replace(':stateMachine:', ':execution:')}:${name}`;
    const started = performance.now();
    await sfn.send(new StartExecutionCommand({ stateMachineArn: bench.stack.stateMachineArns.timesheetChase, name, input: JSON.stringify({ weekStart: WEEK }) }));
    let execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    while (execution.status === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    const chaseMs = performance.now() - started;
    if (execution.status !== 'SUCCEEDED') throw new Error(`The chase ended ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`);
    const outcome = JSON.parse(execution.output ?? '{}') as {
      considered: number;
      expected: number;
      compliant: number;
      missing: number;
      batches: number;
      reminders: { sent: number; failed: number };
      pmoDigests: number;
    };

    const requests = [...counters.requests.entries()].sort(([a], [b]) => a.localeCompare(b));
    const total = requests.reduce((sum, [, count]) => sum + count, 0);
    const perPerson = (value: number) => (outcome.considered > 0 ? (value / outcome.considered).toFixed(2) : '-');
    console.log(`\nTimesheet chase on the local stack (${people} people, ${everyone.length - people} managers, one week)`);
    console.log(`  seeding the directory and timesheets     ${(seedMs / 1000).toFixed(1)} s`);
    console.log(`  chase: find, ${String(outcome.batches).padStart(3)} reminder batches, digest ${(chaseMs / 1000).toFixed(1)} s`);
    console.log(`  people considered ${outcome.considered}, expected to submit ${outcome.expected}, complete ${outcome.compliant}`);
    console.log(`  people chased (reminded) ${outcome.missing}: reminders sent ${outcome.reminders.sent}, refused ${outcome.reminders.failed}; PMO digests ${outcome.pmoDigests}`);
    console.log(`  DynamoDB requests ${total}: ${requests.map(([command, count]) => `${command.replace(/Command$/, '')} ${count}`).join(', ')}`);
    console.log(`  items read ${counters.itemsRead} (${perPerson(counters.itemsRead)} per person considered); scans ${counters.requests.get('ScanCommand') ?? 0}`);
    console.log(`  capacity consumed: ${counters.readUnits.toFixed(1)} read units, ${counters.writeUnits.toFixed(1)} write units`);
  } finally {
    sfn.destroy();
    await bench.close();
  }
}
