import type { AuditEvent } from '#domain/audit.ts';
import { formatDateTime } from '#domain/format.ts';
import { amountsByProject, INVOICE_STATUS_LABELS, INVOICE_STATUSES, minorToText, type Invoice, type InvoiceStatus } from '#domain/invoice.ts';
import { environment } from '#adapters/environment.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';

/** How many line rows the form offers (an invoice with more arrives as JSON or UBL). */
export const FORM_LINE_ROWS = 6;

/** The form's fields, as typed, by name: `vendorName`, `lines.2.unitPrice`, … */
export type InvoiceFormValues = Readonly<Record<string, string>>;

/** A refused form: a message per field (by the API's path, `lines.2.unitPrice`), and for the whole form. */
export type InvoiceFormErrors = Readonly<Record<string, string>>;

/** The form field of an API path: `vendor.name` → `vendorName`; lines keep their path. */
export function formFieldOf(path: string): string {
  const vendor = /^vendor\.(\w+)$/.exec(path);
  if (vendor) return `vendor${vendor[1]![0]!.toUpperCase()}${vendor[1]!.slice(1)}`;
  return path;
}

const LABELS: Readonly<Record<string, string>> = {
  vendorName: 'Vendor name',
  vendorEmail: 'Vendor’s billing email',
  vendorTaxId: 'Vendor’s VAT or tax id',
  invoiceNumber: 'Invoice number',
  issueDate: 'Issue date',
  dueDate: 'Due date',
  currency: 'Currency',
  total: 'Total with tax',
  note: 'Note',
  lines: 'Lines',
};

function labelOf(field: string): string {
  const line = /^lines\.(\d+)\.(\w+)$/.exec(field);
  if (line) return `Line ${Number(line[1]) + 1}, ${({ description: 'description', quantity: 'quantity', unitPrice: 'unit price', taxRate: 'tax rate', projectId: 'project', poNumber: 'PO number' } as Record<string, string>)[line[2]!] ?? line[2]}`;
  return LABELS[field] ?? field;
}

function money(minor: number, currency: string): string {
  return `${minorToText(minor, currency)} ${currency}`;
}

function StatusBadge(props: { status: InvoiceStatus }) {
  return <span class={`status ${props.status}`}>{INVOICE_STATUS_LABELS[props.status]}</span>;
}

function FieldError(props: { field: string; errors: InvoiceFormErrors }) {
  const message = props.errors[props.field];
  return message ? (
    <span class="error-text" id={`${props.field}-error`}>
      <span class="visually-hidden">Error: </span>
      {message}
    </span>
  ) : null;
}

