//! The errors of the Discord adapter, one enum per job: configuration, signature, parsing, calls.

/// Why a [`DiscordAdapter`](crate::DiscordAdapter) could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The public key is not 64 hex digits (32 bytes), or not a valid Ed25519 point.
    #[error(
        "DISCORD_PUBLIC_KEY is not an Ed25519 public key ({reason}): copy the Public Key from \
         your application's General Information page in the Developer Portal (64 hex digits)"
    )]
    BadPublicKey {
        /// What is wrong with it; never the value.
        reason: &'static str,
    },
    /// The application id is not a snowflake (a number).
    #[error(
        "DISCORD_APPLICATION_ID `{0}` is not an application id: copy the Application ID from \
         the Developer Portal (digits only)"
    )]
    BadApplicationId(String),
    /// The API base URL is not an http(s) URL.
    #[error(
        "DISCORD_API_URL `{0}` is not an http(s) URL (expected e.g. https://discord.com/api/v10)"
    )]
    BadApiUrl(String),
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client for Discord: {0}")]
    HttpClient(String),
}

/// Why an interaction did not pass Discord's signature check. Never carries a key or a
/// signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The `X-Signature-Timestamp` header is absent.
    #[error("missing X-Signature-Timestamp header")]
    MissingTimestamp,
    /// The `X-Signature-Ed25519` header is absent.
    #[error("missing X-Signature-Ed25519 header")]
    MissingSignature,
    /// A signature header was sent more than once.
    #[error("the {0} header was sent more than once")]
    RepeatedHeader(&'static str),
    /// The signature is not 128 hex digits.
    #[error("X-Signature-Ed25519 is not 128 hex digits")]
    MalformedSignature,
    /// The timestamp is not a whole number of seconds.
    #[error("X-Signature-Timestamp is not a whole number of seconds")]
    BadTimestamp,
    /// The timestamp is more than [`MAX_SKEW_SECS`](crate::MAX_SKEW_SECS) away from the
    /// receive time; positive when older, negative when it claims to come from the future.
    #[error(
        "interaction timestamp is {} s {} the receive time (at most {} s allowed)",
        skew_secs.unsigned_abs(),
        if *skew_secs >= 0 { "before" } else { "after" },
        crate::MAX_SKEW_SECS
    )]
    Stale {
        /// Receive time minus the signed timestamp, in seconds.
        skew_secs: i64,
    },
    /// The signature does not match the timestamp and body under the application's public key.
    #[error("X-Signature-Ed25519 does not match the request under the application's public key")]
    Mismatch,
}

/// Why a verified interaction could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not an interaction object.
    #[error("the Discord interaction is not valid: {0}")]
    Json(String),
    /// A field this type of interaction always carries is absent.
    #[error("the Discord interaction of type {kind} has no `{field}`")]
    MissingField {
        /// The interaction type.
        kind: u8,
        /// The field.
        field: &'static str,
    },
    /// The interaction belongs to another application (a key shared by mistake).
    #[error("the interaction is for application {got}, not this one ({expected})")]
    OtherApplication {
        /// The configured application id.
        expected: String,
        /// The one the interaction names.
        got: String,
    },
}

/// Why a call to Discord's API failed. Never carries the bot token or an interaction token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplyError {
    /// Discord refused the request: its status, JSON error `code` and `message`.
    #[error(
        "Discord {endpoint} answered {status}: {message} (code {code}) after {attempts} attempt(s)"
    )]
    Api {
        /// The endpoint, as `PATCH /webhooks/{application.id}/{interaction.token}/messages/@original`.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// Discord's JSON error code (0 when it sent none).
        code: u64,
        /// Discord's message, shortened.
        message: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// Rate limited and out of attempts (or asked to wait longer than the policy allows).
    #[error(
        "Discord {endpoint} is rate limited (retry after {retry_after_ms:?} ms) after {attempts} attempt(s)"
    )]
    RateLimited {
        /// The endpoint.
        endpoint: String,
        /// How long Discord asked to wait.
        retry_after_ms: Option<u64>,
        /// How many attempts were made.
        attempts: u32,
    },
    /// No answer: a network error or a timeout.
    #[error("Discord {endpoint} could not be reached: {reason} after {attempts} attempt(s)")]
    Network {
        /// The endpoint.
        endpoint: String,
        /// Why.
        reason: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The interaction's token is older than 15 minutes: Discord no longer takes its replies.
    #[error(
        "the interaction token expired: {age_s} s after the interaction, beyond Discord's 15 \
         minutes; the reply is undeliverable"
    )]
    TokenExpired {
        /// How old the interaction was.
        age_s: i64,
    },
    /// A call that needs the bot token, without one.
    #[error("{0} needs the bot token: set DISCORD_BOT_TOKEN")]
    NoBotToken(&'static str),
    /// The request is one Discord would refuse (a message over its limits).
    #[error("not sent: {0}")]
    InvalidRequest(String),
}

impl ReplyError {
    /// Whether a later attempt may succeed (rate limits, 5xx, network errors).
    pub fn is_retryable(&self) -> bool {
        match self {
            ReplyError::Api { status, .. } => *status >= 500,
            ReplyError::RateLimited { .. } | ReplyError::Network { .. } => true,
            _ => false,
        }
    }

    /// Whether Discord says the message is not there (`10008 Unknown Message`, or a 404).
    pub fn is_unknown_message(&self) -> bool {
        matches!(
            self,
            ReplyError::Api { status: 404, .. } | ReplyError::Api { code: 10008, .. }
        )
    }
}
