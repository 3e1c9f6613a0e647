import { beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';
import { apiGatewayRouteKey } from '#infra/constructs/web-api.ts';
import { EMAILED_LINK_API_ROUTES } from '#web/access-rules.ts';
import { WORKFLOWS } from '#workflows/registry.ts';
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

/** What a function may do with the product table: actions on the table, and whether it queries the indexes. */
interface ExpectedTableAccess {
  readonly table: readonly string[];
  readonly queriesIndexes: boolean;
}

const ITEM_READ_WRITE = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'];

/**
 * The specification of least privilege on the table, function by function: exactly the actions
 * its code uses (DeleteItem releases an e-mail "sent" marker when SES refuses a message; base-table
 * Query reads audit trails and role members). Nobody scans, batch-writes, checks conditions in
 * transactions or reads streams. A new function fails here until its line is written.
 */
const EXPECTED_TABLE_ACCESS: Readonly<Record<string, ExpectedTableAccess>> = {
  web: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true },
  scoreProposal: { table: ['GetItem', 'PutItem', 'UpdateItem'], queriesIndexes: false },
  advanceReview: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: false },
  requestApproval: { table: ITEM_READ_WRITE, queriesIndexes: true },
  recordOutcome: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true },
  approvalSweeper: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true },
  executionStatusChanged: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true },
  emailEvents: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: false },
  // The chase: its starter only starts an execution; finding reads by key and queries (its runs,
  // leave, the by-week and by-name indexes) and writes its records; the senders read their batch
  // and the person, claim "sent" markers (released when SES refuses) and store week-link keys.
  startTimesheetChase: { table: [], queriesIndexes: false },
  findMissingTimesheets: { table: ['GetItem', 'PutItem', 'Query'], queriesIndexes: true },
  sendTimesheetReminders: { table: ['GetItem', 'PutItem', 'DeleteItem'], queriesIndexes: false },
  sendTimesheetDigest: { table: ['GetItem', 'PutItem', 'DeleteItem'], queriesIndexes: false },
  // Cognito's token trigger reads its event only.
  addTokenClaims: { table: [], queriesIndexes: false },
  // Invoices: checking reads by key and by index (a vendor's window, the same number) and writes
  // the ledgers and the status; posting updates the ledgers and POs, claims "sent" markers and
  // reads role members (a base-table query).
  checkInvoice: { table: ['GetItem', 'PutItem', 'UpdateItem'], queriesIndexes: true },
  postInvoice: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: false },
  // Reports: the tick moves due definitions on; planning reads the definition and role members and
  // records the run; a copy reads the reader's data (indexes too) and records itself; finishing counts.
  startDueReports: { table: ['GetItem', 'PutItem', 'UpdateItem'], queriesIndexes: true },
  planReportRun: { table: ['GetItem', 'PutItem', 'Query'], queriesIndexes: true },
  deliverReport: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: true },
  finishReportRun: { table: [...ITEM_READ_WRITE, 'Query'], queriesIndexes: false },
};

/** The functions an EventBridge rule invokes; a failed invocation goes to the dead-letter queue. */
const EVENT_TARGETS: readonly FunctionKey[] = ['executionStatusChanged', 'emailEvents'];

/** The functions that keep files (invoice PDFs) in the files bucket. */
const FILE_USERS: readonly FunctionKey[] = ['web', 'deliverReport'];

/** The functions that send e-mail. */
const EMAIL_SENDERS: readonly FunctionKey[] = [
  'web',
  'advanceReview',
  'requestApproval',
  'recordOutcome',
  'approvalSweeper',
  'executionStatusChanged',
  'emailEvents',
  'sendTimesheetReminders',
  'sendTimesheetDigest',
  'postInvoice',
  'deliverReport',
  'finishReportRun',
];

