import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { InFlight } from './in-flight.ts';

/** How long a connection closed after an early answer goes on reading what the client still sends. */
const LINGER_MS = 2000;

/**
 * What serves the web app's requests: the Hono app's `fetch`, or the local stack's wrapper of it.
 * `env` is what @hono/node-server gives a Hono app on Node (the app reads the client's address
 * from `incoming.socket`, as it reads API Gateway's source IP from the Lambda event on AWS).
 */
export type FetchHandler = (request: Request, env: HttpBindings) => Response | Promise<Response>;

/**
 * The local web server: the Hono app on Node, doing what API Gateway does for it on AWS about
 * connections.
 *
 * - An answer given before the request's body was read whole (413 over the body limit, 415, 405, a
 *   refusal while stopping) says `Connection: close` and closes in stages: the rest of the body
 *   cannot be told from the next request, so the connection cannot be kept, and closing at once
 *   while the client still sends makes the kernel reset the connection, which can lose the answer
 *   before the client reads it (RFC 9112, section 9.6).
 * - A stop drains: no new connections; a request arriving on an open one gets 503 with
 *   `Retry-After` and `Connection: close`; requests under way finish and are counted until their
 *   answer is written, so that a stop waits for them and can say which it had to cut.
 */
export class LocalWebServer {
  readonly #requests = new InFlight();
  #handler: FetchHandler | undefined;
  #drainEndsAt: number | undefined;
  #closed: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port` (0: a free one); requests get 503 until {@link serve} gives the handler. */
  static async listen(port: number, host: string): Promise<LocalWebServer> {
    let self: LocalWebServer | undefined;
    const listener = getRequestListener((request, env) => self!.#fetch(request, env as HttpBindings), { hostname: host });
    const server = createServer(listener);
    const boundPort = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
    self = new LocalWebServer(server, boundPort);
    return self;
  }

  /** Serves requests with `handler` from now on. */
  serve(handler: FetchHandler): void {
    this.#handler = handler;
  }

  /**
   * Stops taking connections (idle kept-alive ones are closed); requests still arriving on open
   * ones are refused with 503 until `deadline` (epoch ms), when the stop expects to be done.
   */
  beginDrain(deadline: number): void {
    if (this.#drainEndsAt !== undefined) return;
    this.#drainEndsAt = deadline;
    this.#closed = new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves true when every request under way has been answered, false at `deadline`. */
  settle(deadline: number): Promise<boolean> {
    return this.#requests.settle(deadline);
  }

  /** The requests under way: `["POST /api/proposals ×2"]`. */
  describeInFlight(): string[] {
    return this.#requests.describe();
  }

  /** Drops every connection left (a request still under way loses its answer) and stops. */
  async close(): Promise<void> {
    this.beginDrain(Date.now());
    this.server.closeAllConnections();
    await this.#closed;
  }

  async #fetch(request: Request, { incoming, outgoing }: HttpBindings): Promise<Response> {
    if (this.#drainEndsAt !== undefined) return this.#refuseWhileStopping(request, incoming, outgoing);
    const handler = this.#handler;
    if (!handler) return new Response('Starting', { status: 503, headers: { 'retry-after': '1' } });
    // Counted until the answer is written (or the client left), not only until it is made.
    const written = new Promise<void>((resolve) => outgoing.once('close', resolve));
    const answer = Promise.resolve(handler(request, { incoming, outgoing }));
    void this.#requests.track(`${request.method} ${new URL(request.url).pathname}`, Promise.allSettled([answer, written]));
    const response = await answer;
    if (this.#drainEndsAt !== undefined || !incoming.complete) closeAfterAnswer(incoming, outgoing);
    return response;
  }

  #refuseWhileStopping(request: Request, incoming: IncomingMessage, outgoing: ServerResponse): Response {
    closeAfterAnswer(incoming, outgoing);
    const retryAfter = String(Math.max(1, Math.ceil((this.#drainEndsAt! - Date.now()) / 1000)));
    const headers = { 'retry-after': retryAfter, 'cache-control': 'no-store' };
    const message = 'The server is stopping; try again in a moment.';
    return new URL(request.url).pathname.startsWith('/api/')
      ? Response.json({ error: 'ServiceUnavailable', message }, { status: 503, headers })
      : new Response(message, { status: 503, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } });
  }
}

const closingInStages = new WeakSet<Socket>();

/**
 * Says `Connection: close` on the answer; if the client may still be sending the body, Node's
 * own close after the answer (`destroySoon`) becomes a staged one: stop writing, read and drop what
 * still comes until the client closes its side, or for {@link LINGER_MS} at most.
 */
function closeAfterAnswer(incoming: IncomingMessage, outgoing: ServerResponse): void {
  outgoing.setHeader('Connection', 'close');
  const socket = incoming.socket;
  if (incoming.complete || !socket || closingInStages.has(socket)) return;
  closingInStages.add(socket);
  let ending = false;
  socket.destroySoon = () => {
    if (ending || socket.destroyed) return;
    ending = true;
    socket.end();
    incoming.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
  };
}
