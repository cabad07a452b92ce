//! What both floor workers share: finding the reply in an Envelope's bytes without a parser.

/// Where and what to reply: the host (`127.0.0.1:PORT`), the path and the JSON body.
pub struct Reply {
    /// `host:port` of the stand-in.
    pub host: String,
    /// The request path.
    pub path: String,
    /// The JSON body to post.
    pub body: Vec<u8>,
}

/// The echo reply to the webhook in `envelope` (the Envelope's JSON), for LINE at `line_api`.
pub fn reply(envelope: &[u8], line_api: &str) -> Reply {
    let body = decode_base64(string(envelope, b"\"body\":").expect("an Envelope"));
    if let Some(token) = string(&body, b"\"replyToken\":") {
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
        return Reply {
            host,
            path: "/v2/bot/message/reply".to_string(),
            body: reply,
        };
    }
    let url = percent_decode(field(&body, b"response_url=").expect("a slash command"));
    let text = percent_decode(field(&body, b"text=").expect("a slash command"));
    let url = String::from_utf8(url).expect("a URL");
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    Reply {
        host: host.to_string(),
        path: path.to_string(),
        body: [&b"{\"text\":\""[..], &text, b"\"}"].concat(),
    }
}

/// The value of header `name` among `headers` lines.
pub fn header(headers: &[String], name: &str) -> String {
    headers
        .iter()
        .find_map(|h| {
            let (n, v) = h.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
        .unwrap_or_default()
}

/// The string after `key` (`"name":`) in JSON, without its quotes (no escapes in what is sought).
pub fn string<'a>(json: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
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
