/**
 * Where the settings come from: `resolveSettings` merges the defaults with the CDK context (the
 * `ackbot` object of cdk.json, a JSON settings file, single `-c ackbot:<dotted.path>=<value>`
 * values) and validates the result.
 */

import { AckbotSettings, DEFAULT_SETTINGS } from './settings';
import { discordAckRefusal, validateSettings } from './settings-validation';

/** The CDK context key prefix for single overrides (`-c ackbot:worker.memoryMb=512`). */
export const CONTEXT_PREFIX = 'ackbot:';
/** Context key of a JSON settings file (`-c ackbot:settingsFile=path.json`). */
export const SETTINGS_FILE_KEY = 'ackbot:settingsFile';
/** Context key of a directory holding a prebuilt `bootstrap` (skips cargo-lambda; see README). */
export const PREBUILT_ASSET_KEY = 'ackbot:prebuiltAsset';

const NON_SETTING_KEYS = new Set([SETTINGS_FILE_KEY, PREBUILT_ASSET_KEY]);

/** Optional keys: their defaults are undefined, so their type is taken from here. */
const OPTIONAL_LEAVES: Record<string, 'string' | 'number' | 'boolean'> = {
  botName: 'string',
  'worker.reservedConcurrency': 'number',
  'front.reservedConcurrency': 'number',
  'secret.existing': 'string',
  'secret.kmsKeyArn': 'string',
  'alarms.snsTopicArn': 'string',
  'slack.commands.body': 'string',
  'slack.interactions.body': 'string',
  'slack.events.body': 'string',
  'slack.scopes': 'string',
  'slack.userScopes': 'string',
  'slack.oauthSuccessUrl': 'string',
  'slack.installationKmsKeyArn': 'string',
  'line.webhook.body': 'string',
  'api.accessLogs': 'boolean',
  'api.logRetentionDays': 'number',
  'api.cloudWatchRole': 'boolean',
  'api.webAclArn': 'string',
  'assistant.url': 'string',
  'assistant.model': 'string',
  'assistant.systemPrompt': 'string',
  'discord.applicationId': 'string',
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep-merge `override` onto `base`; arrays and scalars replace, unknown keys are an error (one that
 * would set who acks Discord's route says why there is no such setting).
 */
export function mergeSettings<T>(base: T, override: unknown, where = 'settings'): T {
  if (override === undefined) return base;
  if (!isPlainObject(override)) throw new Error(`${where}: expected an object, got ${JSON.stringify(override)}`);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    const path = where === 'settings' ? key : `${where}.${key}`;
    const known = key in out || path in OPTIONAL_LEAVES;
    if (!known) throw new Error(discordAckRefusal(path) ?? `unknown ackbot setting "${path}"`);
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
 * (`ackbot:settingsFile`), then single `ackbot:<dotted.path>` context values; later wins. Then the
 * derived defaults (`withDerivedDefaults`) fill what no source set, and the result is validated.
 */
export function resolveSettings(
  context: Record<string, unknown>,
  readFile: (path: string) => string = (p) => require('fs').readFileSync(p, 'utf8'),
): AckbotSettings {
  // Every source's partial settings are kept, to tell a setting the deployer set from a default.
  const sources: unknown[] = [];
  let settings = DEFAULT_SETTINGS;
  const apply = (source: unknown): void => {
    sources.push(source);
    settings = mergeSettings(settings, source, 'settings');
  };
  apply(context['ackbot']);
  const file = context[SETTINGS_FILE_KEY];
  if (typeof file === 'string' && file !== '') apply(JSON.parse(readFile(file)));
  for (const [key, raw] of Object.entries(context)) {
    if (!key.startsWith(CONTEXT_PREFIX) || NON_SETTING_KEYS.has(key)) continue;
    const path = key.slice(CONTEXT_PREFIX.length);
    apply(nest(path, coerce(path, raw)));
  }
  settings = withDerivedDefaults(settings, (path) => sources.some((source) => valueAt(source, path) !== undefined));
  validateSettings(settings);
  return settings;
}

/**
 * The defaults that follow other settings, for the settings no source set (`isSet`). With the
 * assistant on, a call may wait `assistant.timeoutSeconds` for the model: `worker.timeoutSeconds`
 * becomes that plus 30 (the time to end the stream and send the reply, with room), and
 * `idempotency.inProgressSeconds` the worker's timeout plus 90, so a claim outlives the work. Lambda
 * bills only the time used, so the longer timeout costs nothing unless a call runs long. Without
 * the assistant the worker keeps its 30 s: a stuck call fails fast and its claim expires soon.
 * A setting that was set is never changed; validation reports any conflict.
 */
function withDerivedDefaults(settings: AckbotSettings, isSet: (path: string) => boolean): AckbotSettings {
  const model = settings.assistant?.timeoutSeconds;
  // A non-number is reported by validation as itself, not as a worker timeout derived from it.
  if (settings.assistant?.enabled !== true || typeof model !== 'number' || !Number.isFinite(model)) return settings;
  let { worker, idempotency } = settings;
  if (!isSet('worker.timeoutSeconds')) worker = { ...worker, timeoutSeconds: model + 30 };
  if (!isSet('idempotency.inProgressSeconds')) idempotency = { ...idempotency, inProgressSeconds: worker.timeoutSeconds + 90 };
  return { ...settings, worker, idempotency };
}

/** The value at `"a.b"` in a partial settings object, or undefined. */
function valueAt(source: unknown, path: string): unknown {
  let value = source;
  for (const part of path.split('.')) value = isPlainObject(value) ? value[part] : undefined;
  return value;
}
