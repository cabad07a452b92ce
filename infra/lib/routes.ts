import { CfnOutput, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cwlogs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { envelopeRequestTemplates } from './envelope-template';
import { AckbotSettings, RouteAck } from './settings';

/** One webhook route of the API. */
export interface WebhookRoute {
  readonly path: string;
  readonly ack: RouteAck;
  /** Id of the output holding the route's full URL (the stack output's name under `AckbotStack`). */
  readonly outputName: string;
  /** The output's description; undefined: "Webhook URL for <path>: paste it into the platform's console". */
  readonly outputDescription?: string;
}

/**
 * Discord's interactions route: always acked by the front door (Discord wants the Ed25519 signature
 * verified before any answer, and a JSON interaction response), so it has no ack setting.
 */
const DISCORD_INTERACTIONS: WebhookRoute = {
  path: '/discord/interactions',
  ack: { ack: 'function', status: 200 },
  outputName: 'DiscordInteractionsUrl',
  outputDescription:
    "Discord's interactions endpoint: paste it into the Developer Portal, General Information → Interactions Endpoint URL " +
    '(Discord saves it after a PING and a deliberately bad signature, both answered by the front door)',
};

/** The routes of the enabled platforms, in a stable order. */
export function enabledRoutes(settings: AckbotSettings): WebhookRoute[] {
  const routes: WebhookRoute[] = [];
  if (settings.slack.enabled) {
    routes.push(
      { path: '/slack/commands', ack: settings.slack.commands, outputName: 'SlackCommandsUrl' },
      { path: '/slack/interactions', ack: settings.slack.interactions, outputName: 'SlackInteractionsUrl' },
      { path: '/slack/events', ack: settings.slack.events, outputName: 'SlackEventsUrl' },
    );
  }
  if (settings.line.enabled) {
    routes.push({ path: '/line/webhook', ack: settings.line.webhook, outputName: 'LineWebhookUrl' });
  }
  if (settings.discord?.enabled === true) routes.push({ ...DISCORD_INTERACTIONS });
  return routes;
}

/**
 * What an access log line holds: who asked, what, and how it went — never a body or a header
 * (a webhook's signature is in a header).
 */
const ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    sourceIp: '$context.identity.sourceIp',
    requestTime: '$context.requestTimeEpoch',
    httpMethod: '$context.httpMethod',
    resourcePath: '$context.resourcePath',
    status: '$context.status',
    responseLatencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integration.latency',
    integrationStatus: '$context.integration.status',
    error: '$context.error.message',
  }),
);

/** The REST API that receives the webhooks, as `scope`'s `WebhookApi`, with its one stage. */
export function webhookApi(scope: Construct, settings: AckbotSettings): apigateway.RestApi {
  const logs = settings.api.accessLogs !== false;
  const accessLogs = logs
    ? new cwlogs.LogGroup(scope, 'ApiAccessLogs', {
        retention: (settings.api.logRetentionDays ?? 30) as cwlogs.RetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      })
    : undefined;
  const api = new apigateway.RestApi(scope, 'WebhookApi', {
    description: 'ackbot: acknowledges Slack/LINE webhooks and hands them to the worker asynchronously',
    endpointConfiguration: { types: [apigateway.EndpointType[settings.api.endpointType]] },
    // API Gateway writes logs through the account's CloudWatch role (one per account and
    // region); kept on deletion, since other APIs of the account may log through it.
    ...(logs && settings.api.cloudWatchRole !== false
      ? { cloudWatchRole: true, cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN }
      : { cloudWatchRole: false }),
    deployOptions: {
      stageName: settings.api.stageName,
      throttlingRateLimit: settings.api.throttlingRateLimit,
      throttlingBurstLimit: settings.api.throttlingBurstLimit,
      metricsEnabled: true,
      ...(accessLogs
        ? {
            accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
            accessLogFormat: ACCESS_LOG_FORMAT,
            // Errors only, and never the request or response (dataTrace would log bodies).
            loggingLevel: apigateway.MethodLoggingLevel.ERROR,
            dataTraceEnabled: false,
          }
        : {}),
    },
  });
  if (settings.api.webAclArn) {
    new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
      resourceArn: api.deploymentStage.stageArn,
      webAclArn: settings.api.webAclArn,
    });
  }
  acknowledgeApi(api, settings);
  return api;
}

/** cdk-nag's AWS Solutions findings on the API that ackbot answers with a reason, not a change. */
function acknowledgeApi(api: apigateway.RestApi, settings: AckbotSettings): void {
  const stage = api.deploymentStage;
  const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
  if (cloudWatchRole) {
    Validations.of(cloudWatchRole).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: "API Gateway's log delivery role takes the policy AWS documents for it, which only writes CloudWatch Logs.",
    });
  }
  Validations.of(api).acknowledge({
    id: 'AwsSolutions::AwsSolutions-APIG2',
    reason: "Webhooks are checked against their platform's signature over the raw body, which a request model could only duplicate, and a validator's 400 would skip the rejection's log line and metric.",
  });
  if (!settings.api.webAclArn) {
    Validations.of(stage).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG3',
      reason: 'No web ACL is configured (api.webAclArn); throttling and the platforms\' signatures bound what a caller can do.',
    });
  }
  if (settings.api.accessLogs === false) {
    for (const id of ['APIG1', 'APIG6']) {
      Validations.of(stage).acknowledge({
        id: `AwsSolutions::AwsSolutions-${id}`,
        reason: 'Turned off by the deployer (api.accessLogs=false).',
      });
    }
  }
}

