//! Compile-time behaviour of `#[rpc_runtime::service]`: what compiles, and the errors for
//! what does not, each pointing at the user's token.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
