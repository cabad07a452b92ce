//! `ackbot new NAME`: a new bot project in `./NAME` — a Cargo package whose binary registers the
//! built-ins and a command of its own, its tests, the CDK app that deploys it, a Makefile and a
//! README — from the templates in `template/`, compiled into the binary.

use std::fmt;
use std::path::{Path, PathBuf};

/// A file of the new project: its path, and its template (`{{name}}`, `{{crate}}`, `{{stack}}`,
/// `{{ackbot_source}}`, `{{ackbot_version}}` are filled in).
struct TemplateFile {
    path: &'static str,
    template: &'static str,
    executable: bool,
}

macro_rules! file {
    ($path:literal) => {
        TemplateFile {
            path: $path,
            template: include_str!(concat!("template/", $path, ".tmpl")),
            executable: false,
        }
    };
    ($path:literal, executable) => {
        TemplateFile {
            path: $path,
            template: include_str!(concat!("template/", $path, ".tmpl")),
            executable: true,
        }
    };
}

/// Every file of a new project.
const FILES: &[TemplateFile] = &[
    file!("Cargo.toml"),
    file!("src/main.rs"),
    file!("src/lib.rs"),
    file!("tests/hello.rs"),
    file!("Makefile"),
    file!("README.md"),
    file!(".gitignore"),
    file!(".env.example"),
    file!("infra/package.json"),
    file!("infra/tsconfig.json"),
    file!("infra/jest.config.js"),
    file!("infra/cdk.json"),
    file!("infra/bin/app.ts"),
    file!("infra/test/app.test.ts"),
    file!("infra/test/fixtures/stand-in-asset/bootstrap", executable),
    file!("infra/scripts/ackbot-source.js"),
];

/// Where the new project gets ackbot from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AckbotSource {
    /// This repository's git URL (Cargo pins the commit in Cargo.lock).
    Git(String),
    /// A local checkout: for tests, and for working on ackbot and a bot side by side.
    Path(PathBuf),
}

impl AckbotSource {
    /// The repository this binary was built from.
    pub(crate) fn default_git() -> Self {
        Self::Git(env!("CARGO_PKG_REPOSITORY").to_string())
    }

    /// The dependency's source as Cargo.toml writes it, e.g. `git = "https://…"`.
    fn cargo_source(&self) -> String {
        match self {
            Self::Git(url) => format!("git = {}", toml_string(url)),
            Self::Path(dir) => format!("path = {}", toml_string(&dir.to_string_lossy())),
        }
    }
}

/// Why `ackbot new` made nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NewError {
    /// The name cannot be a Cargo package's.
    #[error("`{name}` cannot name a bot: {why}")]
    Name {
        /// The name given.
        name: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Something is already at the destination.
    #[error("{0} already exists: choose another name or remove it (nothing was overwritten)")]
    Exists(PathBuf),
    /// `--ackbot-path` is not an ackbot checkout.
    #[error(
        "{0} is not an ackbot checkout (no Cargo.toml with the `ackbot` package and infra/package.json)"
    )]
    NotACheckout(PathBuf),
    /// A file could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why not.
        #[source]
        source: std::io::Error,
    },
}

/// What `ackbot new` made.
#[derive(Debug)]
pub(crate) struct Created {
    /// The project's folder.
    pub dir: PathBuf,
    /// The files written, relative to `dir`.
    pub files: Vec<&'static str>,
    /// The bot's name.
    pub name: String,
}

impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Created the bot `{}` in {}:",
            self.name,
            self.dir.display()
        )?;
        for file in &self.files {
            writeln!(f, "  {file}")?;
        }
        writeln!(f)?;
        writeln!(f, "Next:")?;
        writeln!(f, "  cd {}", self.dir.display())?;
        writeln!(
            f,
            "  make demo    # the whole flow on loopback, no accounts needed"
        )?;
        writeln!(f, "  make test    # its tests, and the CDK app's")?;
        write!(
            f,
            "Then README.md walks through the Slack app, the LINE channel and `make deploy`."
        )
    }
}

/// Creates the project `name` in `parent/name`, refusing to touch anything that exists.
pub(crate) fn create(
    parent: &Path,
    name: &str,
    source: &AckbotSource,
) -> Result<Created, NewError> {
    check_name(name)?;
    let source = match source {
        AckbotSource::Path(dir) => AckbotSource::Path(checkout(dir)?),
        git => git.clone(),
    };
    let dir = parent.join(name);
    // `create_dir` (not `create_dir_all`) fails if anything is there, even a file, atomically.
    if let Err(source) = std::fs::create_dir(&dir) {
        return Err(match source.kind() {
            std::io::ErrorKind::AlreadyExists => NewError::Exists(dir),
            _ => NewError::Write { path: dir, source },
        });
    }
    let fill = |template: &str| fill(template, name, &source);
    let mut files = Vec::new();
    for file in FILES {
        write(&dir.join(file.path), &fill(file.template), file.executable)?;
        files.push(file.path);
    }
    // A local checkout's lock: the versions ackbot is tested with, already in the registry cache,
    // so the first build works offline. Cargo prunes what the bot does not use.
    if let AckbotSource::Path(checkout) = &source
        && let Ok(lock) = std::fs::read(checkout.join("Cargo.lock"))
    {
        write(
            &dir.join("Cargo.lock"),
            &String::from_utf8_lossy(&lock),
            false,
        )?;
        files.push("Cargo.lock");
    }
    Ok(Created {
        dir,
        files,
        name: name.to_string(),
    })
}