/** The functions the routes invoke. */
export interface RouteTargets {
  readonly worker: lambda.IFunction;
  /** Required when a route is function-acked. */
  readonly frontDoor?: lambda.IFunction;
}

/**
 * Every route on `api`, each in its ack mode, and an output (a child of `scope`, named by the
 * route's `outputName`) with its full URL.
 */
export function addWebhookRoutes(
  scope: Construct,
  api: apigateway.RestApi,
  routes: WebhookRoute[],
  targets: RouteTargets,
  settings: AckbotSettings,
): void {
  for (const route of routes) {
    if (route.ack.ack === 'function') addFunctionRoute(api, targets.frontDoor, route);
    else addGatewayRoute(api, targets.worker, route, settings);
    new CfnOutput(scope, route.outputName, {
      value: api.urlForPath(route.path),
      description: route.outputDescription ?? `Webhook URL for ${route.path}: paste it into the platform's console`,
    });
  }
}

/** Gateway ack: POST route → non-proxy Lambda integration, invoked with X-Amz-Invocation-Type: Event. */
function addGatewayRoute(api: apigateway.RestApi, worker: lambda.IFunction, route: WebhookRoute, settings: AckbotSettings): void {
  const status = String(route.ack.status);
  const integration = new apigateway.LambdaIntegration(worker, {
    proxy: false,
    // Only the deployed stage may invoke; the console's test-invoke is not granted.
    allowTestInvoke: false,
    requestParameters: {
      'integration.request.header.X-Amz-Invocation-Type': "'Event'",
    },
    // Content types without a template are answered 415 (see envelope-template.ts on $default).
    passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
    requestTemplates: envelopeRequestTemplates(route.path, settings.api.extraContentTypes),
    integrationResponses: [
      {
        // The async Invoke answers 202 with no payload; this default response turns it into the ack.
        statusCode: status,
        responseTemplates: route.ack.body !== undefined ? { 'application/json': route.ack.body } : undefined,
      },
    ],
  });
  const resource = api.root.resourceForPath(route.path);
  const method = resource.addMethod('POST', integration, {
    // The platforms authenticate by signature, verified by the worker against the exact bytes.
    authorizationType: apigateway.AuthorizationType.NONE,
    methodResponses: [
      {
        statusCode: status,
        responseModels: route.ack.body !== undefined ? { 'application/json': apigateway.Model.EMPTY_MODEL } : undefined,
      },
    ],
  });
  acknowledgeOpen(method, SIGNED);
}

/** Why a webhook method has no authorizer. */
const SIGNED =
  "Webhooks are authenticated by their platform's signature over the raw body (checked by the front door and the worker), not by an authorizer: Slack, LINE and Discord cannot send one.";

/** Acknowledges cdk-nag's "no authorizer" findings (APIG4, COG4) on `method`, for `reason`. */
export function acknowledgeOpen(method: apigateway.Method, reason: string): void {
  for (const id of ['APIG4', 'COG4']) {
    Validations.of(method).acknowledge({ id: `AwsSolutions::AwsSolutions-${id}`, reason });
  }
}

/**
 * Function ack: POST route → Lambda proxy integration of the front door, invoked synchronously.
 * Proxy, because the answer's status, content type and body are computed by the function and a
 * proxy integration passes them through verbatim (non-proxy would need an integration response with
 * a selection pattern per status). The proxy event already carries the body, the headers and
 * requestContext.requestTimeEpoch / requestId / identity.sourceIp, so there is no template.
 */
function addFunctionRoute(api: apigateway.RestApi, frontDoor: lambda.IFunction | undefined, route: WebhookRoute): void {
  if (!frontDoor) throw new Error(`${route.path} is a function-ack route but there is no front door`);
  const method = api.root.resourceForPath(route.path).addMethod('POST', frontDoorIntegration(frontDoor), {
    // The platforms authenticate by signature, verified by the front door against the exact bytes.
    authorizationType: apigateway.AuthorizationType.NONE,
  });
  acknowledgeOpen(method, SIGNED);
}

/**
 * A Lambda proxy integration of the front door: API Gateway passes the function's `statusCode`,
 * `headers`, `multiValueHeaders` and `body` through verbatim.
 */
export function frontDoorIntegration(frontDoor: lambda.IFunction): apigateway.LambdaIntegration {
  return new apigateway.LambdaIntegration(frontDoor, {
    proxy: true,
    // Only the deployed stage may invoke; the console's test-invoke is not granted.
    allowTestInvoke: false,
  });
}
