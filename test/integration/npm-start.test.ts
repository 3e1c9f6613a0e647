import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '#local/oidc/signing-key.ts';
import { eventually, PMO_LEAD, proposalBody } from '#test/support/local-stack-harness.ts';

/** An `npm start` process (the same entry point, without npm), its output so far, and its data dir. */
interface StartedProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  output(): string;
}

async function npmStart(env: Record<string, string> = {}): Promise<StartedProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'pmo-start-'));
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: {
      ...process.env,
      PMO_DATA_DIR: dataDir,
      PMO_PORT: '0',
      PMO_MAILBOX_PORT: '0',
      PMO_DYNAMODB_PORT: '0',
      PMO_SFN_PORT: '0',
      PMO_OIDC_PORT: '0',
      PMO_FILES_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, dataDir, output: () => output };
}

async function stopProcess(started: StartedProcess | undefined): Promise<void> {
  if (!started) return;
  if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
  await rm(started.dataDir, { recursive: true, force: true });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** The value printed after a label of the start banner: `Health   http://…` → the URL. */
function printed(output: string, label: string): string {
  const match = new RegExp(`${label}\\s+(\\S+)`).exec(output);
  if (!match) throw new Error(`npm start printed no "${label}"`);
  return match[1]!;
}

/** The bearer token the start banner prints for the PMO lead. */
function printedToken(output: string): string {
  const match = /PMO_TOKEN=(\S+)/.exec(output);
  if (!match) throw new Error('npm start printed no token');
  return match[1]!;
}

/** `npm run token -- <email>` against a running `npm start`, as its README says to run it. */
function npmRunToken(email: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/token.ts', '--', email], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let signedIn: StartedProcess;
let open: StartedProcess;

beforeAll(async () => {
  // Both at once: each takes a few seconds to start.
  [signedIn, open] = await Promise.all([npmStart(), npmStart({ PMO_AUTH: 'off' })]);
  await Promise.all(
    [signedIn, open].map((started) => eventually('the start banner', async () => (started.output().includes('Press Ctrl-C') ? true : undefined), 25_000)),
  );
}, 30_000);

afterAll(async () => {
  await Promise.all([stopProcess(signedIn), stopProcess(open)]);
});

describe('npm start', () => {
  it('prints the URLs of the intake form, the proposals, the local inbox and signing in', () => {
    const output = signedIn.output();

    expect(output).toMatch(/Intake form\s+http:\/\/127\.0\.0\.1:\d+\/proposals\/new/);
    expect(output).toMatch(/Proposals\s+http:\/\/127\.0\.0\.1:\d+\/proposals/);
    expect(output).toMatch(/Local inbox\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(output).toMatch(/Sign in\s+http:\/\/127\.0\.0\.1:\d+\/auth\/login/);
    expect(output).toMatch(/Sign-in provider\s+http:\/\/127\.0\.0\.1:\d+\s/);
    expect(output).toContain('not for production');
    expect(output).toContain('Seeded the demo directory');
  });

  it('answers /healthz with 200 once every part, the scheduler and the sign-in provider included, is ready', async () => {
    const response = await fetch(printed(signedIn.output(), 'Health'));

    expect(response.status).toBe(200);
    expect(((await response.json()) as { parts: Record<string, boolean> }).parts).toEqual({
      dynamodb: true,
      mailbox: true,
      stepFunctions: true,
      scheduler: true,
      signIn: true,
      web: true,
    });
  });

  it('prints a bearer token for the PMO lead, from the sign-in provider, valid for an hour', () => {
    const output = signedIn.output();
    const token = printedToken(output);

    const claims = decodeJwt(token);

    expect(output).toContain(`a bearer token for ${PMO_LEAD} (PMO lead)`);
    expect(claims).toMatchObject({ email: PMO_LEAD, iss: printed(output, 'Sign-in provider'), client_id: 'pmo-web' });
    // Within a second: the provider reads the clock once for `iat` and once for `exp`.
    expect(claims.exp! - claims.iat!).toBeGreaterThanOrEqual(3599);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(3600);
    expect(output).toContain('npm run token -- <email>');
  });

  it('opens the API to the printed token, and to nobody without one', async () => {
    const output = signedIn.output();
    const proposals = printed(output, 'Proposals').replace('/proposals', '/api/proposals');

    const withToken = await fetch(proposals, { headers: { authorization: `Bearer ${printedToken(output)}` } });
    const withoutToken = await fetch(proposals);

    expect(withToken.status).toBe(200);
    expect(withoutToken.status).toBe(401);
  });

  it('prints which workflow started for which subject, and how it ended', async () => {
    const output = signedIn.output;
    const web = /Intake form\s+(http:\/\/\S+)\/proposals\/new/.exec(output())![1]!;
    const sfn = new SFNClient({
      endpoint: printed(output(), 'Step Functions API'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const submitted = await fetch(`${web}/api/proposals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${printedToken(output())}` },
      body: JSON.stringify(proposalBody({ title: 'Logged workflow' })),
    });
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    const started = new RegExp(`\\[pmo\\] Execution started: pmo-intake for proposal:${id} \\(execution (\\S+)\\)`);
    const executionName = await eventually('the start line', async () => started.exec(output())?.[1]);
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:pmo-intake:${executionName}`;

    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Stopped', cause: 'By an operator' }));

    await eventually('the end line', async () =>
      output().includes(`[pmo] Execution ended: pmo-intake for proposal:${id} (execution ${executionName}): ABORTED: Stopped (By an operator)`) ? true : undefined,
    );
    sfn.destroy();
  });
});

describe('npm run token', () => {
  const tokenEnv = () => ({
    PMO_DATA_DIR: signedIn.dataDir,
    PMO_OIDC_PORT: new URL(printed(signedIn.output(), 'Sign-in provider')).port,
    PMO_DYNAMODB_PORT: new URL(printed(signedIn.output(), 'DynamoDB API')).port,
    PMO_PORT: new URL(printed(signedIn.output(), 'Health')).port,
  });

  it('prints, alone on stdout, a token for anyone active in the directory, which the API accepts', async () => {
    const { code, stdout } = await npmRunToken('Sam.Carter@example.org', tokenEnv());
    const token = stdout.trim();

    const response = await fetch(`${printed(signedIn.output(), 'Health').replace('/healthz', '')}/api/proposals`, { headers: { authorization: `Bearer ${token}` } });

    expect(code).toBe(0);
    expect(decodeJwt(token).email).toBe('sam.carter@example.org');
    expect(response.status).toBe(200);
  });

  it('refuses someone not in the directory, saying so', async () => {
    const { code, stdout, stderr } = await npmRunToken('nobody@example.org', tokenEnv());

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('nobody@example.org is not in the directory, or is deactivated');
  });

  it('asks for npm start first when its data dir has no sign-in key yet', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'pmo-no-key-'));

    const { code, stderr } = await npmRunToken('sam.carter@example.org', { ...tokenEnv(), PMO_DATA_DIR: emptyDir });

    expect(code).toBe(1);
    expect(stderr).toContain('Start npm start first');
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('refuses to sign with the key of a data dir other than the running one', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'pmo-other-key-'));
    await loadSigningKey(otherDir, { create: true });

    const { code, stderr } = await npmRunToken('sam.carter@example.org', { ...tokenEnv(), PMO_DATA_DIR: otherDir });

    expect(code).toBe(1);
    expect(stderr).toContain('it runs with another data dir');
    await rm(otherDir, { recursive: true, force: true });
  });
});

describe('npm start with PMO_AUTH=off', () => {
  it('prints loudly that sign-in is off, and no token', () => {
    const output = open.output();

    expect(output).toContain('SIGN-IN IS OFF: anyone who can reach this port can read and submit everything');
    expect(output).not.toContain('PMO_TOKEN=');
    expect(output).not.toContain('Sign-in provider');
  });

  it('serves the API without sign-in, as before sign-in existed', async () => {
    const web = printed(open.output(), 'Health').replace('/healthz', '');

    const response = await fetch(`${web}/api/proposals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(proposalBody({ title: 'Open API' })),
    });

    expect(response.status).toBe(201);
  });
});

describe('npm start with PMO_AUTH set to neither on nor off', () => {
  it('does not start, naming the variable', async () => {
    const started = await npmStart({ PMO_AUTH: 'yes' });

    const code = await exitOf(started.child);

    expect(code).toBe(1);
    expect(started.output()).toContain('PMO_AUTH must be "on" or "off"');
    await stopProcess(started);
  });
});

describe('stopping npm start', () => {
  it('stops cleanly on SIGINT, the sign-in provider included', async () => {
    const exited = exitOf(signedIn.child);

    signedIn.child.kill('SIGINT');

    expect(await exited).toBe(0);
    expect(signedIn.output()).toContain('Stopped after finishing the work under way');
  });
});
