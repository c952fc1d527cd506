//! The JSON shape of item states and events: which fields each status or action has.
//!
//! Item states and events are written as flat objects tagged by `status` or `action`.
//! Their fields are listed once, in tables ([`item_state::fields`](super::item_state)
//! and [`event::payload_fields`](super::event)); the readers check objects against them
//! and the JSON Schema is built from them.

use serde_json::{Map, Value as J, json};

/// The type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A string.
    Text,
    /// An RFC 3339 time.
    Time,
    /// `"markdown"`: the item state is the box as written.
    Origin,
    /// A [`Waiver`](super::Waiver).
    Waiver,
    /// A [`Voided`](super::Voided).
    Voided,
    /// An event's `seq`.
    Seq,
    /// A `sha256:` digest.
    Hash,
    /// An [`EventSignature`](crate::trust::EventSignature).
    Signature,
    /// An [`Evidence`](super::Evidence).
    Evidence,
}

/// One field of an object.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
    /// Required. `by` and `at` next to an `origin` are required unless the origin is
    /// given.
    pub(crate) required: bool,
}

pub(crate) const fn field(name: &'static str, ty: Ty, required: bool) -> Field {
    Field { name, ty, required }
}

/// Writes `key: value` into a map when there is a value.
pub(crate) fn put<M: serde::ser::SerializeMap, T: serde::Serialize + ?Sized>(
    m: &mut M,
    key: &str,
    value: Option<&T>,
) -> Result<(), M::Error> {
    match value {
        Some(v) => m.serialize_entry(key, v),
        None => Ok(()),
    }
}

fn is_stamp(name: &str) -> bool {
    name == "by" || name == "at"
}

/// Checks which fields an object has against `allowed`: none it does not list, all it
/// requires. `present` lists every optional field of the raw reader and whether it was
/// there; `what` names the object in messages (`an item that is `done``).
pub(crate) fn check(
    what: std::fmt::Arguments<'_>,
    allowed: &[Field],
    present: &[(&str, bool)],
) -> Result<(), String> {
    if let Some((name, _)) = present
        .iter()
        .find(|(name, is)| *is && !allowed.iter().any(|f| f.name == *name))
    {
        return Err(format!(
            "unknown field `{name}` for {what}, expected one of {}",
            allowed
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let has = |name: &str| present.iter().any(|(n, is)| *n == name && *is);
    let from_markdown = has("origin");
    if from_markdown && (has("by") || has("at")) {
        return Err("an item state from the Markdown (`origin`) has no `by` or `at`".into());
    }
    // In the table's order, so the first missing one is named.
    for f in allowed.iter().filter(|f| f.required) {
        let exempt = is_stamp(f.name) && from_markdown;
        if !has(f.name) && !exempt {
            return Err(format!("missing field `{}`", f.name));
        }
    }
    Ok(())
}

/// The JSON Schema of an object tagged `tag = value` with `common` fields (all required)
/// and then `fields`.
pub(crate) fn object_schema(
    tag: &str,
    value: &str,
    common: &[(&str, J)],
    fields: &[Field],
    generator: &mut schemars::SchemaGenerator,
) -> J {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, schema) in common {
        properties.insert((*name).into(), schema.clone());
        required.push(J::String((*name).into()));
    }
    properties.insert(tag.into(), json!({ "const": value }));
    required.push(J::String(tag.into()));
    let has_origin = fields.iter().any(|f| f.ty == Ty::Origin);
    for f in fields {
        let schema = match f.ty {
            Ty::Text => json!({ "type": "string" }),
            Ty::Time => json!({ "type": "string", "format": "date-time" }),
            Ty::Seq => json!({ "type": "integer", "format": "uint64", "minimum": 1 }),
            Ty::Origin => json!({
                "const": "markdown",
                "description": "The state is the box as written in the Markdown: no one put it there, so it has no `by` or `at`."
            }),
            Ty::Waiver => generator.subschema_for::<super::Waiver>().to_value(),
            Ty::Voided => generator.subschema_for::<super::Voided>().to_value(),
            Ty::Hash => json!({ "type": "string", "pattern": "^sha256:[0-9a-f]{64}$" }),
            Ty::Signature => generator
                .subschema_for::<crate::trust::EventSignature>()
                .to_value(),
            Ty::Evidence => generator.subschema_for::<super::Evidence>().to_value(),
        };
        let mut schema = schema;
        if let (Some(doc), Some(object)) = (describe(f.name), schema.as_object_mut()) {
            object
                .entry("description")
                .or_insert_with(|| J::String(doc.into()));
        }
        properties.insert(f.name.into(), schema);
        if f.required && !(is_stamp(f.name) && has_origin) {
            required.push(J::String(f.name.into()));
        }
    }
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if has_origin {
        // Either who and when, or the Markdown.
        schema["oneOf"] = json!([
            { "required": ["by", "at"], "not": { "required": ["origin"] } },
            {
                "required": ["origin"],
                "not": { "anyOf": [{ "required": ["by"] }, { "required": ["at"] }] }
            },
        ]);
    }
    schema
}

/// What a field means, for the schema's readers (the same name means the same thing in
/// item states and events).
fn describe(name: &str) -> Option<&'static str> {
    Some(match name {
        "by" => "Who made the change.",
        "at" => "When (UTC).",
        "note" => "A note from whoever did it.",
        "evidence" => "Evidence that it was done: a URL, a log line.",
        "reason" => "Why: not applicable, blocked, reopened, revoked, voided or reset.",
        "value" => "The value, in its canonical text form (a date as YYYY-MM-DD).",
        "role" => "The role signed or refused as.",
        "comment" => "The signer's comment (required when refusing).",
        "because" => "The covered item whose change voided the approval.",
        "cause" => "The event that made that change; absent when the checklist itself changed.",
        "covered" => {
            "What the approval covered: a digest of the covered items' ids, kinds and texts. A checklist edit that changes it voids the approval."
        }
        "signature" => {
            "The SSH signature of the principal who signed: the signer for a sign-off, the approver for a waiver."
        }
        "run" => "The run of the task's check: its command, exit status, output digest and tail.",
        "renamed_from" => {
            "The id the item had: the events recorded under it before this one are its history."
        }
        _ => return None,
    })
}
