import type { AuditEvent } from '#domain/audit.ts';
import { formatDate, formatDateTime } from '#domain/format.ts';
import { RAG_LABELS, type ProjectKpis } from '#domain/kpi.ts';
import { formatBudget, PROJECT_STATUS_LABELS, PROJECT_STATUSES, type Project, type ProjectStatus } from '#domain/project.ts';
import { environment } from '#adapters/environment.ts';
import { CsrfField, Layout, MessagePage } from './layout.tsx';
import { HistoryTimeline } from './subject-parts.tsx';

/** The fields of the form that changes a project. */
export type ProjectFormField = 'managerEmail' | 'status';

/** What the form shows again after a refused change: the values sent and a message per field. */
export interface ProjectFormState {
  readonly values?: Partial<Record<ProjectFormField, string>>;
  readonly errors?: Partial<Record<ProjectFormField | 'form', string>>;
}

const STATUS_EXPLANATIONS: Record<ProjectStatus, string> = {
  ACTIVE: 'Under way.',
  ON_HOLD: 'Paused; it can be made active again.',
  CLOSED: 'Closed. Closing is final: it cannot be reopened.',
};

/** A project status as a labelled badge. */
export function ProjectStatusBadge(props: { status: ProjectStatus }) {
  return <span class={`status ${props.status}`}>{PROJECT_STATUS_LABELS[props.status]}</span>;
}

function projectPath(project: Pick<Project, 'id'>): string {
  return `/projects/${encodeURIComponent(project.id)}`;
}

