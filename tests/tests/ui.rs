//! Compile-time checks of `#[invect_table]` and `#[derive(InvectEnum)]`
//! (DESIGN.md "Compile-time checks"): each `tests/ui/<mistake>.rs` must fail
//! with the message in its `.stderr`; each `tests/ui/pass/*.rs` must compile
//! and run.
//!
//! Bless changed messages with `TRYBUILD=overwrite cargo test -p invect-tests
//! --test ui` and read the diff before committing.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/*.rs");
}
