//! Front matter: `+++` TOML that configures the checklist, or `---` YAML that belongs to
//! another tool (GitHub issue templates, Hugo) and is kept verbatim.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

/// The front matter found at the top of a file.
#[derive(Debug)]
pub(crate) enum Found<'a> {
    /// None: the Markdown starts at byte 0.
    None,
    /// `+++` TOML; `body` is the text between the fences.
    Toml {
        body: &'a str,
        body_start: usize,
        end: usize,
    },
    /// `---` YAML; kept, never interpreted.
    Yaml { body: &'a str, end: usize },
    /// A `+++` line with no closing `+++`.
    UnclosedToml { first_line: Range<usize> },
}

/// Splits `source` into lines with their byte ranges, excluding the line ending.
fn lines(source: &str) -> impl Iterator<Item = (Range<usize>, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= source.len() {
            return None;
        }
        let rest = &source[pos..];
        let (len, eol) = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => (i, 2),
            Some(i) => (i, 1),
            None => (rest.len(), 0),
        };
        let range = pos..pos + len;
        pos += len + eol;
        Some((range, pos))
    })
}

/// Finds front matter at the very top of `source`.
pub(crate) fn find(source: &str) -> Found<'_> {
    let mut it = lines(source);
    let Some((first, after_first)) = it.next() else {
        return Found::None;
    };
    let fence = source[first.clone()].trim_end();
    if fence == "+++" {
        for (line, next) in it {
            if source[line.clone()].trim_end() == "+++" {
                return Found::Toml {
                    body: &source[after_first..line.start],
                    body_start: after_first,
                    end: next,
                };
            }
        }
        return Found::UnclosedToml { first_line: first };
    }
    if fence == "---" {
        // As GitHub and pulldown-cmark do: the block must not start with a blank line,
        // otherwise `---` is a thematic break.
        let mut it = it.peekable();
        match it.peek() {
            Some((l, _)) if !source[l.clone()].trim().is_empty() => {}
            _ => return Found::None,
        }
        for (line, next) in it {
            let t = source[line.clone()].trim_end();
            if t == "---" || t == "..." {
                return Found::Yaml {
                    body: &source[after_first..line.start],
                    end: next,
                };
            }
        }
    }
    Found::None
}

/// The TOML schema of `+++` front matter.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatter {
    pub(crate) id: Option<Spanned<String>>,
    pub(crate) title: Option<String>,
    pub(crate) version: Option<Spanned<Version>>,
    pub(crate) description: Option<String>,
    pub(crate) signoff_gate: Option<Spanned<String>>,
    pub(crate) roles: Option<Roles>,
    pub(crate) signatures: Option<Spanned<Signatures>>,
    #[serde(default)]
    pub(crate) gates: BTreeMap<Spanned<String>, GateDecl>,
    #[serde(default)]
    pub(crate) items: BTreeMap<Spanned<String>, ItemOverride>,
    #[serde(default)]
    pub(crate) checks: BTreeMap<Spanned<String>, CheckDecl>,
}

/// `[checks."id"]`: the command that verifies one task.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckDecl {
    pub(crate) run: Spanned<String>,
    pub(crate) timeout: Option<Spanned<String>>,
    pub(crate) valid_for: Option<Spanned<String>>,
}

