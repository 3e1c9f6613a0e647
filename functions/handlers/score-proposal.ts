import { scoreProposal } from '#services/scoring-service.ts';
import { logger } from '#adapters/logger.ts';
import { lambdaHandler, workflowSubject } from '#adapters/observability.ts';
import { ScoreProposalInputSchema } from '#workflows/contracts.ts';


/** Intake workflow task: scores the proposal; returns the total for the state machine. */
export const handler = lambdaHandler(
  { correlate: workflowSubject },
  async (event: unknown): Promise<{ total: number; rubricVersion: string }> => {
    const { proposalId, executionName } = ScoreProposalInputSchema.parse(event);
    const result = await scoreProposal(proposalId, executionName, new Date());
    logger.info('Proposal scored', { proposalId, total: result.total });
    return result;
  },
);
