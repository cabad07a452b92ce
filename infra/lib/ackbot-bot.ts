import * as fs from 'fs';
import * as path from 'path';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
// cargo-lambda-cdk's own bundler (what `RustFunction` uses inside): it yields the `Code`, so one
// build can serve both functions. Not re-exported from the package index; the version is pinned.
import { Bundling } from 'cargo-lambda-cdk/lib/bundling';
import { Construct } from 'constructs';
import { envelopeRequestTemplates } from './envelope-template';
import { AckbotSettings, DEFAULT_SETTINGS, RouteAck, validateSettings } from './settings';

/** The CloudWatch namespace of the metrics both functions write as embedded-metric-format lines. */
export const METRIC_NAMESPACE = 'ackbot';

/** The keys of the JSON secret the worker reads at cold start. */
export const SECRET_KEYS = {
  slack: ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN'],
  line: ['LINE_CHANNEL_SECRET', 'LINE_CHANNEL_ACCESS_TOKEN'],
} as const;

/** One webhook route of the API. */
export interface WebhookRoute {
  readonly path: string;
  readonly ack: RouteAck;
  /** Id of the output holding the route's full URL (the stack output's name under `AckbotStack`). */
  readonly outputName: string;
}

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

/** The Cargo.toml of this repository, the default `manifestPath`. */
const OWN_MANIFEST = path.join(__dirname, '..', '..', 'Cargo.toml');
/** The default `binaryName`. */
const OWN_BINARY = 'ackbot';
/** The default `cargoLambdaFlags`: the deployed bootstrap needs only the `lambda` feature. */
const LAMBDA_ONLY_FLAGS = ['--no-default-features', '--features', 'lambda'];

