import { ArnFormat, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
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
 */
export class Email extends Construct {
  /** The `From` address of every message. */
  readonly senderAddress: string;
  readonly configurationSet: ses.ConfigurationSet;
  /** The SES identities a message from the sender may be authorised by: address and domain. */
  private readonly identityArns: string[];

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

    const stack = Stack.of(this);
    const identityArn = (identity: string) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    // SES authorises SendEmail against the identity that verifies the sender: the address if it
    // is verified itself, otherwise its domain.
    this.identityArns = [identityArn(this.senderAddress), identityArn(Fn.select(1, Fn.split('@', this.senderAddress)))];

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
   * Allows `grantee` to send e-mail from the sender address only. SES v2 `SendEmail` checks the
   * sender's identity and, when the message names one, the configuration set, so both are
   * resources; `ses:FromAddress` pins the address even where the domain identity would allow any
   * address of the domain.
   */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ses:SendEmail'],
      resourceArns: [
        ...this.identityArns,
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSet.configurationSetName,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': this.senderAddress } },
    });
  }
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
