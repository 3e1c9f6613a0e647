import * as z from 'zod';
import { scoreProposal } from '#services/scoring-service.ts';
import { logger } from '#adapters/logger.ts';
import { lambdaHandler, workflowSubject } from '#adapters/observability.ts';

const EventSchema = z.object({ proposalId: z.string().min(1) });

/** Intake workflow task: scores the proposal; returns the total for the state machine. */
export const handler = lambdaHandler(
  { correlate: workflowSubject },
  async (event: unknown): Promise<{ total: number; rubricVersion: string }> => {
    const { proposalId } = EventSchema.parse(event);
    const result = await scoreProposal(proposalId, new Date());
    logger.info('Proposal scored', { proposalId, total: result.total });
    return result;
  },
);
