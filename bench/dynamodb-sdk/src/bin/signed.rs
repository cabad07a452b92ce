//! The claim as ackbot makes it: one SigV4-signed POST of DynamoDB's JSON API over reqwest.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let region = env("AWS_REGION").ok_or("AWS_REGION")?;
    let url = env("AWS_ENDPOINT_URL_DYNAMODB")
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .unwrap_or_else(|| format!("https://dynamodb.{region}.amazonaws.com"));
    let url = format!("{}/", url.trim_end_matches('/'));
    let identity: Identity = Credentials::new(
        env("AWS_ACCESS_KEY_ID").ok_or("AWS_ACCESS_KEY_ID")?,
        env("AWS_SECRET_ACCESS_KEY").ok_or("AWS_SECRET_ACCESS_KEY")?,
        env("AWS_SESSION_TOKEN"),
        None,
        "lambda-environment",
    )
    .into();
    let http = reqwest::Client::new();
    let table = env("TABLE").ok_or("TABLE")?;
    let (url, region, identity, table) = (&url, &region, &identity, &table);
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let http = http.clone();
        async move {
            let key = event.payload["key"].as_str().unwrap_or("k").to_string();
            let now_ms = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)?
                .as_millis() as i64;
            let n = |v: i64| json!({"N": v.to_string()});
            let body = json!({
                "TableName": table,
                "Item": {
                    "id": {"S": key},
                    "status": {"S": "INPROGRESS"},
                    "in_progress_expiration": n(now_ms + 120_000),
                    "expiration": n(now_ms / 1000 + 86_400),
                },
                "ConditionExpression": "attribute_not_exists(#id) OR #expiration < :now_s \
                    OR (#status = :in_progress AND #in_progress_expiration < :now_ms)",
                "ExpressionAttributeNames": {"#id": "id", "#expiration": "expiration",
                    "#status": "status", "#in_progress_expiration": "in_progress_expiration"},
                "ExpressionAttributeValues": {":now_s": n(now_ms / 1000), ":now_ms": n(now_ms),
                    ":in_progress": {"S": "INPROGRESS"}},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            })
            .to_string();
            let headers = [
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", "DynamoDB_20120810.PutItem"),
            ];
            let params = v4::SigningParams::builder()
                .identity(identity)
                .region(region)
                .name("dynamodb")
                .time(SystemTime::now())
                .settings(SigningSettings::default())
                .build()?
                .into();
            let signable = SignableRequest::new(
                "POST",
                url,
                headers.iter().copied(),
                SignableBody::Bytes(body.as_bytes()),
            )?;
            let (instructions, _) = sign(signable, &params)?.into_parts();
            let mut request = http.post(url.as_str());
            for (name, value) in headers.iter().copied().chain(instructions.headers()) {
                request = request.header(name, value);
            }
            let response = request.body(body).send().await?;
            let status = response.status();
            let answer: Value = response.json().await.unwrap_or_default();
            match answer["__type"].as_str() {
                _ if status.is_success() => Ok::<Value, Error>(json!({"claimed": true})),
                Some(t) if t.ends_with("ConditionalCheckFailedException") => {
                    Ok(json!({"claimed": false}))
                }
                _ => Err(format!("DynamoDB answered {status}: {answer}").into()),
            }
        }
    }))
    .await
}
