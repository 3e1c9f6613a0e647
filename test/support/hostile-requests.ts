import { request as httpRequest, METHODS, type Agent } from 'node:http';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';

// Hostile requests for the property-based battery (test/integration/hostile-input.test.ts): the
// routes it probes come from the web app's own route table, and nothing here names a route.

/** A route of the app's table, as the battery probes it. */
export interface RouteUnderTest {
  readonly method: string;
  /** Hono's pattern: `/proposals/:id/withdraw`. */
  readonly path: string;
  /** Names of the path's parameters, in order. */
  readonly params: readonly string[];
  /** Under `/api/`: answers JSON. Anything else answers pages. */
  readonly api: boolean;
  /** Whether the method carries a body (a form or a JSON document). */
  readonly takesBody: boolean;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Every method and path of a Hono app's route table, once each. Middleware mounted on every path
 * is listed with method `ALL` and is not a route of its own.
 */
/**
 * Posts whose body carries nothing but a form's CSRF field: sign-out answers any body by signing
 * out the session the cookie names (none, here), so there is no body to refuse.
 */
const POSTS_WITHOUT_BODY: ReadonlySet<string> = new Set(['/auth/logout']);

export function routesUnderTest(app: { readonly routes: readonly { readonly method: string; readonly path: string }[] }): RouteUnderTest[] {
  const seen = new Map<string, RouteUnderTest>();
  for (const { method, path } of app.routes) {
    if (method === 'ALL' || seen.has(`${method} ${path}`)) continue;
    seen.set(`${method} ${path}`, {
      method,
      path,
      params: [...path.matchAll(/:([A-Za-z_]\w*)/g)].map((match) => match[1]!),
      api: path.startsWith('/api/'),
      takesBody: BODY_METHODS.has(method) && !POSTS_WITHOUT_BODY.has(path),
    });
  }
  return [...seen.values()];
}

/** The methods the table serves on a path pattern (HEAD goes with GET, as Hono answers it). */
export function methodsOn(routes: readonly RouteUnderTest[], path: string): Set<string> {
  const methods = new Set(routes.filter((route) => route.path === path).map((route) => route.method));
  if (methods.has('GET')) methods.add('HEAD');
  return methods;
}

/**
 * The methods Node's HTTP parser accepts and a route table does not serve on a path. CONNECT opens
 * a tunnel and PRI starts HTTP/2: neither is a request the app could answer.
 */
export function methodsNotOn(routes: readonly RouteUnderTest[], path: string): string[] {
  const served = methodsOn(routes, path);
  return METHODS.filter((method) => method !== 'CONNECT' && method !== 'PRI' && !served.has(method));
}

/** The fixed path segments of every route (`proposals`, `new`, `withdraw`): a generated id must not be one. */
export function fixedSegments(routes: readonly RouteUnderTest[]): Set<string> {
  return new Set(routes.flatMap((route) => route.path.split('/').filter((segment) => segment !== '' && !segment.startsWith(':'))));
}

/** A path of a route with each parameter replaced by a segment as it goes on the wire (already encoded). */
export function pathOf(route: RouteUnderTest, segments: readonly string[]): string {
  let index = 0;
  return route.path.replace(/:([A-Za-z_]\w*)/g, () => segments[index++] ?? '');
}

// ---- What an answer may not contain -------------------------------------------------------------

/** The accessible "Error: " prefix the pages put before a field's problem (visually hidden, and in the title). */
const ACCESSIBLE_ERROR_PREFIX = /<span class="visually-hidden">Error: <\/span>|<title>Error: /g;

const LEAK_PATTERNS: readonly RegExp[] = [
  // An exception's text: `TypeError: x`, `Error: x`.
  /\b(?:[A-Z]\w*)?Error: /,
  // A stack frame.
  /^\s*at \S.*(?:\(.*\)|:\d+:\d+)\s*$/m,
  // A file of the server.
  /file:\/\/|node_modules|\/work\/|\/(?:functions|infra|workflows)\/|\.(?:ts|tsx|js|mjs|cjs):\d+/,
  // An AWS service's own error (DynamoDB, SES, Step Functions).
  /\b[A-Z]\w*Exception\b|Size of hashkey|ExclusiveStartKey|AttributeValue/,
];

/** The first sign of an internal error in an answer's text, if any. */
export function leakIn(text: string): string | undefined {
  const visible = text.replace(ACCESSIBLE_ERROR_PREFIX, '');
  for (const pattern of LEAK_PATTERNS) {
    const match = pattern.exec(visible);
    if (match) return visible.slice(Math.max(0, match.index - 60), match.index + 120);
  }
  return undefined;
}

/** Whether generated text would itself look like a leak when a page shows it again. */
function looksLikeLeak(text: string): boolean {
  return LEAK_PATTERNS.some((pattern) => pattern.test(text));
}

// ---- Text ---------------------------------------------------------------------------------------

/** Strings that have broken parsers, templates, headers and databases before. */
export const EDGE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uDBFFy',
  '\uDC00\uD800',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'שלום עולם',
  '\u200B',
  '\u200D\u200C',
  '\uFEFF',
  '\u2028',
  'line\u2029break',
  '\u0085',
  '\u000B\u000C',
  '\r\nBcc: attacker@example.org',
  'Subject: x\r\n\r\nbody',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1",
  ['$', '{7*7}{{7*7}}<%= 7*7 %>'].join(''),
  '%00%2F%ED%A0%80',
  '../../../../etc/passwd',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '5e-324',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '🏳️‍🌈👩🏽‍💻',
  'Z̷̢͉a̸l̴g̵o̶',
  'İıßﬀǅ',
  '\u{10FFFF}\u{E0001}',
  '\t\n\r',
  '\\',
  '"',
];

