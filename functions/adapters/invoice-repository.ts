import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvoiceSchema, type Invoice, type InvoiceStatus } from '#domain/invoice.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { cursor, INDEX, isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** How long a number claim may point at an invoice that was never written before another takes it. */
const ORPHANED_CLAIM_MS = 15 * 60 * 1000;

function toInvoice(item: Record<string, unknown>): Invoice {
  return InvoiceSchema.parse(withoutKeys(item));
}

function invoiceItem(invoice: Invoice): Record<string, unknown> {
  return {
    ...keys.invoice(invoice.id),
    kind: 'invoice',
    gsi1pk: keys.invoicesByStatus(invoice.status),
    gsi1sk: `${invoice.receivedAt}#${invoice.id}`,
    gsi2pk: keys.invoicesOfVendor(invoice.vendor.key),
    gsi2sk: `${invoice.issueDate}#${invoice.id}`,
    gsi3pk: keys.invoicesByNumber(invoice.normalisedNumber),
    gsi3sk: `${invoice.vendor.key}#${invoice.id}`,
    ...invoice,
  };
}

/** One page of invoices and the cursor of the next. */
export interface InvoicePage {
  readonly items: Invoice[];
  readonly nextCursor?: string;
}

/** What storing an arriving invoice came to. */
export type Receipt = { readonly kind: 'stored'; readonly invoice: Invoice } | { readonly kind: 'duplicate'; readonly invoice: Invoice; readonly existingId: string };

/**
 * Invoices. A vendor's invoice number is claimed once with a conditional put before the invoice is
 * written (dynalite has no transactions: single-item conditional writes in an order that a retry
 * finishes); every status change is one conditional update on the status and version read.
 */
