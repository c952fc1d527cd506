//! The JSON Schemas of the state document: of any document, and of one checklist's.

use crate::spec::Spec;
use crate::state::Kind;

use super::{Document, FORMAT};

/// The JSON Schema of any state document.
pub fn generic_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(Document).to_value();
    // The loader reads exactly one format; say so, so the schema refuses what it refuses.
    schema["properties"]["format"]["const"] = serde_json::Value::String(FORMAT.to_string());
    schema
}

/// The JSON Schema of the state document of one checklist: `items` has exactly this
/// checklist's ids as properties (all required, no others), and each id only admits the
/// statuses of its kind.
///
/// ```
/// let spec = checklist_core::Spec::parse("- [ ] a\n- [ ] Due Date: ___\n")?;
/// let schema = checklist_core::document::schema_for_spec(&spec);
/// let items = &schema["properties"]["items"];
/// assert_eq!(items["additionalProperties"], false);
/// assert!(items["properties"].get("a").is_some());
/// assert!(items["properties"].get("due-date").is_some());
/// # Ok::<(), checklist_core::Diagnostics>(())
/// ```
pub fn schema_for_spec(spec: &Spec) -> serde_json::Value {
    use serde_json::{Value as J, json};
    let mut schema = generic_schema();
    let variants = schema
        .pointer("/$defs/ItemState/oneOf")
        .and_then(J::as_array)
        .cloned()
        .unwrap_or_default();
    let status_of = |v: &J| {
        v.pointer("/properties/status/const")
            .and_then(J::as_str)
            .map(str::to_string)
    };
    let mut defs = serde_json::Map::new();
    for kind in Kind::ALL {
        let statuses: Vec<&str> = kind.statuses().map(|s| s.as_str()).collect();
        let one_of: Vec<J> = variants
            .iter()
            .filter(|v| status_of(v).is_some_and(|s| statuses.contains(&s.as_str())))
            .cloned()
            .collect();
        defs.insert(def_name(kind).to_string(), json!({ "oneOf": one_of }));
    }
    let mut properties = serde_json::Map::new();
    for item in spec.items() {
        let def = def_name(Kind::of(item.kind()));
        let mut prop = json!({ "$ref": format!("#/$defs/{def}") });
        prop["description"] = J::String(item.text().to_string());
        properties.insert(item.id().to_string(), prop);
    }
    let required: Vec<J> = spec
        .items()
        .iter()
        .map(|i| J::String(i.id().to_string()))
        .collect();
    if let Some(d) = schema.get_mut("$defs").and_then(J::as_object_mut) {
        d.extend(defs);
    }
    schema["title"] = J::String(format!("State of checklist `{}`", spec.id()));
    schema["properties"]["items"] = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    schema["properties"]["checklist"]["properties"]["id"]["const"] =
        J::String(spec.id().to_string());
    schema
}

/// The name of the schema definition for the state of an item of `kind`.
fn def_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Task => "TaskState",
        Kind::Field => "FieldState",
        Kind::SignOff => "SignOffState",
    }
}
