//! `ackbot_line::verify` with arbitrary channel secrets, headers and body: never a panic, and a body
//! signed with any one configured secret verifies.
#![no_main]

use ackbot_core::adapter::Headers;
use ackbot_core::SecretString;
use ackbot_line::{sign, verify, SIGNATURE_HEADER};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    secrets: Vec<String>,
    headers: Vec<(Option<String>, String)>,
    body: Vec<u8>,
    /// Sign the body with the configured secret at this index.
    signed_with: Option<u8>,
}

fuzz_target!(|input: Input| {
    let secrets: Vec<SecretString> = input
        .secrets
        .iter()
        .cloned()
        .map(SecretString::from)
        .collect();
    let mut headers = Headers::new();
    let signer = input
        .signed_with
        .filter(|_| !input.secrets.is_empty())
        .map(|i| usize::from(i) % input.secrets.len());
    if let Some(i) = signer {
        headers.append("X-Line-Signature", sign(&secrets[i], &input.body));
    }
    for (name, value) in &input.headers {
        let name = name.clone().unwrap_or_else(|| SIGNATURE_HEADER.to_string());
        headers.append(name, value.clone());
    }
    let result = verify(&secrets, &headers, &input.body);
    if let Some(i) = signer {
        if !input.secrets[i].trim().is_empty() {
            assert_eq!(result, Ok(()), "signed with a configured secret");
        }
    }
});
