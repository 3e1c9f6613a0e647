import { Agent } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  forgedCursor,
  forgedKey,
  fixedSegments,
  hostileBody,
  hostileFormBody,
  hostileHeaderValue,
  hostileJsonBody,
  hostileQuery,
  hostileSegment,
  KEY_NAMES as TABLE_KEY_NAMES,
  leakIn,
  methodsNotOn,
  methodsOn,
  oversizedBody,
  pathOf,
  rawRequest,
  routesUnderTest,
  tableChanges,
  tableContents,
  wireEncoded,
  wrongContentType,
  type Answer,
  type FormFields,
  type HostileBody,
  type Json,
  type RouteUnderTest,
  type Segment,
} from '#test/support/hostile-requests.ts';
import { eventually, linkFrom, PMO_LEAD, proposalBody, startTestStack } from '#test/support/local-stack-harness.ts';

// The property-based battery of issue 8: every route of the web app's route table, probed with
// hostile input on the real app over the local stack. A route added later is probed without a
// change here. A failure prints fast-check's seed and path; HOSTILE_SEED replays one, and
// HOSTILE_RUNS multiplies the number of runs for a longer search.

const SEED = Number(process.env.HOSTILE_SEED ?? 20_260_801);
const RUNS_FACTOR = Number(process.env.HOSTILE_RUNS ?? 1);
const runs = (count: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(count * RUNS_FACTOR)), endOnFailure: true });

// The rate limiter runs on every request, as it does for anyone; scaled up so that it never
// refuses here, because a 429 would stop the battery from reaching what it probes behind it.
const rateLimitScale = process.env.RATE_LIMIT_SCALE;
process.env.RATE_LIMIT_SCALE = '1000';

const env = await startTestStack();
// The app's modules read the stack's configuration: import them once it is set.
const { createWebApp, maxBodyBytesFor } = await import('#web/app.tsx');
const ROUTES = routesUnderTest(createWebApp());
const FIXED = fixedSegments(ROUTES);
const TABLE = process.env.TABLE_NAME ?? 'pmo';

/** What the seeded data has: ids, addresses and names a path can name, and the cursors listings issued. */
const seeded = {
  segments: [] as string[],
  cursors: [] as { path: string; cursor: string }[],
  /** The table and the inbox once the seeded journeys have settled. */
  state: undefined as Awaited<ReturnType<typeof snapshot>> | undefined,
};

afterAll(async () => {
  await env.stop();
  if (rateLimitScale === undefined) delete process.env.RATE_LIMIT_SCALE;
  else process.env.RATE_LIMIT_SCALE = rateLimitScale;
});

/** The table and the inbox, to show that hostile requests created (or changed) nothing. */
async function snapshot() {
  return { table: await tableContents(env.stack.urls.dynamodb, TABLE), emails: (await env.emails()).length };
}

/** Waits until workflow steps have stopped writing, so that what the battery changes stands out. */
async function settled(): Promise<void> {
  let previous = await snapshot();
  let quiet = 0;
  await eventually('the stack to settle', async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = await snapshot();
    const stable = current.emails === previous.emails && tableChanges(previous.table, current.table).length === 0;
    previous = current;
    // Three quiet half-seconds in a row: a slow step of a workflow is not mistaken for the end.
    quiet = stable ? quiet + 1 : 0;
    return quiet >= 3 ? true : undefined;
  }, 30_000);
}

