//! The `x-line-signature` check: base64(HMAC-SHA256(channel secret, raw body)).

use ackbot_core::adapter::{Headers, is_blank};
use ackbot_core::{ExposeSecret, SecretString};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::VerifyError;

/// The header LINE signs webhooks with (compared case-insensitively).
pub const SIGNATURE_HEADER: &str = "x-line-signature";

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &SecretString, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes keys of any size");
    mac.update(body);
    mac
}

/// The `x-line-signature` of `body` under `secret`: base64 of its HMAC-SHA256.
pub fn sign(secret: &SecretString, body: &[u8]) -> String {
    STANDARD.encode(mac(secret, body).finalize().into_bytes())
}

/// Checks the `x-line-signature` header against the raw `body`; passes if any secret matches.
pub fn verify(secrets: &[SecretString], headers: &Headers, body: &[u8]) -> Result<(), VerifyError> {
    if secrets.iter().all(is_blank) {
        return Err(VerifyError::NoSecret);
    }
    if headers.count(SIGNATURE_HEADER) > 1 {
        return Err(VerifyError::RepeatedSignature);
    }
    let header = headers
        .get(SIGNATURE_HEADER)
        .ok_or(VerifyError::MissingSignature)?;
    let signature = STANDARD
        .decode(header.trim())
        .map_err(|_| VerifyError::MalformedSignature)?;
    if signature.len() != 32 {
        return Err(VerifyError::MalformedSignature);
    }
    // Check every secret (constant time each) so timing does not tell which one matched.
    let matched = secrets
        .iter()
        .filter(|s| !is_blank(s))
        .fold(false, |ok, s| {
            mac(s, body).verify_slice(&signature).is_ok() | ok
        });
    if matched {
        Ok(())
    } else {
        Err(VerifyError::Mismatch)
    }
}
