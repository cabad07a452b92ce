import { Stack, StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AckbotBot, AckbotBotProps } from './ackbot-bot';

// Where they were before the construct existed.
export { SECRET_KEYS, enabledRoutes } from './ackbot-bot';
export type { WebhookRoute } from './ackbot-bot';

/** A stack's props plus the bot's; `workerCode` is the bot's `code`. */
export interface AckbotStackProps extends StackProps, Omit<AckbotBotProps, 'code'> {
  /**
   * The code of the worker and the front door (a directory holding `bootstrap`), replacing the
   * cargo-lambda build: what `-c ackbot:prebuiltAsset=DIR` and the unit tests pass.
   *
   * @default the cargo-lambda build of `binaryName` from `manifestPath`
   */
  readonly workerCode?: lambda.Code;
}

/**
 * A stack holding one `AckbotBot` and nothing else. The bot has the id `Default`, which CDK leaves
 * out of logical IDs, so the resources are named as if they sat at the top of the stack
 * (`Worker…`, `WebhookApi…`, outputs `SlackCommandsUrl`…) and deployed stacks keep them.
 */
export class AckbotStack extends Stack {
  /** The bot, for anything the members below do not reach. */
  readonly bot: AckbotBot;
  /** The REST API that receives the webhooks. */
  readonly api: apigateway.RestApi;
  /** The worker: processes every Envelope asynchronously. */
  readonly worker: lambda.Function;
  /** The front door; undefined when every enabled route is acked by the gateway and distribution mode is off. */
  readonly frontDoor?: lambda.Function;
  /** Where the worker's failed Envelopes land after Lambda's retries. */
  readonly deadLetterQueue: sqs.Queue;
  /** The platform credentials, created or imported. */
  readonly secret: secretsmanager.ISecret;
  /** The idempotency table; undefined when `idempotency.enabled` is false. */
  readonly idempotencyTable?: dynamodb.Table;
  /** The table of Slack installations; undefined unless `slack.distribution` is on. */
  readonly installationTable?: dynamodb.Table;
  /** The bot's name (`botName`, else this stack's name): the `Bot` dimension of its metrics and alarms. */
  readonly botName: string;

  constructor(scope: Construct, id: string, props: AckbotStackProps = {}) {
    super(scope, id, props);
    this.bot = new AckbotBot(this, 'Default', {
      settings: props.settings,
      manifestPath: props.manifestPath,
      binaryName: props.binaryName,
      cargoLambdaFlags: props.cargoLambdaFlags,
      code: props.workerCode,
    });
    this.api = this.bot.api;
    this.worker = this.bot.worker;
    this.frontDoor = this.bot.frontDoor;
    this.deadLetterQueue = this.bot.deadLetterQueue;
    this.secret = this.bot.secret;
    this.idempotencyTable = this.bot.idempotencyTable;
    this.installationTable = this.bot.installationTable;
    this.botName = this.bot.botName;
  }
}