beforeAll(async () => {
  // Three proposals, two of them approved (two projects), one waiting for its approver: links
  // with real ids and forged keys reach past their lookups, and listings have a next page.
  const titles = ['Hostile battery alpha', 'Hostile battery beta', 'Hostile battery gamma'];
  const proposalIds = await Promise.all(titles.map((title) => env.submit({ title })));
  const requests = await Promise.all(titles.map((title) => env.requestTo(PMO_LEAD, title)));
  for (const request of requests.slice(0, 2)) await env.decide(linkFrom(request, 'approve'), 'approve');
  await Promise.all(proposalIds.slice(0, 2).map((id) => env.waitForStatus(id, 'APPROVED')));
  const projectIds = await eventually('two projects', async () => {
    const { items } = (await (await env.web('/api/projects')).json()) as { items: { id: string }[] };
    return items.length >= 2 ? items.map((project) => project.id) : undefined;
  });
  const approvalIds = requests.map((request) => linkFrom(request, 'approve').pathname.split('/').at(-1)!);
  seeded.segments.push(...proposalIds, ...approvalIds, ...projectIds, PMO_LEAD, 'sam.carter@example.org', 'proposals');

  // Cursors as the listings issue them: in JSON (`nextCursor`), and in the next-page links of pages.
  for (const route of ROUTES.filter((candidate) => candidate.method === 'GET' && candidate.params.length === 0)) {
    const response = await env.web(`${route.path}?limit=1`);
    const text = await response.text();
    if (route.api && response.headers.get('content-type')?.startsWith('application/json')) {
      const cursor = (JSON.parse(text) as { nextCursor?: unknown }).nextCursor;
      if (typeof cursor === 'string') seeded.cursors.push({ path: route.path, cursor });
    }
    for (const match of text.matchAll(/href="(\/[^"?]*)\?[^"]*?cursor=([A-Za-z0-9_-]+)/g)) seeded.cursors.push({ path: match[1]!, cursor: match[2]! });
  }
  await settled();
  seeded.state = await snapshot();
}, 60_000);

// ---- One request, and what its answer must be ----------------------------------------------------

interface HostileRequest {
  readonly method: string;
  /** The path and query as they go on the wire. */
  readonly path: string;
  readonly body?: HostileBody;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent over node:http, as written (dot segments, methods fetch refuses); chunked bodies go that way too. */
  readonly raw?: boolean;
  readonly what: string;
}

/**
 * What the answer to a request must be, besides well-formed and free of internals. A listing
 * refuses a cursor that is not one: the API with a 4xx, a page with a 4xx or by sending the
 * reader to a page without it.
 */
type Expected = 'refused' | 'too-large' | 'not-allowed' | 'cursor-refused' | 'answered';

async function send(request: HostileRequest): Promise<Answer> {
  const headers: Record<string, string> = { ...request.headers, ...(request.body?.contentType === undefined ? {} : { 'content-type': request.body.contentType }) };
  if (request.raw || request.body?.chunked) {
    return rawRequest(env.stack.urls.web, { method: request.method, path: request.path, headers, ...(request.body ? { body: request.body.bytes, chunked: request.body.chunked ?? false } : {}) });
  }
  const response = await env.web(request.path, { method: request.method, headers, ...(request.body ? { body: request.body.bytes } : {}) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).join();

/** Everything wrong with an answer (an empty list when it is right). */
function problemsOf(request: HostileRequest, answer: Answer, expected: Expected): string[] {
  const problems: string[] = [];
  const { status } = answer;
  const api = new URL(request.path, 'http://x').pathname.startsWith('/api/');
  const contentType = answer.headers.get('content-type') ?? '';
  const hasBody = request.method !== 'HEAD' && status !== 204 && status !== 304 && !(status >= 300 && status < 400);

  if (status >= 500) problems.push(`a server error (${status})`);
  if (expected === 'refused' && (status < 400 || status >= 500)) problems.push(`${status} where a 4xx refusal was due`);
  if (expected === 'too-large' && status !== 413) problems.push(`${status} where 413 was due`);
  if (expected === 'cursor-refused') {
    const refused = status >= 400 && status < 500;
    const backToFirstPage = !api && status >= 300 && status < 400 && !(answer.headers.get('location') ?? '').includes('cursor=');
    if (!refused && !backToFirstPage) problems.push(`${status} where a refusal of the cursor was due`);
  }
  if (expected === 'not-allowed' && (status !== 405 || !answer.headers.get('allow'))) problems.push(`${status} (Allow: ${answer.headers.get('allow')}) where 405 with Allow was due`);

  const leak = leakIn(answer.text);
  if (leak !== undefined) problems.push(`internals in the body: …${leak}…`);
  if (Object.getOwnPropertyNames(Object.prototype).join() !== PROTOTYPE_NAMES || 'polluted' in {}) problems.push('Object.prototype was polluted');

  if (status >= 300 && status < 400) {
    const location = answer.headers.get('location') ?? '';
    if (!/^\/(?![/\\])/.test(location)) problems.push(`a redirect off the site: Location ${JSON.stringify(location)}`);
  } else if (hasBody && api) {
    if (!contentType.startsWith('application/json')) problems.push(`an API answer of type ${contentType}`);
    else if (status >= 400) {
      const message = (() => {
        try {
          return (JSON.parse(answer.text) as { message?: unknown }).message;
        } catch {
          return undefined;
        }
      })();
      if (typeof message !== 'string' || message.trim() === '') problems.push('an API refusal without a message');
    }
  } else if (hasBody && !(status < 300 && request.path.startsWith('/assets/'))) {
    if (!contentType.startsWith('text/html') || !/<html[\s>]/.test(answer.text)) problems.push(`a page answer of type ${contentType}`);
  }
  return problems;
}

function describeRequest(request: HostileRequest): string {
  const body = request.body ? `, ${request.body.bytes.byteLength} bytes as ${request.body.contentType ?? '(no type)'}` : '';
  const path = request.path.length > 240 ? `${request.path.slice(0, 240)}… (${request.path.length} characters)` : request.path;
  return `${request.method} ${path}${body}: ${request.what}`;
}

async function check(request: HostileRequest, expected: Expected): Promise<void> {
  const answer = await send(request);
  const problems = problemsOf(request, answer, expected);
  if (problems.length > 0) {
    throw new Error(`${describeRequest(request)}\n  answered ${answer.status}: ${problems.join('; ')}\n  body: ${answer.text.slice(0, 400)}`);
  }
}

/** Runs a battery and then shows that it created, changed or removed nothing, and sent no email. */
async function createsNothing(battery: () => Promise<void>): Promise<void> {
  const before = await snapshot();
  await battery();
  const after = await snapshot();
  expect(tableChanges(before.table, after.table)).toEqual([]);
  expect(after.emails).toBe(before.emails);
}

// ---- Seeds: shapes the app's requests have, for bodies that reach past parsing -------------------

/** JSON documents of the shapes the API reads (a proposal, a link's key, a delegation, a project change), with forged keys. */
const JSON_SEEDS: readonly Json[] = [
  proposalBody() as Json,
  { key: 'forged-key-0000000000000000000000000000000' },
  { key: 'forged-key-0000000000000000000000000000000', delegateEmail: 'noor.haddad@example.org', from: '2027-03-01', until: '2027-03-10' },
  { managerEmail: 'new.manager@example.org', status: 'ON_HOLD' },
];

/** Forms of the shapes the pages post (the intake form, a link's button, a decision, a delegation, a project change, a link request). */
const FORM_SEEDS: readonly FormFields[] = [
  {
    idempotencyKey: 'hostile-battery-form-key',
    title: 'A hostile proposal',
    description: 'Long enough to be a description of a proposal.',
    submitterName: 'Sam Carter',
    submitterEmail: 'sam.carter@example.org',
    department: 'Engineering',
    amount: '30000',
    currency: 'EUR',
    startDate: '2027-01-04',
    endDate: '2027-06-30',
    strategicAlignment: '4',
    businessValue: '4',
    risk: '2',
    urgency: '3',
  },
  { key: 'forged-key-0000000000000000000000000000000' },
  { key: 'forged-key-0000000000000000000000000000000', decision: 'reject', comment: 'Not this year.' },
  { key: 'forged-key-0000000000000000000000000000000', delegateEmail: 'noor.haddad@example.org', from: '2027-03-01', until: '2027-03-10' },
  { managerEmail: 'new.manager@example.org', status: 'ON_HOLD' },
  { email: 'nobody.here@example.org' },
];

/** A body the route would read, with a forged key: what a request about odd ids carries. */
function forgedBody(route: RouteUnderTest, key: string): HostileBody {
  return route.api
    ? hostileBody('application/json', new TextEncoder().encode(JSON.stringify({ key })), 'a forged key')
    : hostileBody('application/x-www-form-urlencoded', new TextEncoder().encode(`key=${wireEncoded(key)}`), 'a forged key');
}

/** Path parameters that reach past the edge: real ids and forged ones (the body is what is probed). */
function plainSegments(route: RouteUnderTest): fc.Arbitrary<Segment[]> {
  const segment = fc.oneof(
    fc.constantFrom(...seeded.segments).map((value): Segment => ({ wire: encodeURIComponent(value), real: true, raw: false })),
    fc.uuid().map((value): Segment => ({ wire: value, real: false, raw: false })),
  );
  return fc.tuple(...route.params.map(() => segment));
}


/** A hostile body is refused; one over the limit (percent-encoding and multi-byte text add up) with 413. */
function expectedFor(body: HostileBody, limit: number): Expected {
  return body.bytes.byteLength > limit ? 'too-large' : 'refused';
}

// ---- The battery -----------------------------------------------------------------------------------

describe.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_name, route) => {
  if (route.params.length > 0) {
    it('answers odd and forged path parameters below 500, in its own format, without internals, creating nothing', async () => {
      const segments = fc.tuple(...route.params.map(() => hostileSegment(seeded.segments, FIXED)));
      await createsNothing(() =>
        fc.assert(
          fc.asyncProperty(segments, forgedKey, async (parts, key) => {
            const path = pathOf(route, parts.map((part) => part.wire));
            const query = route.takesBody ? '' : `?key=${wireEncoded(key)}`;
            const request: HostileRequest = {
              method: route.method,
              path: `${path}${query}`,
              ...(route.takesBody ? { body: forgedBody(route, key) } : {}),
              raw: parts.some((part) => part.raw),
              what: `parameters ${parts.map((part) => JSON.stringify(part.wire.slice(0, 60))).join(', ')}`,
            };
            // Only a path that names real things may be answered with more than a refusal.
            await check(request, parts.every((part) => part.real) ? 'answered' : 'refused');
          }),
          runs(25),
        ),
      );
    });
  }

  if (route.takesBody) {
    it('refuses hostile bodies with a 4xx in its own format, without internals, creating nothing', async () => {
      const body = route.api ? hostileJsonBody(JSON_SEEDS) : hostileFormBody(FORM_SEEDS);
      await createsNothing(() =>
        fc.assert(
          fc.asyncProperty(plainSegments(route), body, fc.option(hostileHeaderValue, { nil: undefined }), async (parts, hostile, idempotencyKey) => {
            const request: HostileRequest = {
              method: route.method,
              path: pathOf(route, parts.map((part) => part.wire)),
              body: hostile,
              ...(idempotencyKey === undefined ? {} : { headers: { 'idempotency-key': idempotencyKey } }),
              what: `${hostile.what}${idempotencyKey === undefined ? '' : `, Idempotency-Key ${JSON.stringify(idempotencyKey.slice(0, 60))}`}`,
            };
            await check(request, expectedFor(hostile, maxBodyBytesFor(route.method, route.path)));
          }),
          runs(40),
        ),
      );
    });

    it('refuses a body of a type it does not take with a 4xx', async () => {
      const wellFormed = route.api
        ? JSON.stringify(proposalBody())
        : new URLSearchParams(Object.entries(FORM_SEEDS[0]!).map(([name, value]): [string, string] => [name, String(value)])).toString();
      await createsNothing(() =>
        fc.assert(
          fc.asyncProperty(plainSegments(route), wrongContentType(route.api, wellFormed), async (parts, hostile) => {
            await check({ method: route.method, path: pathOf(route, parts.map((part) => part.wire)), body: hostile, what: hostile.what }, 'refused');
          }),
          runs(12),
        ),
      );
    });

    it('refuses a body over the limit with 413 in its own format', async () => {
      await createsNothing(() =>
        fc.assert(
          fc.asyncProperty(plainSegments(route), oversizedBody(route.api, maxBodyBytesFor(route.method, route.path)), async (parts, hostile) => {
            await check({ method: route.method, path: pathOf(route, parts.map((part) => part.wire)), body: hostile, what: hostile.what }, 'too-large');
          }),
          runs(4),
        ),
      );
    });
  }

  if (route.method === 'GET') {
    it('answers hostile query strings below 500, in its own format, without internals, creating nothing', async () => {
      await createsNothing(() =>
        fc.assert(
          fc.asyncProperty(plainSegments(route), hostileQuery(seeded.cursors.map((issued) => issued.cursor)), async (parts, query) => {
            await check({ method: 'GET', path: `${pathOf(route, parts.map((part) => part.wire))}?${query}`, what: 'a hostile query' }, 'answered');
          }),
          runs(20),
        ),
      );
    });
  }

  // Once per path: the methods it does not take.
  if (ROUTES.find((other) => other.path === route.path) === route) {
    it(`answers methods other than ${[...methodsOn(ROUTES, route.path)].join(', ')} with 405 and Allow`, async () => {
      await createsNothing(() =>
        fc.assert(
          fc.asyncProperty(plainSegments(route), fc.constantFrom(...methodsNotOn(ROUTES, route.path)), async (parts, method) => {
            await check({ method, path: pathOf(route, parts.map((part) => part.wire)), raw: true, what: `method ${method}` }, 'not-allowed');
          }),
          runs(10),
        ),
      );
    });
  }
});

describe('a listing given a cursor it did not issue', () => {
  const KEY_NAMES = new Set(TABLE_KEY_NAMES);

  /** Whether a cursor is not even a key of the table (string key attributes, pk and sk among them): no listing may take it. */
  function notAKey(cursor: string): boolean {
    let key: unknown;
    try {
      key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      return true;
    }
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return true;
    const entries = Object.entries(key);
    return (
      cursor.length > 2048 ||
      !entries.some(([name]) => name === 'pk') ||
      !entries.some(([name]) => name === 'sk') ||
      entries.some(([name, value]) => !KEY_NAMES.has(name) || typeof value !== 'string' || value.length > 1024)
    );
  }

  it('found the listings that issue cursors', () => {
    expect(seeded.cursors.length).toBeGreaterThan(0);
  });

  it('refuses one that is not a key with 400 (API) or sends the page back to its first page, and never fails on a forged key', async () => {
    const listings = [...new Set(seeded.cursors.map((issued) => issued.path))];
    await createsNothing(() =>
      fc.assert(
        fc.asyncProperty(fc.constantFrom(...listings), forgedCursor(seeded.cursors.map((issued) => issued.cursor)), fc.constantFrom('', '&limit=1', '&status=APPROVED'), async (path, cursor, extra) => {
          const request: HostileRequest = { method: 'GET', path: `${path}?cursor=${wireEncoded(cursor)}${extra}`, what: `cursor ${cursor.slice(0, 120)}` };
          await check(request, notAKey(cursor) ? 'cursor-refused' : 'answered');
        }),
        runs(40),
      ),
    );
  });
});

describe('a connection after a 413', () => {
  it('is either closed with Connection: close or still usable for the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const oversized = await rawRequest(
        env.stack.urls.web,
        { method: 'POST', path: '/api/proposals', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(`{"title":"${'x'.repeat(maxBodyBytesFor('POST', '/api/proposals') * 4)}"}`) },
        agent,
      );
      const closes = /\bclose\b/i.test(oversized.headers.get('connection') ?? '');

      const next = await rawRequest(env.stack.urls.web, { method: 'GET', path: '/api/proposals?limit=1' }, agent).catch((error: unknown) => error as Error);

      expect(oversized.status).toBe(413);
      if (!closes) {
        // Kept alive: the same socket must carry the next request.
        expect(next).not.toBeInstanceOf(Error);
        expect((next as Awaited<ReturnType<typeof rawRequest>>).reusedSocket).toBe(true);
        expect((next as Answer).status).toBe(200);
      }
    } finally {
      agent.destroy();
    }
  });
});

describe('the whole battery', () => {
  it('left the table and the inbox as the seeded journeys left them, once every workflow settled', async () => {
    await settled();
    const now = await snapshot();

    expect(tableChanges(seeded.state!.table, now.table)).toEqual([]);
    expect(now.emails).toBe(seeded.state!.emails);
  }, 40_000);
});
