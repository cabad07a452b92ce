//! Slack's installations and OAuth states in DynamoDB: [`DynamoInstallations`], the
//! [`InstallationStore`] of a bot distributed to many workspaces on Lambda, every worker and
//! front door reading and writing the same table.

use ackbot_core::retry::RetryPolicy;
use ackbot_slack::oauth::{
    InstallationKey, InstallationRecord, InstallationStore, StoreError, Stored,
};
use serde_json::{Value, json};

use super::{Answer, BoxFuture, DynamoError, Table};

/// The prefix of an installation's `id`, before its key (`installation#team:T1`).
const INSTALLATION: &str = "installation#";
/// The prefix of an OAuth state's `id`, before the (hashed) state.
const STATE: &str = "state#";

/// An [`InstallationStore`] in a DynamoDB table (partition key `id` of type S, TTL attribute
/// `expiration`), each method one request — `GetItem`, `PutItem`, `UpdateItem` or `DeleteItem`,
/// nothing else — and each change that may lose a race a conditional one, so that two workers
/// cannot both win a lease, a replacement or a state:
///
/// - an installation is the item `installation#<key>` (`installation#team:T1`,
///   `installation#enterprise:E1`): `record` (S, [`InstallationRecord::to_json`], the tokens
///   with it), `version` (N) and, while somebody refreshes its token, `lease_until` (N, epoch
///   ms). Deleting it removes `record` and keeps `version`, so a later install never reuses a
///   version;
/// - an OAuth state is the item `state#<state>`: `expires_at_ms` (N), and `expiration` (N, epoch
///   seconds) for DynamoDB's TTL to delete it some time after. TTL deletes only eventually, so a
///   spend's condition, not the item's absence, decides whether it has expired.
///
/// Throttling, 5xx and network failures are retried as [`DynamoDedupe`](super::DynamoDedupe)'s
/// are; every attempt is shown to the observers of the Envelope being processed. No error, log
/// line or `Debug` carries a token: a record that cannot be read is named by its key.
#[derive(Debug)]
pub struct DynamoInstallations {
    table: Table,
}

/// Why the installations table could not be used. Never carries a credential, a token or a
/// record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallationsError {
    /// `AWS_REGION` is unset, so the table's region is unknown.
    #[error("AWS_REGION is unset: the installations table's region is unknown")]
    NoRegion,
    /// The table does not exist (in this account and region).
    #[error(
        "the installations table `{table}` does not exist (ResourceNotFoundException): create it \
         (partition key `id` of type S, TTL attribute `expiration`)"
    )]
    TableNotFound {
        /// The table's name.
        table: String,
    },
    /// The credentials are missing, or a call failed: unsent, unanswered, throttled through the
    /// retries, or refused.
    #[error("the installations table `{table}` could not be used")]
    Table {
        /// The table's name.
        table: String,
        /// Why.
        #[source]
        source: Box<DynamoError>,
    },
    /// An installation's item is not one this store writes.
    #[error("the installation `{key}` in the table `{table}` cannot be read: {reason}")]
    Unreadable {
        /// The table's name.
        table: String,
        /// The installation's key, e.g. `team:T1`.
        key: String,
        /// What is wrong with it, never quoting it.
        reason: String,
    },
}

