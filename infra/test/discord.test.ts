import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AckbotBot, SECRET_KEYS, enabledRoutes } from '../lib';
import { AckbotSettings, DEFAULT_SETTINGS, resolveSettings, validateSettings } from '../lib/settings';
import { STAND_IN_ASSET, logicalId, methodsByRoute, resources, synth, synthContext, testApp } from './helpers';

/** A well-formed application id (a snowflake). */
const APP_ID = '123456789012345678';

/** The least context that turns Discord on, as `-c` values. */
const ON = { 'ackbot:discord.enabled': 'true', 'ackbot:discord.applicationId': APP_ID };

type Synthesized = ReturnType<typeof synth>['template'];

/** The environment of the function with `ACKBOT_ROLE` = `role`, or undefined when there is none. */
function envOf(template: Synthesized, role: 'worker' | 'front'): Record<string, unknown> | undefined {
  return resources(template, 'AWS::Lambda::Function').find((f) => f.Properties.Environment.Variables.ACKBOT_ROLE === role)?.Properties.Environment
    .Variables;
}

/** The created secret's skeleton. */
function skeletonOf(template: Synthesized): Record<string, string> {
  return JSON.parse(resources(template, 'AWS::SecretsManager::Secret')[0].Properties.SecretString);
}

/** The message `resolveSettings(context)` throws; fails when it accepts the context. */
function errorOf(context: Record<string, unknown>): string {
  try {
    resolveSettings(context);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(context)}`);
}

describe('discord settings', () => {
  test('defaults: off, no application id', () => {
    expect(DEFAULT_SETTINGS.discord).toEqual({ enabled: false, applicationId: undefined });
    expect(resolveSettings({}).discord).toEqual({ enabled: false, applicationId: undefined });
    expect(enabledRoutes(DEFAULT_SETTINGS).map((r) => r.path)).not.toContain('/discord/interactions');
  });

  test('-c values, cdk.json and a settings file turn it on alike; the id stays a string', () => {
    const on = { enabled: true, applicationId: APP_ID };
    expect(resolveSettings(ON).discord).toEqual(on);
    expect(resolveSettings({ ackbot: { discord: on } }).discord).toEqual(on);
    const files: Record<string, string> = { 'd.json': JSON.stringify({ discord: on }) };
    expect(resolveSettings({ 'ackbot:settingsFile': 'd.json' }, (p) => files[p]).discord).toEqual(on);
    // Later sources win, key by key: the id from cdk.json, enabled from -c.
    expect(resolveSettings({ ackbot: { discord: { applicationId: APP_ID } }, 'ackbot:discord.enabled': 'true' }).discord).toEqual(on);
    expect(() => resolveSettings({ ...ON, 'ackbot:discord.enabled': 'yes' })).toThrow(/ackbot setting "discord\.enabled": "yes" is not true or false/);
    expect(() => resolveSettings({ 'ackbot:discord.publicKey': 'ab' })).toThrow(/unknown ackbot setting "discord\.publicKey"/);
  });

  test('on: the application id is required, and must be a snowflake of 17–20 digits', () => {
    expect(errorOf({ 'ackbot:discord.enabled': 'true' })).toBe(
      'invalid ackbot settings:\n' +
        "  discord.applicationId is required with discord.enabled: the application's id (Developer Portal → General Information → Application ID), " +
        'a Discord snowflake of 17–20 digits (e.g. 123456789012345678)',
    );
    expect(errorOf({ ...ON, 'ackbot:discord.applicationId': ' ' })).toMatch(/discord\.applicationId is required with discord\.enabled/);
    for (const id of ['my-bot', '12345678901234567a', ' 123456789012345678', '1234567890123456', '123456789012345678901', '-123456789012345678']) {
      expect(errorOf({ ...ON, 'ackbot:discord.applicationId': id })).toMatch(
        /discord\.applicationId must be the application's id, a Discord snowflake of 17–20 digits and nothing else .*, got "/,
      );
    }
    for (const id of ['12345678901234567', '12345678901234567890']) {
      expect(resolveSettings({ ...ON, 'ackbot:discord.applicationId': id }).discord?.applicationId).toBe(id);
    }
    // A JSON number cannot hold a snowflake exactly: refused, asking for quotes.
    expect(errorOf({ ackbot: { discord: { enabled: true, applicationId: 123456789012345678 } } })).toMatch(
      /discord\.applicationId must be a string of digits, got 123456789012345680 \(in JSON, quote it/,
    );
    expect(errorOf({ ackbot: { discord: { enabled: 'true' } } })).toMatch(/discord\.enabled must be true or false, got "true"/);
  });

  test('off: an application id is refused rather than ignored', () => {
    expect(errorOf({ 'ackbot:discord.applicationId': APP_ID })).toMatch(
      /discord\.applicationId is for Discord only \(set discord\.enabled=true, or drop discord\.applicationId\)/,
    );
  });

  test('its route is always acked by the front door: no ack setting, and an attempt says why', () => {
    for (const context of [
      { ...ON, 'ackbot:discord.interactions.ack': 'gateway' },
      { ...ON, ackbot: { discord: { interactions: { ack: 'gateway' } } } },
    ]) {
      expect(errorOf(context)).toMatch(
        /^discord\.interactions cannot be set: \/discord\/interactions is always acked by the front door \(ack function\), never by the gateway, because Discord wants its Ed25519 signature verified before any answer/,
      );
    }
    expect(errorOf({ ...ON, 'ackbot:discord.ack': 'gateway' })).toMatch(/^discord\.ack cannot be set: .*Discord has no ack setting: drop discord\.ack$/);
    // Settings built in code, past mergeSettings, are refused by validation with the same reason.
    const inCode = { ...DEFAULT_SETTINGS, discord: { enabled: true, applicationId: APP_ID, interactions: { ack: 'gateway' } } } as AckbotSettings;
    expect(() => validateSettings(inCode)).toThrow(/discord\.interactions cannot be set: \/discord\/interactions is always acked by the front door/);
    expect(() => synth({ discord: { enabled: true, applicationId: APP_ID, ack: 'gateway' } as never })).toThrow(/discord\.ack cannot be set/);
  });

  test('Discord alone is a platform: Slack and LINE may both be off', () => {
    const only = { 'ackbot:slack.enabled': 'false', 'ackbot:line.enabled': 'false' };
    expect(errorOf(only)).toMatch(/enable at least one platform \(slack\.enabled, line\.enabled or discord\.enabled\)/);
    const { template, stack } = synthContext({ ...only, ...ON });
    expect(Object.keys(methodsByRoute(template))).toEqual(['/discord/interactions']);
    expect(stack.frontDoor).toBeDefined();
    expect(skeletonOf(template)).toEqual({ DISCORD_PUBLIC_KEY: '', DISCORD_BOT_TOKEN: '' });
  });
});

describe('discord in the template', () => {
  const defaults = synth();

  test('off (the default): the template is the one without it, and no Discord anywhere', () => {
    const off = synthContext({ 'ackbot:discord.enabled': 'false' });
    expect(off.template.toJSON()).toEqual(defaults.template.toJSON());
    expect(Object.keys(methodsByRoute(defaults.template))).not.toContain('/discord/interactions');
    const pathParts = resources(defaults.template, 'AWS::ApiGateway::Resource').map((r) => r.Properties.PathPart);
    expect(pathParts).not.toContain('discord');
    expect(envOf(defaults.template, 'worker')).not.toHaveProperty('DISCORD_APPLICATION_ID');
    expect(envOf(defaults.template, 'front')).not.toHaveProperty('DISCORD_APPLICATION_ID');
    expect(Object.keys(defaults.template.findOutputs('DiscordInteractionsUrl'))).toEqual([]);
    expect(JSON.stringify(defaults.template.toJSON())).not.toMatch(/discord/i);
  });

  describe('on', () => {
    const { template } = synthContext(ON);
    const frontId = logicalId(template, 'AWS::Lambda::Function', 'FrontDoor');

    test('POST /discord/interactions is a Lambda proxy integration of the front door, like Slack\'s function routes', () => {
      const methods = methodsByRoute(template);
      expect(Object.keys(methods)).toEqual(['/slack/commands', '/slack/interactions', '/slack/events', '/line/webhook', '/discord/interactions']);
      const { HttpMethod, AuthorizationType, Integration: integration, MethodResponses } = methods['/discord/interactions'].Properties;
      expect(HttpMethod).toBe('POST');
      expect(AuthorizationType).toBe('NONE');
      expect(integration.Type).toBe('AWS_PROXY');
      expect(integration.IntegrationHttpMethod).toBe('POST');
      expect(JSON.stringify(integration.Uri)).toContain(`"${frontId}","Arn"`);
      for (const key of ['RequestTemplates', 'RequestParameters', 'PassthroughBehavior', 'IntegrationResponses']) {
        expect(integration).not.toHaveProperty(key);
      }
      expect(MethodResponses).toBeUndefined();
      // Its neighbours keep their modes: the same methods as Slack's function routes.
      expect(methods['/slack/interactions'].Properties.Integration.Type).toBe('AWS_PROXY');
      expect(methods['/slack/commands'].Properties.Integration.Type).toBe('AWS');
    });

    test('API Gateway may invoke the front door from the deployed method only', () => {
      const sourceArns = resources(template, 'AWS::Lambda::Permission')
        .filter((p) => JSON.stringify(p.Properties.SourceArn).includes('"/POST/discord/interactions"'))
        .map((p) => {
          expect(p.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [frontId, 'Arn'] });
          return JSON.stringify(p.Properties.SourceArn);
        });
      expect(sourceArns).toHaveLength(1);
      expect(sourceArns[0]).not.toContain('test-invoke-stage');
    });

    test('both functions get DISCORD_APPLICATION_ID', () => {
      expect(envOf(template, 'worker')?.DISCORD_APPLICATION_ID).toBe(APP_ID);
      expect(envOf(template, 'front')?.DISCORD_APPLICATION_ID).toBe(APP_ID);
    });

    test('the created secret gets DISCORD_PUBLIC_KEY and DISCORD_BOT_TOKEN, empty, and nothing else does', () => {
      expect(SECRET_KEYS.discord).toEqual(['DISCORD_PUBLIC_KEY', 'DISCORD_BOT_TOKEN']);
      expect(skeletonOf(template)).toEqual({
        SLACK_SIGNING_SECRET: '',
        SLACK_BOT_TOKEN: '',
        LINE_CHANNEL_SECRET: '',
        LINE_CHANNEL_ACCESS_TOKEN: '',
        DISCORD_PUBLIC_KEY: '',
        DISCORD_BOT_TOKEN: '',
      });
      const json = JSON.stringify(template.toJSON());
      for (const key of SECRET_KEYS.discord) expect(json.split(key).length - 1).toBe(1); // in the SecretString only
    });

    test('the output DiscordInteractionsUrl ends in /discord/interactions and says where to paste it', () => {
      const output = template.findOutputs('DiscordInteractionsUrl').DiscordInteractionsUrl;
      expect(JSON.stringify(output.Value)).toMatch(/"\/discord\/interactions"\]\]\}$/);
      expect(output.Description).toMatch(/Developer Portal, General Information → Interactions Endpoint URL/);
      // The other routes' descriptions are as they were.
      expect(template.findOutputs('LineWebhookUrl').LineWebhookUrl.Description).toBe(
        "Webhook URL for /line/webhook: paste it into the platform's console",
      );
    });

    test('the front door exists even when every other route is gateway-acked', () => {
      const allGateway = synthContext({ ...ON, 'ackbot:slack.events.ack': 'gateway', 'ackbot:slack.interactions.ack': 'gateway' });
      expect(allGateway.stack.frontDoor).toBeDefined();
      const front = logicalId(allGateway.template, 'AWS::Lambda::Function', 'FrontDoor');
      const integration = methodsByRoute(allGateway.template)['/discord/interactions'].Properties.Integration;
      expect(integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(integration.Uri)).toContain(`"${front}","Arn"`);
    });
  });

  test('with an existing secret nothing is created: the keys go into that secret', () => {
    const { template } = synthContext({ ...ON, 'ackbot:secret.existing': 'ackbot/prod' });
    expect(resources(template, 'AWS::SecretsManager::Secret')).toHaveLength(0);
    expect(JSON.stringify(template.toJSON())).not.toContain('DISCORD_PUBLIC_KEY');
    expect(envOf(template, 'worker')?.DISCORD_APPLICATION_ID).toBe(APP_ID);
  });
});

describe('settings written out before Discord existed', () => {
  test('an AckbotSettings without `discord` synthesizes with Discord off, as the defaults do', () => {
    const { discord, ...before } = DEFAULT_SETTINGS;
    expect(discord?.enabled).toBe(false);
    const withBlock = new Stack(testApp(), 'Before');
    new AckbotBot(withBlock, 'Bot', { settings: DEFAULT_SETTINGS, code: lambda.Code.fromAsset(STAND_IN_ASSET) });
    const without = new Stack(testApp(), 'Before');
    new AckbotBot(without, 'Bot', { settings: before, code: lambda.Code.fromAsset(STAND_IN_ASSET) });
    expect(Template.fromStack(without).toJSON()).toEqual(Template.fromStack(withBlock).toJSON());
  });
});
