//! The allowed-signers format: what parses, what is refused (with line, column and hint),
//! and the lookups.

mod common;

use checklist_sshsig::{
    AllowedSigners, AllowedSignersError, NAMESPACE, NotAllowed, ParseErrorKind, PublicKey,
};
use common::*;

fn ed() -> String {
    read("ed25519.pub").trim().to_owned()
}

fn key_part(name: &str) -> String {
    read(&format!("{name}.pub"))
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_realistic_file_parses() {
    let text = format!(
        "# Release managers\r\n\
         \r\n\
         alice@example.com,alice@corp.example {ed}\r\n\
         \t  \"Bob Builder <bob@example.com>\" NAMESPACES=\"checklist,git\",Valid-After=\"20240101\" {bob} bob's laptop\n\
         *@ops.example cert-authority {carol}\n\
         dave@example.com valid-before=\"20991231235959Z\",namespaces=\"checklist\" {dave}\n\
         # trailing comment without newline",
        ed = ed(),
        bob = key_part("ecdsa256"),
        carol = key_part("ecdsa384"),
        dave = key_part("rsa3072"),
    );
    let allowed = AllowedSigners::parse(&text).unwrap();
    let entries = allowed.entries();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0].line(), 3);
    assert_eq!(
        entries[0].principals(),
        "alice@example.com,alice@corp.example"
    );
    assert_eq!(entries[1].principals(), "Bob Builder <bob@example.com>");
    assert_eq!(entries[1].namespaces(), Some("checklist,git"));
    assert_eq!(
        entries[1].valid_after(),
        Some(unix(1_704_067_200)),
        "read as UTC without Z"
    );
    assert!(entries[2].is_cert_authority());
    assert_eq!(entries[3].valid_before(), Some(unix(4_102_444_799)));
    assert_eq!(entries[3].key(), &public("rsa3072"));

    allowed
        .check(
            "alice@corp.example",
            &public("ed25519"),
            NAMESPACE,
            signed_at(),
        )
        .unwrap();
    allowed
        .check(
            "Bob Builder <bob@example.com>",
            &public("ecdsa256"),
            NAMESPACE,
            signed_at(),
        )
        .unwrap();
    allowed
        .check(
            "dave@example.com",
            &public("rsa3072"),
            NAMESPACE,
            signed_at(),
        )
        .unwrap();
    // Carol's principal is trusted only through a certificate authority.
    let e = allowed
        .check(
            "carol@ops.example",
            &public("ecdsa384"),
            NAMESPACE,
            signed_at(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, NotAllowed::CertificatesUnsupported { place, .. } if place.line == 5),
        "{e}"
    );
    assert!(
        e.to_string().contains("SSH certificates are not supported"),
        "{e}"
    );
}

#[test]
fn lookups_by_key_and_by_principal() {
    let text = format!(
        "alice@example.com,!alice@evil.example {ed}\n\
         alice@corp.example,*@qa.example namespaces=\"git\" {ed}\n\
         bob@example.com {bob}\n\
         alice@example.com {bob}\n\
         *@qa.example cert-authority {carol}\n",
        ed = ed(),
        bob = key_part("ecdsa256"),
        carol = key_part("ecdsa384"),
    );
    let allowed = AllowedSigners::parse(&text).unwrap();
    assert_eq!(
        allowed.principals_for(&public("ed25519")),
        ["alice@example.com", "alice@corp.example", "*@qa.example"]
    );
    assert_eq!(
        allowed.principals_for(&public("ecdsa256")),
        ["bob@example.com", "alice@example.com"]
    );
    assert!(
        allowed.principals_for(&public("ecdsa384")).is_empty(),
        "cert-authority lines are left out"
    );
    assert_eq!(
        allowed.keys_for("alice@example.com"),
        [&public("ed25519"), &public("ecdsa256")]
    );
    assert_eq!(allowed.keys_for("zoe@qa.example"), [&public("ed25519")]);
    assert!(allowed.keys_for("alice@evil.example").is_empty());
    assert!(allowed.keys_for("nobody").is_empty());
}

