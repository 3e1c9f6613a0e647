import { App, type Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import { longestApprovalWaitOf, WORKFLOWS, type WorkflowDefinition } from '#workflows/registry.ts';

/** Account and region the local stack pretends to be, so that ARNs look like AWS's. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/** The ARN under which a catalogued function is known to the local state machines. */
export function localFunctionArn(key: FunctionKey): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${key}`;
}

/** The function key named by a Lambda ARN or name, as a state machine's task gives it. */
export function functionKeyOf(functionNameOrArn: string): FunctionKey | undefined {
  const name = functionNameOrArn.split(':function:').pop()?.split(':')[0] ?? functionNameOrArn;
  return Object.hasOwn(FUNCTION_CATALOGUE, name) ? (name as FunctionKey) : undefined;
}

/** A state machine as the local runner takes it: a name and its Amazon States Language. */
export interface RenderedStateMachine {
  readonly name: string;
  readonly definition: Record<string, unknown>;
}

/** Settings that are fixed in the rendered definitions. */
export interface RenderOptions {
  /** A workflow's longest approval wait (its callback backstop); default: from its bundled policy. */
  readonly longestApprovalWait?: (workflow: WorkflowDefinition) => Duration;
}

/** The local name of a workflow's state machine: `pmo-intake`. */
export function localStateMachineName(key: string): string {
  return `pmo-${key}`;
}

/**
 * Renders every workflow of the registry with the same builders the AWS stack uses, with the
 * functions imported by ARN, and returns plain ASL: what the AWS stack deploys, minus
 * CloudFormation references.
 */
export function renderLocalStateMachines(options: RenderOptions = {}): RenderedStateMachine[] {
  return WORKFLOWS.map((workflow) =>
    renderLocalWorkflow(localStateMachineName(workflow.key), (scope, functions) =>
      workflow.build(scope, functions, { longestApprovalWait: options.longestApprovalWait?.(workflow) ?? longestApprovalWaitOf(workflow) }),
    ),
  );
}

/**
 * Renders one state machine from a builder, with every catalogued function imported by ARN. Also
 * how a test renders a workflow of its own around the review loop.
 */
export function renderLocalWorkflow(
  name: string,
  build: (scope: Construct, functions: Readonly<Record<FunctionKey, lambda.IFunction>>) => sfn.IChainable,
): RenderedStateMachine {
  const stack = new Stack(new App(), 'LocalWorkflows', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
  const functions = Object.fromEntries(
    (Object.keys(FUNCTION_CATALOGUE) as FunctionKey[]).map((key) => [key, lambda.Function.fromFunctionArn(stack, `Fn-${key}`, localFunctionArn(key))]),
  ) as Record<FunctionKey, lambda.IFunction>;
  return { name, definition: renderChainable(stack, build(stack, functions)) };
}

function renderChainable(stack: Stack, chainable: sfn.IChainable): Record<string, unknown> {
  const graph = new sfn.StateGraph(chainable.startState, 'local');
  const resolved = resolvePseudoParameters(stack.resolve(graph.toGraphJson())) as Record<string, unknown>;
  const text = JSON.stringify(resolved);
  if (text.includes('"Ref"') || text.includes('"Fn::')) {
    throw new Error('A local state machine definition still holds CloudFormation references');
  }
  return resolved;
}

/**
 * CDK writes service integration ARNs as `Fn::Join` over `AWS::Partition`, which CloudFormation
 * resolves at deploy time. Locally the partition is `aws`, so the joins collapse to strings.
 */
function resolvePseudoParameters(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolvePseudoParameters);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record.Ref === 'AWS::Partition') return 'aws';
  const join = record['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map(resolvePseudoParameters);
    if (parts.every((part) => typeof part === 'string')) return parts.join(join[0]);
  }
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, resolvePseudoParameters(inner)]));
}
