import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { AckbotBot } from '../lib/ackbot-bot';
import { AckbotStack } from '../lib/ackbot-stack';
import { BASE_CONTENT_TYPES } from '../lib/envelope-template';
import { DEFAULT_SETTINGS, mergeSettings } from '../lib/settings';
import { STAND_IN_ASSET, logicalId, methodsByRoute, resources, roleStatements, synth, testApp } from './helpers';

const SLACK_ROUTES = ['/slack/commands', '/slack/interactions', '/slack/events'];
const ALL_ROUTES = [...SLACK_ROUTES, '/line/webhook'];
/** The defaults' acknowledgement modes (settings.ts). */
const GATEWAY_ROUTES = ['/slack/commands', '/line/webhook'];
const FUNCTION_ROUTES = ['/slack/interactions', '/slack/events'];
/** Every route acked by the gateway: the stack as it was before the front door. */
const ALL_GATEWAY = { slack: { interactions: { ack: 'gateway' as const }, events: { ack: 'gateway' as const } } };

// One synth of the defaults, shared by the tests that only read it.
const defaults = synth();
const workerId = logicalId(defaults.template, 'AWS::Lambda::Function', 'Worker');
const frontId = logicalId(defaults.template, 'AWS::Lambda::Function', 'FrontDoor');

/** The integration type and target function of each route's POST method. */
function integrationTargets(template: Template): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  for (const [route, method] of Object.entries(methodsByRoute(template))) {
    const integration = method.Properties.Integration;
    const uri = JSON.stringify(integration.Uri);
    const target = /"Fn::GetAtt":\["(\w+)","Arn"\]/.exec(uri)?.[1] ?? uri;
    out[route] = [integration.Type, target.replace(/[0-9A-F]{8}$/, '')];
  }
  return out;
}

describe('routes', () => {
  test('both platforms enabled: the four POST routes exist', () => {
    expect(Object.keys(methodsByRoute(defaults.template)).sort()).toEqual([...ALL_ROUTES].sort());
    for (const method of Object.values(methodsByRoute(defaults.template))) {
      expect(method.Properties.HttpMethod).toBe('POST');
      expect(method.Properties.AuthorizationType).toBe('NONE');
    }
  });

  test('LINE disabled: no /line resource, no LINE output', () => {
    const { template } = synth({ line: { enabled: false } });
    expect(Object.keys(methodsByRoute(template)).sort()).toEqual([...SLACK_ROUTES].sort());
    const pathParts = resources(template, 'AWS::ApiGateway::Resource').map((r) => r.Properties.PathPart);
    expect(pathParts).not.toContain('line');
    expect(pathParts).not.toContain('webhook');
    expect(Object.keys(template.findOutputs('LineWebhookUrl'))).toEqual([]);
    expect(Object.keys(template.findOutputs('SlackCommandsUrl'))).toEqual(['SlackCommandsUrl']);
  });

  test('Slack disabled: only /line/webhook, and (LINE being gateway-acked) no front door', () => {
    const { template } = synth({ slack: { enabled: false } });
    expect(Object.keys(methodsByRoute(template))).toEqual(['/line/webhook']);
    expect(Object.keys(template.findOutputs('SlackEventsUrl'))).toEqual([]);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    expect(Object.keys(template.findOutputs('FrontDoorFunctionName'))).toEqual([]);
  });

  test('no other methods than the webhook routes', () => {
    expect(resources(defaults.template, 'AWS::ApiGateway::Method')).toHaveLength(ALL_ROUTES.length);
  });
});

describe('acknowledgement modes', () => {
  test('defaults: Slack events and interactions by the front door, commands and LINE by the gateway', () => {
    expect(integrationTargets(defaults.template)).toEqual({
      '/slack/commands': ['AWS', 'Worker'],
      '/slack/interactions': ['AWS_PROXY', 'FrontDoor'],
      '/slack/events': ['AWS_PROXY', 'FrontDoor'],
      '/line/webhook': ['AWS', 'Worker'],
    });
  });

  test('a route switched to gateway becomes non-proxy to the worker; its neighbours keep their modes', () => {
    const { template } = synth({ slack: { events: { ack: 'gateway' } } });
    expect(integrationTargets(template)).toEqual({
      '/slack/commands': ['AWS', 'Worker'],
      '/slack/interactions': ['AWS_PROXY', 'FrontDoor'],
      '/slack/events': ['AWS', 'Worker'],
      '/line/webhook': ['AWS', 'Worker'],
    });
    const events = methodsByRoute(template)['/slack/events'].Properties.Integration;
    expect(events.RequestParameters).toEqual({ 'integration.request.header.X-Amz-Invocation-Type': "'Event'" });
    expect(Object.keys(events.RequestTemplates)).toEqual([...BASE_CONTENT_TYPES]);
  });

  test('LINE may be function-acked too', () => {
    const { template } = synth({ line: { webhook: { ack: 'function' } } });
    expect(integrationTargets(template)['/line/webhook']).toEqual(['AWS_PROXY', 'FrontDoor']);
  });

  test('every route gateway-acked: no front door function, role, log group, alarm or output', () => {
    const { template } = synth(ALL_GATEWAY);
    for (const [type] of Object.values(integrationTargets(template))) expect(type).toBe('AWS');
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::IAM::Role', 2); // the worker's, and API Gateway's log delivery
    template.resourceCountIs('AWS::Logs::LogGroup', 2); // the worker's, and the API's access logs
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4); // the worker's three and RejectedRequests
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))[0]).toMatch(/^Worker/);
    expect(Object.keys(template.findOutputs('FrontDoorFunctionName'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('FrontDoor');
  });

  test('a bad ack value, or a static body on a function route, is refused at synth', () => {
    expect(() => synth({ slack: { events: { ack: 'lambda' as never } } })).toThrow(/slack\.events\.ack must be gateway or function, got lambda/);
    expect(() => synth({ slack: { events: { body: '{"ok":true}' } } })).toThrow(
      /slack\.events\.body is for gateway acks only: on a function route the front door computes the answer/,
    );
    expect(() => synth({ line: { webhook: { ack: 'function', body: '{}' } } })).toThrow(/line\.webhook\.body is for gateway acks only/);
    // The same body is fine once the route is gateway-acked.
    expect(() => synth({ slack: { events: { ack: 'gateway', body: '{"ok":true}' } } })).not.toThrow();
  });
});

