//! moto's DynamoDB server for the tests that need a real table (`MOTO_SERVER`, else the one
//! `make test` installs in `.venv-moto/`), behind a proxy that hands it one request at a time,
//! and DynamoDB's JSON API signed as AWS signs it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Value, json};

pub const REGION: &str = "us-east-1";
pub const ACCESS_KEY: &str = "AKIDMOTOTEST";
pub const SECRET_KEY: &str = "moto-test-secret-key";

/// moto's server, killed on drop, behind a proxy that hands it one request at a time.
pub struct Moto {
    child: Child,
    log: PathBuf,
    /// The proxy's URL: what the workers and the store call.
    pub url: String,
}

impl Moto {
    pub async fn start() -> Moto {
        let program = moto_server();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::env::temp_dir().join(format!("ackbot-moto-{port}.log"));
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
                panic!("moto_server exited with {status}: {}", moto.log_text());
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer within 30 s: {}",
                moto.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        moto.url = serialize(direct).await;
        moto
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Creates `table` as the stack does: partition key `id` (S), on demand, TTL on `expiration`.
    pub async fn create_table(&self, table: &str) {
        let created = dynamo(
            &self.url,
            "CreateTable",
            json!({
                "TableName": table,
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
            }),
        )
        .await;
        assert_eq!(created.0, 200, "CreateTable: {}", created.1);
        let ttl = dynamo(
            &self.url,
            "UpdateTimeToLive",
            json!({
                "TableName": table,
                "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expiration"},
            }),
        )
        .await;
        assert_eq!(ttl.0, 200, "UpdateTimeToLive: {}", ttl.1);
    }

    /// The item of `key`, read consistently.
    pub async fn item(&self, table: &str, key: &str) -> Option<Value> {
        let (status, answer) = dynamo(
            &self.url,
            "GetItem",
            json!({"TableName": table, "Key": {"id": {"S": key}}, "ConsistentRead": true}),
        )
        .await;
        assert_eq!(status, 200, "GetItem: {answer}");
        answer.get("Item").cloned()
    }

    /// Every item of `table`.
    pub async fn items(&self, table: &str) -> Vec<Value> {
        let (status, answer) = dynamo(&self.url, "Scan", json!({"TableName": table})).await;
        assert_eq!(status, 200, "Scan: {answer}");
        answer["Items"].as_array().cloned().unwrap_or_default()
    }

    /// What a store or a worker needs to reach the table.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_REGION", REGION.into()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.into()),
            ("AWS_SESSION_TOKEN", "moto-test-session".into()),
            ("AWS_ENDPOINT_URL_DYNAMODB", self.url.clone()),
        ]
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
pub fn moto_server() -> PathBuf {
    let path = std::env::var_os("MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/moto_server")
        });
    assert!(
        path.is_file(),
        "no moto_server at {}: these tests run against a real DynamoDB-compatible server. Run \
         `make test` (or `make .venv-moto/.installed`, which pip-installs moto[server] into \
         .venv-moto/, then `make rust-test`), or point MOTO_SERVER at a moto_server command",
        path.display()
    );
    path
}

/// A proxy in front of moto that forwards one request at a time. moto serves each request on a
/// thread of its own and checks a put's condition and writes its item in separate steps
/// (moto/dynamodb/models/table.py), so about 1 in 100 pairs of simultaneous conditional puts
/// both succeed there; DynamoDB applies a conditional write to an item atomically. Serialized,
/// moto behaves as DynamoDB does for the races these tests stage.
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

/// One SigV4-signed call of DynamoDB's JSON API: its status and answer.
pub async fn dynamo(url: &str, operation: &str, request: Value) -> (u16, Value) {
    let url = format!("{url}/");
    let body = request.to_string();
    let target = format!("DynamoDB_20120810.{operation}");
    let headers = [
        ("content-type", "application/x-amz-json-1.0"),
        ("x-amz-target", target.as_str()),
    ];
    let identity: Identity = Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test").into();
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
