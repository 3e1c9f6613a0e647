import { ArnFormat, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/**
 * Sending e-mail through SES v2 from one sender address, through one configuration set.
 *
 * The sender address is the stack parameter `SenderAddress`, whose default is the context value
 * `senderAddress` (`cdk deploy -c senderAddress=pmo@example.org`, or
 * `--parameters SenderAddress=...`). Before anything is sent, the operator must:
 * - verify the sender in SES, in the stack's region: the address itself, or (better, with DKIM)
 *   its domain. Set context `createSenderIdentity=true` to have the stack create the address
 *   identity; SES then mails a verification link to it, which someone must click;
 * - request SES production access, or, while the account is in the sandbox, verify every
 *   recipient too.
 *
 * Bounces and complaints of messages sent through the configuration set are published to
 * EventBridge by the EmailEvents construct (email-events.ts).
 */
export class Email extends Construct {
  /** The `From` address of every message. */
  readonly senderAddress: string;
  readonly configurationSet: ses.ConfigurationSet;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const contextAddress: unknown = this.node.tryGetContext('senderAddress');
    const parameter = new CfnParameter(Stack.of(this), 'SenderAddress', {
      type: 'String',
      description: 'The From address of PMO Pipeline e-mail; it (or its domain) must be verified in SES.',
      allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
      constraintDescription: 'must be an e-mail address',
      ...(typeof contextAddress === 'string' && contextAddress !== '' ? { default: contextAddress } : {}),
    });
    this.senderAddress = parameter.valueAsString;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
    });

    if (isTrue(this.node.tryGetContext('createSenderIdentity'))) {
      new ses.EmailIdentity(this, 'SenderIdentity', {
        identity: ses.Identity.email(this.senderAddress),
        configurationSet: this.configurationSet,
      });
    }
  }

  /** The environment variables a sending function reads. */
  get environment(): Record<string, string> {
    return {
      EMAIL_FROM: this.senderAddress,
      EMAIL_CONFIGURATION_SET: this.configurationSet.configurationSetName,
    };
  }

  /**
   * Allows `grantee` to send e-mail from the sender address only, through the configuration set.
   *
   * SES v2 `SendEmail` authorises the call against every identity the message involves: the one
   * that verifies the sender (the address, or its domain) and, while the account is in the SES
   * sandbox, each recipient's own verified identity too (AWS: "If your account is in the SES
   * sandbox, its restrictions will prevent the implementation of some of these policies"). A
   * grant on the sender's identities alone is refused there with "not authorized to perform
   * ses:SendEmail on resource …:identity/<recipient>". So the grant covers the account's
   * identities in this region (`identity/*`), and `ses:FromAddress` pins the sender: whatever
   * identity authorises the message, it can only come from the sender address. Out of the sandbox
   * recipients are not identities, and the grant allows no more than before.
   */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSet.configurationSetName,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': this.senderAddress } },
    });
    const principal = grantee.grantPrincipal;
    if (Construct.isConstruct(principal)) {
      Validations.of(principal).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
        reason:
          'SES identities of this account and region, so that sending works in the SES sandbox, where each verified recipient is an identity SES authorises against; the ses:FromAddress condition pins the sender address.',
      });
    }
    return grant;
  }
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
