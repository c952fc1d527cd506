//! [`EventSignature`]: what a signed event carries, and its JSON.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Fingerprint, Signature};
use crate::state::EventHash;

/// The signature of a signed event: the SSHSIG signature, and the digest of the spec
/// the signer saw (it is part of the signed message; a later checklist edit changes the
/// spec's digest but not what was signed).
///
/// In JSON: `{"spec": "sha256:…", "sshsig": "-----BEGIN SSH SIGNATURE-----…"}`, the
/// armored text `ssh-keygen -Y sign` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSignature {
    spec: String,
    signature: Signature,
}

impl EventSignature {
    /// A signature made over an event's message for the spec of digest `spec`.
    pub fn new(spec: String, signature: Signature) -> Self {
        EventSignature { spec, signature }
    }

    /// The digest of the spec the signer saw.
    pub fn spec(&self) -> &str {
        &self.spec
    }

    /// The SSHSIG signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The signing key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.signature.public_key().fingerprint()
    }

    /// The bytes the event's hash covers (extension tag 2): the spec digest,
    /// varint-length-prefixed, then the SSHSIG blob.
    pub(crate) fn encoded(&self) -> Vec<u8> {
        use crate::state::event::Sink;
        let blob = self.signature.to_blob();
        let mut out = Vec::with_capacity(blob.len() + self.spec.len() + 2);
        out.prefixed(self.spec.as_bytes());
        out.extend_from_slice(&blob);
        out
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw<'a> {
    #[serde(borrow)]
    spec: Cow<'a, str>,
    #[serde(borrow)]
    sshsig: Cow<'a, str>,
}

impl Serialize for EventSignature {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Raw {
            spec: Cow::Borrowed(&self.spec),
            sshsig: Cow::Owned(self.signature.to_armored()),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for EventSignature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Raw::deserialize(d)?;
        raw.spec
            .parse::<EventHash>()
            .map_err(serde::de::Error::custom)?;
        let signature = Signature::from_armored(&raw.sshsig)
            .map_err(|e| serde::de::Error::custom(format!("`sshsig`: {e}")))?;
        Ok(EventSignature {
            spec: raw.spec.into_owned(),
            signature,
        })
    }
}

impl JsonSchema for EventSignature {
    fn schema_name() -> Cow<'static, str> {
        "Signature".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::Schema::try_from(serde_json::json!({
            "type": "object",
            "description": "An SSH signature (OpenSSH SSHSIG, namespace `checklist`) over the event's signed message: the checklist id, the spec digest below, and the event with the previous event's hash.",
            "properties": {
                "spec": {
                    "type": "string",
                    "pattern": "^sha256:[0-9a-f]{64}$",
                    "description": "The digest of the checklist the signer saw."
                },
                "sshsig": {
                    "type": "string",
                    "description": "The signature, armored as `ssh-keygen -Y sign` writes it."
                }
            },
            "required": ["spec", "sshsig"],
            "additionalProperties": false
        }))
        .unwrap_or_default()
    }
}
