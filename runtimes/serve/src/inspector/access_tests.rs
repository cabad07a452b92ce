use super::*;

const TOKEN: &str = "s3cret-inspect-0123456789abcdef-0123";

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, value.parse().unwrap());
    }
    map
}

fn peer() -> IpAddr {
    "127.0.0.1".parse().unwrap()
}

fn loopback(token: Option<&str>) -> Access {
    let token = token.map(|t| SecretString::from(t.to_string()));
    Access::for_address("127.0.0.1:3000".parse().unwrap(), token.as_ref()).unwrap()
}

#[test]
fn loopback_needs_the_token_too_whatever_the_host_and_headers() {
    let access = loopback(None);
    let now = Instant::now();
    // What nginx's default `proxy_pass http://127.0.0.1:3000;` sends: a loopback Host and no
    // forwarding header. And what a local browser sends without having logged in.
    for host in [
        "127.0.0.1:3000",
        "localhost:3000",
        "[::1]:3000",
        "evil.example",
    ] {
        assert_eq!(
            access.check(&headers(&[("host", host)]), peer(), now),
            Err(Denied::Unauthorized),
            "{host}"
        );
    }
    // A fresh token of 256 random bits, printed at start; a configured one never is.
    let fresh = access.printable_token().unwrap().to_string();
    assert_eq!(fresh.len(), 64);
    assert_ne!(fresh, loopback(None).printable_token().unwrap());
    assert_eq!(loopback(Some(TOKEN)).printable_token(), None);
    let bearer = format!("Bearer {fresh}");
    let host = ("host", "127.0.0.1:3000");
    assert_eq!(
        access.check(&headers(&[host, ("authorization", &bearer)]), peer(), now),
        Ok(())
    );
    // With the token, the Host must still name a loopback address (DNS rebinding); any port,
    // as an ssh tunnel may forward another.
    for host in ["localhost:8080", "127.0.0.2:3000", "[::1]:3000"] {
        let ok = headers(&[("host", host), ("authorization", &bearer)]);
        assert_eq!(access.check(&ok, peer(), now), Ok(()), "{host}");
    }
    let rebound = headers(&[("host", "evil.example:3000"), ("authorization", &bearer)]);
    assert!(matches!(
        access.check(&rebound, peer(), now),
        Err(Denied::Forbidden(_))
    ));
}

#[test]
fn elsewhere_it_is_off_without_a_token_and_asks_for_it_with_one() {
    let public: SocketAddr = "0.0.0.0:3000".parse().unwrap();
    assert!(Access::for_address(public, None).is_none());
    let token = SecretString::from(TOKEN);
    let access = Access::for_address(public, Some(&token)).unwrap();
    let now = Instant::now();
    let host = ("host", "bot.example:3000");
    assert_eq!(
        access.check(&headers(&[host]), peer(), now),
        Err(Denied::Unauthorized)
    );
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(
        access.check(&headers(&[host, ("authorization", &bearer)]), peer(), now),
        Ok(())
    );
    let wrong = format!("Bearer {TOKEN}x");
    assert_eq!(
        access.check(&headers(&[host, ("authorization", &wrong)]), peer(), now),
        Err(Denied::Unauthorized)
    );
}

#[test]
fn a_session_is_a_random_id_that_expires_and_never_holds_the_token() {
    let access = loopback(Some(TOKEN));
    let host = ("host", "127.0.0.1:3000");
    let now = Instant::now();
    assert_eq!(
        access.login("nope", &headers(&[host]), peer(), now),
        Err(Denied::Unauthorized)
    );
    let session = access.login(TOKEN, &headers(&[host]), peer(), now).unwrap();
    let again = access.login(TOKEN, &headers(&[host]), peer(), now).unwrap();
    assert_ne!(session, again, "each login is a session of its own");
    assert!(!session.contains(TOKEN) && session.len() == 64);
    let cookie = format!("other=1; {COOKIE}={session}");
    let with_cookie = headers(&[host, ("cookie", &cookie)]);
    assert_eq!(access.check(&with_cookie, peer(), now), Ok(()));
    let almost = now + SESSION_TTL - Duration::from_secs(1);
    assert_eq!(access.check(&with_cookie, peer(), almost), Ok(()));
    assert_eq!(
        access.check(&with_cookie, peer(), now + SESSION_TTL),
        Err(Denied::Unauthorized),
        "expired"
    );
    // Another process (a restart) has none of these sessions.
    assert_eq!(
        loopback(Some(TOKEN)).check(&with_cookie, peer(), now),
        Err(Denied::Unauthorized)
    );
    let forged = format!("{COOKIE}={}", "0".repeat(64));
    assert_eq!(
        access.check(&headers(&[host, ("cookie", &forged)]), peer(), now),
        Err(Denied::Unauthorized)
    );
}

#[test]
fn wrong_tokens_are_throttled_per_address_and_a_locked_address_cannot_log_in() {
    use super::super::throttle::FREE_FAILURES;
    let access = loopback(Some(TOKEN));
    let host = headers(&[("host", "127.0.0.1:3000")]);
    let now = Instant::now();
    let attacker: IpAddr = "127.0.0.9".parse().unwrap();
    for _ in 0..FREE_FAILURES {
        assert_eq!(
            access.login("guess", &host, attacker, now),
            Err(Denied::Unauthorized)
        );
    }
    assert!(matches!(
        access.login(TOKEN, &host, attacker, now),
        Err(Denied::Throttled(_))
    ));
    let bearer = headers(&[
        ("host", "127.0.0.1:3000"),
        ("authorization", &format!("Bearer {TOKEN}")),
    ]);
    assert!(matches!(
        access.check(&bearer, attacker, now),
        Err(Denied::Throttled(_))
    ));
    assert!(
        access.login(TOKEN, &host, peer(), now).is_ok(),
        "others are not locked out"
    );
    let later = now + Duration::from_secs(1);
    assert!(
        access.login(TOKEN, &host, attacker, later).is_ok(),
        "the lock passes"
    );
}

#[test]
fn actions_need_the_header_and_the_same_origin() {
    let access = loopback(Some(TOKEN));
    let now = Instant::now();
    let host = ("host", "127.0.0.1:3000");
    let bearer = format!("Bearer {TOKEN}");
    let auth = ("authorization", bearer.as_str());
    assert!(matches!(
        access.check_action(&headers(&[host, auth]), peer(), now),
        Err(Denied::Forbidden(_))
    ));
    assert_eq!(
        access.check_action(&headers(&[host, auth, (ACTION_HEADER, "1")]), peer(), now),
        Ok(())
    );
    let same = headers(&[
        host,
        auth,
        (ACTION_HEADER, "1"),
        ("origin", "http://127.0.0.1:3000"),
    ]);
    assert_eq!(access.check_action(&same, peer(), now), Ok(()));
    let other = headers(&[
        host,
        auth,
        (ACTION_HEADER, "1"),
        ("origin", "http://evil.example"),
    ]);
    assert!(matches!(
        access.check_action(&other, peer(), now),
        Err(Denied::Forbidden(_))
    ));
}

#[test]
fn https_is_told_by_the_proxy() {
    assert!(!is_https(&headers(&[])));
    assert!(is_https(&headers(&[("x-forwarded-proto", "https")])));
    assert!(is_https(&headers(&[(
        "forwarded",
        "for=1.2.3.4;proto=https"
    )])));
    assert!(!is_https(&headers(&[(
        "forwarded",
        "for=1.2.3.4;proto=http"
    )])));
}
