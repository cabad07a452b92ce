import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AckbotBot, INSTALLATION_TABLE_ACTIONS, SECRET_KEYS } from '../lib';
import { DEFAULT_SETTINGS, mergeSettings, resolveSettings } from '../lib/settings';
import { STAND_IN_ASSET, logicalId, resources, roleStatements, synth, testApp } from './helpers';

const ON = { slack: { distribution: true } };
const INSTALL_PATHS = ['/slack/install', '/slack/oauth_redirect'];
const NEW_ENV = ['ACKBOT_INSTALLATION_TABLE', 'ACKBOT_PUBLIC_URL', 'SLACK_SCOPES', 'SLACK_USER_SCOPES', 'ACKBOT_OAUTH_SUCCESS_URL'];
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

const off = synth();
const on = synth(ON);
const tableId = logicalId(on.template, 'AWS::DynamoDB::Table', 'InstallationTable');
const restApiId = logicalId(on.template, 'AWS::ApiGateway::RestApi', 'WebhookApi');
const frontId = logicalId(on.template, 'AWS::Lambda::Function', 'FrontDoor');
const workerId = logicalId(on.template, 'AWS::Lambda::Function', 'Worker');
const asList = (x: unknown) => (Array.isArray(x) ? x : [x]);

/** Each GET method keyed by its path, walking the resource tree. */
function getMethods(template: Template): Record<string, Resource> {
  const all = template.toJSON().Resources as Record<string, Resource>;
  const pathOf = (id: string): string => {
    const parent = all[id].Properties.ParentId;
    return `${parent.Ref ? pathOf(parent.Ref) : ''}/${all[id].Properties.PathPart}`;
  };
  const out: Record<string, Resource> = {};
  for (const res of Object.values(all)) {
    if (res.Type === 'AWS::ApiGateway::Method' && res.Properties.HttpMethod === 'GET') out[pathOf(res.Properties.ResourceId.Ref)] = res;
  }
  return out;
}

/** The environment variables of the function with logical ID `id`. */
function envOf(template: Template, id: string): Record<string, any> {
  return (template.toJSON().Resources[id] as Resource).Properties.Environment.Variables;
}

/** The logical IDs a value refers to (Ref, Fn::GetAtt), pseudo parameters left out. */
function refsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) out.add(v);
      else if (k === 'Fn::GetAtt') out.add(Array.isArray(v) ? v[0] : String(v).split('.')[0]);
      else refsIn(v, out);
    }
  }
  return out;
}

describe('slack.distribution off (the default)', () => {
  test('no installation table, no GET method, no new variable, no client keys, no install outputs', () => {
    expect(Object.keys(off.template.findResources('AWS::DynamoDB::Table'))).toEqual([expect.stringMatching(/^IdempotencyTable/)]);
    expect(getMethods(off.template)).toEqual({});
    for (const fn of resources(off.template, 'AWS::Lambda::Function')) {
      expect(Object.keys(fn.Properties.Environment.Variables).filter((k) => NEW_ENV.includes(k))).toEqual([]);
    }
    const skeleton = JSON.parse(resources(off.template, 'AWS::SecretsManager::Secret')[0].Properties.SecretString);
    expect(Object.keys(skeleton)).not.toContain('SLACK_CLIENT_ID');
    for (const name of ['SlackInstallUrl', 'SlackOAuthRedirectUrl', 'InstallationTableName']) {
      expect(Object.keys(off.template.findOutputs(name))).toEqual([]);
    }
    expect(off.stack.installationTable).toBeUndefined();
    // The front door reads no table; the worker only its idempotency table.
    const policies = JSON.stringify(resources(off.template, 'AWS::IAM::Policy'));
    expect(policies).not.toMatch(/InstallationTable/);
    const front = resources(off.template, 'AWS::IAM::Policy').find((p) => JSON.stringify(p).includes('FrontDoorRole'));
    expect(JSON.stringify(front)).not.toMatch(/dynamodb:/);
  });

  test('on with Slack disabled is refused, as are the distribution settings without it', () => {
    expect(() => synth({ slack: { enabled: false, distribution: true } })).toThrow(/slack\.distribution needs slack\.enabled/);
    for (const [key, value] of [['scopes', 'users:read'], ['userScopes', 'identify'], ['oauthSuccessUrl', 'https://example.com/'], ['installationKmsKeyArn', KEY_ARN]]) {
      expect(() => synth({ slack: { [key]: value } })).toThrow(new RegExp(`slack\\.${key} is for distribution mode only`));
    }
  });
});

