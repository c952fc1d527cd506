//! Allowed-signers files, as `ssh-keygen -Y verify -f` and git's
//! `gpg.ssh.allowedSignersFile` read them: which keys may sign as which principals, in
//! which namespaces, and when.
//!
//! Each line is `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`; blank lines and lines
//! starting with `#` are ignored.
//!
//! - `PRINCIPALS` is a comma-separated pattern list (`*`, `?`, `!negation`), in double
//!   quotes if it contains spaces.
//! - `OPTIONS` is a comma-separated list, no spaces outside double quotes, keywords in any
//!   case: `namespaces="PATTERN-LIST"`, `valid-after="TIME"`, `valid-before="TIME"`,
//!   `cert-authority`.
//! - `TIME` is `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally followed by `Z`
//!   (or `UTC`). **This crate reads every time as UTC, with or without `Z`.** OpenSSH
//!   reads a time without `Z` in the verifying machine's local time zone, so the same file
//!   would accept a sign-off on one machine and refuse it on another; a checklist must
//!   verify the same everywhere. Write the `Z` and both agree.
//!
//! Differences from OpenSSH, all refusals rather than acceptances: the whole file must
//! parse (OpenSSH stops reading at the first line that decides), an empty `namespaces=""`
//! is an error, and invalid dates such as `20240231` are errors rather than rolled over.
//! `cert-authority` lines are read but never match: certificates are not supported, and a
//! principal trusted only through one gets [`NotAllowed::CertificatesUnsupported`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::key::{KeyError, PublicKey};
use crate::pattern::{ListMatch, match_list};
use crate::sig::{Signature, Verified, VerifyError, VerifyOptions};

/// A parsed allowed-signers file.
#[derive(Clone, Debug)]
pub struct AllowedSigners {
    entries: Vec<Entry>,
    /// How errors and denials name the file: its path, or `allowed signers`.
    name: String,
}

/// One line of an allowed-signers file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    line: usize,
    principals: String,
    key: PublicKey,
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<i64>,
    valid_before: Option<i64>,
}

impl Entry {
    /// The 1-based line number.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The principals pattern list, unquoted, as written.
    pub fn principals(&self) -> &str {
        &self.principals
    }

    /// The listed key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// Whether the line has `cert-authority` (such lines never match; see the module docs).
    pub fn is_cert_authority(&self) -> bool {
        self.cert_authority
    }

    /// The `namespaces=` pattern list, if any.
    pub fn namespaces(&self) -> Option<&str> {
        self.namespaces.as_deref()
    }

    /// The `valid-after=` time, if any.
    pub fn valid_after(&self) -> Option<SystemTime> {
        self.valid_after.map(from_unix)
    }

    /// The `valid-before=` time, if any.
    pub fn valid_before(&self) -> Option<SystemTime> {
        self.valid_before.map(from_unix)
    }
}

