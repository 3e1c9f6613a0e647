import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as z from 'zod';
import { SfnServiceError } from './errors.ts';

/**
 * The AWS Step Functions wire protocol (`awsJson1_0`): `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Operation>` and a JSON body; JSON answers; dates as epoch
 * seconds; errors as HTTP 400 `{ "__type": "<Name>", "message": "…" }` plus `x-amzn-ErrorType`.
 * Request bodies are validated here; what they mean is the backend's business.
 */

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY_BYTES = 2 * 1024 * 1024;

const arn = z.string().min(1).max(2048);
const maxResults = z.number().int().min(0).max(1000).optional();
const nextToken = z.string().min(1).max(3096).optional();
const taskToken = z.string().min(1).max(2048);
const executionStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);
const tagKey = z.string().min(1).max(128);
const tagValue = z.string().max(256);

/** The request body of each supported operation. */
export const sfnRequestSchemas = {
  ListStateMachines: z.object({ maxResults, nextToken }),
  DescribeStateMachine: z.object({ stateMachineArn: arn, includedData: z.string().optional() }),
  StartExecution: z.object({
    stateMachineArn: arn,
    name: z.string().optional(),
    input: z.string().optional(),
    traceHeader: z.string().max(256).optional(),
  }),
  DescribeExecution: z.object({ executionArn: arn, includedData: z.string().optional() }),
  ListExecutions: z.object({
    stateMachineArn: arn.optional(),
    statusFilter: executionStatus.optional(),
    maxResults,
    nextToken,
    mapRunArn: arn.optional(),
    redriveFilter: z.string().optional(),
  }),
  GetExecutionHistory: z.object({
    executionArn: arn,
    maxResults,
    reverseOrder: z.boolean().optional(),
    nextToken,
    includeExecutionData: z.boolean().optional(),
  }),
  SendTaskSuccess: z.object({ taskToken, output: z.string() }),
  SendTaskFailure: z.object({
    taskToken,
    error: z.string().max(256).optional(),
    cause: z.string().max(32768).optional(),
  }),
  SendTaskHeartbeat: z.object({ taskToken }),
  StopExecution: z.object({
    executionArn: arn,
    error: z.string().max(256).optional(),
    cause: z.string().max(32768).optional(),
  }),
  DescribeStateMachineForExecution: z.object({ executionArn: arn, includedData: z.string().optional() }),
  ListTagsForResource: z.object({ resourceArn: arn }),
  TagResource: z.object({ resourceArn: arn, tags: z.array(z.object({ key: tagKey, value: tagValue })).max(50) }),
  UntagResource: z.object({ resourceArn: arn, tagKeys: z.array(tagKey).max(50) }),
  ValidateStateMachineDefinition: z.object({
    definition: z.string().min(1).max(1048576),
    type: z.enum(['STANDARD', 'EXPRESS']).optional(),
    severity: z.enum(['ERROR', 'WARNING']).optional(),
    maxResults: z.number().int().min(0).max(100).optional(),
  }),
} as const;

export type SfnOperation = keyof typeof sfnRequestSchemas;
export type SfnRequest<O extends SfnOperation> = z.infer<(typeof sfnRequestSchemas)[O]>;

/** What serves the operations: one method per operation, answering the response body. */
export type SfnBackend = { [O in SfnOperation]: (request: SfnRequest<O>) => Promise<Record<string, unknown>> };

export interface SfnProtocolLogger {
  info(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
}

export interface SfnHttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A date (epoch ms) as the JSON protocol writes timestamps: epoch seconds. */
export function toEpochSeconds(epochMs: number): number {
  return epochMs / 1000;
}

function isOperation(name: string): name is SfnOperation {
  return Object.hasOwn(sfnRequestSchemas, name);
}

function errorResponse(requestId: string, name: string, message: string, statusCode = 400): SfnHttpResponse {
  return {
    statusCode,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId, 'x-amzn-errortype': name },
    body: JSON.stringify({ __type: name, message }),
  };
}

/** AWS-style text for a failed validation: "1 validation error detected: Value at 'x' failed …". */
function validationMessage(error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    const at = issue.path.join('.') || '(body)';
    return `Value at '${at}' failed to satisfy constraint: ${issue.message}`;
  });
  const count = problems.length;
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}

/**
 * Answers one request: `target` is the `X-Amz-Target` header, `rawBody` the request body.
 * Never throws; unexpected backend failures answer 500 `InternalFailure`.
 */
export async function handleSfnRequest(
  backend: SfnBackend,
  target: string | undefined,
  rawBody: string,
  logger?: SfnProtocolLogger,
): Promise<SfnHttpResponse> {
  const requestId = randomUUID();
  const operation = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  if (!operation || !isOperation(operation)) {
    return errorResponse(requestId, 'UnknownOperationException', `Unknown operation ${target ?? '(none)'}`);
  }
  let body: unknown;
  try {
    body = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
  } catch {
    return errorResponse(requestId, 'SerializationException', 'The request body is not valid JSON');
  }
  const parsed = sfnRequestSchemas[operation].safeParse(body);
  if (!parsed.success) {
    return errorResponse(requestId, 'ValidationException', validationMessage(parsed.error));
  }
  try {
    const call = backend[operation] as (request: unknown) => Promise<Record<string, unknown>>;
    const result = await call.call(backend, parsed.data);
    return {
      statusCode: 200,
      headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
      body: JSON.stringify(result),
    };
  } catch (error) {
    if (error instanceof SfnServiceError) {
      logger?.info('Step Functions request refused', { operation, error: error.name });
      return errorResponse(requestId, error.name, error.message);
    }
    logger?.error('Step Functions request failed', {
      operation,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return errorResponse(requestId, 'InternalFailure', 'The local Step Functions service failed', 500);
  }
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** An HTTP server speaking the protocol for `backend` (not yet listening). */
export function createSfnHttpServer(backend: SfnBackend, logger?: SfnProtocolLogger): Server {
  const respond = (response: ServerResponse, answer: SfnHttpResponse) => {
    response.writeHead(answer.statusCode, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    response.end(answer.body);
  };
  return createServer((request, response) => {
    void (async () => {
      try {
        const rawBody = await readBody(request);
        if (request.method !== 'POST') {
          respond(response, errorResponse(randomUUID(), 'UnknownOperationException', 'Only POST / is served'));
          return;
        }
        if (rawBody === undefined) {
          respond(response, errorResponse(randomUUID(), 'ValidationException', 'The request body is too large'));
          return;
        }
        const target = request.headers['x-amz-target'];
        respond(response, await handleSfnRequest(backend, Array.isArray(target) ? target[0] : target, rawBody, logger));
      } catch (error) {
        logger?.error('Step Functions request could not be read', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!response.headersSent) respond(response, errorResponse(randomUUID(), 'InternalFailure', 'Request failed', 500));
        else response.destroy();
      }
    })();
  });
}
