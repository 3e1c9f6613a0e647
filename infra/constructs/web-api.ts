import { Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Properties of a {@link WebApi}. */
export interface WebApiProps {
  /** The Hono app's function (`hono/aws-lambda`); it serves every route. */
  readonly handler: lambda.IFunction;
  /** @default 20 requests per second, steady state */
  readonly rateLimit?: number;
  /** @default 50 requests */
  readonly burstLimit?: number;
}

/**
 * Access log fields. The query string is deliberately absent: approval links carry their
 * single-use secret there, and a log must not become a place to harvest them. `$context.path`
 * and `$context.routeKey` carry the path only.
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
});

/**
 * The public web entry point: an API Gateway HTTP API whose `$default` route sends every request
 * to the web function (payload format 2.0), with a throttled default stage that writes access
 * logs without query strings.
 */
export class WebApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  /** The default stage; its URL is the product's public base URL unless a custom domain fronts it. */
  readonly stage: apigwv2.HttpStage;
  readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WebApiProps) {
    super(scope, id);
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'PMO Pipeline: intake form, approval pages, portfolio pages and JSON API.',
      defaultIntegration: new HttpLambdaIntegration('Web', props.handler, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
      // The default stage is created below, because HttpApi's own takes no logging or throttling.
      createDefaultStage: false,
    });
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 20, burstLimit: props.burstLimit ?? 50 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    // Acknowledged on the API, so that they cover its routes.
    Validations.of(this.httpApi).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Public by design: anyone may submit a proposal through the intake form, and approval pages authenticate each decision by a single-use secret in the emailed link, checked by the web function.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'No Cognito user pool: submitters and approvers have no accounts; approval links authenticate by a single-use secret checked by the web function.',
      },
    );
  }

  /** The API's base URL, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}
