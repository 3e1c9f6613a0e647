import { readFileSync } from 'node:fs';
import type * as z from 'zod';
import { parseApprovalPolicy } from '#domain/approval-policy.ts';

/**
 * Loads a process's approval policy: the file bundled with the functions
 * (functions/config/approval-policies/<process>.json), or the file the environment variable
 * `overridePathVariable` names (the local stack's way to try another policy). It is validated
 * when the calling module loads, so a broken policy fails the start rather than a review.
 */
export function loadApprovalPolicy<S extends z.ZodType>(bundled: unknown, schema: S, overridePathVariable: string): z.infer<S> {
  const overridePath = process.env[overridePathVariable];
  return parseApprovalPolicy(overridePath ? JSON.parse(readFileSync(overridePath, 'utf8')) : bundled, schema);
}
