import { resolve } from 'node:path';
import { startLocalStack, type LocalStack } from './local-stack.ts';

/** Whom `npm start` prints a bearer token for first: the demo directory's PMO lead. */
const PREFERRED_TOKEN_HOLDER = 'priya.shah@example.org';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number, not "${raw}"`);
  return value;
}

/** `PMO_AUTH`: `on` (or unset) signs people in at the local provider; `off` opens every route. */
function authSetting(): 'on' | 'off' {
  const raw = process.env.PMO_AUTH?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'on') return 'on';
  if (raw === 'off') return 'off';
  throw new Error(`PMO_AUTH must be "on" or "off" (sign-in off, the local stack only), not "${process.env.PMO_AUTH}"`);
}

const SIGN_IN_OFF_WARNING = `
  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
  !!  SIGN-IN IS OFF: anyone who can reach this port can read and submit everything:
  !!  every proposal, every submitter's and approver's address, without signing in.
  !!  PMO_AUTH=off is for this machine only. Unset it to sign in as on AWS.
  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!`;

/**
 * What `npm start` says about signing in, with a bearer token for the PMO lead: the demo PMO lead,
 * or, if they cannot sign in (removed or deactivated), the first `pmo-lead` of the directory who can.
 */
async function signInNotes(stack: LocalStack, web: string): Promise<string> {
  const { directoryRepository } = await import('#adapters/directory-repository.ts');
  const candidates = new Set([PREFERRED_TOKEN_HOLDER, ...(await directoryRepository.peopleInRole('pmo-lead')).map((person) => person.email)]);
  let lead: { email: string; token: string } | undefined;
  for (const email of candidates) {
    const token = await stack.mintAccessToken(email).catch(() => undefined);
    if (token) {
      lead = { email, token };
      break;
    }
  }
  const api = lead
    ? `API access: a bearer token for ${lead.email} (PMO lead), valid 1 hour:

  PMO_TOKEN=${lead.token}
  curl -H "Authorization: Bearer $PMO_TOKEN" ${web}/api/proposals`
    : 'API access: nobody with the role pmo-lead can sign in, so no token is printed here.';
  return `
Signing in: the development sign-in page lets you pick anyone in the directory, without a password.
It is for this machine only, not for production.

${api}

A token for anyone in the directory: npm run token -- <email>`;
}

function milliseconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of milliseconds, not "${raw}"`);
  return value;
}

/**
 * While stopping, an operation dynalite starts after its LevelDB closed fails with "Database is
 * closed", which it throws out of a callback. The stop is ordered so that this does not happen
 * (infra/local/dynamodb-front.ts); should a straggler still hit it, it must not turn a clean stop
 * into a crash. Any other uncaught error still ends the process as Node would.
 */
function toleratingClosedDatabase(error: unknown): void {
  if (error instanceof Error && error.message === 'Database is closed') {
    console.log('[pmo] warning: a database request arrived after the database closed; ignored while stopping');
    return;
  }
  console.error(error);
  process.exit(1);
}

/** `npm start`: the whole product on this machine, until Ctrl-C. */
async function main(): Promise<void> {
  // The SDK warns on Node 20 that future releases need Node 22. The deployed functions run on
  // Node 22+, and the README says so; the warning would only bury the URLs below.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = resolve(process.env.PMO_DATA_DIR || '.pmo');
  const drainTimeoutMs = milliseconds('PMO_DRAIN_TIMEOUT_MS', 10_000);
  const auth = authSetting();
  const stack = await startLocalStack({
    auth,
    drainTimeoutMs,
    dataDir,
    ports: {
      web: port('PMO_PORT', 3000),
      mailbox: port('PMO_MAILBOX_PORT', 8005),
      dynamodb: port('PMO_DYNAMODB_PORT', 8000),
      sfn: port('PMO_SFN_PORT', 8083),
      oidc: port('PMO_OIDC_PORT', 3001),
      files: port('PMO_FILES_PORT', 4569),
    },
    ...(process.env.PMO_BASE_URL ? { publicBaseUrl: process.env.PMO_BASE_URL } : {}),
    ...(process.env.PMO_APPROVAL_POLICY ? { approvalPolicyPath: resolve(process.env.PMO_APPROVAL_POLICY) } : {}),
    log: (message) => console.log(`[pmo] ${message}`),
  });
  const web = (process.env.PMO_BASE_URL ?? stack.urls.web).replace(/\/+$/, '');
  console.log(`
PMO Pipeline is running locally (data in ${dataDir}).

  Intake form        ${web}/proposals/new
  Proposals          ${web}/proposals
  Timesheets         ${web}/timesheets
  Invoices           ${web}/invoices
  Out of office      ${web}/delegation
  Local inbox        ${stack.urls.mailbox}/          (sent mail as JSON: ${stack.urls.mailbox}/store)
  Health             ${web}/healthz
  DynamoDB API       ${stack.urls.dynamodb}
  Step Functions API ${stack.urls.sfn}
  S3 API             ${stack.urls.files}   (bucket pmo-files: invoice attachments; aws s3 ls s3://pmo-files --endpoint-url …)${stack.auth === 'on' ? `
  Sign in            ${web}/auth/login
  Sign-in provider   ${stack.urls.oidc}   (OpenID Connect issuer: the local stand-in for Cognito)` : ''}
${stack.auth === 'on' ? await signInNotes(stack, web) : SIGN_IN_OFF_WARNING}

Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second Ctrl-C: the person does not want to wait for the drain.
      console.log(`[pmo] ${signal} again: stopping now, without waiting for the work under way`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    process.on('uncaughtException', toleratingClosedDatabase);
    console.log(`\n[pmo] ${signal}: stopping; finishing the work under way (at most ${drainTimeoutMs / 1000} s)…`);
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[pmo] did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`[pmo] could not start: ${message}`);
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    console.error('[pmo] a port is in use: stop the other process or set PMO_PORT, PMO_MAILBOX_PORT, PMO_DYNAMODB_PORT, PMO_SFN_PORT, PMO_OIDC_PORT or PMO_FILES_PORT.');
  }
  process.exit(1);
});
