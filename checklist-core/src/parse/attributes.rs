//! Attribute blocks: a trailing `{#my-id .optional .signoff type=date role=sre}` on an
//! item or heading (markdown-it-attrs style).

use std::ops::Range;

/// Where a trailing attribute block sits in a line of item or heading source.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Trailing<'a> {
    /// No attribute block.
    None,
    /// `{...}` at the end: its byte range in the raw text and its content.
    Block {
        range: Range<usize>,
        content: &'a str,
    },
    /// A `{#` / `{.` / `{key=` that never closes.
    Unclosed { start: usize },
}

/// Finds a trailing attribute block in `raw` (the item's source text).
///
/// Only a brace group at the very end counts, and only when it starts like attributes
/// (`#`, `.` or `key=`): `Use {} in templates` and `{braces} mid text` stay text.
pub(crate) fn find_trailing(raw: &str) -> Trailing<'_> {
    let trimmed = raw.trim_end();
    // `{` is one byte: `memrchr` finds it without `rfind`'s char searcher, whose inlining
    // (it runs for every item) varies with where the compiler places this function.
    if let Some(open) = memchr::memrchr(b'{', trimmed.as_bytes()) {
        let after = &trimmed[open + 1..];
        if !looks_like_attributes(after) {
            return Trailing::None;
        }
        if let Some(content) = after.strip_suffix('}') {
            if !content.contains('}') {
                return Trailing::Block {
                    range: open..trimmed.len(),
                    content,
                };
            }
            return Trailing::None;
        }
        if !after.contains('}') {
            return Trailing::Unclosed { start: open };
        }
    }
    Trailing::None
}

fn looks_like_attributes(after_brace: &str) -> bool {
    let s = after_brace.trim_start();
    if s.starts_with('#') || s.starts_with('.') {
        return true;
    }
    // key=value, where key is an identifier
    let key_end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(s.len());
    key_end > 0 && s[key_end..].starts_with('=')
}

/// One parsed attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Attribute {
    /// `#id`
    Id(String),
    /// `.class`
    Class(String),
    /// `key=value`
    Pair(String, String),
}

/// An attribute with its byte range inside the block content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spanned {
    pub(crate) attribute: Attribute,
    pub(crate) range: Range<usize>,
}

/// Why an attribute block could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttributeError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// Splits block content into attributes: whitespace-separated `#id`, `.class`,
/// `key=value`, `key="quoted value"` or `key='quoted value'`.
pub(crate) fn parse(content: &str) -> Result<Vec<Spanned>, AttributeError> {
    let mut out = Vec::new();
    let bytes = content.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        match bytes[i] {
            b'#' | b'.' => {
                let end = token_end(content, i + 1);
                let name = &content[i + 1..end];
                if name.is_empty() {
                    return Err(AttributeError {
                        offset: start,
                        message: format!("`{}` with no name after it", bytes[i] as char),
                    });
                }
                let attribute = if bytes[i] == b'#' {
                    Attribute::Id(name.to_string())
                } else {
                    Attribute::Class(name.to_string())
                };
                out.push(Spanned {
                    attribute,
                    range: start..end,
                });
                i = end;
            }
            _ => {
                let key_end = content[i..]
                    .find(|c: char| c == '=' || c.is_whitespace())
                    .map_or(content.len(), |k| i + k);
                let key = &content[i..key_end];
                if !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    || bytes.get(key_end) != Some(&b'=')
                {
                    return Err(AttributeError {
                        offset: start,
                        message: format!(
                            "expected `#id`, `.class` or `key=value`, found `{}`",
                            &content[i..token_end(content, i)]
                        ),
                    });
                }
                let value_start = key_end + 1;
                let (value, end) = match bytes.get(value_start) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let close = content[value_start + 1..]
                            .find(q as char)
                            .map(|k| value_start + 1 + k)
                            .ok_or_else(|| AttributeError {
                                offset: value_start,
                                message: format!("the quote `{}` is never closed", q as char),
                            })?;
                        (content[value_start + 1..close].to_string(), close + 1)
                    }
                    _ => {
                        let end = token_end(content, value_start);
                        (content[value_start..end].to_string(), end)
                    }
                };
                if value.is_empty() {
                    return Err(AttributeError {
                        offset: start,
                        message: format!("`{key}=` has no value"),
                    });
                }
                out.push(Spanned {
                    attribute: Attribute::Pair(key.to_string(), value),
                    range: start..end,
                });
                i = end;
            }
        }
    }
    Ok(out)
}

fn token_end(s: &str, from: usize) -> usize {
    s[from..]
        .find(char::is_whitespace)
        .map_or(s.len(), |k| from + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_trailing_blocks_only() {
        assert_eq!(
            find_trailing("Ship it {#ship .optional}  "),
            Trailing::Block {
                range: 8..25,
                content: "#ship .optional"
            }
        );
        assert_eq!(find_trailing("Use {} in templates"), Trailing::None);
        assert_eq!(find_trailing("Render {name}"), Trailing::None);
        assert_eq!(
            find_trailing("Ship it {#ship"),
            Trailing::Unclosed { start: 8 }
        );
        assert_eq!(
            find_trailing("Date {type=date"),
            Trailing::Unclosed { start: 5 }
        );
    }

    #[test]
    fn parses_every_attribute_form() {
        let attrs = parse(r#"#id .optional type=enum(a|b) role="site reliability" x='y z'"#)
            .unwrap()
            .into_iter()
            .map(|s| s.attribute)
            .collect::<Vec<_>>();
        assert_eq!(
            attrs,
            vec![
                Attribute::Id("id".into()),
                Attribute::Class("optional".into()),
                Attribute::Pair("type".into(), "enum(a|b)".into()),
                Attribute::Pair("role".into(), "site reliability".into()),
                Attribute::Pair("x".into(), "y z".into()),
            ]
        );
    }

    #[test]
    fn reports_unreadable_blocks() {
        assert!(parse("#").is_err());
        assert!(parse("role=\"open").is_err());
        assert!(parse("bare").is_err());
        assert!(parse("type=").is_err());
    }
}
