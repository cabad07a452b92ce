/**
 * The settings a deployer edits: which platforms are on (Slack, LINE, Discord), how each route
 * acknowledges, how the worker Lambda retries, how the front door answers, where the secrets live,
 * which alarms fire, and which model the AI assistant asks.
 *
 * Change the defaults here, or override any of them without editing code:
 *
 *   npx cdk synth -c ackbot:slack.commands.status=202
 *   npx cdk synth -c ackbot:slack.events.ack=gateway
 *   npx cdk synth -c ackbot:line.enabled=false
 *   npx cdk synth -c ackbot:discord.enabled=true -c ackbot:discord.applicationId=123456789012345678
 *   npx cdk synth -c ackbot:settingsFile=./my-settings.json   (a partial AckbotSettings as JSON)
 *
 * or in cdk.json under "context": { "ackbot": { ...partial AckbotSettings... } }.
 * See README.md ("Settings") for the full list.
 */

import type { DiscordSettings } from './settings-discord';

// The checks live in settings-validation.ts, the merging of the sources in settings-resolve.ts;
// these were always exported from here. Discord's block is in settings-discord.ts.
export { ACK_MODES, BOT_NAME, validateSettings } from './settings-validation';
export { CONTEXT_PREFIX, PREBUILT_ASSET_KEY, SETTINGS_FILE_KEY, mergeSettings, resolveSettings } from './settings-resolve';
export type { DiscordSettings } from './settings-discord';

/** HTTP status the gateway answers a webhook with. The platforms document 200; 202 is the pattern's classic answer. */
export type AckStatus = 200 | 202;

/**
 * Who acknowledges a route's webhooks:
 * - `gateway`: API Gateway itself, with the route's static `status`/`body`, after invoking the worker
 *   asynchronously (non-proxy integration, Envelope mapping template). Nothing can be computed.
 * - `function`: the front door Lambda (the same binary, `ACKBOT_ROLE=front`), invoked synchronously
 *   through a Lambda proxy integration. It verifies the signature, answers what must be computed from
 *   the request (Slack's `url_verification` challenge, `view_submission` `response_action`,
 *   `block_suggestion` options; Discord's interaction responses), and hands the Envelope to the
 *   worker with an async Invoke. Discord's `/discord/interactions` is always in this mode.
 */
export type AckMode = 'gateway' | 'function';

/** How one route acknowledges a webhook before any work is done. */
export interface RouteAck {
  /** Who answers: API Gateway with a static ack, or the front door Lambda with a computed one. */
  readonly ack: AckMode;
  /** Status of the immediate acknowledgement (gateway mode only; the front door computes its own). */
  readonly status: AckStatus;
  /**
   * Optional static JSON body of the acknowledgement (served as application/json), e.g.
   * `{"response_type":"in_channel"}` on slash commands so the user's command stays visible.
   * It must be valid JSON and contain no `$` or `#` (it is embedded in a VTL response template).
   * Gateway mode only: on a function route the front door computes the answer, so a body is an error.
   */
  readonly body?: string;
}

/** Slack's three webhook routes, and its OAuth install in many workspaces. */
export interface SlackSettings {
  /** Creates `/slack/commands`, `/slack/interactions` and `/slack/events`. */
  readonly enabled: boolean;
  readonly commands: RouteAck;
  readonly interactions: RouteAck;
  readonly events: RouteAck;
  /**
   * Distribution mode: Slack's OAuth install in many workspaces. Adds `GET /slack/install` and
   * `GET /slack/oauth_redirect`, answered by the front door (then always created); a DynamoDB table
   * of installations and OAuth states (`ACKBOT_INSTALLATION_TABLE`, kept when the stack is deleted);
   * `ACKBOT_PUBLIC_URL` (the stage's URL) on both functions; and `SLACK_CLIENT_ID` and
   * `SLACK_CLIENT_SECRET` in a created secret. Needs `enabled`. Optional (undefined is off), so
   * settings written out in full before it existed still compile.
   */
  readonly distribution?: boolean;
  /** `SLACK_SCOPES` (distribution mode): bot scopes beyond those the registrations need, comma-separated. */
  readonly scopes?: string;
  /** `SLACK_USER_SCOPES` (distribution mode): user scopes the install asks for, comma-separated. */
  readonly userScopes?: string;
  /** `ACKBOT_OAUTH_SUCCESS_URL` (distribution mode): where a finished install sends the browser, https; undefined: a page of the bot's. */
  readonly oauthSuccessUrl?: string;
  /**
   * ARN of a customer-managed KMS key for the installation table (distribution mode; both functions
   * may use it through DynamoDB). Undefined: the AWS-managed key `aws/dynamodb`.
   */
  readonly installationKmsKeyArn?: string;
}

