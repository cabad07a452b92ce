//! `ackbot doctor`: checks a bot's configuration and says what is wrong in plain words.
//!
//! It reads what `ackbot serve` reads (the environment, then a `.env` file), has each platform's
//! adapter look at the shape of its values without ever printing one (`ackbot_slack::doctor`,
//! `ackbot_line::doctor`, `ackbot_discord::doctor`) and, unless `--offline`, ask the platform whether the token works;
//! the other settings are checked here ([`settings`]), the report rendered and its exit status
//! told.

mod settings;

use std::fmt;
use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use ackbot_core::doctor::{Finding, Level, Lookup, PlatformChecks, TokenCheck};

use crate::Error;
use crate::dotenv::{find_dotenv, unreadable};

/// How long each platform gets to answer the token check.
const ONLINE_TIMEOUT: Duration = Duration::from_secs(5);

/// The mark of a finding's level at the start of its line.
fn mark(level: Level) -> &'static str {
    match level {
        Level::Ok => "✓",
        Level::Info => "·",
        Level::Warn => "!",
        Level::Problem => "✗",
    }
}

/// Everything doctor found, in the order of the report.
#[derive(Clone, Debug, Default)]
pub(crate) struct Diagnosis {
    /// The findings.
    pub findings: Vec<Finding>,
}

impl Diagnosis {
    /// How many findings are problems.
    pub fn problems(&self) -> usize {
        self.count(Level::Problem)
    }

    /// How many findings are warnings.
    pub fn warnings(&self) -> usize {
        self.count(Level::Warn)
    }

    fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }
}

/// The report: one line a finding, then the counts.
impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            let Finding {
                level,
                subject,
                message,
            } = finding;
            writeln!(f, "{} {subject}: {message}", mark(*level))?;
        }
        writeln!(
            f,
            "doctor: {}, {}",
            counted(self.problems(), "problem"),
            counted(self.warnings(), "warning")
        )
    }
}

fn counted(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// What became of the `.env` file, which `serve` reads as doctor does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DotEnv {
    /// Found and read.
    Read(PathBuf),
    /// None in this directory or its parents.
    Absent,
    /// Found but not usable; `serve` refuses to start.
    Unreadable {
        /// Why, without the file's contents.
        reason: String,
    },
}

impl DotEnv {
    /// Loads `.env` from this directory or a parent into the environment, as `Config::from_env`
    /// does (variables already set win).
    pub fn load() -> Self {
        match dotenvy::dotenv() {
            Ok(path) => DotEnv::Read(path),
            Err(e) if e.not_found() => DotEnv::Absent,
            Err(e) => DotEnv::Unreadable {
                reason: unreadable(&e, find_dotenv().as_deref()),
            },
        }
    }

    fn finding(&self) -> Finding {
        const SUBJECT: &str = ".env file";
        match self {
            DotEnv::Read(path) => Finding::info(
                SUBJECT,
                format!(
                    "read {}; the environment wins where both set a variable",
                    path.display()
                ),
            ),
            DotEnv::Absent => Finding::info(
                SUBJECT,
                "none here or in a parent directory; only the environment is read",
            ),
            DotEnv::Unreadable { reason } => Finding::problem(
                SUBJECT,
                format!("{reason}; `ackbot serve` refuses to start until it is fixed"),
            ),
        }
    }
}

/// Checks the configuration `lookup` sees, asking the platforms about the tokens through `http`
/// (none: `--offline`). Never fails: what cannot be checked is a warning.
pub(crate) async fn diagnose(
    dotenv: &DotEnv,
    lookup: impl Fn(&str) -> Option<String>,
    http: Option<&reqwest::Client>,
) -> Diagnosis {
    let lookup: Lookup<'_> = &lookup;
    let mut findings = vec![dotenv.finding()];
    let secret_arn = lookup("ACKBOT_SECRET_ARN").filter(|v| !v.trim().is_empty());
    if secret_arn.is_some() {
        findings.push(Finding::info(
            "AWS",
            "ACKBOT_SECRET_ARN is set: under AWS Lambda the platforms' secrets come only from \
             that Secrets Manager secret; doctor checks the values here, not the secret's",
        ));
    }

    let slack = ackbot_slack::doctor::check(lookup);
    let line = ackbot_line::doctor::check(lookup);
    let discord = ackbot_discord::doctor::check(lookup);
    let (slack_online, line_online, discord_online) = tokio::join!(
        ask(http, &slack, ackbot_slack::doctor::check_token),
        ask(http, &line, ackbot_line::doctor::check_token),
        ask(http, &discord, ackbot_discord::doctor::check_token),
    );
    let platforms = [
        (&slack, slack_online),
        (&line, line_online),
        (&discord, discord_online),
    ];
    for (platform, online) in platforms {
        findings.extend(platform.findings.iter().cloned());
        match online {
            Some(finding) => findings.push(finding),
            None if http.is_none() && platform.token.is_some() => findings.push(Finding::info(
                platform.token_subject,
                format!("not checked with {} (--offline)", platform.platform),
            )),
            None => {}
        }
    }

    if !slack.configured && !line.configured && !discord.configured {
        let nothing = "nothing to serve: set SLACK_SIGNING_SECRET (Slack), LINE_CHANNEL_SECRET \
                       and LINE_CHANNEL_ACCESS_TOKEN (LINE), or DISCORD_PUBLIC_KEY and \
                       DISCORD_APPLICATION_ID (Discord), in the environment or a .env file";
        findings.push(match secret_arn {
            // Under Lambda they may all come from Secrets Manager.
            Some(_) => Finding::warn(
                "Platforms",
                format!("{nothing} (under AWS they may come from ACKBOT_SECRET_ARN)"),
            ),
            None => Finding::problem("Platforms", nothing),
        });
    }
    findings.extend(settings::check(lookup));
    Diagnosis { findings }
}

