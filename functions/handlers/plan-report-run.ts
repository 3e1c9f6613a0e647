import { lambdaHandler } from '#adapters/observability.ts';
import { planReportRun } from '#services/report-runs.ts';
import { PlanReportRunInputSchema } from '#workflows/contracts.ts';

/** Report workflow: the definition, its recipients and period, recorded as a run once. */
export const handler = lambdaHandler({}, async (event: unknown) => {
  const { input, executionName } = PlanReportRunInputSchema.parse(event);
  return planReportRun(input, executionName, new Date());
});