/** LINE's webhook route. */
export interface LineSettings {
  /** Creates `/line/webhook`. */
  readonly enabled: boolean;
  readonly webhook: RouteAck;
}

/** The worker Lambda (the root `ackbot` package, built with cargo-lambda). */
export interface WorkerSettings {
  /** Memory in MB (also scales CPU). */
  readonly memoryMb: number;
  /**
   * Timeout of one invocation, in seconds (1–900). 30 by default, so a stuck call fails fast and its
   * idempotency claim expires soon. With `assistant.enabled` and no value of its own in any source,
   * `resolveSettings` makes it `assistant.timeoutSeconds + 30` (150 by default): the model's time plus
   * room to end the stream and send the reply. Lambda bills only the time used, so the longer
   * timeout costs nothing unless a call runs long.
   */
  readonly timeoutSeconds: number;
  /** CPU architecture the binary is built for and runs on. */
  readonly architecture: 'x86_64' | 'arm64';
  /** Retries by Lambda's async queue after a failed invocation (0–2). */
  readonly retryAttempts: number;
  /** How long an event may wait in Lambda's async queue, in seconds (60–21600). */
  readonly maxEventAgeSeconds: number;
  /** Retention of the function's log group, in days (one of CloudWatch's allowed values). */
  readonly logRetentionDays: number;
  /** `RUST_LOG` filter for the worker. */
  readonly logLevel: string;
  /** Reserved concurrency; undefined leaves the function on the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  /**
   * `ACKBOT_HTTP_TIMEOUT_MS` of both functions: the timeout of one HTTP request to Slack's, LINE's
   * or Discord's API, in milliseconds (a whole number, 1–300000). A slower answer is retried like a
   * network error, so one request may take at most half of `timeoutSeconds`: a request that times
   * out leaves time for a retry as long and for recording the outcome, instead of Lambda ending the
   * invocation in the middle of it.
   */
  readonly httpTimeoutMs: number;
}

/**
 * The front door Lambda that answers the `function`-mode routes synchronously. It is created only
 * when at least one enabled route is in function mode or `slack.distribution` is on (it answers the
 * install routes); it runs the worker's binary and architecture.
 */
export interface FrontDoorSettings {
  /** Memory in MB (also scales CPU, so it shortens cold starts and signature checks). */
  readonly memoryMb: number;
  /**
   * Timeout of one invocation, in seconds (1–29: API Gateway's integration limit). The default, 3,
   * is Slack's and Discord's acknowledgement deadline: past it the platform has given up anyway.
   */
  readonly timeoutSeconds: number;
  /** Retention of the function's log group, in days (one of CloudWatch's allowed values). */
  readonly logRetentionDays: number;
  /** `RUST_LOG` filter for the front door. */
  readonly logLevel: string;
  /**
   * `ACKBOT_ACK_DEADLINE_MS`: how long the front door lets a handler compute an answer before it
   * gives the plain ack instead (100 ≤ x < timeoutSeconds × 1000, leaving time for the hand-off).
   */
  readonly ackDeadlineMs: number;
  /** Reserved concurrency; undefined leaves the function on the account's unreserved pool. */
  readonly reservedConcurrency?: number;
}