impl AllowedSigners {
    /// Parses the text of an allowed-signers file.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Self::parse_named(text, None)
    }

    /// Reads and parses an allowed-signers file; errors and denials name `path`.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, AllowedSignersError> {
        let path = path.as_ref();
        let text = crate::file::read_bounded(
            path,
            crate::file::MAX_ALLOWED_SIGNERS_BYTES,
            "an allowed-signers file",
        )
        .map_err(|source| AllowedSignersError::Read {
            path: path.to_owned(),
            source,
        })?;
        Ok(Self::parse_named(&text, Some(path))?)
    }

    fn parse_named(text: &str, path: Option<&Path>) -> Result<Self, ParseError> {
        let name = path.map_or_else(|| "allowed signers".to_owned(), |p| p.display().to_string());
        let mut entries = Vec::new();
        for (index, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            match parse_line(index + 1, line) {
                Ok(Some(entry)) => entries.push(entry),
                Ok(None) => {}
                Err((byte, kind)) => {
                    return Err(ParseError {
                        file: name,
                        line: index + 1,
                        column: line.get(..byte).map_or(1, |s| s.chars().count() + 1),
                        kind,
                    });
                }
            }
        }
        Ok(Self { entries, name })
    }

    /// The entries, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Whether `key` may sign as `principal` in `namespace` at `time` (the time of the
    /// signed event, not of the check, so that old sign-offs keep verifying after a key
    /// expires). Returns the first line that allows it, or the most specific reason none
    /// does.
    ///
    /// As in OpenSSH, every line whose principals match is tried in order; a line that
    /// lists the key but refuses the namespace or time does not stop a later line from
    /// allowing it.
    pub fn check(
        &self,
        principal: &str,
        key: &PublicKey,
        namespace: &str,
        time: SystemTime,
    ) -> Result<&Entry, NotAllowed> {
        let at = to_unix(time);
        let mut refusal: Option<NotAllowed> = None;
        let mut matched_plain = false;
        let mut ca_line = None;
        let mut excluded_line = None;
        for entry in &self.entries {
            match match_list(principal, &entry.principals) {
                ListMatch::Yes => {}
                ListMatch::No => continue,
                ListMatch::Negated => {
                    excluded_line.get_or_insert(entry.line);
                    continue;
                }
            }
            if entry.cert_authority {
                ca_line.get_or_insert(entry.line);
                continue;
            }
            matched_plain = true;
            if entry.key != *key {
                continue;
            }
            let here = || Place {
                file: self.name.clone(),
                line: entry.line,
            };
            if let Some(allowed) = &entry.namespaces
                && match_list(namespace, allowed) != ListMatch::Yes
            {
                refusal.get_or_insert_with(|| NotAllowed::NamespaceNotAllowed {
                    place: here(),
                    principal: principal.to_owned(),
                    namespace: namespace.to_owned(),
                    allowed: allowed.clone(),
                });
                continue;
            }
            if let Some(after) = entry.valid_after
                && at < after
            {
                refusal.get_or_insert_with(|| NotAllowed::NotYetValid {
                    place: here(),
                    principal: principal.to_owned(),
                    fingerprint: key.fingerprint(),
                    valid_after: UtcTime(after),
                    at: UtcTime(at),
                });
                continue;
            }
            if let Some(before) = entry.valid_before
                && at > before
            {
                refusal.get_or_insert_with(|| NotAllowed::Expired {
                    place: here(),
                    principal: principal.to_owned(),
                    fingerprint: key.fingerprint(),
                    valid_before: UtcTime(before),
                    at: UtcTime(at),
                });
                continue;
            }
            return Ok(entry);
        }
        let place = |line| Place {
            file: self.name.clone(),
            line,
        };
        Err(refusal.unwrap_or_else(|| {
            if matched_plain {
                NotAllowed::KeyNotListed {
                    file: self.name.clone(),
                    principal: principal.to_owned(),
                    fingerprint: key.fingerprint(),
                }
            } else if let Some(line) = ca_line {
                NotAllowed::CertificatesUnsupported {
                    place: place(line),
                    principal: principal.to_owned(),
                }
            } else if let Some(line) = excluded_line {
                NotAllowed::PrincipalExcluded {
                    place: place(line),
                    principal: principal.to_owned(),
                }
            } else {
                NotAllowed::UnknownPrincipal {
                    file: self.name.clone(),
                    principal: principal.to_owned(),
                }
            }
        }))
    }

    /// Verifies `signature` over `message` as made by `principal` in `namespace` at
    /// `time`: the namespace must match, this file must allow the signature's key for the
    /// principal (see [`AllowedSigners::check`]), and the signature must verify with that
    /// key. This is what `ssh-keygen -Y verify -f FILE -I PRINCIPAL -n NAMESPACE` does,
    /// with the time of the signed event in place of `-O verify-time`.
    pub fn verify(
        &self,
        principal: &str,
        namespace: &str,
        message: &[u8],
        signature: &Signature,
        time: SystemTime,
    ) -> Result<Verified, VerifyError> {
        self.verify_with(
            principal,
            namespace,
            message,
            signature,
            time,
            &VerifyOptions::default(),
        )
    }

    /// [`AllowedSigners::verify`] with options.
    pub fn verify_with(
        &self,
        principal: &str,
        namespace: &str,
        message: &[u8],
        signature: &Signature,
        time: SystemTime,
        options: &VerifyOptions,
    ) -> Result<Verified, VerifyError> {
        // The namespace first: a signature made for another purpose is the likeliest
        // mistake and the clearest message.
        if signature.namespace() != namespace {
            return Err(VerifyError::NamespaceMismatch {
                expected: namespace.to_owned(),
                found: signature.namespace().to_owned(),
            });
        }
        let entry = self.check(principal, signature.public_key(), namespace, time)?;
        Ok(signature
            .verify_with(entry.key(), namespace, message, options)?
            .with_principal(principal))
    }

    /// The principals `key` is listed for (each positive pattern of each line listing it,
    /// in file order, without duplicates), whatever the namespaces and times.
    /// `cert-authority` lines are left out.
    pub fn principals_for(&self, key: &PublicKey) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for entry in self
            .entries
            .iter()
            .filter(|e| !e.cert_authority && e.key == *key)
        {
            for pattern in entry.principals.split(',') {
                if !pattern.starts_with('!') && !out.contains(&pattern) {
                    out.push(pattern);
                }
            }
        }
        out
    }

    /// The keys listed for `principal` (on lines whose patterns match it and do not
    /// exclude it), in file order, without duplicates, whatever the namespaces and times.
    pub fn keys_for(&self, principal: &str) -> Vec<&PublicKey> {
        let mut out: Vec<&PublicKey> = Vec::new();
        for entry in &self.entries {
            if !entry.cert_authority
                && match_list(principal, &entry.principals) == ListMatch::Yes
                && !out.contains(&&entry.key)
            {
                out.push(&entry.key);
            }
        }
        out
    }
}

