//! Why the DynamoDB idempotency store could not be used.

use crate::aws::AwsError;

/// Why the table could not be used. Never carries a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DynamoError {
    /// `AWS_REGION` is unset, so the table's region is unknown.
    #[error("AWS_REGION is unset: the idempotency table's region is unknown")]
    NoRegion,
    /// The credentials are missing, or the client could not be built.
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// A call failed: unsent, unanswered, throttled through the retries, or refused.
    #[error("DynamoDB's {operation} failed")]
    Call {
        /// The operation, e.g. `PutItem`.
        operation: &'static str,
        /// Why.
        #[source]
        source: AwsError,
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
    /// The answer is not what the operation returns.
    #[error("unexpected answer to {operation}: {reason}")]
    Unexpected {
        /// The operation.
        operation: &'static str,
        /// What was wrong with it.
        reason: String,
    },
}
