// Loading AWS configuration: the standard credential chain, one explicit rustls client, timeouts.

use super::sdk::Aws;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_smithy_http_client::tls;
use std::time::Duration;

/// Transport limits for every call. The defaults keep a dead endpoint from hanging a deploy:
/// a refused connection fails within seconds, a silent one within `attempt_timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwsSettings {
    /// Time to establish a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Time for one attempt of one call.
    pub attempt_timeout: Duration,
    /// Time for one call, retries included.
    pub operation_timeout: Duration,
    /// Attempts per call (the SDK retries throttling, 5xx and transport errors).
    pub max_attempts: u32,
}

impl Default for AwsSettings {
    fn default() -> Self {
        AwsSettings {
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            operation_timeout: Duration::from_secs(120),
            max_attempts: 4,
        }
    }
}

/// Clients for `region` from the standard chain: environment (AWS_ACCESS_KEY_ID, AWS_PROFILE,
/// AWS_ENDPOINT_URL), shared config/SSO profiles, web identity (CI OIDC), credential_process,
/// container and instance metadata. The region is the policy's hub region, whatever the profile says.
pub async fn connect(region: &str, settings: AwsSettings) -> Aws {
    // default-https-client is off to keep one TLS stack (rustls + ring), so the client is explicit.
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let config = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .region(Region::new(region.to_owned()))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(settings.connect_timeout)
                .operation_attempt_timeout(settings.attempt_timeout)
                .operation_timeout(settings.operation_timeout)
                .build(),
        )
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(settings.max_attempts)
                .with_initial_backoff(Duration::from_millis(500)),
        )
        .load()
        .await;
    Aws::new(&config)
}
