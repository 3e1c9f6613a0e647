import { resolve } from 'node:path';
import * as z from 'zod';
import { LOCAL_REGION } from './render-state-machines.ts';
import { TABLE_NAME } from './local-stack.ts';
import { CannotSignInError, createLocalOidcProvider } from './oidc/local-oidc-provider.ts';
import { loadSigningKey, NoSigningKeyError, signingKeyPath } from './oidc/signing-key.ts';

/*
 * `npm run token -- <email>`: prints a bearer access token of the local sign-in provider for
 * anyone active in the directory of the running `npm start`.
 *
 * How: it reads the signing key from the data dir (PMO_DATA_DIR, or ./.pmo) and mints the token
 * with oidc-provider's own AccessToken model, configured as npm start's provider is (same issuer,
 * client, resource server and claims), so the token is exactly one the provider would issue. The
 * person is looked up in the directory through the running stack's DynamoDB endpoint
 * (PMO_DYNAMODB_PORT): dynalite's LevelDB admits one process, so the data dir's database cannot be
 * opened while npm start runs, and without npm start a token would have nobody to be sent to.
 *
 * Why not ask the running provider for a token over a development endpoint instead: that would be
 * one more HTTP route minting tokens for anyone, reachable by every process on the machine and by
 * any web page that gets a browser to send to 127.0.0.1 (DNS rebinding makes "loopback only" weaker
 * than it sounds). Here the authority is the key file (0600, its owner's) and nothing new listens.
 * Before minting, it checks that the provider at the issuer runs and publishes this key, so that a
 * token from another data dir, or for another port, is refused here rather than by the app.
 */

const USAGE = 'Usage: npm run token -- <email>   (prints a bearer token for someone active in the directory of the running npm start)';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) throw new UsageError(`${name} must be the port npm start uses, not "${raw}"`);
  return value;
}

class UsageError extends Error {}

const DiscoverySchema = z.object({ issuer: z.string(), jwks_uri: z.string() });
const JwksSchema = z.object({ keys: z.array(z.object({ kid: z.string().optional() })) });

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** Fails unless the provider at `issuer` runs and publishes the key `kid` (that of this data dir). */
async function checkRunningProvider(issuer: string, kid: string, dataDir: string): Promise<void> {
  let published: (string | undefined)[];
  try {
    const discovery = DiscoverySchema.parse(await getJson(`${issuer}/.well-known/openid-configuration`));
    if (discovery.issuer !== issuer) throw new UsageError(`The provider at ${issuer} calls itself ${discovery.issuer}: is PMO_OIDC_PORT the one npm start uses?`);
    published = JwksSchema.parse(await getJson(discovery.jwks_uri)).keys.map((key) => key.kid);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `No sign-in provider answers at ${issuer}: start npm start first (with sign-in on, PMO_AUTH unset; set PMO_OIDC_PORT if it runs on another port).`,
    );
  }
  if (!published.includes(kid)) {
    throw new UsageError(
      `The running npm start signs with another key than ${signingKeyPath(dataDir)}: it runs with another data dir. Set PMO_DATA_DIR to the one it uses.`,
    );
  }
}

async function main(): Promise<{ token: string; publicBaseUrl: string }> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new UsageError(USAGE);
  const email = args[0]!.trim().toLowerCase();
  if (!z.email().safeParse(email).success) throw new UsageError(`"${args[0]}" is not an email address. ${USAGE}`);

  const dataDir = resolve(process.env.PMO_DATA_DIR || '.pmo');
  const host = '127.0.0.1';
  const issuer = `http://${host}:${port('PMO_OIDC_PORT', 3001)}`;
  const publicBaseUrl = (process.env.PMO_BASE_URL || `http://${host}:${port('PMO_PORT', 3000)}`).replace(/\/+$/, '');

  let kid: string;
  try {
    kid = (await loadSigningKey(dataDir, { create: false })).kid;
  } catch (error) {
    if (error instanceof NoSigningKeyError) {
      throw new UsageError(`${dataDir} has no sign-in key yet: npm start has not run with sign-in on and this data dir. Start npm start first (PMO_DATA_DIR names another data dir).`);
    }
    throw error;
  }
  await checkRunningProvider(issuer, kid, dataDir);

  // The directory, through the running stack's DynamoDB endpoint, as the functions read it.
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: `http://${host}:${port('PMO_DYNAMODB_PORT', 8000)}`,
    TABLE_NAME,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    AWS_XRAY_MANUAL_MODE: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  const { directoryRepository } = await import('#adapters/directory-repository.ts');
  const provider = await createLocalOidcProvider({
    issuer,
    dataDir,
    createSigningKey: false,
    publicBaseUrl,
    findPerson: (address) =>
      directoryRepository.getPerson(address).catch(() => {
        throw new UsageError(`The directory of npm start does not answer at ${process.env.AWS_ENDPOINT_URL_DYNAMODB}: set PMO_DYNAMODB_PORT to the port it uses.`);
      }),
  });
  try {
    return { token: await provider.mintAccessToken(email), publicBaseUrl };
  } catch (error) {
    if (error instanceof CannotSignInError) {
      throw new UsageError(`${email} is not in the directory, or is deactivated: only active people can sign in. The PMO manages the directory at ${publicBaseUrl}/people.`);
    }
    throw error;
  }
}

main().then(
  ({ token, publicBaseUrl }) => {
    // The token alone on stdout, so that `PMO_TOKEN=$(npm run -s token -- someone@example.org)` works.
    process.stdout.write(`${token}\n`);
    console.error(`A bearer token, valid 1 hour. In a shell: PMO_TOKEN=$(npm run -s token -- <email>); curl -H "Authorization: Bearer $PMO_TOKEN" ${publicBaseUrl}/api/proposals`);
  },
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : `Could not make a token: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
