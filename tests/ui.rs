//! Compile-fail and compile-pass tests of `checklist!` (trybuild). Each `.stderr` next
//! to a failing case is the exact error a user sees.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
