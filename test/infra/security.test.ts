import { beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import {
  actionsOf,
  actionsOfRole,
  statementsOfRole,
  synthesizeStack,
  TEST_SENDER,
  type PolicyStatement,
  type SynthesizedStack,
} from './synth-stack.ts';

const KEYS = Object.keys(FUNCTION_CATALOGUE) as FunctionKey[];

/** Actions AWS offers no resource-level permissions for; only these may be granted on "*". */
const ACTIONS_WITHOUT_RESOURCE_LEVEL = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
]);

let synthesized: SynthesizedStack;
beforeAll(() => {
  synthesized = synthesizeStack();
});

describe('least privilege', () => {
  let policies: { roles: string[]; statements: PolicyStatement[] }[];
  /** The catalogue keys of the functions whose role may perform `action`. */
  const functionsAllowed = (action: string) =>
    KEYS.filter((key) => actionsOfRole(synthesized.template, synthesized.roleId(key)).includes(action)).sort();
  /** Every role in the template that may perform `action`. */
  const rolesAllowed = (action: string) =>
    policies.filter((policy) => policy.statements.some((s) => actionsOf(s).includes(action))).flatMap((p) => p.roles);

  beforeAll(() => {
    const found = synthesized.template.findResources('AWS::IAM::Policy') as Record<
      string,
      { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: PolicyStatement[] } } }
    >;
    policies = Object.values(found).map((policy) => ({
      roles: policy.Properties.Roles.map((role) => role.Ref),
      statements: policy.Properties.PolicyDocument.Statement,
    }));
  });

  describe('workflow control', () => {
    it('lets only web start intake executions', () => {
      expect(rolesAllowed('states:StartExecution')).toEqual([synthesized.roleId('web')]);
    });

    it.each(['states:SendTaskSuccess', 'states:SendTaskFailure'])(
      'lets only web, requestApproval and approvalSweeper call %s',
      (action) => {
        expect(rolesAllowed(action).sort()).toEqual(
          (['web', 'requestApproval', 'approvalSweeper'] as const).map((key) => synthesized.roleId(key)).sort(),
        );
      },
    );

    it('grants workflow control on the intake state machine only, by its formed ARN (a reference would be a cycle)', () => {
      const stateMachineId = synthesized.logicalId(synthesized.stack.intakeWorkflow.stateMachine);
      for (const key of ['web', 'requestApproval', 'approvalSweeper'] as const) {
        const statements = statementsOfRole(synthesized.template, synthesized.roleId(key)).filter((s) =>
          actionsOf(s).some((action) => action.startsWith('states:')),
        );
        expect(statements).toHaveLength(1);
        const resource = JSON.stringify(statements[0]?.Resource);
        expect(resource).toContain(':stateMachine:PmoPipeline-intake');
        expect(resource).not.toContain(stateMachineId);
      }
    });

    it('lets the state machine invoke exactly its four functions', () => {
      const role = synthesized.logicalId(synthesized.stack.intakeWorkflow.stateMachine.role as never);
      const invoke = statementsOfRole(synthesized.template, role).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
      const invoked = new Set(JSON.stringify(invoke).match(/"Fn::GetAtt":\["(\w+)","Arn"\]/g));
      expect([...invoked].sort()).toEqual(
        (['scoreProposal', 'advanceReview', 'requestApproval', 'recordOutcome'] as const)
          .map((key) => `"Fn::GetAtt":["${synthesized.functionId(key)}","Arn"]`)
          .sort(),
      );
    });
  });

  describe('e-mail', () => {
    it('lets only web, advanceReview, requestApproval, recordOutcome and approvalSweeper send e-mail', () => {
      const senders = ['web', 'advanceReview', 'requestApproval', 'recordOutcome', 'approvalSweeper'] as const;
      expect(functionsAllowed('ses:SendEmail')).toEqual([...senders].sort());
      expect(rolesAllowed('ses:SendEmail')).toHaveLength(senders.length);
    });

    it('allows sending only from the sender address, through its identities and the configuration set', () => {
      const statement = statementsOfRole(synthesized.template, synthesized.roleId('requestApproval')).find((s) =>
        actionsOf(s).includes('ses:SendEmail'),
      );
      expect(actionsOf(statement as PolicyStatement)).toEqual(['ses:SendEmail']);
      expect(statement?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': { Ref: 'SenderAddress' } } });
      const resources = JSON.stringify(statement?.Resource);
      expect(resources).toContain(':identity/');
      expect(resources).toContain('"Fn::Split":["@",{"Ref":"SenderAddress"}]');
      expect(resources).toContain(':configuration-set/');
      expect(resources).toContain(`{"Ref":"${synthesized.logicalId(synthesized.stack.email.configurationSet)}"}`);
      expect(synthesized.template.toJSON().Parameters.SenderAddress.Default).toBe(TEST_SENDER);
    });
  });

  describe('data', () => {
    it.each(KEYS)('lets %s read and write items of the table and its indexes', (key) => {
      const actions = actionsOfRole(synthesized.template, synthesized.roleId(key));
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']));
    });

    it('lets no one manage the table (create, delete, change it)', () => {
      const all = policies.flatMap((p) => p.statements.flatMap(actionsOf));
      expect(all.filter((action) => /^dynamodb:(Create|Delete|Update)Table|^dynamodb:\*/.test(action))).toEqual([]);
    });
  });

  describe('wildcards', () => {
    it('grants no wildcard action to anyone', () => {
      const all = policies.flatMap((p) => p.statements.flatMap(actionsOf));
      expect(all.filter((action) => action.includes('*'))).toEqual([]);
    });

    it('grants on Resource "*" only actions that have no resource-level permissions (X-Ray, log delivery)', () => {
      const onEverything = policies.flatMap((p) => p.statements.filter((s) => s.Resource === '*').flatMap(actionsOf));
      expect(onEverything.filter((action) => !ACTIONS_WITHOUT_RESOURCE_LEVEL.has(action))).toEqual([]);
    });

    it('attaches no managed policies: every role has only its inline grants', () => {
      const roles = Object.values(synthesized.template.findResources('AWS::IAM::Role')) as { Properties: Record<string, unknown> }[];
      expect(roles.filter((role) => role.Properties.ManagedPolicyArns !== undefined)).toEqual([]);
    });

    it.each(KEYS)('lets %s write only to its own log group', (key) => {
      const logs = statementsOfRole(synthesized.template, synthesized.roleId(key)).filter((s) =>
        actionsOf(s).some((action) => action.startsWith('logs:')),
      );
      const logGroupId = (synthesized.template.toJSON().Resources[synthesized.functionId(key)].Properties.LoggingConfig.LogGroup as { Ref: string }).Ref;
      expect(logs).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      ]);
    });
  });
});

