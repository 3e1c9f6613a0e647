import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { INDEX_NAMES } from '#adapters/table-keys.ts';

/**
 * The product's single DynamoDB table: `pk`/`sk` string keys, three generic GSIs (`gsiNpk`/`gsiNsk`,
 * all attributes projected), on-demand capacity, point-in-time recovery, TTL on `expiresAt`, and
 * encryption with the AWS-managed key. It holds business records, so it is retained when the stack
 * is deleted.
 */
export class PmoTable extends dynamodb.Table {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The generic indexes every access pattern maps onto, from the list the repositories read.
    for (const index of INDEX_NAMES) {
      this.addGlobalSecondaryIndex({
        indexName: index,
        partitionKey: { name: `${index}pk`, type: dynamodb.AttributeType.STRING },
        sortKey: { name: `${index}sk`, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * `grantReadWriteData` (item-level actions on the table and its indexes: the narrowest grant CDK
   * offers for a repository that reads and writes items), plus the cdk-nag suppression for the
   * `<table>/index/*` resource it includes: queries run on the table's own GSIs.
   */
  grantItemReadWrite(grantee: iam.IGrantable): iam.Grant {
    const grant = this.grantReadWriteData(grantee);
    const principal = grantee.grantPrincipal;
    if (!Construct.isConstruct(principal)) return grant;
    const tableArn = Stack.of(this).resolve(this.tableArn) as { 'Fn::GetAtt': [string, string] };
    Validations.of(principal).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableArn['Fn::GetAtt'][0]}.Arn>/index/*]`,
      reason: "Queries on the product table's own global secondary indexes (gsi1..gsi3); the wildcard names its indexes only.",
    });
    return grant;
  }
}
