import { lambdaHandler } from '#adapters/observability.ts';
import { deliverReportStep } from '#services/report-runs.ts';
import { DeliverReportInputSchema } from '#workflows/contracts.ts';

/** Report workflow: one recipient's copy, computed for them, archived and emailed once. */
export const handler = lambdaHandler({}, async (event: unknown) => {
  const { reportId, runId, email } = DeliverReportInputSchema.parse(event);
  return deliverReportStep(reportId, runId, email, new Date());
});