describe('slack.distribution on', () => {
  test('GET /slack/install and GET /slack/oauth_redirect: Lambda proxy integrations of the front door, no template', () => {
    const methods = getMethods(on.template);
    expect(Object.keys(methods).sort()).toEqual(INSTALL_PATHS);
    for (const method of Object.values(methods)) {
      const p = method.Properties;
      expect(p.AuthorizationType).toBe('NONE');
      expect(p.Integration.Type).toBe('AWS_PROXY');
      expect(p.Integration.IntegrationHttpMethod).toBe('POST');
      expect([...refsIn(p.Integration.Uri)]).toEqual([frontId]);
      expect(p.Integration.RequestTemplates).toBeUndefined();
      expect(p.Integration.IntegrationResponses).toBeUndefined();
    }
    // API Gateway may invoke the front door from exactly these methods of the deployed stage.
    const sourceArns = resources(on.template, 'AWS::Lambda::Permission')
      .filter((perm) => perm.Properties.FunctionName['Fn::GetAtt']?.[0] === frontId)
      .map((perm) => JSON.stringify(perm.Properties.SourceArn));
    for (const path of INSTALL_PATHS) expect(sourceArns.filter((arn) => arn.includes(`/GET${path}"`))).toHaveLength(1);
    expect(sourceArns.some((arn) => arn.includes('test-invoke-stage'))).toBe(false);
  });

  test('the front door exists even when every webhook route is gateway-acked', () => {
    const allGateway = synth({ slack: { distribution: true, interactions: { ack: 'gateway' }, events: { ack: 'gateway' } } });
    expect(allGateway.stack.frontDoor).toBeDefined();
    const methods = getMethods(allGateway.template);
    const front = logicalId(allGateway.template, 'AWS::Lambda::Function', 'FrontDoor');
    for (const path of INSTALL_PATHS) expect([...refsIn(methods[path].Properties.Integration.Uri)]).toEqual([front]);
  });

  test('the installation table: key id (S), no sort key, TTL expiration, on-demand, PITR, encrypted, retained', () => {
    const table = on.template.toJSON().Resources[tableId] as Resource;
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table.Properties.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    // SSEEnabled without a key: the AWS-managed key aws/dynamodb.
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect(on.stack.installationTable).toBe(on.stack.bot.installationTable);
    expect(on.stack.installationTable).toBeDefined();
  });

  test('exactly GetItem, PutItem, UpdateItem, DeleteItem on the table ARN, for the worker and the front door only', () => {
    expect(INSTALLATION_TABLE_ACTIONS).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    const expected = { Effect: 'Allow', Action: INSTALLATION_TABLE_ACTIONS, Resource: { 'Fn::GetAtt': [tableId, 'Arn'] } };
    for (const role of ['WorkerRole', 'FrontDoorRole']) {
      const roleId = logicalId(on.template, 'AWS::IAM::Role', role);
      const onTable = roleStatements(on.template, roleId).filter((s) => refsIn(s.Resource).has(tableId));
      expect(onTable).toEqual([expected]);
    }
    // No other statement anywhere names the table, and none allows reading it in bulk.
    const all = resources(on.template, 'AWS::IAM::Policy').flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(all.filter((s) => refsIn(s.Resource).has(tableId))).toHaveLength(2);
    const actions = all.flatMap((s) => asList(s.Action));
    for (const bulk of ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem']) expect(actions).not.toContain(bulk);
    for (const a of actions) expect(a).not.toMatch(/\*/);
  });

  test('both functions: ACKBOT_INSTALLATION_TABLE, and ACKBOT_PUBLIC_URL joined from the RestApi id and the stage name', () => {
    const publicUrl = {
      'Fn::Join': ['', ['https://', { Ref: restApiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod']],
    };
    for (const id of [workerId, frontId]) {
      const env = envOf(on.template, id);
      expect(env.ACKBOT_INSTALLATION_TABLE).toEqual({ Ref: tableId });
      expect(env.ACKBOT_PUBLIC_URL).toEqual(publicUrl);
      // Optional ones only when set; no credential in the environment.
      for (const name of ['SLACK_SCOPES', 'SLACK_USER_SCOPES', 'ACKBOT_OAUTH_SUCCESS_URL']) expect(env[name]).toBeUndefined();
      expect(Object.keys(env).filter((k) => /CLIENT|TOKEN|SECRET$/.test(k))).toEqual([]);
    }
    const v1 = synth({ slack: { distribution: true }, api: { stageName: 'v1' } }).template;
    expect(envOf(v1, logicalId(v1, 'AWS::Lambda::Function', 'FrontDoor')).ACKBOT_PUBLIC_URL['Fn::Join'][1].at(-1)).toBe('/v1');
  });

  test('scopes and the success URL become SLACK_SCOPES, SLACK_USER_SCOPES and ACKBOT_OAUTH_SUCCESS_URL', () => {
    const settings = resolveSettings({
      'ackbot:slack.distribution': 'true',
      'ackbot:slack.scopes': 'reactions:write, users:read.email',
      'ackbot:slack.userScopes': 'identity.basic',
      'ackbot:slack.oauthSuccessUrl': 'https://example.com/installed?from=slack',
    });
    const stack = new AckbotBot(new Stack(testApp(), 'S'), 'Default', { settings, code: lambda.Code.fromAsset(STAND_IN_ASSET) });
    const template = Template.fromStack(Stack.of(stack));
    for (const id of [logicalId(template, 'AWS::Lambda::Function', 'Worker'), logicalId(template, 'AWS::Lambda::Function', 'FrontDoor')]) {
      expect(envOf(template, id)).toMatchObject({
        SLACK_SCOPES: 'reactions:write,users:read.email',
        SLACK_USER_SCOPES: 'identity.basic',
        ACKBOT_OAUTH_SUCCESS_URL: 'https://example.com/installed?from=slack',
      });
    }
  });

  test('no dependency cycle: ACKBOT_PUBLIC_URL refers to the RestApi only, not its stage (api.url would make one)', () => {
    // Template.fromStack refuses a template with a cycle ("undeployable"): `on` was made by it.
    for (const id of [workerId, frontId]) expect([...refsIn(envOf(on.template, id).ACKBOT_PUBLIC_URL)]).toEqual([restApiId]);
    const stack = new Stack(testApp(), 'Cycle');
    const bot = new AckbotBot(stack, 'Default', { settings: mergeSettings(DEFAULT_SETTINGS, ON), code: lambda.Code.fromAsset(STAND_IN_ASSET) });
    bot.frontDoor!.addEnvironment('STAGE_URL', bot.api.url);
    expect(() => Template.fromStack(stack)).toThrow(/dependency cycle: WebhookApiDeployment\w+ -> .* -> FrontDoor\w+ -> WebhookApiDeploymentStage/);
  });

  test('the created secret gains SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, empty', () => {
    expect(JSON.parse(resources(on.template, 'AWS::SecretsManager::Secret')[0].Properties.SecretString)).toEqual({
      SLACK_SIGNING_SECRET: '',
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: '',
      SLACK_CLIENT_SECRET: '',
      LINE_CHANNEL_SECRET: '',
      LINE_CHANNEL_ACCESS_TOKEN: '',
    });
    expect(SECRET_KEYS.slackDistribution).toEqual(['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET']);
  });

  test('outputs SlackInstallUrl, SlackOAuthRedirectUrl and InstallationTableName', () => {
    const outputs = on.template.toJSON().Outputs;
    expect(JSON.stringify(outputs.SlackInstallUrl.Value)).toMatch(/"\/slack\/install"\]\]\}$/);
    expect(JSON.stringify(outputs.SlackOAuthRedirectUrl.Value)).toMatch(/"\/slack\/oauth_redirect"\]\]\}$/);
    expect(outputs.InstallationTableName.Value).toEqual({ Ref: tableId });
  });

  test('a customer key: the table encrypted with it, its use through DynamoDB granted to both functions', () => {
    const { template } = synth({ slack: { distribution: true, installationKmsKeyArn: KEY_ARN } });
    const table = resources(template, 'AWS::DynamoDB::Table').find((t) => t.Properties.PointInTimeRecoverySpecification)!;
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: KEY_ARN });
    for (const role of ['WorkerRole', 'FrontDoorRole']) {
      const onKey = roleStatements(template, logicalId(template, 'AWS::IAM::Role', role)).filter((s) => s.Resource === KEY_ARN);
      expect(onKey).toHaveLength(1);
      expect(onKey[0].Condition).toEqual({ StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } });
      expect(onKey[0].Action).toContain('kms:Decrypt');
      for (const a of onKey[0].Action) expect(a).not.toMatch(/\*|CreateGrant/);
    }
  });

  test('a bot of yours gets it all from the setting, its outputs named after its id', () => {
    const stack = new Stack(testApp(), 'Mine');
    const bot = new AckbotBot(stack, 'Bot', { settings: mergeSettings(DEFAULT_SETTINGS, ON), code: lambda.Code.fromAsset(STAND_IN_ASSET) });
    expect(bot.installationTable).toBeDefined();
    const outputs = Object.keys(Template.fromStack(stack).toJSON().Outputs);
    for (const name of ['SlackInstallUrl', 'SlackOAuthRedirectUrl', 'InstallationTableName']) {
      expect(outputs).toContainEqual(expect.stringMatching(new RegExp(`^Bot${name}[0-9A-F]{8}$`)));
    }
  });
});

