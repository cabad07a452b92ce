//! The claim with aws-sdk-dynamodb: the client is built at init, one conditional PutItem an event.

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = aws_config::load_from_env().await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let table = std::env::var("TABLE")?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let (client, table) = (client.clone(), table.clone());
        async move {
            let key = event.payload["key"].as_str().unwrap_or("k").to_string();
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_millis() as i64;
            let n = |v: i64| AttributeValue::N(v.to_string());
            let put = client
                .put_item()
                .table_name(table)
                .item("id", AttributeValue::S(key))
                .item("status", AttributeValue::S("INPROGRESS".into()))
                .item("in_progress_expiration", n(now_ms + 120_000))
                .item("expiration", n(now_ms / 1000 + 86_400))
                .condition_expression(
                    "attribute_not_exists(#id) OR #expiration < :now_s \
                     OR (#status = :in_progress AND #in_progress_expiration < :now_ms)",
                )
                .expression_attribute_names("#id", "id")
                .expression_attribute_names("#expiration", "expiration")
                .expression_attribute_names("#status", "status")
                .expression_attribute_names("#in_progress_expiration", "in_progress_expiration")
                .expression_attribute_values(":now_s", n(now_ms / 1000))
                .expression_attribute_values(":now_ms", n(now_ms))
                .expression_attribute_values(":in_progress", AttributeValue::S("INPROGRESS".into()))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .send()
                .await;
            match put {
                Ok(_) => Ok::<Value, Error>(json!({"claimed": true})),
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) =>
                {
                    Ok(json!({"claimed": false}))
                }
                Err(e) => Err(e.into()),
            }
        }
    }))
    .await
}