/** The API Gateway REST API in front of the worker. */
export interface ApiSettings {
  /** Name of the deployed stage; it is part of every webhook URL. */
  readonly stageName: string;
  /** Steady-state requests per second across the stage. */
  readonly throttlingRateLimit: number;
  /** Burst of requests the stage accepts above the rate. */
  readonly throttlingBurstLimit: number;
  /** REGIONAL (default) or EDGE. */
  readonly endpointType: 'REGIONAL' | 'EDGE';
  /**
   * Further exact Content-Type values that get the Envelope template (beyond the bare JSON and form
   * types and the exact values Slack and LINE send). Any other content type is answered 415.
   */
  readonly extraContentTypes: string[];
  /**
   * Access logs (a JSON line per request: request id, source IP, method, path, status, latencies;
   * never a body or a header, so never a signature) and ERROR-level execution logs, in log groups
   * kept `logRetentionDays`. API Gateway writes them through the account's CloudWatch role, which
   * the stack creates (kept when the stack is deleted) unless `cloudWatchRole` is false (the
   * account has one). Optional (undefined is on).
   */
  readonly accessLogs?: boolean;
  /** Days the API's access logs are kept (the values CloudWatch allows; default 30). */
  readonly logRetentionDays?: number;
  /** Whether the stack sets the account's API Gateway CloudWatch role (default true). */
  readonly cloudWatchRole?: boolean;
  /** ARN of a WAFv2 web ACL (scope REGIONAL) to associate with the stage. */
  readonly webAclArn?: string;
}

/** Where the platform credentials live. */
export interface SecretSettings {
  /**
   * Name or ARN of an existing Secrets Manager secret holding the JSON keys SLACK_SIGNING_SECRET,
   * SLACK_BOT_TOKEN, LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN (DISCORD_PUBLIC_KEY and
   * DISCORD_BOT_TOKEN with Discord, ACKBOT_LLM_API_KEY with the assistant). Undefined: the stack
   * creates a secret whose keys are empty, for you to fill with `aws secretsmanager put-secret-value`.
   */
  readonly existing?: string;
  /** ARN of the customer-managed KMS key the secret is encrypted with, if any (grants kms:Decrypt on it). */
  readonly kmsKeyArn?: string;
}

/** CloudWatch alarms. */
export interface AlarmSettings {
  /** Create the alarms at all. */
  readonly enabled: boolean;
  /** SNS topic ARN that the alarms notify; undefined leaves them without actions. */
  readonly snsTopicArn?: string;
  /** Period over which each alarm's metric is aggregated, in seconds. */
  readonly periodSeconds: number;
  /** The Errors alarm fires when the function's error count in one period exceeds this. */
  readonly functionErrorsThreshold: number;
  /**
   * The RejectedRequests alarm fires when more requests than this were refused (bad signature,
   * stale, unparsable) in one period, by the worker and the front door together: someone is
   * posting to the webhook URLs, or a secret was rotated on one side only.
   */
  readonly rejectedThreshold: number;
}

/** The durable idempotency store: a DynamoDB table shared by every worker invocation. */
export interface IdempotencySettings {
  /**
   * Create the table and name it to the worker (`ACKBOT_IDEMPOTENCY_TABLE`). Without it each
   * worker environment remembers only what it saw itself, so two concurrent environments may both
   * answer a duplicate.
   */
  readonly enabled: boolean;
  /**
   * How long an in-progress claim holds before another invocation may take the work up, in
   * seconds (`ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS`); must exceed worker.timeoutSeconds. With
   * `assistant.enabled` and no value of its own in any source, `resolveSettings` makes it
   * `worker.timeoutSeconds + 90` (240 by default), so a claim outlives the longer work.
   */
  readonly inProgressSeconds: number;
}

/**
 * The built-in AI assistant (`ask`): an OpenAI-compatible chat-completions endpoint that only the
 * worker calls. Its API key is never in the template or an environment variable: it is the key
 * `ACKBOT_LLM_API_KEY` of the platform secret (the created secret gets it, empty, when the assistant
 * is on; an existing secret needs it added).
 */
export interface AssistantSettings {
  /**
   * Turn the assistant on: the worker gets `ACKBOT_LLM_URL`, `ACKBOT_LLM_MODEL`,
   * `ACKBOT_LLM_TIMEOUT_SECS` and, when set, `ACKBOT_LLM_SYSTEM_PROMPT` (the front door none of
   * them), and the created secret the empty key `ACKBOT_LLM_API_KEY`. Unless set explicitly,
   * `worker.timeoutSeconds` becomes `timeoutSeconds + 30` and `idempotency.inProgressSeconds`
   * `worker.timeoutSeconds + 90` (see there); settings that were set are never changed.
   */
  readonly enabled: boolean;
  /**
   * `ACKBOT_LLM_URL`: the API's base URL, `https://` and ending in `/v1` (a trailing slash is
   * tolerated), e.g. `https://api.openai.com/v1`. Required when enabled.
   */
  readonly url?: string;
  /** `ACKBOT_LLM_MODEL`: the model's name, e.g. `gpt-4o-mini`. Required when enabled. */
  readonly model?: string;
  /** `ACKBOT_LLM_SYSTEM_PROMPT`: the system message sent before each question; undefined: none. */
  readonly systemPrompt?: string;
  /**
   * `ACKBOT_LLM_TIMEOUT_SECS`: an answer still streaming after this long is cut off with an apology,
   * in seconds (a whole number, 1–840). `worker.timeoutSeconds` must be at least this plus 10, the
   * time to end the stream and send the reply.
   */
  readonly timeoutSeconds: number;
}

