//! The front door (`ACKBOT_ROLE=front`): API Gateway invokes it synchronously through a Lambda
//! proxy integration for function-ack routes. It answers with [`Worker::front`] — the same code as
//! the local edge's — and hands the Envelope, with the gateway's own receive time and request id,
//! to the worker with an asynchronous `Invoke` (`InvocationType: Event`).

use std::collections::HashMap;
use std::time::Duration;

use ackbot_core::adapter::{Envelope, Headers, Page, PageRequest};
use ackbot_core::http::DELIVERY_RESPONSE_CAP;
use ackbot_core::runtime::Worker;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::aws::{AwsClient, AwsError, Call};

/// The fields of API Gateway's REST API proxy event the front door reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct ProxyEvent {
    /// The API resource, e.g. `/slack/events`: the route.
    resource: Option<String>,
    /// The request path, the route's fallback.
    path: Option<String>,
    headers: Option<HashMap<String, String>>,
    /// Every header with its repeats, when the gateway sends them.
    multi_value_headers: Option<HashMap<String, Vec<String>>>,
    body: Option<String>,
    is_base64_encoded: bool,
    request_context: RequestContext,
    /// `GET` for a page (Slack's install link, its OAuth redirect), `POST` for a webhook.
    http_method: Option<String>,
    /// The query, decoded, with its repeats.
    multi_value_query_string_parameters: Option<HashMap<String, Vec<String>>>,
    /// The query, decoded, a value a name.
    query_string_parameters: Option<HashMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RequestContext {
    request_id: String,
    /// When the gateway received the request, in ms: freshness is judged by it.
    request_time_epoch: i64,
    identity: Identity,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Identity {
    source_ip: Option<String>,
}

impl ProxyEvent {
    /// The browser's `GET` of a page, when this event is one.
    pub(crate) fn page_request(&self) -> Option<PageRequest> {
        if !self
            .http_method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("GET"))
        {
            return None;
        }
        let mut request = PageRequest {
            route: (self.resource.clone().or(self.path.clone())).unwrap_or_default(),
            request_id: self.request_context.request_id.clone(),
            ..PageRequest::default()
        };
        match (
            &self.multi_value_query_string_parameters,
            &self.query_string_parameters,
        ) {
            (Some(multi), _) if !multi.is_empty() => {
                for (name, values) in multi {
                    request
                        .query
                        .extend(values.iter().map(|v| (name.clone(), v.clone())));
                }
            }
            (_, Some(single)) => request.query.extend(single.clone()),
            _ => {}
        }
        for (name, value) in self.header_pairs() {
            request.headers.append(name, value);
        }
        Some(request)
    }

    /// Every header with its repeats, from `multiValueHeaders` when the gateway sent them.
    fn header_pairs(&self) -> Vec<(String, String)> {
        match (&self.multi_value_headers, &self.headers) {
            (Some(multi), _) if !multi.is_empty() => (multi.iter())
                .flat_map(|(name, values)| values.iter().map(|v| (name.clone(), v.clone())))
                .collect(),
            (_, Some(single)) => single.clone().into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The Envelope of the request, as the gateway's mapping template would have built it.
    pub(crate) fn into_envelope(self) -> Result<Envelope, base64::DecodeError> {
        let pairs = self.header_pairs();
        let body = self.body.unwrap_or_default();
        let body = if self.is_base64_encoded {
            base64::engine::general_purpose::STANDARD.decode(body.as_bytes())?
        } else {
            body.into_bytes()
        };
        let mut headers = Headers::new();
        for (name, value) in pairs {
            headers.append(name, value);
        }
        let context = self.request_context;
        Ok(Envelope {
            route: self.resource.or(self.path).unwrap_or_default(),
            received_at_ms: context.request_time_epoch,
            request_id: context.request_id,
            source_ip: context.identity.source_ip,
            headers,
            body,
            answered_replies: None,
            replay_of: None,
        })
    }
}

/// Why the Envelope could not be handed to the worker.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HandOnError {
    /// The signed `Invoke` failed: not sent, or refused.
    #[error("the Invoke of the worker failed")]
    Aws(#[from] AwsError),
    /// Lambda answered, but not that it queued the event.
    #[error("Lambda answered {status} to the Invoke of the worker, not 202 (queued)")]
    NotQueued {
        /// The HTTP status.
        status: u16,
    },
}

/// Hands Envelopes to the worker function with `Invoke` (`X-Amz-Invocation-Type: Event`).
pub(crate) struct WorkerInvoker {
    lambda: AwsClient,
    /// `/2015-03-31/functions/<function>/invocations`.
    path: String,
}

impl WorkerInvoker {
    /// The invoker of `ACKBOT_WORKER_FUNCTION` (a name or an ARN) in `AWS_REGION`.
    pub(crate) fn from_env(
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, crate::LambdaError> {
        let missing = crate::LambdaError::FrontDoor;
        let function = env("ACKBOT_WORKER_FUNCTION").ok_or(missing(
            "ACKBOT_ROLE=front needs ACKBOT_WORKER_FUNCTION (the worker's name or ARN)",
        ))?;
        let region = function
            .strip_prefix("arn:")
            .and_then(|arn| arn.split(':').nth(2))
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .or_else(|| env("AWS_REGION"))
            .ok_or(missing("the front door needs AWS_REGION"))?;
        let lambda =
            AwsClient::from_env(&env, "lambda", ("LAMBDA", "lambda"), region).map_err(|e| {
                crate::LambdaError::FrontDoor(match e {
                    AwsError::NoCredentials => "the front door needs Lambda's AWS credentials",
                    _ => "the front door cannot build its Lambda client",
                })
            })?;
        // A name or an ARN is one path segment: its `:` are escaped as the AWS SDKs do.
        let function: String = form_urlencoded::byte_serialize(function.as_bytes()).collect();
        Ok(Self {
            lambda,
            path: format!("/2015-03-31/functions/{function}/invocations"),
        })
    }

    /// Invokes the worker asynchronously with `envelope` within `timeout`; Lambda answers 202 once
    /// it is queued.
    pub(crate) async fn hand_on(
        &self,
        envelope: &Envelope,
        timeout: Duration,
    ) -> Result<(), HandOnError> {
        let response = (self.lambda)
            .post(Call {
                operation: "Invoke",
                path: &self.path,
                headers: &[
                    ("content-type", "application/json"),
                    ("x-amz-invocation-type", "Event"),
                ],
                body: envelope.to_json(),
                timeout,
                cap: DELIVERY_RESPONSE_CAP,
            })
            .await?;
        match response.status.as_u16() {
            202 => Ok(()),
            status => Err(HandOnError::NotQueued { status }),
        }
    }
}

/// How long the front door may take in all, inside Slack's 3 s with room for API Gateway.
const ANSWER_WITHIN: Duration = Duration::from_millis(2_900);
/// The least time the Invoke of the worker gets, however long the handler took.
const MIN_HAND_ON: Duration = Duration::from_millis(250);

/// Answers one proxy event: the front door's answer as API Gateway's proxy response, after the
/// Envelope was handed on. A failed hand-on is an error (API Gateway answers 502, Slack retries
/// Events API deliveries, the function's Errors alarm counts it).
pub(crate) async fn answer(
    worker: &Worker,
    invoker: &WorkerInvoker,
    deadline: Duration,
    event: ProxyEvent,
) -> Result<Value, HandOnError> {
    if let Some(request) = event.page_request() {
        return Ok(match worker.page(&request).await {
            Some(page) => page_response(page),
            None => proxy_response(
                404,
                "text/plain; charset=utf-8",
                &request.request_id,
                "not found\n",
            ),
        });
    }
    let envelope = match event.into_envelope() {
        Ok(envelope) => envelope,
        Err(e) => {
            tracing::warn!(error = %e, "the proxy event's body is not valid base64");
            return Ok(proxy_response(
                400,
                "text/plain; charset=utf-8",
                "",
                "invalid body\n",
            ));
        }
    };
    let started = std::time::Instant::now();
    let request_id = envelope.request_id.clone();
    let answer = worker.front(envelope, deadline).await;
    if let Some(envelope) = &answer.forward {
        // Slack waits 3 s for the whole answer: the Invoke gets what the handler left of it.
        let left = ANSWER_WITHIN.saturating_sub(started.elapsed());
        if let Err(e) = invoker.hand_on(envelope, left.max(MIN_HAND_ON)).await {
            tracing::error!(request_id, error = %ackbot_core::chain(&e), "could not hand the Envelope to the worker");
            return Err(e);
        }
    }
    Ok(proxy_response(
        answer.status,
        answer.content_type,
        &request_id,
        &answer.body_text(),
    ))
}

/// A page as API Gateway's proxy response: its headers in `multiValueHeaders`, where a
/// `Set-Cookie` may repeat.
fn page_response(page: Page) -> Value {
    let mut headers: serde_json::Map<String, Value> = serde_json::Map::new();
    for (name, value) in page.headers {
        let values = headers.entry(name).or_insert_with(|| json!([]));
        if let Some(values) = values.as_array_mut() {
            values.push(Value::String(value));
        }
    }
    json!({
        "statusCode": page.status,
        "multiValueHeaders": headers,
        "body": page.body,
        "isBase64Encoded": false,
    })
}

fn proxy_response(status: u16, content_type: &str, request_id: &str, body: &str) -> Value {
    json!({
        "statusCode": status,
        "headers": {"Content-Type": content_type, "x-ackbot-request-id": request_id},
        "body": body,
        "isBase64Encoded": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_event_becomes_the_envelope_of_the_exact_request() {
        let event: ProxyEvent = serde_json::from_value(json!({
            "resource": "/slack/events", "path": "/slack/events", "httpMethod": "POST",
            "headers": {"Content-Type": "application/json", "X-Slack-Signature": "v0=1"},
            "multiValueHeaders": {"Content-Type": ["application/json"], "X-Slack-Signature": ["v0=1"]},
            "body": "{\"type\":\"url_verification\",\"challenge\":\"c\"}",
            "isBase64Encoded": false,
            "requestContext": {"requestId": "req-1", "requestTimeEpoch": 1_531_420_618_123_i64,
                "identity": {"sourceIp": "203.0.113.9"}}
        }))
        .unwrap();
        let envelope = event.into_envelope().unwrap();
        assert_eq!(envelope.route, "/slack/events");
        assert_eq!(envelope.received_at_ms, 1_531_420_618_123);
        assert_eq!(envelope.request_id, "req-1");
        assert_eq!(envelope.source_ip.as_deref(), Some("203.0.113.9"));
        assert_eq!(envelope.headers.get("x-slack-signature"), Some("v0=1"));
        assert_eq!(
            envelope.body,
            b"{\"type\":\"url_verification\",\"challenge\":\"c\"}"
        );
    }

    #[test]
    fn a_get_is_a_page_request_with_its_query_and_cookies() {
        let event: ProxyEvent = serde_json::from_value(json!({
            "resource": "/slack/oauth_redirect", "path": "/slack/oauth_redirect", "httpMethod": "GET",
            "multiValueHeaders": {"Cookie": ["a=1; ackbot-slack-oauth-state=s1"]},
            "queryStringParameters": {"code": "c+1", "state": "s1"},
            "multiValueQueryStringParameters": {"code": ["c+1"], "state": ["s1"]},
            "requestContext": {"requestId": "req-2"}
        }))
        .unwrap();
        let request = event.page_request().unwrap();
        assert_eq!(request.route, "/slack/oauth_redirect");
        assert_eq!(
            (request.param("code"), request.param("state")),
            (Some("c+1"), Some("s1"))
        );
        assert_eq!(request.cookie("ackbot-slack-oauth-state"), Some("s1"));
        assert_eq!(request.request_id, "req-2");
        let post: ProxyEvent = serde_json::from_value(json!({"httpMethod": "POST"})).unwrap();
        assert!(post.page_request().is_none());
        let page = Page {
            status: 302,
            headers: vec![
                ("location".into(), "https://x".into()),
                ("set-cookie".into(), "a=1".into()),
                ("set-cookie".into(), "b=2".into()),
            ],
            body: "moved".into(),
        };
        let answer = page_response(page);
        assert_eq!(answer["statusCode"], 302);
        assert_eq!(
            answer["multiValueHeaders"]["set-cookie"],
            json!(["a=1", "b=2"])
        );
    }

    #[test]
    fn a_base64_body_is_decoded_to_its_bytes() {
        let event: ProxyEvent = serde_json::from_value(json!({
            "resource": "/line/webhook", "body": "/w==", "isBase64Encoded": true
        }))
        .unwrap();
        assert_eq!(event.into_envelope().unwrap().body, vec![0xff]);
        let bad: ProxyEvent =
            serde_json::from_value(json!({"body": "!!", "isBase64Encoded": true})).unwrap();
        assert!(bad.into_envelope().is_err());
    }

    #[test]
    fn the_invoke_url_escapes_an_arn() {
        let env = |name: &str| {
            match name {
                "ACKBOT_WORKER_FUNCTION" => {
                    Some("arn:aws:lambda:eu-west-1:123456789012:function:w")
                }
                "AWS_ACCESS_KEY_ID" => Some("AKID"),
                "AWS_SECRET_ACCESS_KEY" => Some("secret"),
                _ => None,
            }
            .map(str::to_string)
        };
        let invoker = WorkerInvoker::from_env(env).unwrap();
        assert_eq!(
            format!("{}{}", invoker.lambda.endpoint(), invoker.path),
            "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/\
             arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Aw/invocations"
        );
    }
}