/** UTF-16 code units of any value, lone surrogates included (what JSON can carry as `\udXXX`). */
const codeUnitString = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 24 }).map((units) => String.fromCharCode(...units));

/** Text a hostile client sends in a field: edge cases, arbitrary code points, lone surrogates, and mixtures. */
export const hostileText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: codeUnitString },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...EDGE_STRINGS), { minLength: 2, maxLength: 5 }).map((parts) => parts.join('')) },
  )
  .filter((text) => !looksLikeLeak(text));

/**
 * A string too long for any field of the app (none allows more than 5,000 characters, counted as
 * code points, as zod counts them), mostly in a body still under the 64 KB limit: multi-byte
 * characters are fewer.
 */
export const overlongText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 6_000, max: 20_000 }).map((length) => 'x'.repeat(length)),
  fc.tuple(fc.integer({ min: 5_001, max: 5_300 }), fc.constantFrom('é', '\u2028', '\u200B', '𝕏')).map(([length, unit]) => unit.repeat(length)),
);

/** A header value a client can send (Latin-1, no control characters): empty, long, odd and form-like. */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'form:00000000-0000-0000-0000-000000000000', 'api:x', 'a'.repeat(129), 'a'.repeat(8_000), '../..', '__proto__', 'ÿþ', 'x\ty'),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019_.:-/+ =,;"\'!~ÿé'.split('')), maxLength: 200 }),
);

/** A forged secret of an emailed link. */
export const forgedKey: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  fc.constantFrom('', 'undefined', 'null', '0', 'a'.repeat(2_000), '%00', '../../', '\u0000'),
  hostileText,
);

/**
 * Percent-encodes text for a URL as a hostile client would: a lone surrogate (which
 * `encodeURIComponent` refuses) goes as the three bytes of its code unit, which are not UTF-8.
 */
export function wireEncoded(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[^\uD800-\uDFFF]+|[\uD800-\uDBFF][\uDC00-\uDFFF]/g, (part) => {
    if (part.length === 1 && part.charCodeAt(0) >= 0xd800 && part.charCodeAt(0) <= 0xdfff) {
      const unit = part.charCodeAt(0);
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    }
    return encodeURIComponent(part);
  });
}

// ---- Path parameters ----------------------------------------------------------------------------

