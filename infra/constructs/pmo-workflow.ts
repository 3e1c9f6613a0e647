import { ArnFormat, type Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invokeWildcardFinding } from './nag-findings.ts';
import type { FunctionKey } from '#handlers/catalogue.ts';
import { longestApprovalWaitOf, type WorkflowDefinition } from '#workflows/registry.ts';

/** Properties of a {@link PmoWorkflow}. */
export interface PmoWorkflowProps {
  /** The workflow, from the registry (workflows/registry.ts). */
  readonly workflow: WorkflowDefinition;
  /** The catalogued functions; the workflow's tasks invoke those it names. */
  readonly functions: Readonly<Record<FunctionKey, lambda.IFunction>>;
  /** @default the longest level deadline of the approval policy the functions ship with */
  readonly longestApprovalWait?: Duration;
}

/**
 * Any workflow of the registry deployed as a Step Functions Standard state machine (Express
 * cannot wait for a callback), rendered by the same builder the local stack runs.
 *
 * Its name is fixed (`<stack name>-<key>`) so that its ARN can be formed without a reference to
 * the state machine: the state machine refers to the functions, so a function that starts or
 * resumes executions must be granted on the formed ARN, or CloudFormation sees a cycle.
 */
export class PmoWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Where the state machine logs its events. */
  readonly logGroup: logs.LogGroup;
  readonly stateMachineName: string;
  /** The state machine's ARN, formed from its name: safe to give to the functions it calls. */
  readonly stateMachineArn: string;
  /** The longest approval deadline, as rendered into the definition (its callback backstop). */
  readonly longestApprovalWait: Duration;

  readonly workflow: WorkflowDefinition;

  constructor(scope: Construct, id: string, props: PmoWorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.workflow = props.workflow;
    this.longestApprovalWait = props.longestApprovalWait ?? longestApprovalWaitOf(props.workflow);
    this.stateMachineName = `${stack.stackName}-${props.workflow.key}`;
    if (this.stateMachineName.length > 80) {
      throw new Error(`State machine name "${this.stateMachineName}" exceeds 80 characters; use a shorter stack name`);
    }
    this.stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: this.stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(props.workflow.build(this, props.functions, { longestApprovalWait: this.longestApprovalWait })),
      tracingEnabled: true,
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        // Every state's input and output would include the subject (names, e-mail addresses,
        // free text): personal data that must not be copied into logs. ALL still records every
        // state transition, error and cause, which is what an operator needs. (cdk-nag's SF1
        // asks for level ALL only, so nothing needs acknowledging here.)
        includeExecutionData: false,
      },
    });

    Validations.of(this.stateMachine.role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CloudWatch Logs log delivery (CreateLogDelivery, PutResourcePolicy, ...) and X-Ray trace writes do not support resource-level permissions; Step Functions requires these on "*".',
      },
      ...props.workflow.invokes.map((key) => props.functions[key]).map((fn: lambda.IFunction) => ({
        id: invokeWildcardFinding(fn),
        reason: `LambdaInvoke grants lambda:InvokeFunction on ${fn.node.id} and its versions and aliases (\`<arn>:*\`); each task invokes that one function.`,
      })),
    );
  }

  /** Allows `grantee` to start executions (the web function, when a subject is submitted). */
  grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StartExecution'],
      resourceArns: [this.stateMachineArn],
    });
  }

  /**
   * Allows `grantee` to resume a waiting approval task with a decision or a failure: the web
   * function, the approval function (when a decision was recorded before its token was bound)
   * and the sweeper (the registry's `respondedBy`).
   */
  grantTaskResponse(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
      resourceArns: [this.stateMachineArn],
    });
  }
}