describe('integrations', () => {
  const methods = methodsByRoute(defaults.template);

  test.each(GATEWAY_ROUTES)('%s (gateway ack) invokes the worker asynchronously, non-proxy', (route) => {
    const integration = methods[route].Properties.Integration;
    expect(integration.Type).toBe('AWS');
    expect(integration.IntegrationHttpMethod).toBe('POST');
    expect(integration.RequestParameters).toEqual({ 'integration.request.header.X-Amz-Invocation-Type': "'Event'" });
    expect(JSON.stringify(integration.Uri)).toContain(`"${workerId}","Arn"`);
  });

  test.each(FUNCTION_ROUTES)('%s (function ack) is a Lambda proxy integration of the front door, no template', (route) => {
    const { Integration: integration, MethodResponses } = methods[route].Properties;
    expect(integration.Type).toBe('AWS_PROXY');
    expect(integration.IntegrationHttpMethod).toBe('POST');
    expect(JSON.stringify(integration.Uri)).toContain(`"${frontId}","Arn"`);
    // The proxy event carries body, headers and requestContext; the function's answer passes through.
    for (const key of ['RequestTemplates', 'RequestParameters', 'PassthroughBehavior', 'IntegrationResponses']) {
      expect(integration).not.toHaveProperty(key);
    }
    expect(MethodResponses).toBeUndefined();
  });

  test('binaryMediaTypes stays unset: it would change what the gateway routes\' templates see as $input.body', () => {
    expect(resources(defaults.template, 'AWS::ApiGateway::RestApi')[0].Properties.BinaryMediaTypes).toBeUndefined();
  });

  test.each(GATEWAY_ROUTES)('%s rejects unmapped content types (passthrough NEVER)', (route) => {
    expect(methods[route].Properties.Integration.PassthroughBehavior).toBe('NEVER');
  });

  test.each(GATEWAY_ROUTES)('%s has the Envelope template for JSON, LINE, Slack form types and no $default', (route) => {
    const templates = methods[route].Properties.Integration.RequestTemplates as Record<string, string>;
    expect(Object.keys(templates).sort()).toEqual(
      ['application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded'].sort(),
    );
    expect(templates).not.toHaveProperty('$default');
    for (const template of Object.values(templates)) {
      expect(template).toContain(`"route": "${route}"`);
      expect(template).toContain('"body": "$util.base64Encode($input.body)"');
      expect(template).toContain('#foreach($name in $headers.keySet())');
      expect(template).toContain('$context.requestTimeEpoch');
      expect(template).toContain('$context.requestId');
      expect(template).toContain('$context.identity.sourceIp');
      expect(template).not.toContain("$input.json('$')");
      // Every escapeJavaScript is followed by the fix for AWS's \' escape.
      const escapes = template.match(/\$util\.escapeJavaScript\([^)]*\)(\)?)/g) ?? [];
      expect(escapes.length).toBe(4);
      expect(template.split('$util.escapeJavaScript(').length - 1).toBe(template.split(`.replaceAll("\\\\'","'")`).length - 1);
    }
  });

  test('the four routes\' templates are the same as before the front door when all are gateway-acked', () => {
    const { template } = synth(ALL_GATEWAY);
    for (const [route, method] of Object.entries(methodsByRoute(template))) {
      expect(method.Properties.Integration.PassthroughBehavior).toBe('NEVER');
      for (const t of Object.values<string>(method.Properties.Integration.RequestTemplates)) expect(t).toContain(`"route": "${route}"`);
    }
  });

  test('extra content types get the template too (gateway routes)', () => {
    const { template } = synth({ ...ALL_GATEWAY, api: { extraContentTypes: ['application/json;charset=UTF-8'] } });
    for (const method of Object.values(methodsByRoute(template))) {
      const keys = Object.keys(method.Properties.Integration.RequestTemplates);
      expect(keys).toEqual([...BASE_CONTENT_TYPES, 'application/json;charset=UTF-8']);
    }
  });

  test('$default as an extra content type is refused', () => {
    expect(() => synth({ api: { extraContentTypes: ['$default'] } })).toThrow(/\$default/);
  });

  test('API Gateway may invoke each route\'s function only from the deployed method, not test-invoke', () => {
    const permissions = resources(defaults.template, 'AWS::Lambda::Permission');
    expect(permissions).toHaveLength(ALL_ROUTES.length);
    for (const p of permissions) {
      expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(p.Properties.SourceArn)).not.toContain('test-invoke-stage');
      const source = JSON.stringify(p.Properties.SourceArn);
      const route = ALL_ROUTES.find((r) => source.includes(`"/POST${r}"`));
      const target = FUNCTION_ROUTES.includes(route!) ? frontId : workerId;
      expect(p.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [target, 'Arn'] });
    }
  });
});