/// What the platform says of the token `checks` found, asked with `check_token` through `http`;
/// `None` when there is no token to show it, or no `http` (`--offline`).
async fn ask<'a, F: Future<Output = Finding>>(
    http: Option<&'a reqwest::Client>,
    checks: &'a PlatformChecks,
    check_token: impl FnOnce(&'a reqwest::Client, &'a TokenCheck, Duration) -> F,
) -> Option<Finding> {
    match (http, &checks.token) {
        (Some(http), Some(token)) => Some(check_token(http, token, ONLINE_TIMEOUT).await),
        _ => None,
    }
}

/// Runs `ackbot doctor` on this process's environment and `.env`, printing the report to stdout.
/// `Ok(false)` when it found a problem.
pub(crate) async fn run(offline: bool) -> Result<bool, Error> {
    let dotenv = DotEnv::load();
    let http = match offline {
        true => None,
        false => Some(
            ackbot_core::http::client_builder(ONLINE_TIMEOUT)
                .build()
                .map_err(std::io::Error::other)?,
        ),
    };
    let diagnosis = diagnose(&dotenv, |name| std::env::var(name).ok(), http.as_ref()).await;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{diagnosis}")?;
    stdout.flush()?;
    Ok(diagnosis.problems() == 0)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::dotenv::variable_name;

    /// The report for `vars`, offline.
    pub(super) async fn report(vars: &[(&str, &str)]) -> (Diagnosis, String) {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let diagnosis = diagnose(&DotEnv::Absent, |name| map.get(name).cloned(), None).await;
        let text = diagnosis.to_string();
        (diagnosis, text)
    }

    pub(super) fn line_about<'a>(report: &'a str, subject: &str) -> &'a str {
        report
            .lines()
            .find(|l| {
                l.split_once(' ')
                    .is_some_and(|(_, rest)| rest.starts_with(&format!("{subject}:")))
            })
            .unwrap_or_else(|| panic!("no line about {subject}:\n{report}"))
    }

    const SLACK_SECRET: &str = "8f742231b10e8888abcd99a1b2c3d4e5";
    const LINE_SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[tokio::test]
    async fn nothing_configured_is_a_problem() {
        let (d, text) = report(&[]).await;
        assert_eq!(d.problems(), 1, "{text}");
        assert!(line_about(&text, "Platforms").starts_with("✗ "), "{text}");
        assert!(text.contains("nothing to serve"), "{text}");
        assert!(line_about(&text, "Slack").contains("off"), "{text}");
        assert!(line_about(&text, "LINE").contains("off"), "{text}");
        assert!(text.ends_with("doctor: 1 problem, 0 warnings\n"), "{text}");
    }

    #[tokio::test]
    async fn a_good_configuration_has_no_problems() {
        let (d, text) = report(&[
            ("SLACK_SIGNING_SECRET", SLACK_SECRET),
            ("SLACK_BOT_TOKEN", "xoxb-1111-2222-aaaabbbbcccc"),
            ("LINE_CHANNEL_SECRET", LINE_SECRET),
            ("LINE_CHANNEL_ACCESS_TOKEN", "a-long-lived-line-token-value"),
        ])
        .await;
        assert_eq!((d.problems(), d.warnings()), (0, 0), "{text}");
        assert_eq!(
            line_about(&text, "Slack signing secret"),
            "✓ Slack signing secret: set (32 characters)"
        );
        assert!(
            text.contains("not checked with Slack (--offline)"),
            "{text}"
        );
        assert!(text.contains("not checked with LINE (--offline)"), "{text}");
        assert!(!text.contains("Platforms"), "{text}");
        assert!(text.ends_with("doctor: 0 problems, 0 warnings\n"), "{text}");
    }

    #[tokio::test]
    async fn the_secret_arn_is_mentioned_and_softens_nothing_to_serve() {
        let (d, text) = report(&[(
            "ACKBOT_SECRET_ARN",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:ackbot",
        )])
        .await;
        assert!(
            line_about(&text, "AWS").contains("Secrets Manager"),
            "{text}"
        );
        assert_eq!(d.problems(), 0, "{text}");
        assert!(line_about(&text, "Platforms").starts_with("! "), "{text}");
    }

    #[test]
    fn dotenv_findings_say_what_happened() {
        let read = DotEnv::Read(PathBuf::from("/srv/bot/.env")).finding();
        assert_eq!(read.level, Level::Info);
        assert!(read.message.contains("/srv/bot/.env"));
        assert_eq!(DotEnv::Absent.finding().level, Level::Info);
        let bad = DotEnv::Unreadable {
            reason: ".env could not be read: Permission denied".into(),
        }
        .finding();
        assert_eq!(bad.level, Level::Problem);
        assert!(bad.message.contains("Permission denied"), "{}", bad.message);
    }

    /// Why dotenvy refuses `contents`, as doctor says it.
    fn refusal(contents: &str) -> String {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("ackbot-doctor-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(".env");
        std::fs::write(&path, contents).unwrap();
        let error = dotenvy::from_path_iter(&path)
            .unwrap()
            .find_map(Result::err)
            .expect("a malformed line");
        let reason = unreadable(&error, Some(&path));
        let _ = std::fs::remove_dir_all(&dir);
        reason
    }

    #[test]
    fn a_malformed_dotenv_line_is_named_but_never_quoted() {
        // dotenvy reports only the value here.
        let reason = refusal(
            "SLACK_API_URL=http://127.0.0.1:9/api\n\
             # a comment\n\
             SLACK_SIGNING_SECRET=hunter2 with spaces\n",
        );
        assert!(
            reason.contains("line 3 (SLACK_SIGNING_SECRET) is not"),
            "{reason}"
        );
        assert!(!reason.contains("hunter2"), "{reason}");
        // And the whole line here: a value pasted without its name.
        let reason = refusal("LINE_API_URL=http://127.0.0.1:9\n8f742231b10e8888abcd99a1b2\n");
        assert!(reason.contains(": line 2 is not"), "{reason}");
        assert!(!reason.contains("8f742231"), "{reason}");
    }

    #[test]
    fn only_plain_names_are_shown_from_a_malformed_line() {
        assert_eq!(
            variable_name("export LINE_API_URL = x y"),
            Some("LINE_API_URL")
        );
        assert_eq!(variable_name("8f742231b10e8888abcd99a1b2c3d4e5"), None);
        assert_eq!(variable_name("xoxb-secret-stuff=1"), None);
    }

    #[tokio::test]
    async fn a_token_without_its_secret_is_a_warning() {
        let (d, text) = report(&[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("LINE_CHANNEL_ACCESS_TOKEN", "t"),
        ])
        .await;
        assert!(
            line_about(&text, "Slack bot token").contains("stays off"),
            "{text}"
        );
        assert!(line_about(&text, "LINE").contains("stays off"), "{text}");
        assert_eq!(d.warnings(), 2, "{text}");
    }

    #[tokio::test]
    async fn no_secret_value_reaches_the_report() {
        let secrets = [
            ("SLACK_SIGNING_SECRET", "S1GN1NG-Distinctive-Value"),
            ("SLACK_BOT_TOKEN", "xoxp-Distinctive-User-Token"),
            (
                "LINE_CHANNEL_SECRET",
                "L1NE-Distinctive-Secret,0123456789abcdef0123456789abcdef",
            ),
            (
                "LINE_CHANNEL_ACCESS_TOKEN",
                " L1NE-Distinctive-Access-Token ",
            ),
        ];
        let (_, text) = report(&secrets).await;
        for needle in ["Distinctive", "S1GN", "L1NE", "0123456789abcdef"] {
            assert!(!text.contains(needle), "{needle} leaked:\n{text}");
        }
        let (_, text) = report(&[
            ("SLACK_SIGNING_SECRET", "fa2c05deeef5a4077494e89f54394de0"),
            ("SLACK_BOT_TOKEN", "xoxb-Distinctive-Bot-Token"),
        ])
        .await;
        assert!(
            !text.contains("fa2c05") && !text.contains("Distinctive"),
            "{text}"
        );
    }
}
