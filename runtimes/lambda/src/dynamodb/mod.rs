//! The durable idempotency store: [`DynamoDedupe`] keeps the keys of [`DedupeStore`] in a DynamoDB
//! table, so that every worker — and Lambda's retry of an event, landing on a fresh execution
//! environment — sees the same claims. Slack's installations and OAuth states are kept the same
//! way, in a table of their own ([`DynamoInstallations`]).
//!
//! One SigV4-signed request per operation over DynamoDB's JSON API (`POST /`,
//! `x-amz-target: DynamoDB_20120810.<Operation>`), as the Secrets Manager read does: no AWS SDK.
//! The table (the stack's, DESIGN.md): partition key `id` (S), TTL attribute `expiration`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ackbot_core::BoxError;
use ackbot_core::http::DELIVERY_RESPONSE_CAP;
use ackbot_core::retry::{Failure, RetryPolicy, retry};
use ackbot_core::runtime::{Claim, DedupeStore, Expiry};
use serde_json::{Value, json};

use crate::aws::{AwsClient, AwsError, Call};

mod contexts;
mod error;
mod installations;
pub use contexts::DynamoThreadContexts;
pub use error::DynamoError;
pub use installations::{DynamoInstallations, InstallationsError};

/// `status` of a key whose work is under way.
const IN_PROGRESS: &str = "INPROGRESS";
/// `status` of a key whose work is done.
const COMPLETED: &str = "COMPLETED";

/// Powertools' claim condition: nobody holds the key, or the item outlived its `expiration`
/// (DynamoDB's TTL deletes expired items only eventually, so the condition cannot trust their
/// absence), or it is a claim in progress whose own expiry has passed (its worker died).
const CLAIM_CONDITION: &str = "attribute_not_exists(#id) OR #expiration < :now_s \
     OR (#status = :in_progress AND #in_progress_expiration < :now_ms)";

/// A [`DedupeStore`] in a DynamoDB table, with the semantics of AWS Lambda Powertools'
/// idempotency utility (`DynamoDBPersistenceLayer`):
///
/// - **claim** is a `PutItem` of `{id, status: INPROGRESS, in_progress_expiration (epoch ms),
///   expiration (epoch s)}` under the condition `attribute_not_exists(id) OR expiration < now OR
///   (status = INPROGRESS AND in_progress_expiration < now_ms)`, with
///   `ReturnValuesOnConditionCheckFailure: ALL_OLD`. When the condition fails, the item it
///   returns says whether the work is done (`COMPLETED`: a duplicate) or under way (`INPROGRESS`:
///   the caller fails, so Lambda retries after the other worker finished or its claim expired).
///   Unlike Powertools, the item also carries a `claim_token` unique to the claim, so that a
///   retried attempt that finds the item its own first attempt wrote (the answer was lost) knows
///   the claim is its own;
/// - **complete** puts `{id, status: COMPLETED, expiration: now + completed}`;
/// - **release** deletes the item, so a retry of failed work claims it again.
///
/// `expiration` is the table's TTL attribute, in epoch seconds: DynamoDB deletes completed keys,
/// and the keys of claims nobody completed or released, some time after it. Throttling, 5xx and
/// network failures are retried a few times with backoff, each attempt within its own timeout.
#[derive(Debug)]
pub struct DynamoDedupe {
    table: Table,
    expiry: Expiry,
}

/// A table and the signed client that calls it, for every store kept in DynamoDB: each call
/// retried as [`Table::call`] says.
#[derive(Debug)]
struct Table {
    name: String,
    dynamodb: AwsClient,
    retry: RetryPolicy,
}

/// How long each request may take.
const TIMEOUT: Duration = Duration::from_secs(2);

impl DynamoDedupe {
    /// A store in `table`, with the region (`AWS_REGION`), the credentials (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, as Lambda sets them) and the endpoint
    /// (`AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`, else DynamoDB's in the region) read
    /// through `env`. No request is made until the first claim.
    pub fn from_env(
        table: impl Into<String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, DynamoError> {
        Ok(Self {
            table: Table::from_env(table.into(), env)?,
            expiry: Expiry::default(),
        })
    }

    /// Replaces how long claims last (default [`Expiry::default`]).
    pub fn with_expiry(mut self, expiry: Expiry) -> Self {
        self.expiry = expiry;
        self
    }

    /// Replaces the retries of throttled, failed (5xx) and unsent requests (default 3 attempts
    /// from 50 ms apart).
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.table.retry = policy;
        self
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table.name
    }

