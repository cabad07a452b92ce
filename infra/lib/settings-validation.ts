/**
 * The checks of `validateSettings`: settings AWS or the platforms would refuse, found at synth time
 * rather than at deploy time.
 */

import type { AckMode, AckbotSettings, RouteAck } from './settings';

/** The acknowledgement modes, for validation. */
export const ACK_MODES: readonly AckMode[] = ['gateway', 'function'];

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
  if (!s.slack.enabled && !s.line.enabled && s.discord?.enabled !== true) {
    errors.push('enable at least one platform (slack.enabled, line.enabled or discord.enabled)');
  }
  errors.push(...distributionErrors(s));
  errors.push(...discordErrors(s));
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
  if (s.api.logRetentionDays !== undefined && !LOG_RETENTION_DAYS.includes(s.api.logRetentionDays)) {
    errors.push(`api.logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (s.api.webAclArn !== undefined && !/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/.+/.test(s.api.webAclArn)) {
    errors.push(`api.webAclArn must be a regional WAFv2 web ACL ARN (arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID), got ${JSON.stringify(s.api.webAclArn)}`);
  }
  if (s.idempotency.enabled && !(s.idempotency.inProgressSeconds > w.timeoutSeconds)) {
    errors.push(
      `idempotency.inProgressSeconds must exceed worker.timeoutSeconds (${w.timeoutSeconds}), got ${s.idempotency.inProgressSeconds} (a claim must outlive the work)`,
    );
  }
  if (!(s.alarms.rejectedThreshold >= 0)) errors.push('alarms.rejectedThreshold must be 0 or more');
  errors.push(...assistantErrors(s));
  if (errors.length > 0) throw new Error(`invalid ackbot settings:\n  ${errors.join('\n  ')}`);
}

/** A Slack scope's shape: `chat:write`, `users:read.email`, `identity.basic`, `commands`. */
const SLACK_SCOPE = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

/** A key ARN (not an alias: an IAM grant on an alias ARN does not cover the key). */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/;

/** The distribution-mode settings: their shapes, and none of them without `slack.distribution`. */
function distributionErrors(s: AckbotSettings): string[] {
  const errors: string[] = [];
  const slack = s.slack;
  if (slack.distribution !== undefined && typeof slack.distribution !== 'boolean') errors.push(`slack.distribution must be true or false, got ${JSON.stringify(slack.distribution)}`);
  if (slack.distribution && !slack.enabled) errors.push('slack.distribution needs slack.enabled (the install routes are Slack routes)');
  const optional: [string, string | undefined][] = [
    ['slack.scopes', slack.scopes],
    ['slack.userScopes', slack.userScopes],
    ['slack.oauthSuccessUrl', slack.oauthSuccessUrl],
    ['slack.installationKmsKeyArn', slack.installationKmsKeyArn],
  ];
  for (const [name, value] of optional) {
    if (value === undefined) continue;
    if (typeof value !== 'string') errors.push(`${name} must be a string, got ${JSON.stringify(value)}`);
    else if (!slack.distribution) errors.push(`${name} is for distribution mode only (set slack.distribution=true, or drop ${name})`);
  }
  for (const [name, value] of optional.slice(0, 2)) {
    if (typeof value !== 'string') continue;
    const scopes = value.split(',').map((scope) => scope.trim());
    if (scopes.every((scope) => scope === '') || scopes.some((scope) => scope !== '' && !SLACK_SCOPE.test(scope))) {
      errors.push(`${name} must be Slack scopes separated by commas (e.g. reactions:write,users:read), got ${JSON.stringify(value)}`);
    }
  }
  if (typeof slack.oauthSuccessUrl === 'string' && !isHttpsUrl(slack.oauthSuccessUrl)) {
    errors.push(`slack.oauthSuccessUrl must be an absolute https URL, got ${JSON.stringify(slack.oauthSuccessUrl)}`);
  }
  if (typeof slack.installationKmsKeyArn === 'string' && !KMS_KEY_ARN.test(slack.installationKmsKeyArn)) {
    errors.push(`slack.installationKmsKeyArn must be the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>), got ${JSON.stringify(slack.installationKmsKeyArn)}`);
  }
  return errors;
}

/** A Discord application id: a snowflake, 17–20 digits. */
const DISCORD_SNOWFLAKE = /^[0-9]{17,20}$/;

/** Keys that would choose who acks `/discord/interactions`, as a route's `RouteAck` does elsewhere. */
const DISCORD_ACK_PATH = /^discord\.(interactions|webhook|ack|status|body)(\.|$)/;

/**
 * Why the setting at `path` is refused, when it would choose who acks `/discord/interactions`
 * (`discord.interactions.ack=gateway`, `discord.ack`…); undefined for any other path. The front door
 * always answers it: Discord wants the signature verified before any answer, and the answer computed.
 */
export function discordAckRefusal(path: string): string | undefined {
  if (!DISCORD_ACK_PATH.test(path)) return undefined;
  return (
    `${path} cannot be set: /discord/interactions is always acked by the front door (ack function), never by the gateway, ` +
    "because Discord wants its Ed25519 signature verified before any answer and the answer is a JSON interaction response computed from the request " +
    `(PING, the deferral, a modal), which a static ack cannot give. Discord has no ack setting: drop ${path}`
  );
}

/** Discord's settings: their shapes, the application id it needs when on, and no ack setting. */
function discordErrors(s: AckbotSettings): string[] {
  const errors: string[] = [];
  const d = s.discord;
  if (d === undefined) return errors;
  // Settings built in code may carry what mergeSettings refuses from context and files.
  for (const key of Object.keys(d)) {
    const refusal = discordAckRefusal(`discord.${key}`);
    if (refusal !== undefined) errors.push(refusal);
  }
  if (typeof d.enabled !== 'boolean') errors.push(`discord.enabled must be true or false, got ${JSON.stringify(d.enabled)}`);
  const id = d.applicationId;
  if (id !== undefined && typeof id !== 'string') {
    errors.push(
      `discord.applicationId must be a string of digits, got ${JSON.stringify(id)} ` +
        '(in JSON, quote it: a 17–20 digit snowflake is too large for a number to hold exactly)',
    );
  } else if (id !== undefined && d.enabled !== true) {
    errors.push('discord.applicationId is for Discord only (set discord.enabled=true, or drop discord.applicationId)');
  }
  if (d.enabled !== true) return errors;
  if (id === undefined || (typeof id === 'string' && id.trim() === '')) {
    errors.push(
      'discord.applicationId is required with discord.enabled: the application\'s id (Developer Portal → General Information → Application ID), ' +
        'a Discord snowflake of 17–20 digits (e.g. 123456789012345678)',
    );
  } else if (typeof id === 'string' && !DISCORD_SNOWFLAKE.test(id)) {
    errors.push(
      `discord.applicationId must be the application's id, a Discord snowflake of 17–20 digits and nothing else ` +
        `(Developer Portal → General Information → Application ID), got ${JSON.stringify(id)}`,
    );
  }
  return errors;
}

