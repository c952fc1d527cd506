//! Field values, checked against their [`FieldType`].

use std::fmt;

use chrono::NaiveDate;

use crate::spec::FieldType;

/// A field value that has been checked against its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Free text (never empty).
    Text(String),
    /// A calendar date.
    Date(NaiveDate),
    /// A finite decimal number, kept as written so it round-trips exactly.
    Number(String),
    /// An absolute URL.
    Url(String),
    /// One of an enum field's values.
    Enum(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Text(s) | Value::Number(s) | Value::Url(s) | Value::Enum(s) => f.write_str(s),
        }
    }
}

impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Self {
        Value::Date(d)
    }
}

/// Why a value does not fit a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {expected}: {why}")]
pub struct InvalidValue {
    /// The value as given.
    pub value: String,
    /// The field's type.
    pub expected: FieldType,
    /// What is wrong with it.
    pub why: String,
}

impl Value {
    /// Parses text as a value of `ty`.
    ///
    /// ```
    /// use checklist_core::{FieldType, Value};
    /// let d = Value::parse(&FieldType::Date, "2026-12-01").unwrap();
    /// assert_eq!(d.to_string(), "2026-12-01");
    /// assert!(Value::parse(&FieldType::Date, "tomorrow").is_err());
    /// assert!(Value::parse(&FieldType::Number, "1e3").is_ok());
    /// ```
    pub fn parse(ty: &FieldType, text: &str) -> Result<Value, InvalidValue> {
        let t = text.trim();
        let invalid = |why: &str| InvalidValue {
            value: text.to_string(),
            expected: ty.clone(),
            why: why.to_string(),
        };
        if t.is_empty() {
            return Err(invalid("the value is empty; use `clear` to empty a field"));
        }
        match ty {
            FieldType::Text => Ok(Value::Text(t.to_string())),
            FieldType::Date => NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map(Value::Date)
                .map_err(|_| invalid("a date is written YYYY-MM-DD, e.g. 2026-12-01")),
            FieldType::Number => match t.parse::<f64>() {
                Ok(n)
                    if n.is_finite()
                        && !t.contains(|c: char| c.is_alphabetic() && c != 'e' && c != 'E') =>
                {
                    Ok(Value::Number(t.to_string()))
                }
                _ => Err(invalid("a number is written like 42, -3.5 or 1e6")),
            },
            FieldType::Url => {
                if is_url(t) {
                    Ok(Value::Url(t.to_string()))
                } else {
                    Err(invalid("a URL is absolute, e.g. https://example.com/path"))
                }
            }
            FieldType::Enum(values) => {
                if values.iter().any(|v| v == t) {
                    Ok(Value::Enum(t.to_string()))
                } else {
                    Err(invalid(&format!("expected one of: {}", values.join(", "))))
                }
            }
        }
    }

    /// Checks an already typed value against `ty` (a date for a date field, a listed value
    /// for an enum field, ...).
    pub fn check(self, ty: &FieldType) -> Result<Value, InvalidValue> {
        let ok = matches!(
            (&self, ty),
            (Value::Text(_), FieldType::Text)
                | (Value::Date(_), FieldType::Date)
                | (Value::Number(_), FieldType::Number)
                | (Value::Url(_), FieldType::Url)
                | (Value::Enum(_), FieldType::Enum(_))
        );
        if !ok {
            return Err(InvalidValue {
                value: self.to_string(),
                expected: ty.clone(),
                why: format!("a {} value does not fit this field", self.type_name()),
            });
        }
        // Re-parse the text form: this checks enum membership, emptiness, URL form.
        Value::parse(ty, &self.to_string())
    }

    fn type_name(&self) -> &'static str {
        match self {
            Value::Text(_) => "text",
            Value::Date(_) => "date",
            Value::Number(_) => "number",
            Value::Url(_) => "url",
            Value::Enum(_) => "enum",
        }
    }
}

fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && rest
            .split(['/', '?', '#'])
            .next()
            .is_some_and(|host| !host.is_empty())
        && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_by_type() {
        assert!(Value::parse(&FieldType::Text, "  ").is_err());
        assert_eq!(
            Value::parse(&FieldType::Text, " Alice ").unwrap(),
            Value::Text("Alice".into())
        );
        assert!(Value::parse(&FieldType::Date, "2026-02-30").is_err());
        assert!(Value::parse(&FieldType::Number, "NaN").is_err());
        assert!(Value::parse(&FieldType::Number, "inf").is_err());
        assert_eq!(
            Value::parse(&FieldType::Number, "1.50")
                .unwrap()
                .to_string(),
            "1.50"
        );
        assert!(Value::parse(&FieldType::Url, "example.com").is_err());
        assert!(Value::parse(&FieldType::Url, "https://").is_err());
        assert!(Value::parse(&FieldType::Url, "https://ci.example.com/run/1").is_ok());
        let e = FieldType::Enum(vec!["low".into(), "high".into()]);
        assert!(Value::parse(&e, "high").is_ok());
        let err = Value::parse(&e, "mid").unwrap_err();
        assert!(err.to_string().contains("low, high"), "{err}");
    }

    #[test]
    fn typed_values_must_fit() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(Value::Date(d).check(&FieldType::Date).is_ok());
        assert!(Value::Date(d).check(&FieldType::Text).is_err());
        let e = FieldType::Enum(vec!["a".into()]);
        assert!(Value::Enum("b".into()).check(&e).is_err());
    }
}