/// Key types an allowed-signers line may name; anything else in that position is read as
/// options. Certificates are recognised so that they get their own error.
const KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "sk-ssh-ed25519@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
    "ssh-dss",
];

fn is_key_type(token: &str) -> bool {
    KEY_TYPES.contains(&token) || token.ends_with("-cert-v01@openssh.com")
}

fn looks_like_key_type(token: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-"]
        .iter()
        .any(|p| token.starts_with(p))
        && !token.contains('=')
}

type LineResult<T> = Result<T, (usize, ParseErrorKind)>;

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Byte index of the first non-blank at or after `pos`.
fn skip_space(line: &str, pos: usize) -> usize {
    line[pos..]
        .find(|c| !is_space(c))
        .map_or(line.len(), |i| pos + i)
}

/// Byte index of the end of the blank-delimited token at `pos`.
fn token_end(line: &str, pos: usize) -> usize {
    line[pos..].find(is_space).map_or(line.len(), |i| pos + i)
}

fn parse_line(number: usize, line: &str) -> LineResult<Option<Entry>> {
    let mut pos = skip_space(line, 0);
    if pos == line.len() || line[pos..].starts_with('#') {
        return Ok(None);
    }

    // Principals: one token, or a double-quoted string that may contain spaces.
    let principals_at = pos;
    let principals = if let Some(quoted) = line[pos..].strip_prefix('"') {
        let close = quoted
            .find('"')
            .ok_or((pos, ParseErrorKind::UnterminatedQuote))?;
        pos += 1 + close + 1;
        if pos < line.len() && !line[pos..].starts_with(is_space) {
            return Err((pos, ParseErrorKind::ExpectedSpace));
        }
        &quoted[..close]
    } else {
        let end = token_end(line, pos);
        let token = &line[pos..end];
        if let Some(q) = token.find('"') {
            return Err((pos + q, ParseErrorKind::StrayQuote));
        }
        pos = end;
        token
    };
    // A `.pub` line pasted on its own: the key type sits where the principals go.
    if is_key_type(principals) {
        return Err((principals_at, ParseErrorKind::MissingPrincipals));
    }
    if principals.is_empty() || principals.split(',').any(str::is_empty) {
        return Err((principals_at, ParseErrorKind::EmptyPrincipal));
    }

    pos = skip_space(line, pos);
    if pos == line.len() {
        return Err((pos, ParseErrorKind::MissingKey));
    }

    // Options, if the next token is not a key type (what OpenSSH does: try a key first).
    let mut options = Options::default();
    let token_at = pos;
    let first = &line[pos..token_end(line, pos)];
    if !is_key_type(first) {
        let end = options_end(line, pos)?;
        match parse_options(&line[pos..end], pos) {
            Ok(parsed) => options = parsed,
            // A misspelt key type reads as an unknown option; say what it really is.
            Err((_, ParseErrorKind::UnknownOption { .. })) if looks_like_key_type(first) => {
                return Err((
                    token_at,
                    ParseErrorKind::UnknownKeyType {
                        found: first.chars().take(64).collect(),
                    },
                ));
            }
            Err(e) => return Err(e),
        }
        pos = skip_space(line, end);
        if pos == line.len() {
            return Err((pos, ParseErrorKind::MissingKey));
        }
    }

    let type_at = pos;
    let key_type = &line[pos..token_end(line, pos)];
    if !is_key_type(key_type) {
        return Err((
            type_at,
            ParseErrorKind::UnknownKeyType {
                found: key_type.chars().take(64).collect(),
            },
        ));
    }
    pos = skip_space(line, token_end(line, pos));
    if pos == line.len() {
        return Err((pos, ParseErrorKind::MissingBase64));
    }
    let base64 = &line[pos..token_end(line, pos)];
    let key = PublicKey::from_type_and_base64(key_type, base64)
        .map_err(|source| (type_at, ParseErrorKind::Key { source }))?;
    // Whatever follows is a comment.

    Ok(Some(Entry {
        line: number,
        principals: principals.to_owned(),
        key,
        cert_authority: options.cert_authority,
        namespaces: options.namespaces,
        valid_after: options.valid_after,
        valid_before: options.valid_before,
    }))
}