    async fn claim_key(&self, key: &str, now_ms: i64) -> Result<Claim, DynamoError> {
        // Tells this claim's own item from another's when a retried attempt finds the item
        // that a first attempt (whose answer was lost) wrote.
        let token = claim_token();
        let request = json!({
            "TableName": self.table.name,
            "Item": {
                "id": {"S": key},
                "status": {"S": IN_PROGRESS},
                "in_progress_expiration": {"N": (now_ms + self.expiry.in_progress_ms).to_string()},
                "expiration": {"N": epoch_seconds(now_ms + self.expiry.completed_ms).to_string()},
                "claim_token": {"S": token},
            },
            "ConditionExpression": CLAIM_CONDITION,
            "ExpressionAttributeNames": {
                "#id": "id",
                "#expiration": "expiration",
                "#status": "status",
                "#in_progress_expiration": "in_progress_expiration",
            },
            "ExpressionAttributeValues": {
                ":now_s": {"N": epoch_seconds(now_ms).to_string()},
                ":now_ms": {"N": now_ms.to_string()},
                ":in_progress": {"S": IN_PROGRESS},
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        });
        let answer = match self.table.call("PutItem", &request).await? {
            Answer::Done(_) => return Ok(Claim::Claimed),
            Answer::ConditionFailed(answer) => answer,
        };
        let item = match answer.get("Item") {
            Some(item) if item.is_object() => item.clone(),
            // Servers without `ReturnValuesOnConditionCheckFailure` (older DynamoDB Local):
            // read the item, as Powertools does.
            _ => {
                let request = json!({
                    "TableName": self.table.name,
                    "Key": {"id": {"S": key}},
                    "ConsistentRead": true,
                });
                match self.table.call("GetItem", &request).await? {
                    Answer::Done(answer) => match answer.get("Item") {
                        Some(item) if item.is_object() => item.clone(),
                        // Released in between: let the retry claim it.
                        _ => return Ok(Claim::InProgress),
                    },
                    Answer::ConditionFailed(_) => {
                        return Err(unexpected("GetItem", "a condition failure".into()));
                    }
                }
            }
        };
        held(&item, &token).map_err(|reason| unexpected("PutItem", reason))
    }

    async fn complete_key(&self, key: &str, now_ms: i64) -> Result<(), DynamoError> {
        let request = json!({
            "TableName": self.table.name,
            "Item": {
                "id": {"S": key},
                "status": {"S": COMPLETED},
                "expiration": {"N": epoch_seconds(now_ms + self.expiry.completed_ms).to_string()},
            },
        });
        self.table.call("PutItem", &request).await.map(drop)
    }

    async fn release_key(&self, key: &str) -> Result<(), DynamoError> {
        let request = json!({"TableName": self.table.name, "Key": {"id": {"S": key}}});
        self.table.call("DeleteItem", &request).await.map(drop)
    }
}

impl Table {
    /// The table `name`, in the region (`AWS_REGION`) with the credentials and the endpoint
    /// read through `env`, retried 3 times from 50 ms apart.
    fn from_env(name: String, env: impl Fn(&str) -> Option<String>) -> Result<Self, DynamoError> {
        let region = env("AWS_REGION")
            .filter(|r| !r.trim().is_empty())
            .ok_or(DynamoError::NoRegion)?;
        Ok(Self {
            name,
            dynamodb: AwsClient::from_env(&env, "dynamodb", ("DYNAMODB", "dynamodb"), region)?,
            retry: RetryPolicy {
                max_attempts: 3,
                base_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(400),
                max_retry_after: Duration::from_secs(1),
            },
        })
    }

    /// Calls `operation` with `request`, retrying what another attempt may get past.
    async fn call(&self, operation: &'static str, request: &Value) -> Result<Answer, DynamoError> {
        let body = request.to_string().into_bytes();
        let target = format!("DynamoDB_20120810.{operation}");
        retry(&self.retry, |_| {
            self.attempt(operation, &target, body.clone())
        })
        .await
        .map_err(|gave_up| gave_up.error)
    }

