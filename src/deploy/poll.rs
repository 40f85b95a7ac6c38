// Polling with a growing interval and a deadline, for every wait on an AWS operation.

use crate::aws::AwsError;
use std::time::{Duration, Instant};

/// Waits between polls: quick at first (emulators and small changes finish fast), then every
/// `max` at most, failing with [`AwsError::Timeout`] once `timeout` has passed.
pub(super) struct Poller {
    what: String,
    started: Instant,
    timeout: Duration,
    max: Duration,
    polls: u32,
}

impl Poller {
    /// Start waiting for `what`.
    pub(super) fn new(what: impl Into<String>, timeout: Duration, max: Duration) -> Self {
        Poller {
            what: what.into(),
            started: Instant::now(),
            timeout,
            max,
            polls: 0,
        }
    }

    /// The wait before poll number `n` (0-based): 0.5 s, 1 s, 2 s, 4 s, … up to `max`.
    pub(super) fn interval(&self, n: u32) -> Duration {
        Duration::from_millis(500)
            .saturating_mul(2u32.saturating_pow(n.min(16)))
            .min(self.max)
    }

    /// Sleep until the next poll, or fail when the deadline has passed.
    pub(super) async fn tick(&mut self) -> Result<(), AwsError> {
        if self.started.elapsed() >= self.timeout {
            return Err(AwsError::Timeout {
                what: self.what.clone(),
                seconds: self.timeout.as_secs(),
            });
        }
        let wait = self
            .interval(self.polls)
            .min(self.timeout.saturating_sub(self.started.elapsed()));
        self.polls += 1;
        tokio::time::sleep(wait).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_grow_to_the_cap() {
        let p = Poller::new("x", Duration::from_secs(60), Duration::from_secs(10));
        assert_eq!(p.interval(0), Duration::from_millis(500));
        assert_eq!(p.interval(2), Duration::from_secs(2));
        assert_eq!(p.interval(10), Duration::from_secs(10));
    }

    #[tokio::test]
    async fn the_deadline_is_a_timeout_error() {
        let mut p = Poller::new(
            "the thing",
            Duration::from_millis(1),
            Duration::from_millis(1),
        );
        p.tick().await.expect("first tick");
        let err = p.tick().await.expect_err("deadline");
        assert!(err.to_string().contains("waiting for the thing"));
    }
}