/// End of the options token: the first blank outside double quotes (`\"` escapes a quote).
fn options_end(line: &str, start: usize) -> LineResult<usize> {
    let mut quoted_at = None;
    let mut chars = line[start..].char_indices();
    while let Some((i, c)) = chars.next() {
        match (c, quoted_at) {
            ('"', None) => quoted_at = Some(start + i),
            ('"', Some(_)) => quoted_at = None,
            ('\\', Some(_)) => {
                chars.next();
            }
            (c, None) if is_space(c) => return Ok(start + i),
            _ => {}
        }
    }
    match quoted_at {
        Some(at) => Err((at, ParseErrorKind::UnterminatedQuote)),
        None => Ok(line.len()),
    }
}

#[derive(Default)]
struct Options {
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<i64>,
    valid_before: Option<i64>,
}

/// Parses `opt[,opt...]`; `base` is the token's byte offset in the line, for columns.
fn parse_options(token: &str, base: usize) -> LineResult<Options> {
    let mut options = Options::default();
    let mut pos = 0;
    loop {
        let rest = &token[pos..];
        let at = base + pos;
        if starts_with_ignore_case(rest, "cert-authority") {
            options.cert_authority = true;
            pos += "cert-authority".len();
        } else if let Some((name, len)) = ["namespaces=", "valid-after=", "valid-before="]
            .iter()
            .find(|n| starts_with_ignore_case(rest, n))
            .map(|n| (&n[..n.len() - 1], n.len()))
        {
            pos += len;
            let (value, used) = dequote(&token[pos..], base + pos, name)?;
            pos += used;
            match name {
                "namespaces" => {
                    if options.namespaces.is_some() {
                        return Err((at, ParseErrorKind::DuplicateOption { name }));
                    }
                    if value.is_empty() {
                        return Err((at, ParseErrorKind::EmptyNamespaces));
                    }
                    options.namespaces = Some(value);
                }
                _ => {
                    let time = parse_time(&value).ok_or((
                        at,
                        ParseErrorKind::InvalidTime {
                            name,
                            value: value.clone(),
                        },
                    ))?;
                    let slot = if name == "valid-after" {
                        &mut options.valid_after
                    } else {
                        &mut options.valid_before
                    };
                    if slot.is_some() {
                        return Err((at, ParseErrorKind::DuplicateOption { name }));
                    }
                    *slot = Some(time);
                }
            }
        } else {
            let name: String = rest
                .split([',', '='])
                .next()
                .unwrap_or(rest)
                .chars()
                .take(64)
                .collect();
            return Err((at, ParseErrorKind::UnknownOption { name }));
        }
        match token[pos..].chars().next() {
            None => break,
            Some(',') => {
                pos += 1;
                if pos == token.len() {
                    return Err((base + pos, ParseErrorKind::TrailingComma));
                }
            }
            Some(_) => {
                let name: String = token[pos..].chars().take(64).collect();
                return Err((base + pos, ParseErrorKind::UnknownOption { name }));
            }
        }
    }
    if let (Some(after), Some(before)) = (options.valid_after, options.valid_before)
        && before <= after
    {
        return Err((base, ParseErrorKind::BeforeNotAfter));
    }
    Ok(options)
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Reads a double-quoted option value at the start of `s`; returns it unescaped and how
/// many bytes it took.
fn dequote(s: &str, at: usize, name: &'static str) -> LineResult<(String, usize)> {
    let Some(inner) = s.strip_prefix('"') else {
        return Err((at, ParseErrorKind::OptionNotQuoted { name }));
    };
    let mut value = String::new();
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, 1 + i + 1)),
            '\\' if inner[i + 1..].starts_with('"') => {
                chars.next();
                value.push('"');
            }
            c => value.push(c),
        }
    }
    Err((at, ParseErrorKind::UnterminatedQuote))
}

