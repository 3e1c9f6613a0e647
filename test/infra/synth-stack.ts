import { readFileSync } from 'node:fs';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { FunctionKey } from '#handlers/catalogue.ts';
import { PmoStack } from '#infra/pmo-stack.ts';

/** The feature flags and context defaults of cdk.json, so tests synthesize what `cdk synth` does. */
const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

export const TEST_SENDER = 'pmo@example.org';

/** A synthesized stack and the means to find things in it. */
export interface SynthesizedStack {
  readonly stack: PmoStack;
  readonly template: Template;
  /** The logical id of a construct's CloudFormation resource. */
  logicalId(construct: { node: { defaultChild?: unknown } }): string;
  /** The logical id of a catalogued function. */
  functionId(key: FunctionKey): string;
  /** The logical id of a catalogued function's execution role. */
  roleId(key: FunctionKey): string;
}

/**
 * Synthesizes the PMO stack with the context of cdk.json plus `context`, without bundling
 * assets (`aws:cdk:bundling-stacks: []`), so that a template test takes about a second.
 */
export function synthesizeStack(context: Record<string, unknown> = {}): SynthesizedStack {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], senderAddress: TEST_SENDER, ...context },
  });
  const stack = new PmoStack(app, 'PmoPipeline');
  const template = Template.fromStack(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return {
    stack,
    template,
    logicalId,
    functionId: (key) => logicalId(stack.functions[key]),
    roleId: (key) => logicalId(stack.functions[key].role as unknown as { node: { defaultChild?: unknown } }),
  };
}

/** An IAM policy statement as it appears in the template. */
export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of every inline policy attached to `roleLogicalId`. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: PolicyStatement[] } } }
  >;
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The actions of a statement, always as a list. */
export function actionsOf(statement: PolicyStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Every action a role may perform, over all its inline policies. */
export function actionsOfRole(template: Template, roleLogicalId: string): string[] {
  return statementsOfRole(template, roleLogicalId).flatMap(actionsOf);
}
