import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { App } from 'aws-cdk-lib';
import { PmoStack } from '#infra/pmo-stack.ts';

/**
 * Bundle size and cold import time of every Lambda function, as `cdk synth` builds them (same
 * construct, same esbuild settings). Import time is the module-scope work of a cold start on
 * this machine: the median of several fresh Node processes.
 */

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function benchBundles(runs = 5): void {
  const outdir = mkdtempSync(join(tmpdir(), 'pmo-bench-cdk-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new PmoStack(app, 'Bench');
    const assembly = app.synth();
    const template = JSON.parse(readFileSync(join(assembly.directory, stack.templateFile), 'utf8')) as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    console.log('\nLambda bundles (minified ESM, as deployed)');
    console.log('function                     bundle     gzip   cold import (median of %d)', runs);
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (!assetPath) continue;
      const bundle = join(assembly.directory, assetPath, 'index.mjs');
      const bytes = statSync(bundle).size;
      const gzip = gzipSync(readFileSync(bundle)).length;
      const times: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const out = execFileSync(
          process.execPath,
          ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(bundle)}); console.log(performance.now() - t);`],
          { env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
        );
        times.push(Number(out.toString().trim()));
      }
      console.log(
        `${logicalId.replace(/[0-9A-F]{8}$/, '').padEnd(26)} ${(bytes / 1024).toFixed(0).padStart(6)} KB ${(gzip / 1024).toFixed(0).padStart(5)} KB   ${median(times).toFixed(1).padStart(6)} ms`,
      );
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
