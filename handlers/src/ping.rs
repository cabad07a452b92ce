/// Answers `pong`.
pub async fn ping() -> &'static str {
    "pong"
}
