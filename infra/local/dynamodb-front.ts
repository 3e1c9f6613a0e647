import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ConditionalWrite, LocalFaults } from './faults.ts';
import { beforeDeadline, InFlight } from './in-flight.ts';

/** dynalite refuses bodies over 16 MB; reading further would only hold memory. */
const MAX_BODY_BYTES = 16 * 1024 * 1024 + 1;
/**
 * A request dynalite has begun is always let finish, even past the stop's deadline: an operation
 * it starts after its LevelDB closed fails with "Database is closed", which dynalite throws out of
 * a callback (an uncaught exception that would end the process). Its requests take milliseconds.
 */
const REQUEST_GRACE_MS = 2000;
/** How long closing the LevelDB may take once no request is left. */
const DATABASE_CLOSE_MS = 5000;

/** What stopping the database did: the requests it could not wait for, and whether LevelDB closed. */
export interface DatabaseCloseReport {
  readonly cutRequests: string[];
  readonly closed: boolean;
}

/**
 * Stands in front of dynalite on its own server, for two things dynalite does not do:
 *
 * - A clean stop. Once {@link close} begins, new requests are answered with a retryable server
 *   error instead of reaching a closing LevelDB, the requests under way finish first, and only
 *   then does dynalite close its database. dynalite also throws (out of an event handler) when a
 *   client drops a request mid-body; it is given the body whole, so it never sees that.
 * - The conditional-race fault: conditional writes a test picks are held and let go together.
 */
export class DynamoDbFront {
  readonly #requests = new InFlight();
  readonly #dynalite: RequestListener;
  #closing = false;

  constructor(
    private readonly server: Server,
    private readonly faults: LocalFaults,
  ) {
    const inner = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    this.#dynalite = (request, response) => {
      for (const listener of inner) listener.call(server, request, response);
    };
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const operation = operationOf(request);
      void this.#requests.track(operation, this.#serve(operation, request, response));
    });
  }

  /**
   * Stops the database: refuses new requests, waits for those under way (until `deadline`, and at
   * least a short grace), drops the connections, then lets dynalite close LevelDB.
   */
  async close(deadline: number): Promise<DatabaseCloseReport> {
    this.#closing = true;
    const settled = await this.#requests.settle(Math.max(deadline, Date.now() + REQUEST_GRACE_MS));
    const cutRequests = settled ? [] : this.#requests.describe();
    this.server.closeAllConnections();
    const closed = await beforeDeadline(
      new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve()))),
      Date.now() + DATABASE_CLOSE_MS,
    );
    return { cutRequests, closed };
  }

  async #serve(operation: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      // The client went away mid-request: there is nobody to answer.
      response.destroy();
      return;
    }
    if (this.faults.raceArmed) {
      const write = conditionalWriteOf(operation, body);
      if (write) await this.faults.beforeConditionalWrite(write);
    }
    if (this.#closing) {
      answerStopping(response);
      return;
    }
    const answered = new Promise<void>((resolve) => response.once('close', resolve));
    this.#dynalite(replayOf(request, body), response);
    await answered;
  }
}

/** `UpdateItem`, from `X-Amz-Target: DynamoDB_20120810.UpdateItem`. */
function operationOf(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  return (typeof target === 'string' ? target.split('.')[1] : undefined) ?? `${request.method} ${request.url}`;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      // Past dynalite's limit the rest is dropped: the request is refused either way.
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    request.on('aborted', () => reject(new Error('aborted')));
  });
}

/**
 * The request again, with its body read: dynalite reads the body with `on('data')`/`on('end')` and
 * looks at the method, URL and headers, which is all this carries.
 */
function replayOf(request: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = Readable.from(body.length > 0 ? [body] : [], { objectMode: false });
  return Object.assign(replay, {
    method: request.method,
    url: request.url,
    headers: request.headers,
    httpVersion: request.httpVersion,
    socket: request.socket,
  }) as unknown as IncomingMessage;
}

/** A retryable server error, as DynamoDB answers when it cannot serve a request now. */
function answerStopping(response: ServerResponse): void {
  const body = JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'The local DynamoDB is stopping' });
  response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
}

const WRITE_OPERATIONS: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/** The write a request makes, if it is a conditional PutItem, UpdateItem or DeleteItem. */
function conditionalWriteOf(operation: string, body: Buffer): ConditionalWrite | undefined {
  if (!WRITE_OPERATIONS.has(operation)) return undefined;
  let parsed: { TableName?: unknown; Key?: unknown; Item?: unknown; ConditionExpression?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed.ConditionExpression !== 'string') return undefined;
  const attributes = (operation === 'PutItem' ? parsed.Item : parsed.Key) as Record<string, Record<string, unknown>> | undefined;
  const key: Record<string, string> = {};
  for (const name of ['pk', 'sk']) {
    const value = attributes?.[name]?.S ?? attributes?.[name]?.N;
    if (typeof value === 'string') key[name] = value;
  }
  return {
    operation: operation as ConditionalWrite['operation'],
    tableName: typeof parsed.TableName === 'string' ? parsed.TableName : '',
    key,
    condition: parsed.ConditionExpression,
  };
}
