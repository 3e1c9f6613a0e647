import * as z from 'zod';
import { recordOutcome, WorkflowOutcomeSchema } from '#services/outcome-service.ts';
import { logger } from '#adapters/logger.ts';

const EventSchema = z.object({
  proposalId: z.string().min(1),
  executionName: z.string().min(1),
  outcome: WorkflowOutcomeSchema,
});

/** Intake workflow task: records the final status and tells the submitter. */
export async function handler(event: unknown): Promise<{ status: string }> {
  const input = EventSchema.parse(event);
  const result = await recordOutcome(input, new Date());
  logger.info('Outcome recorded', { proposalId: input.proposalId, status: result.status });
  return result;
}
