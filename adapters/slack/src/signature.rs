//! Slack's request signature: `v0=` + hex(HMAC-SHA256(secret, `v0:{timestamp}:{body}`)).

use ackbot_core::adapter::{Headers, is_blank};
use ackbot_core::{ExposeSecret, SecretString};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::VerifyError;

/// The header that carries the signature, e.g. `v0=a2114d…`.
pub const SIGNATURE_HEADER: &str = "X-Slack-Signature";
/// The header that carries the request's Unix time in seconds.
pub const TIMESTAMP_HEADER: &str = "X-Slack-Request-Timestamp";
/// How far (in seconds, either way) a request's timestamp may be from the receive time.
pub const MAX_SKEW_SECS: u64 = 300;

const VERSION_PREFIX: &str = "v0=";

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &SecretString, timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

/// Signs `body` as Slack does: `v0=` followed by the hex HMAC-SHA256 of `v0:{timestamp}:{body}`.
pub fn sign(secret: &SecretString, timestamp: i64, body: &[u8]) -> String {
    let digest = mac(secret, &timestamp.to_string(), body)
        .finalize()
        .into_bytes();
    format!("{VERSION_PREFIX}{}", hex::encode(digest))
}

/// Checks a request's signature headers against its raw `body`, judging freshness against
/// `now_secs` (the receive time, not the worker's clock).
pub fn verify(
    secret: &SecretString,
    headers: &Headers,
    body: &[u8],
    now_secs: i64,
) -> Result<(), VerifyError> {
    if is_blank(secret) {
        return Err(VerifyError::EmptySecret);
    }
    for name in [TIMESTAMP_HEADER, SIGNATURE_HEADER] {
        if headers.count(name) > 1 {
            return Err(VerifyError::RepeatedHeader(name));
        }
    }
    let timestamp = headers
        .get(TIMESTAMP_HEADER)
        .ok_or(VerifyError::MissingTimestamp)?;
    let signature = headers
        .get(SIGNATURE_HEADER)
        .ok_or(VerifyError::MissingSignature)?;
    let ts: i64 = timestamp.parse().map_err(|_| VerifyError::BadTimestamp)?;
    // Both directions: a timestamp from the future is as suspect as an old one.
    let skew_secs = now_secs.saturating_sub(ts);
    if skew_secs.unsigned_abs() > MAX_SKEW_SECS {
        return Err(VerifyError::Stale { skew_secs });
    }
    let given = signature
        .strip_prefix(VERSION_PREFIX)
        .ok_or(VerifyError::UnsupportedVersion)?;
    // Compared as bytes, in constant time; hex that does not decode can match nothing.
    let given = hex::decode(given).map_err(|_| VerifyError::Mismatch)?;
    // The header value as sent is what was signed, so sign the timestamp text, not `ts`.
    mac(secret, timestamp, body)
        .verify_slice(&given)
        .map_err(|_| VerifyError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: i64 = 1_531_420_618;
    const BODY: &str = include_str!("../tests/data/slash_command.txt");
    const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn headers(ts: &str, signature: &str) -> Headers {
        [
            ("x-slack-request-timestamp", ts),
            ("X-SLACK-SIGNATURE", signature),
        ]
        .into_iter()
        .collect()
    }

    fn check(headers: &Headers, body: &[u8], now: i64) -> Result<(), VerifyError> {
        verify(&SecretString::from(SECRET), headers, body, now)
    }

    #[test]
    fn official_vector_signs_and_verifies() {
        assert_eq!(BODY.len(), 362);
        assert_eq!(
            sign(&SecretString::from(SECRET), TS, BODY.as_bytes()),
            SIGNATURE
        );
        let h = headers("1531420618", SIGNATURE);
        assert_eq!(check(&h, BODY.as_bytes(), TS), Ok(()));
    }

    #[test]
    fn second_vector_signs_and_verifies() {
        let secret = SecretString::from("fa2c05deeef5a4077494e89f54394de0");
        let expected = "v0=baa91ef62d346e56607bbdd278a8acd570b91226854f15a382f43d33be42f666";
        assert_eq!(sign(&secret, TS, b"test-body"), expected);
        let h = headers("1531420618", expected);
        assert_eq!(verify(&secret, &h, b"test-body", TS + 10), Ok(()));
    }

    #[test]
    fn missing_headers_are_named() {
        let only_sig: Headers = [(SIGNATURE_HEADER, SIGNATURE)].into_iter().collect();
        let only_ts: Headers = [(TIMESTAMP_HEADER, "1531420618")].into_iter().collect();
        let body = BODY.as_bytes();
        assert_eq!(
            check(&only_sig, body, TS),
            Err(VerifyError::MissingTimestamp)
        );
        assert_eq!(
            check(&only_ts, body, TS),
            Err(VerifyError::MissingSignature)
        );
        assert_eq!(
            check(&Headers::new(), body, TS),
            Err(VerifyError::MissingTimestamp)
        );
    }

    #[test]
    fn wrong_or_absent_version_prefix_is_refused() {
        let hex = SIGNATURE.trim_start_matches("v0=");
        for bad in [format!("v1={hex}"), hex.to_string(), format!("V0={hex}")] {
            let h = headers("1531420618", &bad);
            assert_eq!(
                check(&h, BODY.as_bytes(), TS),
                Err(VerifyError::UnsupportedVersion),
                "{bad}"
            );
        }
    }

    #[test]
    fn stale_and_future_timestamps_are_refused() {
        let h = headers("1531420618", SIGNATURE);
        let body = BODY.as_bytes();
        assert_eq!(
            check(&h, body, TS + 301),
            Err(VerifyError::Stale { skew_secs: 301 })
        );
        assert_eq!(
            check(&h, body, TS - 301),
            Err(VerifyError::Stale { skew_secs: -301 })
        );
        // 300 s either way is still fresh.
        assert_eq!(check(&h, body, TS + 300), Ok(()));
        assert_eq!(check(&h, body, TS - 300), Ok(()));
    }

    #[test]
    fn extreme_timestamps_do_not_overflow() {
        let ts = i64::MIN.to_string();
        let h = headers(&ts, SIGNATURE);
        assert!(matches!(
            check(&h, BODY.as_bytes(), i64::MAX),
            Err(VerifyError::Stale { .. })
        ));
    }

    #[test]
    fn tampered_body_is_a_mismatch() {
        let h = headers("1531420618", SIGNATURE);
        let tampered = BODY.replace("text=", "text=rm");
        assert_eq!(
            check(&h, tampered.as_bytes(), TS),
            Err(VerifyError::Mismatch)
        );
    }

    #[test]
    fn malformed_signatures_are_mismatches() {
        for bad in ["v0=", "v0=zz", "v0=abc", "v0=a2114d57", "v0=+a"] {
            let h = headers("1531420618", bad);
            assert_eq!(
                check(&h, BODY.as_bytes(), TS),
                Err(VerifyError::Mismatch),
                "{bad}"
            );
        }
    }

    #[test]
    fn non_numeric_timestamp_is_refused() {
        for bad in ["", "abc", "1531420618.5", " 1531420618"] {
            let h = headers(bad, SIGNATURE);
            assert_eq!(
                check(&h, BODY.as_bytes(), TS),
                Err(VerifyError::BadTimestamp),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn empty_secret_never_verifies() {
        let secret = SecretString::from(" ");
        let h = headers("1531420618", &sign(&secret, TS, b"x"));
        assert_eq!(verify(&secret, &h, b"x", TS), Err(VerifyError::EmptySecret));
    }

    #[test]
    fn errors_never_show_the_secret_or_the_expected_signature() {
        let expected_hex = SIGNATURE.trim_start_matches("v0=");
        let errors = [
            check(&headers("1531420618", "v0=00"), BODY.as_bytes(), TS),
            check(&headers("1531420618", SIGNATURE), b"other", TS),
            check(&headers("1531420618", SIGNATURE), BODY.as_bytes(), TS + 999),
            check(&headers("x", SIGNATURE), BODY.as_bytes(), TS),
            check(&headers("1531420618", "v1=00"), BODY.as_bytes(), TS),
        ];
        for error in errors {
            let error = error.unwrap_err();
            for text in [error.to_string(), format!("{error:?}")] {
                assert!(!text.contains(SECRET), "{text}");
                assert!(!text.contains(expected_hex), "{text}");
            }
        }
    }
}
