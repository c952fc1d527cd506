//! The typed JSON Schema that `checklist!` generates lists exactly the ids that
//! `checklist ids` prints, and `checklist schema` agrees with it: code and shell see one
//! checklist.

use assert_cmd::Command;

checklist_md::checklist!(
    Gated,
    "../examples/checklists/production-deployment-gated.md"
);

const FILE: &str = "../examples/checklists/production-deployment-gated.md";

#[test]
fn typed_schema_lists_exactly_the_ids_the_cli_prints() {
    let out = Command::cargo_bin("checklist")
        .unwrap()
        .args(["ids", FILE])
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(printed.len(), 177);

    let typed = schemars::schema_for!(checklist_md::typed::TypedState<Gated>).to_value();
    let props = typed["properties"]["items"]["properties"]
        .as_object()
        .unwrap();
    let mut typed_ids: Vec<&String> = props.keys().collect();
    let mut cli_ids: Vec<&String> = printed.iter().collect();
    typed_ids.sort();
    cli_ids.sort();
    assert_eq!(typed_ids, cli_ids);
    let required: Vec<&str> = typed["properties"]["items"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, printed, "required ids in document order");

    let out = Command::cargo_bin("checklist")
        .unwrap()
        .args(["schema", FILE])
        .output()
        .unwrap();
    let from_cli: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        from_cli["properties"]["items"], typed["properties"]["items"],
        "the CLI's schema and the typed schema describe the same items"
    );
}