/// The checkout's absolute path, once it is known to be ackbot's.
fn checkout(dir: &Path) -> Result<PathBuf, NewError> {
    let not = || NewError::NotACheckout(dir.to_path_buf());
    let dir = std::fs::canonicalize(dir).map_err(|_| not())?;
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).map_err(|_| not())?;
    let is_ackbot = manifest.lines().any(|l| l.trim() == "name = \"ackbot\"");
    if !is_ackbot || !dir.join("infra").join("package.json").is_file() {
        return Err(not());
    }
    Ok(dir)
}

fn write(path: &Path, contents: &str, executable: bool) -> Result<(), NewError> {
    let failed = |source| NewError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(path, contents).map_err(failed)?;
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(failed)?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    Ok(())
}

/// A name Cargo takes as a package and binary name, and that reads well as a folder and a stack.
fn check_name(name: &str) -> Result<(), NewError> {
    let bad = |why| {
        Err(NewError::Name {
            name: name.to_string(),
            why,
        })
    };
    let Some(first) = name.chars().next() else {
        return bad("it is empty");
    };
    if name.len() > 64 {
        return bad("it is longer than 64 characters");
    }
    if !first.is_ascii_lowercase() {
        return bad("it must start with a lowercase letter (a-z)");
    }
    if !(name.chars()).all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return bad("use only lowercase letters, digits, `-` and `_`");
    }
    if name.ends_with(['-', '_']) {
        return bad("it must not end with `-` or `_`");
    }
    const TAKEN: &[&str] = &[
        "ackbot",
        "ackbot-core",
        "ackbot-slack",
        "ackbot-line",
        "ackbot-discord",
        "test",
        "build",
        "deps",
        "examples",
        "self",
        "super",
        "crate",
        "std",
        "core",
        "alloc",
        "proc_macro",
    ];
    if TAKEN.contains(&name) {
        return bad("it is already the name of a crate the bot depends on, or reserved by Rust");
    }
    Ok(())
}

/// `template` with the placeholders filled in.
fn fill(template: &str, name: &str, source: &AckbotSource) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{crate}}", &name.replace('-', "_"))
        .replace("{{stack}}", &stack_name(name))
        .replace("{{ackbot_source}}", &source.cargo_source())
        .replace("{{ackbot_version}}", env!("CARGO_PKG_VERSION"))
}