/** A path parameter as it goes on the wire, and whether it names something that exists. */
export interface Segment {
  readonly wire: string;
  /**
   * An id, address or name the seeded data has; or a dot segment, which the server resolves as a
   * browser does (`/proposals/..` is `/`): either may be answered with more than a refusal.
   */
  readonly real: boolean;
  /** Dot segments must reach the server as sent: fetch would resolve them, so they go over node:http. */
  readonly raw: boolean;
}

/** Segments that are already percent-encoded (or deliberately malformed) on the wire. */
const WIRE_SEGMENTS: readonly string[] = [
  '...',
  '..%2F..%2Fetc%2Fpasswd',
  'a%2Fb',
  '%2F',
  '%5C',
  '%00',
  '%ED%A0%80',
  '%FF%FE',
  '%C0%AF',
  '%',
  '%zz',
  '%25',
  '%E2%80%A8',
  '%E2%80%AE',
  '%u2028',
  'x;y=z',
  '~',
  '%20',
  '+',
  '*',
  "'",
  '%3Cscript%3E',
];

/**
 * A path parameter a hostile client sends: long (just under and over the edge's bound), dot
 * segments, encoded slashes, malformed percent-encoding, unicode, forged ids and addresses, and
 * real ones (from `real`), so that a route is probed behind its lookups too.
 */
export function hostileSegment(real: readonly string[], fixed: ReadonlySet<string>): fc.Arbitrary<Segment> {
  const encoded = (text: string): Segment => ({ wire: wireEncoded(text), real: false, raw: false });
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...real).map((value): Segment => ({ wire: encodeURIComponent(value), real: true, raw: false })) },
    { weight: 2, arbitrary: fc.uuid().map(encoded) },
    { weight: 1, arbitrary: fc.emailAddress().filter((email) => !real.includes(email)).map(encoded) },
    { weight: 2, arbitrary: fc.constantFrom(...WIRE_SEGMENTS).map((wire): Segment => ({ wire, real: false, raw: false })) },
    { weight: 1, arbitrary: fc.constantFrom('.', '..', '%2e%2e', '.%2E').map((wire): Segment => ({ wire, real: true, raw: true })) },
    // Around the web app's bound on a path segment (320), in characters of one to four bytes.
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: 290, max: 340 }), fc.constantFrom('a', '9', 'é', '€', '𝕏', '.'), fc.constantFrom('', '@example.org'))
        .map(([length, unit, suffix]) => encoded(unit.repeat(Math.ceil(length / unit.length)) + suffix)),
    },
    { weight: 1, arbitrary: fc.integer({ min: 2_049, max: 6_000 }).map((length) => encoded('x'.repeat(length))) },
    { weight: 3, arbitrary: hostileText.filter((text) => text !== '' && !fixed.has(text) && !['.', '..'].includes(text)).map(encoded) },
  );
}

// ---- Bodies -------------------------------------------------------------------------------------

/** A body as it goes on the wire. */
export interface HostileBody {
  readonly contentType: string | undefined;
  readonly bytes: Uint8Array;
  readonly what: string;
  /** Sent in chunks without a Content-Length, so the server learns its size only by reading it. */
  readonly chunked?: boolean;
}

/** A {@link HostileBody} that fast-check prints by what it is, not byte by byte. */
export function hostileBody(contentType: string | undefined, bytes: Uint8Array, what: string, chunked = false): HostileBody {
  const shown = `${what} (${bytes.byteLength} bytes${chunked ? ', chunked,' : ''} as ${contentType ?? '(no type)'})`;
  return { contentType, bytes, what, chunked, [fc.toStringMethod]: () => shown } as HostileBody;
}

type Json = null | boolean | number | string | Json[] | { [name: string]: Json };

/** A JSON value of another type than `value` (for a field of that value). */
function otherTypeThan(value: Json): fc.Arbitrary<Json> {
  const candidates: fc.Arbitrary<Json>[] = [];
  if (typeof value !== 'string') candidates.push(hostileText);
  if (typeof value !== 'number') candidates.push(fc.constantFrom(0, -1, 1.5, 5e-324, 1e308, -0, Number.MAX_SAFE_INTEGER + 2));
  if (typeof value !== 'boolean') candidates.push(fc.boolean());
  if (value !== null) candidates.push(fc.constant(null));
  if (!Array.isArray(value)) candidates.push(fc.array(hostileText, { maxLength: 3 }));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    candidates.push(fc.constantFrom<Json>({}, JSON.parse('{"__proto__":"x"}') as Json, JSON.parse('{"__proto__":{"polluted":true}}') as Json));
  }
  return fc.oneof(...candidates);
}

