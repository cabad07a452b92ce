//! Slack's installations in DynamoDB ([`DynamoInstallations`]) against moto's server, as
//! idempotency.rs runs the idempotency store (`MOTO_SERVER`, else `.venv-moto/bin/moto_server`,
//! installed by `make test`): the contract every installation store keeps, then what the items
//! hold and what an error shows.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use ackbot_core::ExposeSecret;
use ackbot_lambda::{DynamoInstallations, InstallationsError};
use ackbot_slack::oauth::contract::{check, record};
use ackbot_slack::oauth::{InstallationKey, InstallationStore};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Value, json};

const REGION: &str = "us-east-1";
const ACCESS_KEY: &str = "AKIDINSTALLATIONSTEST";
const SECRET_KEY: &str = "installations-test-secret-key";

/// moto's server, killed on drop, behind a proxy that hands it one request at a time.
struct Moto {
    child: Child,
    log: PathBuf,
    /// The proxy's URL: what the store and the test call.
    url: String,
}

impl Moto {
    async fn start() -> Moto {
        let program = moto_server();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::env::temp_dir().join(format!("ackbot-moto-installations-{port}.log"));
        let child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        let mut moto = Moto {
            child,
            log,
            url: String::new(),
        };
        let direct = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(format!("{direct}/moto-api/")).await.is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                let log = std::fs::read_to_string(&moto.log).unwrap_or_default();
                panic!("moto_server exited with {status}: {log}");
            }
            assert!(Instant::now() < deadline, "moto_server did not answer");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        moto.url = serialize(direct).await;
        moto
    }

    /// Creates `table` as the stack does: partition key `id` (S), TTL on `expiration`.
    async fn create_table(&self, table: &str) {
        let (status, answer) = self
            .call(
                "CreateTable",
                json!({
                    "TableName": table,
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                }),
            )
            .await;
        assert_eq!(status, 200, "CreateTable: {answer}");
        let ttl = json!({
            "TableName": table,
            "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expiration"},
        });
        let (status, answer) = self.call("UpdateTimeToLive", ttl).await;
        assert_eq!(status, 200, "UpdateTimeToLive: {answer}");
    }

    /// The item `id`, read consistently.
    async fn item(&self, table: &str, id: &str) -> Option<Value> {
        let request = json!({"TableName": table, "Key": {"id": {"S": id}}, "ConsistentRead": true});
        let (status, answer) = self.call("GetItem", request).await;
        assert_eq!(status, 200, "GetItem: {answer}");
        answer.get("Item").cloned()
    }

    /// Every item of `table`.
    async fn items(&self, table: &str) -> Vec<Value> {
        let (status, answer) = self.call("Scan", json!({"TableName": table})).await;
        assert_eq!(status, 200, "Scan: {answer}");
        answer["Items"].as_array().cloned().unwrap_or_default()
    }

    fn store(&self, table: &str) -> DynamoInstallations {
        let env = [
            ("AWS_REGION", REGION.to_string()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
            (
                "AWS_SESSION_TOKEN",
                "installations-test-session".to_string(),
            ),
            ("AWS_ENDPOINT_URL_DYNAMODB", self.url.clone()),
        ];
        DynamoInstallations::from_env(table, |name| {
            env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
        })
        .unwrap()
    }

    /// One SigV4-signed call of DynamoDB's JSON API: its status and answer.
    async fn call(&self, operation: &str, request: Value) -> (u16, Value) {
        let url = format!("{}/", self.url);
        let body = request.to_string();
        let target = format!("DynamoDB_20120810.{operation}");
        let headers = [
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-target", target.as_str()),
        ];
        let identity: Identity =
            Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test").into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("dynamodb")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let signable = SignableRequest::new(
            "POST",
            &url,
            headers.iter().copied(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut http = reqwest::Client::new().post(&url);
        for (name, value) in headers.iter().copied().chain(instructions.headers()) {
            http = http.header(name, value);
        }
        let response = http.body(body).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The `moto_server` command: `MOTO_SERVER`, else the one `make test` installs in `.venv-moto/`.
/// Never skipped: without it the test fails and says how to get it.
fn moto_server() -> PathBuf {
    let path = std::env::var_os("MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/moto_server")
        });
    assert!(
        path.is_file(),
        "no moto_server at {}: run `make test` (or `make .venv-moto/.installed`, then `make \
         rust-test`), or point MOTO_SERVER at a moto_server command",
        path.display()
    );
    path
}

/// A proxy that forwards one request at a time: moto checks a write's condition and writes its
/// item in separate steps, so simultaneous conditional writes may both succeed there, where
/// DynamoDB applies each atomically (idempotency.rs says more).
async fn serialize(moto: String) -> String {
    let one_at_a_time = Arc::new(tokio::sync::Mutex::new(()));
    let client = reqwest::Client::new();
    let app = axum::Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: axum::body::Bytes| {
            let (lock, client, moto) = (one_at_a_time.clone(), client.clone(), moto.clone());
            async move {
                let _turn = lock.lock().await;
                let mut request = client.request(method, format!("{moto}{uri}"));
                for (name, value) in &headers {
                    if name != "host" && name != "content-length" {
                        request = request.header(name, value);
                    }
                }
                let Ok(response) = request.body(body).send().await else {
                    return (StatusCode::BAD_GATEWAY, HeaderMap::new(), Vec::new());
                };
                let status = response.status();
                let mut answer = HeaderMap::new();
                for (name, value) in response.headers() {
                    if name == "content-type" || name.as_str().starts_with("x-am") {
                        answer.insert(name.clone(), value.clone());
                    }
                }
                let body = response.bytes().await.unwrap_or_default().to_vec();
                (status, answer, body)
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_keeps_the_installation_store_contract() {
    let moto = Moto::start().await;
    moto.create_table("installations").await;
    check(&moto.store("installations")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_only_in_the_record_and_a_state_expires_in_seconds() {
    let moto = Moto::start().await;
    moto.create_table("items").await;
    let store = moto.store("items");
    let saved = record("T0ITEMS", "xoxb-items-bot-token");
    store.save(&saved).await.unwrap();
    let key = InstallationKey::Team("T0ITEMS".into());
    assert!(store.lease(&key, 1, 1_000, 61_000).await.unwrap());

    let item = moto.item("items", "installation#team:T0ITEMS").await;
    let item = item.expect("the installation's item");
    assert_eq!(item["version"]["N"], "1");
    assert_eq!(item["lease_until"]["N"], "61000", "epoch ms");
    let mut names: Vec<&String> = item.as_object().unwrap().keys().collect();
    names.sort();
    assert_eq!(names, ["id", "lease_until", "record", "version"]);
    let tokens = [
        saved.bot.token.expose_secret().to_string(),
        "xoxe-1-refresh-T0ITEMS".to_string(),
        "xoxp-user-T0ITEMS".to_string(),
    ];
    let record_json = item["record"]["S"].as_str().unwrap();
    for token in &tokens {
        assert!(
            record_json.contains(token.as_str()),
            "the record holds {token}"
        );
    }
    let mut outside = item.clone();
    outside.as_object_mut().unwrap().remove("record");
    for token in &tokens {
        assert!(!outside.to_string().contains(token.as_str()), "{outside}");
    }

    // Deleted: the item stays as a tombstone with its version, with no record and no token.
    assert!(store.delete(&key).await.unwrap());
    let tombstone = moto.item("items", "installation#team:T0ITEMS").await;
    assert_eq!(
        tombstone.unwrap(),
        json!({"id": {"S": "installation#team:T0ITEMS"}, "version": {"N": "1"}})
    );
    store.save(&saved).await.unwrap();
    assert_eq!(store.find(&key).await.unwrap().unwrap().version, 2);

    // A state: its expiry in ms for the condition, DynamoDB's TTL in seconds (never earlier).
    let expires_at_ms = 1_800_000_600_500;
    store
        .issue_state("hashed-state", expires_at_ms)
        .await
        .unwrap();
    let state = moto.item("items", "state#hashed-state").await.unwrap();
    assert_eq!(state["expires_at_ms"]["N"], expires_at_ms.to_string());
    assert_eq!(state["expiration"]["N"], "1800000601", "epoch seconds");
    // Past its expiry but not yet deleted by TTL: the condition refuses it, and it stays.
    assert!(
        !store
            .spend_state("hashed-state", expires_at_ms)
            .await
            .unwrap()
    );
    assert!(moto.item("items", "state#hashed-state").await.is_some());
    assert!(
        store
            .spend_state("hashed-state", expires_at_ms - 1)
            .await
            .unwrap()
    );
    assert!(moto.item("items", "state#hashed-state").await.is_none());
    assert_eq!(moto.items("items").await.len(), 1, "only the installation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_table_is_named_and_no_token_is_shown() {
    let moto = Moto::start().await;
    let store = moto.store("no-such-installations");
    let saved = record("T0MISSING", "xoxb-missing-table-token");
    let err = store.save(&saved).await.unwrap_err();
    let text = ackbot_core::chain(&err);
    assert!(
        text.contains("the installations table `no-such-installations` does not exist"),
        "{text}"
    );
    let inner = err.0.downcast_ref::<InstallationsError>();
    assert!(
        matches!(inner, Some(InstallationsError::TableNotFound { table }) if table == "no-such-installations"),
        "{err:?}"
    );
    let key = InstallationKey::Team("T0MISSING".into());
    let found = store.find(&key).await.unwrap_err();
    let replaced = store.replace(&key, 1, &saved).await.unwrap_err();
    for err in [err, found, replaced] {
        let shown = format!("{} {err:?}", ackbot_core::chain(&err));
        assert!(shown.contains("no-such-installations"), "{shown}");
        for secret in [
            "xoxb-missing-table-token",
            "xoxe-1-refresh",
            "xoxp-user",
            SECRET_KEY,
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}
