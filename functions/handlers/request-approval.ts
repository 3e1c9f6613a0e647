import * as z from 'zod';
import { ROLES } from '#domain/directory.ts';
import { requestApproval } from '#services/approval-service.ts';
import { logger } from '#adapters/logger.ts';

const EventSchema = z.object({
  proposalId: z.string().min(1),
  executionName: z.string().min(1),
  level: z.number().int().min(1),
  role: z.enum(ROLES),
  timeoutSeconds: z.number().int().min(1),
  taskToken: z.string().min(1),
});

/**
 * Intake workflow callback task: creates (or finds) the approval, binds the task token and emails
 * the approver. The workflow waits until a decision, or the sweeper's expiry, returns the token.
 */
export async function handler(event: unknown): Promise<void> {
  const request = EventSchema.parse(event);
  await requestApproval(request, new Date());
  logger.info('Approval requested', { proposalId: request.proposalId, level: request.level });
}
