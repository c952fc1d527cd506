//! The expansion of a small checklist that uses every construct of the language,
//! formatted with prettyplease and reviewed as a snapshot.

use quote::quote;

const EVERY_CONSTRUCT: &str = r#"+++
id = "small"
version = "2.1.0"
signoff_gate = "ship"
roles = ["qa", "release-manager"]

[gates.ship]
description = "Ready to ship"
include = ["build/**", "sign-off/**", "schedule/ship-date"]
exclude = ["build/docs-built"]

[items."schedule/budget"]
type = "number"
+++
# Small Release

Release checklist of a small service.

## Build

- [ ] Tests pass
  - [ ] Unit tests
  - [ ] Integration tests (optional)
- [x] Lint clean
- [~] Docs built
- Platforms
  - [ ] Linux build
  - [ ] macOS build (if applicable)

```sh
cargo test --workspace
```

Schedule
--------

1. [ ] Freeze branch
2. [ ] Tag release {#tag}
3. [ ] Publish (if needed)

- [ ] Ship Date: ____
- [ ] Budget: ____
- [ ] Dashboard: ____ {type=url}
- [ ] Risk: ____ {type="enum(low|medium|high)"}

> Note: keep the freeze short.

## Sign-Off

- [ ] QA Approval: ____
- [ ] Release Manager: ____
- [ ] Final go {.signoff role=release-manager}
"#;

#[test]
fn expansion_of_every_construct() {
    let tokens = checklist_codegen::expand_in(quote!(pub Small, inline #EVERY_CONSTRUCT), None);
    let file: syn::File = syn::parse2(tokens).expect("the expansion is valid Rust");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn errors_expand_to_compile_error_and_never_panic() {
    for input in [
        quote!(pub Small, inline "- [ ] a {#Bad Id}\n"),
        quote!(pub Small, "no/such/file.md"),
        quote!(pub Small, "/abs/file.md"),
        quote!(pub Small inline "x"),
        quote!(),
        quote!(pub Small, inline "## A 1\n- [ ] x\n## A1\n- [ ] y\n"),
    ] {
        let out = checklist_codegen::expand_in(input, Some(std::path::Path::new("/nonexistent")))
            .to_string();
        assert!(out.contains("compile_error"), "{out}");
    }
}
