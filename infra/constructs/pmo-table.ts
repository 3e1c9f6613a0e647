import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
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
   * Grants `grantee` exactly the item actions of `access` on the table, and `dynamodb:Query` on
   * the table's own indexes when it queries them (with the cdk-nag acknowledgement for the
   * `<table>/index/*` resource). Never table management, scans, streams or batch reads: CDK's
   * `grantReadWriteData` would add all of those.
   */
  grantAccess(grantee: iam.IGrantable, access: TableAccess): iam.Grant[] {
    const grants: iam.Grant[] = [];
    if (access.items.length > 0) {
      grants.push(iam.Grant.addToPrincipal({ grantee, actions: access.items.map((action) => `dynamodb:${action}`), resourceArns: [this.tableArn] }));
    }
    if (access.queriesIndexes) {
      grants.push(iam.Grant.addToPrincipal({ grantee, actions: ['dynamodb:Query'], resourceArns: [`${this.tableArn}/index/*`] }));
      const principal = grantee.grantPrincipal;
      if (Construct.isConstruct(principal)) {
        const tableArn = Stack.of(this).resolve(this.tableArn) as { 'Fn::GetAtt': [string, string] };
        Validations.of(principal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${tableArn['Fn::GetAtt'][0]}.Arn>/index/*]`,
          reason: "Queries on the product table's own global secondary indexes (gsi1..gsi3); the wildcard names its indexes only.",
        });
      }
    }
    return grants;
  }
}

/** A DynamoDB item action a function may be granted on the product table. */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchWriteItem';

/** What a function does with the product table, as {@link PmoTable.grantAccess} grants it. */
export interface TableAccess {
  /** Actions on the table itself; `Query` here is a query on the table's own keys. */
  readonly items: readonly TableAction[];
  /** Whether it queries the global secondary indexes (gsi1..gsi3). */
  readonly queriesIndexes?: boolean;
}
