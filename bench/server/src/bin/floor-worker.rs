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

fn main() {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API").expect("AWS_LAMBDA_RUNTIME_API is not set");
    let line_api = std::env::var("LINE_API_URL").unwrap_or_default();
    let mut runtime = Connection::open(&api);
    let mut others: Vec<(String, Connection)> = Vec::new();
    loop {
        let (headers, event) = runtime.exchange("GET", "/2018-06-01/runtime/invocation/next", b"");
        let request_id = header(&headers, "lambda-runtime-aws-request-id");
        let body = decode_base64(string(&event, b"\"body\":").expect("an Envelope"));
        let (host, path, reply) = if let Some(token) = string(&body, b"\"replyToken\":") {
            let text = string(&body, b"\"text\":").expect("a text message");
            let text = text.strip_prefix(b"echo ").unwrap_or(text);
            let reply = [
                &b"{\"replyToken\":\""[..],
                token,
                b"\",\"messages\":[{\"type\":\"text\",\"text\":\"",
                text,
                b"\"}]}",
            ]
            .concat();
            let host = line_api.trim_start_matches("http://").to_string();
            (host, "/v2/bot/message/reply".to_string(), reply)
        } else {
            let url = percent_decode(field(&body, b"response_url=").expect("a slash command"));
            let text = percent_decode(field(&body, b"text=").expect("a slash command"));
            let url = String::from_utf8(url).expect("a URL");
            let rest = url.trim_start_matches("http://");
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let reply = [&b"{\"text\":\""[..], &text, b"\"}"].concat();
            (host.to_string(), path.to_string(), reply)
        };
        let index = match others.iter().position(|(h, _)| *h == host) {
            Some(index) => index,
            None => {
                others.push((host.clone(), Connection::open(&host)));
                others.len() - 1
            }
        };
        others[index].1.exchange("POST", &path, &reply);
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
        let length: usize = header(&headers, "content-length").parse().unwrap_or(0);
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("read the body");
        (headers, body)
    }
}

fn header(headers: &[String], name: &str) -> String {
    headers
        .iter()
        .find_map(|h| {
            let (n, v) = h.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// The string after `key` (`"name":`) in JSON, without its quotes (no escapes in what is sought).
fn string<'a>(json: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut from = find(json, key)? + key.len();
    while json.get(from)?.is_ascii_whitespace() {
        from += 1;
    }
    if json[from] != b'"' {
        return None;
    }
    let to = from + 1 + find(&json[from + 1..], b"\"")?;
    Some(&json[from + 1..to])
}

/// The value of `name=` in a form body, up to the next `&`.
fn field<'a>(form: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(at) = find(&form[from..], name) {
        let at = from + at;
        if at == 0 || form[at - 1] == b'&' {
            let value = &form[at + name.len()..];
            return Some(&value[..value.iter().position(|&b| b == b'&').unwrap_or(value.len())]);
        }
        from = at + 1;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn percent_decode(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b'%' if i + 2 < value.len() => {
                let hex = std::str::from_utf8(&value[i + 1..i + 3]).unwrap_or("3f");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn decode_base64(text: &[u8]) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.split(|&c| c == b'=').next().unwrap_or(b"").chunks(4) {
        let mut n = 0u32;
        for (k, &c) in chunk.iter().enumerate() {
            n |= u32::from(value(c)) << (18 - 6 * k);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len().max(1)]);
    }
    out
}
