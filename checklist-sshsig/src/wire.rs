//! The SSH wire encoding (a `uint32` length before every string), as much of it as the
//! SSHSIG blob needs. Reading never panics: every length is checked against what is left.

/// Reads SSH wire values from a byte slice, front to back.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

/// What was being read when the input ran out: named so that errors can say which field
/// of a signature is truncated.
pub(crate) type Field = &'static str;

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// Takes exactly `n` raw bytes.
    pub(crate) fn take(&mut self, n: usize, field: Field) -> Result<&'a [u8], Field> {
        if self.rest.len() < n {
            return Err(field);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    pub(crate) fn u32(&mut self, field: Field) -> Result<u32, Field> {
        let bytes = self.take(4, field)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// A length-prefixed string.
    pub(crate) fn string(&mut self, field: Field) -> Result<&'a [u8], Field> {
        let len = self.u32(field)?;
        // A length that does not fit in usize cannot fit in the input either.
        let len = usize::try_from(len).map_err(|_| field)?;
        self.take(len, field)
    }

    /// Bytes left after the last field read.
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }
}

/// Appends a length-prefixed string.
pub(crate) fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    // Every string we write (namespaces, keys, signatures, digests) is far below 4 GiB;
    // saturating keeps this total rather than panicking on an impossible input.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_wrote() {
        let mut buf = Vec::new();
        put_string(&mut buf, b"abc");
        buf.extend_from_slice(&7u32.to_be_bytes());
        let mut r = Reader::new(&buf);
        assert_eq!(r.string("s").unwrap(), b"abc");
        assert_eq!(r.u32("n").unwrap(), 7);
        assert_eq!(r.remaining(), 0);
    }

    #[test]
    fn a_length_beyond_the_input_names_the_field() {
        let buf = [0, 0, 0, 9, b'x'];
        assert_eq!(Reader::new(&buf).string("namespace"), Err("namespace"));
        assert_eq!(Reader::new(&[0, 0]).u32("version"), Err("version"));
        let huge = [0xff, 0xff, 0xff, 0xff];
        assert_eq!(Reader::new(&huge).string("signature"), Err("signature"));
    }
}
