// AwsError: why an AWS call failed, classified so callers can retry, wait or explain.

use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::fmt::Debug;

/// An AWS call that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    /// The endpoint could not be reached (network down, emulator stopped, DNS, TLS, timeout).
    #[error("cannot reach AWS for `{operation}`: {message}")]
    Unreachable {
        /// The API operation.
        operation: &'static str,
        /// What the transport said.
        message: String,
    },
    /// No usable credentials.
    #[error("no usable AWS credentials for `{operation}`: {message}")]
    Credentials {
        /// The API operation.
        operation: &'static str,
        /// What the credential chain said.
        message: String,
    },
    /// AWS answered with an error.
    #[error("`{operation}` failed: {code}: {message}")]
    Service {
        /// The API operation.
        operation: &'static str,
        /// The AWS error code (`ValidationError`, `OperationInProgressException`).
        code: String,
        /// The AWS error message.
        message: String,
    },
    /// AWS answered with something the SDK could not read.
    #[error("`{operation}` returned an unreadable response: {message}")]
    Unexpected {
        /// The API operation.
        operation: &'static str,
        /// Details.
        message: String,
    },
    /// Waiting on an AWS operation took longer than allowed.
    #[error("gave up after {seconds}s waiting for {what}; it keeps running in AWS")]
    Timeout {
        /// What was being waited on.
        what: String,
        /// The limit.
        seconds: u64,
    },
}

impl AwsError {
    /// What to do about it, printed as `  help: …` under the message.
    pub fn help(&self) -> Option<String> {
        match self {
            AwsError::Unreachable { .. } => Some(
                "check the network, AWS_ENDPOINT_URL and AWS_REGION, then run the command again (it resumes)"
                    .to_owned(),
            ),
            AwsError::Credentials { .. } => Some(
                "set AWS_PROFILE (run `aws sso login` for SSO profiles), or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN in CI"
                    .to_owned(),
            ),
            AwsError::Timeout { .. } => Some(
                "run the same command again to resume waiting, or raise --timeout"
                    .to_owned(),
            ),
            AwsError::Service { .. } | AwsError::Unexpected { .. } => None,
        }
    }

    /// The AWS error code of a service error.
    pub fn code(&self) -> Option<&str> {
        match self {
            AwsError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// AWS asked to slow down.
    pub fn is_throttling(&self) -> bool {
        matches!(
            self.code(),
            Some(
                "Throttling"
                    | "ThrottlingException"
                    | "TooManyRequestsException"
                    | "RequestLimitExceeded"
                    | "TooManyRequests"
            )
        )
    }

    /// Another StackSets operation is running on the same stack set.
    pub fn is_operation_in_progress(&self) -> bool {
        self.code() == Some("OperationInProgressException")
    }

    /// Classify an SDK error. One function for every service: the three SDK crates share
    /// `SdkError` and `ProvideErrorMetadata`.
    pub(crate) fn from_sdk<E, R>(operation: &'static str, error: SdkError<E, R>) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: Debug,
    {
        let message = DisplayErrorContext(&error).to_string();
        match &error {
            SdkError::ServiceError(context) => {
                let err = context.err();
                AwsError::Service {
                    operation,
                    code: err.code().unwrap_or("Unknown").to_owned(),
                    message: err.message().unwrap_or("no message").to_owned(),
                }
            }
            _ if looks_like_credentials(&message) => AwsError::Credentials { operation, message },
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
                AwsError::Unreachable { operation, message }
            }
            _ => AwsError::Unexpected { operation, message },
        }
    }
}

/// The credential chain reports its failures as dispatch or construction failures whose text
/// names credentials; there is no typed variant for it in the SDK.
fn looks_like_credentials(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("credentials") || lower.contains("identity resolver")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_retryable_codes() {
        let throttled = AwsError::Service {
            operation: "ListStackInstances",
            code: "Throttling".into(),
            message: "Rate exceeded".into(),
        };
        assert!(throttled.is_throttling());
        assert!(!throttled.is_operation_in_progress());
        let busy = AwsError::Service {
            operation: "UpdateStackSet",
            code: "OperationInProgressException".into(),
            message: "Another Operation on StackSet is in progress".into(),
        };
        assert!(busy.is_operation_in_progress());
        assert!(looks_like_credentials(
            "failed to load credentials from the chain"
        ));
    }
}
