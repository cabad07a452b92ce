//! Why the DynamoDB idempotency store could not be used.

use crate::aws::AwsError;

/// Why the table could not be used. Never carries a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DynamoError {
    /// `AWS_REGION` is unset, so the table's region is unknown.
    #[error("AWS_REGION is unset: the idempotency table's region is unknown")]
    NoRegion,
    /// The request could not be signed or sent (no credentials, the network).
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// DynamoDB throttled the request, and kept doing so through the retries.
    #[error("DynamoDB throttled {operation} ({code})")]
    Throttled {
        /// The operation, e.g. `PutItem`.
        operation: &'static str,
        /// `ProvisionedThroughputExceededException`, `ThrottlingException`, …
        code: String,
    },
    /// The table does not exist (in this account and region).
    #[error(
        "the idempotency table `{table}` does not exist (ResourceNotFoundException): create it \
         (partition key `id` of type S, TTL attribute `expiration`) or fix ACKBOT_IDEMPOTENCY_TABLE"
    )]
    TableNotFound {
        /// The table's name.
        table: String,
    },
    /// DynamoDB refused the request.
    #[error("DynamoDB answered {operation} with {status} {code}: {message}")]
    Refused {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// AWS's error code, e.g. `AccessDeniedException`.
        code: String,
        /// The first line of AWS's message.
        message: String,
    },
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client for DynamoDB")]
    Client(#[source] reqwest::Error),
    /// The answer could not be read.
    #[error("DynamoDB's answer to {operation} could not be read")]
    Unreadable {
        /// The operation.
        operation: &'static str,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The answer is not what the operation returns.
    #[error("unexpected answer to {operation}: {reason}")]
    Unexpected {
        /// The operation.
        operation: &'static str,
        /// What was wrong with it.
        reason: String,
    },
}