function Field(props: { field: string; values: InvoiceFormValues; errors: InvoiceFormErrors; type?: string; optional?: boolean; hint?: string; inputmode?: 'decimal' }) {
  const { field, errors } = props;
  return (
    <div class={`field${errors[field] ? ' has-error' : ''}`}>
      <label for={field}>
        {labelOf(field)}
        {props.optional ? <span class="muted"> (optional)</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={`${field}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <FieldError field={field} errors={errors} />
      <input
        id={field}
        name={field}
        type={props.type ?? 'text'}
        inputmode={props.inputmode}
        value={props.values[field] ?? ''}
        autocomplete="off"
        aria-invalid={errors[field] ? 'true' : undefined}
        aria-describedby={[props.hint ? `${field}-hint` : '', errors[field] ? `${field}-error` : ''].filter(Boolean).join(' ') || undefined}
      />
    </div>
  );
}

/** The summary at the top of a refused form, linking to each field. */
function ErrorSummary(props: { errors: InvoiceFormErrors }) {
  const fields = Object.keys(props.errors).filter((field) => field !== 'form');
  if (fields.length === 0 && !props.errors.form) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">The invoice was not entered</h2>
      {props.errors.form ? <p>{props.errors.form}</p> : null}
      <ul>
        {fields.map((field) => (
          <li>
            <a href={`#${field}`}>
              {labelOf(field)}: {props.errors[field]}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The form finance and the PMO enter a vendor invoice with; no script, amounts typed as people write them. */
export function NewInvoicePage(props: { values: InvoiceFormValues; errors: InvoiceFormErrors; projects: readonly { id: string; title: string }[] }) {
  const { values, errors } = props;
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Layout title={`${hasErrors ? 'Error: ' : ''}Enter an invoice`} wide>
      <ErrorSummary errors={errors} />
      <h1>Enter an invoice</h1>
      <p class="hint">
        The total is checked against the lines to the cent. Suspected duplicates, budgets and purchase orders are checked next; invoices under the approval threshold that
        are within budget are approved by policy, the others go to the project manager (and from 25,000 also to finance).
      </p>
      <form method="post" action="/invoices" novalidate>
        <CsrfField />
        <fieldset>
          <legend>Vendor</legend>
          <Field field="vendorName" values={values} errors={errors} />
          <Field field="vendorEmail" values={values} errors={errors} type="email" hint="Told if the invoice is rejected." />
          <Field field="vendorTaxId" values={values} errors={errors} optional />
        </fieldset>
        <fieldset>
          <legend>Invoice</legend>
          <Field field="invoiceNumber" values={values} errors={errors} />
          <Field field="issueDate" values={values} errors={errors} type="date" />
          <Field field="dueDate" values={values} errors={errors} type="date" />
          <Field field="currency" values={values} errors={errors} hint="The currency of the projects’ budgets, such as EUR." />
        </fieldset>
        <fieldset>
          <legend>Lines</legend>
          <FieldError field="lines" errors={errors} />
          <section class="table-scroll" aria-label="Invoice lines" tabindex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Description</th>
                  <th scope="col">Project</th>
                  <th scope="col" class="num">
                    Quantity
                  </th>
                  <th scope="col" class="num">
                    Unit price
                  </th>
                  <th scope="col" class="num">
                    Tax %
                  </th>
                  <th scope="col">PO number</th>
                </tr>
              </thead>
              <tbody>
                {Array.from({ length: FORM_LINE_ROWS }, (_, index) => {
                  const cell = (name: string, mode?: 'decimal') => {
                    const field = `lines.${index}.${name}`;
                    return (
                      <td class={errors[field] ? 'has-error' : undefined}>
                        <input
                          id={field}
                          name={field}
                          value={values[field] ?? ''}
                          inputmode={mode}
                          autocomplete="off"
                          aria-label={labelOf(field)}
                          aria-invalid={errors[field] ? 'true' : undefined}
                          aria-describedby={errors[field] ? `${field}-error` : undefined}
                        />
                        <FieldError field={field} errors={errors} />
                      </td>
                    );
                  };
                  const projectField = `lines.${index}.projectId`;
                  return (
                    <tr>
                      {cell('description')}
                      <td class={errors[projectField] ? 'has-error' : undefined}>
                        <select id={projectField} name={projectField} aria-label={labelOf(projectField)} aria-invalid={errors[projectField] ? 'true' : undefined}>
                          <option value="">Choose…</option>
                          {props.projects.map((project) => (
                            <option value={project.id} selected={values[projectField] === project.id}>
                              {project.title}
                            </option>
                          ))}
                        </select>
                        <FieldError field={projectField} errors={errors} />
                      </td>
                      {cell('quantity', 'decimal')}
                      {cell('unitPrice', 'decimal')}
                      {cell('taxRate', 'decimal')}
                      {cell('poNumber')}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
          <p class="hint">Leave the rows you do not need empty. Amounts as you write them: 1440.00, 1,440.00 or 1.440,00.</p>
        </fieldset>
        <Field field="total" values={values} errors={errors} inputmode="decimal" hint="As the invoice states it, tax included." />
        <Field field="note" values={values} errors={errors} optional />
        <div class="actions">
          <button type="submit" class="approve">
            Enter the invoice
          </button>
        </div>
      </form>
    </Layout>
  );
}

/** Invoices of one status (finance and the PMO), newest first. */
export function InvoiceListPage(props: { status?: InvoiceStatus; invoices: readonly Invoice[]; nextCursor?: string; mayEnter: boolean }) {
  return (
    <Layout title="Invoices" wide>
      <h1>Invoices</h1>
      {props.mayEnter ? (
        <p>
          <a href="/invoices/new">Enter an invoice</a>
        </p>
      ) : null}
      {props.mayEnter ? (
        <nav aria-label="Invoices by status" class="status-nav">
          {INVOICE_STATUSES.filter((status) => status !== 'RECEIVED').map((status) =>
            status === props.status ? <strong aria-current="page">{INVOICE_STATUS_LABELS[status]}</strong> : <a href={`/invoices?status=${status}`}>{INVOICE_STATUS_LABELS[status]}</a>,
          )}
        </nav>
      ) : (
        <p class="hint">The invoices of the projects you manage, newest first.</p>
      )}
      <section class="table-scroll" aria-label="Invoices" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Vendor</th>
              <th scope="col">Number</th>
              <th scope="col">Issued</th>
              <th scope="col" class="num">
                Total
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.invoices.length === 0 ? (
              <tr>
                <td colspan={5} class="muted">
                  {props.status ? `No invoices: ${INVOICE_STATUS_LABELS[props.status].toLowerCase()}.` : 'No invoices yet.'}
                </td>
              </tr>
            ) : null}
            {props.invoices.map((invoice) => (
              <tr>
                <td>{invoice.vendor.name}</td>
                <td>
                  <a href={`/invoices/${invoice.id}`}>{invoice.invoiceNumber}</a>
                </td>
                <td class="nowrap">{invoice.issueDate}</td>
                <td class="num nowrap">{money(invoice.totalMinor, invoice.currency)}</td>
                <td>
                  <StatusBadge status={invoice.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {props.nextCursor && props.status ? (
        <p>
          <a href={`/invoices?status=${props.status}&cursor=${encodeURIComponent(props.nextCursor)}`}>Older invoices →</a>
        </p>
      ) : null}
    </Layout>
  );
}

/** One invoice: its facts, lines and taxes, flags in words, where it stands and its history. */
/** A signed form upload of the invoice's PDF: where the form posts, and its signed fields. */
export interface PdfUploadForm {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
}

export function InvoicePage(props: { invoice: Invoice; projectTitles: ReadonlyMap<string, string>; history: readonly AuditEvent[]; notice?: string; problem?: string; upload?: PdfUploadForm }) {
  const { invoice } = props;
  const title = (projectId: string) => props.projectTitles.get(projectId) ?? projectId;
  return (
    <Layout title={`${invoice.vendor.name}: invoice ${invoice.invoiceNumber}`} wide>
      {props.notice ? (
        <div class="notice ok" role="status">
          <p>{props.notice}</p>
        </div>
      ) : null}
      <h1>
        {invoice.vendor.name}: invoice {invoice.invoiceNumber}
      </h1>
      <p>
        <StatusBadge status={invoice.status} />
        {invoice.duplicateOf ? (
          <>
            {' '}
            It repeats <a href={`/invoices/${invoice.duplicateOf}`}>an invoice entered before</a>.
          </>
        ) : null}
        {invoice.rejectedReason ? ` ${invoice.rejectedReason}` : ''}
      </p>
      {invoice.flags.length > 0 ? (
        <div class="notice warn" role="status">
          {invoice.flags.map((flag) => (
            <p>{flag.message}</p>
          ))}
        </div>
      ) : null}
      <dl class="summary">
        <dt>Total</dt>
        <dd>{money(invoice.totalMinor, invoice.currency)}</dd>
        <dt>Issued / due</dt>
        <dd>
          {invoice.issueDate} / {invoice.dueDate}
        </dd>
        <dt>Vendor</dt>
        <dd>
          {invoice.vendor.name} ({invoice.vendor.email}){invoice.vendor.taxId ? `, ${invoice.vendor.taxId}` : ''}
        </dd>
        <dt>Projects</dt>
        <dd>
          {[...amountsByProject(invoice)].map(([projectId, amount], index) => (
            <>
              {index > 0 ? ', ' : ''}
              <a href={`/projects/${projectId}`}>{title(projectId)}</a> ({money(amount, invoice.currency)})
            </>
          ))}
        </dd>
        {invoice.attachment ? (
          <>
            <dt>PDF</dt>
            <dd>
              <a href={`/invoices/${invoice.id}/attachment`}>Download {invoice.attachment.fileName}</a> ({Math.ceil(invoice.attachment.size / 1024)} KB)
            </dd>
          </>
        ) : null}
        <dt>Entered</dt>
        <dd>
          {formatDateTime(invoice.receivedAt, environment.orgTimeZone)} by {invoice.receivedBy.name}
        </dd>
        {invoice.decision ? (
          <>
            <dt>Decision</dt>
            <dd>
              {invoice.decision.automatic ? 'Approved by the policy' : `${invoice.decision.by?.name ?? 'Unknown'}`} on {formatDateTime(invoice.decision.at, environment.orgTimeZone)}
              {invoice.decision.comment ? `: “${invoice.decision.comment}”` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      <section class="table-scroll" aria-labelledby="lines-caption" tabindex={0}>
        <table>
          <caption id="lines-caption">Lines</caption>
          <thead>
            <tr>
              <th scope="col">Description</th>
              <th scope="col">Project</th>
              <th scope="col" class="num">
                Quantity
              </th>
              <th scope="col" class="num">
                Unit price
              </th>
              <th scope="col" class="num">
                Tax
              </th>
              <th scope="col" class="num">
                Net
              </th>
            </tr>
          </thead>
          <tbody>
            {invoice.lines.map((line) => (
              <tr>
                <td>
                  {line.description}
                  {line.poNumber ? <span class="muted"> (PO {line.poNumber})</span> : null}
                </td>
                <td>{title(line.projectId)}</td>
                <td class="num">{line.quantity}</td>
                <td class="num nowrap">{minorToText(line.unitPriceMinor, invoice.currency)}</td>
                <td class="num">{line.taxRate} %</td>
                <td class="num nowrap">{minorToText(line.netMinor, invoice.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            {invoice.taxes.map((tax) => (
              <tr>
                <th scope="row" colspan={5}>
                  Tax {tax.rate} % on {minorToText(tax.baseMinor, invoice.currency)}
                </th>
                <td class="num nowrap">{minorToText(tax.taxMinor, invoice.currency)}</td>
              </tr>
            ))}
            <tr>
              <th scope="row" colspan={5}>
                Total
              </th>
              <td class="num nowrap">{money(invoice.totalMinor, invoice.currency)}</td>
            </tr>
          </tfoot>
        </table>
      </section>
      {props.upload ? (
        // Posted straight to the files bucket (S3's browser upload), which sends the browser back here.
        <form method="post" action={props.upload.url} enctype="multipart/form-data" class="no-work">
          <h2>Attach the invoice’s PDF</h2>
          {Object.entries(props.upload.fields).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <div class={`field${props.problem ? ' has-error' : ''}`}>
            <label for="file">The PDF, at most 10 MB</label>
            {props.problem ? (
              <p class="error-text" id="file-error">
                <span class="visually-hidden">Error: </span>
                {props.problem}
              </p>
            ) : null}
            <input id="file" name="file" type="file" accept="application/pdf" aria-describedby={props.problem ? 'file-error' : undefined} />
          </div>
          <div class="actions">
            <button type="submit" class="secondary">
              Upload the PDF
            </button>
          </div>
        </form>
      ) : null}
      <h2>History</h2>
      <ol class="history">
        {props.history.map((event) => (
          <li>
            <time datetime={event.at}>{formatDateTime(event.at, environment.orgTimeZone)}</time> {event.summary}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

/** An invoice that does not exist or that the reader may not read. */
export function InvoiceNotFoundPage() {
  return (
    <MessagePage title="Invoice not found" tone="bad">
      <p>
        There is no invoice at this address that you may read. <a href="/invoices">All invoices</a>.
      </p>
    </MessagePage>
  );
}
