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
            FieldType::Date => parse_date(t)
                .map(Value::Date)
                .ok_or_else(|| invalid("a date is written YYYY-MM-DD, e.g. 2026-12-01")),
            FieldType::Number => match number(t) {
                Ok(()) => Ok(Value::Number(t.to_string())),
                Err(why) => Err(invalid(&why)),
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

/// A date written exactly `YYYY-MM-DD`, years 0001 to 9999: no sign, no missing zeros
/// (`2026-2-3`), no other width, as ISO 8601's calendar date and RFC 3339 have it.
///
/// ```
/// use checklist_core::value::parse_date;
/// assert!(parse_date("2026-02-03").is_some());
/// for bad in ["2026-2-3", "+2026-01-01", "0000-01-01", "2026-02-30", "20260203", " 2026-02-03"] {
///     assert!(parse_date(bad).is_none(), "{bad}");
/// }
/// ```
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range.clone())?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if year == 0 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Checks that `text` is a decimal number that an `f64` holds exactly as written: digits
/// with an optional sign, fraction and exponent, neither overflowing (`1e999`) nor
/// underflowing (`1e-400` would be 0) nor losing digits (`0.12345678901234567890`).
/// Trailing zeros are fine (`1.50` is 1.5).
fn number(text: &str) -> Result<(), String> {
    let written = "a number is written like 42, -3.5 or 1e6";
    let Some(decimal) = Decimal::parse(text) else {
        return Err(written.into());
    };
    let x: f64 = text.parse().map_err(|_| written.to_string())?;
    if !x.is_finite() {
        return Err("the number is too large to store".into());
    }
    // `{:e}` writes the shortest digits that read back as `x`: the number survives the
    // round trip exactly when they denote the value written.
    let stored = format!("{x:e}");
    match Decimal::parse(&stored) {
        Some(back) if back == decimal => Ok(()),
        _ if x == 0.0 => Err("the number is too small to store: it would become 0".into()),
        _ => Err(format!(
            "the number cannot be stored exactly: it would become {}",
            Decimal::parse(&stored).map_or(stored.clone(), |d| d.to_string())
        )),
    }
}

/// A decimal number's value: its sign, significant digits and the power of ten of the
/// last one (`-1.50e2` is `-`, `15`, `1`). Zero has no digits and no sign.
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl Decimal {
    /// `[+-]digits[.digits][(e|E)[+-]digits]`, nothing else (no `inf`, `NaN`, `0x`).
    fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
            None => (rest, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        let all = format!("{whole}{fraction}");
        let significant = all.trim_start_matches('0');
        let trimmed = significant.trim_end_matches('0');
        let zeros = (significant.len() - trimmed.len()) as i64;
        let exponent = exponent
            .checked_sub(fraction.len() as i64)?
            .checked_add(zeros)?;
        if trimmed.is_empty() {
            return Some(Decimal {
                negative: false,
                digits: String::new(),
                exponent: 0,
            });
        }
        Some(Decimal {
            negative,
            digits: trimmed.to_string(),
            exponent,
        })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.digits.is_empty() {
            return f.write_str("0");
        }
        let sign = if self.negative { "-" } else { "" };
        let (first, rest) = self.digits.split_at(1);
        let power = self.exponent + self.digits.len() as i64 - 1;
        match rest {
            "" if power == 0 => write!(f, "{sign}{first}"),
            "" => write!(f, "{sign}{first}e{power}"),
            _ if power == 0 => write!(f, "{sign}{first}.{rest}"),
            _ => write!(f, "{sign}{first}.{rest}e{power}"),
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
        for bad in [
            "2026-2-3",
            "+2026-01-01",
            "0000-01-01",
            "-0001-01-01",
            "12026-01-01",
            "2026-01-01T00:00:00Z",
        ] {
            assert!(Value::parse(&FieldType::Date, bad).is_err(), "{bad}");
        }
        for fine in ["0001-01-01", "9999-12-31", "2024-02-29"] {
            assert!(Value::parse(&FieldType::Date, fine).is_ok(), "{fine}");
        }
        assert!(Value::parse(&FieldType::Number, "NaN").is_err());
        assert!(Value::parse(&FieldType::Number, "inf").is_err());
        for fine in [
            "42",
            "-3.5",
            "1e6",
            "1.50",
            "0",
            "-0",
            "0.000",
            "1e308",
            "2.2250738585072014e-308",
            "+7",
        ] {
            assert!(Value::parse(&FieldType::Number, fine).is_ok(), "{fine}");
        }
        for (bad, why) in [
            ("1e-400", "would become 0"),
            ("1e999", "too large"),
            (
                "0.12345678901234567890",
                "would become 1.2345678901234568e-1",
            ),
            ("4.9e-325", "would become 0"),
            ("1.00000000000000000001", "cannot be stored exactly"),
            ("0x10", "written like"),
            ("1.2.3", "written like"),
            ("e5", "written like"),
            (".", "written like"),
        ] {
            let e = Value::parse(&FieldType::Number, bad)
                .unwrap_err()
                .to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
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
