//! The contract every [`InstallationStore`] keeps, as one test run: the memory store's unit
//! tests, the embedded store's and DynamoDB's (against moto) all call [`check`].

use ackbot_core::ExposeSecret;

use super::{Installation, InstallationKey, InstallationRecord, InstallationStore, Token};

/// A record for `team` whose bot token is `token`.
pub fn record(team: &str, token: &str) -> InstallationRecord {
    InstallationRecord {
        installation: Installation {
            app_id: "A0001".into(),
            team_id: Some(team.into()),
            team_name: Some(format!("Team {team}")),
            bot_user_id: format!("UB{team}"),
            bot_scopes: vec!["chat:write".into(), "commands".into()],
            user_id: "U0INSTALLER".into(),
            installed_at_ms: 1_700_000_000_000,
            ..Installation::default()
        },
        bot: Token {
            token: token.into(),
            refresh_token: Some(format!("xoxe-1-refresh-{team}").into()),
            expires_at_ms: Some(1_700_043_200_000),
        },
        user: Some(Token::new(format!("xoxp-user-{team}"))),
        needs_reinstall: false,
    }
}

/// Runs the contract against `store`, which must start empty; panics on the first breach.
pub async fn check(store: &dyn InstallationStore) {
    let t1 = InstallationKey::Team("T0CONTRACT1".into());
    let e1 = InstallationKey::Enterprise("E0CONTRACT1".into());
    assert!(store.find(&t1).await.unwrap().is_none(), "empty at first");
    assert!(!store.delete(&t1).await.unwrap(), "nothing to delete");
    assert!(
        !store.lease(&t1, 1, 0, 10).await.unwrap(),
        "no lease on nothing"
    );

    // Saved and found, tokens and all; a re-install is a new version.
    let first = record("T0CONTRACT1", "xoxb-first");
    store.save(&first).await.unwrap();
    let found = store.find(&t1).await.unwrap().expect("saved");
    assert_eq!(found.record.installation, first.installation);
    assert_eq!(found.record.bot.token.expose_secret(), "xoxb-first");
    assert_eq!(found.record.bot.expires_at_ms, first.bot.expires_at_ms);
    let refresh = found
        .record
        .bot
        .refresh_token
        .as_ref()
        .map(|r| r.expose_secret().to_string());
    assert_eq!(refresh.as_deref(), Some("xoxe-1-refresh-T0CONTRACT1"));
    assert_eq!(
        found.record.user.unwrap().token.expose_secret(),
        "xoxp-user-T0CONTRACT1"
    );
    store
        .save(&record("T0CONTRACT1", "xoxb-second"))
        .await
        .unwrap();
    let v = store.find(&t1).await.unwrap().unwrap().version;
    assert!(v > found.version, "a re-install is a new version");
    assert!(store.find(&e1).await.unwrap().is_none(), "keys are apart");

    // One lease at a time, and only at the current version; an expired lease may be taken.
    assert!(
        !store.lease(&t1, found.version, 1_000, 2_000).await.unwrap(),
        "stale version"
    );
    assert!(store.lease(&t1, v, 1_000, 2_000).await.unwrap());
    assert!(
        !store.lease(&t1, v, 1_500, 2_500).await.unwrap(),
        "the lease is live"
    );
    assert!(
        store.lease(&t1, v, 2_001, 3_000).await.unwrap(),
        "the lease expired"
    );

    // Replaced only at the version read; the replacement drops the lease.
    let mut rotated = record("T0CONTRACT1", "xoxe.xoxb-rotated");
    rotated.needs_reinstall = true;
    assert!(
        !store.replace(&t1, found.version, &rotated).await.unwrap(),
        "stale version"
    );
    assert!(store.replace(&t1, v, &rotated).await.unwrap());
    assert!(
        !store.replace(&t1, v, &rotated).await.unwrap(),
        "once per version"
    );
    let now = store.find(&t1).await.unwrap().unwrap();
    assert!(now.version > v);
    assert_eq!(now.record.bot.token.expose_secret(), "xoxe.xoxb-rotated");
    assert!(now.record.needs_reinstall);
    assert!(
        store.lease(&t1, now.version, 2_500, 3_000).await.unwrap(),
        "no lease after a replacement"
    );

    // Two at once: exactly one wins.
    let (a, b) = futures::join!(
        store.lease(&t1, now.version, 5_000, 6_000),
        store.lease(&t1, now.version, 5_000, 6_000)
    );
    assert!(
        a.unwrap() ^ b.unwrap(),
        "exactly one of two simultaneous leases"
    );
    let next = record("T0CONTRACT1", "xoxb-next");
    let (a, b) = futures::join!(
        store.replace(&t1, now.version, &next),
        store.replace(&t1, now.version, &next)
    );
    assert!(
        a.unwrap() ^ b.unwrap(),
        "exactly one of two simultaneous replacements"
    );

    // Deleted: gone, and a later install never reuses a version.
    let before = store.find(&t1).await.unwrap().unwrap().version;
    assert!(store.delete(&t1).await.unwrap());
    assert!(store.find(&t1).await.unwrap().is_none());
    assert!(!store.delete(&t1).await.unwrap());
    assert!(
        !store.replace(&t1, before, &next).await.unwrap(),
        "nothing to replace"
    );
    assert!(
        !store.lease(&t1, before, 9_000, 9_500).await.unwrap(),
        "nothing to lease"
    );
    store.save(&next).await.unwrap();
    assert!(store.find(&t1).await.unwrap().unwrap().version > before);

    // An org-wide install is its own key.
    let mut org = record("T0IGNORED", "xoxb-org");
    org.installation.team_id = None;
    org.installation.enterprise_id = Some("E0CONTRACT1".into());
    org.installation.is_enterprise_install = true;
    store.save(&org).await.unwrap();
    let found = store.find(&e1).await.unwrap().unwrap();
    assert_eq!(found.record.bot.token.expose_secret(), "xoxb-org");
    assert!(store.delete(&e1).await.unwrap());

    // States: spent once, before they expire; never an unknown one.
    store.issue_state("state-one", 2_000).await.unwrap();
    assert!(!store.spend_state("state-unknown", 1_000).await.unwrap());
    assert!(store.spend_state("state-one", 1_000).await.unwrap());
    assert!(
        !store.spend_state("state-one", 1_000).await.unwrap(),
        "used"
    );
    store.issue_state("state-two", 2_000).await.unwrap();
    assert!(
        !store.spend_state("state-two", 2_000).await.unwrap(),
        "expired"
    );
    store.issue_state("state-three", 9_000).await.unwrap();
    let (a, b) = futures::join!(
        store.spend_state("state-three", 1_000),
        store.spend_state("state-three", 1_000)
    );
    assert!(
        a.unwrap() ^ b.unwrap(),
        "exactly one of two simultaneous spends"
    );
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn memory_keeps_the_contract() {
        super::check(&super::super::MemoryInstallations::new()).await;
    }
}
