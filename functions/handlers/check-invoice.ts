import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { checkInvoiceStep } from '#services/invoice-service.ts';
import { InvoiceStepInputSchema } from '#workflows/contracts.ts';

/** Invoice workflow: duplicates suspected, budgets and POs matched, amounts committed; review or approval by policy. */
export const handler = lambdaHandler({}, async (event: unknown): Promise<{ review: boolean; status: string }> => {
  const input = InvoiceStepInputSchema.parse(event);
  const result = await checkInvoiceStep(input.invoiceId, input.executionName, new Date());
  logger.info('Invoice checked', { invoiceId: input.invoiceId, ...result });
  return result;
});
