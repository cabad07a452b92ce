//! Outcome counts — processed, rejected, duplicate, failed — for a metric, and a budget that
//! keeps a flood of rejected requests from flooding the logs.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use serde_json::json;

/// How every Envelope (and every request the front door refused) ended, counted.
#[derive(Debug, Default)]
pub struct Metrics {
    processed: AtomicU64,
    rejected: AtomicU64,
    duplicate: AtomicU64,
    failed: AtomicU64,
    last_flush_ms: AtomicI64,
    flushing: Mutex<()>,
}

/// The four counts at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Envelopes verified and handled (or deliberately skipped).
    pub processed: u64,
    /// Requests whose signature, freshness or body was refused.
    pub rejected: u64,
    /// Items recognised as a delivery handled before (or being handled now).
    pub duplicate: u64,
    /// Envelopes whose replies could not be delivered.
    pub failed: u64,
}

/// The outcome of one Envelope or request, as counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// Handled.
    Processed,
    /// Refused: bad signature, stale, unparsable.
    Rejected,
    /// Handled before.
    Duplicate,
    /// Not delivered.
    Failed,
}

impl Metrics {
    /// Counts one `outcome`.
    pub fn record(&self, outcome: Counted) {
        let counter = match outcome {
            Counted::Processed => &self.processed,
            Counted::Rejected => &self.rejected,
            Counted::Duplicate => &self.duplicate,
            Counted::Failed => &self.failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        Counts {
            processed: self.processed.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            duplicate: self.duplicate.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }

    /// The counts since the last call, reset to zero.
    fn take(&self) -> Counts {
        Counts {
            processed: self.processed.swap(0, Ordering::Relaxed),
            rejected: self.rejected.swap(0, Ordering::Relaxed),
            duplicate: self.duplicate.swap(0, Ordering::Relaxed),
            failed: self.failed.swap(0, Ordering::Relaxed),
        }
    }

    /// When at least `every_ms` passed since the last flush and something was counted: the
    /// counts since then as one CloudWatch embedded metric format (EMF) line, in namespace
    /// `ackbot` with the dimensions `Bot` (so that two bots in one account keep their metrics, and
    /// their alarms, apart) and `Role`. One line a second at most, however many requests.
    pub fn emf_if_due(&self, now_ms: i64, every_ms: i64, bot: &str, role: &str) -> Option<String> {
        let _one_at_a_time = self.flushing.lock().unwrap_or_else(|p| p.into_inner());
        if now_ms - self.last_flush_ms.load(Ordering::Relaxed) < every_ms {
            return None;
        }
        let counts = self.take();
        if counts == Counts::default() {
            return None;
        }
        self.last_flush_ms.store(now_ms, Ordering::Relaxed);
        Some(emf(now_ms, bot, role, counts))
    }
}

/// One EMF line: CloudWatch turns its members into metrics without a `PutMetricData` call.
pub fn emf(now_ms: i64, bot: &str, role: &str, counts: Counts) -> String {
    let metric = |name: &str| json!({"Name": name, "Unit": "Count"});
    json!({
        "_aws": {
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": "ackbot",
                "Dimensions": [["Bot", "Role"]],
                "Metrics": [metric("Processed"), metric("Rejected"), metric("Duplicate"), metric("Failed")],
            }],
        },
        "Bot": bot,
        "Role": role,
        "Processed": counts.processed,
        "Rejected": counts.rejected,
        "Duplicate": counts.duplicate,
        "Failed": counts.failed,
    })
    .to_string()
}

/// At most `per_second` log lines a second for one kind of line; what it held back is counted
/// and reported by the next line it lets through.
#[derive(Debug)]
pub struct LogBudget {
    per_second: u64,
    state: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    second: i64,
    used: u64,
    suppressed: u64,
}

impl LogBudget {
    /// A budget of `per_second` lines a second.
    pub const fn new(per_second: u64) -> Self {
        Self {
            per_second,
            state: Mutex::new(Window {
                second: 0,
                used: 0,
                suppressed: 0,
            }),
        }
    }

    /// Whether a line may be written at `now_ms`: `Some(n)` with the number of lines held back
    /// since the last one written, or `None` to hold this one back too.
    pub fn admit(&self, now_ms: i64) -> Option<u64> {
        let mut window = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let second = now_ms.div_euclid(1000);
        if second != window.second {
            window.second = second;
            window.used = 0;
        }
        if window.used >= self.per_second {
            window.suppressed += 1;
            return None;
        }
        window.used += 1;
        Some(std::mem::take(&mut window.suppressed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_flushed_as_one_emf_line_at_most_a_second() {
        let metrics = Metrics::default();
        for _ in 0..1000 {
            metrics.record(Counted::Rejected);
        }
        metrics.record(Counted::Processed);
        metrics.record(Counted::Duplicate);
        let line = metrics.emf_if_due(5_000, 1000, "mybot", "front").unwrap();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["_aws"]["CloudWatchMetrics"][0]["Namespace"], "ackbot");
        assert_eq!(value["_aws"]["Timestamp"], 5_000);
        assert_eq!(value["Role"], "front");
        assert_eq!(value["Bot"], "mybot");
        assert_eq!(
            value["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            serde_json::json!([["Bot", "Role"]])
        );
        assert_eq!(
            (
                &value["Rejected"],
                &value["Processed"],
                &value["Duplicate"],
                &value["Failed"]
            ),
            (&json!(1000), &json!(1), &json!(1), &json!(0))
        );
        metrics.record(Counted::Failed);
        assert_eq!(
            metrics.emf_if_due(5_500, 1000, "mybot", "front"),
            None,
            "not due yet"
        );
        let next = metrics.emf_if_due(6_000, 1000, "mybot", "front").unwrap();
        assert!(next.contains(r#""Failed":1"#), "{next}");
        assert_eq!(
            metrics.emf_if_due(9_000, 1000, "mybot", "front"),
            None,
            "nothing new"
        );
    }

    #[test]
    fn the_budget_holds_lines_back_and_says_how_many() {
        let budget = LogBudget::new(3);
        let admitted: Vec<_> = (0..10).map(|_| budget.admit(1_000)).collect();
        assert_eq!(admitted[..3], [Some(0), Some(0), Some(0)]);
        assert!(admitted[3..].iter().all(Option::is_none));
        // The next second's first line reports the 7 held back.
        assert_eq!(budget.admit(2_000), Some(7));
        assert_eq!(budget.admit(2_001), Some(0));
    }
}
