//! Where a head ends in a growing buffer: the empty line after its first non-empty line
//! (the line `httparse` ends on), found by looking at each byte once, however the bytes
//! arrive.

/// Where the scanner stands in the current line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Line {
    /// At the start of a line.
    #[default]
    Start,
    /// After a CR at the start of a line.
    Cr,
    /// Inside a line.
    In,
}

/// The scan of one head: how far it looked and what it saw there.
#[derive(Debug, Clone, Default)]
pub(crate) struct EndScan {
    /// Bytes looked at (absolute offset in the buffer).
    pos: usize,
    line: Line,
    /// A non-empty line has been seen (leading empty lines are skipped).
    content: bool,
}

impl EndScan {
    /// A scan of a head starting at `start`.
    pub(crate) fn at(start: usize) -> EndScan {
        EndScan {
            pos: start,
            ..EndScan::default()
        }
    }

    /// Looks at the bytes below `limit` not looked at yet (none before `start`, where the
    /// head begins) for the empty line that ends the head. Returns the offset just past it.
    #[inline(always)]
    pub(crate) fn find_end(&mut self, buf: &[u8], start: usize, limit: usize) -> Option<usize> {
        if self.pos < start {
            self.pos = start;
        }
        let bytes = buf.get(..limit)?;
        while self.pos < limit {
            if self.line == Line::In {
                // Inside a line: jump to its end.
                match find_lf(&bytes[self.pos..]) {
                    Some(i) => {
                        self.pos += i + 1;
                        self.line = Line::Start;
                    }
                    None => {
                        self.pos = limit;
                        return None;
                    }
                }
                continue;
            }
            let b = bytes[self.pos];
            self.pos += 1;
            match (self.line, b) {
                (_, b'\n') => {
                    if self.content {
                        return Some(self.pos);
                    }
                    self.line = Line::Start;
                }
                (Line::Start, b'\r') => self.line = Line::Cr,
                _ => {
                    self.line = Line::In;
                    self.content = true;
                }
            }
        }
        None
    }
}

/// The first `\n` in `s`, eight bytes at a time (SWAR, no `unsafe`).
fn find_lf(s: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w) ^ (LO * u64::from(b'\n'));
        let found = x.wrapping_sub(LO) & !x & HI;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    #[test]
    fn find_lf_agrees_with_a_byte_search() {
        let mut s: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        assert_eq!(find_lf(&s), None);
        for at in 0..s.len() {
            let mut t = s.clone();
            t[at] = b'\n';
            // A second LF later never hides the first.
            if at + 3 < t.len() {
                t[at + 3] = b'\n';
            }
            assert_eq!(find_lf(&t), Some(at), "LF at {at}");
        }
        // Bytes that differ from LF in one bit, and high bytes (the SWAR borrow).
        s = [0x0b, 0x0e, 0x8a, 0x09, 0xff, 0x00, 0x2a, 0x4a, 0x0a].to_vec();
        assert_eq!(find_lf(&s), Some(8));
    }

    /// Where the head ends, the same for every split of the bytes into two feeds, and when
    /// they come one at a time.
    #[test]
    fn end_is_split_independent() {
        let rows: &[(&[u8], usize, Option<usize>)] = &[
            (b"HTTP/1.1 200 OK\r\n\r\n", 0, Some(19)),
            (b"HTTP/1.1 200 OK\n\nbody", 0, Some(17)),
            (b"\r\n\r\nHTTP/1.1 200 OK\r\nA: b\r\n\r\n", 0, Some(29)),
            (b"HTTP/1.1 200 OK\r\nA: b\r\n", 0, None),
            (b"HTTP/1.1 200 OK\r\nA: b\r\r\n", 0, None),
            (
                b"HTTP/1.1 100 C\r\n\r\nHTTP/1.1 302 F\r\n\r\n",
                18,
                Some(36),
            ),
            (b"\n\n\n", 0, None),
        ];
        for &(bytes, start, want) in rows {
            let whole = EndScan::at(start).find_end(bytes, start, bytes.len());
            assert_eq!(whole, want, "{:?} whole", String::from_utf8_lossy(bytes));
            for cut in start..=bytes.len() {
                let mut scan = EndScan::at(start);
                let got = scan
                    .find_end(bytes, start, cut)
                    .or_else(|| scan.find_end(bytes, start, bytes.len()));
                assert_eq!(
                    got,
                    want,
                    "{:?} cut at {cut}",
                    String::from_utf8_lossy(bytes)
                );
            }
            let mut scan = EndScan::at(start);
            let got = (start..=bytes.len()).find_map(|n| scan.find_end(bytes, start, n));
            assert_eq!(got, want, "{:?} bytewise", String::from_utf8_lossy(bytes));
        }
    }

    /// Every byte is looked at once: a long head fed one byte at a time costs a scan step
    /// per byte, not a rescan.
    #[test]
    fn each_byte_is_looked_at_once() {
        let mut bytes = b"HTTP/1.1 200 OK\r\n".to_vec();
        bytes.extend(core::iter::repeat_n(b'x', 10_000));
        let mut scan = EndScan::at(0);
        for n in 0..=bytes.len() {
            assert_eq!(scan.find_end(&bytes, 0, n), None);
            assert_eq!(scan.pos, n);
        }
    }
}