#[test]
fn the_first_allowing_line_wins_and_refusals_are_the_most_specific() {
    let text = format!(
        "alice@example.com namespaces=\"git\" {ed}\n\
         alice@example.com {bob}\n",
        ed = ed(),
        bob = key_part("ecdsa256"),
    );
    let allowed = AllowedSigners::parse(&text).unwrap();
    // Alice's ed25519 key is listed, but not for this namespace: say that, not "not listed".
    let e = allowed
        .check(
            "alice@example.com",
            &public("ed25519"),
            NAMESPACE,
            signed_at(),
        )
        .unwrap_err();
    assert!(
        matches!(&e, NotAllowed::NamespaceNotAllowed { place, .. } if place.line == 1),
        "{e}"
    );
    assert!(e.to_string().starts_with("allowed signers:1 "), "{e}");
    assert_eq!(
        allowed
            .check(
                "alice@example.com",
                &public("ecdsa256"),
                NAMESPACE,
                signed_at()
            )
            .unwrap()
            .line(),
        2
    );
    let e = allowed
        .check(
            "alice@example.com",
            &public("rsa3072"),
            NAMESPACE,
            signed_at(),
        )
        .unwrap_err();
    assert!(matches!(e, NotAllowed::KeyNotListed { .. }), "{e}");
}

#[test]
fn file_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("allowed_signers");
    let e = AllowedSigners::from_file(&path).unwrap_err();
    assert!(matches!(e, AllowedSignersError::Read { .. }));
    assert!(e.to_string().contains("allowed_signers"), "{e}");
    std::fs::write(
        &path,
        format!("alice@example.com {}\nbob@example.com\n", ed()),
    )
    .unwrap();
    let e = AllowedSigners::from_file(&path).unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("{}:2:16: missing key (hint: ", path.display())),
        "{text}"
    );
    std::fs::write(&path, format!("alice@example.com {}\n", ed())).unwrap();
    let allowed = AllowedSigners::from_file(&path).unwrap();
    let e = allowed
        .check(
            "bob@example.com",
            &public("ed25519"),
            NAMESPACE,
            signed_at(),
        )
        .unwrap_err();
    assert!(e.to_string().contains(&path.display().to_string()), "{e}");
}

