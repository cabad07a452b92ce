//! Reading `.env` as `serve` and `doctor` do, and saying why it failed without quoting it.

use std::path::{Path, PathBuf};

/// Where dotenvy looks: `.env` in the current directory or the nearest parent that has one.
pub(crate) fn find_dotenv() -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?;
    here.ancestors()
        .map(|dir| dir.join(".env"))
        .find(|candidate| candidate.is_file())
}

/// Why `.env` could not be read, in words that never quote the file: dotenvy's own message for a
/// malformed line repeats the line, and that line may hold a secret.
pub(crate) fn unreadable(error: &dotenvy::Error, path: Option<&Path>) -> String {
    let file = path.map_or_else(|| ".env".to_string(), |p| p.display().to_string());
    match error {
        dotenvy::Error::LineParse(text, _) => {
            // dotenvy reports the whole line, or only the value after `=`: find the line it
            // ends, and take the name from there.
            let text = text.trim_end();
            let contents = path.and_then(|p| std::fs::read_to_string(p).ok());
            let found = contents.as_deref().and_then(|c| {
                c.lines()
                    .enumerate()
                    .find(|(_, l)| !text.is_empty() && l.trim_end().ends_with(text))
                    .map(|(i, l)| (i + 1, variable_name(l)))
            });
            let at = match found {
                Some((number, Some(name))) => format!("line {number} ({name})"),
                Some((number, None)) => format!("line {number}"),
                None => "a line".to_string(),
            };
            format!(
                "{file}: {at} is not of the form NAME=value (quote values with spaces or #), so \
                 it and the lines after it are not read"
            )
        }
        dotenvy::Error::Io(e) => format!("{file} could not be read: {e}"),
        dotenvy::Error::EnvVar(e) => format!("{file} refers to a variable that is not usable: {e}"),
        _ => format!("{file} could not be read"),
    }
}

/// The name on a malformed `.env` line, when it plainly is one (never a pasted value).
pub(crate) fn variable_name(line: &str) -> Option<&str> {
    let (name, _) = line.split_once('=')?;
    let name = name.trim();
    let name = name.strip_prefix("export ").unwrap_or(name).trim();
    let plausible = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    plausible.then_some(name)
}