/// The CloudFormation stack's name: the bot's name in PascalCase, e.g. `my-bot` → `MyBot`.
fn stack_name(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// A TOML basic string.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder of this test's own (tests run in parallel, so the time alone is not unique).
    fn temp() -> PathBuf {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "ackbot-new-{}-{}-{n}",
            std::process::id(),
            ackbot_core::runtime::now_ms()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn repo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn names_cargo_would_refuse_are_refused_with_the_reason() {
        for (name, why) in [
            ("", "empty"),
            ("My-Bot", "lowercase"),
            ("9lives", "lowercase letter"),
            ("my bot", "only lowercase"),
            ("../evil", "lowercase letter"),
            ("bot-", "end with"),
            ("ackbot", "already the name"),
            ("std", "reserved"),
        ] {
            let err = check_name(name).unwrap_err().to_string();
            assert!(err.contains(why), "{name}: {err}");
        }
        for name in ["mybot", "my-bot", "my_bot2", "a"] {
            check_name(name).unwrap();
        }
    }

    #[test]
    fn stack_names_are_pascal_case() {
        assert_eq!(stack_name("mybot"), "Mybot");
        assert_eq!(stack_name("my-slack_bot2"), "MySlackBot2");
    }

    #[test]
    fn sources_are_written_as_toml() {
        assert_eq!(
            AckbotSource::Git("https://github.com/ackbot/ackbot".into()).cargo_source(),
            r#"git = "https://github.com/ackbot/ackbot""#
        );
        assert_eq!(
            AckbotSource::Path(PathBuf::from(r#"C:\a "b""#)).cargo_source(),
            r#"path = "C:\\a \"b\"""#
        );
        assert_eq!(
            AckbotSource::default_git(),
            AckbotSource::Git("https://github.com/ackbot/ackbot".into())
        );
    }

    #[test]
    fn a_project_is_written_with_every_placeholder_filled() {
        let parent = temp();
        let source = AckbotSource::Path(repo());
        let created = create(&parent, "my-bot", &source).unwrap();
        assert_eq!(
            created.files.len(),
            FILES.len() + 1,
            "with the checkout's Cargo.lock"
        );
        for file in &created.files {
            let text = std::fs::read_to_string(created.dir.join(file)).unwrap();
            assert!(!text.contains("{{"), "{file} has an unfilled placeholder");
        }
        let manifest = std::fs::read_to_string(created.dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("name = \"my-bot\""), "{manifest}");
        let path = std::fs::canonicalize(repo()).unwrap();
        assert!(manifest.contains(&format!("path = {}", toml_string(&path.to_string_lossy()))));
        let test = std::fs::read_to_string(created.dir.join("tests/hello.rs")).unwrap();
        assert!(test.contains("my_bot::bot()"), "{test}");
        let cdk = std::fs::read_to_string(created.dir.join("infra/cdk.json")).unwrap();
        assert!(cdk.contains("\"MyBot\""), "{cdk}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let bootstrap = created
                .dir
                .join("infra/test/fixtures/stand-in-asset/bootstrap");
            let mode = std::fs::metadata(bootstrap).unwrap().permissions().mode();
            assert_eq!(mode & 0o111, 0o111);
        }
        let next = created.to_string();
        assert!(
            next.contains("make demo") && next.contains("make test"),
            "{next}"
        );
        std::fs::remove_dir_all(parent).unwrap();
    }

    #[test]
    fn nothing_that_exists_is_overwritten() {
        let parent = temp();
        std::fs::create_dir(parent.join("taken")).unwrap();
        std::fs::write(parent.join("taken").join("keep.txt"), "mine").unwrap();
        std::fs::write(parent.join("file"), "mine").unwrap();
        let source = AckbotSource::default_git();
        for name in ["taken", "file"] {
            let err = create(&parent, name, &source).unwrap_err();
            assert!(matches!(err, NewError::Exists(_)), "{err}");
        }
        assert_eq!(
            std::fs::read_to_string(parent.join("taken/keep.txt")).unwrap(),
            "mine"
        );
        assert_eq!(std::fs::read_dir(parent.join("taken")).unwrap().count(), 1);
        assert_eq!(
            std::fs::read_to_string(parent.join("file")).unwrap(),
            "mine"
        );
        std::fs::remove_dir_all(parent).unwrap();
    }

    #[test]
    fn a_path_that_is_not_ackbot_is_refused_before_anything_is_written() {
        let parent = temp();
        let err = create(&parent, "mybot", &AckbotSource::Path(parent.clone())).unwrap_err();
        assert!(matches!(err, NewError::NotACheckout(_)), "{err}");
        assert!(!parent.join("mybot").exists());
        std::fs::remove_dir_all(parent).unwrap();
    }

    /// The new project's CDK app pins the same packages as ackbot's own, so the construct it packs
    /// from the checkout compiles against the versions it was tested with.
    #[test]
    fn the_new_infra_pins_what_ackbots_infra_pins() {
        let ours: serde_json::Value =
            serde_json::from_str(include_str!("../../infra/package.json")).unwrap();
        let theirs: serde_json::Value =
            serde_json::from_str(include_str!("template/infra/package.json.tmpl")).unwrap();
        let pinned = |pkg: &serde_json::Value, name: &str| {
            (pkg["dependencies"].get(name))
                .or(pkg["devDependencies"].get(name))
                .cloned()
                .unwrap_or_else(|| panic!("{name} is not pinned"))
        };
        for name in [
            "aws-cdk-lib",
            "cargo-lambda-cdk",
            "constructs",
            "aws-cdk",
            "typescript",
            "ts-node",
            "jest",
            "ts-jest",
            "@types/jest",
            "@types/node",
        ] {
            assert_eq!(pinned(&theirs, name), pinned(&ours, name), "{name}");
        }
        assert_eq!(
            theirs["dependencies"]["@ackbot/cdk"],
            "file:.ackbot/ackbot-cdk.tgz"
        );
        assert_eq!(ours["name"], "@ackbot/cdk");
    }

    #[test]
    fn the_git_default_points_at_the_repository() {
        let parent = temp();
        let created = create(&parent, "gitbot", &AckbotSource::default_git()).unwrap();
        let manifest = std::fs::read_to_string(created.dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains(r#"ackbot = { git = "https://github.com/ackbot/ackbot""#));
        assert!(!created.dir.join("Cargo.lock").exists());
        std::fs::remove_dir_all(parent).unwrap();
    }
}
