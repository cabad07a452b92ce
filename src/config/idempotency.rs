//! The idempotency store's settings: where keys are kept and how long.

use bot_core::Expiry;

use super::{number, ConfigError};

/// The idempotency store's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IdempotencySettings {
    /// `ACKBOT_IDEMPOTENCY_TABLE`: the DynamoDB table every worker shares (partition key `id` of
    /// type S, TTL attribute `expiration`); unset, each process keeps its keys in memory.
    pub table: Option<String>,
    /// `ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS`: how long a claim in progress holds before another
    /// delivery may take the work up (default 120,000, as Powertools' in-progress expiry; longer
    /// than a handler may run); completed keys are remembered 24 hours.
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
        let in_progress_ms = number(
            lookup,
            "ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS",
            expiry.in_progress_ms as usize,
        )?;
        if !(1..=expiry.completed_ms as usize).contains(&in_progress_ms) {
            return Err(ConfigError::Invalid {
                name: "ACKBOT_IDEMPOTENCY_IN_PROGRESS_MS",
                value: in_progress_ms.to_string(),
                expected: "milliseconds from 1 to 86400000 (a day, how long completed keys last)",
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
        assert!(config(&[("ACKBOT_IDEMPOTENCY_TABLE", "")])
            .unwrap()
            .idempotency
            .table
            .is_none());
    }
}