/** Leaf paths of a JSON object (`['submitter', 'email']`), objects included. */
function pathsOf(value: Json, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([name, child]) => [[...prefix, name], ...pathsOf(child, [...prefix, name])]);
}

function valueAt(value: Json, path: readonly string[]): Json {
  let current: Json = value;
  for (const name of path) current = (current as Record<string, Json>)[name] ?? null;
  return current;
}

/** A deep copy of `value` with `path` set to `replacement` (or removed), creating missing objects on the way. */
function withValueAt(value: Json, path: readonly string[], replacement: Json | undefined): Json {
  const copy = structuredClone(value) as Record<string, Json>;
  let parent = copy;
  for (const name of path.slice(0, -1)) {
    const next = Object.hasOwn(parent, name) ? parent[name] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) parent[name] = {};
    parent = parent[name] as Record<string, Json>;
  }
  const last = path.at(-1)!;
  if (replacement === undefined) delete parent[last];
  // defineProperty: `__proto__` must become a field of the document, as JSON.parse makes it.
  else Object.defineProperty(parent, last, { value: replacement, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Nested arrays or objects, `depth` levels deep, as JSON text. */
function nestedJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

// Deep nesting stays a placeholder in a generated document (copying it would exhaust the stack)
// and becomes JSON text only on the wire.
const NESTED_PLACEHOLDER = /"@@nested-(array|object)-(\d+)@@"/g;

function nestedPlaceholder(depth: number, kind: 'array' | 'object'): string {
  return `@@nested-${kind}-${depth}@@`;
}

/** A generated document as JSON text, its placeholders expanded. */
function documentText(document: Json): string {
  return JSON.stringify(document).replace(NESTED_PLACEHOLDER, (_match, kind: 'array' | 'object', depth: string) => nestedJson(Number(depth), kind));
}

/** Field names that have confused object handling before. */
const HOSTILE_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', ' ', 'a.b', 'a[b]', 'key[]', '\u0000', '\u2028', '$where'];

/** Whether one path is the other or lies inside it. */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const length = Math.min(a.length, b.length);
  return a.slice(0, length).every((name, index) => name === b[index]);
}

/**
 * A change that keeps a document as broken as it was: hostile text in a text field, a field
 * removed (never the last), a field with a hostile name added. The broken field is left alone.
 */
function harmlessChange(document: Json, broken: readonly string[]): fc.Arbitrary<Json> {
  const paths = pathsOf(document).filter((path) => !overlaps(path, broken));
  const textPaths = paths.filter((path) => typeof valueAt(document, path) === 'string');
  const changes: fc.Arbitrary<Json>[] = [
    fc.tuple(fc.constantFrom(...HOSTILE_NAMES), fc.oneof(hostileText, otherTypeThan(''))).map(([name, value]) => withValueAt(document, [name], value)),
  ];
  if (textPaths.length > 0) changes.push(fc.tuple(fc.constantFrom(...textPaths), hostileText).map(([path, text]) => withValueAt(document, path, text)));
  if (paths.length > 0) changes.push(fc.constantFrom(...paths).map((path) => withValueAt(document, path, undefined)));
  return fc.oneof(...changes);
}

/**
 * A change that makes a field of the seed invalid under any schema the app could have for it: a
 * value of another type, a string longer than any field allows, or deep nesting.
 */
function breakingChange(document: Json): fc.Arbitrary<{ document: Json; broken: string[]; what: string }> {
  return fc.constantFrom(...pathsOf(document)).chain((path) =>
    fc.oneof(
      otherTypeThan(valueAt(document, path)).map((value) => ({ document: withValueAt(document, path, value), broken: path, what: `${path.join('.')} of another type` })),
      overlongText.map((text) => ({ document: withValueAt(document, path, text), broken: path, what: `${path.join('.')} of ${[...text].length} characters` })),
      fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([depth, kind]) => ({
        document: withValueAt(document, path, nestedPlaceholder(depth, kind)),
        broken: path,
        what: `${path.join('.')}: ${kind}s nested ${depth} deep`,
      })),
    ),
  );
}