/** The portfolio of projects: newest first, filterable by status and department, paginated. */
export function ProjectListPage(props: { projects: Project[]; status?: ProjectStatus; department?: string; nextCursor?: string }) {
  const nextQuery = new URLSearchParams({
    ...(props.status ? { status: props.status } : {}),
    ...(props.department ? { department: props.department } : {}),
    ...(props.nextCursor ? { cursor: props.nextCursor } : {}),
  });
  return (
    <Layout title="Projects">
      <h1>Projects</h1>
      <p>Every approved proposal becomes a project, managed at first by the person who proposed it.</p>
      <form method="get" action="/projects" class="actions filters">
        <div class="field">
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">All</option>
            {PROJECT_STATUSES.map((status) => (
              <option value={status} selected={props.status === status}>
                {PROJECT_STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="department">Department</label>
          <input id="department" name="department" type="text" value={props.department ?? ''} />
        </div>
        <div class="field">
          <button type="submit" class="secondary">
            Filter
          </button>
        </div>
      </form>
      {props.projects.length === 0 ? (
        <p class="muted">No projects{props.status || props.department ? ' match these filters' : ' yet'}.</p>
      ) : (
        // A named, focusable region, so that keyboard users can scroll it on a narrow screen.
        <section class="table-scroll" aria-labelledby="projects-caption" tabindex={0}>
          <table>
            <caption id="projects-caption" class="visually-hidden">
              Projects, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Department</th>
                <th scope="col">Manager</th>
                <th scope="col" class="num">
                  Budget
                </th>
                <th scope="col">Planned</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {props.projects.map((project) => (
                <tr>
                  <td>
                    <a href={projectPath(project)}>{project.title}</a>
                  </td>
                  <td>{project.department}</td>
                  <td>{project.manager.name}</td>
                  <td class="num nowrap">{formatBudget(project.budget)}</td>
                  <td class="nowrap">
                    {formatDate(project.plannedStart)} to {formatDate(project.plannedEnd)}
                  </td>
                  <td class="nowrap">
                    <ProjectStatusBadge status={project.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {props.nextCursor ? (
        <p>
          <a href={`/projects?${nextQuery.toString()}`}>Older projects</a>
        </p>
      ) : null}
    </Layout>
  );
}

function FieldError(props: { id: string; message: string | undefined }) {
  return props.message ? (
    <p class="error-text" id={props.id}>
      <span class="visually-hidden">Error: </span>
      {props.message}
    </p>
  ) : null;
}

/** The PMO's form: name another manager, change the status (a closed project keeps its status). */
function ProjectForm(props: { project: Project } & ProjectFormState) {
  const { project } = props;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const chosenStatus = values.status ?? project.status;
  return (
    <form method="post" action={projectPath(project)} novalidate>
      <CsrfField />
      {errors.form ? (
        <div class="error-summary" role="alert">
          <p>{errors.form}</p>
        </div>
      ) : null}
      <div class={`field${errors.managerEmail ? ' has-error' : ''}`}>
        <label for="managerEmail">Manager’s email</label>
        <p class="hint" id="managerEmail-hint">
          Someone in the PMO directory.
        </p>
        <FieldError id="managerEmail-error" message={errors.managerEmail} />
        <input
          id="managerEmail"
          name="managerEmail"
          type="email"
          autocomplete="off"
          required
          value={values.managerEmail ?? project.manager.email}
          aria-invalid={errors.managerEmail ? 'true' : undefined}
          aria-describedby={errors.managerEmail ? 'managerEmail-hint managerEmail-error' : 'managerEmail-hint'}
        />
      </div>
      {project.status === 'CLOSED' ? (
        <p class="muted">The project is closed; its status can no longer change.</p>
      ) : (
        <div class={`field${errors.status ? ' has-error' : ''}`}>
          <label for="status">Status</label>
          <FieldError id="status-error" message={errors.status} />
          <select id="status" name="status" aria-invalid={errors.status ? 'true' : undefined} aria-describedby={errors.status ? 'status-error' : undefined}>
            {PROJECT_STATUSES.map((status) => (
              <option value={status} selected={chosenStatus === status}>
                {PROJECT_STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="actions">
        <button type="submit">Save changes</button>
      </div>
    </form>
  );
}

/** One project: its facts, the proposal it came from, and the PMO's form to change it. */
/** A project's money beyond its budget, in minor units of the budget's currency. */
export interface ProjectFinanceView {
  readonly currency: string;
  readonly actualsMinor: number;
  readonly committedMinor: number;
  readonly remainingMinor: number;
  readonly burnPercent: number | null;
}

function formatMinor(minor: number, currency: string): string {
  return `${minor < 0 ? '−' : ''}${formatBudget({ amountMinor: Math.abs(minor), currency })}`;
}

export function ProjectPage(props: { project: Project; finance?: ProjectFinanceView; kpis?: ProjectKpis; history?: readonly AuditEvent[]; saved?: boolean } & ProjectFormState) {
  const { project } = props;
  const hasErrors = Object.values(props.errors ?? {}).some(Boolean);
  return (
    <Layout title={`${hasErrors ? 'Error: ' : ''}${project.title}`}>
      {props.saved ? (
        <div class="notice ok" role="status">
          Saved.
        </div>
      ) : null}
      <h1>{project.title}</h1>
      <p>
        <ProjectStatusBadge status={project.status} />{' '}
        {project.status === 'ACTIVE' && project.plannedStart > new Date().toISOString().slice(0, 10)
          ? `Approved; planned to start on ${formatDate(project.plannedStart)}.`
          : STATUS_EXPLANATIONS[project.status]}
      </p>
      <dl class="summary project-facts">
        <dt>Department</dt>
        <dd>{project.department}</dd>
        <dt>Proposed by</dt>
        <dd>
          {project.sponsor.name} ({project.sponsor.email})
        </dd>
        <dt>Manager</dt>
        <dd>
          {project.manager.name} ({project.manager.email})
        </dd>
        <dt>Budget</dt>
        <dd>{formatBudget(project.budget)}</dd>
        {props.kpis && props.kpis.rag !== 'none' ? (
          <>
            <dt>Status light</dt>
            <dd>
              <span class={`status rag-${props.kpis.rag}`}>{RAG_LABELS[props.kpis.rag]}</span>
              {props.kpis.reasons.length > 0 ? ` ${props.kpis.reasons.join('; ')}` : ''}
            </dd>
            <dt>Time elapsed</dt>
            <dd>{Math.round(props.kpis.elapsedPercent)} %</dd>
            <dt>Forecast at completion</dt>
            <dd>{formatMinor(props.kpis.forecastAtCompletionMinor, props.kpis.currency)}</dd>
            <dt>Hours booked</dt>
            <dd>
              {props.kpis.hoursThisPeriod} this week, {props.kpis.hoursToDate} to date
            </dd>
          </>
        ) : null}
        {props.finance ? (
          <>
            <dt>Actuals (posted invoices)</dt>
            <dd>
              {formatMinor(props.finance.actualsMinor, props.finance.currency)}
              {props.finance.burnPercent !== null ? ` (${props.finance.burnPercent} % of the budget)` : ''}
            </dd>
            <dt>Committed (invoices on their way)</dt>
            <dd>{formatMinor(props.finance.committedMinor, props.finance.currency)}</dd>
            <dt>Remaining</dt>
            <dd class={props.finance.remainingMinor < 0 ? 'error-text' : undefined}>{formatMinor(props.finance.remainingMinor, props.finance.currency)}</dd>
          </>
        ) : null}
        <dt>Planned</dt>
        <dd>
          {formatDate(project.plannedStart)} to {formatDate(project.plannedEnd)}
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(project.createdAt, environment.orgTimeZone)}</dd>
        <dt>Last changed</dt>
        <dd>{formatDateTime(project.updatedAt, environment.orgTimeZone)}</dd>
      </dl>
      <p>
        <a href={`/proposals/${encodeURIComponent(project.proposalId)}`}>The approved proposal</a> (its description, score and approvals)
      </p>
      <h2>Change the manager or status</h2>
      <ProjectForm project={project} {...(props.values ? { values: props.values } : {})} {...(props.errors ? { errors: props.errors } : {})} />
      {props.history && props.history.length > 0 ? (
        <>
          <h2>History</h2>
          <HistoryTimeline history={props.history} />
        </>
      ) : null}
      <p>
        <a href="/projects">All projects</a>
      </p>
    </Layout>
  );
}

/** The page for a project address that names no project. */
export function ProjectNotFoundPage() {
  return (
    <MessagePage title="Project not found" tone="bad">
      <p>
        No project has this address. Check the link, or find the project in the <a href="/projects">list of projects</a>.
      </p>
    </MessagePage>
  );
}