describe('acknowledgements', () => {
  test.each(GATEWAY_ROUTES)('%s acks 200 with an empty body by default', (route) => {
    const method = methodsByRoute(defaults.template)[route];
    expect(method.Properties.Integration.IntegrationResponses).toEqual([{ StatusCode: '200' }]);
    expect(method.Properties.MethodResponses).toEqual([{ StatusCode: '200' }]);
  });

  test('202 and a static body are per-route settings', () => {
    const body = '{"response_type":"in_channel"}';
    const { template } = synth({ slack: { commands: { status: 202, body } }, line: { webhook: { status: 202 } } });
    const methods = methodsByRoute(template);
    const commands = methods['/slack/commands'].Properties;
    expect(commands.Integration.IntegrationResponses).toEqual([
      { StatusCode: '202', ResponseTemplates: { 'application/json': body } },
    ]);
    expect(commands.MethodResponses).toEqual([{ StatusCode: '202', ResponseModels: { 'application/json': 'Empty' } }]);
    expect(methods['/line/webhook'].Properties.Integration.IntegrationResponses).toEqual([{ StatusCode: '202' }]);
    expect(methods['/line/webhook'].Properties.MethodResponses).toEqual([{ StatusCode: '202' }]);
    // The function routes have no static ack at all: the front door's answer passes through.
    expect(methods['/slack/events'].Properties.Integration.IntegrationResponses).toBeUndefined();
    // A gateway route that was not changed keeps the documented 200.
    const interactions = methodsByRoute(synth({ slack: { interactions: { ack: 'gateway' } } }).template)['/slack/interactions'];
    expect(interactions.Properties.Integration.IntegrationResponses).toEqual([{ StatusCode: '200' }]);
  });

  test('a static body that is not JSON, or holds VTL syntax, is refused at synth', () => {
    expect(() => synth({ slack: { commands: { status: 200, body: 'not json' } } })).toThrow(/valid JSON/);
    expect(() => synth({ slack: { commands: { status: 200, body: '{"text":"$x"}' } } })).toThrow(/must not contain/);
    expect(() => synth({ slack: { commands: { status: 204 as never } } })).toThrow(/200 or 202/);
  });
});

describe('stage', () => {
  test('throttling and stage name come from settings', () => {
    defaults.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }),
      ]),
    });
    const { template } = synth({ api: { throttlingRateLimit: 5, throttlingBurstLimit: 7, stageName: 'v1' } });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 })]),
    });
  });

  test('regional endpoint; access logs as JSON without bodies or headers, errors logged, no data trace', () => {
    defaults.template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    // The account's log delivery role, kept on deletion (other APIs of the account may use it).
    defaults.template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const roles = defaults.template.findResources('AWS::IAM::Role', { DeletionPolicy: 'Retain' });
    expect(Object.keys(roles)).toHaveLength(1);
    const stage = resources(defaults.template, 'AWS::ApiGateway::Stage')[0].Properties;
    const format = JSON.parse(stage.AccessLogSetting.Format);
    expect(Object.keys(format).sort()).toEqual(
      ['error', 'httpMethod', 'integrationLatencyMs', 'integrationStatus', 'requestId', 'requestTime', 'resourcePath', 'responseLatencyMs', 'sourceIp', 'status'],
    );
    expect(stage.AccessLogSetting.Format).not.toMatch(/\$input|\$context\.requestOverride|header/i);
    expect(stage.MethodSettings[0]).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false });
    defaults.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // The account has a role already: none made. Logs off: no logging at all.
    const own = synth({ api: { cloudWatchRole: false, logRetentionDays: 7 } }).template;
    own.resourceCountIs('AWS::ApiGateway::Account', 0);
    own.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    const off = synth({ api: { accessLogs: false } }).template;
    off.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(resources(off, 'AWS::ApiGateway::Stage')[0].Properties.AccessLogSetting).toBeUndefined();
    // A web ACL, when given, is associated with the stage.
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/ackbot/a1b2c3d4';
    synth({ api: { webAclArn: arn } }).template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: arn });
    expect(() => synth({ api: { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/y' } })).toThrow(/api\.webAclArn must be a regional WAFv2 web ACL ARN/);
  });
});

