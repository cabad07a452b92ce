//! What a bot author reads when a handler is wrong: the compiler's message names the mistake
//! (`#[diagnostic::on_unimplemented]` on `Handler`, `FromIncoming` and `IntoOutput`).

#[test]
fn mistakes_are_named_in_the_compilers_message() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
