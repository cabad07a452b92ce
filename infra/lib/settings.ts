/**
 * The settings a deployer edits: which platforms are on, how each route acknowledges, how the
 * worker Lambda retries, how the front door answers, where the secrets live, and which alarms fire.
 *
 * Change the defaults here, or override any of them without editing code:
 *
 *   npx cdk synth -c ackbot:slack.commands.status=202
 *   npx cdk synth -c ackbot:slack.events.ack=gateway
 *   npx cdk synth -c ackbot:line.enabled=false
 *   npx cdk synth -c ackbot:settingsFile=./my-settings.json   (a partial AckbotSettings as JSON)
 *
 * or in cdk.json under "context": { "ackbot": { ...partial AckbotSettings... } }.
 * See README.md ("Settings") for the full list.
 */

/** HTTP status the gateway answers a webhook with. The platforms document 200; 202 is the pattern's classic answer. */
export type AckStatus = 200 | 202;

/**
 * Who acknowledges a route's webhooks:
 * - `gateway`: API Gateway itself, with the route's static `status`/`body`, after invoking the worker
 *   asynchronously (non-proxy integration, Envelope mapping template). Nothing can be computed.
 * - `function`: the front door Lambda (the same binary, `ACKBOT_ROLE=front`), invoked synchronously
 *   through a Lambda proxy integration. It verifies the signature, answers what must be computed from
 *   the request (Slack's `url_verification` challenge, `view_submission` `response_action`,
 *   `block_suggestion` options), and hands the Envelope to the worker with an async Invoke.
 */
export type AckMode = 'gateway' | 'function';

/** The acknowledgement modes, for validation. */
export const ACK_MODES: readonly AckMode[] = ['gateway', 'function'];

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

/** Slack's three webhook routes. */
export interface SlackSettings {
  /** Creates `/slack/commands`, `/slack/interactions` and `/slack/events`. */
  readonly enabled: boolean;
  readonly commands: RouteAck;
  readonly interactions: RouteAck;
  readonly events: RouteAck;
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
  /** Timeout of one invocation, in seconds. */
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
   * `ACKBOT_HTTP_TIMEOUT_MS` of both functions: the timeout of one HTTP request to Slack's or LINE's
   * API, in milliseconds (a whole number, 1–300000). A slower answer is retried like a network
   * error, so one request may take at most half of `timeoutSeconds`: a request that times out leaves
   * time for a retry as long and for recording the outcome, instead of Lambda ending the invocation
   * in the middle of it.
   */
  readonly httpTimeoutMs: number;
}

/**
 * The front door Lambda that answers the `function`-mode routes synchronously. It is created only
 * when at least one enabled route is in function mode; it runs the worker's binary and architecture.
 */
