import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import * as z from 'zod';

/** The private RSA key (JWK) the local provider signs ID tokens and access tokens with. */
export type SigningKey = JWK & { kid: string; alg: 'RS256'; use: 'sig' };

const SigningKeySchema = z.looseObject({
  kty: z.literal('RSA'),
  kid: z.string().min(1),
  alg: z.literal('RS256'),
  use: z.literal('sig'),
  n: z.string().min(1),
  e: z.string().min(1),
  d: z.string().min(1),
  p: z.string().min(1),
  q: z.string().min(1),
  dp: z.string().min(1),
  dq: z.string().min(1),
  qi: z.string().min(1),
});

/** Where the local provider keeps its signing key, under the local stack's data dir. */
export function signingKeyPath(dataDir: string): string {
  return join(dataDir, 'oidc', 'signing-key.json');
}

/** The data dir has no signing key: `npm start` has not run with it yet. */
export class NoSigningKeyError extends Error {
  constructor(readonly path: string) {
    super(`No signing key at ${path}: the local sign-in provider has not run with this data dir yet (start npm start first)`);
    this.name = 'NoSigningKeyError';
  }
}

async function readSigningKey(path: string): Promise<SigningKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = SigningKeySchema.safeParse(JSON.parse(text));
  // Replacing a damaged key silently would make every token issued with it fail with a bare
  // signature error; saying so lets the person decide.
  if (!parsed.success) throw new Error(`${path} is not an RS256 private key (JWK); delete it and start again to make a new one`);
  // A private key readable by others signs in as anyone: keep it the owner's only, as ssh does.
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  return parsed.data as SigningKey;
}

/**
 * The local provider's signing key: read from `<dataDir>/oidc/signing-key.json`, or, with
 * `create`, generated once (RS256, 2048 bits) and written there readable by its owner only.
 *
 * Kept in the data dir, beside the directory and the sessions it signs for, so that tokens and
 * signed-in sessions survive a restart of `npm start`, and `npm run token` signs with the same key
 * the running provider publishes. `create: false` is for that script: it never makes a key of its own.
 */
export async function loadSigningKey(dataDir: string, options: { create: boolean }): Promise<SigningKey> {
  const path = signingKeyPath(dataDir);
  const existing = await readSigningKey(path);
  if (existing) return existing;
  if (!options.create) throw new NoSigningKeyError(path);

  await mkdir(join(dataDir, 'oidc'), { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const key: SigningKey = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
  try {
    // `wx`: if another start wrote a key meanwhile, theirs wins and is read below.
    await writeFile(path, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readSigningKey(path))!;
  }
}
