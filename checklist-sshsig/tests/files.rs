//! Files are read with a bound: a path naming `/dev/zero`, a fifo or a huge file fails at
//! once with an error naming the file, instead of reading until memory runs out.

use std::error::Error;

use checklist_sshsig::{AllowedSigners, PrivateKeySigner, PublicKey};

fn chain(e: &dyn Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        out.push_str(": ");
        out.push_str(&s.to_string());
        next = s.source();
    }
    out
}

#[test]
fn dev_zero_is_refused_as_every_kind_of_file() {
    let err = AllowedSigners::from_file("/dev/zero").unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains("/dev/zero") && text.contains("too large"),
        "{text}"
    );

    let err = PublicKey::read_file("/dev/zero").unwrap_err();
    assert!(chain(&err).contains("too large"), "{}", chain(&err));

    let err = PrivateKeySigner::from_file("/dev/zero").unwrap_err();
    assert!(chain(&err).contains("too large"), "{}", chain(&err));
}

#[test]
fn a_key_file_over_the_limit_is_refused_and_one_under_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.pub");
    std::fs::write(&big, vec![b'a'; (1 << 20) + 1]).unwrap();
    let err = PublicKey::read_file(&big).unwrap_err();
    assert!(chain(&err).contains("too large"), "{}", chain(&err));

    // Under the limit the text is parsed: the error is about what it says.
    let small = dir.path().join("small.pub");
    std::fs::write(&small, "not a key\n").unwrap();
    let err = PublicKey::read_file(&small).unwrap_err();
    assert!(!chain(&err).contains("too large"), "{}", chain(&err));
}
