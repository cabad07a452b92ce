import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Bundling } from 'cargo-lambda-cdk/lib/bundling';
import { AckbotBot, AckbotStack, DEFAULT_SETTINGS, mergeSettings } from '../lib';
import { STAND_IN_ASSET, resources, testApp } from './helpers';

/** Someone else's bot package (only its path and name matter: no build runs). */
const MYBOT_MANIFEST = path.join(__dirname, 'fixtures', 'mybot', 'Cargo.toml');
const LAMBDA_ONLY_FLAGS = ['--no-default-features', '--features', 'lambda'];

/** Stubs the cargo-lambda build: records what it was asked to build, returns the stand-in. */
function stubBuild(): jest.SpyInstance {
  return jest.spyOn(Bundling, 'bundle').mockImplementation(() => lambda.Code.fromAsset(STAND_IN_ASSET));
}

afterEach(() => jest.restoreAllMocks());

describe('AckbotBot in a stack of yours', () => {
  const stack = new Stack(testApp(), 'MyStack');
  new AckbotBot(stack, 'Bot', { code: lambda.Code.fromAsset(STAND_IN_ASSET) });
  const template = Template.fromStack(stack);

  test('its resources exist, their logical IDs prefixed by its id', () => {
    for (const [type, count] of [
      ['AWS::Lambda::Function', 2],
      ['AWS::ApiGateway::RestApi', 1],
      ['AWS::SQS::Queue', 1],
      ['AWS::SecretsManager::Secret', 1],
      ['AWS::DynamoDB::Table', 1],
    ] as const) {
      template.resourceCountIs(type, count);
    }
    const functionIds = Object.keys(template.findResources('AWS::Lambda::Function')).sort();
    expect(functionIds).toEqual([expect.stringMatching(/^BotFrontDoor[0-9A-F]{8}$/), expect.stringMatching(/^BotWorker[0-9A-F]{8}$/)]);
  });

  test('its outputs exist, named after its id', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    for (const name of ['SlackCommandsUrl', 'SlackInteractionsUrl', 'SlackEventsUrl', 'LineWebhookUrl', 'SecretArn', 'DeadLetterQueueUrl', 'WorkerFunctionName', 'FrontDoorFunctionName', 'IdempotencyTableName']) {
      expect(outputs).toContainEqual(expect.stringMatching(new RegExp(`^Bot${name}[0-9A-F]{8}$`)));
    }
  });
});

describe('AckbotStack', () => {
  test('keeps the logical IDs and outputs it had before the construct (its bot has the id Default)', () => {
    // The `Ackbot` stack of bin/ackbot.ts as synthesized before AckbotBot existed. The deployment's
    // suffix is a hash of the RestApi's template, `aws:cdk:path` metadata included, so it is free.
    const stack = new AckbotStack(testApp(), 'Ackbot', { workerCode: lambda.Code.fromAsset(STAND_IN_ASSET) });
    const template = Template.fromStack(stack).toJSON();
    const ids = Object.keys(template.Resources).filter((id) => !/^WebhookApiDeployment5953494D[0-9a-f]{32}$/.test(id));
    expect(ids.sort()).toEqual([
      // Issue 26's additions: the API's access logs and the account's log delivery role.
      'ApiAccessLogsE9DF007D',
      'DeadLetterQueue9F481546', 'DeadLetterQueueNotEmpty7CE402F1', 'DeadLetterQueuePolicyB1FB890C',
      'FrontDoor201A7CE0', 'FrontDoorErrors0745B3C4', 'FrontDoorLogs0D62B684', 'FrontDoorNearTimeout210E0940',
      'FrontDoorRole4226EB76', 'FrontDoorRoleDefaultPolicy4D5435AF', 'IdempotencyTable22A5A209',
      'PlatformSecret3CD0121C', 'RejectedRequests1002E596', 'WebhookApi28122C53',
      'WebhookApiAccountF2784AC4', 'WebhookApiCloudWatchRole70E9FA61',
      'WebhookApiDeploymentStageprodF1908D9A', 'WebhookApilineF1B0C999', 'WebhookApilinewebhook0B14881A',
      'WebhookApilinewebhookPOST4BC2F5D0',
      'WebhookApilinewebhookPOSTApiPermissionAckbotWebhookApi5F53F704POSTlinewebhookE807F57B',
      'WebhookApislack0AC63CC9', 'WebhookApislackcommands8121A06F', 'WebhookApislackcommandsPOST58D9F7B6',
      'WebhookApislackcommandsPOSTApiPermissionAckbotWebhookApi5F53F704POSTslackcommandsF3982D3F',
      'WebhookApislackevents37D35408',
      'WebhookApislackeventsPOSTApiPermissionAckbotWebhookApi5F53F704POSTslackevents15E4FED5',
      'WebhookApislackeventsPOSTC8B572C8', 'WebhookApislackinteractions1EF966EC',
      'WebhookApislackinteractionsPOST44835E34',
      'WebhookApislackinteractionsPOSTApiPermissionAckbotWebhookApi5F53F704POSTslackinteractions8A7A92F0',
      'Worker11F36D0F', 'WorkerDestinationDeliveryFailures50F89FF3', 'WorkerErrorsDD2E3D24',
      'WorkerEventInvokeConfig3C332003', 'WorkerLogsC1193B08', 'WorkerRole8DD27D41',
      'WorkerRoleDefaultPolicy1750E153',
    ]);
    expect(Object.keys(template.Resources).length).toBe(ids.length + 1);
    expect(Object.keys(template.Outputs).sort()).toEqual([
      'DeadLetterQueueUrl', 'FrontDoorFunctionName', 'IdempotencyTableName', 'LineWebhookUrl', 'SecretArn',
      'SlackCommandsUrl', 'SlackEventsUrl', 'SlackInteractionsUrl', 'WebhookApiEndpoint5B53C9C0', 'WorkerFunctionName',
    ]);
  });

  test('its members are the bot\'s', () => {
    const stack = new AckbotStack(testApp(), 'Ackbot', { workerCode: lambda.Code.fromAsset(STAND_IN_ASSET) });
    expect(stack.bot.node.id).toBe('Default');
    expect([stack.api, stack.worker, stack.frontDoor, stack.deadLetterQueue, stack.secret, stack.idempotencyTable]).toEqual([
      stack.bot.api, stack.bot.worker, stack.bot.frontDoor, stack.bot.deadLetterQueue, stack.bot.secret, stack.bot.idempotencyTable,
    ]);
  });
});