impl DynamoInstallations {
    /// A store in `table`, with the region (`AWS_REGION`), the credentials (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, as Lambda sets them) and the endpoint
    /// (`AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`, else DynamoDB's in the region) read
    /// through `env`. No request is made until the first call.
    pub fn from_env(
        table: impl Into<String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, InstallationsError> {
        let name = table.into();
        match Table::from_env(name.clone(), env) {
            Ok(table) => Ok(Self { table }),
            Err(DynamoError::NoRegion) => Err(InstallationsError::NoRegion),
            Err(source) => Err(InstallationsError::Table {
                table: name,
                source: Box::new(source),
            }),
        }
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

    /// The answer to `request`, with `TableName` added; whether its condition held.
    async fn call(
        &self,
        operation: &'static str,
        mut request: Value,
    ) -> Result<Answer, StoreError> {
        request["TableName"] = json!(self.table.name);
        (self.table.call(operation, &request).await).map_err(|e| StoreError::new(self.failed(e)))
    }

    /// Makes the unconditional write `request`.
    async fn write(&self, operation: &'static str, request: Value) -> Result<(), StoreError> {
        match self.call(operation, request).await? {
            Answer::Done(_) => Ok(()),
            Answer::ConditionFailed(_) => Err(self.unexpected(operation)),
        }
    }

    /// `true` when `request`'s condition held, `false` when it did not.
    async fn condition(&self, operation: &'static str, request: Value) -> Result<bool, StoreError> {
        match self.call(operation, request).await? {
            Answer::Done(_) => Ok(true),
            Answer::ConditionFailed(_) => Ok(false),
        }
    }

    fn failed(&self, error: DynamoError) -> InstallationsError {
        match error {
            DynamoError::TableNotFound { table } => InstallationsError::TableNotFound { table },
            source => InstallationsError::Table {
                table: self.table.name.clone(),
                source: Box::new(source),
            },
        }
    }

    fn unreadable(&self, key: &InstallationKey, reason: impl Into<String>) -> StoreError {
        StoreError::new(InstallationsError::Unreadable {
            table: self.table.name.clone(),
            key: key.to_string(),
            reason: reason.into(),
        })
    }

    async fn find_key(&self, key: &InstallationKey) -> Result<Option<Stored>, StoreError> {
        let request = json!({"Key": installation_id(key), "ConsistentRead": true});
        let answer = match self.call("GetItem", request).await? {
            Answer::Done(answer) => answer,
            Answer::ConditionFailed(_) => return Err(self.unexpected("GetItem")),
        };
        // No item, or the tombstone of a deleted installation (its version without a record).
        let Some(record) = answer.get("Item").and_then(|item| item.get("record")) else {
            return Ok(None);
        };
        let json = (record["S"].as_str())
            .ok_or_else(|| self.unreadable(key, "`record` is not a string"))?;
        let version = (answer["Item"]["version"]["N"].as_str())
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| self.unreadable(key, "it has no `version`"))?;
        // serde_json's message may quote the value it choked on: only where it stopped.
        let record = InstallationRecord::from_json(json).map_err(|e| {
            let at = format!("line {}, column {}", e.line(), e.column());
            let reason = format!(
                "`record` is not an installation ({:?} error at {at})",
                e.classify()
            );
            self.unreadable(key, reason)
        })?;
        Ok(Some(Stored { record, version }))
    }

    fn unexpected(&self, operation: &'static str) -> StoreError {
        let source = DynamoError::Unexpected {
            operation,
            reason: "a condition failure, with no condition".into(),
        };
        StoreError::new(self.failed(source))
    }
}

/// The `Key` of `key`'s installation.
fn installation_id(key: &InstallationKey) -> Value {
    json!({"id": {"S": format!("{INSTALLATION}{key}")}})
}

/// The `Key` of the OAuth state `state`.
fn state_id(state: &str) -> Value {
    json!({"id": {"S": format!("{STATE}{state}")}})
}

fn number(n: impl ToString) -> Value {
    json!({"N": n.to_string()})
}

/// Epoch seconds at or after `ms`: DynamoDB's TTL never deletes a state before it expires.
fn epoch_seconds_after(ms: i64) -> i64 {
    ms.div_euclid(1000) + i64::from(ms.rem_euclid(1000) > 0)
}

impl InstallationStore for DynamoInstallations {
    fn save<'a>(&'a self, record: &'a InstallationRecord) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let request = json!({
                "Key": installation_id(&record.installation.key()),
                // A version above any before, even one deleted: the tombstone keeps it.
                "UpdateExpression": "SET #record = :record, \
                    #version = if_not_exists(#version, :zero) + :one REMOVE #lease_until",
                "ExpressionAttributeNames": names(&["#record", "#version", "#lease_until"]),
                "ExpressionAttributeValues": {
                    ":record": {"S": record.to_json()},
                    ":zero": number(0),
                    ":one": number(1),
                },
            });
            self.write("UpdateItem", request).await
        })
    }

    fn find<'a>(
        &'a self,
        key: &'a InstallationKey,
    ) -> BoxFuture<'a, Result<Option<Stored>, StoreError>> {
        Box::pin(self.find_key(key))
    }

    fn delete<'a>(&'a self, key: &'a InstallationKey) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let request = json!({
                "Key": installation_id(key),
                "UpdateExpression": "REMOVE #record, #lease_until",
                "ConditionExpression": "attribute_exists(#record)",
                "ExpressionAttributeNames": names(&["#record", "#lease_until"]),
            });
            self.condition("UpdateItem", request).await
        })
    }

    fn lease<'a>(
        &'a self,
        key: &'a InstallationKey,
        version: u64,
        now_ms: i64,
        until_ms: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let request = json!({
                "Key": installation_id(key),
                "UpdateExpression": "SET #lease_until = :until",
                "ConditionExpression": "attribute_exists(#record) AND #version = :version AND \
                    (attribute_not_exists(#lease_until) OR #lease_until <= :now)",
                "ExpressionAttributeNames": names(&["#record", "#version", "#lease_until"]),
                "ExpressionAttributeValues": {
                    ":until": number(until_ms),
                    ":version": number(version),
                    ":now": number(now_ms),
                },
            });
            self.condition("UpdateItem", request).await
        })
    }

    fn replace<'a>(
        &'a self,
        key: &'a InstallationKey,
        version: u64,
        record: &'a InstallationRecord,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let request = json!({
                "Key": installation_id(key),
                "UpdateExpression": "SET #record = :record, #version = #version + :one \
                    REMOVE #lease_until",
                "ConditionExpression": "attribute_exists(#record) AND #version = :version",
                "ExpressionAttributeNames": names(&["#record", "#version", "#lease_until"]),
                "ExpressionAttributeValues": {
                    ":record": {"S": record.to_json()},
                    ":one": number(1),
                    ":version": number(version),
                },
            });
            self.condition("UpdateItem", request).await
        })
    }

    fn issue_state<'a>(
        &'a self,
        state: &'a str,
        expires_at_ms: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut item = state_id(state);
            item["expires_at_ms"] = number(expires_at_ms);
            item["expiration"] = number(epoch_seconds_after(expires_at_ms));
            self.write("PutItem", json!({"Item": item})).await
        })
    }

    fn spend_state<'a>(
        &'a self,
        state: &'a str,
        now_ms: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let request = json!({
                "Key": state_id(state),
                "ConditionExpression": "attribute_exists(#id) AND #expires_at_ms > :now",
                "ExpressionAttributeNames": names(&["#id", "#expires_at_ms"]),
                "ExpressionAttributeValues": {":now": number(now_ms)},
            });
            self.condition("DeleteItem", request).await
        })
    }
}