/** An acknowledged cdk-nag finding, as recorded in construct metadata. */
interface Acknowledgment {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/**
 * cdk-nag 3 is a CDK policy validation plugin: `cdk synth` fails on any finding that is not
 * acknowledged (`Validations.of(construct).acknowledge`). Here the pack runs directly on the
 * synthesized construct tree.
 */
describe('AWS Solutions checks (cdk-nag)', () => {
  let acknowledgments: Acknowledgment[];
  beforeAll(() => {
    acknowledgments = synthesized.stack.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
            path: construct.node.path,
            id: id.replace(/^annotation::/i, ''),
            reason,
          })),
        ),
    );
  });

  it('leaves no finding, error or warning, unacknowledged', () => {
    const report = new AwsSolutionsChecks(synthesized.stack).validateScope(synthesized.stack);
    const findings = report.violations.map((violation) => ({
      rule: violation.ruleName,
      severity: violation.severity,
      at: violation.violatingResources.map((resource) => resource.constructPath),
    }));
    expect(findings).toEqual([]);
  });

  it('leaves no CDK error or warning annotation', () => {
    expect(Annotations.fromStack(synthesized.stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(synthesized.stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges each finding with a specific reason', () => {
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const acknowledgment of acknowledgments) {
      expect(acknowledgment.id).toMatch(/^AwsSolutions-/);
      expect(acknowledgment.reason.length, `${acknowledgment.path} ${acknowledgment.id}`).toBeGreaterThanOrEqual(60);
    }
  });

  it('acknowledges wildcard permissions (IAM5) one resource at a time, never the whole rule', () => {
    const wildcards = acknowledgments.filter((acknowledgment) => acknowledgment.id.startsWith('AwsSolutions-IAM5'));
    expect(wildcards.length).toBeGreaterThan(0);
    for (const acknowledgment of wildcards) expect(acknowledgment.id).toMatch(/^AwsSolutions-IAM5\[Resource::.+\]$/);
  });

  it('acknowledges only the public-API and wildcard findings', () => {
    const rules = new Set(acknowledgments.map((acknowledgment) => acknowledgment.id.replace(/\[.*\]$/, '')));
    expect([...rules].sort()).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-COG4', 'AwsSolutions-IAM5']);
  });
});
