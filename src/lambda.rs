//! The Lambda worker: Envelopes from API Gateway's mapping template, processed by the same
//! worker as the local edge.

use bot_core::{Envelope, Router};
use lambda_runtime::{service_fn, LambdaEvent};

use crate::config::Config;
use crate::Error;

/// Runs the worker on `lambda_runtime` until the runtime stops it.
pub async fn run(router: Router) -> Result<(), Error> {
    let config = Config::from_env()?;
    crate::logging::init(config.log_format, "info");
    let worker = crate::bot::worker(router, &config)?;
    let handler = service_fn(move |event: LambdaEvent<Envelope>| {
        let worker = worker.clone();
        async move {
            let report = worker.process(event.payload).await;
            match report.status {
                // Retrying could succeed: fail the invocation so Lambda retries, then the DLQ.
                bot_core::Status::Failed(reason) => Err(reason),
                _ => {
                    Ok(serde_json::json!({ "handled": report.handled, "replied": report.replied }))
                }
            }
        }
    });
    lambda_runtime::run(handler)
        .await
        .map_err(|e| Error::Lambda(e.to_string()))
}
