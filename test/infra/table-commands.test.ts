import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// IAM is not enforced by the local DynamoDB: a repository that sends a command no function is
// granted works on `npm start` and fails on AWS. The grants are the item actions of TableAction
// (infra/constructs/pmo-table.ts); this reads what the adapters send.

const ADAPTERS = new URL('../../functions/adapters/', import.meta.url);
/** The document-client commands a deployed function may send, and what each needs. */
const GRANTED = new Set(['GetCommand', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'QueryCommand']);
/** Sent only by the directory import of the local seed, which no deployed function runs. */
const LOCAL_ONLY: Readonly<Record<string, string>> = { BatchWriteCommand: 'directory-repository.ts' };

describe('the table commands the adapters send', () => {
  const sources = readdirSync(ADAPTERS)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(new URL(file, ADAPTERS), 'utf8') }));

  it('are all ones the stack grants (or the local seed alone sends)', () => {
    const unexpected = sources.flatMap(({ file, text }) => {
      const imported = /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(?:lib-dynamodb|client-dynamodb)'/.exec(text)?.[1] ?? '';
      return imported
        .split(',')
        .map((name) => name.trim().replace(/^type\s+/, ''))
        .filter((name) => name.endsWith('Command'))
        .filter((name) => !GRANTED.has(name) && LOCAL_ONLY[name] !== file)
        .map((name) => `${file}: ${name}`);
    });

    expect(unexpected).toEqual([]);
  });
});