/// `YYYYMMDD[HHMM[SS]]`, optionally followed by `Z` or `UTC`, always read as UTC (see the
/// module docs for why). Returns Unix seconds.
fn parse_time(s: &str) -> Option<i64> {
    let utc_at = s.len().saturating_sub(3);
    let digits = if s.len() > 3
        && s.get(utc_at..)
            .is_some_and(|t| t.eq_ignore_ascii_case("utc"))
    {
        &s[..utc_at]
    } else if s.len() > 1 && (s.ends_with('Z') || s.ends_with('z')) {
        &s[..s.len() - 1]
    } else {
        s
    };
    if !matches!(digits.len(), 8 | 12 | 14) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |from: usize, len: usize| -> i64 {
        digits
            .get(from..from + len)
            .and_then(|f| f.parse().ok())
            .unwrap_or(0)
    };
    let (year, month, day) = (field(0, 4), field(4, 2), field(6, 2));
    let (hour, minute, second) = (field(8, 2), field(10, 2), field(12, 2));
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn to_unix(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        // Before 1970: round towards the past, so that "before valid-after" stays true.
        Err(e) => {
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            -secs - i64::from(d.subsec_nanos() > 0)
        }
    }
}

fn from_unix(secs: i64) -> SystemTime {
    let magnitude = std::time::Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

/// A Unix time that displays as `YYYY-MM-DD HH:MM:SS UTC`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct UtcTime(i64);

impl UtcTime {
    /// As a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        from_unix(self.0)
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d) = civil_from_days(self.0.div_euclid(86_400));
        let s = self.0.rem_euclid(86_400);
        write!(
            f,
            "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02} UTC",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

impl fmt::Debug for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A line of an allowed-signers file, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The file's path, or `allowed signers` when it was parsed from text.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Why an allowed-signers file does not allow a key for a principal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotAllowed {
    /// No line's principals match.
    #[error(
        "{file} has no entry for principal `{principal}`; add a line `{principal} KEYTYPE BASE64` with their public key"
    )]
    UnknownPrincipal {
        /// The file.
        file: String,
        /// The principal.
        principal: String,
    },
    /// A line would match but excludes the principal with `!pattern`.
    #[error(
        "{place} excludes principal `{principal}` with a `!` pattern, and no other line lists them"
    )]
    PrincipalExcluded {
        /// The excluding line.
        place: Place,
        /// The principal.
        principal: String,
    },
    /// The principal is listed, but not with this key.
    #[error(
        "key {fingerprint} is not listed for principal `{principal}` in {file}; sign with a key listed for them, or add this key to their line"
    )]
    KeyNotListed {
        /// The file.
        file: String,
        /// The principal.
        principal: String,
        /// The key that signed.
        fingerprint: crate::Fingerprint,
    },
    /// The principal is trusted only through a `cert-authority` line.
    #[error(
        "{place} trusts principal `{principal}` only through a `cert-authority` key, and SSH certificates are not supported; list the principal's own key instead"
    )]
    CertificatesUnsupported {
        /// The `cert-authority` line.
        place: Place,
        /// The principal.
        principal: String,
    },
    /// The key is listed, but its `namespaces=` does not include this namespace.
    #[error(
        "{place} allows `{principal}`'s key only in namespaces `{allowed}`, not in `{namespace}`; add `{namespace}` to its namespaces=\"…\""
    )]
    NamespaceNotAllowed {
        /// The line.
        place: Place,
        /// The principal.
        principal: String,
        /// The namespace asked for.
        namespace: String,
        /// The line's `namespaces=` list.
        allowed: String,
    },
    /// The event is before the key's `valid-after`.
    #[error(
        "{place}: key {fingerprint} of `{principal}` is valid only after {valid_after}, and this was signed at {at}"
    )]
    NotYetValid {
        /// The line.
        place: Place,
        /// The principal.
        principal: String,
        /// The key.
        fingerprint: crate::Fingerprint,
        /// Its `valid-after`.
        valid_after: UtcTime,
        /// The time checked.
        at: UtcTime,
    },
    /// The event is after the key's `valid-before`.
    #[error(
        "{place}: key {fingerprint} of `{principal}` expired at {valid_before}, and this was signed at {at}"
    )]
    Expired {
        /// The line.
        place: Place,
        /// The principal.
        principal: String,
        /// The key.
        fingerprint: crate::Fingerprint,
        /// Its `valid-before`.
        valid_before: UtcTime,
        /// The time checked.
        at: UtcTime,
    },
}

