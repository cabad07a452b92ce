import { CfnOutput } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
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
}

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
  return routes;
}

/** The REST API that receives the webhooks, as `scope`'s `WebhookApi`, with its one stage. */
export function webhookApi(scope: Construct, settings: AckbotSettings): apigateway.RestApi {
  return new apigateway.RestApi(scope, 'WebhookApi', {
    description: 'ackbot: acknowledges Slack/LINE webhooks and hands them to the worker asynchronously',
    endpointConfiguration: { types: [apigateway.EndpointType[settings.api.endpointType]] },
    // No account-wide CloudWatch role: access/execution logging stays off unless you add it.
    cloudWatchRole: false,
    deployOptions: {
      stageName: settings.api.stageName,
      throttlingRateLimit: settings.api.throttlingRateLimit,
      throttlingBurstLimit: settings.api.throttlingBurstLimit,
      metricsEnabled: true,
    },
  });
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
      description: `Webhook URL for ${route.path}: paste it into the platform's console`,
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
  resource.addMethod('POST', integration, {
    // The platforms authenticate by signature, verified by the worker against the exact bytes.
    authorizationType: apigateway.AuthorizationType.NONE,
    methodResponses: [
      {
        statusCode: status,
        responseModels: route.ack.body !== undefined ? { 'application/json': apigateway.Model.EMPTY_MODEL } : undefined,
      },
    ],
  });
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
  api.root.resourceForPath(route.path).addMethod('POST', frontDoorIntegration(frontDoor), {
    // The platforms authenticate by signature, verified by the front door against the exact bytes.
    authorizationType: apigateway.AuthorizationType.NONE,
  });
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
