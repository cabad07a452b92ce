import { CfnOutput, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BotMetricName, BotRole, addAlarms, botMetric } from './alarms';
import { addSlackDistribution, distributionOn } from './distribution';
import { cargoLambdaCode, frontDoorFunction, workerFunction } from './functions';
import { idempotencyStore } from './idempotency';
import { addWebhookRoutes, enabledRoutes, webhookApi } from './routes';
import { platformSecret } from './secret';
import { AckbotSettings, DEFAULT_SETTINGS, validateSettings } from './settings';

// The construct's pieces live in files of their own; these were always exported from here.
export { METRIC_NAMESPACE } from './alarms';
export { INSTALLATION_TABLE_ACTIONS, INSTALL_ROUTES } from './distribution';
export { enabledRoutes } from './routes';
export type { WebhookRoute } from './routes';
export { SECRET_KEYS } from './secret';

/**
 * What `AckbotBot` deploys and which Rust binary it runs. Every field is optional: the defaults
 * deploy this repository's own `ackbot` binary with the default settings.
 */
export interface AckbotBotProps {
  /**
   * The deployment settings (routes and their ack modes, worker, front door, API, secret, alarms,
   * idempotency). `resolveSettings(app.node.getAllContext())` builds them from the defaults and CDK
   * context; README.md ("Settings") documents every one of them. `stackName` is not used by the
   * construct, only by the app that names its stack; `botName` defaults to the name of the stack
   * the bot is in.
   *
   * @default DEFAULT_SETTINGS
   */
  readonly settings?: AckbotSettings;
  /**
   * The `Cargo.toml` of the package whose binary the functions run. cargo-lambda builds from its
   * directory (`cargo lambda build --release --bin <binaryName> …`), so a package inside a
   * workspace builds with the workspace's lock file and target directory. Ignored when `code` is
   * given.
   *
   * The default is this repository's root `Cargo.toml`, found relative to this file: it is only
   * right inside an ackbot checkout. Installed from a tarball (`node_modules/@ackbot/cdk`) it points
   * nowhere, so a project of your own always passes its own manifest, e.g.
   * `path.join(__dirname, '..', '..', 'Cargo.toml')` from `infra/bin/app.ts`.
   *
   * @default the ackbot repository's root Cargo.toml
   */
  readonly manifestPath?: string;
  /**
   * The binary of that package to build (cargo's `--bin`); it becomes the functions' `bootstrap`.
   * Ignored when `code` is given.
   *
   * @default 'ackbot'
   */
  readonly binaryName?: string;
  /**
   * Extra flags of `cargo lambda build`. The default builds the Lambda roles only, which assumes
   * the package has a `lambda` feature; pass `[]` for a package without features.
   * Ignored when `code` is given.
   *
   * @default ['--no-default-features', '--features', 'lambda']
   */
  readonly cargoLambdaFlags?: string[];
  /**
   * The code of the worker and the front door (a directory holding `bootstrap`), replacing the
   * cargo-lambda build: a binary CI already built (`-c ackbot:prebuiltAsset=DIR` in the apps), or a
   * small stand-in in unit tests so synth stays fast. Both functions use it, as they use the build.
   *
   * @default the cargo-lambda build of `binaryName` from `manifestPath`, once for both functions
   */
  readonly code?: lambda.Code;
}

/**
 * Slack, LINE and Discord webhooks → API Gateway REST API. A gateway-ack route acks at once with its static
 * answer and invokes the Rust worker asynchronously with an Envelope; a function-ack route invokes the
 * front door (the same binary) synchronously, which answers with what it computed and hands the
 * Envelope to the worker asynchronously. Failures after Lambda's retries land in an SQS dead-letter
 * queue, watched by alarms.
 *
 * Put it in a stack of yours, or use `AckbotStack`, which holds one. Under the id `Default` its
 * resources keep the logical IDs they have at the top of a stack.
 */