describe('the build: which binary, from which package', () => {
  test('manifestPath and binaryName choose the package and binary; one build serves both functions', () => {
    const build = stubBuild();
    const stack = new Stack(testApp(), 'MyStack');
    const bot = new AckbotBot(stack, 'Bot', { manifestPath: MYBOT_MANIFEST, binaryName: 'mybot' });
    expect(build).toHaveBeenCalledTimes(1);
    expect(build.mock.calls[0][0]).toEqual({
      manifestPath: MYBOT_MANIFEST,
      binaryName: 'mybot',
      architecture: lambda.Architecture.X86_64,
      cargoLambdaFlags: LAMBDA_ONLY_FLAGS,
    });
    const fns = resources(Template.fromStack(stack), 'AWS::Lambda::Function');
    expect(fns).toHaveLength(2);
    expect(fns[0].Properties.Code).toEqual(fns[1].Properties.Code);
    expect(bot.frontDoor).toBeDefined();
  });

  test('the flags and the architecture follow the props and settings', () => {
    const build = stubBuild();
    const settings = mergeSettings(DEFAULT_SETTINGS, { worker: { architecture: 'arm64' } });
    new AckbotBot(new Stack(testApp(), 'MyStack'), 'Bot', { settings, manifestPath: MYBOT_MANIFEST, binaryName: 'mybot', cargoLambdaFlags: [] });
    expect(build.mock.calls[0][0]).toMatchObject({ architecture: lambda.Architecture.ARM_64, cargoLambdaFlags: [] });
  });

  test('defaults: the ackbot binary of this repository\'s root package, Lambda roles only', () => {
    const build = stubBuild();
    new AckbotBot(new Stack(testApp(), 'MyStack'), 'Bot');
    expect(build.mock.calls[0][0]).toMatchObject({
      manifestPath: path.resolve(__dirname, '..', '..', 'Cargo.toml'),
      binaryName: 'ackbot',
      cargoLambdaFlags: LAMBDA_ONLY_FLAGS,
    });
  });

  test('AckbotStack passes the build props on to its bot', () => {
    const build = stubBuild();
    new AckbotStack(testApp(), 'MyBot', { manifestPath: MYBOT_MANIFEST, binaryName: 'mybot', cargoLambdaFlags: ['--features', 'x'] });
    expect(build.mock.calls[0][0]).toMatchObject({ manifestPath: MYBOT_MANIFEST, binaryName: 'mybot', cargoLambdaFlags: ['--features', 'x'] });
  });

  test('given code replaces the build', () => {
    const build = stubBuild();
    new AckbotBot(new Stack(testApp(), 'MyStack'), 'Bot', { code: lambda.Code.fromAsset(STAND_IN_ASSET), manifestPath: MYBOT_MANIFEST });
    expect(build).not.toHaveBeenCalled();
  });

  test('those arguments become `cargo lambda build --bin mybot` run in the package\'s directory', () => {
    // The bundler's own command line (its `bundle` runs it in dirname(manifestPath)); pins what the
    // pinned cargo-lambda-cdk makes of the arguments.
    const bundling = new Bundling(path.dirname(MYBOT_MANIFEST), {
      manifestPath: MYBOT_MANIFEST,
      binaryName: 'mybot',
      architecture: lambda.Architecture.X86_64,
      cargoLambdaFlags: LAMBDA_ONLY_FLAGS,
    });
    expect(bundling.command.at(-1)).toMatch(
      /^cargo lambda build --lambda-dir \S+ --release --x86-64 --bin mybot --flatten mybot --no-default-features --features lambda$/,
    );
  });

  test('a manifestPath that is not there is refused, naming the prop', () => {
    expect(() => new AckbotBot(new Stack(testApp(), 'MyStack'), 'Bot', { manifestPath: '/nowhere/Cargo.toml' })).toThrow(
      /no Cargo.toml at \/nowhere\/Cargo.toml: pass manifestPath/,
    );
  });
});
