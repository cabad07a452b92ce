//! `ackbot-bench-server ADDR`: answers every request `200` with `{}` on HTTP/1.1 keep-alive, and
//! counts the POSTs. `GET /count` answers the count so far.
//!
//! Two uses in `make bench`: the bare hyper server beside which the local edge's acks/s are
//! measured (the least an HTTP server on this machine can do per request), and the sink the
//! pipeline replies to (Slack's `response_url`, LINE's reply API) that counts events replied to.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into())
        .parse()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let listener = TcpListener::bind(addr).await?;
    // The driver reads the port from the first line.
    println!("listening on {}", listener.local_addr()?);
    let posts = Arc::new(AtomicU64::new(0));
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let posts = Arc::clone(&posts);
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let posts = Arc::clone(&posts);
                async move { Ok::<_, Infallible>(answer(&request, &posts)) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// `200 {}` to everything (the body is not read: hyper discards it), the count to `GET /count`.
fn answer(request: &Request<Incoming>, posts: &AtomicU64) -> Response<Full<Bytes>> {
    let body = if request.method() == Method::GET && request.uri().path() == "/count" {
        posts.load(Ordering::Relaxed).to_string()
    } else {
        if request.method() == Method::POST {
            posts.fetch_add(1, Ordering::Relaxed);
        }
        "{}".to_string()
    };
    Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a static response is valid")
}