export const invoiceRepository = {
  async get(id: string): Promise<Invoice | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: keys.invoice(id), ConsistentRead: true }));
    return Item ? toInvoice(Item) : undefined;
  },

  /**
   * Stores an arriving invoice (status VALIDATED): claims its vendor's number first; when another
   * invoice holds the claim, stores this one as DUPLICATE of it instead. Storing the same invoice
   * again (a retry with its id) finds its own claim and finishes.
   */
  async receive(invoice: Invoice, now: Date): Promise<Receipt> {
    const claim = keys.invoiceNumberClaim(invoice.vendor.key, invoice.normalisedNumber);
    const holder = await claimNumber(claim, invoice.id, now);
    if (holder !== invoice.id) {
      const duplicate: Invoice = { ...invoice, status: 'DUPLICATE', duplicateOf: holder };
      await putOnce(duplicate);
      return { kind: 'duplicate', invoice: (await invoiceRepository.get(invoice.id)) ?? duplicate, existingId: holder };
    }
    await putOnce(invoice);
    const stored = (await invoiceRepository.get(invoice.id)) ?? invoice;
    await Promise.all(
      [...new Set(stored.lines.map((line) => line.projectId))].map((projectId) =>
        documentClient.send(
          new PutCommand({
            TableName: environment.tableName,
            Item: { ...keys.projectInvoice(projectId, stored.receivedAt, stored.id), kind: 'project-invoice', invoiceId: stored.id },
          }),
        ),
      ),
    );
    return { kind: 'stored', invoice: stored };
  },

  /**
   * Moves an invoice from one of `from` to `to` with `fields`, if it is still at the version read.
   * Undefined when it moved meanwhile (read it again).
   */
  async transition(current: Invoice, from: readonly InvoiceStatus[], to: InvoiceStatus, fields: Partial<Invoice>, now: Date): Promise<Invoice | undefined> {
    const next: Invoice = { ...current, ...fields, status: to, updatedAt: now.toISOString(), version: current.version + 1 };
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: invoiceItem(next),
          ConditionExpression: `#version = :version AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: { ':version': current.version, ...Object.fromEntries(from.map((status, index) => [`:from${index}`, status])) },
        }),
      );
      return next;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  },

  /** A vendor's invoices issued between two dates (both included): the suspected-duplicate window. */
  async listByVendor(vendorKey: string, fromIssueDate: string, untilIssueDate: string): Promise<Invoice[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi2,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :until',
      ExpressionAttributeValues: { ':pk': keys.invoicesOfVendor(vendorKey), ':from': fromIssueDate, ':until': `${untilIssueDate}~` },
    });
    return items.map(toInvoice);
  },

  /** Every invoice under a normalised number, from any vendor. */
  async listByNumber(normalisedNumber: string): Promise<Invoice[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi3,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.invoicesByNumber(normalisedNumber) },
    });
    return items.map(toInvoice);
  },

  /** Invoices of a status, newest first, a page at a time. */
  async listByStatus(status: InvoiceStatus, options: { limit: number; cursor?: string | undefined }): Promise<InvoicePage> {
    const partition = keys.invoicesByStatus(status);
    const output = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        IndexName: INDEX.gsi1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: cursor.decode(options.cursor, { attribute: 'gsi1pk', value: partition }),
      }),
    );
    const nextCursor = cursor.encode(output.LastEvaluatedKey);
    return { items: (output.Items ?? []).map(toInvoice), ...(nextCursor ? { nextCursor } : {}) };
  },

  /** Invoices received in [from, until) with a status: what a report of the period reads. */
  async listByStatusReceived(status: InvoiceStatus, from: string, until: string): Promise<Invoice[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :until',
      ExpressionAttributeValues: { ':pk': keys.invoicesByStatus(status), ':from': from, ':until': until },
    });
    return items.map(toInvoice).filter((invoice) => invoice.receivedAt < until);
  },

  /** A project's invoices, newest first, a page at a time (each read by id: the link holds only the id). */
  async listByProject(projectId: string, options: { limit: number; cursor?: string | undefined }): Promise<InvoicePage> {
    const partition = keys.projectFinance(projectId).pk;
    const output = await documentClient.send(
      new QueryCommand({
        TableName: environment.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': 'INVOICE#' },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: cursor.decode(options.cursor, { attribute: 'pk', value: partition }),
      }),
    );
    const invoices = await Promise.all((output.Items ?? []).map((item) => invoiceRepository.get(String(item.invoiceId))));
    const nextCursor = cursor.encode(output.LastEvaluatedKey);
    return { items: invoices.filter((invoice): invoice is Invoice => invoice !== undefined), ...(nextCursor ? { nextCursor } : {}) };
  },
};

/** Claims a vendor's number for `invoiceId`; returns the invoice that holds it (this one, or the first). */
async function claimNumber(claim: Record<string, string>, invoiceId: string, now: Date): Promise<string> {
  try {
    await documentClient.send(
      new PutCommand({ TableName: environment.tableName, Item: { ...claim, kind: 'invoice-number', invoiceId, at: now.toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return invoiceId;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const { Item } = await documentClient.send(new GetCommand({ TableName: environment.tableName, Key: claim, ConsistentRead: true }));
  const holder = String(Item?.invoiceId ?? '');
  if (holder === invoiceId) return invoiceId;
  // A claim whose invoice was never written (a crash between the two writes) is taken over after a while.
  if (!(await invoiceRepository.get(holder)) && now.getTime() - Date.parse(String(Item?.at)) > ORPHANED_CLAIM_MS) {
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: environment.tableName,
          Key: claim,
          UpdateExpression: 'SET invoiceId = :id, #at = :now',
          ConditionExpression: 'invoiceId = :holder',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':id': invoiceId, ':now': now.toISOString(), ':holder': holder },
        }),
      );
      return invoiceId;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return claimNumber(claim, invoiceId, now);
    }
  }
  return holder;
}

/** Writes an invoice if none has its id (a retried arrival finds it written). */
async function putOnce(invoice: Invoice): Promise<void> {
  try {
    await documentClient.send(new PutCommand({ TableName: environment.tableName, Item: invoiceItem(invoice), ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
