import { createRequire } from 'node:module';

/**
 * Makes dynalite close the LevelDB iterator of every Query and Scan.
 *
 * dynalite 4.0.0 reads LevelDB through streams over abstract-level iterators, and its streams'
 * `destroy()` closes the iterator only `if (iterator.return)`. abstract-level 3's iterators have
 * `close()` and no `return()`, so no iterator was ever closed before the database was: each stayed
 * attached to the database with its native LevelDB iterator, which pins the memtables and table
 * files it was opened on. Under load the process grew by about a megabyte of native memory per
 * proposal, and kept it when idle (the soak benchmark, `npm run bench:soak`, shows it).
 *
 * Giving the iterator classes the async-iterator `return()` (which closes, as the language's own
 * protocol means it to) lets dynalite's own clean-up run. dynalite takes no LevelDB options, so
 * its caches cannot be bounded from the `dynalite({...})` call; with iterators closed they do not
 * need to be. The abstract-level patched is the one dynalite's `level` loads; a version whose
 * iterators already have `return()` is left alone, and one without the expected classes fails loudly.
 */

interface IteratorClass {
  prototype: { close(): Promise<void>; return?: () => Promise<IteratorReturnResult<undefined>> };
}

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const fromLevel = createRequire(fromDynalite.resolve('level'));
const fromClassicLevel = createRequire(fromLevel.resolve('classic-level'));
const abstractLevel = fromClassicLevel('abstract-level') as Record<string, IteratorClass | undefined>;

/** Installs `return()` on abstract-level's iterator classes; idempotent. */
export function closeDynaliteIterators(): void {
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const prototype = abstractLevel[name]?.prototype;
    if (typeof prototype?.close !== 'function') {
      throw new Error(`abstract-level no longer exports ${name} with close(); update infra/local/dynalite-iterators.ts for this version`);
    }
    if (typeof prototype.return === 'function') continue;
    Object.defineProperty(prototype, 'return', {
      configurable: true,
      writable: true,
      value: async function (this: { close(): Promise<void> }): Promise<IteratorReturnResult<undefined>> {
        await this.close();
        return { done: true, value: undefined };
      },
    });
  }
}

closeDynaliteIterators();