/// Why an allowed-signers file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AllowedSignersError {
    /// The file could not be read.
    #[error("could not read the allowed-signers file `{}`", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// A line of an allowed-signers file that could not be parsed: where, what, and a hint.
#[derive(Debug)]
pub struct ParseError {
    file: String,
    line: usize,
    column: usize,
    kind: ParseErrorKind,
}

impl ParseError {
    /// The 1-based line.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column, in characters.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What is wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        self.kind.hint()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} (hint: {})",
            self.file,
            self.line,
            self.column,
            self.kind,
            self.hint()
        )
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}

/// What is wrong with an allowed-signers line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The line starts with a key type: no principals.
    #[error("the line starts with a key type instead of principals")]
    MissingPrincipals,
    /// A principal in the list is empty.
    #[error("empty principal")]
    EmptyPrincipal,
    /// A double quote is never closed.
    #[error("unterminated double quote")]
    UnterminatedQuote,
    /// A quote in the middle of an unquoted principal list.
    #[error("unexpected double quote inside the principals")]
    StrayQuote,
    /// The quoted principals run straight into the next field.
    #[error("expected a space after the quoted principals")]
    ExpectedSpace,
    /// Nothing after the principals (and options).
    #[error("missing key")]
    MissingKey,
    /// A key type but no base64 after it.
    #[error("missing base64 key data after the key type")]
    MissingBase64,
    /// Not a key type this crate knows.
    #[error("unknown key type `{found}`")]
    UnknownKeyType {
        /// The token found.
        found: String,
    },
    /// The key could not be read.
    #[error("invalid public key")]
    Key {
        /// Why.
        #[source]
        source: KeyError,
    },
    /// An option this format does not have.
    #[error("unknown option `{name}`")]
    UnknownOption {
        /// The option's name as written.
        name: String,
    },
    /// An option given twice.
    #[error("option `{name}` is given twice")]
    DuplicateOption {
        /// The option.
        name: &'static str,
    },
    /// An option value without its double quotes.
    #[error("the value of `{name}` must be in double quotes")]
    OptionNotQuoted {
        /// The option.
        name: &'static str,
    },
    /// The options end with a comma.
    #[error("the options end with a comma")]
    TrailingComma,
    /// `namespaces=""`.
    #[error("`namespaces=\"\"` allows no namespace at all")]
    EmptyNamespaces,
    /// A time that is not `YYYYMMDD[HHMM[SS]][Z]` or not a real date.
    #[error("`{name}=\"{value}\"` is not a valid time")]
    InvalidTime {
        /// The option.
        name: &'static str,
        /// The value.
        value: String,
    },
    /// `valid-before` is not after `valid-after`.
    #[error("`valid-before` is not after `valid-after`")]
    BeforeNotAfter,
}

