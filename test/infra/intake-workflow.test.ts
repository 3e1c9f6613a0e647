import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { longestApprovalHours, parseApprovalPolicy } from '#domain/approval-policy.ts';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import { localFunctionArn, renderLocalStateMachines } from '#local/render-state-machines.ts';
import { synthesizeStack, type SynthesizedStack } from './synth-stack.ts';
import bundledPolicy from '../../functions/config/approval-policies/proposal.json' with { type: 'json' };

/** asl-validator ships no type declarations; this is the part of its API the tests use. */
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

const KEYS = Object.keys(FUNCTION_CATALOGUE) as FunctionKey[];

/** What a function's ARN becomes in a normalised definition: the same on both runtimes. */
const placeholder = (key: FunctionKey) => `<function:${key}>`;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * The deployed definition as plain ASL: the `Fn::Join` of its DefinitionString resolved with
 * partition `aws` and each function's `Fn::GetAtt [logicalId, Arn]` replaced by its placeholder.
 */
function deployedDefinition(synthesized: SynthesizedStack): Record<string, Json> {
  const keyOfLogicalId = new Map(KEYS.map((key) => [synthesized.functionId(key), key]));
  const stateMachine = synthesized.template.toJSON().Resources[synthesized.logicalId(synthesized.stack.intakeWorkflow.stateMachine)];
  const [separator, parts] = stateMachine.Properties.DefinitionString['Fn::Join'] as [string, unknown[]];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const { Ref: ref, 'Fn::GetAtt': getAtt } = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (ref === 'AWS::Partition') return 'aws';
      const key = getAtt?.[1] === 'Arn' ? keyOfLogicalId.get(getAtt[0]) : undefined;
      if (key === undefined) throw new Error(`Unexpected reference in the definition: ${JSON.stringify(part)}`);
      return placeholder(key);
    })
    .join(separator);
  return JSON.parse(text) as Record<string, Json>;
}

/** The local rendering of the same workflow, with its function ARNs replaced by placeholders. */
function localDefinition(synthesized: SynthesizedStack): Record<string, Json> {
  const rendered = renderLocalStateMachines({ longestApprovalWait: () => synthesized.stack.intakeWorkflow.longestApprovalWait });
  const intake = rendered.find((machine) => machine.name === 'pmo-intake');
  if (intake === undefined) throw new Error('The local stack renders no pmo-intake state machine');
  const arns = new Map(KEYS.map((key) => [localFunctionArn(key), placeholder(key)]));
  const normalise = (value: Json): Json => {
    if (typeof value === 'string') return arns.get(value) ?? value;
    if (Array.isArray(value)) return value.map(normalise);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalise(inner)]));
  };
  return normalise(intake.definition as Record<string, Json>) as Record<string, Json>;
}

describe('the intake workflow', () => {
  let synthesized: SynthesizedStack;
  beforeAll(() => {
    synthesized = synthesizeStack();
  });

  it('is a Standard state machine, because Express cannot wait for a callback', () => {
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
  });

  it('has a fixed name derived from the stack name, so its ARN can be formed without a reference', () => {
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'PmoPipeline-intake' });
  });

  it('logs every event to its log group, without execution data (inputs hold personal data)', () => {
    const logGroupId = synthesized.logicalId(synthesized.stack.intakeWorkflow.logGroup);
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } } }],
      },
    });
  });

  it('traces with X-Ray', () => {
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: true } });
  });

  it('has a valid Amazon States Language definition', () => {
    const result = validateAsl(deployedDefinition(synthesized));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('the local runner and the AWS stack execute the same definition', () => {
    expect(deployedDefinition(synthesized)).toEqual(localDefinition(synthesized));
  });

  describe('approval timeout', () => {
    /** The callback task, one per approver, inside the Map state that asks a level's approvers. */
    const approvalTask = (definition: Record<string, Json>) => {
      const askApprovers = (definition.States as Record<string, Record<string, Json>>)['Ask level approvers'] as Record<string, Json>;
      const processor = askApprovers.ItemProcessor as Record<string, Record<string, Json>>;
      return processor.States?.['Request approval'] as Record<string, Json>;
    };

    it('waits on each approver as a callback task', () => {
      expect(approvalTask(deployedDefinition(synthesized)).Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    });

    it('times the callback out an hour after the longest level deadline of the bundled approval policy, as a backstop', () => {
      const longestHours = longestApprovalHours(parseApprovalPolicy(bundledPolicy));
      expect(synthesized.stack.intakeWorkflow.longestApprovalWait.toHours()).toBe(longestHours);
      expect(approvalTask(deployedDefinition(synthesized)).TimeoutSeconds).toBe((longestHours + 1) * 3600);
    });
  });
});
