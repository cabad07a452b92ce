//! Ed25519 as Discord signs interactions: RFC 8032's published vectors, PyNaCl's (the library of
//! Discord's documented check, `pynacl_vectors.py`), and the ways a request is refused.

use ackbot_core::adapter::Headers;
use ackbot_discord::sample::{TEST_PUBLIC_KEY, key_pair};
use ackbot_discord::{PublicKey, SIGNATURE_HEADER, TIMESTAMP_HEADER, VerifyError, verify};

fn headers(timestamp: &str, signature: &str) -> Headers {
    let mut headers = Headers::new();
    headers.append(TIMESTAMP_HEADER, timestamp);
    headers.append(SIGNATURE_HEADER, signature);
    headers
}

/// RFC 8032 §7.1, TEST 1 (the empty message) and TEST 2 (one byte, 0x72): the signed message is
/// the timestamp then the body, so the vector's message is split across them; a timestamp of
/// digits is needed for freshness, so these check the signature alone.
#[test]
fn rfc_8032_vectors_verify_and_a_flipped_bit_does_not() {
    let vectors = [
        (
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        ),
        (
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "r",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        ),
    ];
    for (key, message, signature) in vectors {
        let key = PublicKey::from_hex(key).unwrap();
        // The message as the body, an empty timestamp before it: the signature passes and only
        // the freshness check (which needs a number) refuses.
        let checked = verify(&key, &headers("", signature), message.as_bytes(), 0);
        assert_eq!(checked, Err(VerifyError::BadTimestamp), "{message:?}");
        let mut flipped = hex::decode(signature).unwrap();
        flipped[10] ^= 1;
        let flipped = verify(
            &key,
            &headers("", &hex::encode(flipped)),
            message.as_bytes(),
            0,
        );
        assert_eq!(flipped, Err(VerifyError::Mismatch));
    }
}

const PING: &str = r#"{"id":"1316000000000000001","application_id":"1100000000000000001","type":1,"token":"cGluZw","version":1}"#;
const AT: i64 = 1_733_329_800;

#[test]
fn pynacls_signature_verifies_and_ours_is_the_same_bytes() {
    let theirs =
        PublicKey::from_hex("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8")
            .unwrap();
    let signature = "f4d4b76dcb38826f5691052977faabba68568d693f52394ff7677901e0c0ae2010459aab12b2e44c4e12d5595fe4e0a39f17b1a858838de3c8f96c4f9c818b0b";
    assert_eq!(
        verify(
            &theirs,
            &headers("1733329800", signature),
            PING.as_bytes(),
            AT
        ),
        Ok(())
    );
    // Ed25519 is deterministic: the test key pair signs as PyNaCl does with the same seed.
    let ours = key_pair().sign("1733329800", PING.as_bytes());
    assert_eq!(
        ours,
        "594b144906b9fe20306ef4a46d3afd60f82c1f6960453fb33ce234c33cda8cf085a0d6369f3c5f14b5e46fd1a89d20c94dd4054bfa4141645e23a9d0c050000e"
    );
    let test_key = PublicKey::from_hex(TEST_PUBLIC_KEY).unwrap();
    assert_eq!(
        verify(
            &test_key,
            &headers("1733329800", &ours),
            PING.as_bytes(),
            AT
        ),
        Ok(())
    );
}

#[test]
fn discords_invalid_signature_probe_and_every_malformed_request_are_refused() {
    let key = PublicKey::from_hex(TEST_PUBLIC_KEY).unwrap();
    let good = key_pair().sign("1733329800", PING.as_bytes());
    // Discord's probe: a valid-looking signature that is not the key's.
    let other =
        ackbot_discord::signing::KeyPair::from_seed([7; 32]).sign("1733329800", PING.as_bytes());
    let cases = [
        (headers("1733329800", &other), VerifyError::Mismatch),
        (headers("1733329801", &good), VerifyError::Mismatch),
        (
            headers("1733329800", &good[..126]),
            VerifyError::MalformedSignature,
        ),
        (
            headers("1733329800", &"zz".repeat(64)),
            VerifyError::MalformedSignature,
        ),
    ];
    for (headers, expected) in cases {
        assert_eq!(verify(&key, &headers, PING.as_bytes(), AT), Err(expected));
    }
    let tampered = PING.replace("\"type\":1", "\"type\":2");
    assert_eq!(
        verify(&key, &headers("1733329800", &good), tampered.as_bytes(), AT),
        Err(VerifyError::Mismatch)
    );
    let mut missing = Headers::new();
    missing.append(TIMESTAMP_HEADER, "1733329800");
    assert_eq!(
        verify(&key, &missing, PING.as_bytes(), AT),
        Err(VerifyError::MissingSignature)
    );
    let mut twice = headers("1733329800", &good);
    twice.append(SIGNATURE_HEADER, &good);
    assert_eq!(
        verify(&key, &twice, PING.as_bytes(), AT),
        Err(VerifyError::RepeatedHeader(SIGNATURE_HEADER))
    );
}

#[test]
fn a_signed_but_stale_or_future_timestamp_is_refused_and_says_the_window() {
    let key = PublicKey::from_hex(TEST_PUBLIC_KEY).unwrap();
    let signed = key_pair().sign("1733329800", PING.as_bytes());
    let at = |now| verify(&key, &headers("1733329800", &signed), PING.as_bytes(), now);
    assert_eq!(at(AT + 300), Ok(()));
    assert_eq!(at(AT + 301), Err(VerifyError::Stale { skew_secs: 301 }));
    let future = at(AT - 400).unwrap_err();
    assert_eq!(
        future.to_string(),
        "interaction timestamp is 400 s after the receive time (at most 300 s allowed)"
    );
}

#[test]
fn a_public_key_says_what_is_wrong_without_echoing_it() {
    let short = PublicKey::from_hex("abcd").unwrap_err().to_string();
    assert!(
        short.contains("not 64 hex digits") && !short.contains("abcd"),
        "{short}"
    );
    assert!(
        PublicKey::from_hex(" ")
            .unwrap_err()
            .to_string()
            .contains("empty")
    );
}