/** The assistant's settings: their shapes, what it needs when on, and the worker's time for it. */
function assistantErrors(s: AckbotSettings): string[] {
  const errors: string[] = [];
  const a = s.assistant;
  if (a === undefined) return errors;
  if (typeof a.enabled !== 'boolean') errors.push(`assistant.enabled must be true or false, got ${JSON.stringify(a.enabled)}`);
  const timeoutOk = Number.isInteger(a.timeoutSeconds) && a.timeoutSeconds >= 1 && a.timeoutSeconds <= 840;
  if (!timeoutOk) errors.push(`assistant.timeoutSeconds must be a whole number of seconds from 1 to 840, got ${JSON.stringify(a.timeoutSeconds)}`);
  const optional: [string, string | undefined][] = [
    ['assistant.url', a.url],
    ['assistant.model', a.model],
    ['assistant.systemPrompt', a.systemPrompt],
  ];
  for (const [name, value] of optional) {
    if (value === undefined) continue;
    if (typeof value !== 'string') errors.push(`${name} must be a string, got ${JSON.stringify(value)}`);
    else if (a.enabled !== true) errors.push(`${name} is for the assistant only (set assistant.enabled=true, or drop ${name})`);
  }
  if (a.enabled !== true) return errors;
  if (a.url === undefined) {
    errors.push('assistant.url is required with assistant.enabled: the https base URL of an OpenAI-compatible API, ending in /v1 (e.g. https://api.openai.com/v1)');
  } else if (typeof a.url === 'string' && !isModelBaseUrl(a.url)) {
    errors.push(`assistant.url must be an https base URL ending in /v1 (e.g. https://api.openai.com/v1), got ${JSON.stringify(a.url)}`);
  }
  if (a.model === undefined || (typeof a.model === 'string' && a.model.trim() === '')) {
    errors.push('assistant.model is required with assistant.enabled: the model\'s name (e.g. gpt-4o-mini)');
  }
  // The model's time, plus the time to end the stream and send the reply.
  const needed = a.timeoutSeconds + 10;
  const worker = s.worker.timeoutSeconds;
  if (timeoutOk && Number.isFinite(worker) && worker < needed) {
    const short = needed - worker;
    const lower = a.timeoutSeconds - short >= 1 ? `, or lower assistant.timeoutSeconds by ${short} to ${a.timeoutSeconds - short}` : '';
    errors.push(
      `worker.timeoutSeconds must be at least assistant.timeoutSeconds + 10 (${needed}: the model's time, then ending the stream and sending the reply), ` +
        `got ${worker}: raise worker.timeoutSeconds by ${short} to ${needed}${lower} ` +
        '(or leave worker.timeoutSeconds unset: resolveSettings then makes it assistant.timeoutSeconds + 30)',
    );
  }
  return errors;
}

/** An https base URL whose path ends in `/v1` (or `/v1/`), with no query or fragment. */
function isModelBaseUrl(raw: string): boolean {
  if (!isHttpsUrl(raw)) return false;
  const url = new URL(raw);
  return /\/v1\/?$/.test(url.pathname) && /\/v1\/?$/.test(raw) && url.search === '' && url.hash === '';
}

/** An absolute https URL with a host and nothing to trim. */
function isHttpsUrl(raw: string): boolean {
  if (raw.trim() !== raw) return false;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}
