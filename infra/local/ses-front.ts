import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FaultAnswer, LocalFaults } from './faults.ts';

/** SES v2 SendEmail, the one call the product sends mail with. */
const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
/** aws-ses-v2-local takes bodies up to 25 MB; a fault never needs to look further. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

/**
 * Puts the fault switchboard in front of aws-ses-v2-local's SendEmail, on the stand-in's own
 * server (its port stays the one SES endpoint): while an SES fault is set, a SendEmail is read first and either answered as SES answers a throttled or
 * refused send, or handed on unchanged. Everything else (the inbox, `/store`, the v1 API) goes
 * straight through, and so does SendEmail while no SES fault is set.
 *
 * A send that goes on is sent again to the same server over loopback, marked so that it passes:
 * the stand-in is an Express app that reads the request stream itself, and a body already read
 * cannot be given back to it.
 */
export function installSesFront(server: Server, faults: LocalFaults): void {
  const inner = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const passMark = randomUUID();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const isSend = request.method === 'POST' && (request.url ?? '').split('?')[0] === SEND_EMAIL_PATH;
    if (!isSend || !faults.sesArmed || request.headers['x-local-fault-front'] === passMark) {
      for (const listener of inner) listener.call(server, request, response);
      return;
    }
    readBody(request).then(
      (body) => {
        const answer = faults.sesAnswer(recipientsOf(body));
        if (answer) answerAsSes(response, answer);
        else passOn(server, request, body, passMark, response);
      },
      () => response.destroy(),
    );
  });
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy(new Error('SendEmail body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Every address a SendEmail names (To, Cc, Bcc), as written: `"Name" <a@b>` or `a@b`. */
function recipientsOf(body: Buffer): string[] {
  try {
    const destination = (JSON.parse(body.toString('utf8')) as { Destination?: Record<string, unknown> }).Destination ?? {};
    return ['ToAddresses', 'CcAddresses', 'BccAddresses'].flatMap((field) => {
      const addresses = destination[field];
      return Array.isArray(addresses) ? addresses.filter((address): address is string => typeof address === 'string') : [];
    });
  } catch {
    return [];
  }
}

/** An error as SES v2 (REST-JSON) sends it: the code in `x-amzn-ErrorType`, the message in the body. */
function answerAsSes(response: ServerResponse, answer: FaultAnswer): void {
  const body = JSON.stringify({ message: answer.message });
  response.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-ErrorType': answer.errorType,
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(body);
}

function passOn(server: Server, request: IncomingMessage, body: Buffer, passMark: string, response: ServerResponse): void {
  const { address, port } = server.address() as AddressInfo;
  // A server listening on every address is reached over loopback.
  const host = address === '::' || address === '0.0.0.0' ? '127.0.0.1' : address;
  const headers = { ...request.headers, 'content-length': String(body.length), 'x-local-fault-front': passMark };
  delete headers['transfer-encoding'];
  delete headers.connection;
  const forwarded = httpRequest({ host, port, method: request.method, path: request.url, headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  forwarded.on('error', () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  forwarded.end(body);
}
