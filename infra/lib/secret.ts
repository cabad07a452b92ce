import { ArnFormat, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AckbotSettings } from './settings';

/**
 * The keys of the JSON secret the functions read at cold start: Slack's, LINE's, the Slack app's
 * client credentials in distribution mode (where the runtime ignores `SLACK_BOT_TOKEN`: each
 * workspace's token is in the installation table), Discord's (its public key is not secret, but
 * kept with the bot token it belongs with), and the assistant's model API key.
 */
export const SECRET_KEYS = {
  slack: ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN'],
  slackDistribution: ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET'],
  line: ['LINE_CHANNEL_SECRET', 'LINE_CHANNEL_ACCESS_TOKEN'],
  discord: ['DISCORD_PUBLIC_KEY', 'DISCORD_BOT_TOKEN'],
  assistant: ['ACKBOT_LLM_API_KEY'],
} as const;

/** The created (empty) secret, or the existing one named in settings, as `scope`'s `PlatformSecret`. */
export function platformSecret(scope: Construct, settings: AckbotSettings): secretsmanager.ISecret {
  const encryptionKey = settings.secret.kmsKeyArn
    ? kms.Key.fromKeyArn(scope, 'SecretKey', settings.secret.kmsKeyArn)
    : undefined;
  const existing = settings.secret.existing;
  if (existing) {
    if (existing.startsWith('arn:')) {
      // A complete ARN ends in the 6-character suffix Secrets Manager appends to the name.
      const complete = /-[A-Za-z0-9]{6}$/.test(existing);
      return secretsmanager.Secret.fromSecretAttributes(scope, 'PlatformSecret', {
        ...(complete ? { secretCompleteArn: existing } : { secretPartialArn: existing }),
        encryptionKey,
      });
    }
    return secretsmanager.Secret.fromSecretAttributes(scope, 'PlatformSecret', {
      secretPartialArn: Stack.of(scope).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: existing, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      encryptionKey,
    });
  }
  // Created with the keys present and empty: no credential is ever in the template. The worker
  // treats an empty value as "not configured". A change of the keys (a platform, distribution mode
  // or the assistant turned on or off) changes the secret's value in the template, and
  // CloudFormation writes it: the values put in since are replaced by the empty skeleton (README.md,
  // "Settings").
  const skeleton: Record<string, string> = {};
  if (settings.slack.enabled) for (const k of SECRET_KEYS.slack) skeleton[k] = '';
  if (settings.slack.enabled && settings.slack.distribution === true) for (const k of SECRET_KEYS.slackDistribution) skeleton[k] = '';
  if (settings.line.enabled) for (const k of SECRET_KEYS.line) skeleton[k] = '';
  if (settings.discord?.enabled === true) for (const k of SECRET_KEYS.discord) skeleton[k] = '';
  if (settings.assistant?.enabled === true) for (const k of SECRET_KEYS.assistant) skeleton[k] = '';
  const secret = new secretsmanager.Secret(scope, 'PlatformSecret', {
    description: 'ackbot platform credentials (JSON): fill with aws secretsmanager put-secret-value',
    secretStringValue: SecretValue.unsafePlainText(JSON.stringify(skeleton)),
    encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason: "Its values are issued by Slack, LINE, Discord and the model's provider in their consoles; Secrets Manager cannot rotate them, a person does (put-secret-value, several LINE secrets during a rotation).",
  });
  return secret;
}

/**
 * Only `secretsmanager:GetSecretValue`, only on this secret (plus kms:Decrypt on its key through
 * Secrets Manager when a customer key is set). `grantRead` would add DescribeSecret, which neither
 * function needs.
 */
export function grantSecretRead(settings: AckbotSettings, secret: secretsmanager.ISecret, fn: lambda.Function): void {
  const existing = settings.secret.existing;
  const partial = existing !== undefined && !/^arn:.*-[A-Za-z0-9]{6}$/.test(existing);
  // A partial ARN (from a name) matches the real one only with the random suffix wildcarded.
  const resource = partial ? `${secret.secretArn}-??????` : secret.secretArn;
  fn.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource] }),
  );
  if (settings.secret.kmsKeyArn) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [settings.secret.kmsKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(fn).region}.amazonaws.com` } },
      }),
    );
  }
}
