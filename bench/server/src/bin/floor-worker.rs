//! `floor-worker`: the least a Lambda function can do for one of `make bench`'s events, as the
//! yardstick of the cold and warm figures (`bench/compare/run.py`, implementation `floor`).
//!
//! Blocking `std` sockets, no runtime, no TLS, no logging, no signature check, no JSON or form
//! parser: it fetches the next event from the Runtime API, finds the reply target and the text by
//! searching the bytes, posts the echo to the stand-in, and posts the response. What is left is
//! what this machine and the Python doubles cost: exec, dynamic loading, and three HTTP exchanges
//! over loopback. No framework can go below it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

#[path = "../floor.rs"]
mod floor;

fn main() {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API").expect("AWS_LAMBDA_RUNTIME_API is not set");
    let line_api = std::env::var("LINE_API_URL").unwrap_or_default();
    let mut runtime = Connection::open(&api);
    let mut others: Vec<(String, Connection)> = Vec::new();
    loop {
        let (headers, event) = runtime.exchange("GET", "/2018-06-01/runtime/invocation/next", b"");
        let request_id = floor::header(&headers, "lambda-runtime-aws-request-id");
        let reply = floor::reply(&event, &line_api);
        let index = match others.iter().position(|(h, _)| *h == reply.host) {
            Some(index) => index,
            None => {
                others.push((reply.host.clone(), Connection::open(&reply.host)));
                others.len() - 1
            }
        };
        others[index].1.exchange("POST", &reply.path, &reply.body);
        let done = format!("/2018-06-01/runtime/invocation/{request_id}/response");
        runtime.exchange("POST", &done, b"{}");
    }
}

/// One kept-alive HTTP/1.1 connection.
struct Connection {
    host: String,
    reader: BufReader<TcpStream>,
}

impl Connection {
    fn open(host: &str) -> Self {
        let stream = TcpStream::connect(host).expect("the double listens");
        stream.set_nodelay(true).expect("TCP_NODELAY");
        Self {
            host: host.to_string(),
            reader: BufReader::new(stream),
        }
    }

    /// Sends one request and reads the answer: its header lines and its body.
    fn exchange(&mut self, method: &str, path: &str, body: &[u8]) -> (Vec<String>, Vec<u8>) {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            self.host,
            body.len()
        );
        let stream = self.reader.get_mut();
        stream
            .write_all(&[head.as_bytes(), body].concat())
            .expect("write");
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("read");
            let line = line.trim_end().to_string();
            if line.is_empty() {
                break;
            }
            headers.push(line);
        }
        let length: usize = floor::header(&headers, "content-length")
            .parse()
            .unwrap_or(0);
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("read the body");
        (headers, body)
    }
}
