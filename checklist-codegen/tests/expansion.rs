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

/// The field names of every generated struct, in order, by struct name.
fn fields(tokens: proc_macro2::TokenStream) -> Vec<(String, Vec<String>)> {
    let file: syn::File = syn::parse2(tokens).expect("the expansion is valid Rust");
    let mut out = Vec::new();
    for item in file.items {
        let syn::Item::Mod(m) = item else { continue };
        for item in m.content.map(|(_, items)| items).unwrap_or_default() {
            if let syn::Item::Struct(s) = item {
                let names = s
                    .fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                    .collect();
                out.push((s.ident.to_string(), names));
            }
        }
    }
    out
}

fn struct_fields(all: &[(String, Vec<String>)], name: &str) -> Vec<String> {
    all.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no struct `{name}` in {all:?}"))
        .1
        .clone()
}

#[test]
fn chinese_cyrillic_and_german_ids_make_readable_rust_names() {
    let chinese = "# 发布清单\n\n## 代码质量\n\n- [ ] 所有代码审查完成\n- [ ] 单元测试通过\n";
    let all = fields(checklist_codegen::expand_in(
        quote!(pub Release, inline #chinese),
        None,
    ));
    assert_eq!(struct_fields(&all, "Items"), ["代码质量"]);
    assert_eq!(
        struct_fields(&all, "代码质量"),
        ["所有代码审查完成", "单元测试通过"]
    );

    let cyrillic = "# Выпуск\n\n## Проверка безопасности\n\n- [ ] Аудит зависимостей проведён\n";
    let all = fields(checklist_codegen::expand_in(
        quote!(pub Release, inline #cyrillic),
        None,
    ));
    assert_eq!(struct_fields(&all, "Items"), ["проверка_безопасности"]);
    assert_eq!(
        struct_fields(&all, "ПроверкаБезопасности"),
        ["аудит_зависимостей_проведён"]
    );

    let german = "# Freigabe\n\n## Überprüfung der Sicherheit\n\n- [ ] Abhängigkeiten geprüft\n- [ ] Straße gesperrt\n";
    let all = fields(checklist_codegen::expand_in(
        quote!(pub Release, inline #german),
        None,
    ));
    assert_eq!(struct_fields(&all, "Items"), ["überprüfung_der_sicherheit"]);
    assert_eq!(
        struct_fields(&all, "ÜberprüfungDerSicherheit"),
        ["abhängigkeiten_geprüft", "straße_gesperrt"]
    );
}

#[test]
fn unicode_names_that_meet_are_a_clash_naming_both_items() {
    // `x²` and `x2` are different ids (`x²`, `x2`), but both make the Rust name `x2`.
    let out = checklist_codegen::expand_in(quote!(pub Plan, inline "- [ ] x²\n- [ ] x2\n"), None)
        .to_string();
    assert!(out.contains("compile_error"), "{out}");
    assert!(
        out.contains("item `x2` and item `x²` (line 1) both become the Rust field name `x2`"),
        "{out}"
    );
}

#[test]
fn the_facade_path_can_be_given_in_the_input() {
    let out = checklist_codegen::expand_in(
        quote!(#[checklist(crate = "::cl")] #[doc = "Kept."] pub Release, inline "- [ ] Ship it\n"),
        None,
    )
    .to_string();
    assert!(out.contains(":: cl :: typed :: Task"), "{out}");
    assert!(!out.contains(":: checklist_md ::"), "{out}");
    // The option is the macro's: it does not end up on the generated type.
    assert!(!out.contains("# [checklist"), "{out}");
    assert!(out.contains("Kept."), "{out}");

    let out = checklist_codegen::expand_in(quote!(pub Release, inline "- [ ] Ship it\n"), None)
        .to_string();
    assert!(out.contains(":: checklist_md :: typed :: Task"), "{out}");

    for bad in [
        quote!(#[checklist(krate = "::cl")] pub Release, inline "- [ ] a\n"),
        quote!(#[checklist(crate = "not a path")] pub Release, inline "- [ ] a\n"),
        quote!(#[checklist(crate = "::a", crate = "::b")] pub Release, inline "- [ ] a\n"),
    ] {
        let out = checklist_codegen::expand_in(bad, None).to_string();
        assert!(out.contains("compile_error"), "{out}");
    }
}
