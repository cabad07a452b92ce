import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledgeOpen, frontDoorIntegration } from './routes';
import { AckbotSettings } from './settings';

/** The install routes of distribution mode, each a GET answered by the front door, with its output. */
export const INSTALL_ROUTES = [
  { path: '/slack/install', outputName: 'SlackInstallUrl', what: 'open it in a browser to install the app in a workspace' },
  { path: '/slack/oauth_redirect', outputName: 'SlackOAuthRedirectUrl', what: "the app's OAuth redirect URL (oauth_config.redirect_urls)" },
] as const;

/** The only calls the functions make on the installation table (GetItem, conditional puts, updates and deletes). */
export const INSTALLATION_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/**
 * What DynamoDB uses a customer-managed table key for on the caller's behalf: decrypting the table
 * key, and encrypting under it. `kms:CreateGrant` is not among them: CloudFormation needs it when it
 * creates the table, the functions do not.
 */
const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/** Slack's distribution mode is on: the setting, for the Slack routes that exist. */
export function distributionOn(settings: AckbotSettings): boolean {
  return settings.slack.enabled && settings.slack.distribution === true;
}

/** What distribution mode adds to. */
export interface DistributionTargets {
  readonly api: apigateway.RestApi;
  readonly worker: lambda.Function;
  /** Answers the install routes; distribution mode always has one. */
  readonly frontDoor: lambda.Function;
}

/**
 * Slack's distribution mode (OAuth install in many workspaces), as children of `scope`: the two
 * install routes on the front door, the installation table (`InstallationTable`) that the worker
 * and the front door alone may read and write, their environment, and the outputs. Returns the table.
 */
export function addSlackDistribution(scope: Construct, settings: AckbotSettings, targets: DistributionTargets): dynamodb.Table {
  const { api, worker, frontDoor } = targets;
  const table = installationTable(scope, settings);
  const environment: Record<string, string | undefined> = {
    ACKBOT_INSTALLATION_TABLE: table.tableName,
    ACKBOT_PUBLIC_URL: publicUrl(api, settings),
    SLACK_SCOPES: scopeList(settings.slack.scopes),
    SLACK_USER_SCOPES: scopeList(settings.slack.userScopes),
    ACKBOT_OAUTH_SUCCESS_URL: settings.slack.oauthSuccessUrl,
  };
  for (const fn of [worker, frontDoor]) {
    for (const [name, value] of Object.entries(environment)) if (value !== undefined) fn.addEnvironment(name, value);
    grantInstallations(table, settings, fn);
  }
  for (const route of INSTALL_ROUTES) {
    // The front door reads `resource`, the query string and the Cookie header of the proxy event and
    // answers `{statusCode, headers, multiValueHeaders, body}` (a redirect with Set-Cookie, or a
    // page), which the proxy integration passes through: no mapping template.
    const method = api.root.resourceForPath(route.path).addMethod('GET', frontDoorIntegration(frontDoor), {
      // A browser follows these links; the state, bound to a cookie, protects the redirect.
      authorizationType: apigateway.AuthorizationType.NONE,
    });
    acknowledgeOpen(method, "Slack's OAuth install is public by design: anyone may start it, and the OAuth state bound to a cookie protects the redirect.");
    new CfnOutput(scope, route.outputName, {
      value: api.urlForPath(route.path),
      description: `Slack distribution: ${route.what}`,
    });
  }
  new CfnOutput(scope, 'InstallationTableName', { value: table.tableName });
  return table;
}

/**
 * Installations (their tokens) and OAuth states: partition key `id` (S), no sort key, TTL attribute
 * `expiration` (the states expire through it), on-demand, point-in-time recovery, encrypted with the
 * AWS-managed key or `slack.installationKmsKeyArn`.
 */
function installationTable(scope: Construct, settings: AckbotSettings): dynamodb.Table {
  const keyArn = settings.slack.installationKmsKeyArn;
  return new dynamodb.Table(scope, 'InstallationTable', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: 'expiration',
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(keyArn
      ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: kms.Key.fromKeyArn(scope, 'InstallationTableKey', keyArn) }
      : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
    // Kept when the stack is deleted (or the table replaced): it holds every workspace's install,
    // which no redeploy can bring back (each workspace would have to install the app again). A new
    // stack makes a new, empty table; the retained one is deleted by hand, or its items copied.
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * Exactly `INSTALLATION_TABLE_ACTIONS` on the table's ARN (no Scan, no Query, no batch calls, and
 * not `grantReadWriteData`, which adds them), and with a customer key its use through DynamoDB.
 */
function grantInstallations(table: dynamodb.Table, settings: AckbotSettings, fn: lambda.Function): void {
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: INSTALLATION_TABLE_ACTIONS, resources: [table.tableArn] }));
  const keyArn = settings.slack.installationKmsKeyArn;
  if (keyArn) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: TABLE_KEY_ACTIONS,
        resources: [keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(fn).region}.amazonaws.com` } },
      }),
    );
  }
}

/**
 * The stage's https base URL, `https://{restApiId}.execute-api.{region}.{urlSuffix}/{stageName}`:
 * what the front door builds the OAuth `redirect_uri` from. Made from the RestApi's id and the
 * stage's name as set, not from `api.url`: that refers to the stage, whose deployment depends on the
 * methods, which depend on the functions whose environment this is (a cycle).
 */
function publicUrl(api: apigateway.RestApi, settings: AckbotSettings): string {
  const stack = Stack.of(api);
  return `https://${api.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${settings.api.stageName}`;
}

/** A comma-separated scope setting, trimmed and without blanks; undefined when unset. */
function scopeList(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '')
    .join(',');
}
