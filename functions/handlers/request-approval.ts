import * as z from 'zod';
import { ApproverSpecSchema } from '#domain/approval-policy.ts';
import { logger } from '#adapters/logger.ts';
import { requestApproval } from '#services/approval-service.ts';

const PersonRef = z.object({ name: z.string().min(1), email: z.string().min(3) });

const EventSchema = z.object({
  proposalId: z.string().min(1),
  executionName: z.string().min(1),
  request: z.object({
    level: z.number().int().min(1),
    levelName: z.string().min(1),
    levelCount: z.number().int().min(1),
    quorum: z.enum(['any', 'all']),
    slotCount: z.number().int().min(1),
    timeoutSeconds: z.number().positive(),
    reminderAfterSeconds: z.number().positive(),
    escalateAfterSeconds: z.number().positive().optional(),
    escalateTo: ApproverSpecSchema.optional(),
    belowThreshold: z.boolean(),
  }),
  assignee: z.object({ slot: z.number().int().min(0), approver: PersonRef, onBehalfOf: PersonRef.optional() }),
  taskToken: z.string().min(1),
});

/**
 * Intake workflow callback task, once per approver of a level: creates (or finds) the approval,
 * binds the task token and emails the approver. The workflow waits until a decision, the quorum,
 * a withdrawal or the sweeper's expiry returns the token.
 */
export async function handler(event: unknown): Promise<void> {
  const input = EventSchema.parse(event);
  await requestApproval(input, new Date());
  logger.info('Approval requested', { proposalId: input.proposalId, level: input.request.level, slot: input.assignee.slot });
}
