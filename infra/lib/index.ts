/**
 * ackbot's CDK constructs: `AckbotBot` (the webhook API, the Rust worker and front door, their
 * secret, idempotency table, dead-letter queue and alarms) and `AckbotStack` (a stack holding one),
 * with the settings they take. README.md ("Use it in your own project") shows an app.
 */
export { AckbotBot, INSTALLATION_TABLE_ACTIONS, INSTALL_ROUTES, METRIC_NAMESPACE, SECRET_KEYS, enabledRoutes } from './ackbot-bot';
export type { AckbotBotProps, WebhookRoute } from './ackbot-bot';
export type { BotMetricName, BotRole } from './alarms';
export { AckbotStack } from './ackbot-stack';
export type { AckbotStackProps } from './ackbot-stack';
export {
  ACK_MODES,
  BOT_NAME,
  CONTEXT_PREFIX,
  DEFAULT_SETTINGS,
  PREBUILT_ASSET_KEY,
  SETTINGS_FILE_KEY,
  mergeSettings,
  resolveSettings,
  validateSettings,
} from './settings';
export type {
  AckMode,
  AckStatus,
  AckbotSettings,
  AlarmSettings,
  ApiSettings,
  AssistantSettings,
  DeepPartial,
  DiscordSettings,
  FrontDoorSettings,
  IdempotencySettings,
  LineSettings,
  RouteAck,
  SecretSettings,
  SlackSettings,
  WorkerSettings,
} from './settings';
