//! A stand-in of the Lambda API's `Invoke`, as the front door calls it to hand an Envelope on.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::json;

/// One `Invoke` the Lambda API stand-in received.
#[derive(Clone, Debug)]
pub struct Invoke {
    pub function: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A stand-in of the Lambda API's `Invoke`: records each call and answers `status`.
pub struct LambdaApi {
    pub url: String,
    invokes: Arc<Mutex<Vec<Invoke>>>,
}

impl LambdaApi {
    pub async fn start(status: u16) -> LambdaApi {
        let invokes: Arc<Mutex<Vec<Invoke>>> = Arc::default();
        let app = axum::Router::new()
            .route(
                "/2015-03-31/functions/{function}/invocations",
                post(
                    move |State(seen): State<Arc<Mutex<Vec<Invoke>>>>,
                          Path(function): Path<String>,
                          headers: HeaderMap,
                          body: axum::body::Bytes| async move {
                        seen.lock().unwrap().push(Invoke {
                            function,
                            headers,
                            body: body.to_vec(),
                        });
                        let status = StatusCode::from_u16(status).unwrap();
                        let answer = if status == StatusCode::ACCEPTED {
                            String::new()
                        } else {
                            json!({"Type": "User", "message": "Function not found: arn:aws:lambda:us-east-1:123456789012:function:ackbot-worker"}).to_string()
                        };
                        (status, answer)
                    },
                ),
            )
            .with_state(invokes.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        LambdaApi { url, invokes }
    }

    pub fn invokes(&self) -> Vec<Invoke> {
        self.invokes.lock().unwrap().clone()
    }
}
