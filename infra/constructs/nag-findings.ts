import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The cdk-nag finding id for the `<function ARN>:*` resource that CDK's Lambda invoke grants add
 * (the function's versions and aliases), e.g. `AwsSolutions-IAM5[Resource::<WebABC123.Arn>:*]`.
 * cdk-nag 3 acknowledges findings by exact id, and names a resource by its logical id.
 */
export function invokeWildcardFinding(fn: lambda.IFunction): string {
  const arn: unknown = Stack.of(fn).resolve(fn.functionArn);
  const getAtt = typeof arn === 'object' && arn !== null ? (arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] : undefined;
  const resource = typeof arn === 'string' ? arn : getAtt ? `<${getAtt[0]}.${getAtt[1]}>` : undefined;
  if (resource === undefined) throw new Error(`Cannot name the ARN of ${fn.node.path} for cdk-nag`);
  return `AwsSolutions-IAM5[Resource::${resource}:*]`;
}