describe('worker function', () => {
  test('provided.al2023 bootstrap on x86_64, ACKBOT_ROLE=worker, the secret ARN and JSON logs, no API URL overrides', () => {
    expect(resources(defaults.template, 'AWS::Lambda::Function')).toHaveLength(2); // the worker and the front door
    const p = defaults.template.toJSON().Resources[workerId].Properties;
    expect(p.Runtime).toBe('provided.al2023');
    expect(p.Handler).toBe('bootstrap');
    expect(p.Architectures).toEqual(['x86_64']);
    expect(p.MemorySize).toBe(256);
    expect(p.Timeout).toBe(30);
    const env = p.Environment.Variables;
    expect(env.ACKBOT_SECRET_ARN.Ref).toMatch(/^PlatformSecret/);
    expect(env.ACKBOT_LOG_FORMAT).toBe('json');
    expect(env.ACKBOT_ROLE).toBe('worker');
    expect(env.ACKBOT_BOT_NAME).toBe('Test'); // the stack's name
    expect(env.ACKBOT_HTTP_TIMEOUT_MS).toBe('10000');
    expect(Object.keys(env).sort()).toEqual([
      'ACKBOT_BOT_NAME',
      'ACKBOT_HTTP_TIMEOUT_MS',
      'ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS',
      'ACKBOT_IDEMPOTENCY_TABLE',
      'ACKBOT_LOG_FORMAT',
      'ACKBOT_ROLE',
      'ACKBOT_SECRET_ARN',
      'RUST_LOG',
    ]);
    expect(JSON.stringify(env)).not.toMatch(/SLACK_|LINE_/);
  });

  test('memory, timeout and architecture are settings', () => {
    const { template } = synth({ worker: { memoryMb: 512, timeoutSeconds: 60, architecture: 'arm64', reservedConcurrency: 5 } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ACKBOT_ROLE: 'worker' }) },
      MemorySize: 512,
      Timeout: 60,
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 5,
    });
  });

  test('log group with the configured retention is the function log group', () => {
    const logGroupId = logicalId(defaults.template, 'AWS::Logs::LogGroup', 'WorkerLogs');
    expect(defaults.template.toJSON().Resources[logGroupId].Properties).toEqual({ RetentionInDays: 30 });
    expect(defaults.template.toJSON().Resources[workerId].Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    const { template } = synth({ worker: { logRetentionDays: 7 } });
    expect(template.toJSON().Resources[logicalId(template, 'AWS::Logs::LogGroup', 'WorkerLogs')].Properties.RetentionInDays).toBe(7);
  });

  test('async invoke: 2 retries, 1 hour max age, failures to the DLQ', () => {
    const [dlqId] = Object.keys(defaults.template.findResources('AWS::SQS::Queue'));
    defaults.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      Qualifier: '$LATEST',
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
    });
    synth({ worker: { retryAttempts: 0, maxEventAgeSeconds: 600 } }).template.hasResourceProperties(
      'AWS::Lambda::EventInvokeConfig',
      { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 600 },
    );
  });

  test('out-of-range retry settings are refused', () => {
    expect(() => synth({ worker: { retryAttempts: 3 } })).toThrow(/retryAttempts/);
    expect(() => synth({ worker: { maxEventAgeSeconds: 30 } })).toThrow(/maxEventAgeSeconds/);
  });

  test('worker.httpTimeoutMs is ACKBOT_HTTP_TIMEOUT_MS of both functions', () => {
    const { template } = synth({ worker: { httpTimeoutMs: 2500 } });
    const fns = resources(template, 'AWS::Lambda::Function');
    expect(fns.map((f) => [f.Properties.Environment.Variables.ACKBOT_ROLE, f.Properties.Environment.Variables.ACKBOT_HTTP_TIMEOUT_MS]).sort()).toEqual([
      ['front', '2500'],
      ['worker', '2500'],
    ]);
    // Without a front door, the worker still gets it.
    const gatewayOnly = resources(synth({ ...ALL_GATEWAY, worker: { httpTimeoutMs: 700 } }).template, 'AWS::Lambda::Function');
    expect(gatewayOnly.map((f) => f.Properties.Environment.Variables.ACKBOT_HTTP_TIMEOUT_MS)).toEqual(['700']);
  });

  test('worker.httpTimeoutMs: a whole number 1–300000, at most half the worker\'s timeout', () => {
    expect(() => synth({ worker: { httpTimeoutMs: 0 } })).toThrow(/worker\.httpTimeoutMs must be a whole number of milliseconds from 1 to 300000, got 0/);
    expect(() => synth({ worker: { httpTimeoutMs: 1.5 } })).toThrow(/worker\.httpTimeoutMs must be a whole number/);
    const longest = { timeoutSeconds: 900 };
    const idempotency = { inProgressSeconds: 1000 }; // must outlive the worker's timeout
    expect(() => synth({ worker: { ...longest, httpTimeoutMs: 300001 }, idempotency })).toThrow(/from 1 to 300000, got 300001/);
    expect(() => synth({ worker: { ...longest, httpTimeoutMs: 300000 }, idempotency })).not.toThrow();
    // The default worker timeout, 30 s, leaves room for requests of up to 15 s.
    expect(() => synth({ worker: { httpTimeoutMs: 15001 } })).toThrow(
      /worker\.httpTimeoutMs must be at most half of worker\.timeoutSeconds × 1000 \(15000\), got 15001/,
    );
    expect(() => synth({ worker: { httpTimeoutMs: 15000 } })).not.toThrow();
    // A shorter worker timeout needs a shorter request timeout than the default 10 s.
    expect(() => synth({ worker: { timeoutSeconds: 10 } })).toThrow(/worker\.httpTimeoutMs must be at most half .* \(5000\), got 10000/);
    expect(() => synth({ worker: { timeoutSeconds: 10, httpTimeoutMs: 5000 } })).not.toThrow();
  });
});

