import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FUNCTION_CATALOGUE, type FunctionKey } from '#handlers/catalogue.ts';

/** The repository root: catalogue entries, the tsconfig and the lock file are relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The service name Powertools stamps on every log line and trace. */
export const SERVICE_NAME = 'pmo-pipeline';

/** Properties of a {@link PmoFunction}. */
export interface PmoFunctionProps {
  /** Which catalogued function this is; its entry module and description come from the catalogue. */
  readonly functionKey: FunctionKey;
  /** Environment variables the handler reads, on top of the defaults every function gets. */
  readonly environment?: Record<string, string>;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Where Lambda puts an asynchronous invocation (an EventBridge rule's) that still fails after
   * its retries, so that an operator can see and replay it.
   * @default none: the function is invoked synchronously
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/**
 * A catalogued Lambda function with the product's defaults: Node.js 24 on arm64, bundled locally
 * by esbuild into one minified ES module with source maps, X-Ray active tracing, JSON logs to its
 * own log group with a retention period, and a role of its own that can only write that group.
 */
export class PmoFunction extends NodejsFunction {
  /** The catalogue key this function was built from. */
  readonly functionKey: FunctionKey;

  constructor(scope: Construct, id: string, props: PmoFunctionProps) {
    const catalogued = FUNCTION_CATALOGUE[props.functionKey];
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    // An explicit role instead of the default one: the default attaches the managed
    // AWSLambdaBasicExecutionRole (logs on every group), we grant writes to this function's group only.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.functionKey} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(REPO_ROOT, catalogued.entry),
      handler: 'handler',
      description: catalogued.description,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role,
      logGroup,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        // Stack traces point at the TypeScript sources rather than the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        // Some dependencies are CommonJS and call require(); an ES module has none of its own.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        target: 'node24',
        tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
        // The SDK clients are pinned in package.json and bundled, rather than taken from whatever
        // version the runtime happens to ship.
        externalModules: [],
        forceDockerBundling: false,
      },
    });
    this.functionKey = props.functionKey;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so Lambda grants them on "*".',
    });
  }
}
