import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, proposalBody } from '#test/support/local-stack-harness.ts';

let child: ChildProcess;
let output = '';
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pmo-start-'));
  child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: { ...process.env, PMO_DATA_DIR: dataDir, PMO_PORT: '0', PMO_MAILBOX_PORT: '0', PMO_DYNAMODB_PORT: '0', PMO_SFN_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
}, 30_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints the URLs of the intake form, the proposals and the local inbox', async () => {
    await eventually('the start banner', async () => (output.includes('Press Ctrl-C') ? true : undefined), 25_000);

    expect(output).toMatch(/Intake form\s+http:\/\/127\.0\.0\.1:\d+\/proposals\/new/);
    expect(output).toMatch(/Proposals\s+http:\/\/127\.0\.0\.1:\d+\/proposals/);
    expect(output).toMatch(/Local inbox\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(output).toContain('Seeded the demo directory');
  });

  it('answers /healthz with 200 once every part, the scheduler included, is ready', async () => {
    const health = /Health\s+(\S+)/.exec(output)![1]!;

    const response = await fetch(health);

    expect(response.status).toBe(200);
    expect(((await response.json()) as { parts: Record<string, boolean> }).parts).toEqual({
      dynamodb: true,
      mailbox: true,
      stepFunctions: true,
      scheduler: true,
      web: true,
    });
  });

  it('prints which workflow started for which subject, and how it ended', async () => {
    const web = /Intake form\s+(http:\/\/\S+)\/proposals\/new/.exec(output)![1]!;
    const sfn = new SFNClient({
      endpoint: /Step Functions API\s+(\S+)/.exec(output)![1]!,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const submitted = await fetch(`${web}/api/proposals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(proposalBody({ title: 'Logged workflow' })),
    });
    const { id } = (await submitted.json()) as { id: string };
    const started = new RegExp(`\\[pmo\\] Execution started: pmo-intake for proposal:${id} \\(execution (\\S+)\\)`);
    const executionName = await eventually('the start line', async () => started.exec(output)?.[1]);
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:pmo-intake:${executionName}`;

    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Stopped', cause: 'By an operator' }));

    await eventually('the end line', async () =>
      output.includes(`[pmo] Execution ended: pmo-intake for proposal:${id} (execution ${executionName}): ABORTED: Stopped (By an operator)`) ? true : undefined,
    );
    sfn.destroy();
  });

  it('stops cleanly on SIGINT', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    child.kill('SIGINT');

    expect(await exited).toBe(0);
  });
});