    async fn attempt(
        &self,
        operation: &'static str,
        target: &str,
        body: Vec<u8>,
    ) -> Result<Answer, Failure<DynamoError>> {
        let call = Call {
            operation,
            path: "/",
            headers: &[
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", target),
            ],
            body,
            timeout: TIMEOUT,
            cap: DELIVERY_RESPONSE_CAP,
        };
        let response = (self.dynamodb.send(call).await).map_err(|e| failure(operation, e))?;
        let json = || match String::from_utf8_lossy(&response.body.bytes).trim() {
            "" => Ok(Value::Null),
            text => serde_json::from_str(text)
                .map_err(|e| Failure::Permanent(unexpected(operation, format!("not JSON ({e})")))),
        };
        if response.status.is_success() {
            return json().map(Answer::Done);
        }
        let refused = self.dynamodb.refused(&response);
        match refused.code() {
            // The condition's answer carries the item that failed it.
            Some("ConditionalCheckFailedException") => {
                Ok(Answer::ConditionFailed(json().unwrap_or(Value::Null)))
            }
            Some("ResourceNotFoundException") => {
                let table = self.name.clone();
                Err(Failure::Permanent(DynamoError::TableNotFound { table }))
            }
            _ => Err(failure(operation, refused)),
        }
    }
}

/// A failed call, worth another attempt when AWS says so (throttled, 5xx, no answer).
fn failure(operation: &'static str, error: AwsError) -> Failure<DynamoError> {
    let transient = error.is_transient();
    let retry_after = match &error {
        AwsError::Refused { retry_after, .. } => *retry_after,
        _ => None,
    };
    let error = DynamoError::Call {
        operation,
        source: error,
    };
    match transient {
        true => Failure::Transient { error, retry_after },
        false => Failure::Permanent(error),
    }
}

impl DedupeStore for DynamoDedupe {
    fn claim<'a>(&'a self, key: &'a str, now_ms: i64) -> BoxFuture<'a, Result<Claim, BoxError>> {
        Box::pin(async move { Ok(self.claim_key(key, now_ms).await?) })
    }

    fn complete<'a>(&'a self, key: &'a str, now_ms: i64) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move { Ok(self.complete_key(key, now_ms).await?) })
    }

    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move { Ok(self.release_key(key).await?) })
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A successful answer, or the answer to a request whose condition did not hold.
enum Answer {
    Done(Value),
    ConditionFailed(Value),
}

/// What an item found by a failed claim says: done, or under way.
fn held(item: &Value, token: &str) -> Result<Claim, String> {
    if item["claim_token"]["S"].as_str() == Some(token) {
        return Ok(Claim::Claimed);
    }
    match item["status"]["S"].as_str() {
        Some(COMPLETED) => Ok(Claim::Completed),
        Some(IN_PROGRESS) => Ok(Claim::InProgress),
        Some(other) => Err(format!("the item's status is `{other}`")),
        None => Err("the item has no status".into()),
    }
}

fn unexpected(operation: &'static str, reason: String) -> DynamoError {
    DynamoError::Unexpected { operation, reason }
}