/** Everything a deployer can set. */
export interface AckbotSettings {
  /** CloudFormation stack name (read by the app, `bin/ackbot.ts`; the construct does not use it). */
  readonly stackName: string;
  /**
   * The bot's name, `ACKBOT_BOT_NAME` of both functions: the `Bot` dimension of the metrics they
   * write (namespace `ackbot`, dimensions `Bot` and `Role`) and that the alarms watch, so two bots
   * in one account and region keep their metrics apart. Letters, digits, `.`, `_` and `-`, at most
   * 255 characters. Undefined: the name of the stack the bot is in.
   */
  readonly botName?: string;
  readonly slack: SlackSettings;
  readonly line: LineSettings;
  /**
   * Discord's interactions endpoint, always answered by the front door. Optional (undefined is
   * off), so settings written out in full before it existed still compile.
   */
  readonly discord?: DiscordSettings;
  readonly worker: WorkerSettings;
  readonly front: FrontDoorSettings;
  readonly api: ApiSettings;
  readonly secret: SecretSettings;
  readonly idempotency: IdempotencySettings;
  readonly alarms: AlarmSettings;
  /**
   * The AI assistant. Optional (undefined is off), so settings written out in full before it
   * existed still compile.
   */
  readonly assistant?: AssistantSettings;
}

/** A partial override of the settings, as read from context or a JSON file. */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/**
 * The defaults: the platforms' documented acknowledgements and AWS's async-invoke defaults. Slack's
 * events and interactions need answers computed from the request (the `url_verification` challenge,
 * `response_action`, options), so the front door answers them; slash commands and LINE webhooks are
 * acked by the gateway, with no function on the request path. Discord is off; when on, the front
 * door answers its interactions (always: there is no ack setting).
 */
export const DEFAULT_SETTINGS: AckbotSettings = {
  stackName: 'Ackbot',
  botName: undefined,
  slack: {
    enabled: true,
    commands: { ack: 'gateway', status: 200 },
    interactions: { ack: 'function', status: 200 },
    events: { ack: 'function', status: 200 },
    distribution: false,
    scopes: undefined,
    userScopes: undefined,
    oauthSuccessUrl: undefined,
    installationKmsKeyArn: undefined,
  },
  line: {
    enabled: true,
    webhook: { ack: 'gateway', status: 200 },
  },
  discord: {
    enabled: false,
    applicationId: undefined,
  },
  worker: {
    memoryMb: 256,
    timeoutSeconds: 30,
    architecture: 'x86_64',
    retryAttempts: 2,
    maxEventAgeSeconds: 3600,
    logRetentionDays: 30,
    logLevel: 'info',
    reservedConcurrency: undefined,
    httpTimeoutMs: 10000,
  },
  front: {
    memoryMb: 256,
    timeoutSeconds: 3,
    logRetentionDays: 30,
    logLevel: 'info',
    ackDeadlineMs: 2500,
    reservedConcurrency: undefined,
  },
  api: {
    stageName: 'prod',
    throttlingRateLimit: 50,
    throttlingBurstLimit: 100,
    endpointType: 'REGIONAL',
    extraContentTypes: [],
  },
  secret: {
    existing: undefined,
    kmsKeyArn: undefined,
  },
  idempotency: {
    enabled: true,
    inProgressSeconds: 120,
  },
  alarms: {
    enabled: true,
    snsTopicArn: undefined,
    periodSeconds: 300,
    functionErrorsThreshold: 0,
    rejectedThreshold: 100,
  },
  assistant: {
    enabled: false,
    url: undefined,
    model: undefined,
    systemPrompt: undefined,
    timeoutSeconds: 120,
  },
};
