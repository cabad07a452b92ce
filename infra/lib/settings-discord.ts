/**
 * Discord's settings block, apart from settings.ts (which re-exports it) to keep that file short.
 * Its checks are in settings-validation.ts, with the others.
 */

/**
 * Discord's interactions endpoint, `POST /discord/interactions`. It has no ack setting: the front
 * door always answers it, never the gateway's static ack, because Discord wants the Ed25519
 * signature verified before any answer and the answer is a JSON interaction response computed from
 * the request (PING's `{"type":1}`, the deferral, a modal). Discord's deadline is 3 s, as Slack's:
 * `front.ackDeadlineMs` (2500 by default) is inside it.
 */
export interface DiscordSettings {
  /**
   * Creates `/discord/interactions` (answered by the front door, which is then always created),
   * gives both functions `DISCORD_APPLICATION_ID`, and the created secret the empty keys
   * `DISCORD_PUBLIC_KEY` and `DISCORD_BOT_TOKEN`.
   */
  readonly enabled: boolean;
  /**
   * `DISCORD_APPLICATION_ID` of both functions: the application's id (Developer Portal → General
   * Information → Application ID), a snowflake of 17–20 digits, written as a string (a JSON number
   * cannot hold it exactly). Required when enabled, refused without it.
   */
  readonly applicationId?: string;
}
