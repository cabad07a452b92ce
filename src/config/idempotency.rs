//! The idempotency store's settings: where keys are kept and how long.

use ackbot_core::runtime::Expiry;

use super::{ConfigError, number};

/// The shortest time completed keys are kept: Slack's window for a signed request's replay.
const MIN_TTL_SECS: usize = 300;
/// The longest: a year.
const MAX_TTL_SECS: usize = 365 * 24 * 60 * 60;

/// The idempotency store's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IdempotencySettings {
    /// `ACKBOT_IDEMPOTENCY_TABLE`: the DynamoDB table every worker shares (partition key `id` of
    /// type S, TTL attribute `expiration`); unset, each process keeps its keys in memory.
    pub table: Option<String>,
    /// `ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS`: how long a claim in progress holds before another
    /// delivery may take the work up (default 120,000, as Powertools' in-progress expiry; longer
    /// than a handler may run). `ACKBOT_IDEMPOTENCY_TTL_SECS`: how long completed keys are
    /// remembered (default 86,400: a day), which is also the age past which a LINE event is
    /// refused, so that a replayed event is always either remembered or too old.
    pub expiry: Expiry,
}

impl IdempotencySettings {
    pub(super) fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let table = lookup("ACKBOT_IDEMPOTENCY_TABLE")
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let mut expiry = Expiry::default();
        let ttl_secs = number(
            lookup,
            "ACKBOT_IDEMPOTENCY_TTL_SECS",
            (expiry.completed_ms / 1000) as usize,
        )?;
        if !(MIN_TTL_SECS..=MAX_TTL_SECS).contains(&ttl_secs) {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_IDEMPOTENCY_TTL_SECS",
                value: ttl_secs.to_string(),
                expected: "seconds from 300 (Slack's replay window) to 31536000 (a year)",
            });
        }
        expiry.completed_ms = ttl_secs as i64 * 1000;
        let in_progress_ms = number(
            lookup,
            "ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS",
            expiry.in_progress_ms as usize,
        )?;
        if !(1..=expiry.completed_ms as usize).contains(&in_progress_ms) {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS",
                value: in_progress_ms.to_string(),
                expected: "milliseconds from 1 to ACKBOT_IDEMPOTENCY_TTL_SECS × 1000 (how long \
                           completed keys last)",
            });
        }
        expiry.in_progress_ms = in_progress_ms as i64;
        Ok(Self { table, expiry })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;
    use super::*;

    #[test]
    fn idempotency_is_in_memory_unless_a_table_is_named() {
        let c = config(&[]).unwrap();
        assert_eq!(c.idempotency, IdempotencySettings::default());
        let c = config(&[
            ("ACKBOT_IDEMPOTENCY_TABLE", " ackbot-idempotency "),
            ("ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS", "1500"),
        ])
        .unwrap();
        assert_eq!(c.idempotency.table.as_deref(), Some("ackbot-idempotency"));
        assert_eq!(c.idempotency.expiry.in_progress_ms, 1500);
        assert_eq!(
            c.idempotency.expiry.completed_ms,
            Expiry::default().completed_ms
        );
        assert!(config(&[("ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS", "0")]).is_err());
        let week = config(&[("ACKBOT_IDEMPOTENCY_TTL_SECS", "604800")]).unwrap();
        assert_eq!(week.idempotency.expiry.completed_ms, 604_800_000);
        for bad in ["299", "31536001", "soon"] {
            let error = config(&[("ACKBOT_IDEMPOTENCY_TTL_SECS", bad)]).unwrap_err();
            assert!(
                error.to_string().contains("ACKBOT_IDEMPOTENCY_TTL_SECS"),
                "{error}"
            );
        }
        // A claim in progress cannot outlast the completed key.
        let error = config(&[
            ("ACKBOT_IDEMPOTENCY_TTL_SECS", "300"),
            ("ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS", "300001"),
        ])
        .unwrap_err();
        assert!(error.to_string().contains("IN_PROGRESS_MS"), "{error}");
        assert!(
            config(&[("ACKBOT_IDEMPOTENCY_TABLE", "")])
                .unwrap()
                .idempotency
                .table
                .is_none()
        );
    }
}