/// `version = ...`: a string, or an integer (`version = 2`, kept as the string `"2"`).
/// A float is read too, so that the resolver can point at it and suggest quotes: TOML
/// would turn `2.10` into `2.1`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Version {
    Text(String),
    Float,
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Version;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version: a string or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Version, E> {
                Ok(Version::Text(v.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Version, E> {
                Ok(Version::Text(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Version, E> {
                Ok(Version::Text(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Version, E> {
                Ok(Version::Text(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Version, E> {
                Ok(Version::Float)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `roles = ["a", "b"]` names the roles; `[roles]` with `a = ["ana@example.com"]` also
/// binds each to the principals who hold it.
#[derive(Debug)]
pub(crate) enum Roles {
    Names(Vec<Spanned<String>>),
    Bound(BTreeMap<Spanned<String>, Vec<Spanned<String>>>),
}

impl<'de> Deserialize<'de> for Roles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // By hand rather than `untagged`, which would lose the spans.
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Roles;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of role names, or a table of role = [principals]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Roles, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<Spanned<String>>()? {
                    names.push(name);
                }
                Ok(Roles::Names(names))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Roles, A::Error> {
                let mut table = BTreeMap::new();
                while let Some(role) = map.next_key::<Spanned<String>>()? {
                    let principals = map.next_value::<Vec<Spanned<String>>>()?;
                    table.insert(role, principals);
                }
                Ok(Roles::Bound(table))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// `[signatures]`: where the allowed-signers file is, and whether sign-offs must be signed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Signatures {
    pub(crate) allowed_signers: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) required: bool,
}

/// `[gates.NAME]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GateDecl {
    pub(crate) description: Option<String>,
    pub(crate) include: Vec<Spanned<String>>,
    #[serde(default)]
    pub(crate) exclude: Vec<Spanned<String>>,
}

/// `[items."id"]`: overrides for one item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemOverride {
    #[serde(rename = "type")]
    pub(crate) field_type: Option<Spanned<String>>,
    pub(crate) role: Option<Spanned<String>>,
    pub(crate) optional: Option<bool>,
}

/// A TOML error with its byte range inside the body.
pub(crate) struct TomlError {
    pub(crate) range: Option<Range<usize>>,
    pub(crate) message: String,
}

/// Parses the body of `+++` front matter.
pub(crate) fn parse_toml(body: &str) -> Result<FrontMatter, TomlError> {
    toml::from_str::<FrontMatter>(body).map_err(|e| TomlError {
        range: e.span(),
        message: e.message().trim_end().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_toml_and_yaml() {
        let src = "+++\nid = \"x\"\n+++\n# T\n";
        match find(src) {
            Found::Toml {
                body,
                body_start,
                end,
            } => {
                assert_eq!(body, "id = \"x\"\n");
                assert_eq!(body_start, 4);
                assert_eq!(&src[end..], "# T\n");
            }
            other => panic!("{other:?}"),
        }
        match find("---\nname: x\n---\nbody") {
            Found::Yaml { body, .. } => assert_eq!(body, "name: x\n"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(find("---\n\nx\n---\n"), Found::None));
        assert!(matches!(find("+++\nid = 1\n"), Found::UnclosedToml { .. }));
        assert!(matches!(
            find("+++\r\nid = \"a\"\r\n+++\r\n"),
            Found::Toml { .. }
        ));
    }

    #[test]
    fn a_version_is_a_string_or_an_integer() {
        let version = |body: &str| parse_toml(body).ok().unwrap().version.unwrap();
        assert_eq!(
            version("version = \"2.1.0\"\n").into_inner(),
            Version::Text("2.1.0".into())
        );
        assert_eq!(
            version("version = 2\n").into_inner(),
            Version::Text("2".into())
        );
        let float = version("version = 2.1\n");
        assert_eq!(float.span(), 10..13);
        assert_eq!(float.into_inner(), Version::Float);
        assert!(parse_toml("version = true\n").is_err());
    }

    #[test]
    fn roles_are_a_list_or_a_binding() {
        let fm = parse_toml("roles = [\"lead\"]\n").ok().unwrap();
        assert!(matches!(fm.roles, Some(Roles::Names(n)) if n.len() == 1));
        let fm = parse_toml("[roles]\nlead = [\"ana@example.com\", \"li@example.com\"]\n[signatures]\nallowed_signers = \"a\"\nrequired = true\n")
            .ok()
            .unwrap();
        match fm.roles {
            Some(Roles::Bound(t)) => assert_eq!(t.values().next().unwrap().len(), 2),
            other => panic!("{other:?}"),
        }
        assert!(fm.signatures.unwrap().get_ref().required);
        assert!(parse_toml("roles = 3\n").is_err());
    }

    #[test]
    fn toml_errors_carry_a_span() {
        let err = parse_toml("id = \"x\"\nbogus = 1\n").err().unwrap();
        let range = err.range.unwrap();
        assert_eq!(range.start, 9);
        assert!(err.message.contains("bogus"), "{}", err.message);
    }
}