/**
 * Slack and LINE webhooks → API Gateway REST API. A gateway-ack route acks at once with its static
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
  /** The front door; undefined when every enabled route is acked by the gateway. */
  readonly frontDoor?: lambda.Function;
  /** Where the worker's failed Envelopes land after Lambda's retries. */
  readonly deadLetterQueue: sqs.Queue;
  /** The platform credentials (JSON with the keys of `SECRET_KEYS`), created or imported. */
  readonly secret: secretsmanager.ISecret;
  /** The idempotency table; undefined when `idempotency.enabled` is false. */
  readonly idempotencyTable?: dynamodb.Table;
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

    this.secret = this.platformSecret(settings);

    const logGroup = new logs.LogGroup(this, 'WorkerLogs', {
      retention: settings.worker.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // One Code for both functions: one build, one asset, one S3 object.
    const code = props.code ?? cargoLambdaCode(props, settings);
    this.worker = this.workerFunction(settings, logGroup, code);
    this.grantSecretRead(settings, this.worker);
    if (settings.idempotency.enabled) this.idempotencyTable = this.idempotencyStore(settings);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.worker.configureAsyncInvoke({
      retryAttempts: settings.worker.retryAttempts,
      maxEventAge: Duration.seconds(settings.worker.maxEventAgeSeconds),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    this.api = new apigateway.RestApi(this, 'WebhookApi', {
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

    const routes = enabledRoutes(settings);
    if (routes.some((route) => route.ack.ack === 'function')) {
      this.frontDoor = this.frontDoorFunction(settings, code);
    }

    for (const route of routes) {
      if (route.ack.ack === 'function') this.addFunctionRoute(route);
      else this.addGatewayRoute(route, settings);
      new CfnOutput(this, route.outputName, {
        value: this.api.urlForPath(route.path),
        description: `Webhook URL for ${route.path}: paste it into the platform's console`,
      });
    }

    if (settings.alarms.enabled) this.addAlarms(settings);

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
   * The durable idempotency store (partition key `id` S, TTL attribute `expiration`, on-demand),
   * named to the worker. The worker may only put, update and delete items of this table: the
   * conditional put claims a key, a put completes it, a delete releases it.
   */
  private idempotencyStore(settings: AckbotSettings): dynamodb.Table {
    const table = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Keys age out within a day: nothing worth keeping past the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.worker.addEnvironment('ACKBOT_IDEMPOTENCY_TABLE', table.tableName);
    this.worker.addEnvironment('ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS', String(settings.idempotency.inProgressSeconds * 1000));
    this.worker.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
      }),
    );
    new CfnOutput(this, 'IdempotencyTableName', { value: table.tableName });
    return table;
  }

  /** The created (empty) secret, or the existing one named in settings. */
  private platformSecret(settings: AckbotSettings): secretsmanager.ISecret {
    const encryptionKey = settings.secret.kmsKeyArn
      ? kms.Key.fromKeyArn(this, 'SecretKey', settings.secret.kmsKeyArn)
      : undefined;
    const existing = settings.secret.existing;
    if (existing) {
      if (existing.startsWith('arn:')) {
        // A complete ARN ends in the 6-character suffix Secrets Manager appends to the name.
        const complete = /-[A-Za-z0-9]{6}$/.test(existing);
        return secretsmanager.Secret.fromSecretAttributes(this, 'PlatformSecret', {
          ...(complete ? { secretCompleteArn: existing } : { secretPartialArn: existing }),
          encryptionKey,
        });
      }
      return secretsmanager.Secret.fromSecretAttributes(this, 'PlatformSecret', {
        secretPartialArn: Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: existing, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        encryptionKey,
      });
    }
    // Created with the keys present and empty: no credential is ever in the template. The worker
    // treats an empty value as "not configured".
    const skeleton: Record<string, string> = {};
    if (settings.slack.enabled) for (const k of SECRET_KEYS.slack) skeleton[k] = '';
    if (settings.line.enabled) for (const k of SECRET_KEYS.line) skeleton[k] = '';
    return new secretsmanager.Secret(this, 'PlatformSecret', {
      description: 'ackbot platform credentials (JSON): fill with aws secretsmanager put-secret-value',
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(skeleton)),
      encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** The worker: `ACKBOT_ROLE=worker`, invoked asynchronously by the gateway routes and the front door. */
  private workerFunction(settings: AckbotSettings, logGroup: logs.ILogGroup, code: lambda.Code): lambda.Function {
    const w = settings.worker;
    // Our own role instead of AWSLambdaBasicExecutionRole (logs:* on "*"): write to this log group only.
    const role = new iam.Role(this, 'WorkerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'ackbot worker: its log group, its secret, its dead-letter queue',
    });
    logGroup.grantWrite(role);
    return new lambda.Function(this, 'Worker', {
      role,
      description: 'ackbot worker: verifies, dispatches and replies to webhook Envelopes',
      code,
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'bootstrap',
      architecture: architectureOf(settings),
      memorySize: w.memoryMb,
      timeout: Duration.seconds(w.timeoutSeconds),
      logGroup,
      reservedConcurrentExecutions: w.reservedConcurrency,
      environment: {
        ACKBOT_ROLE: 'worker',
        ACKBOT_BOT_NAME: this.botName,
        ACKBOT_SECRET_ARN: this.secret.secretArn,
        ACKBOT_LOG_FORMAT: 'json',
        RUST_LOG: w.logLevel,
        ACKBOT_HTTP_TIMEOUT_MS: String(w.httpTimeoutMs),
      },
    });
  }

  /**
   * The front door: the worker's binary and architecture with `ACKBOT_ROLE=front`, invoked
   * synchronously by the function-ack routes. Its role may write its own log group, read the secret
   * (to verify signatures) and invoke the worker, nothing else.
   */
  private frontDoorFunction(settings: AckbotSettings, code: lambda.Code): lambda.Function {
    const f = settings.front;
    const logGroup = new logs.LogGroup(this, 'FrontDoorLogs', {
      retention: f.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'FrontDoorRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'ackbot front door: its log group, its secret, invoking the worker',
    });
    logGroup.grantWrite(role);
    const front = new lambda.Function(this, 'FrontDoor', {
      role,
      description: 'ackbot front door: verifies a webhook, answers it, hands its Envelope to the worker',
      code,
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'bootstrap',
      architecture: architectureOf(settings),
      memorySize: f.memoryMb,
      timeout: Duration.seconds(f.timeoutSeconds),
      logGroup,
      reservedConcurrentExecutions: f.reservedConcurrency,
      environment: {
        ACKBOT_ROLE: 'front',
        ACKBOT_BOT_NAME: this.botName,
        ACKBOT_WORKER_FUNCTION: this.worker.functionName,
        ACKBOT_SECRET_ARN: this.secret.secretArn,
        ACKBOT_LOG_FORMAT: 'json',
        RUST_LOG: f.logLevel,
        ACKBOT_ACK_DEADLINE_MS: String(f.ackDeadlineMs),
        // One setting for both functions: the platforms' APIs answer both alike.
        ACKBOT_HTTP_TIMEOUT_MS: String(settings.worker.httpTimeoutMs),
      },
    });
    this.grantSecretRead(settings, front);
    this.grantInvokeWorker(front);
    return front;
  }

  /**
   * `lambda:InvokeFunction` on the worker's unqualified ARN only. `grantInvoke` would add
   * `<arn>:*` (every version and alias); the front door invokes `$LATEST` by name.
   */
  private grantInvokeWorker(front: lambda.Function): void {
    front.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.worker.functionArn] }),
    );
  }

  /**
   * Only `secretsmanager:GetSecretValue`, only on this secret (plus kms:Decrypt on its key through
   * Secrets Manager when a customer key is set). `grantRead` would add DescribeSecret, which neither
   * function needs.
   */
  private grantSecretRead(settings: AckbotSettings, fn: lambda.Function): void {
    const existing = settings.secret.existing;
    const partial = existing !== undefined && !/^arn:.*-[A-Za-z0-9]{6}$/.test(existing);
    // A partial ARN (from a name) matches the real one only with the random suffix wildcarded.
    const resource = partial ? `${this.secret.secretArn}-??????` : this.secret.secretArn;
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource] }),
    );
    if (settings.secret.kmsKeyArn) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [settings.secret.kmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
  }

  /** Gateway ack: POST route → non-proxy Lambda integration, invoked with X-Amz-Invocation-Type: Event. */
  private addGatewayRoute(route: WebhookRoute, settings: AckbotSettings): void {
    const status = String(route.ack.status);
    const integration = new apigateway.LambdaIntegration(this.worker, {
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
    const resource = this.api.root.resourceForPath(route.path);
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
  private addFunctionRoute(route: WebhookRoute): void {
    if (!this.frontDoor) throw new Error(`${route.path} is a function-ack route but there is no front door`);
    const integration = new apigateway.LambdaIntegration(this.frontDoor, {
      proxy: true,
      // Only the deployed stage may invoke; the console's test-invoke is not granted.
      allowTestInvoke: false,
    });
    this.api.root.resourceForPath(route.path).addMethod('POST', integration, {
      // The platforms authenticate by signature, verified by the front door against the exact bytes.
      authorizationType: apigateway.AuthorizationType.NONE,
    });
  }

  /** Alarms on the things that mean a webhook was not handled. */
  private addAlarms(settings: AckbotSettings): void {
    const period = Duration.seconds(settings.alarms.periodSeconds);
    const alarms = [
      new cloudwatch.Alarm(this, 'DeadLetterQueueNotEmpty', {
        alarmDescription: 'ackbot: Envelopes failed after all retries and wait in the dead-letter queue',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'WorkerErrors', {
        alarmDescription: 'ackbot: the worker failed invocations (Lambda will retry them)',
        metric: this.worker.metricErrors({ period, statistic: 'Sum' }),
        threshold: settings.alarms.functionErrorsThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'WorkerDestinationDeliveryFailures', {
        alarmDescription: 'ackbot: a failed Envelope could not be parked in the dead-letter queue (it is lost)',
        metric: this.worker.metric('DestinationDeliveryFailures', { period, statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    if (this.frontDoor) alarms.push(...this.frontDoorAlarms(this.frontDoor, settings, period));
    alarms.push(this.rejectionAlarm(settings, period));
    if (settings.alarms.snsTopicArn) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', settings.alarms.snsTopicArn);
      for (const alarm of alarms) alarm.addAlarmAction(new cwActions.SnsAction(topic));
    }
  }

  /**
   * One of the metrics the functions write as embedded-metric-format lines (namespace `ackbot`,
   * dimensions `Bot` = this bot's name and `Role` = `worker` or `front`): `Processed`, `Rejected`,
   * `Duplicate` or `Failed`, a count. For alarms and dashboards of your own.
   */
  metric(metricName: 'Processed' | 'Rejected' | 'Duplicate' | 'Failed', role: 'worker' | 'front', props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      statistic: 'Sum',
      ...props,
      namespace: METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { Bot: this.botName, Role: role },
    });
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

  /**
   * A spike of refused requests, from the `Rejected` metric both functions write in CloudWatch's
   * embedded metric format (namespace `ackbot`, dimensions `Bot` and `Role`): someone is posting to
   * the webhook URLs, or a secret was rotated on one side only.
   */
  private rejectionAlarm(settings: AckbotSettings, period: Duration): cloudwatch.Alarm {
    const rejected = (role: 'worker' | 'front') => this.metric('Rejected', role, { period, statistic: 'Sum' });
    const metric = new cloudwatch.MathExpression({
      expression: 'FILL(worker, 0) + FILL(front, 0)',
      usingMetrics: { worker: rejected('worker'), front: rejected('front') },
      label: 'Rejected requests',
      period,
    });
    return new cloudwatch.Alarm(this, 'RejectedRequests', {
      alarmDescription: 'ackbot: many requests were refused (bad signature, stale, unparsable): a flood, or a secret rotated on one side only',
      metric,
      threshold: settings.alarms.rejectedThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * The front door's failures reach the platform directly: a function error or timeout is a 502 from
   * API Gateway (Slack retries events, not interactions), and the worker may never get the Envelope.
   * `Duration` is watched halfway between the ack deadline and the timeout: past it, the front door
   * overshot its own deadline and the platform's is close.
   */
  private frontDoorAlarms(front: lambda.IFunction, settings: AckbotSettings, period: Duration): cloudwatch.Alarm[] {
    const f = settings.front;
    const nearTimeoutMs = Math.round(f.ackDeadlineMs + (f.timeoutSeconds * 1000 - f.ackDeadlineMs) / 2);
    return [
      new cloudwatch.Alarm(this, 'FrontDoorErrors', {
        alarmDescription: 'ackbot: the front door failed requests (API Gateway answered the platform 502)',
        metric: front.metricErrors({ period, statistic: 'Sum' }),
        threshold: settings.alarms.functionErrorsThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'FrontDoorNearTimeout', {
        alarmDescription: `ackbot: the front door ran over ${nearTimeoutMs} ms, past its ${f.ackDeadlineMs} ms ack deadline and close to its ${f.timeoutSeconds} s timeout`,
        metric: front.metricDuration({ period, statistic: 'Maximum' }),
        threshold: nearTimeoutMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
  }
}

/**
 * The bot's package built by cargo-lambda-cdk's bundler: the same build `RustFunction` runs, but as
 * a `Code` that both the worker and the front door use, so the binary is built once and uploaded
 * once.
 */
function cargoLambdaCode(props: AckbotBotProps, settings: AckbotSettings): lambda.Code {
  const manifestPath = props.manifestPath ?? OWN_MANIFEST;
  if (!fs.existsSync(manifestPath)) {
    throw new Error(`AckbotBot: no Cargo.toml at ${manifestPath}: pass manifestPath (your package's Cargo.toml) or code`);
  }
  return Bundling.bundle({
    manifestPath,
    binaryName: props.binaryName ?? OWN_BINARY,
    architecture: architectureOf(settings),
    cargoLambdaFlags: props.cargoLambdaFlags ?? LAMBDA_ONLY_FLAGS,
  });
}

/** The Lambda architecture both functions are built for and run on. */
function architectureOf(settings: AckbotSettings): lambda.Architecture {
  return settings.worker.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
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
