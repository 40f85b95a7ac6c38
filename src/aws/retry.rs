// Retry with exponential backoff for errors AWS asks us to retry (throttling beyond the SDK's own attempts).

use super::error::AwsError;
use std::future::Future;
use std::time::Duration;

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Total attempts, the first included.
    pub attempts: u32,
    /// Wait before the second attempt; doubled each time.
    pub initial: Duration,
    /// Longest wait between attempts.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            attempts: 6,
            initial: Duration::from_secs(2),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The wait after failed attempt `n` (1-based).
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 2u32.saturating_pow(n.saturating_sub(1));
        self.initial.saturating_mul(factor).min(self.max)
    }
}

/// Run `call` until it succeeds, fails with an error `retryable` rejects, or attempts run out.
pub async fn retry<T, F, Fut>(
    backoff: Backoff,
    retryable: impl Fn(&AwsError) -> bool,
    mut call: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Err(error) if attempt < backoff.attempts && retryable(&error) => {
                tokio::time::sleep(backoff.delay(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn throttled() -> AwsError {
        AwsError::Service {
            operation: "ListStackInstances",
            code: "Throttling".into(),
            message: "Rate exceeded".into(),
        }
    }

    #[test]
    fn delays_double_up_to_the_cap() {
        let b = Backoff::default();
        assert_eq!(b.delay(1), Duration::from_secs(2));
        assert_eq!(b.delay(3), Duration::from_secs(8));
        assert_eq!(b.delay(10), Duration::from_secs(30));
    }

    #[tokio::test]
    async fn retries_throttling_then_succeeds() {
        let calls = Cell::new(0);
        let fast = Backoff {
            attempts: 4,
            initial: Duration::from_millis(1),
            max: Duration::from_millis(2),
        };
        let result = retry(fast, AwsError::is_throttling, || {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move { if n < 3 { Err(throttled()) } else { Ok(n) } }
        })
        .await;
        assert_eq!(result, Ok(3));
    }

    #[tokio::test]
    async fn gives_up_after_the_last_attempt_and_on_other_errors() {
        let fast = Backoff {
            attempts: 2,
            initial: Duration::from_millis(1),
            max: Duration::from_millis(1),
        };
        let calls = Cell::new(0);
        let result: Result<(), _> = retry(fast, AwsError::is_throttling, || {
            calls.set(calls.get() + 1);
            async { Err(throttled()) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.get(), 2);
    }
}
