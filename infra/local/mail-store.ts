import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Email } from 'aws-ses-v2-local/dist/store.js';

/**
 * Keeps the local inbox (aws-ses-v2-local) across restarts: every email it stores is also written
 * to a folder, one JSON file each, and the folder is read back into the inbox when the stack starts.
 *
 * The stand-in keeps its mail in a module-level store that its routes reach through the module's
 * exports (`saveEmail`, `clearStore`, `getStoreReadonly`) at each call, so wrapping those two
 * functions is enough; a fork would mean maintaining its SES v1/v2 API, MIME handling and inbox
 * page for the sake of a few lines. The version is pinned; {@link installMailPersistence} refuses a
 * store that no longer looks like this one, so an upgrade that changes it fails loudly.
 *
 * The store is one per process, so the folder is too: the stack started last decides where mail
 * goes (tests run one stack at a time per file; a restart closes the old one first).
 *
 * The stand-in's store is an array that only grows (about 8 KB of heap per email), so the inbox
 * keeps the latest {@link MAX_EMAILS_IN_MEMORY} in memory; every email stays in the folder.
 */

/** How many emails the inbox holds in memory (and loads from the folder at start): the latest. */
export const MAX_EMAILS_IN_MEMORY = 2000;

interface SesStoreModule {
  saveEmail: (email: Email) => void;
  clearStore: () => void;
  getStoreReadonly: () => { emails: Email[] };
}

const sesStore = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as SesStoreModule;
const original = { saveEmail: sesStore.saveEmail, clearStore: sesStore.clearStore };
let mailDir: string | undefined;
/** The next file's sequence number: the store's length no longer counts the emails once it is capped. */
let nextSequence = 0;

/** A file name that sorts in sending order and cannot escape the folder. */
function fileNameOf(email: Email, sequence: number): string {
  const safeId = email.messageId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return `${String(email.at).padStart(12, '0')}-${String(sequence).padStart(6, '0')}-${safeId}.json`;
}

function persist(email: Email): void {
  if (!mailDir) return;
  const file = join(mailDir, fileNameOf(email, nextSequence));
  nextSequence += 1;
  // Written before SendEmail answers, and renamed into place: a sent email is never half on disk.
  writeFileSync(`${file}.tmp`, JSON.stringify(email));
  renameSync(`${file}.tmp`, file);
}

/** Keeps the latest {@link MAX_EMAILS_IN_MEMORY} emails of the store's array (oldest first). */
function dropOldest(emails: Email[]): void {
  if (emails.length > MAX_EMAILS_IN_MEMORY) emails.splice(0, emails.length - MAX_EMAILS_IN_MEMORY);
}

function assertStoreShape(): void {
  const store = typeof sesStore.getStoreReadonly === 'function' ? sesStore.getStoreReadonly() : undefined;
  if (typeof original.saveEmail !== 'function' || typeof original.clearStore !== 'function' || !Array.isArray(store?.emails)) {
    throw new Error('aws-ses-v2-local no longer keeps its mail as infra/local/mail-store.ts expects; update the adapter for this version');
  }
}

/**
 * From now on, keeps the inbox's mail in `directory` (created if missing): the inbox is emptied
 * and refilled from the folder, each email saved is written there, and clearing the inbox (its
 * page's button, `POST /clear-store`) empties the folder too. Returns how many emails were loaded.
 */
export function installMailPersistence(directory: string): number {
  assertStoreShape();
  mkdirSync(directory, { recursive: true });
  mailDir = directory;
  sesStore.saveEmail = (email) => {
    persist(email);
    original.saveEmail(email);
    dropOldest(sesStore.getStoreReadonly().emails);
  };
  sesStore.clearStore = () => {
    original.clearStore();
    if (mailDir) {
      for (const name of readdirSync(mailDir)) if (name.endsWith('.json')) rmSync(join(mailDir, name), { force: true });
    }
  };
  original.clearStore();
  const emails = sesStore.getStoreReadonly().emails;
  const names = readdirSync(directory).filter((file) => file.endsWith('.json')).sort();
  nextSequence = names.length;
  for (const name of names.slice(-MAX_EMAILS_IN_MEMORY)) {
    try {
      emails.push(JSON.parse(readFileSync(join(directory, name), 'utf8')) as Email);
    } catch {
      // An unreadable file (written by hand, or by a crash before the rename) is left out.
    }
  }
  return emails.length;
}

/** Stops writing mail to the folder (the stack closed); the inbox keeps what it has in memory. */
export function uninstallMailPersistence(directory: string): void {
  if (mailDir === directory) mailDir = undefined;
}
