import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { zValidator } from '@hono/zod-validator';
import * as z from 'zod';
import { holdsAny, viewerEmail, type Viewer } from '#domain/access.ts';
import { type Project, ProjectStatusSchema, ProjectUpdateSchema } from '#domain/project.ts';
import { getProject, projectHistory, projectHours, listProjects, UNAUTHENTICATED_ACTOR, updateProject } from '#services/project-service.ts';
import { projectFinanceOf } from '#services/invoice-service.ts';
import { projectKpisOf } from '#services/report-service.ts';
import { mayReadProject, projectChangeRefusal } from '#services/record-access.ts';
import { MessagePage } from '../pages/layout.tsx';
import { ProjectListPage, ProjectNotFoundPage, ProjectPage, type ProjectFormField } from '../pages/project-pages.tsx';
import { viewerOf } from '../viewer.ts';

/** Things the routes take from outside, so tests can set the clock. */
export interface ProjectRouteOptions {
  readonly now?: () => Date;
}

interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

const IdParamSchema = z.object({ id: z.uuid() });

const LIMIT_MESSAGE = 'Use a whole number from 1 to 100';
const ListQuerySchema = z.object({
  status: ProjectStatusSchema.optional(),
  department: z.string().trim().min(1, 'Enter a department').max(80, 'Use at most 80 characters').optional(),
  limit: z.coerce.number({ error: LIMIT_MESSAGE }).int(LIMIT_MESSAGE).min(1, LIMIT_MESSAGE).max(100, LIMIT_MESSAGE).default(20),
  cursor: z.string().max(2048, 'This is not a cursor from a listing').optional(),
});
type ListQuery = z.infer<typeof ListQuerySchema>;

const NOT_FOUND = { error: 'NotFound', message: 'No project has this id' } as const;

/**
 * Zod issues as the API reports them: dotted paths, `(body)` for the body as a whole, and one
 * issue per field that may not be sent.
 */
function toFieldIssues(error: { readonly issues: readonly z.core.$ZodIssue[] }): FieldIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].map(String).join('.'), message: issue.message }))
      : [{ path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)', message: issue.message }],
  );
}

function validationProblem(c: Context, issues: readonly FieldIssue[]) {
  return c.json({ error: 'ValidationError', message: 'The request has invalid fields', issues }, 400);
}

/**
 * What a reader lists: the PMO and finance every project (a project is a budget), anyone else the
 * projects they manage.
 */
function listOptions(query: ListQuery, viewer: Viewer) {
  const email = holdsAny(viewer, ['pmo', 'finance']) ? undefined : viewerEmail(viewer);
  return {
    ...(email ? { managerEmail: email } : {}),
    limit: query.limit,
    ...(query.status ? { status: query.status } : {}),
    ...(query.department ? { department: query.department } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
  };
}

const CHANGE_FORBIDDEN = 'Only the PMO changes a project’s manager; its manager may change its status.';

/** The project, when the reader may read it; otherwise as if there were none. */
async function readableProject(c: Context, id: string): Promise<Project | undefined> {
  const project = await getProject(id);
  return project && (await mayReadProject(viewerOf(c), project)) ? project : undefined;
}

/** Who the audit trail says made a change. */
function actorOf(viewer: Viewer): string {
  return viewer.kind === 'person' ? viewer.email : UNAUTHENTICATED_ACTOR;
}

/** A project id from the path, checked before any read: anything but a UUID names no project. */
const apiProjectId = zValidator('param', IdParamSchema, (result, c) => (result.success ? undefined : c.json(NOT_FOUND, 404)));
const pageProjectId = zValidator('param', IdParamSchema, (result, c) => (result.success ? undefined : c.html(<ProjectNotFoundPage />, 404)));

/** Refuses a body that is not JSON (415) or not well-formed (400), in the API's own words. */
const jsonBody: MiddlewareHandler = async (c, next) => {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
    return c.json({ error: 'UnsupportedMediaType', message: 'Send the change as application/json' }, 415);
  }
  try {
    // Hono keeps the body, so the validator after this can read it again.
    await c.req.json();
  } catch {
    return c.json({ error: 'MalformedJson', message: 'The body is not valid JSON' }, 400);
  }
  await next();
};

/** The form's fields only, as text: a form body may repeat a field, carry files or more fields. */
function formFields(body: unknown): Partial<Record<ProjectFormField, string>> {
  const fields: Partial<Record<ProjectFormField, string>> = {};
  if (!body || typeof body !== 'object') return fields;
  for (const field of ['managerEmail', 'status'] as const) {
    const raw = (body as Record<string, unknown>)[field];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string') fields[field] = value.trim().slice(0, 254);
  }
  return fields;
}

/** The PMO's form on the project page: the same change as the API's, from the form's fields. */
const ProjectFormSchema = z.preprocess(formFields, ProjectUpdateSchema);

