import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * The product's private files: invoice PDFs (`invoices/`) and, next, archived reports (`reports/`).
 * Uploads come straight from the client by presigned POST (a Lambda payload is limited to 6 MB);
 * downloads go through short-lived presigned links. Nothing is public, everything is encrypted and
 * reached over TLS only, and the bucket outlives the stack (finance records are kept for years).
 */
export class FileStore extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // S3-managed keys: the files are as sensitive as the table, which uses AWS-owned keys; a
      // customer-managed key would add a key policy and cost without a reader to keep out.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versions keep a replaced or deleted invoice PDF recoverable; old ones expire after a year.
      versioned: true,
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { noncurrentVersionExpiration: Duration.days(365) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Server access logs are not kept: every read and write goes through the product, which records who uploaded and who downloaded each file in the audit trail; CloudTrail data events are the operator’s switch for more.',
    });
  }

  /**
   * Lets `grantee` upload (through presigned POSTs it signs), read and delete the objects under
   * `prefix` only: no listing, nothing on the bucket itself (with the cdk-nag acknowledgement of
   * the `<bucket>/<prefix>*` resource).
   */
  grantFiles(grantee: iam.IGrantable, prefix: string): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], resourceArns: [this.bucket.arnForObjects(`${prefix}*`)] });
    const principal = grantee.grantPrincipal;
    if (Construct.isConstruct(principal)) {
      const bucketArn = Stack.of(this).resolve(this.bucket.bucketArn) as { 'Fn::GetAtt': [string, string] };
      Validations.of(principal).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketArn['Fn::GetAtt'][0]}.Arn>/${prefix}*]`,
        reason: `The objects under ${prefix} in the product's own files bucket: one prefix per kind of file, never the whole bucket.`,
      });
    }
    return grant;
  }
}
