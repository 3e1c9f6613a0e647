import { logger } from '#adapters/logger.ts';
import { lambdaHandler } from '#adapters/observability.ts';
import '#services/subject-types.ts';
import { postInvoiceStep } from '#services/invoice-service.ts';
import { InvoiceStepInputSchema } from '#workflows/contracts.ts';

/** Invoice workflow: posts an approved invoice to its projects' actuals, once, and tells finance. */
export const handler = lambdaHandler({}, async (event: unknown): Promise<{ status: string }> => {
  const input = InvoiceStepInputSchema.parse(event);
  const result = await postInvoiceStep(input.invoiceId, input.executionName, new Date());
  logger.info('Invoice posted', { invoiceId: input.invoiceId, ...result });
  return result;
});