function formErrors(issues: readonly FieldIssue[]): Partial<Record<ProjectFormField | 'form', string>> {
  const errors: Partial<Record<ProjectFormField | 'form', string>> = {};
  for (const issue of issues) {
    const key = issue.path === 'managerEmail' || issue.path === 'status' ? issue.path : 'form';
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Projects: the JSON API (`/api/projects`) and the pages (`/projects`). A sub-app, mounted by the
 * web app at the root; it relies on the web app's security headers, body limit and error handler.
 */
export function projectRoutes(options: ProjectRouteOptions = {}): Hono {
  const now = options.now ?? (() => new Date());
  const routes = new Hono();

  // ---- JSON API ------------------------------------------------------------------------------

  routes.get(
    '/api/projects',
    zValidator('query', ListQuerySchema, (result, c) => (result.success ? undefined : validationProblem(c, toFieldIssues(result.error)))),
    async (c) => {
      const result = await listProjects(listOptions(c.req.valid('query'), viewerOf(c)));
      if (result.kind === 'invalid') return validationProblem(c, [{ path: result.path, message: result.message }]);
      return c.json({ items: result.page.items, ...(result.page.nextCursor ? { nextCursor: result.page.nextCursor } : {}) });
    },
  );

  routes.get('/api/projects/:id', apiProjectId, async (c) => {
    const project = await readableProject(c, c.req.valid('param').id);
    // Hours booked to it in submitted timesheets: this week (the organisation's) and to date.
    // Money beyond the budget: posted invoices (actuals) and invoices on their way (committed).
    return project ? c.json({ ...project, hours: await projectHours(project.id, now()), finance: await projectFinanceOf(project) }) : c.json(NOT_FOUND, 404);
  });

  routes.patch(
    '/api/projects/:id',
    apiProjectId,
    jsonBody,
    zValidator('json', ProjectUpdateSchema, (result, c) => (result.success ? undefined : validationProblem(c, toFieldIssues(result.error)))),
    async (c) => {
      const viewer = viewerOf(c);
      const project = await getProject(c.req.valid('param').id);
      const refusal = project ? await projectChangeRefusal(viewer, project, c.req.valid('json')) : 'not-readable';
      if (refusal === 'not-readable') return c.json(NOT_FOUND, 404);
      if (refusal === 'forbidden') return c.json({ error: 'Forbidden', message: CHANGE_FORBIDDEN }, 403);
      const result = await updateProject(c.req.valid('param').id, c.req.valid('json'), now(), actorOf(viewer));
      switch (result.kind) {
        case 'not-found':
          return c.json(NOT_FOUND, 404);
        case 'invalid':
          return validationProblem(c, [{ path: result.path, message: result.message }]);
        case 'updated':
          return c.json(result.project);
      }
    },
  );

  // ---- Pages ---------------------------------------------------------------------------------

  routes.get('/projects', async (c) => {
    // The filter form sends an empty value for "All" and an empty department.
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, value]) => value.trim() !== ''));
    const query = ListQuerySchema.safeParse(raw);
    if (!query.success) return c.redirect('/projects', 303);
    const result = await listProjects(listOptions(query.data, viewerOf(c)));
    if (result.kind === 'invalid') return c.redirect('/projects', 303);
    return c.html(
      <ProjectListPage
        projects={result.page.items}
        {...(query.data.status ? { status: query.data.status } : {})}
        {...(query.data.department ? { department: query.data.department } : {})}
        {...(result.page.nextCursor ? { nextCursor: result.page.nextCursor } : {})}
      />,
    );
  });

  routes.get('/projects/:id', pageProjectId, async (c) => {
    const { id } = c.req.valid('param');
    const [project, history] = await Promise.all([readableProject(c, id), projectHistory(id)]);
    if (!project) return c.html(<ProjectNotFoundPage />, 404);
    const [finance, kpis] = await Promise.all([projectFinanceOf(project), projectKpisOf(project, now())]);
    return c.html(<ProjectPage project={project} finance={finance} kpis={kpis} history={history ?? []} saved={c.req.query('saved') === '1'} />);
  });

  routes.get('/api/projects/:id/history', apiProjectId, async (c) => {
    if (!(await readableProject(c, c.req.valid('param').id))) return c.json(NOT_FOUND, 404);
    const history = await projectHistory(c.req.valid('param').id);
    return history ? c.json({ items: history }) : c.json(NOT_FOUND, 404);
  });

  /** The project page again, with what was sent and why it was refused. */
  const refusedForm = async (c: Context, values: Partial<Record<ProjectFormField, string>>, issues: readonly FieldIssue[]) => {
    const project = await readableProject(c, c.req.param('id') ?? '');
    if (!project) return c.html(<ProjectNotFoundPage />, 404);
    return c.html(<ProjectPage project={project} values={values} errors={formErrors(issues)} />, 400);
  };

  routes.post(
    '/projects/:id',
    pageProjectId,
    zValidator('form', ProjectFormSchema, (result, c) => (result.success ? undefined : refusedForm(c, formFields(result.data), toFieldIssues(result.error)))),
    async (c) => {
      const { id } = c.req.valid('param');
      const update = c.req.valid('form');
      const viewer = viewerOf(c);
      const project = await getProject(id);
      const refusal = project ? await projectChangeRefusal(viewer, project, update) : 'not-readable';
      if (refusal === 'not-readable') return c.html(<ProjectNotFoundPage />, 404);
      if (refusal === 'forbidden') {
        return c.html(
          <MessagePage title="Not for your role" tone="bad">
            <p>{CHANGE_FORBIDDEN}</p>
          </MessagePage>,
          403,
        );
      }
      const result = await updateProject(id, update, now(), actorOf(viewer));
      switch (result.kind) {
        case 'not-found':
          return c.html(<ProjectNotFoundPage />, 404);
        case 'invalid':
          return refusedForm(c, formFields(await c.req.parseBody()), [{ path: result.path, message: result.message }]);
        case 'updated':
          // Post/redirect/get: reloading the page does not send the form again.
          return c.redirect(`/projects/${encodeURIComponent(id)}?saved=1`, 303);
      }
    },
  );

  return routes;
}
