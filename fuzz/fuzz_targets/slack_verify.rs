//! `ackbot_slack::verify` with arbitrary secret, headers, body and clock: never a panic, and a
//! request signed with a usable secret and received within 300 s verifies.
#![no_main]

use ackbot_core::adapter::Headers;
use ackbot_core::SecretString;
use ackbot_slack::{sign, verify, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    secret: String,
    headers: Vec<(Name, String)>,
    body: Vec<u8>,
    now: i64,
    /// Sign the body at this time, received `skew` seconds later.
    signed: Option<(i64, i16)>,
}

/// Header names: mostly the two that matter, in odd case, sometimes anything.
#[derive(Arbitrary, Debug)]
enum Name {
    Signature,
    Timestamp,
    SignatureUpper,
    TimestampUpper,
    Other(String),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Signature => SIGNATURE_HEADER.into(),
            Name::Timestamp => TIMESTAMP_HEADER.into(),
            Name::SignatureUpper => SIGNATURE_HEADER.to_ascii_uppercase(),
            Name::TimestampUpper => TIMESTAMP_HEADER.to_ascii_lowercase(),
            Name::Other(name) => name.clone(),
        }
    }
}

fuzz_target!(|input: Input| {
    let secret = SecretString::from(input.secret.clone());
    let mut headers = Headers::new();
    let mut now = input.now;
    if let Some((at, skew)) = input.signed {
        headers.append(TIMESTAMP_HEADER, at.to_string());
        headers.append(SIGNATURE_HEADER, sign(&secret, at, &input.body));
        now = at.saturating_add(i64::from(skew));
    }
    for (name, value) in &input.headers {
        headers.append(name.text(), value.clone());
    }
    let result = verify(&secret, &headers, &input.body, now);
    if let Some((at, skew)) = input.signed {
        let fresh = now.abs_diff(at) <= 300 && at.checked_add(i64::from(skew)).is_some();
        if fresh && !input.secret.trim().is_empty() {
            assert_eq!(result, Ok(()), "a fresh, signed request must verify");
        }
    }
});
