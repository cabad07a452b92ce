//! Bounded retries with exponential backoff and `Retry-After` for calls to the platforms' APIs,
//! on top of `backon`.

use std::future::Future;
use std::time::{Duration, SystemTime};

use backon::{ExponentialBuilder, Retryable};

use crate::Deadline;

/// The timeout of one HTTP request to a platform's API, unless configured
/// (`ACKBOT_HTTP_TIMEOUT_MS`).
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// How often and how patiently to retry a platform API call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles each time. Jitter adds up to as much again,
    /// so that clients that failed together do not retry together.
    pub base_delay: Duration,
    /// The longest wait between attempts, before jitter.
    pub max_delay: Duration,
    /// The longest `Retry-After` to honour; a longer one ends the retries at once, as a failure
    /// worth retrying later (the Envelope's own retry: Lambda's, minutes later).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy of `max_attempts` attempts about `delay` apart, for tests.
    pub fn fixed(max_attempts: u32, delay: Duration) -> Self {
        Self {
            max_attempts,
            base_delay: delay,
            max_delay: delay,
            max_retry_after: Duration::from_secs(30),
        }
    }

    fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.base_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
    }
}

/// How long a `Retry-After` header value asks to wait, judged at `now`: delta-seconds (`120`) or
/// an HTTP-date (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete RFC 850 and
/// asctime forms RFC 9110 asks recipients to accept). A date already past means no wait; anything
/// else (`-1`, `1.5`, `soon`) is `None`, as if the header were absent.
///
/// The wait is not capped here but by [`retry`]: one longer than the policy's
/// [`max_retry_after`](RetryPolicy::max_retry_after) ends the retries at once, still as a
/// failure worth retrying, so that the Envelope is tried again later (Lambda's retry, a minute
/// or more away) rather than holding a worker, or a Lambda invocation, asleep for it.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "later than any budget".
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Why one attempt failed, and whether another may succeed.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure<E> {
    /// Another attempt may succeed (5xx, 429, a network error); `retry_after` is the platform's
    /// `Retry-After`, if it sent one.
    Transient {
        /// The failure.
        error: E,
        /// How long the platform asked us to wait.
        retry_after: Option<Duration>,
    },
    /// No attempt can succeed (a 4xx, a refused token).
    Permanent(E),
}

impl<E> Failure<E> {
    /// A failure another attempt may get past, with no `Retry-After`.
    pub fn transient(error: E) -> Self {
        Failure::Transient {
            error,
            retry_after: None,
        }
    }

    /// The failure itself.
    pub fn error(&self) -> &E {
        match self {
            Failure::Transient { error, .. } | Failure::Permanent(error) => error,
        }
    }

    fn is_transient(&self) -> bool {
        matches!(self, Failure::Transient { .. })
    }
}

/// Why the retries ended without success.
#[derive(Debug, PartialEq, Eq)]
pub struct GaveUp<E> {
    /// The last failure.
    pub error: E,
    /// How many attempts were made.
    pub attempts: u32,
    /// Whether retries ran out (as opposed to a failure no retry could fix).
    pub exhausted: bool,
}