/** A statement's resources, each as JSON, to compare with an ARN as the template spells it. */
function resourcesOf(statement: PolicyStatement): string[] {
  return (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map((resource) => JSON.stringify(resource));
}

/** The DynamoDB actions of a role, on the table and on its indexes, and any on other resources. */
function tableGrantsOf(roleId: string): { table: string[]; indexes: string[]; elsewhere: string[] } {
  const tableId = synthesized.logicalId(synthesized.stack.table);
  const tableArn = JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] });
  const indexArn = JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/*']] });
  const grants = { table: new Set<string>(), indexes: new Set<string>(), elsewhere: new Set<string>() };
  for (const statement of statementsOfRole(synthesized.template, roleId)) {
    const actions = actionsOf(statement).filter((action) => action.startsWith('dynamodb:'));
    for (const resource of resourcesOf(statement)) {
      const into = resource === tableArn ? grants.table : resource === indexArn ? grants.indexes : grants.elsewhere;
      for (const action of actions) into.add(action.replace(/^dynamodb:/, ''));
    }
  }
  return { table: [...grants.table].sort(), indexes: [...grants.indexes].sort(), elsewhere: [...grants.elsewhere].sort() };
}

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
    it("lets start executions exactly the functions the workflow registry's startedBy names", () => {
      const starters = [...new Set(WORKFLOWS.flatMap((workflow) => workflow.startedBy))].sort();
      expect(functionsAllowed('states:StartExecution')).toEqual(starters);
      expect(rolesAllowed('states:StartExecution')).toHaveLength(starters.length);
    });

    it.each(['states:SendTaskSuccess', 'states:SendTaskFailure'])("lets call %s exactly the functions the registry's respondedBy names", (action) => {
      const responders = [...new Set(WORKFLOWS.flatMap((workflow) => workflow.respondedBy))].sort();
      expect(functionsAllowed(action)).toEqual(responders);
      expect(rolesAllowed(action)).toHaveLength(responders.length);
    });

    it('lets no function stop, redrive or describe executions, or change a state machine', () => {
      const all = policies.flatMap((p) => p.statements.flatMap(actionsOf)).filter((action) => action.startsWith('states:'));
      expect([...new Set(all)].sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess', 'states:StartExecution']);
    });

    it.each(WORKFLOWS.map((workflow) => [workflow.key, workflow] as const))(
      'grants control of the %s workflow to its starters and responders on its state machine, by its formed ARN (a reference would be a cycle)',
      (key, workflow) => {
        const stateMachineId = synthesized.logicalId(synthesized.stack.workflows[key].stateMachine);
        const controllers = new Set([...workflow.startedBy, ...workflow.respondedBy]);
        expect(controllers.size).toBeGreaterThan(0);
        for (const controller of controllers) {
          const statements = statementsOfRole(synthesized.template, synthesized.roleId(controller)).filter((s) =>
            actionsOf(s).some((action) => action.startsWith('states:')),
          );
          expect(statements.some((statement) => JSON.stringify(statement.Resource).includes(`:stateMachine:PmoPipeline-${key}"`)), controller).toBe(true);
          for (const statement of statements) expect(JSON.stringify(statement.Resource)).not.toContain(stateMachineId);
        }
      },
    );

    // CDK merges statements with the same actions (two workflows resumed by the same function): each
    // resource of a statement is checked on its own.
    it.each(KEYS)('grants %s workflow control only on the state machines whose registry entry names it, each by its own ARN', (key) => {
      const controlled = WORKFLOWS.filter((workflow) => [...workflow.startedBy, ...workflow.respondedBy].includes(key)).map((workflow) => workflow.key);
      const statements = statementsOfRole(synthesized.template, synthesized.roleId(key)).filter((s) => actionsOf(s).some((action) => action.startsWith('states:')));
      for (const resource of statements.flatMap((statement) => resourcesOf(statement))) {
        const named = WORKFLOWS.map((workflow) => workflow.key).filter((workflowKey) => resource.includes(`:stateMachine:PmoPipeline-${workflowKey}"`));
        expect(named).toHaveLength(1);
        expect(controlled).toContain(named[0]);
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

    it('lets the timesheet chase invoke exactly its three functions', () => {
      const role = synthesized.logicalId(synthesized.stack.timesheetChaseWorkflow.stateMachine.role as never);
      const invoke = statementsOfRole(synthesized.template, role).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
      const invoked = new Set(JSON.stringify(invoke).match(/"Fn::GetAtt":\["(\w+)","Arn"\]/g));
      expect([...invoked].sort()).toEqual(
        (['findMissingTimesheets', 'sendTimesheetReminders', 'sendTimesheetDigest'] as const)
          .map((key) => `"Fn::GetAtt":["${synthesized.functionId(key)}","Arn"]`)
          .sort(),
      );
    });
  });

  describe('e-mail', () => {
    it('lets only the functions that send e-mail send it', () => {
      expect(functionsAllowed('ses:SendEmail')).toEqual([...EMAIL_SENDERS].sort());
      expect(rolesAllowed('ses:SendEmail')).toHaveLength(EMAIL_SENDERS.length);
    });

    it.each(EMAIL_SENDERS)('lets %s send only from the sender address (ses:FromAddress), through the configuration set', (key) => {
      const statements = statementsOfRole(synthesized.template, synthesized.roleId(key)).filter((s) => actionsOf(s).some((action) => action.startsWith('ses:')));
      expect(statements).toHaveLength(1);
      const [statement] = statements as [PolicyStatement];
      expect(actionsOf(statement)).toEqual(['ses:SendEmail']);
      expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': { Ref: 'SenderAddress' } } });
      const resources = JSON.stringify(statement.Resource);
      expect(resources).toContain(':configuration-set/');
      expect(resources).toContain(`{"Ref":"${synthesized.logicalId(synthesized.stack.email.configurationSet)}"}`);
      expect(synthesized.template.toJSON().Parameters.SenderAddress.Default).toBe(TEST_SENDER);
    });

    it("authorises on this account's SES identities in the stack's region, so that the sandbox's recipient identities pass too", () => {
      const statement = statementsOfRole(synthesized.template, synthesized.roleId('requestApproval')).find((s) => actionsOf(s).includes('ses:SendEmail'));
      const identities = resourcesOf(statement as PolicyStatement).filter((resource) => resource.includes(':identity/'));
      expect(identities).toEqual([
        JSON.stringify({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':identity/*']] }),
      ]);
    });
  });

  describe('data', () => {
    it.each(KEYS)('grants %s exactly the table actions its code uses, on the table and, if it queries them, its indexes', (key) => {
      const expected = EXPECTED_TABLE_ACCESS[key];
      expect(expected, `EXPECTED_TABLE_ACCESS has no line for ${key}`).toBeDefined();
      const grants = tableGrantsOf(synthesized.roleId(key));
      expect(grants.table).toEqual([...(expected as ExpectedTableAccess).table].sort());
      expect(grants.indexes).toEqual(expected?.queriesIndexes ? ['Query'] : []);
      expect(grants.elsewhere).toEqual([]);
    });

    it('lets no function scan, batch, transact, read streams or describe the table', () => {
      const all = policies.flatMap((p) => p.statements.flatMap(actionsOf)).filter((action) => action.startsWith('dynamodb:'));
      expect(all.filter((action) => /Scan|Batch|Transact|Stream|Records|Shard|Describe|ConditionCheck/.test(action))).toEqual([]);
    });

    it('lets no one manage the table (create, delete, change it)', () => {
      const all = policies.flatMap((p) => p.statements.flatMap(actionsOf));
      expect(all.filter((action) => /^dynamodb:(Create|Delete|Update)Table|^dynamodb:\*/.test(action))).toEqual([]);
    });
  });

  describe('every grant', () => {
    it.each(KEYS)('gives %s nothing beyond its table access, its logs and traces, and what its wiring names', (key) => {
      const expected = new Set<string>(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
      for (const action of EXPECTED_TABLE_ACCESS[key]?.table ?? []) expected.add(`dynamodb:${action}`);
      if (EXPECTED_TABLE_ACCESS[key]?.queriesIndexes) expected.add('dynamodb:Query');
      if (EMAIL_SENDERS.includes(key)) expected.add('ses:SendEmail');
      if (EVENT_TARGETS.includes(key)) expected.add('sqs:SendMessage');
      if (FILE_USERS.includes(key)) for (const action of ['s3:PutObject', 's3:GetObject', 's3:DeleteObject']) expected.add(action);
      if (WORKFLOWS.some((workflow) => workflow.startedBy.includes(key))) expected.add('states:StartExecution');
      if (WORKFLOWS.some((workflow) => workflow.respondedBy.includes(key))) for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure']) expected.add(action);
      expect([...new Set(actionsOfRole(synthesized.template, synthesized.roleId(key)))].sort()).toEqual([...expected].sort());
    });
  });

  describe('events', () => {
    it('lets only the functions EventBridge invokes put their failed invocations on the dead-letter queue', () => {
      expect(functionsAllowed('sqs:SendMessage')).toEqual([...EVENT_TARGETS].sort());
      const queueArn = JSON.stringify({ 'Fn::GetAtt': [synthesized.logicalId(synthesized.stack.deadLetterQueue), 'Arn'] });
      for (const key of EVENT_TARGETS) {
        const statements = statementsOfRole(synthesized.template, synthesized.roleId(key)).filter((s) => actionsOf(s).some((action) => action.startsWith('sqs:')));
        expect(statements.map((statement) => ({ actions: actionsOf(statement), resources: resourcesOf(statement) }))).toEqual([
          { actions: ['sqs:SendMessage'], resources: [queueArn] },
        ]);
      }
    });

    it('lets EventBridge put on the dead-letter queue only the events of the product’s own rules', () => {
      const policy = Object.values(synthesized.template.findResources('AWS::SQS::QueuePolicy'))[0] as { Properties: { PolicyDocument: { Statement: (PolicyStatement & { Principal?: unknown })[] } } };
      const allows = policy.Properties.PolicyDocument.Statement.filter((statement) => statement.Effect === 'Allow');
      const ruleIds = [synthesized.stack.workflowEvents.rule, synthesized.stack.emailEvents.rule].map((rule) => synthesized.logicalId(rule)).sort();
      expect(allows.map((statement) => statement.Principal)).toEqual(ruleIds.map(() => ({ Service: 'events.amazonaws.com' })));
      expect(allows.map((statement) => statement.Condition?.ArnEquals?.['aws:SourceArn']).map((arn) => (arn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]).sort()).toEqual(ruleIds);
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

  it('acknowledges only the open routes, the user pool’s optional MFA and plan, the files bucket’s access logs, and the wildcard findings', () => {
    const rules = new Set(acknowledgments.map((acknowledgment) => acknowledgment.id.replace(/\[.*\]$/, '')));
    expect([...rules].sort()).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-COG2', 'AwsSolutions-COG8', 'AwsSolutions-IAM5', 'AwsSolutions-S1']);
  });

  it('lets the web function reach invoice files only: one prefix, no listing, nothing on the bucket itself', () => {
    const statements = statementsOfRole(synthesized.template, synthesized.roleId('web')).filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));

    expect(statements.flatMap((statement) => resourcesOf(statement))).toEqual([expect.stringMatching(/"\/invoices\/\*"\]\]\}$/)]);
  });

  it('acknowledges a route without authorization (APIG4) route by route: the pages ($default) and the emailed-link endpoints, never the API as a whole', () => {
    const routes = new Map(
      synthesized.stack.webApi.httpApi.node.children
        .filter((child): child is apigwv2.HttpRoute => child instanceof apigwv2.HttpRoute)
        .map((route) => [route.node.path, synthesized.stack.resolve((route.node.defaultChild as apigwv2.CfnRoute).routeKey) as string]),
    );
    const acknowledged = acknowledgments.filter((acknowledgment) => acknowledgment.id === 'AwsSolutions-APIG4').map((acknowledgment) => routes.get(acknowledgment.path));
    expect(acknowledged.sort()).toEqual(['$default', ...EMAILED_LINK_API_ROUTES.map(apiGatewayRouteKey)].sort());
  });
});