#[test]
fn parse_errors_carry_line_column_and_hint() {
    let k = key_part("ed25519");
    // (line, column, expected kind, words of the hint)
    type Case = (String, usize, fn(&ParseErrorKind) -> bool, &'static str);
    let cases: Vec<Case> = vec![
        (
            "alice".into(),
            6,
            |k| matches!(k, ParseErrorKind::MissingKey),
            "PRINCIPALS [OPTIONS] KEYTYPE BASE64",
        ),
        (
            "alice ssh-ed25519".into(),
            18,
            |k| matches!(k, ParseErrorKind::MissingBase64),
            "`.pub` line",
        ),
        (
            format!("alice ssh-ed2519 {}", &k[12..]),
            7,
            |k| matches!(k, ParseErrorKind::UnknownKeyType { .. }),
            "key types are",
        ),
        (
            format!("alice frobnicate {k}"),
            7,
            |k| matches!(k, ParseErrorKind::UnknownOption { name } if name == "frobnicate"),
            "options are",
        ),
        (
            format!("alice namespaces=\"a\",frob=\"x\" {k}"),
            22,
            |k| matches!(k, ParseErrorKind::UnknownOption { name } if name == "frob"),
            "options are",
        ),
        (
            format!("alice namespaces=checklist {k}"),
            18,
            |k| matches!(k, ParseErrorKind::OptionNotQuoted { name: "namespaces" }),
            "double quotes",
        ),
        (
            format!("alice namespaces=\"a\",namespaces=\"b\" {k}"),
            22,
            |k| matches!(k, ParseErrorKind::DuplicateOption { name: "namespaces" }),
            "once",
        ),
        (
            format!("alice namespaces=\"a\", {k}"),
            22,
            |k| matches!(k, ParseErrorKind::TrailingComma),
            "comma",
        ),
        (
            format!("alice namespaces=\"\" {k}"),
            7,
            |k| matches!(k, ParseErrorKind::EmptyNamespaces),
            "list the namespaces",
        ),
        (
            format!("alice namespaces=\"a {k}"),
            18,
            |k| matches!(k, ParseErrorKind::UnterminatedQuote),
            "close",
        ),
        (
            format!("alice valid-after=\"2024-01-01\" {k}"),
            7,
            |k| {
                matches!(
                    k,
                    ParseErrorKind::InvalidTime {
                        name: "valid-after",
                        ..
                    }
                )
            },
            "YYYYMMDD",
        ),
        (
            format!("alice valid-after=\"20240231Z\" {k}"),
            7,
            |k| matches!(k, ParseErrorKind::InvalidTime { .. }),
            "YYYYMMDD",
        ),
        (
            format!("alice valid-after=\"20240102Z\",valid-before=\"20240101Z\" {k}"),
            7,
            |k| matches!(k, ParseErrorKind::BeforeNotAfter),
            "later",
        ),
        (
            format!("\"alice {k}"),
            1,
            |k| matches!(k, ParseErrorKind::UnterminatedQuote),
            "close",
        ),
        (
            format!("\"alice\"x {k}"),
            8,
            |k| matches!(k, ParseErrorKind::ExpectedSpace),
            "space",
        ),
        (
            format!("ali\"ce {k}"),
            4,
            |k| matches!(k, ParseErrorKind::StrayQuote),
            "double quotes",
        ),
        (
            format!("alice,,bob {k}"),
            1,
            |k| matches!(k, ParseErrorKind::EmptyPrincipal),
            "comma-separated",
        ),
        (
            format!("\"\" {k}"),
            1,
            |k| matches!(k, ParseErrorKind::EmptyPrincipal),
            "comma-separated",
        ),
        (
            ed(),
            1,
            |k| matches!(k, ParseErrorKind::MissingPrincipals),
            "principals first",
        ),
        (
            "alice ssh-ed25519 AAAA%%%%".into(),
            7,
            |k| matches!(k, ParseErrorKind::Key { .. }),
            "copy the key again",
        ),
        (
            format!("alice ecdsa-sha2-nistp256 {}", &k[12..]),
            7,
            |k| matches!(k, ParseErrorKind::Key { .. }),
            "copy the key again",
        ),
        (
            format!("alice ssh-ed25519-cert-v01@openssh.com {}", &k[12..]),
            7,
            |k| matches!(k, ParseErrorKind::Key { .. }),
            "copy the key again",
        ),
    ];
    for (line, column, kind, hint) in cases {
        // Put each bad line after a good one, to check the line number too.
        let text = format!("alice@example.com {}\n{line}\n", ed());
        let e = AllowedSigners::parse(&text).unwrap_err();
        assert_eq!((e.line(), e.column()), (2, column), "{line:?}: {e}");
        assert!(kind(e.kind()), "{line:?}: {e}");
        assert!(e.hint().contains(hint), "{line:?}: {}", e.hint());
        assert!(e.to_string().contains(e.hint()), "{e}");
    }
}

#[test]
fn key_errors_are_chained_not_repeated() {
    let e = AllowedSigners::parse(&format!(
        "alice ssh-ed25519-cert-v01@openssh.com {}",
        &key_part("ed25519")[12..]
    ))
    .unwrap_err();
    let source = std::error::Error::source(&e).expect("the key error is the source");
    assert!(source.to_string().contains("certificate"), "{source}");
    assert!(!e.to_string().contains(&source.to_string()), "{e}");
}

#[test]
fn columns_count_characters() {
    let e = AllowedSigners::parse("\"Zoë Ω\" frob ssh-ed25519 AAAA").unwrap_err();
    assert_eq!(e.column(), 9);
}

#[test]
fn option_keywords_and_time_suffixes_follow_openssh() {
    let k = key_part("ed25519");
    for options in [
        "CERT-AUTHORITY",
        "Namespaces=\"x\"",
        "valid-after=\"20240101utc\"",
        "valid-after=\"202401010000z\"",
        "valid-before=\"20240101000000\"",
        "namespaces=\"a,b\",cert-authority,valid-after=\"20230101\",valid-before=\"20240101\"",
        "namespaces=\"say \\\"hi\\\" to\"",
    ] {
        AllowedSigners::parse(&format!("alice {options} {k}"))
            .unwrap_or_else(|e| panic!("{options}: {e}"));
    }
    let allowed =
        AllowedSigners::parse(&format!("alice namespaces=\"say \\\"hi\\\" to\" {k}")).unwrap();
    assert_eq!(allowed.entries()[0].namespaces(), Some("say \"hi\" to"));
}

#[test]
fn an_empty_file_allows_no_one() {
    let allowed = AllowedSigners::parse("").unwrap();
    assert!(allowed.entries().is_empty());
    let e = allowed
        .check(
            "alice@example.com",
            &public("ed25519"),
            NAMESPACE,
            signed_at(),
        )
        .unwrap_err();
    assert!(matches!(e, NotAllowed::UnknownPrincipal { .. }));
    assert!(
        e.to_string()
            .contains("add a line `alice@example.com KEYTYPE BASE64`"),
        "{e}"
    );
    let _: PublicKey = public("ed25519");
}