/** A seed document with one field broken, then changed by a few harmless changes. */
function brokenDocument(seeds: readonly Json[]): fc.Arbitrary<{ document: Json; what: string }> {
  return fc
    .constantFrom(...seeds)
    .chain(breakingChange)
    .chain(({ document, broken, what }) =>
      fc.integer({ min: 0, max: 3 }).chain((count) => {
        let arbitrary: fc.Arbitrary<Json> = fc.constant(document);
        for (let i = 0; i < count; i++) arbitrary = arbitrary.chain((changed) => harmlessChange(changed, broken));
        return arbitrary.map((changed) => ({ document: changed, what }));
      }),
    );
}

const encoder = new TextEncoder();

function bytesOf(text: string): Uint8Array {
  return encoder.encode(text);
}

/** JSON documents of wrong shape or syntax, as text: none of them is a request any route can take. */
const MALFORMED_JSON: readonly string[] = [
  '',
  '{',
  '{"a":}',
  "{'key':'x'}",
  '{"key":"x",}',
  '{"key":"x"}}',
  'NaN',
  'undefined',
  '[]',
  '[{}]',
  '1',
  '-0',
  '1e400',
  '"text"',
  'null',
  'true',
  '\u0000',
  '{"\u0000":1}',
  '\uFEFF\uFEFF{}',
  '{"key":"\\ud800"',
  '{"key":"\\u00"}',
];

/**
 * A JSON body no route can accept: a seed document with a broken field (and hostile text,
 * removed fields and prototype keys besides), malformed JSON, another root type, deep nesting,
 * bytes that are not UTF-8.
 */