describe('front door function', () => {
  const front = () => defaults.template.toJSON().Resources[frontId].Properties;

  test('the worker\'s runtime and architecture, selected by ACKBOT_ROLE=front, pointing at the worker', () => {
    const p = front();
    expect(p.Runtime).toBe('provided.al2023');
    expect(p.Handler).toBe('bootstrap');
    expect(p.Architectures).toEqual(['x86_64']);
    const [secretId] = Object.keys(defaults.template.findResources('AWS::SecretsManager::Secret'));
    expect(p.Environment.Variables).toEqual({
      ACKBOT_ROLE: 'front',
      ACKBOT_BOT_NAME: 'Test',
      ACKBOT_WORKER_FUNCTION: { Ref: workerId },
      ACKBOT_SECRET_ARN: { Ref: secretId },
      ACKBOT_LOG_FORMAT: 'json',
      RUST_LOG: 'info',
      ACKBOT_ACK_DEADLINE_MS: '2500',
      ACKBOT_HTTP_TIMEOUT_MS: '10000',
    });
    // No credentials in the environment: they are read from the secret.
    expect(Object.keys(p.Environment.Variables).filter((k) => /^(SLACK|LINE)_/.test(k))).toEqual([]);
  });

  test('defaults: 256 MB, 3 s (Slack\'s deadline), no reserved concurrency, no async invoke config', () => {
    expect(front().MemorySize).toBe(256);
    expect(front().Timeout).toBe(3);
    expect(front().ReservedConcurrentExecutions).toBeUndefined();
    // Only the worker is invoked asynchronously.
    const configs = resources(defaults.template, 'AWS::Lambda::EventInvokeConfig');
    expect(configs.map((c) => c.Properties.FunctionName)).toEqual([{ Ref: workerId }]);
  });

  test('memory, timeout, deadline, log level and reserved concurrency are settings; the architecture follows the worker', () => {
    const { template } = synth({
      worker: { architecture: 'arm64' },
      front: { memoryMb: 512, timeoutSeconds: 10, ackDeadlineMs: 8000, logLevel: 'ackbot=debug', reservedConcurrency: 4 },
    });
    const p = template.toJSON().Resources[logicalId(template, 'AWS::Lambda::Function', 'FrontDoor')].Properties;
    expect(p).toMatchObject({ MemorySize: 512, Timeout: 10, ReservedConcurrentExecutions: 4, Architectures: ['arm64'] });
    expect(p.Environment.Variables).toMatchObject({ ACKBOT_ACK_DEADLINE_MS: '8000', RUST_LOG: 'ackbot=debug' });
  });

  test('its own log group with front.logRetentionDays', () => {
    const logGroupId = logicalId(defaults.template, 'AWS::Logs::LogGroup', 'FrontDoorLogs');
    expect(defaults.template.toJSON().Resources[logGroupId].Properties).toEqual({ RetentionInDays: 30 });
    expect(front().LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
    const { template } = synth({ front: { logRetentionDays: 14 } });
    expect(template.toJSON().Resources[logicalId(template, 'AWS::Logs::LogGroup', 'FrontDoorLogs')].Properties.RetentionInDays).toBe(14);
    expect(() => synth({ front: { logRetentionDays: 10 } })).toThrow(/front\.logRetentionDays/);
  });

  test('out-of-range settings are refused', () => {
    expect(() => synth({ front: { timeoutSeconds: 30 } })).toThrow(/front\.timeoutSeconds must be 1–29/);
    expect(() => synth({ front: { timeoutSeconds: 0 } })).toThrow(/front\.timeoutSeconds/);
    expect(() => synth({ front: { ackDeadlineMs: 3000 } })).toThrow(/front\.ackDeadlineMs must be at least 100 and below .* \(3000\), got 3000/);
    expect(() => synth({ front: { ackDeadlineMs: 99 } })).toThrow(/front\.ackDeadlineMs/);
    expect(() => synth({ front: { memoryMb: 64 } })).toThrow(/front\.memoryMb/);
    expect(() => synth({ front: { reservedConcurrency: 0 } })).toThrow(/front\.reservedConcurrency/);
    // A longer timeout makes room for a longer deadline.
    expect(() => synth({ front: { timeoutSeconds: 29, ackDeadlineMs: 28000 } })).not.toThrow();
  });
});

describe('code asset', () => {
  /** The S3 assets of a stack (the Lambda code is one). */
  const assets = (stack: AckbotStack) => stack.node.findAll().filter((c): c is s3assets.Asset => c instanceof s3assets.Asset);

  test('a given workerCode is one asset, used by both functions', () => {
    const fns = resources(defaults.template, 'AWS::Lambda::Function');
    expect(fns).toHaveLength(2);
    expect(fns[0].Properties.Code).toEqual(fns[1].Properties.Code);
    expect(fns[0].Properties.Code.S3Key).toMatch(/\.zip$/);
    expect(assets(defaults.stack)).toHaveLength(1);
  });

  test('the cargo-lambda build is one asset too, used by both functions (bundling skipped here)', () => {
    // `aws:cdk:bundling-stacks: []` is what `cdk synth --exclusively` of another stack sets: the asset
    // is declared but not built, so this runs no cargo-lambda and stays fast.
    const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new AckbotStack(app, 'Cargo', { settings: DEFAULT_SETTINGS });
    const fns = resources(Template.fromStack(stack), 'AWS::Lambda::Function');
    expect(fns).toHaveLength(2);
    expect(fns[0].Properties.Code).toEqual(fns[1].Properties.Code);
    expect(assets(stack)).toHaveLength(1);
  });
});

describe('dead-letter queue', () => {
  test('keeps messages 14 days, encrypted, TLS only', () => {
    defaults.template.resourceCountIs('AWS::SQS::Queue', 1);
    defaults.template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    defaults.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('alarms', () => {
  /** The alarm with this construct id, e.g. "FrontDoorErrors". */
  const alarm = (t: Template, id: string) => t.toJSON().Resources[logicalId(t, 'AWS::CloudWatch::Alarm', id)].Properties;

  test('DLQ depth, function errors and destination delivery failures', () => {
    const [dlqId] = Object.keys(defaults.template.findResources('AWS::SQS::Queue'));
    defaults.template.resourceCountIs('AWS::CloudWatch::Alarm', 6); // these three, the front door's two, RejectedRequests
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      Statistic: 'Sum',
    });
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'DestinationDeliveryFailures',
    });
  });

  test('front door errors: its own Errors metric, the same threshold as the worker\'s', () => {
    expect(alarm(defaults.template, 'FrontDoorErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: frontId } }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm(defaults.template, 'WorkerErrors').Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: workerId } }]);
    const { template } = synth({ alarms: { functionErrorsThreshold: 4 } });
    expect(alarm(template, 'FrontDoorErrors').Threshold).toBe(4);
    expect(alarm(template, 'WorkerErrors').Threshold).toBe(4);
  });

  test('front door duration: halfway between the ack deadline and the timeout', () => {
    expect(alarm(defaults.template, 'FrontDoorNearTimeout')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: frontId } }],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 2750,
    });
    const { template } = synth({ front: { timeoutSeconds: 10, ackDeadlineMs: 6000 } });
    expect(alarm(template, 'FrontDoorNearTimeout').Threshold).toBe(8000);
  });

  test('alarms notify the configured SNS topic, and can be turned off', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
    const { template } = synth({ alarms: { snsTopicArn: topic } });
    expect(resources(template, 'AWS::CloudWatch::Alarm')).toHaveLength(6);
    for (const a of resources(template, 'AWS::CloudWatch::Alarm')) {
      expect(a.Properties.AlarmActions).toEqual([topic]);
    }
    synth({ alarms: { enabled: false } }).template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});

