//! Bounded retries with exponential backoff for calls to the platforms' APIs.

use std::future::Future;
use std::time::Duration;

/// How often and how patiently to retry a platform API call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles each time.
    pub base_delay: Duration,
    /// The longest wait between attempts.
    pub max_delay: Duration,
    /// The longest `Retry-After` to honour; a longer one ends the retries at once.
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
    /// A policy that waits `delay` between `max_attempts` attempts, for tests.
    pub fn fixed(max_attempts: u32, delay: Duration) -> Self {
        Self {
            max_attempts,
            base_delay: delay,
            max_delay: delay,
            max_retry_after: Duration::from_secs(30),
        }
    }

    /// The wait before retry number `retry` (1 for the first), with jitter of up to a quarter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let delay = exp.min(self.max_delay);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let jitter = delay.mul_f64(f64::from(nanos % 1000) / 4000.0);
        delay.saturating_sub(jitter)
    }
}

/// What one attempt came to.
#[derive(Debug)]
pub enum Attempt<T, E> {
    /// It worked.
    Done(T),
    /// It failed in a way another attempt may fix; `after` is the platform's `Retry-After`.
    Retry {
        /// The failure.
        error: E,
        /// How long the platform asked us to wait, if it did.
        after: Option<Duration>,
    },
    /// It failed in a way no retry can fix.
    Fail(E),
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

/// Runs `attempt` until it is done, fails for good, or the policy's attempts run out.
pub async fn retry<T, E, F, Fut>(policy: &RetryPolicy, mut attempt: F) -> Result<T, GaveUp<E>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Attempt<T, E>>,
{
    let mut number = 1;
    loop {
        match attempt(number).await {
            Attempt::Done(value) => return Ok(value),
            Attempt::Fail(error) => {
                return Err(GaveUp {
                    error,
                    attempts: number,
                    exhausted: false,
                })
            }
            Attempt::Retry { error, after } => {
                let too_long = after.is_some_and(|a| a > policy.max_retry_after);
                if number >= policy.max_attempts || too_long {
                    return Err(GaveUp {
                        error,
                        attempts: number,
                        exhausted: true,
                    });
                }
                let wait = after.unwrap_or_else(|| policy.backoff(number));
                tracing::debug!(
                    attempt = number,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                tokio::time::sleep(wait).await;
                number += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn retries_until_done() {
        let policy = RetryPolicy::fixed(3, Duration::from_millis(10));
        let result: Result<u32, GaveUp<&str>> = retry(&policy, |n| async move {
            if n < 3 {
                Attempt::Retry {
                    error: "5xx",
                    after: None,
                }
            } else {
                Attempt::Done(n)
            }
        })
        .await;
        assert_eq!(result, Ok(3));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_attempts() {
        let policy = RetryPolicy::fixed(3, Duration::from_millis(10));
        let result: Result<(), _> = retry(&policy, |_| async {
            Attempt::Retry {
                error: "down",
                after: None,
            }
        })
        .await;
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
    async fn fatal_errors_are_not_retried() {
        let policy = RetryPolicy::default();
        let mut calls = 0;
        let result: Result<(), _> = retry(&policy, |_| {
            calls += 1;
            async { Attempt::Fail("400") }
        })
        .await;
        assert_eq!(calls, 1);
        assert!(!result.unwrap_err().exhausted);
    }

    #[tokio::test(start_paused = true)]
    async fn honours_retry_after() {
        let policy = RetryPolicy::default();
        let start = tokio::time::Instant::now();
        let _: Result<(), _> = retry(&policy, |n| async move {
            if n == 1 {
                Attempt::Retry {
                    error: "429",
                    after: Some(Duration::from_secs(7)),
                }
            } else {
                Attempt::Done(())
            }
        })
        .await;
        assert_eq!(start.elapsed(), Duration::from_secs(7));
    }

    #[tokio::test(start_paused = true)]
    async fn too_long_retry_after_ends_at_once() {
        let policy = RetryPolicy::default();
        let result: Result<(), _> = retry(&policy, |_| async {
            Attempt::Retry {
                error: "429",
                after: Some(Duration::from_secs(3600)),
            }
        })
        .await;
        assert_eq!(result.unwrap_err().attempts, 1);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert!(p.backoff(1) <= Duration::from_millis(250));
        assert!(p.backoff(2) > Duration::from_millis(250));
        assert!(p.backoff(20) <= Duration::from_secs(4));
    }
}