/// `ExpressionAttributeNames` for the placeholders an expression uses (`#record` for `record`),
/// so that no attribute's name can clash with DynamoDB's reserved words; only those it uses, as
/// DynamoDB refuses a name no expression uses.
fn names(placeholders: &[&str]) -> Value {
    let named = (placeholders.iter()).map(|p| (p.to_string(), json!(p.trim_start_matches('#'))));
    Value::Object(named.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ackbot_core::ExposeSecret;
    use ackbot_slack::oauth::contract::record;
    use std::collections::HashMap;
    use std::time::Duration;
    use wiremock::matchers::{header, method};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const SECRET_KEY: &str = "installations-secret-access-key";

    fn store(server: &MockServer) -> DynamoInstallations {
        let env: HashMap<&str, String> = HashMap::from([
            ("AWS_REGION", "eu-west-1".to_string()),
            ("AWS_ACCESS_KEY_ID", "AKIDINSTALLTEST".to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
            ("AWS_ENDPOINT_URL_DYNAMODB", server.uri()),
        ]);
        DynamoInstallations::from_env("ackbot-installations", |name| env.get(name).cloned())
            .unwrap()
            .with_retry(RetryPolicy::fixed(3, Duration::from_millis(5)))
    }

    fn answer(body: Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_string(body.to_string())
    }

    fn aws_error(status: u16, code: &str) -> ResponseTemplate {
        let body =
            json!({"__type": format!("com.amazonaws.dynamodb.v20120810#{code}"), "message": "no"});
        ResponseTemplate::new(status).set_body_string(body.to_string())
    }

    /// Each request's operation and body.
    async fn requests(server: &MockServer) -> Vec<(String, Value)> {
        let requests = server.received_requests().await.unwrap();
        (requests.iter())
            .map(|r: &Request| {
                let target = r.headers["x-amz-target"].to_str().unwrap();
                let operation = target.trim_start_matches("DynamoDB_20120810.").to_string();
                (operation, serde_json::from_slice(&r.body).unwrap())
            })
            .collect()
    }

    fn t1() -> InstallationKey {
        InstallationKey::Team("T1".into())
    }

    #[test]
    fn needs_a_region_and_credentials() {
        let none = DynamoInstallations::from_env("t", |_| None).unwrap_err();
        assert!(matches!(none, InstallationsError::NoRegion), "{none}");
        let region = |n: &str| (n == "AWS_REGION").then(|| "us-east-1".to_string());
        let err = DynamoInstallations::from_env("t", region).unwrap_err();
        assert!(
            matches!(&err, InstallationsError::Table { table, source } if table == "t" && matches!(**source, DynamoError::Aws(_))),
            "{err}"
        );
        assert_eq!(epoch_seconds_after(2_000), 2);
        assert_eq!(epoch_seconds_after(2_001), 3);
    }

    #[tokio::test]
    async fn each_method_is_one_request_of_the_four_operations() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(answer(json!({})))
            .mount(&server)
            .await;
        let store = store(&server);
        let saved = record("T1", "xoxb-saved-token");
        store.save(&saved).await.unwrap();
        assert!(store.find(&t1()).await.unwrap().is_none());
        assert!(store.delete(&t1()).await.unwrap());
        assert!(store.lease(&t1(), 4, 1_000, 2_000).await.unwrap());
        assert!(store.replace(&t1(), 4, &saved).await.unwrap());
        store
            .issue_state("hashed", 1_700_000_000_001)
            .await
            .unwrap();
        assert!(store.spend_state("hashed", 1_000).await.unwrap());

        let sent = requests(&server).await;
        let operations: Vec<&str> = sent.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(
            operations,
            [
                "UpdateItem",
                "GetItem",
                "UpdateItem",
                "UpdateItem",
                "UpdateItem",
                "PutItem",
                "DeleteItem"
            ]
        );
        for (_, body) in &sent {
            assert_eq!(body["TableName"], "ackbot-installations");
        }
        let id = json!({"id": {"S": "installation#team:T1"}});
        let (save, find, delete, lease, replace) =
            (&sent[0].1, &sent[1].1, &sent[2].1, &sent[3].1, &sent[4].1);
        assert_eq!(save["Key"], id);
        assert_eq!(
            save["UpdateExpression"],
            "SET #record = :record, #version = if_not_exists(#version, :zero) + :one REMOVE #lease_until"
        );
        assert_eq!(
            save["ExpressionAttributeValues"][":record"]["S"],
            saved.to_json()
        );
        assert!(save.get("ConditionExpression").is_none());
        assert_eq!((&find["Key"], &find["ConsistentRead"]), (&id, &json!(true)));
        assert_eq!(delete["UpdateExpression"], "REMOVE #record, #lease_until");
        assert_eq!(delete["ConditionExpression"], "attribute_exists(#record)");
        assert_eq!(
            lease["ConditionExpression"],
            "attribute_exists(#record) AND #version = :version AND \
             (attribute_not_exists(#lease_until) OR #lease_until <= :now)"
        );
        assert_eq!(
            lease["ExpressionAttributeValues"],
            json!({":until": {"N": "2000"}, ":version": {"N": "4"}, ":now": {"N": "1000"}})
        );
        assert_eq!(
            lease["ExpressionAttributeNames"],
            json!({"#record": "record", "#version": "version", "#lease_until": "lease_until"})
        );
        assert_eq!(
            replace["UpdateExpression"],
            "SET #record = :record, #version = #version + :one REMOVE #lease_until"
        );
        assert_eq!(
            replace["ConditionExpression"],
            "attribute_exists(#record) AND #version = :version"
        );
        assert_eq!(
            sent[5].1["Item"],
            json!({
                "id": {"S": "state#hashed"},
                "expires_at_ms": {"N": "1700000000001"},
                "expiration": {"N": "1700000001"},
            })
        );
        let spend = &sent[6].1;
        assert_eq!(spend["Key"], json!({"id": {"S": "state#hashed"}}));
        assert_eq!(
            spend["ConditionExpression"],
            "attribute_exists(#id) AND #expires_at_ms > :now"
        );
    }

    #[tokio::test]
    async fn a_failed_condition_is_false_and_throttling_is_retried() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(aws_error(400, "ProvisionedThroughputExceededException"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(aws_error(400, "ConditionalCheckFailedException"))
            .mount(&server)
            .await;
        let store = store(&server);
        assert!(!store.lease(&t1(), 1, 0, 10).await.unwrap());
        assert!(!store.spend_state("s", 0).await.unwrap());
        assert_eq!(server.received_requests().await.unwrap().len(), 3);
        // A write with no condition cannot fail one.
        assert!(store.save(&record("T1", "xoxb-t")).await.is_err());
    }

    #[tokio::test]
    async fn an_item_is_found_with_its_version_and_a_tombstone_is_none() {
        let server = MockServer::start().await;
        let json = record("T1", "xoxb-found").to_json();
        Mock::given(method("POST"))
            .respond_with(answer(json!({"Item": {
                "id": {"S": "installation#team:T1"},
                "record": {"S": json},
                "version": {"N": "7"},
                "lease_until": {"N": "5"},
            }})))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(answer(
                json!({"Item": {"id": {"S": "installation#team:T1"}, "version": {"N": "8"}}}),
            ))
            .mount(&server)
            .await;
        let store = store(&server);
        let found = store.find(&t1()).await.unwrap().unwrap();
        assert_eq!(found.version, 7);
        assert_eq!(found.record.bot.token.expose_secret(), "xoxb-found");
        assert!(store.find(&t1()).await.unwrap().is_none(), "deleted");
    }

    #[tokio::test]
    async fn an_unreadable_item_is_named_by_its_key_and_never_quoted() {
        let secret = "xoxb-must-not-be-quoted";
        let bad = [
            json!({"record": {"S": json!({"bot": secret}).to_string()}, "version": {"N": "1"}}),
            json!({"record": {"S": format!("{{\"bot\": {{\"token\": \"{secret}\"")}, "version": {"N": "1"}}),
            json!({"record": {"S": record("T1", secret).to_json()}}),
            json!({"record": {"N": "1"}, "version": {"N": "1"}}),
        ];
        for item in bad {
            let server = MockServer::start().await;
            Mock::given(header("x-amz-target", "DynamoDB_20120810.GetItem"))
                .respond_with(answer(json!({"Item": item})))
                .mount(&server)
                .await;
            let err = store(&server).find(&t1()).await.unwrap_err();
            let text = ackbot_core::chain(&err);
            assert!(
                text.contains("the installation `team:T1` in the table `ackbot-installations`"),
                "{text}"
            );
            assert!(
                !text.contains(secret) && !format!("{err:?}").contains(secret),
                "{text}"
            );
        }
    }

    #[tokio::test]
    async fn refusals_name_the_table_and_no_credential() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(aws_error(400, "ResourceNotFoundException"))
            .mount(&server)
            .await;
        let store = store(&server);
        let err = store.save(&record("T1", "xoxb-refused")).await.unwrap_err();
        let text = ackbot_core::chain(&err);
        assert!(
            text.contains("`ackbot-installations` does not exist"),
            "{text}"
        );
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "not retried"
        );

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(aws_error(500, "InternalServerError"))
            .mount(&server)
            .await;
        let store = self::store(&server);
        let err = store.delete(&t1()).await.unwrap_err();
        let text = ackbot_core::chain(&err);
        assert!(
            text.contains(
                "table `ackbot-installations` could not be used: DynamoDB's UpdateItem failed"
            ) && text.contains("InternalServerError"),
            "{text}"
        );
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            3,
            "retried"
        );
        for shown in [text, format!("{err:?}"), format!("{store:?}")] {
            assert!(!shown.contains(SECRET_KEY), "{shown}");
        }
    }
}