export function hostileJsonBody(seeds: readonly Json[]): fc.Arbitrary<HostileBody> {
  const json = 'application/json';
  return fc.oneof(
    { weight: 6, arbitrary: brokenDocument(seeds).map(({ document, what }): HostileBody => hostileBody(json, bytesOf(documentText(document)), `JSON with ${what}`)) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((text): HostileBody => hostileBody(json, bytesOf(text), `malformed JSON ${JSON.stringify(text)}`)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1_000, max: 30_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
        .map(([depth, kind]): HostileBody => hostileBody(json, bytesOf(nestedJson(depth, kind)), `${kind}s nested ${depth} deep`)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
        '{"key":"a","key":"b","__proto__":null}',
        '{"constructor":"x","toString":1,"valueOf":{}}',
      ).map((text): HostileBody => hostileBody(json, bytesOf(text), `prototype keys ${text}`)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Uint8Array.from([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        Uint8Array.from([0xed, 0xa0, 0x80]),
        Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
      ).map((bytes): HostileBody => hostileBody(json, bytes, `bytes that are not UTF-8 (${Buffer.from(bytes).toString('hex')})`)),
    },
  );
}

/** A form's fields: text, a repeated field, or a file part. */
type FormValue = string | readonly string[] | { readonly file: string; readonly name: string };
type FormFields = Readonly<Record<string, FormValue>>;

function urlEncoded(fields: FormFields): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [(value as { file: string }).file];
    for (const one of values) parts.push(`${wireEncoded(name)}=${wireEncoded(one)}`);
  }
  return parts.join('&');
}

function multipart(fields: FormFields, boundary: string): string {
  const parts: string[] = [];
  const quoted = (name: string) => name.replace(/["\r\n]/g, (char) => encodeURIComponent(char));
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'object' && !Array.isArray(value)) {
      const file = value as { file: string; name: string };
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"; filename="${quoted(file.name)}"\r\nContent-Type: application/octet-stream\r\n\r\n${file.file}\r\n`);
      continue;
    }
    for (const one of typeof value === 'string' ? [value] : (value as readonly string[])) {
      parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${one}\r\n`);
    }
  }
  return `${parts.join('')}--${boundary}--\r\n`;
}

/** A change that keeps a form as broken as it was: hostile text, a field removed, repeated or sent as a file, a hostile field name. The broken field is left alone. */
function harmlessFormChange(fields: FormFields, broken: string): fc.Arbitrary<FormFields> {
  const names = Object.keys(fields).filter((name) => name !== broken);
  const changes: fc.Arbitrary<FormFields>[] = [fc.tuple(fc.constantFrom(...HOSTILE_NAMES), hostileText).map(([name, text]) => ({ ...fields, [name]: text }))];
  if (names.length > 0) {
    changes.push(
      fc.tuple(fc.constantFrom(...names), hostileText).map(([name, text]) => ({ ...fields, [name]: text })),
      fc.constantFrom(...names).map((name) => Object.fromEntries(Object.entries(fields).filter(([other]) => other !== name))),
      fc.tuple(fc.constantFrom(...names), hostileText).map(([name, text]) => ({ ...fields, [name]: [typeof fields[name] === 'string' ? fields[name] : '', text] })),
      fc.tuple(fc.constantFrom(...names), hostileText).map(([name, text]) => ({ ...fields, [name]: { file: text, name: `${text}.txt` } })),
    );
  }
  return fc.oneof(...changes);
}

/**
 * Fields a form may carry that no value makes invalid: an idempotency key that is not one is
 * replaced by a fresh one, by design. Breaking one breaks nothing.
 */
const TOLERANT_FIELDS = new Set(['idempotencyKey']);

/** A seed form with one field longer than any field allows (invalid under any schema the app could have for it), then a few harmless changes. */
function brokenForm(seeds: readonly FormFields[]): fc.Arbitrary<{ fields: FormFields; what: string }> {
  return fc
    .constantFrom(...seeds)
    .chain((seed) => fc.tuple(fc.constant(seed), fc.constantFrom(...Object.keys(seed).filter((name) => !TOLERANT_FIELDS.has(name))), overlongText))
    .chain(([seed, broken, text]) =>
      fc.integer({ min: 0, max: 3 }).chain((count) => {
        let arbitrary: fc.Arbitrary<FormFields> = fc.constant({ ...seed, [broken]: text });
        for (let i = 0; i < count; i++) arbitrary = arbitrary.chain((changed) => harmlessFormChange(changed, broken));
        return arbitrary.map((fields) => ({ fields, what: `${broken} of ${[...text].length} characters` }));
      }),
    );
}

/** Form bodies of wrong syntax: none of them is a form any route can take. */
const MALFORMED_FORMS: readonly { contentType: string; text: string }[] = [
  { contentType: 'application/x-www-form-urlencoded', text: '%zz=%ED%A0%80&key=%' },
  { contentType: 'application/x-www-form-urlencoded', text: '&&&===&=&key' },
  { contentType: 'application/x-www-form-urlencoded', text: '__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__=x' },
  { contentType: 'application/x-www-form-urlencoded', text: `${'a=1&'.repeat(5_000)}key=x` },
  { contentType: 'multipart/form-data', text: '--x\r\nContent-Disposition: form-data; name="key"\r\n\r\nx\r\n--x--\r\n' },
  { contentType: 'multipart/form-data; boundary=x', text: 'not multipart at all' },
  { contentType: 'multipart/form-data; boundary=x', text: '--x\r\nContent-Disposition: form-data; name="key"\r\n\r\nunterminated' },
  { contentType: 'multipart/form-data; boundary=x', text: '--x\r\n\r\n\r\n--x--\r\n' },
  { contentType: 'multipart/form-data; boundary=', text: '----\r\n' },
];

/**
 * A form body no route can accept: a seed form with an overlong field (and hostile text, removed,
 * repeated and file fields besides), url-encoded or multipart; or a form of wrong syntax.
 */
export function hostileFormBody(seeds: readonly FormFields[]): fc.Arbitrary<HostileBody> {
  const broken = brokenForm(seeds);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(broken, fc.boolean()).map(([{ fields, what }, asMultipart]): HostileBody =>
        asMultipart
          ? hostileBody('multipart/form-data; boundary=hostile-boundary', bytesOf(multipart(fields, 'hostile-boundary')), `multipart form with ${what}`)
          : hostileBody('application/x-www-form-urlencoded', bytesOf(urlEncoded(fields)), `form with ${what}`),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...MALFORMED_FORMS).map(({ contentType, text }): HostileBody => hostileBody(contentType, bytesOf(text), `malformed form (${contentType}) ${JSON.stringify(text.slice(0, 80))}`)),
    },
  );
}

/** Content types a route of the other kind (or no route) takes, with a body that would be fine under the right one. */
export function wrongContentType(api: boolean, body: string): fc.Arbitrary<HostileBody> {
  const wrongForApi = [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json-patch+json', 'application/vnd.api+json', 'application/jsonx', 'text/json', 'application/xml', 'json', '*/*'];
  const wrongForPages = [undefined, 'text/plain', 'application/json', 'application/xml', 'application/x-www-form-urlencoded-x', 'multipart/mixed; boundary=x', 'application/octet-stream', '*/*'];
  return fc.constantFrom(...(api ? wrongForApi : wrongForPages)).map((contentType): HostileBody => hostileBody(contentType, bytesOf(body), `a body declared as ${contentType ?? '(nothing)'}`));
}

/** A body over the limit: `maxBytes` plus up to a megabyte, JSON or form as the route takes, with its length declared or chunked. */
export function oversizedBody(api: boolean, maxBytes: number): fc.Arbitrary<HostileBody> {
  return fc.tuple(fc.integer({ min: maxBytes + 1, max: maxBytes + 1_048_576 }), fc.boolean()).map(([size, chunked]): HostileBody => {
    const filler = 'x'.repeat(size);
    return api
      ? hostileBody('application/json', bytesOf(`{"title":"${filler}"}`), `a JSON body of ${size + 12} bytes`, chunked)
      : hostileBody('application/x-www-form-urlencoded', bytesOf(`title=${filler}`), `a form of ${size + 6} bytes`, chunked);
  });
}

// ---- Queries ------------------------------------------------------------------------------------

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Key attributes of the table and its indexes, for forged cursors. */
export const KEY_NAMES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'];

/**
 * A pagination cursor nobody issued for this listing: well-formed keys of other partitions and
 * indexes, keys with a part missing, empty or of another type, non-JSON, not base64, and any
 * issued cursor (`issued`) tampered with.
 */
export function forgedCursor(issued: readonly string[], excluded: (cursor: string) => boolean = () => false): fc.Arbitrary<string> {
  const keyValue = fc.oneof(fc.constantFrom('', 'PROPOSALS', 'PROJECTS', 'PROPOSAL#x', 'PROPOSALS#APPROVED', 'x'.repeat(1_024)), hostileText);
  const forgedLastKey = fc.dictionary(fc.constantFrom(...KEY_NAMES, 'title', '__proto__'), fc.oneof({ weight: 4, arbitrary: keyValue }, { weight: 1, arbitrary: otherTypeThan('') }), {
    minKeys: 0,
    maxKeys: 6,
  });
  const arbitraries: fc.Arbitrary<string>[] = [
    fc.constantFrom('e30', 'bnVsbA', 'W10', 'bm90IGpzb24', '!!!', '====', 'e30=', 'e30%3D', '%ZZ', 'a'.repeat(2_048), 'a'.repeat(2_049)),
    forgedLastKey.map((key) => base64url(JSON.stringify(key))),
    // Complete key shapes of another listing: every attribute present, partition values foreign.
    fc.tuple(keyValue, keyValue, fc.constantFrom('gsi1', 'gsi2', 'gsi3'), keyValue, keyValue).map(([pk, sk, index, ipk, isk]) => base64url(JSON.stringify({ pk, sk, [`${index}pk`]: ipk, [`${index}sk`]: isk }))),
  ];
  if (issued.length > 0) {
    arbitraries.push(
      fc.tuple(fc.constantFrom(...issued), fc.nat(), fc.constantFrom('A', '_', '-', '0')).map(([cursor, at, char]) => {
        const index = at % cursor.length;
        return cursor.slice(0, index) + (cursor[index] === char ? 'B' : char) + cursor.slice(index + 1);
      }),
      // An issued cursor re-encoded with another partition value.
      fc.tuple(fc.constantFrom(...issued), keyValue).map(([cursor, value]) => {
        const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, string>;
        const partition = Object.keys(key).find((name) => /^gsi\dpk$/.test(name)) ?? 'pk';
        return base64url(JSON.stringify({ ...key, [partition]: value }));
      }),
    );
  }
  return fc.oneof(...arbitraries).filter((cursor) => !excluded(cursor));
}

/**
 * The query parameters a listing or link reads, and others, with hostile values; repeated and
 * prototype names too. Cursors for which `excluded` holds are left out.
 */
export function hostileQuery(issued: readonly string[], excluded?: (cursor: string) => boolean): fc.Arbitrary<string> {
  const value = fc.oneof(hostileText, fc.constantFrom('-1', '0', '101', '1e3', '1.5', '0x10', 'Infinity', '99999999999999999999', 'APPROVED', 'approve', 'reject', '1'));
  const pair = fc.oneof(
    fc.tuple(fc.constant('cursor'), forgedCursor(issued, excluded)),
    fc.tuple(fc.constantFrom('limit', 'status', 'key', 'decision', 'submitted', 'department', 'saved', 'cursor'), value),
    fc.tuple(fc.constantFrom(...HOSTILE_NAMES, 'limit[]', 'status[]'), value),
  );
  return fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => pairs.map(([name, text]) => `${wireEncoded(name)}=${wireEncoded(text)}`).join('&'));
}

// ---- Sending ------------------------------------------------------------------------------------

/** An answer, read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * Sends a request over node:http as written: the path is not normalised (fetch resolves `..`),
 * and any method Node's parser knows can be sent.
 */
export function rawRequest(
  baseUrl: string,
  request: { method: string; path: string; headers?: Record<string, string>; body?: Uint8Array; chunked?: boolean },
  agent?: Agent,
): Promise<Answer & { reusedSocket: boolean }> {
  const url = new URL(baseUrl);
  const length = request.body && !request.chunked ? { 'content-length': String(request.body.byteLength) } : {};
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers: { ...request.headers, ...length }, ...(agent ? { agent } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve({ status: response.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8'), reusedSocket: outgoing.reusedSocket });
        });
      },
    );
    outgoing.on('error', reject);
    if (request.body && request.chunked) {
      for (let offset = 0; offset < request.body.byteLength; offset += 16_384) outgoing.write(Buffer.from(request.body.subarray(offset, offset + 16_384)));
      outgoing.end();
    } else {
      outgoing.end(request.body ? Buffer.from(request.body) : undefined);
    }
  });
}

// ---- The table ----------------------------------------------------------------------------------

/**
 * Every item of the table except rate-limit windows and idempotency records (bookkeeping of
 * requests, not data), as `pk|sk` → the item's JSON, so that a comparison shows what was
 * created, changed or removed.
 */
export async function tableContents(endpoint: string, tableName: string): Promise<Map<string, string>> {
  const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' });
  try {
    const items = new Map<string, string>();
    for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
      for (const item of page.Items ?? []) {
        const pk = item.pk?.S ?? '';
        if (pk.startsWith('RATE#') || pk.startsWith('IDEMPOTENCY#')) continue;
        items.set(`${pk}|${item.sk?.S ?? ''}`, JSON.stringify(item));
      }
    }
    return items;
  } finally {
    client.destroy();
  }
}

/** What differs between two {@link tableContents}: keys created, changed or removed. */
export function tableChanges(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const changes: string[] = [];
  for (const [key, item] of after) {
    if (!before.has(key)) changes.push(`created ${key}`);
    else if (before.get(key) !== item) changes.push(`changed ${key}`);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.push(`removed ${key}`);
  return changes;
}

export type { FormFields, Json };
