//! Discord's interaction signature: Ed25519 by the application's key over
//! `X-Signature-Timestamp` followed by the raw body, hex in `X-Signature-Ed25519`.

use ackbot_core::adapter::Headers;
use ed25519_dalek::{Signature, VerifyingKey};

use crate::{ConfigError, VerifyError};

/// The header that carries the signature (128 hex digits).
pub const SIGNATURE_HEADER: &str = "X-Signature-Ed25519";
/// The header that carries the Unix time in seconds the signature covers.
pub const TIMESTAMP_HEADER: &str = "X-Signature-Timestamp";
/// How far (in seconds, either way) a signed timestamp may be from the receive time: five
/// minutes, as Slack's. Discord answers within seconds; an older signed body is a replay.
pub const MAX_SKEW_SECS: u64 = 300;

/// An application's public key, read from its hex form (the Developer Portal's "Public Key").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses 64 hex digits into a public key; says what is wrong, never echoing the value.
    pub fn from_hex(hex_key: &str) -> Result<Self, ConfigError> {
        let hex_key = hex_key.trim();
        if hex_key.is_empty() {
            return Err(ConfigError::BadPublicKey { reason: "empty" });
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_key, &mut bytes).map_err(|_| ConfigError::BadPublicKey {
            reason: "not 64 hex digits",
        })?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| ConfigError::BadPublicKey {
                reason: "not a point of Ed25519",
            })
    }

    /// The key as 64 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }
}

/// Checks an interaction's signature headers against its raw `body` under `key`, judging
/// freshness against `now_secs` (the receive time, not the worker's clock). The check is
/// `ed25519-dalek`'s strict verification (no malleable or small-order signatures).
pub fn verify(
    key: &PublicKey,
    headers: &Headers,
    body: &[u8],
    now_secs: i64,
) -> Result<(), VerifyError> {
    for name in [TIMESTAMP_HEADER, SIGNATURE_HEADER] {
        if headers.count(name) > 1 {
            return Err(VerifyError::RepeatedHeader(name));
        }
    }
    let timestamp = (headers.get(TIMESTAMP_HEADER)).ok_or(VerifyError::MissingTimestamp)?;
    let signature = (headers.get(SIGNATURE_HEADER)).ok_or(VerifyError::MissingSignature)?;
    let mut bytes = [0u8; 64];
    hex::decode_to_slice(signature.trim(), &mut bytes)
        .map_err(|_| VerifyError::MalformedSignature)?;
    let signature = Signature::from_bytes(&bytes);
    // The header as sent is what was signed; its number only judges freshness.
    let mut message = Vec::with_capacity(timestamp.len() + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(body);
    key.0
        .verify_strict(&message, &signature)
        .map_err(|_| VerifyError::Mismatch)?;
    // Freshness after the signature: an unsigned request learns nothing from the answer.
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::BadTimestamp)?;
    let skew_secs = now_secs.saturating_sub(ts);
    if skew_secs.unsigned_abs() > MAX_SKEW_SECS {
        return Err(VerifyError::Stale { skew_secs });
    }
    Ok(())
}

/// Signing, for tests, the demo and `ackbot send discord`: a request as Discord signs it.
#[cfg(feature = "test-util")]
pub mod signing {
    use ed25519_dalek::{Signer, SigningKey};

    use super::PublicKey;

    /// A key pair for signing interactions in tests: its secret is the 32-byte seed.
    pub struct KeyPair(SigningKey);

    impl KeyPair {
        /// The key pair of a 32-byte seed.
        pub fn from_seed(seed: [u8; 32]) -> Self {
            KeyPair(SigningKey::from_bytes(&seed))
        }

        /// Its public key.
        pub fn public(&self) -> PublicKey {
            PublicKey(self.0.verifying_key())
        }

        /// The `X-Signature-Ed25519` of `body` sent at `timestamp`: 128 hex digits.
        pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
            let mut message = timestamp.as_bytes().to_vec();
            message.extend_from_slice(body);
            hex::encode(self.0.sign(&message).to_bytes())
        }
    }
}
