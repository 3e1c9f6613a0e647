import { Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EMAILED_LINK_API_ROUTES, type RouteRef } from '#web/access-rules.ts';

/** Properties of a {@link WebApi}. */
export interface WebApiProps {
  /** The Hono app's function (`hono/aws-lambda`); it serves every route. */
  readonly handler: lambda.IFunction;
  /** @default 20 requests per second, steady state */
  readonly rateLimit?: number;
  /** @default 50 requests */
  readonly burstLimit?: number;
}

/** Who issues the bearer tokens the JSON API accepts. */
export interface ApiSignIn {
  /** The OpenID Connect issuer (the user pool's). */
  readonly issuerUrl: string;
  /** The app client whose tokens are accepted: their `aud`, or for Cognito access tokens `client_id`. */
  readonly clientId: string;
}

/** `/api/proposals/:id/withdraw` (the app's route table) → `/api/proposals/{id}/withdraw` (API Gateway's). */
export function apiGatewayPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The API Gateway route key of an app route: `POST /api/proposals/{id}/withdraw`. */
export function apiGatewayRouteKey(route: RouteRef): string {
  return `${route.method} ${apiGatewayPath(route.path)}`;
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
 * The public web entry point: an API Gateway HTTP API in front of the web function (payload format
 * 2.0), with a throttled default stage that writes access logs without query strings. Its routes:
 * - `$default`, the pages, without an authorizer: the app checks its own session cookie and sends
 *   people to sign in, which an authorizer answering 401 could not;
 * - `/api` and `ANY /api/{proxy+}`, the JSON API, behind a JWT authorizer (see {@link requireSignIn});
 * - one route without an authorizer for each emailed-link endpoint of the JSON API
 *   (`EMAILED_LINK_API_ROUTES`), which the link's single-use secret authorizes.
 */
export class WebApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  /** The default stage; its URL is the product's public base URL unless a custom domain fronts it. */
  readonly stage: apigwv2.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  /** The bearer-token check of the JSON API, once {@link requireSignIn} has set it. */
  authorizer?: HttpJwtAuthorizer;
  private readonly integration: HttpLambdaIntegration;

  constructor(scope: Construct, id: string, props: WebApiProps) {
    super(scope, id);
    this.integration = new HttpLambdaIntegration('Web', props.handler, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'PMO Pipeline: intake form, approval pages, portfolio pages and JSON API.',
      // The $default route: every request no other route matches, i.e. the pages.
      defaultIntegration: this.integration,
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

    Validations.of(this.httpApi.node.findChild('DefaultRoute')).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default route serves the pages, which sign people in themselves: the web function checks its session cookie on every page and redirects to the managed login, or checks the single-use secret of an emailed link. The JSON API has routes of its own, behind the JWT authorizer.',
    });
    // Without the authorizer, $default would take the JSON API's requests too, unchecked by API Gateway.
    this.node.addValidation({
      validate: () => (this.authorizer ? [] : ['WebApi: requireSignIn() was never called, so /api/* has no JWT authorizer']),
    });
  }

  /**
   * Puts the JSON API behind a JWT authorizer that accepts the access tokens of `signIn`'s issuer
   * and client (signature from the issuer's keys, `exp`, `iss`, and `aud` or `client_id`), in the
   * `Authorization` header. The emailed-link endpoints stay open.
   */
  requireSignIn(signIn: ApiSignIn): void {
    if (this.authorizer) throw new Error('WebApi: requireSignIn() was already called');
    this.authorizer = new HttpJwtAuthorizer('SignedIn', signIn.issuerUrl, {
      jwtAudience: [signIn.clientId],
      identitySource: ['$request.header.Authorization'],
    });
    // `/api/{proxy+}` does not match `/api` itself, which would otherwise fall through to $default.
    for (const path of ['/api', '/api/{proxy+}']) {
      this.httpApi.addRoutes({ path, methods: [apigwv2.HttpMethod.ANY], integration: this.integration, authorizer: this.authorizer });
    }
    // API Gateway prefers a route without a greedy variable, and a method over ANY, so these win over /api/{proxy+}.
    for (const link of EMAILED_LINK_API_ROUTES) {
      const [route] = this.httpApi.addRoutes({
        path: apiGatewayPath(link.path),
        methods: [httpMethodOf(link.method)],
        integration: this.integration,
        authorizer: new apigwv2.HttpNoneAuthorizer(),
      });
      Validations.of(route as apigwv2.HttpRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${link.method} ${link.path} is answered from an emailed single-use link, without sign-in: the web function checks the link's secret, bound to its recipient, purpose and subject.`,
      });
    }
  }

  /** The API's base URL, ending in `/`. */
  get url(): string {
    return this.stage.url;
  }
}

function httpMethodOf(method: string): apigwv2.HttpMethod {
  const known = Object.values(apigwv2.HttpMethod) as string[];
  if (!known.includes(method)) throw new Error(`Not an HTTP method API Gateway routes: ${method}`);
  return method as apigwv2.HttpMethod;
}
