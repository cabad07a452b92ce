//! `x-line-signature`: the published vectors, every way a check fails, and secret rotation.

use ackbot_core::SecretString;
use ackbot_core::adapter::{Adapter, Headers};
use ackbot_line::{VerifyError, sign, verify};

fn headers(name: &str, value: &str) -> Headers {
    Headers::from_iter([(name, value)])
}

#[test]
fn published_vectors() {
    let vectors = [
        (
            "test_secret",
            r#"{"hello":"world"}"#,
            "t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=",
        ),
        (
            "channel_secret",
            "bodybodybodybody",
            "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=",
        ),
    ];
    for (secret, body, signature) in vectors {
        let secret = SecretString::from(secret);
        assert_eq!(sign(&secret, body.as_bytes()), signature);
        assert_eq!(
            verify(
                &[secret],
                &headers("x-line-signature", signature),
                body.as_bytes()
            ),
            Ok(())
        );
    }
}

#[test]
fn third_vector_with_changed_letter_case_fails() {
    let result = verify(
        &[SecretString::from("test_secret")],
        &headers(
            "x-line-signature",
            "t7Hn4ZDHqs6e+wdvi5TyQivzie0DmMUmuXEBqyyE/tM=",
        ),
        br#"{"hello":"world"}"#,
    );
    assert_eq!(result, Err(VerifyError::Mismatch));
}

#[test]
fn header_name_case_does_not_matter() {
    let secret = SecretString::from("test_secret");
    let body = br#"{"hello":"world"}"#;
    let signature = sign(&secret, body);
    for name in ["x-line-signature", "X-Line-Signature", "X-LINE-SIGNATURE"] {
        assert_eq!(
            verify(
                std::slice::from_ref(&secret),
                &headers(name, &signature),
                body
            ),
            Ok(())
        );
    }
}

#[test]
fn missing_header_fails() {
    let result = verify(
        &[SecretString::from("s")],
        &headers("content-type", "x"),
        b"{}",
    );
    assert_eq!(result, Err(VerifyError::MissingSignature));
}

#[test]
fn bad_base64_fails() {
    for bad in ["not base64 at all!", "%%%", "", "YWJj"] {
        let result = verify(
            &[SecretString::from("s")],
            &headers("x-line-signature", bad),
            b"{}",
        );
        assert_eq!(result, Err(VerifyError::MalformedSignature), "{bad:?}");
    }
}

#[test]
fn tampered_body_fails() {
    let secret = SecretString::from("test_secret");
    let signature = sign(&secret, br#"{"hello":"world"}"#);
    let result = verify(
        &[secret],
        &headers("x-line-signature", &signature),
        br#"{"hello":"world!"}"#,
    );
    assert_eq!(result, Err(VerifyError::Mismatch));
}

#[test]
fn rotation_accepts_old_and_new_secrets() {
    let (old, new) = (
        SecretString::from("old-secret"),
        SecretString::from("new-secret"),
    );
    let secrets = [old.clone(), new.clone()];
    let body = br#"{"destination":"U1","events":[]}"#;
    for secret in [&old, &new] {
        let h = headers("x-line-signature", &sign(secret, body));
        assert_eq!(verify(&secrets, &h, body), Ok(()));
    }
    let other = headers(
        "x-line-signature",
        &sign(&SecretString::from("other"), body),
    );
    assert_eq!(verify(&secrets, &other, body), Err(VerifyError::Mismatch));
}

#[test]
fn no_secret_never_passes() {
    let body = b"{}";
    let h = headers("x-line-signature", &sign(&SecretString::from(""), body));
    assert_eq!(verify(&[], &h, body), Err(VerifyError::NoSecret));
    assert_eq!(
        verify(&[SecretString::from(" ")], &h, body),
        Err(VerifyError::NoSecret)
    );
}

#[test]
fn errors_never_show_a_secret_or_signature() {
    let secret = SecretString::from("test_secret");
    let body = br#"{"hello":"world"}"#;
    let expected = sign(&secret, body);
    let wrong = sign(&SecretString::from("wrong"), body);
    let err = verify(&[secret], &headers("x-line-signature", &wrong), body).unwrap_err();
    let text = format!("{err} {err:?}");
    for needle in ["test_secret", expected.as_str(), wrong.as_str()] {
        assert!(!text.contains(needle), "{text}");
    }
}

#[test]
fn adapter_verifies_the_envelope_with_comma_separated_secrets() {
    use ackbot_line::{LineAdapter, LineConfig};
    let body = r#"{"destination":"U1","events":[]}"#;
    let mut env = crate::common::signed(body);
    let rotating = LineConfig::new(&format!("older-secret,{}", crate::common::SECRET), "token");
    let adapter = LineAdapter::new(rotating).unwrap();
    assert!(adapter.verify(&env).is_ok());

    env.body = br#"{"destination":"U1","events":[{}]}"#.to_vec();
    let err = adapter.verify(&env).unwrap_err().to_string();
    assert!(err.contains("does not match"), "{err}");
    assert!(!err.contains(crate::common::SECRET));
}
