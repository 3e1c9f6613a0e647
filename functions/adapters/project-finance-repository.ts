import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** A project's money beyond its budget: posted actuals and amounts committed by invoices on their way. */
export interface ProjectFinance {
  readonly projectId: string;
  readonly actualsMinor: number;
  readonly committedMinor: number;
  /** The budget alerts (percent thresholds) already sent. */
  readonly alertsSent: readonly number[];
}

const LedgerSchema = z.object({
  projectId: z.string(),
  actualsMinor: z.number().int().default(0),
  committedMinor: z.number().int().default(0),
  alertsSent: z.array(z.number()).default([]),
});

function toFinance(projectId: string, item: Record<string, unknown> | undefined): ProjectFinance {
  if (!item) return { projectId, actualsMinor: 0, committedMinor: 0, alertsSent: [] };
  const record = withoutKeys(item);
  const alerts = record.alertsSent instanceof Set ? [...record.alertsSent].map(Number).sort((a, b) => a - b) : [];
  return LedgerSchema.parse({ projectId, actualsMinor: record.actualsMinor, committedMinor: record.committedMinor, alertsSent: alerts });
}

/** A purchase order: an amount agreed with a vendor for a project, and what invoices used of it. */
export const PurchaseOrderSchema = z.object({
  poNumber: z.string(),
  projectId: z.string(),
  vendorName: z.string().optional(),
  currency: z.string(),
  amountMinor: z.number().int(),
  invoicedMinor: z.number().int().default(0),
  updatedAt: z.iso.datetime(),
});
export type PurchaseOrder = z.infer<typeof PurchaseOrderSchema>;

/**
 * Each project's ledger: one item holding its actuals and committed amounts, and the sets of
 * invoice ids each counts, so that every change is one conditional update that a retry cannot
 * count twice (dynalite has no transactions). A set of invoice ids grows by 37 bytes an invoice:
 * some 10,000 invoices fit a project's item (400 KB); a project with more would need its posted
 * ids moved to marker items.
 */
export const projectFinanceRepository = {
  async get(projectId: string): Promise<ProjectFinance> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.projectFinance(projectId), ConsistentRead: true }));
    return toFinance(projectId, Item);
  },

  /** Every project's ledger (one query of the ledger index), by project id. */
  async listAll(): Promise<Map<string, ProjectFinance>> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi3,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.allProjectFinance },
    });
    return new Map(items.map((item) => [String(item.gsi3sk), toFinance(String(item.gsi3sk), item)]));
  },

  /** Commits an invoice's amount to a project, once. */
  async commit(projectId: string, invoiceId: string, amountMinor: number): Promise<boolean> {
    return ledgerUpdate(projectId, 'ADD committedMinor :amount, committedInvoiceIds :ids', 'NOT contains(committedInvoiceIds, :id) AND NOT contains(postedInvoiceIds, :id)', { ':amount': amountMinor, ':ids': new Set([invoiceId]), ':id': invoiceId });
  },

  /** Releases an invoice's commitment (rejected, failed), once. */
  async release(projectId: string, invoiceId: string, amountMinor: number): Promise<boolean> {
    return ledgerUpdate(projectId, 'ADD committedMinor :minus DELETE committedInvoiceIds :ids', 'contains(committedInvoiceIds, :id)', { ':minus': -amountMinor, ':ids': new Set([invoiceId]), ':id': invoiceId });
  },

  /**
   * Posts an invoice's amount to a project's actuals, once, then releases its commitment (once):
   * two updates that are each safe to repeat, so a retried step finishes what a cut one began.
   * Answers whether this call posted it, and the ledger after.
   */
  async post(projectId: string, invoiceId: string, amountMinor: number): Promise<{ posted: boolean; after: ProjectFinance }> {
    const posted = await ledgerUpdate(projectId, 'ADD actualsMinor :amount, postedInvoiceIds :ids', 'NOT contains(postedInvoiceIds, :id)', { ':amount': amountMinor, ':ids': new Set([invoiceId]), ':id': invoiceId });
    await projectFinanceRepository.release(projectId, invoiceId, amountMinor);
    return { posted, after: await projectFinanceRepository.get(projectId) };
  },

  /** Records that a budget alert was sent; true for the first caller only. */
  async markAlertSent(projectId: string, percent: number): Promise<boolean> {
    return ledgerUpdate(projectId, 'ADD alertsSent :alerts', 'NOT contains(alertsSent, :percent)', { ':alerts': new Set([percent]), ':percent': percent });
  },

  async putPurchaseOrder(po: PurchaseOrder): Promise<void> {
    await documentClient.send(new PutCommand({ TableName: environment.tableName, Item: { ...keys.purchaseOrder(po.poNumber), kind: 'purchase-order', ...PurchaseOrderSchema.parse(po) } }));
  },

  async getPurchaseOrder(poNumber: string): Promise<PurchaseOrder | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.purchaseOrder(poNumber), ConsistentRead: true }));
    if (!Item) return undefined;
    const { invoicedIds: _ids, ...record } = withoutKeys(Item);
    return PurchaseOrderSchema.parse(record);
  },

  /** Adds an invoice's amount to what a PO has invoiced, once. */
  async addInvoicedToPo(poNumber: string, invoiceId: string, amountMinor: number): Promise<boolean> {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: keys.purchaseOrder(poNumber),
          UpdateExpression: 'ADD invoicedMinor :amount, invoicedIds :ids',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(invoicedIds, :id)',
          ExpressionAttributeValues: { ':amount': amountMinor, ':ids': new Set([invoiceId]), ':id': invoiceId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  },
};

/** One conditional update of a project's ledger (created on first use, listed in the ledger index). */
async function ledgerUpdate(projectId: string, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: environment.tableName,
        Key: keys.projectFinance(projectId),
        UpdateExpression: `SET kind = :kind, gsi3pk = :gsi3pk, gsi3sk = :projectId, projectId = :projectId ${update}`,
        ConditionExpression: condition,
        ExpressionAttributeValues: { ':kind': 'project-finance', ':gsi3pk': keys.allProjectFinance, ':projectId': projectId, ...values },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
