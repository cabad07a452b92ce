import { Match } from 'aws-cdk-lib/assertions';
import { BASE_CONTENT_TYPES } from '../lib/envelope-template';
import { methodsByRoute, resources, synth } from './helpers';

const SLACK_ROUTES = ['/slack/commands', '/slack/interactions', '/slack/events'];
const ALL_ROUTES = [...SLACK_ROUTES, '/line/webhook'];

// One synth of the defaults, shared by the tests that only read it.
const defaults = synth();

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

  test('Slack disabled: only /line/webhook', () => {
    const { template } = synth({ slack: { enabled: false } });
    expect(Object.keys(methodsByRoute(template))).toEqual(['/line/webhook']);
    expect(Object.keys(template.findOutputs('SlackEventsUrl'))).toEqual([]);
  });

  test('no other methods than the webhook routes', () => {
    expect(resources(defaults.template, 'AWS::ApiGateway::Method')).toHaveLength(ALL_ROUTES.length);
  });
});

describe('integrations', () => {
  const methods = methodsByRoute(defaults.template);

  test.each(ALL_ROUTES)('%s invokes the worker asynchronously, non-proxy', (route) => {
    const integration = methods[route].Properties.Integration;
    expect(integration.Type).toBe('AWS');
    expect(integration.IntegrationHttpMethod).toBe('POST');
    expect(integration.RequestParameters).toEqual({ 'integration.request.header.X-Amz-Invocation-Type': "'Event'" });
    expect(JSON.stringify(integration.Uri)).toContain('Worker');
  });

  test.each(ALL_ROUTES)('%s rejects unmapped content types (passthrough NEVER)', (route) => {
    expect(methods[route].Properties.Integration.PassthroughBehavior).toBe('NEVER');
  });

  test.each(ALL_ROUTES)('%s has the Envelope template for JSON, LINE, Slack form types and no $default', (route) => {
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

  test('extra content types get the template too', () => {
    const { template } = synth({ api: { extraContentTypes: ['application/json;charset=UTF-8'] } });
    for (const method of Object.values(methodsByRoute(template))) {
      const keys = Object.keys(method.Properties.Integration.RequestTemplates);
      expect(keys).toEqual([...BASE_CONTENT_TYPES, 'application/json;charset=UTF-8']);
    }
  });

  test('$default as an extra content type is refused', () => {
    expect(() => synth({ api: { extraContentTypes: ['$default'] } })).toThrow(/\$default/);
  });

  test('API Gateway may invoke the worker only from the deployed methods, not test-invoke', () => {
    const permissions = resources(defaults.template, 'AWS::Lambda::Permission');
    expect(permissions).toHaveLength(ALL_ROUTES.length);
    for (const p of permissions) {
      expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(p.Properties.SourceArn)).not.toContain('test-invoke-stage');
    }
  });
});

describe('acknowledgements', () => {
  test.each(ALL_ROUTES)('%s acks 200 with an empty body by default', (route) => {
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
    // The other routes keep the documented 200.
    expect(methods['/slack/events'].Properties.Integration.IntegrationResponses).toEqual([{ StatusCode: '200' }]);
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

  test('regional endpoint, no account-wide CloudWatch role', () => {
    defaults.template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    defaults.template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });
});

describe('worker function', () => {
  test('provided.al2023 bootstrap on x86_64 with the secret ARN and JSON logs, no API URL overrides', () => {
    const fns = resources(defaults.template, 'AWS::Lambda::Function');
    expect(fns).toHaveLength(1);
    const p = fns[0].Properties;
    expect(p.Runtime).toBe('provided.al2023');
    expect(p.Handler).toBe('bootstrap');
    expect(p.Architectures).toEqual(['x86_64']);
    expect(p.MemorySize).toBe(256);
    expect(p.Timeout).toBe(30);
    const env = p.Environment.Variables;
    expect(env.ACKBOT_SECRET_ARN.Ref).toMatch(/^PlatformSecret/);
    expect(env.ACKBOT_LOG_FORMAT).toBe('json');
    expect(Object.keys(env).sort()).toEqual(['ACKBOT_LOG_FORMAT', 'ACKBOT_SECRET_ARN', 'RUST_LOG']);
    expect(JSON.stringify(env)).not.toMatch(/SLACK_|LINE_/);
  });

  test('memory, timeout and architecture are settings', () => {
    const { template } = synth({ worker: { memoryMb: 512, timeoutSeconds: 60, architecture: 'arm64', reservedConcurrency: 5 } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Timeout: 60,
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 5,
    });
  });

  test('log group with the configured retention is the function log group', () => {
    defaults.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    const [logGroupId] = Object.keys(defaults.template.findResources('AWS::Logs::LogGroup'));
    defaults.template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroupId } } });
    synth({ worker: { logRetentionDays: 7 } }).template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
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
  test('DLQ depth, function errors and destination delivery failures', () => {
    const [dlqId] = Object.keys(defaults.template.findResources('AWS::SQS::Queue'));
    defaults.template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
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

  test('alarms notify the configured SNS topic, and can be turned off', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
    const { template } = synth({ alarms: { snsTopicArn: topic } });
    for (const alarm of resources(template, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
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

  test('secretsmanager:GetSecretValue only, only on the one secret', () => {
    const [secretId] = Object.keys(defaults.template.findResources('AWS::SecretsManager::Secret'));
    const secretStatements = statements().filter((s) => asList(s.Action).some((a: string) => a.startsWith('secretsmanager:')));
    expect(secretStatements).toEqual([{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } }]);
    expect(statements().some((s) => asList(s.Action).some((a: string) => a.startsWith('kms:')))).toBe(false);
  });

  test('no statement allows a wildcard action or resource', () => {
    for (const s of statements()) {
      for (const a of asList(s.Action)) expect(a).not.toMatch(/\*/);
      for (const r of asList(s.Resource)) expect(JSON.stringify(r)).not.toMatch(/\*/);
    }
  });

  test('the worker role holds exactly: its secret, its DLQ, its log group; no managed policies', () => {
    const [secretId] = Object.keys(defaults.template.findResources('AWS::SecretsManager::Secret'));
    const [dlqId] = Object.keys(defaults.template.findResources('AWS::SQS::Queue'));
    const [logGroupId] = Object.keys(defaults.template.findResources('AWS::Logs::LogGroup'));
    expect(statements()).toEqual([
      // The log group's Arn attribute ends in ":*" (its streams), which is as narrow as streams allow.
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId } },
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] },
      },
    ]);
    const roles = resources(defaults.template, 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    expect(roles[0].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('an existing secret by name: no secret created, the name plus the random suffix granted', () => {
    const { template } = synth({ secret: { existing: 'ackbot/prod' } });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const granted = statements(template).filter((s) => s.Action === 'secretsmanager:GetSecretValue');
    expect(granted).toHaveLength(1);
    const resource = JSON.stringify(granted[0].Resource);
    expect(resource).toContain(':secret:ackbot/prod-??????');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { ACKBOT_SECRET_ARN: Match.objectLike({ 'Fn::Join': Match.anyValue() }) } },
    });
  });

  test('an existing secret by complete ARN with a customer key: exact ARN, kms:Decrypt via Secrets Manager', () => {
    const arn = 'arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:ackbot-AbCdEf';
    const key = 'arn:aws:kms:ap-northeast-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const { template } = synth({ secret: { existing: arn, kmsKeyArn: key } });
    const all = statements(template);
    expect(all).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn });
    expect(all).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key, Condition: expect.anything() }),
    );
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
  });
});
