import { minorToText } from '#domain/invoice.ts';
import { countsBy, RAG_LABELS, type ProjectKpis, type ProjectSort, type Rag } from '#domain/kpi.ts';
import { PROJECT_STATUS_LABELS, PROJECT_STATUSES } from '#domain/project.ts';
import { Layout } from './layout.tsx';

const RAG_COLOURS: Readonly<Record<Rag, string>> = { red: '#b42318', amber: '#9a6700', green: '#1a7f37', none: '#8c959f' };
const SORT_LABELS: Readonly<Record<ProjectSort, string>> = { rag: 'Status light', burn: 'Burn', variance: 'Slip', end: 'Planned end', title: 'Title' };

/** What the portfolio page was asked to show. */
export interface PortfolioFilters {
  readonly status?: string;
  readonly rag?: Rag;
  readonly department?: string;
  readonly sort: ProjectSort;
}

function percent(value: number | null): string {
  return value === null ? '–' : `${Math.round(value)} %`;
}

/** The lights of the portfolio as one stacked bar (server-rendered SVG), with its counts in words beside it. */
function LightsChart(props: { projects: readonly ProjectKpis[] }) {
  const counts = countsBy(props.projects, (project) => project.rag);
  const order: Rag[] = ['red', 'amber', 'green', 'none'];
  const total = Math.max(props.projects.length, 1);
  let x = 0;
  const words = order.filter((rag) => counts[rag]).map((rag) => `${counts[rag]} ${RAG_LABELS[rag].toLowerCase()}`).join(', ');
  return (
    <figure class="chart">
      <svg width="100%" height="24" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label={`Projects by status light: ${words || 'none'}`}>
        {order.map((rag) => {
          const width = ((counts[rag] ?? 0) / total) * 100;
          const bar = <rect x={x} y={0} width={width} height={6} fill={RAG_COLOURS[rag]} />;
          x += width;
          return bar;
        })}
      </svg>
      <figcaption>{words || 'No projects'}</figcaption>
    </figure>
  );
}

/** Burn against elapsed time for one project, as two thin bars (the words are in the row). */
function BurnChart(props: { project: ProjectKpis }) {
  const burn = Math.min(100, Math.max(0, props.project.burnPercent ?? 0));
  const elapsed = Math.min(100, Math.max(0, props.project.elapsedPercent));
  return (
    <svg width="100" height="14" viewBox="0 0 100 14" aria-hidden="true" focusable="false">
      <rect x="0" y="1" width="100" height="5" fill="#eaeef2" />
      <rect x="0" y="1" width={burn} height="5" fill={(props.project.burnPercent ?? 0) > 100 ? '#b42318' : '#0b57d0'} />
      <rect x="0" y="8" width="100" height="5" fill="#eaeef2" />
      <rect x="0" y="8" width={elapsed} height="5" fill="#8c959f" />
    </svg>
  );
}

/**
 * The portfolio: every project the reader may read with its light and why, burn against time,
 * dates and slip; filterable by status, light and department, sortable; no script (the filters
 * are a GET form). Money stays in each project's currency.
 */
export function PortfolioPage(props: { projects: readonly ProjectKpis[]; shown: readonly ProjectKpis[]; filters: PortfolioFilters; departments: readonly string[] }) {
  const { filters } = props;
  const query = (sort: ProjectSort) => {
    const params = new URLSearchParams({ ...(filters.status ? { status: filters.status } : {}), ...(filters.rag ? { rag: filters.rag } : {}), ...(filters.department ? { department: filters.department } : {}), sort });
    return `/portfolio?${params.toString()}`;
  };
  return (
    <Layout title="Portfolio" wide>
      <h1>Portfolio</h1>
      <LightsChart projects={props.projects.filter((project) => project.status !== 'CLOSED')} />
      <form method="get" action="/portfolio" class="filters">
        <label>
          Status{' '}
          <select name="status">
            <option value="">All</option>
            {PROJECT_STATUSES.map((status) => (
              <option value={status} selected={filters.status === status}>
                {PROJECT_STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Light{' '}
          <select name="rag">
            <option value="">All</option>
            {(['red', 'amber', 'green'] as const).map((rag) => (
              <option value={rag} selected={filters.rag === rag}>
                {RAG_LABELS[rag]}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Department{' '}
          <select name="department">
            <option value="">All</option>
            {props.departments.map((department) => (
              <option value={department} selected={filters.department === department}>
                {department}
              </option>
            ))}
          </select>
        </label>{' '}
        <input type="hidden" name="sort" value={filters.sort} />
        <button type="submit" class="secondary">
          Show
        </button>
      </form>
      <p class="hint">
        Sort by:{' '}
        {(Object.keys(SORT_LABELS) as ProjectSort[]).map((sort, index) => (
          <>
            {index > 0 ? ' · ' : ''}
            {sort === filters.sort ? <strong aria-current="true">{SORT_LABELS[sort]}</strong> : <a href={query(sort)}>{SORT_LABELS[sort]}</a>}
          </>
        ))}
      </p>
      <section class="table-scroll" aria-label="Projects" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Light and why</th>
              <th scope="col">Burn / time</th>
              <th scope="col" class="num">
                Actuals
              </th>
              <th scope="col" class="num">
                Remaining
              </th>
              <th scope="col">Planned end</th>
              <th scope="col" class="num">
                Slip
              </th>
            </tr>
          </thead>
          <tbody>
            {props.shown.length === 0 ? (
              <tr>
                <td colspan={7} class="muted">
                  No project matches.
                </td>
              </tr>
            ) : null}
            {props.shown.map((project) => (
              <tr>
                <td>
                  <a href={`/projects/${project.id}`}>{project.title}</a>
                  <div class="muted">
                    {project.department} · {project.manager.name}
                  </div>
                </td>
                <td>
                  <span class={`status rag-${project.rag}`}>{RAG_LABELS[project.rag]}</span>
                  {project.reasons.length > 0 ? <div class="muted">{project.reasons.join('; ')}</div> : null}
                </td>
                <td class="nowrap">
                  <BurnChart project={project} /> {percent(project.burnPercent)} / {percent(project.elapsedPercent)}
                </td>
                <td class="num nowrap">
                  {minorToText(project.actualsMinor, project.currency)} {project.currency}
                </td>
                <td class="num nowrap">
                  {minorToText(project.remainingMinor, project.currency)} {project.currency}
                </td>
                <td class="nowrap">{project.plannedEnd}</td>
                <td class="num">{project.scheduleVarianceDays} d</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
