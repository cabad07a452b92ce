import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AckbotBot, AckbotStack } from '../lib';
import { DEFAULT_SETTINGS, mergeSettings } from '../lib/settings';
import { STAND_IN_ASSET, testApp } from './helpers';

/** What cdk-nag's AWS Solutions checks report on `app`: nothing, or the report. */
function nag(app: App): string {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
    return '';
  } catch (e) {
    return String(e);
  }
}

/** Every setting on. */
const EVERYTHING = mergeSettings(DEFAULT_SETTINGS, {
  botName: 'Everything',
  slack: {
    commands: { ack: 'function' },
    distribution: true,
    scopes: 'reactions:write',
    oauthSuccessUrl: 'https://example.com/installed',
  },
  line: { webhook: { ack: 'function' } },
  discord: { enabled: true, applicationId: '123456789012345678' },
  worker: { reservedConcurrency: 10, architecture: 'arm64', timeoutSeconds: 150 },
  front: { reservedConcurrency: 5 },
  api: { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/ackbot/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', logRetentionDays: 90 },
  secret: { kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
  idempotency: { inProgressSeconds: 240 },
  alarms: { snsTopicArn: 'arn:aws:sns:us-east-1:123456789012:ops' },
  assistant: { enabled: true, url: 'https://api.openai.com/v1', model: 'gpt-4o-mini' },
});

test('AckbotStack passes the AWS Solutions checks: each finding fixed or acknowledged', () => {
  const app = testApp();
  new AckbotStack(app, 'Nag', { settings: DEFAULT_SETTINGS, workerCode: lambda.Code.fromAsset(STAND_IN_ASSET) });
  expect(nag(app)).toBe('');
});

test('an AckbotBot with every setting on passes them too', () => {
  const app = testApp();
  const stack = new Stack(app, 'Everything', { env: { account: '123456789012', region: 'us-east-1' } });
  new AckbotBot(stack, 'Bot', { settings: EVERYTHING, code: lambda.Code.fromAsset(STAND_IN_ASSET) });
  expect(nag(app)).toBe('');
});

test('a finding neither fixed nor acknowledged fails', () => {
  const app = testApp();
  const stack = new Stack(app, 'Open');
  new AckbotBot(stack, 'Bot', { settings: mergeSettings(DEFAULT_SETTINGS, { api: { accessLogs: false } }), code: lambda.Code.fromAsset(STAND_IN_ASSET) });
  // Acknowledged (turned off on purpose): still passes.
  expect(nag(app)).toBe('');
  const bare = testApp();
  const queue = new (require('aws-cdk-lib/aws-sqs').Queue)(new Stack(bare, 'Bare'), 'Queue', { enforceSSL: true });
  expect(queue).toBeDefined();
  expect(nag(bare)).toMatch(/AwsSolutions-SQS3/);
});