describe('distribution settings', () => {
  test('from context like the others; off by default', () => {
    expect(resolveSettings({}).slack.distribution).toBe(false);
    expect(resolveSettings({ 'ackbot:slack.distribution': 'true' }).slack.distribution).toBe(true);
    expect(resolveSettings({ ackbot: { slack: { distribution: true, scopes: 'chat:write' } } }).slack.scopes).toBe('chat:write');
    expect(() => resolveSettings({ 'ackbot:slack.distribution': 'yes' })).toThrow(/"slack\.distribution": "yes" is not true or false/);
  });

  test('settings written out before it existed (no slack.distribution) still work: off', () => {
    const { distribution, scopes, userScopes, oauthSuccessUrl, installationKmsKeyArn, ...before } = DEFAULT_SETTINGS.slack;
    const stack = new AckbotBot(new Stack(testApp(), 'Old'), 'Default', { settings: { ...DEFAULT_SETTINGS, slack: before }, code: lambda.Code.fromAsset(STAND_IN_ASSET) });
    expect(stack.installationTable).toBeUndefined();
    expect(getMethods(Template.fromStack(Stack.of(stack)))).toEqual({});
  });

  test('a success URL that is not an absolute https URL is refused', () => {
    for (const bad of ['http://example.com/ok', 'example.com/ok', '/installed', 'javascript:alert(1)', ' https://example.com/']) {
      expect(() => resolveSettings({ 'ackbot:slack.distribution': 'true', 'ackbot:slack.oauthSuccessUrl': bad })).toThrow(
        /slack\.oauthSuccessUrl must be an absolute https URL/,
      );
    }
  });

  test('scopes must be Slack scopes separated by commas; the key must be a key ARN', () => {
    for (const bad of ['chat write', ',', 'chat:write;users:read']) {
      expect(() => resolveSettings({ 'ackbot:slack.distribution': 'true', 'ackbot:slack.userScopes': bad })).toThrow(/slack\.userScopes must be Slack scopes/);
    }
    expect(() => resolveSettings({ 'ackbot:slack.distribution': 'true', 'ackbot:slack.installationKmsKeyArn': 'arn:aws:kms:us-east-1:111122223333:alias/mine' })).toThrow(
      /slack\.installationKmsKeyArn must be the ARN of a KMS key/,
    );
  });
});