/// Runs `attempt` (given its number, 1 for the first) until it succeeds, fails for good, or the
/// policy's attempts run out. A `Retry-After` replaces the backoff; one longer than the policy
/// allows ends the retries at once, and so does a wait the [current deadline](Deadline::current)
/// does not [allow](Deadline::allows).
pub async fn retry<T, E, F, Fut>(policy: &RetryPolicy, mut attempt: F) -> Result<T, GaveUp<E>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Failure<E>>>,
{
    let mut number = 0;
    let result = (|| {
        number += 1;
        attempt(number)
    })
    .retry(policy.backoff())
    .when(Failure::is_transient)
    .adjust(|failure, backoff| {
        let backoff = backoff?; // `None`: the attempts ran out.
        let wait = match failure {
            Failure::Transient {
                retry_after: Some(after),
                ..
            } => (*after <= policy.max_retry_after).then_some(*after)?,
            _ => backoff,
        };
        // A wait that would outlive the work's deadline ends the retries: the Envelope's own
        // retry comes later, in an invocation with time of its own.
        let deadline = Deadline::current();
        if !deadline.allows(wait) {
            tracing::info!(
                wait_ms = wait.as_millis() as u64,
                left_ms = deadline.left().unwrap_or_default().as_millis() as u64,
                "not retrying: the wait would outlive the deadline"
            );
            return None;
        }
        Some(wait)
    })
    .notify(|_, wait| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"))
    .await;
    result.map_err(|failure| {
        let exhausted = failure.is_transient();
        let error = match failure {
            Failure::Transient { error, .. } | Failure::Permanent(error) => error,
        };
        GaveUp {
            error,
            attempts: number,
            exhausted,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's example date.
    fn example_date() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777)
    }

    #[test]
    fn retry_after_in_seconds() {
        let now = example_date();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        for bad in ["", " ", "-1", "+1", "1.5", "1e3", "soon", "12 s"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn retry_after_as_an_http_date_in_each_form() {
        let now = example_date() - Duration::from_secs(90);
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                parse_retry_after(date, now),
                Some(Duration::from_secs(90)),
                "{date}"
            );
        }
    }

    #[test]
    fn retry_after_a_date_already_past_is_no_wait() {
        let now = example_date() + Duration::from_secs(5);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 25:00:00 GMT", now),
            None
        );
        assert_eq!(parse_retry_after("06 Nov 1994 08:49:37", now), None);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_until_done() {
        let policy = RetryPolicy::fixed(3, Duration::from_millis(10));
        let result: Result<u32, GaveUp<&str>> = retry(&policy, |n| async move {
            if n < 3 {
                Err(Failure::transient("5xx"))
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(result, Ok(3));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_attempts() {
        let policy = RetryPolicy::fixed(3, Duration::from_millis(10));
        let result: Result<(), _> =
            retry(&policy, |_| async { Err(Failure::transient("down")) }).await;
        assert_eq!(
            result,
            Err(GaveUp {
                error: "down",
                attempts: 3,
                exhausted: true
            })
        );
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_failures_are_not_retried() {
        let policy = RetryPolicy::default();
        let mut calls = 0;
        let result: Result<(), _> = retry(&policy, |_| {
            calls += 1;
            async { Err(Failure::Permanent("400")) }
        })
        .await;
        assert_eq!(calls, 1);
        let gave_up = result.unwrap_err();
        assert!(!gave_up.exhausted);
        assert_eq!(gave_up.attempts, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn honours_retry_after() {
        let policy = RetryPolicy::default();
        let start = tokio::time::Instant::now();
        let _: Result<(), _> = retry(&policy, |n| async move {
            if n == 1 {
                Err(Failure::Transient {
                    error: "429",
                    retry_after: Some(Duration::from_secs(7)),
                })
            } else {
                Ok(())
            }
        })
        .await;
        assert_eq!(start.elapsed(), Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn too_long_retry_after_ends_at_once() {
        let policy = RetryPolicy::default();
        let result: Result<(), _> = retry(&policy, |_| async {
            Err(Failure::Transient {
                error: "429",
                retry_after: Some(Duration::from_secs(3600)),
            })
        })
        .await;
        let gave_up = result.unwrap_err();
        assert_eq!((gave_up.attempts, gave_up.exhausted), (1, true));
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(400),
            max_retry_after: Duration::from_secs(30),
        };
        let mut at = Vec::new();
        let start = tokio::time::Instant::now();
        let _: Result<(), _> = retry(&policy, |_| {
            at.push(start.elapsed());
            async { Err(Failure::transient("down")) }
        })
        .await;
        let waits: Vec<Duration> = at.windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(waits.len(), 5);
        assert!(waits[0] >= Duration::from_millis(100), "{waits:?}");
        assert!(waits[1] >= Duration::from_millis(200), "{waits:?}");
        // Jitter adds at most as much again on top of the cap.
        assert!(
            waits.iter().all(|w| *w <= Duration::from_millis(800)),
            "{waits:?}"
        );
    }
}
