//! Nothing to use: this package's tests (`tests/ui.rs`) pin what the compiler tells a bot author
//! who writes a handler wrong — `#[diagnostic::on_unimplemented]` on `Handler`, `FromIncoming`
//! and `IntoOutput`.
