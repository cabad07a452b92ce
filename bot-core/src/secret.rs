//! Secrets (signing secrets, access tokens) as `secrecy` keeps them: never shown by `Debug`, read
//! only through [`ExposeSecret`].

pub use secrecy::{ExposeSecret, SecretString};

/// Whether the secret is empty or only white space.
pub fn is_blank(secret: &SecretString) -> bool {
    secret.expose_secret().trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_itself() {
        let s = SecretString::from("xoxb-very-secret");
        assert!(!format!("{s:?}").contains("very-secret"));
        assert_eq!(s.expose_secret(), "xoxb-very-secret");
        assert!(is_blank(&SecretString::from("  ")));
        assert!(!is_blank(&s));
    }
}
