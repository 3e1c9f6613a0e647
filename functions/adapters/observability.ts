import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { PermanentError } from '#domain/errors.ts';
import { SubjectRefSchema, subjectLabel } from '#domain/subject.ts';
import { logger, serviceName } from './logger.ts';

/**
 * X-Ray tracer for the functions, which run with active tracing. It turns itself off outside Lambda
 * (no `AWS_EXECUTION_ENV`: the local stack, tests), where every call on it does nothing and the
 * clients it is given come back untouched.
 */
export const tracer = new Tracer({ serviceName });

/**
 * Keys that tie every log line of one invocation, and its trace, to what it works on, e.g.
 * `{ subject: 'proposal:7f1c…' }`. Ids only: events carry task tokens and link secrets. Each key is
 * also a trace annotation, so keys are letters, digits and underscores (X-Ray's rule).
 */
export type CorrelationKeys = Readonly<Record<string, string>>;

/** How a handler finds its correlation keys in an event it has not parsed yet; must not throw. */
export type Correlate<E> = (event: E) => CorrelationKeys | undefined;

/**
 * The subject a workflow task works on, as `subject: "<type>:<id>"`: from the review engine's
 * `subject` reference, or from a proposal task's `proposalId`. Undefined for any other event.
 */
export function workflowSubject(event: unknown): CorrelationKeys | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { subject, proposalId } = event as { subject?: unknown; proposalId?: unknown };
  const reference = SubjectRefSchema.safeParse(subject);
  if (reference.success) return { subject: subjectLabel(reference.data) };
  if (typeof proposalId === 'string' && proposalId !== '') return { subject: subjectLabel({ type: 'proposal', id: proposalId }) };
  return undefined;
}

/**
 * Wraps a Lambda handler: its log lines carry the invocation (request id, function name, cold
 * start) and the event's correlation keys, its trace has a `## handler` subsegment annotated with
 * the same keys and with any error it throws, and the error is logged with those keys before it
 * propagates. The keys are removed when the invocation ends, however it ends, so the next
 * invocation in a warm environment starts without them.
 *
 * Works without a Lambda context (tests) or with only `{functionName, awsRequestId}` (the local
 * stack): the logger takes what there is, and the tracer is off there.
 */
export function lambdaHandler<E, R>(
  options: { readonly correlate?: Correlate<E> },
  fn: (event: E, context: Context | undefined) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    const keys = options.correlate?.(event) ?? {};
    logger.appendKeys(keys);
    try {
      return await traced(keys, () => fn(event, context));
    } catch (caught) {
      // Input that does not fit its schema fails the same way every time: a PermanentError, so a
      // state machine goes to its Catch at once instead of retrying (an operator's
      // `{"weekStart": "2026-11-17"}` is told what is wrong in the execution's cause).
      const error = caught instanceof z.ZodError ? new PermanentError(`Invalid input: ${z.prettifyError(caught)}`, { cause: caught }) : caught;
      // The keys again, explicitly: where invocations share a logger concurrently (the local stack
      // runs handlers in-process), the appended ones may by now be another invocation's.
      logger.error('Invocation failed', { ...keys, error });
      throw error;
    } finally {
      logger.removeKeys(Object.keys(keys));
    }
  };
}

/** Runs `fn` in a handler subsegment of the invocation's trace, as Powertools' own middleware does. */
async function traced<R>(keys: CorrelationKeys, fn: () => Promise<R>): Promise<R> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!parent) return fn();
  const segment = parent.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
  tracer.setSegment(segment);
  try {
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    for (const [key, value] of Object.entries(keys)) tracer.putAnnotation(key, value);
    return await fn();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    segment.close();
    tracer.setSegment(parent);
  }
}