/// Epoch seconds, the unit of DynamoDB's TTL attribute.
fn epoch_seconds(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

/// A token unique to one claim: the process, the time and a counter.
fn claim_token() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{:x}-{nanos:x}-{:x}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const KEY_ID: &str = "AKIDDYNAMOTEST";
    const SECRET_KEY: &str = "dynamo-secret-access-key";
    const SESSION: &str = "dynamo-session-token";

    fn store(server: &MockServer) -> DynamoDedupe {
        let env: HashMap<&str, String> = HashMap::from([
            ("AWS_REGION", "eu-west-1".to_string()),
            ("AWS_ACCESS_KEY_ID", KEY_ID.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
            ("AWS_SESSION_TOKEN", SESSION.to_string()),
            ("AWS_ENDPOINT_URL_DYNAMODB", format!("{}/", server.uri())),
        ]);
        DynamoDedupe::from_env("ackbot-idempotency", |name| env.get(name).cloned())
            .unwrap()
            .with_retry(RetryPolicy::fixed(3, Duration::from_millis(5)))
    }

    fn aws_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
        let body = json!({
            "__type": format!("com.amazonaws.dynamodb.v20120810#{code}"),
            "message": message,
        });
        ResponseTemplate::new(status)
            .insert_header("content-type", "application/x-amz-json-1.0")
            .set_body_string(body.to_string())
    }

    fn condition_failed(item: Value) -> ResponseTemplate {
        let body = json!({
            "__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
            "message": "The conditional request failed",
            "Item": item,
        });
        ResponseTemplate::new(400).set_body_string(body.to_string())
    }

    fn body(request: &Request) -> Value {
        serde_json::from_slice(&request.body).unwrap()
    }

    #[test]
    fn needs_a_region_and_credentials() {
        let none = DynamoDedupe::from_env("t", |_| None).unwrap_err();
        assert!(matches!(none, DynamoError::NoRegion), "{none}");
        let region = DynamoDedupe::from_env("t", |n| {
            (n == "AWS_REGION").then(|| "us-east-1".to_string())
        })
        .unwrap_err();
        assert!(
            matches!(region, DynamoError::Aws(AwsError::NoCredentials)),
            "{region}"
        );
    }

    #[tokio::test]
    async fn a_claim_is_a_signed_conditional_put() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/"))
            .and(header("x-amz-target", "DynamoDB_20120810.PutItem"))
            .and(header("content-type", "application/x-amz-json-1.0"))
            .and(header("x-amz-security-token", SESSION))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&server)
            .await;
        let claim = store(&server).claim("gw:req-1#0", 1_700_000_000_500).await;
        assert_eq!(claim.unwrap(), Claim::Claimed);

        let requests = server.received_requests().await.unwrap();
        let auth = requests[0].headers["authorization"].to_str().unwrap();
        assert!(
            auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={KEY_ID}/"))
                && auth.contains("/eu-west-1/dynamodb/aws4_request"),
            "{auth}"
        );
        let put = body(&requests[0]);
        assert_eq!(put["TableName"], "ackbot-idempotency");
        assert_eq!(put["Item"]["id"]["S"], "gw:req-1#0");
        assert_eq!(put["Item"]["status"]["S"], "INPROGRESS");
        let expiry = Expiry::default();
        assert_eq!(
            put["Item"]["in_progress_expiration"]["N"],
            (1_700_000_000_500 + expiry.in_progress_ms).to_string()
        );
        assert_eq!(
            put["Item"]["expiration"]["N"],
            (1_700_000_000 + expiry.completed_ms / 1000).to_string()
        );
        assert_eq!(put["ConditionExpression"], CLAIM_CONDITION);
        assert_eq!(put["ReturnValuesOnConditionCheckFailure"], "ALL_OLD");
        assert_eq!(
            put["ExpressionAttributeValues"][":now_s"]["N"],
            "1700000000"
        );
    }

    #[tokio::test]
    async fn a_failed_condition_says_done_or_under_way() {
        for (status, claim) in [
            ("COMPLETED", Claim::Completed),
            ("INPROGRESS", Claim::InProgress),
        ] {
            let server = MockServer::start().await;
            let item = json!({"id": {"S": "k"}, "status": {"S": status}});
            Mock::given(method("POST"))
                .respond_with(condition_failed(item))
                .mount(&server)
                .await;
            assert_eq!(store(&server).claim("k", 1).await.unwrap(), claim);
            assert_eq!(server.received_requests().await.unwrap().len(), 1);
        }
    }

    #[tokio::test]
    async fn without_the_old_item_it_is_read() {
        let server = MockServer::start().await;
        Mock::given(header("x-amz-target", "DynamoDB_20120810.PutItem"))
            .respond_with(aws_error(400, "ConditionalCheckFailedException", "failed"))
            .mount(&server)
            .await;
        Mock::given(header("x-amz-target", "DynamoDB_20120810.GetItem"))
            .respond_with(ResponseTemplate::new(200).set_body_string(
                json!({"Item": {"id": {"S": "k"}, "status": {"S": "COMPLETED"}}}).to_string(),
            ))
            .mount(&server)
            .await;
        assert_eq!(
            store(&server).claim("k", 1).await.unwrap(),
            Claim::Completed
        );
        let get = body(&server.received_requests().await.unwrap()[1]);
        assert_eq!(get["ConsistentRead"], true);
    }

    #[tokio::test]
    async fn complete_and_release_write_and_delete_the_item() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&server)
            .await;
        let store = store(&server);
        store.complete("k", 10_000).await.unwrap();
        store.release("k").await.unwrap();
        let requests = server.received_requests().await.unwrap();
        let put = body(&requests[0]);
        assert_eq!(put["Item"]["status"]["S"], "COMPLETED");
        assert_eq!(
            put["Item"]["expiration"]["N"],
            (10 + Expiry::default().completed_ms / 1000).to_string()
        );
        assert!(put.get("ConditionExpression").is_none());
        assert_eq!(
            requests[1].headers["x-amz-target"],
            "DynamoDB_20120810.DeleteItem"
        );
        assert_eq!(body(&requests[1])["Key"], json!({"id": {"S": "k"}}));
    }

    #[tokio::test]
    async fn throttling_is_retried_then_reported() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(aws_error(
                400,
                "ProvisionedThroughputExceededException",
                "slow down",
            ))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&server)
            .await;
        assert_eq!(store(&server).claim("k", 1).await.unwrap(), Claim::Claimed);

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(aws_error(400, "ThrottlingException", "rate exceeded"))
            .mount(&server)
            .await;
        let err = store(&server).claim_key("k", 1).await.unwrap_err();
        assert!(
            matches!(&err, DynamoError::Call { source, .. } if source.code() == Some("ThrottlingException")),
            "{err}"
        );
        assert_eq!(server.received_requests().await.unwrap().len(), 3);
    }

    #[tokio::test]
    async fn refusals_name_the_table_or_the_code_and_never_a_credential() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(aws_error(
                400,
                "ResourceNotFoundException",
                "Requested resource not found",
            ))
            .mount(&server)
            .await;
        let err = store(&server).claim_key("k", 1).await.unwrap_err();
        assert!(err.to_string().contains("`ackbot-idempotency`"), "{err}");
        assert_eq!(server.received_requests().await.unwrap().len(), 1);

        // A signature mismatch's message goes on with the canonical request (and its headers).
        let server = MockServer::start().await;
        let message = format!(
            "The request signature we calculated does not match the signature you provided.\n\n\
             The Canonical String for this request should have been\n'POST\n/\n\n\
             x-amz-security-token:{SESSION}\n'"
        );
        Mock::given(method("POST"))
            .respond_with(aws_error(400, "InvalidSignatureException", &message))
            .mount(&server)
            .await;
        let err = store(&server).complete_key("k", 1).await.unwrap_err();
        let text = ackbot_core::chain(&err);
        assert!(text.contains("InvalidSignatureException"), "{text}");
        for credential in [KEY_ID, SECRET_KEY, SESSION] {
            assert!(!text.contains(credential), "{text}");
            assert!(!format!("{err:?}").contains(credential));
        }

        // A malformed `Authorization` header's refusal quotes it on its first line.
        let server = MockServer::start().await;
        let message =
            format!("Authorization=AWS4-HMAC-SHA256 Credential={KEY_ID}/20260101, {SESSION}");
        Mock::given(method("POST"))
            .respond_with(aws_error(400, "IncompleteSignatureException", &message))
            .mount(&server)
            .await;
        let err = store(&server).release_key("k").await.unwrap_err();
        let text = ackbot_core::chain(&err);
        assert!(
            text.contains("Credential=[redacted]/20260101, [redacted]"),
            "{text}"
        );
        assert!(!format!("{:?}", store(&server)).contains(SECRET_KEY));
    }

    #[tokio::test]
    async fn server_errors_are_retried_and_an_unreachable_table_fails() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(aws_error(500, "InternalServerError", "oops"))
            .mount(&server)
            .await;
        let err = store(&server).release_key("k").await.unwrap_err();
        assert!(
            matches!(
                err,
                DynamoError::Call {
                    source: AwsError::Refused { status: 500, .. },
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(server.received_requests().await.unwrap().len(), 3);

        // Nobody listens on a port just released (a dropped MockServer goes back to a pool).
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let uri = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let env = |name: &str| match name {
            "AWS_REGION" => Some("us-east-1".to_string()),
            "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" => Some("x".to_string()),
            "AWS_ENDPOINT_URL" => Some(uri.clone()),
            _ => None,
        };
        let gone = DynamoDedupe::from_env("t", env)
            .unwrap()
            .with_retry(RetryPolicy::fixed(2, Duration::from_millis(1)));
        let err = gone.claim_key("k", 1).await.unwrap_err();
        assert!(
            matches!(
                err,
                DynamoError::Call {
                    source: AwsError::Unreachable { .. },
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn an_item_found_is_done_under_way_or_our_own() {
        let item = |status: &str, token: &str| json!({"status": {"S": status}, "claim_token": {"S": token}});
        assert_eq!(held(&item("COMPLETED", "a"), "b"), Ok(Claim::Completed));
        assert_eq!(held(&item("INPROGRESS", "a"), "b"), Ok(Claim::InProgress));
        // A first attempt whose answer was lost wrote it: the claim is ours.
        assert_eq!(held(&item("INPROGRESS", "b"), "b"), Ok(Claim::Claimed));
        assert!(held(&item("EXPIRED", "a"), "b").is_err());
        assert_ne!(claim_token(), claim_token());
        assert_eq!(epoch_seconds(1_999), 1);
    }
}
