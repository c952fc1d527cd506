//! Reading the small text files this crate knows (allowed-signers files, public and
//! private keys) with a bound: a path that names `/dev/zero`, a fifo or a huge file by
//! mistake, or by someone who controls a checklist, must fail at once instead of
//! reading until memory runs out.

use std::io::{self, Read};
use std::path::Path;

/// The most an allowed-signers file may hold: room for about a hundred thousand signers.
pub(crate) const MAX_ALLOWED_SIGNERS_BYTES: u64 = 16 << 20;

/// The most a key file may hold; the largest OpenSSH keys (RSA 16384) are a few KiB.
pub(crate) const MAX_KEY_BYTES: u64 = 1 << 20;

/// The file's text, refused with `InvalidData` when it holds more than `limit` bytes
/// (at most `limit + 1` are read) or is not UTF-8.
pub(crate) fn read_bounded(path: &Path, limit: u64, what: &str) -> io::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("more than {limit} bytes, too large for {what}"),
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{what} is not UTF-8 text"),
        )
    })
}