describe('secret and least privilege', () => {
  /** Every statement of every identity policy in the template. */
  function statements(t = defaults.template): Record<string, any>[] {
    return resources(t, 'AWS::IAM::Policy').flatMap((p) => p.Properties.PolicyDocument.Statement);
  }
  const asList = (x: unknown) => (Array.isArray(x) ? x : [x]);

  test('the created secret holds the four keys, empty', () => {
    const secrets = resources(defaults.template, 'AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    expect(JSON.parse(secrets[0].Properties.SecretString)).toEqual({
      SLACK_SIGNING_SECRET: '',
      SLACK_BOT_TOKEN: '',
      LINE_CHANNEL_SECRET: '',
      LINE_CHANNEL_ACCESS_TOKEN: '',
    });
    const { template } = synth({ line: { enabled: false } });
    expect(Object.keys(JSON.parse(resources(template, 'AWS::SecretsManager::Secret')[0].Properties.SecretString))).toEqual([
      'SLACK_SIGNING_SECRET',
      'SLACK_BOT_TOKEN',
    ]);
  });

  const workerRoleId = logicalId(defaults.template, 'AWS::IAM::Role', 'WorkerRole');
  const frontRoleId = logicalId(defaults.template, 'AWS::IAM::Role', 'FrontDoorRole');

  test('secretsmanager:GetSecretValue only, only on the one secret, once per function role', () => {
    const [secretId] = Object.keys(defaults.template.findResources('AWS::SecretsManager::Secret'));
    for (const roleId of [workerRoleId, frontRoleId]) {
      const secretStatements = roleStatements(defaults.template, roleId).filter((s) =>
        asList(s.Action).some((a: string) => a.startsWith('secretsmanager:')),
      );
      expect(secretStatements).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } }]);
    }
    expect(statements().some((s) => asList(s.Action).some((a: string) => a.startsWith('kms:')))).toBe(false);
  });

  test('no statement allows a wildcard action or resource', () => {
    for (const s of statements()) {
      for (const a of asList(s.Action)) expect(a).not.toMatch(/\*/);
      for (const r of asList(s.Resource)) expect(JSON.stringify(r)).not.toMatch(/\*/);
    }
  });

  test('the worker role holds exactly: its secret, its idempotency table, its DLQ, its log group; no managed policies', () => {
    const [secretId] = Object.keys(defaults.template.findResources('AWS::SecretsManager::Secret'));
    const [dlqId] = Object.keys(defaults.template.findResources('AWS::SQS::Queue'));
    const logGroupId = logicalId(defaults.template, 'AWS::Logs::LogGroup', 'WorkerLogs');
    const tableId = logicalId(defaults.template, 'AWS::DynamoDB::Table', 'IdempotencyTable');
    expect(roleStatements(defaults.template, workerRoleId)).toEqual([
      // The log group's Arn attribute ends in ":*" (its streams), which is as narrow as streams allow.
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } },
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      },
    ]);
    // The functions' roles take no managed policy; API Gateway's log delivery role only AWS's own.
    const roles = resources(defaults.template, 'AWS::IAM::Role');
    const lambdas = roles.filter((r) => JSON.stringify(r).includes('lambda.amazonaws.com'));
    expect(lambdas).toHaveLength(2);
    for (const role of lambdas) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const delivery = roles.filter((r) => !lambdas.includes(r));
    expect(JSON.stringify(delivery.map((r) => r.Properties.ManagedPolicyArns))).toMatch(/^\[\[\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs"\]\]\}\]\]$/);
  });

  test('the front door role holds exactly: its log group, the secret, invoking the worker (its ARN, no qualifier)', () => {
    const [secretId] = Object.keys(defaults.template.findResources('AWS::SecretsManager::Secret'));
    const logGroupId = logicalId(defaults.template, 'AWS::Logs::LogGroup', 'FrontDoorLogs');
    expect(roleStatements(defaults.template, frontRoleId)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } },
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [workerId, 'Arn'] } },
    ]);
    const role = defaults.template.toJSON().Resources[frontRoleId].Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    expect(role.ManagedPolicyArns).toBeUndefined();
    // The function uses that role, and no other policy names it.
    expect(defaults.template.toJSON().Resources[frontId].Properties.Role).toEqual({ 'Fn::GetAtt': [frontRoleId, 'Arn'] });
    const invokers = statements().filter((s) => asList(s.Action).includes('lambda:InvokeFunction'));
    expect(invokers).toHaveLength(1);
  });

  test('an existing secret by name: no secret created, the name plus the random suffix granted', () => {
    const { template } = synth({ secret: { existing: 'ackbot/prod' } });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const granted = statements(template).filter((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(granted).toHaveLength(2); // the worker and the front door
    for (const g of granted) expect(JSON.stringify(g.Resource)).toContain(':secret:ackbot/prod-??????');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { ACKBOT_SECRET_ARN: Match.objectLike({ 'Fn::Join': Match.anyValue() }) } },
    });
  });

  test('an existing secret by complete ARN with a customer key: exact ARN, kms:Decrypt via Secrets Manager', () => {
    const arn = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:ackbot-AbCdEf';
    const key = 'arn:aws:kms:ap-northeast-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const { template } = synth({ secret: { existing: arn, kmsKeyArn: key } });
    for (const construct of ['WorkerRole', 'FrontDoorRole']) {
      const all = roleStatements(template, logicalId(template, 'AWS::IAM::Role', construct));
      expect(all).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn });
      expect(all).toContainEqual({
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: key,
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { ACKBOT_SECRET_ARN: arn } } });
  });
});

