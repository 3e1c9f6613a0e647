import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import { buildIntakeWorkflow, type IntakeWorkflowOptions } from '#workflows/intake-workflow.ts';

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
  /** The approval policy's longest level deadline (see {@link IntakeWorkflowOptions}). */
  readonly longestApprovalWait: Duration;
}

/**
 * Renders every workflow with the same builders the AWS stack uses, with the functions imported
 * by ARN, and returns plain ASL: what the AWS stack deploys, minus CloudFormation references.
 */
export function renderLocalStateMachines(options: RenderOptions): RenderedStateMachine[] {
  const stack = new Stack(new App(), 'LocalWorkflows', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
  const fn = (key: FunctionKey) => lambda.Function.fromFunctionArn(stack, `Fn-${key}`, localFunctionArn(key));
  const intake = buildIntakeWorkflow(
    stack,
    {
      scoreProposal: fn('scoreProposal'),
      advanceReview: fn('advanceReview'),
      requestApproval: fn('requestApproval'),
      recordOutcome: fn('recordOutcome'),
    },
    { longestApprovalWait: options.longestApprovalWait },
  );
  return [{ name: 'pmo-intake', definition: renderChainable(stack, intake) }];
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
