import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import { PmoStack } from '#infra/pmo-stack.ts';
import { TEST_SENDER } from './synth-stack.ts';

const KEYS = Object.keys(FUNCTION_CATALOGUE) as FunctionKey[];

/** Bundles every function for real, with the local esbuild (no Docker), once for the file. */
describe('function bundles', () => {
  let outdir: string;
  let assetDirOf: (key: FunctionKey) => string;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'pmo-cdk-'));
    const app = new App({ outdir, context: { senderAddress: TEST_SENDER, 'aws:cdk:enable-asset-metadata': true } });
    const stack = new PmoStack(app, 'PmoPipeline');
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Metadata?: Record<string, string> }>;
    assetDirOf = (key) => {
      const logicalId = stack.getLogicalId(stack.functions[key].node.defaultChild as never);
      return path.join(outdir, resources[logicalId]?.Metadata?.['aws:asset:path'] as string);
    };
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  describe.each(KEYS)('%s', (key) => {
    it('is one ES module, index.mjs, exporting the handler', () => {
      const code = readFileSync(path.join(assetDirOf(key), 'index.mjs'), 'utf8');
      expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    });

    it('can load CommonJS dependencies: it defines require with createRequire', () => {
      const code = readFileSync(path.join(assetDirOf(key), 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);")).toBe(true);
    });

    it('is minified and ships its source map', () => {
      const code = readFileSync(path.join(assetDirOf(key), 'index.mjs'), 'utf8');
      // Minified code runs on for thousands of characters a line; the few line breaks left are inside
      // template literals (page styles, e-mail text), which grow with the product.
      const lines = code.split('\n');
      expect(code.length / lines.length).toBeGreaterThan(1000);
      expect(existsSync(path.join(assetDirOf(key), 'index.mjs.map'))).toBe(true);
    });
  });
});
