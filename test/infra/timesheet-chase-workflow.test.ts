import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import { localFunctionArn, renderLocalStateMachines } from '#local/render-state-machines.ts';
import { CHASE_STEP_TIMEOUTS, REMINDER_MAP_CONCURRENCY } from '#workflows/timesheet-chase-workflow.ts';
import { synthesizeStack, type SynthesizedStack } from './synth-stack.ts';

/** asl-validator ships no type declarations; this is the part of its API the tests use. */
type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

const KEYS = Object.keys(FUNCTION_CATALOGUE) as FunctionKey[];
const placeholder = (key: FunctionKey) => `<function:${key}>`;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Parameters?: Record<string, Json>;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  ItemsPath?: string;
  ItemSelector?: Record<string, Json>;
  MaxConcurrency?: number;
  ItemProcessor?: { StartAt: string; States: Record<string, State> };
  Next?: string;
}

/** The deployed definition as plain ASL, each function's ARN replaced by its placeholder. */
function deployedDefinition(synthesized: SynthesizedStack): Record<string, Json> {
  const keyOfLogicalId = new Map(KEYS.map((key) => [synthesized.functionId(key), key]));
  const stateMachine = synthesized.template.toJSON().Resources[synthesized.logicalId(synthesized.stack.timesheetChaseWorkflow.stateMachine)];
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
function localDefinition(): Record<string, Json> {
  const chase = renderLocalStateMachines().find((machine) => machine.name === 'pmo-timesheetChase');
  if (chase === undefined) throw new Error('The local stack renders no pmo-timesheetChase state machine');
  const arns = new Map(KEYS.map((key) => [localFunctionArn(key), placeholder(key)]));
  const normalise = (value: Json): Json => {
    if (typeof value === 'string') return arns.get(value) ?? value;
    if (Array.isArray(value)) return value.map(normalise);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalise(inner)]));
  };
  return normalise(chase.definition as Record<string, Json>) as Record<string, Json>;
}

describe('the timesheet chase workflow', () => {
  let synthesized: SynthesizedStack;
  let states: Record<string, State>;
  beforeAll(() => {
    synthesized = synthesizeStack();
    states = deployedDefinition(synthesized).States as unknown as Record<string, State>;
  });

  it('is a Standard state machine named after the stack, with "timesheet" in its name', () => {
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'PmoPipeline-timesheetChase', StateMachineType: 'STANDARD' });
  });

  it('logs every event to its own log group without execution data, and traces with X-Ray', () => {
    const logGroupId = synthesized.logicalId(synthesized.stack.timesheetChaseWorkflow.logGroup);
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'PmoPipeline-timesheetChase',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } } }] },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('has a valid Amazon States Language definition', () => {
    const result = validateAsl(deployedDefinition(synthesized));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('the local runner and the AWS stack execute the same definition', () => {
    expect(deployedDefinition(synthesized)).toEqual(localDefinition());
  });

  it('finds who is missing from the execution input as given, its name (the run id) and its start time', () => {
    expect(states['Find missing timesheets']?.Parameters?.Payload).toEqual({ 'input.$': '$', 'executionName.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' });
  });

  it('reminds the batches the finding step lists, a bounded number at once, each by its index', () => {
    const map = states['Remind each batch'];
    expect(map?.Type).toBe('Map');
    expect(map?.ItemsPath).toBe('$.chase.batches');
    expect(map?.MaxConcurrency).toBe(REMINDER_MAP_CONCURRENCY);
    expect(map?.ItemSelector).toMatchObject({ 'batch.$': '$$.Map.Item.Value', 'round.$': '$.chase.round', 'runId.$': '$.chase.runId' });
    expect(map?.ItemProcessor?.States['Send reminders']?.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(map?.Next).toBe('Send PMO digest');
  });

  it('gives every task the timeout of its function, so the local runner does not cut a long step at 60 s', () => {
    const tasks = {
      findMissingTimesheets: states['Find missing timesheets'],
      sendTimesheetReminders: states['Remind each batch']?.ItemProcessor?.States['Send reminders'],
      sendTimesheetDigest: states['Send PMO digest'],
    };
    for (const [key, state] of Object.entries(tasks) as [keyof typeof CHASE_STEP_TIMEOUTS, State | undefined][]) {
      expect(state?.TimeoutSeconds, key).toBe(CHASE_STEP_TIMEOUTS[key].toSeconds());
      synthesized.template.hasResourceProperties('AWS::Lambda::Function', { Description: FUNCTION_CATALOGUE[key].description, Timeout: CHASE_STEP_TIMEOUTS[key].toSeconds() });
    }
  });

  it('never retries a permanent error, and retries the transient ones after it', () => {
    const tasks = [states['Find missing timesheets'], states['Remind each batch']?.ItemProcessor?.States['Send reminders'], states['Send PMO digest']];
    for (const task of tasks) {
      const retriers = task?.Retry ?? [];
      const permanent = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('PermanentError'));
      const transient = retriers.findIndex((retrier) => retrier.ErrorEquals.includes('States.TaskFailed'));
      expect(retriers[permanent]?.MaxAttempts).toBe(0);
      expect(retriers[transient]?.MaxAttempts).toBeGreaterThan(0);
      expect(permanent).toBeLessThan(transient);
    }
  });

  it('may be started only by the schedules’ starter function', () => {
    expect(JSON.stringify(synthesized.template.toJSON().Resources[synthesized.functionId('startTimesheetChase')].Properties.Environment.Variables.TIMESHEET_CHASE_STATE_MACHINE_ARN)).toContain(
      ':stateMachine:PmoPipeline-timesheetChase',
    );
  });
});