impl ParseErrorKind {
    /// How to fix it.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::MissingPrincipals => {
                "put the principals first, e.g. `alice@example.com ssh-ed25519 AAAA…`"
            }
            Self::EmptyPrincipal => {
                "principals are a comma-separated list such as `alice@example.com,alice@corp`, with no empty entries"
            }
            Self::UnterminatedQuote => "close the double quote",
            Self::StrayQuote => {
                "put the whole principal list in double quotes, or remove the quote"
            }
            Self::ExpectedSpace => "separate the closing quote from the next field with a space",
            Self::MissingKey | Self::MissingBase64 => {
                "each line is `PRINCIPALS [OPTIONS] KEYTYPE BASE64 [COMMENT]`; paste the signer's whole `.pub` line after the principals"
            }
            Self::UnknownKeyType { .. } => {
                "key types are ssh-ed25519, sk-ssh-ed25519@openssh.com, ecdsa-sha2-nistp256/384/521, sk-ecdsa-sha2-nistp256@openssh.com, ssh-rsa; copy the `.pub` line unchanged"
            }
            Self::Key { .. } => "copy the key again from the signer's `.pub` file",
            Self::UnknownOption { .. } => {
                "options are cert-authority, namespaces=\"…\", valid-after=\"…\" and valid-before=\"…\", separated by commas without spaces"
            }
            Self::DuplicateOption { .. } => "give each option once",
            Self::OptionNotQuoted { .. } => {
                "put the value in double quotes: option=\"value\", e.g. namespaces=\"checklist\""
            }
            Self::TrailingComma => "remove the comma, or add the option that should follow it",
            Self::EmptyNamespaces => {
                "list the namespaces the key may sign in, e.g. namespaces=\"checklist,git\", or remove the option"
            }
            Self::InvalidTime { .. } => {
                "write YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS with a trailing Z (UTC), e.g. valid-after=\"20240101Z\""
            }
            Self::BeforeNotAfter => "valid-before must be later than valid-after",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for days in [-800_000, -1, 0, 1, 11_016, 19_723, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("19700101"), Some(0));
        assert_eq!(parse_time("19700101Z"), Some(0));
        assert_eq!(parse_time("19700101UTC"), Some(0));
        assert_eq!(parse_time("202405011200Z"), Some(1_714_564_800));
        assert_eq!(parse_time("20240501120030"), Some(1_714_564_830));
        assert_eq!(parse_time("20240229"), Some(1_709_164_800));
        for bad in [
            "",
            "Z",
            "2024",
            "2024050",
            "20240230",
            "20230229",
            "20241301",
            "20240001",
            "202405012400",
            "202405011260",
            "20240501120060",
            "2024-05-01",
            "2024050112",
            "+0240501",
            "２０２４０５０１",
        ] {
            assert_eq!(parse_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn utc_display() {
        assert_eq!(UtcTime(0).to_string(), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            UtcTime(1_714_564_830).to_string(),
            "2024-05-01 12:00:30 UTC"
        );
        assert_eq!(UtcTime(-1).to_string(), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn unix_conversions() {
        assert_eq!(to_unix(from_unix(1_714_564_830)), 1_714_564_830);
        assert_eq!(to_unix(from_unix(-5)), -5);
        assert_eq!(
            to_unix(UNIX_EPOCH - std::time::Duration::from_millis(1)),
            -1
        );
    }
}