describe('outputs', () => {
  test('webhook URLs per route, the secret ARN and the DLQ URL', () => {
    const outputs = defaults.template.findOutputs('*');
    for (const name of ['SlackCommandsUrl', 'SlackEventsUrl', 'SlackInteractionsUrl', 'LineWebhookUrl', 'SecretArn', 'DeadLetterQueueUrl']) {
      expect(outputs).toHaveProperty(name);
    }
    expect(JSON.stringify(outputs.SlackCommandsUrl.Value)).toContain('/slack/commands');
    expect(JSON.stringify(outputs.LineWebhookUrl.Value)).toContain('/line/webhook');
    expect(outputs.WorkerFunctionName.Value).toEqual({ Ref: workerId });
  });

  test('FrontDoorFunctionName when a front door exists', () => {
    expect(defaults.template.findOutputs('FrontDoorFunctionName').FrontDoorFunctionName.Value).toEqual({ Ref: frontId });
  });
});

describe('idempotency table', () => {
  const tableId = () => logicalId(defaults.template, 'AWS::DynamoDB::Table', 'IdempotencyTable');
  const workerEnv = (template = defaults.template) =>
    resources(template, 'AWS::Lambda::Function').find((f) => f.Properties.Environment.Variables.ACKBOT_ROLE === 'worker')!
      .Properties.Environment.Variables;

  test('partition key id (S), TTL attribute expiration, on-demand', () => {
    const table = defaults.template.toJSON().Resources[tableId()].Properties;
    expect(table.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
  });

  test('named to the worker with its in-progress expiry, and the worker may only get (Slack assistant contexts), put, update and delete its items', () => {
    expect(workerEnv().ACKBOT_IDEMPOTENCY_TABLE).toEqual({ Ref: tableId() });
    expect(workerEnv().ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS).toBe('120000');
    const dynamo = roleStatements(defaults.template, logicalId(defaults.template, 'AWS::IAM::Role', 'WorkerRole')).filter((s) =>
      JSON.stringify(s.Action).includes('dynamodb:'),
    );
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0].Action).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    // Without Slack there are no assistant threads' contexts to read.
    const lineOnly = synth({ slack: { enabled: false } }).template;
    const lineDynamo = roleStatements(lineOnly, logicalId(lineOnly, 'AWS::IAM::Role', 'WorkerRole')).filter((s) =>
      JSON.stringify(s.Action).includes('dynamodb:'),
    );
    expect(lineDynamo[0].Action).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    expect(dynamo[0].Resource).toEqual({ 'Fn::GetAtt': [tableId(), 'Arn'] });
    // The front door never touches it.
    const front = roleStatements(defaults.template, logicalId(defaults.template, 'AWS::IAM::Role', 'FrontDoorRole'));
    expect(JSON.stringify(front)).not.toContain('dynamodb:');
  });

  test('disabled: no table, no variable, no grant', () => {
    const { template } = synth({ idempotency: { enabled: false } });
    expect(resources(template, 'AWS::DynamoDB::Table')).toHaveLength(0);
    expect(workerEnv(template).ACKBOT_IDEMPOTENCY_TABLE).toBeUndefined();
    expect(JSON.stringify(template.toJSON())).not.toContain('dynamodb:');
  });

  test('an in-progress expiry shorter than the worker timeout is refused', () => {
    expect(() => synth({ idempotency: { inProgressSeconds: 30 } })).toThrow(/inProgressSeconds must exceed worker.timeoutSeconds/);
  });
});

/** The metrics (namespace, name, dimensions) the alarm with construct id `id` watches, e.g. "RejectedRequests". */
function alarmMetrics(template: Template, id: string): Record<string, unknown>[] {
  const alarm = template.toJSON().Resources[logicalId(template, 'AWS::CloudWatch::Alarm', id)].Properties;
  return (alarm.Metrics as { MetricStat?: any }[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric);
}

describe('rejection spike alarm', () => {
  test('sums the Rejected metric of both roles from the embedded metric format lines', () => {
    const alarms = defaults.template.findResources('AWS::CloudWatch::Alarm');
    const [id] = Object.keys(alarms).filter((k) => k.startsWith('RejectedRequests'));
    const alarm = alarms[id].Properties;
    expect(alarm.Threshold).toBe(100);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    const metrics = alarm.Metrics as { Id: string; Expression?: string; MetricStat?: any }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('FILL(worker, 0) + FILL(front, 0)');
    const stats = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric);
    // The functions' EMF dimension set is [["Bot","Role"]]: the alarm selects both, Bot = the stack's name.
    expect(stats).toEqual([
      { Namespace: 'ackbot', MetricName: 'Rejected', Dimensions: [{ Name: 'Bot', Value: 'Test' }, { Name: 'Role', Value: 'worker' }] },
      { Namespace: 'ackbot', MetricName: 'Rejected', Dimensions: [{ Name: 'Bot', Value: 'Test' }, { Name: 'Role', Value: 'front' }] },
    ]);
    const { template } = synth({ alarms: { rejectedThreshold: 5 } });
    const other = template.findResources('AWS::CloudWatch::Alarm');
    const [otherId] = Object.keys(other).filter((k) => k.startsWith('RejectedRequests'));
    expect(other[otherId].Properties.Threshold).toBe(5);
  });
});