export interface FrontDoorSettings {
  /** Memory in MB (also scales CPU, so it shortens cold starts and signature checks). */
  readonly memoryMb: number;
  /**
   * Timeout of one invocation, in seconds (1–29: API Gateway's integration limit). The default, 3,
   * is Slack's acknowledgement deadline: past it the platform has given up anyway.
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
}

/** Where the platform credentials live. */
export interface SecretSettings {
  /**
   * Name or ARN of an existing Secrets Manager secret holding the JSON keys SLACK_SIGNING_SECRET,
   * SLACK_BOT_TOKEN, LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN. Undefined: the stack creates a
   * secret whose keys are empty, for you to fill with `aws secretsmanager put-secret-value`.
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
   * seconds (`ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS`); must exceed worker.timeoutSeconds.
   */
  readonly inProgressSeconds: number;
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
  readonly worker: WorkerSettings;
  readonly front: FrontDoorSettings;
  readonly api: ApiSettings;
  readonly secret: SecretSettings;
  readonly idempotency: IdempotencySettings;
  readonly alarms: AlarmSettings;
}

/** A partial override of the settings, as read from context or a JSON file. */
export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/**
 * The defaults: the platforms' documented acknowledgements and AWS's async-invoke defaults. Slack's
 * events and interactions need answers computed from the request (the `url_verification` challenge,
 * `response_action`, options), so the front door answers them; slash commands and LINE webhooks are
 * acked by the gateway, with no function on the request path.
 */
export const DEFAULT_SETTINGS: AckbotSettings = {
  stackName: 'Ackbot',
  botName: undefined,
  slack: {
    enabled: true,
    commands: { ack: 'gateway', status: 200 },
    interactions: { ack: 'function', status: 200 },
    events: { ack: 'function', status: 200 },
  },
  line: {
    enabled: true,
    webhook: { ack: 'gateway', status: 200 },
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
};

/** The CDK context key prefix for single overrides (`-c ackbot:worker.memoryMb=512`). */
export const CONTEXT_PREFIX = 'ackbot:';
/** Context key of a JSON settings file (`-c ackbot:settingsFile=path.json`). */
export const SETTINGS_FILE_KEY = 'ackbot:settingsFile';
/** Context key of a directory holding a prebuilt `bootstrap` (skips cargo-lambda; see README). */
export const PREBUILT_ASSET_KEY = 'ackbot:prebuiltAsset';

const NON_SETTING_KEYS = new Set([SETTINGS_FILE_KEY, PREBUILT_ASSET_KEY]);

/** Optional keys: their defaults are undefined, so their type is taken from here. */
const OPTIONAL_LEAVES: Record<string, 'string' | 'number'> = {
  botName: 'string',
  'worker.reservedConcurrency': 'number',
  'front.reservedConcurrency': 'number',
  'secret.existing': 'string',
  'secret.kmsKeyArn': 'string',
  'alarms.snsTopicArn': 'string',
  'slack.commands.body': 'string',
  'slack.interactions.body': 'string',
  'slack.events.body': 'string',
  'line.webhook.body': 'string',
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merge `override` onto `base`; arrays and scalars replace, unknown keys are an error. */
export function mergeSettings<T>(base: T, override: unknown, where = 'settings'): T {
  if (override === undefined) return base;
  if (!isPlainObject(override)) throw new Error(`${where}: expected an object, got ${JSON.stringify(override)}`);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    const path = where === 'settings' ? key : `${where}.${key}`;
    const known = key in out || path in OPTIONAL_LEAVES;
    if (!known) throw new Error(`unknown ackbot setting "${path}"`);
    out[key] = isPlainObject(out[key]) ? mergeSettings(out[key], value, path) : value;
  }
  return out as T;
}

/** Turn a context string into the type the setting at `path` has. */
function coerce(path: string, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw; // cdk.json values arrive typed already
  let leaf: unknown = DEFAULT_SETTINGS;
  for (const part of path.split('.')) leaf = isPlainObject(leaf) ? leaf[part] : undefined;
  const kind = leaf === undefined ? OPTIONAL_LEAVES[path] : Array.isArray(leaf) ? 'array' : typeof leaf;
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`ackbot setting "${path}": "${raw}" is not a number`);
      return n;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new Error(`ackbot setting "${path}": "${raw}" is not true or false`);
    case 'array':
      return raw.trim().startsWith('[') ? JSON.parse(raw) : raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'object':
      return JSON.parse(raw);
    default:
      return raw;
  }
}

/** Build `{a: {b: value}}` from `"a.b"`. */
function nest(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((acc, part) => ({ [part]: acc }), value) as Record<string, unknown>;
}

/**
 * Resolve settings from defaults, then the `ackbot` context object (cdk.json), then a JSON file
 * (`ackbot:settingsFile`), then single `ackbot:<dotted.path>` context values; later wins.
 */
export function resolveSettings(
  context: Record<string, unknown>,
  readFile: (path: string) => string = (p) => require('fs').readFileSync(p, 'utf8'),
): AckbotSettings {
  let settings = mergeSettings(DEFAULT_SETTINGS, context['ackbot'], 'settings');
  const file = context[SETTINGS_FILE_KEY];
  if (typeof file === 'string' && file !== '') {
    settings = mergeSettings(settings, JSON.parse(readFile(file)), 'settings');
  }
  for (const [key, raw] of Object.entries(context)) {
    if (!key.startsWith(CONTEXT_PREFIX) || NON_SETTING_KEYS.has(key)) continue;
    const path = key.slice(CONTEXT_PREFIX.length);
    settings = mergeSettings(settings, nest(path, coerce(path, raw)), 'settings');
  }
  validateSettings(settings);
  return settings;
}