export class AckbotBot extends Construct {
  /** The REST API that receives the webhooks. */
  readonly api: apigateway.RestApi;
  /** The worker: processes every Envelope asynchronously. */
  readonly worker: lambda.Function;
  /**
   * The front door; undefined when every enabled route is acked by the gateway and Slack's
   * distribution mode is off.
   */
  readonly frontDoor?: lambda.Function;
  /** Where the worker's failed Envelopes land after Lambda's retries. */
  readonly deadLetterQueue: sqs.Queue;
  /** The platform credentials (JSON with the keys of `SECRET_KEYS`), created or imported. */
  readonly secret: secretsmanager.ISecret;
  /** The idempotency table; undefined when `idempotency.enabled` is false. */
  readonly idempotencyTable?: dynamodb.Table;
  /**
   * The table of Slack installations and OAuth states (retained on stack deletion); undefined
   * unless `slack.distribution` is on.
   */
  readonly installationTable?: dynamodb.Table;
  /**
   * The bot's name (`botName`, else the stack's name): both functions' `ACKBOT_BOT_NAME`, the `Bot`
   * dimension of their metrics and of the alarms on them.
   */
  readonly botName: string;

  constructor(scope: Construct, id: string, props: AckbotBotProps = {}) {
    super(scope, id);
    const settings = props.settings ?? DEFAULT_SETTINGS;
    validateSettings(settings);
    this.botName = settings.botName ?? Stack.of(this).stackName;
    this.refuseSameBotName();

    this.secret = platformSecret(this, settings);

    // One Code for both functions: one build, one asset, one S3 object.
    const code = props.code ?? cargoLambdaCode(props, settings);
    const inputs = { settings, botName: this.botName, secret: this.secret, code };
    this.worker = workerFunction(this, inputs);
    if (settings.idempotency.enabled) this.idempotencyTable = idempotencyStore(this, settings, this.worker);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: "It is the dead-letter queue: the worker's async-invoke on-failure destination, which the rule does not see.",
    });
    this.worker.configureAsyncInvoke({
      retryAttempts: settings.worker.retryAttempts,
      maxEventAge: Duration.seconds(settings.worker.maxEventAgeSeconds),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    this.api = webhookApi(this, settings);

    const routes = enabledRoutes(settings);
    // The install routes of distribution mode are answered by the front door too.
    if (routes.some((route) => route.ack.ack === 'function') || distributionOn(settings)) {
      this.frontDoor = frontDoorFunction(this, inputs, this.worker);
    }
    addWebhookRoutes(this, this.api, routes, { worker: this.worker, frontDoor: this.frontDoor }, settings);
    if (this.frontDoor && distributionOn(settings)) {
      this.installationTable = addSlackDistribution(this, settings, { api: this.api, worker: this.worker, frontDoor: this.frontDoor });
    }

    if (settings.alarms.enabled) {
      addAlarms(this, settings, { botName: this.botName, worker: this.worker, frontDoor: this.frontDoor, deadLetterQueue: this.deadLetterQueue });
    }

    new CfnOutput(this, 'SecretArn', {
      value: this.secret.secretArn,
      description: 'Put the platform credentials here (aws secretsmanager put-secret-value)',
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.deadLetterQueue.queueUrl,
      description: 'Envelopes whose processing failed after all retries',
    });
    new CfnOutput(this, 'WorkerFunctionName', { value: this.worker.functionName });
    if (this.frontDoor) {
      new CfnOutput(this, 'FrontDoorFunctionName', {
        value: this.frontDoor.functionName,
        description: 'Answers the function-ack routes and hands their Envelopes to the worker',
      });
    }
  }

  /**
   * One of the metrics the functions write as embedded-metric-format lines (namespace `ackbot`,
   * dimensions `Bot` = this bot's name and `Role` = `worker` or `front`): `Processed`, `Rejected`,
   * `Duplicate` or `Failed`, a count. For alarms and dashboards of your own.
   */
  metric(metricName: BotMetricName, role: BotRole, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return botMetric(this.botName, metricName, role, props);
  }

  /**
   * Two bots of one name in one account and region would write into the same metrics and set off
   * each other's alarms: refuse a second one in the same app (same name, same environment).
   */
  private refuseSameBotName(): void {
    if (Token.isUnresolved(this.botName)) return; // a nested stack's name: unique by construction
    const env = Stack.of(this).environment;
    const same = this.node.root.node
      .findAll()
      .filter((c): c is AckbotBot => c instanceof AckbotBot && c !== this)
      .find((other) => other.botName === this.botName && Stack.of(other).environment === env);
    if (same) {
      throw new Error(
        `AckbotBot ${this.node.path}: the bot ${same.node.path} in the same environment has the name "${this.botName}" too; ` +
          'their metrics and alarms would mix: give one of them another botName',
      );
    }
  }
}