describe('bot name', () => {
  /** The stand-in code, one instance per stack (an asset belongs to one stack). */
  const standIn = () => lambda.Code.fromAsset(STAND_IN_ASSET);
  const envOf = (template: Template) =>
    resources(template, 'AWS::Lambda::Function').map((f) => f.Properties.Environment.Variables);

  test('botName is ACKBOT_BOT_NAME of both functions and the Bot dimension of the alarm', () => {
    const { template, stack } = synth({ botName: 'support-bot' });
    expect(stack.botName).toBe('support-bot');
    expect(stack.bot.botName).toBe('support-bot');
    expect(envOf(template).map((e) => [e.ACKBOT_ROLE, e.ACKBOT_BOT_NAME]).sort()).toEqual([
      ['front', 'support-bot'],
      ['worker', 'support-bot'],
    ]);
    for (const metric of alarmMetrics(template, 'RejectedRequests')) {
      expect(metric).toMatchObject({ Namespace: 'ackbot', Dimensions: [{ Name: 'Bot', Value: 'support-bot' }, expect.objectContaining({ Name: 'Role' })] });
    }
  });

  test('no alarm or metric in the ackbot namespace leaves out the Bot dimension', () => {
    for (const { template } of [defaults, synth(ALL_GATEWAY)]) {
      const inNamespace = JSON.stringify(template.toJSON()).match(/"Namespace":"ackbot"/g) ?? [];
      const metrics = resources(template, 'AWS::CloudWatch::Alarm').flatMap((a) => [
        ...(a.Properties.Namespace ? [a.Properties] : []),
        ...(a.Properties.Metrics ?? []).filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric),
      ]);
      const ours = metrics.filter((m) => m.Namespace === 'ackbot');
      expect(ours).toHaveLength(inNamespace.length);
      expect(ours.length).toBeGreaterThan(0);
      for (const m of ours) expect(m.Dimensions.map((d: { Name: string }) => d.Name)).toEqual(['Bot', 'Role']);
    }
  });

  test('two bots in one app: their functions and alarms carry different Bot dimensions', () => {
    const app = testApp();
    const sales = new AckbotStack(app, 'SalesBot', { workerCode: standIn() });
    const support = new AckbotStack(app, 'SupportBot', { workerCode: standIn() });
    const dims = (stack: AckbotStack) => alarmMetrics(Template.fromStack(stack), 'RejectedRequests').map((m: any) => m.Dimensions);
    expect(dims(sales)).toEqual([
      [{ Name: 'Bot', Value: 'SalesBot' }, { Name: 'Role', Value: 'worker' }],
      [{ Name: 'Bot', Value: 'SalesBot' }, { Name: 'Role', Value: 'front' }],
    ]);
    expect(dims(support)).toEqual([
      [{ Name: 'Bot', Value: 'SupportBot' }, { Name: 'Role', Value: 'worker' }],
      [{ Name: 'Bot', Value: 'SupportBot' }, { Name: 'Role', Value: 'front' }],
    ]);
    expect(envOf(Template.fromStack(sales)).map((e) => e.ACKBOT_BOT_NAME)).toEqual(['SalesBot', 'SalesBot']);
    expect(envOf(Template.fromStack(support)).map((e) => e.ACKBOT_BOT_NAME)).toEqual(['SupportBot', 'SupportBot']);
  });

  test('two bots of one name in one environment are refused; in two regions they are fine', () => {
    const settings = mergeSettings(DEFAULT_SETTINGS, { botName: 'shared' });
    const app = testApp();
    new AckbotStack(app, 'One', { workerCode: standIn(), settings });
    expect(() => new AckbotStack(app, 'Two', { workerCode: standIn(), settings })).toThrow(
      /the bot One\/Default in the same environment has the name "shared" too; their metrics and alarms would mix: give one of them another botName/,
    );
    // Two bots in one stack of yours would share the stack's name: the second needs a botName.
    const stack = new Stack(testApp(), 'Mine');
    new AckbotBot(stack, 'A', { code: standIn() });
    expect(() => new AckbotBot(stack, 'B', { code: standIn() })).toThrow(/has the name "Mine" too/);
    expect(() => new AckbotBot(stack, 'C', { code: standIn(), settings })).not.toThrow();
    // CloudWatch metrics are regional: the same bot deployed to two regions does not mix.
    const regions = testApp();
    new AckbotStack(regions, 'East', { workerCode: standIn(), settings, env: { account: '123456789012', region: 'us-east-1' } });
    expect(() => new AckbotStack(regions, 'West', { workerCode: standIn(), settings, env: { account: '123456789012', region: 'us-west-2' } })).not.toThrow();
  });

  test('a botName that is not a plain name is refused', () => {
    expect(() => synth({ botName: '' })).toThrow(/botName may hold only letters, digits/);
    expect(() => synth({ botName: 'my bot' })).toThrow(/botName may hold only letters, digits/);
    expect(() => synth({ botName: 'x'.repeat(256) })).toThrow(/botName/);
    expect(() => synth({ botName: 'support_bot.v2-prod' })).not.toThrow();
  });

  test('bot.metric: the functions\' EMF metrics, for alarms of your own', () => {
    const { stack } = synth({ botName: 'support-bot' });
    const metric = stack.bot.metric('Failed', 'worker');
    expect(metric.namespace).toBe('ackbot');
    expect(metric.metricName).toBe('Failed');
    expect(metric.dimensions).toEqual({ Bot: 'support-bot', Role: 'worker' });
    expect(metric.statistic).toBe('Sum');
  });
});
