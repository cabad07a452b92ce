//! `floor-async`: the floor-worker's no-work echo on the Rust stack most Lambda functions use —
//! `lambda_runtime` on a current-thread tokio runtime, the reply through `reqwest` (rustls) — as the
//! yardstick between the floor-worker (no framework at all) and ackbot (`bench/compare/run.py`,
//! implementation `floor-async`). No signature check, no parser, no logging, no retries.

use lambda_runtime::{LambdaEvent, service_fn};

#[path = "../floor.rs"]
#[allow(dead_code)] // `header` is the blocking worker's
mod floor;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    let line_api = std::env::var("LINE_API_URL").unwrap_or_default();
    let client = reqwest::Client::new();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let (client, line_api) = (client.clone(), line_api.clone());
        async move {
            let body = event.payload["body"].as_str().unwrap_or_default();
            let reply = floor::reply(format!("{{\"body\":\"{body}\"}}").as_bytes(), &line_api);
            client
                .post(format!("http://{}{}", reply.host, reply.path))
                .header("content-type", "application/json")
                .body(reply.body)
                .send()
                .await?
                .error_for_status()?;
            Ok::<_, lambda_runtime::Error>(serde_json::json!({}))
        }
    }))
    .await
}