/** The CloudWatch Logs retention values AWS accepts, in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** What a `botName` may be: a plain CloudWatch dimension value (a stack name always is one). */
export const BOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** Reject settings AWS or the platforms would refuse, at synth time rather than at deploy time. */
export function validateSettings(s: AckbotSettings): void {
  const errors: string[] = [];
  if (s.botName !== undefined && !BOT_NAME.test(s.botName)) {
    errors.push(`botName may hold only letters, digits, ".", "_" and "-" (1–255 characters, starting with a letter or digit), got ${JSON.stringify(s.botName)}`);
  }
  const routes: [string, RouteAck][] = [
    ['slack.commands', s.slack.commands],
    ['slack.interactions', s.slack.interactions],
    ['slack.events', s.slack.events],
    ['line.webhook', s.line.webhook],
  ];
  for (const [name, ack] of routes) {
    if (!ACK_MODES.includes(ack.ack)) errors.push(`${name}.ack must be ${ACK_MODES.join(' or ')}, got ${ack.ack}`);
    if (ack.status !== 200 && ack.status !== 202) errors.push(`${name}.status must be 200 or 202, got ${ack.status}`);
    if (ack.ack === 'function' && ack.body !== undefined) {
      errors.push(`${name}.body is for gateway acks only: on a function route the front door computes the answer (set ${name}.ack=gateway, or drop the body)`);
    } else if (ack.body !== undefined) {
      try {
        JSON.parse(ack.body);
      } catch {
        errors.push(`${name}.body must be valid JSON, got ${ack.body}`);
      }
      if (/[$#]/.test(ack.body)) errors.push(`${name}.body must not contain "$" or "#" (it is a VTL template)`);
    }
  }
  if (!s.slack.enabled && !s.line.enabled) errors.push('enable at least one platform (slack.enabled or line.enabled)');
  const w = s.worker;
  if (!Number.isInteger(w.retryAttempts) || w.retryAttempts < 0 || w.retryAttempts > 2) errors.push('worker.retryAttempts must be 0, 1 or 2');
  if (!(w.maxEventAgeSeconds >= 60 && w.maxEventAgeSeconds <= 21600)) errors.push('worker.maxEventAgeSeconds must be 60–21600');
  if (!(w.memoryMb >= 128 && w.memoryMb <= 10240)) errors.push('worker.memoryMb must be 128–10240');
  if (!(w.timeoutSeconds >= 1 && w.timeoutSeconds <= 900)) errors.push('worker.timeoutSeconds must be 1–900');
  if (w.architecture !== 'x86_64' && w.architecture !== 'arm64') errors.push('worker.architecture must be x86_64 or arm64');
  if (!LOG_RETENTION_DAYS.includes(w.logRetentionDays)) errors.push(`worker.logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  if (!(Number.isInteger(w.httpTimeoutMs) && w.httpTimeoutMs >= 1 && w.httpTimeoutMs <= 300000)) {
    errors.push(`worker.httpTimeoutMs must be a whole number of milliseconds from 1 to 300000, got ${w.httpTimeoutMs}`);
  } else if (w.httpTimeoutMs * 2 > w.timeoutSeconds * 1000) {
    // A request that times out must leave the invocation time for a retry and for its outcome.
    errors.push(
      `worker.httpTimeoutMs must be at most half of worker.timeoutSeconds × 1000 (${(w.timeoutSeconds * 1000) / 2}), got ${w.httpTimeoutMs}: ` +
        'lower it, or raise worker.timeoutSeconds',
    );
  }
  const f = s.front;
  if (!(f.memoryMb >= 128 && f.memoryMb <= 10240)) errors.push('front.memoryMb must be 128–10240');
  // API Gateway waits at most 29 s for an integration; a longer timeout could never be used.
  if (!(f.timeoutSeconds >= 1 && f.timeoutSeconds <= 29)) errors.push('front.timeoutSeconds must be 1–29 (the API Gateway integration limit)');
  if (!(f.ackDeadlineMs >= 100 && f.ackDeadlineMs < f.timeoutSeconds * 1000)) {
    errors.push(`front.ackDeadlineMs must be at least 100 and below front.timeoutSeconds × 1000 (${f.timeoutSeconds * 1000}), got ${f.ackDeadlineMs}`);
  }
  if (!LOG_RETENTION_DAYS.includes(f.logRetentionDays)) errors.push(`front.logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  if (f.reservedConcurrency !== undefined && !(Number.isInteger(f.reservedConcurrency) && f.reservedConcurrency >= 1)) {
    // 0 would throttle every request of the function routes.
    errors.push('front.reservedConcurrency must be a whole number of at least 1');
  }
  if (!(s.api.throttlingRateLimit > 0) || !(s.api.throttlingBurstLimit > 0)) errors.push('api throttling limits must be positive');
  if (s.api.endpointType !== 'REGIONAL' && s.api.endpointType !== 'EDGE') errors.push('api.endpointType must be REGIONAL or EDGE');
  if (!/^[A-Za-z0-9_]+$/.test(s.api.stageName)) errors.push('api.stageName may hold only letters, digits and _');
  if (s.idempotency.enabled && !(s.idempotency.inProgressSeconds > w.timeoutSeconds)) {
    errors.push('idempotency.inProgressSeconds must exceed worker.timeoutSeconds (a claim must outlive the work)');
  }
  if (!(s.alarms.rejectedThreshold >= 0)) errors.push('alarms.rejectedThreshold must be 0 or more');
  if (errors.length > 0) throw new Error(`invalid ackbot settings:\n  ${errors.join('\n  ')}`);
}
