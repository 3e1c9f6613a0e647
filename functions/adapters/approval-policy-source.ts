import { readFileSync } from 'node:fs';
import { parseApprovalPolicy, type ApprovalPolicy } from '#domain/approval-policy.ts';
import bundledPolicy from '../config/approval-policy.json' with { type: 'json' };

/**
 * The approval policy in force. It ships with the functions (functions/config/approval-policy.json,
 * bundled at deploy); `APPROVAL_POLICY_PATH` names another file instead. It is validated when the
 * module loads, so a broken policy fails the start rather than a review.
 */
export const approvalPolicy: ApprovalPolicy = parseApprovalPolicy(
  process.env.APPROVAL_POLICY_PATH ? JSON.parse(readFileSync(process.env.APPROVAL_POLICY_PATH, 'utf8')) : bundledPolicy,
);
