import * as fs from 'fs';
import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
// cargo-lambda-cdk's own bundler (what `RustFunction` uses inside): it yields the `Code`, so one
// build can serve both functions. Not re-exported from the package index; the version is pinned.
import { Bundling } from 'cargo-lambda-cdk/lib/bundling';
import { Construct } from 'constructs';
import { grantSecretRead } from './secret';
import { AckbotSettings } from './settings';

/** The Cargo.toml of this repository, the default `manifestPath`. */
const OWN_MANIFEST = path.join(__dirname, '..', '..', 'Cargo.toml');
/** The default `binaryName`. */
const OWN_BINARY = 'ackbot';
/** The default `cargoLambdaFlags`: the deployed bootstrap needs only the `lambda` feature. */
const LAMBDA_ONLY_FLAGS = ['--no-default-features', '--features', 'lambda'];

/** What both functions are made from: the bot's settings, name, secret and code. */
export interface FunctionInputs {
  readonly settings: AckbotSettings;
  /** `ACKBOT_BOT_NAME` of both functions. */
  readonly botName: string;
  /** The platform credentials, read by both functions. */
  readonly secret: secretsmanager.ISecret;
  /** One Code for both functions: one build, one asset, one S3 object. */
  readonly code: lambda.Code;
}

/** The build props of `AckbotBotProps` (see there). */
export interface BuildProps {
  readonly manifestPath?: string;
  readonly binaryName?: string;
  readonly cargoLambdaFlags?: string[];
}

/**
 * The worker: `ACKBOT_ROLE=worker`, invoked asynchronously by the gateway routes and the front
 * door, as `scope`'s `Worker` with its log group `WorkerLogs` and role `WorkerRole`. Its role may
 * write its log group and read the secret; the construct adds its other grants. It alone calls the
 * assistant's model, so only it gets the `ACKBOT_LLM_*` settings (the key stays in the secret).
 */
export function workerFunction(scope: Construct, inputs: FunctionInputs): lambda.Function {
  const { settings, botName, secret, code } = inputs;
  const w = settings.worker;
  const logGroup = new logs.LogGroup(scope, 'WorkerLogs', {
    retention: w.logRetentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // Our own role instead of AWSLambdaBasicExecutionRole (logs:* on "*"): write to this log group only.
  const role = new iam.Role(scope, 'WorkerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'ackbot worker: its log group, its secret, its dead-letter queue',
  });
  logGroup.grantWrite(role);
  const worker = new lambda.Function(scope, 'Worker', {
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
      ACKBOT_BOT_NAME: botName,
      ACKBOT_SECRET_ARN: secret.secretArn,
      ACKBOT_LOG_FORMAT: 'json',
      RUST_LOG: w.logLevel,
      ACKBOT_HTTP_TIMEOUT_MS: String(w.httpTimeoutMs),
      ...assistantEnvironment(settings),
      ...discordEnvironment(settings),
    },
  });
  grantSecretRead(settings, secret, worker);
  return worker;
}

/** The worker's `ACKBOT_LLM_*` variables when the assistant is on; never `ACKBOT_LLM_API_KEY`. */
function assistantEnvironment(settings: AckbotSettings): Record<string, string> {
  const a = settings.assistant;
  if (a?.enabled !== true) return {};
  const env: Record<string, string> = {
    ACKBOT_LLM_URL: a.url ?? '',
    ACKBOT_LLM_MODEL: a.model ?? '',
    ACKBOT_LLM_TIMEOUT_SECS: String(a.timeoutSeconds),
  };
  if (a.systemPrompt !== undefined && a.systemPrompt.trim() !== '') env.ACKBOT_LLM_SYSTEM_PROMPT = a.systemPrompt;
  return env;
}

/**
 * Both functions' `DISCORD_APPLICATION_ID` when Discord is on: the front door answers its
 * interactions, the worker follows them up. The public key and the bot token are in the secret.
 */
function discordEnvironment(settings: AckbotSettings): Record<string, string> {
  const d = settings.discord;
  return d?.enabled === true && d.applicationId !== undefined ? { DISCORD_APPLICATION_ID: d.applicationId } : {};
}

/**
 * The front door: the worker's binary and architecture with `ACKBOT_ROLE=front`, invoked
 * synchronously by the function-ack routes, as `scope`'s `FrontDoor`. Its role may write its own
 * log group, read the secret (to verify signatures) and invoke the worker, nothing else.
 */
export function frontDoorFunction(scope: Construct, inputs: FunctionInputs, worker: lambda.Function): lambda.Function {
  const { settings, botName, secret, code } = inputs;
  const f = settings.front;
  const logGroup = new logs.LogGroup(scope, 'FrontDoorLogs', {
    retention: f.logRetentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, 'FrontDoorRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'ackbot front door: its log group, its secret, invoking the worker',
  });
  logGroup.grantWrite(role);
  const front = new lambda.Function(scope, 'FrontDoor', {
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
      ACKBOT_BOT_NAME: botName,
      ACKBOT_WORKER_FUNCTION: worker.functionName,
      ACKBOT_SECRET_ARN: secret.secretArn,
      ACKBOT_LOG_FORMAT: 'json',
      RUST_LOG: f.logLevel,
      ACKBOT_ACK_DEADLINE_MS: String(f.ackDeadlineMs),
      // One setting for both functions: the platforms' APIs answer both alike.
      ACKBOT_HTTP_TIMEOUT_MS: String(settings.worker.httpTimeoutMs),
      ...discordEnvironment(settings),
    },
  });
  grantSecretRead(settings, secret, front);
  grantInvokeWorker(front, worker);
  return front;
}

/**
 * `lambda:InvokeFunction` on the worker's unqualified ARN only. `grantInvoke` would add
 * `<arn>:*` (every version and alias); the front door invokes `$LATEST` by name.
 */
function grantInvokeWorker(front: lambda.Function, worker: lambda.Function): void {
  front.addToRolePolicy(
    new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [worker.functionArn] }),
  );
}

/**
 * The bot's package built by cargo-lambda-cdk's bundler: the same build `RustFunction` runs, but as
 * a `Code` that both the worker and the front door use, so the binary is built once and uploaded
 * once.
 */
export function cargoLambdaCode(props: BuildProps, settings: AckbotSettings): lambda.Code {
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
