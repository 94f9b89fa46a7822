//! Reading a message body off a connection, sans-IO like the machine itself.
//!
//! The machine says how a body is delimited ([`BodyLength`]); this decoder turns the raw
//! bytes after the head into body bytes and says exactly how many raw bytes it used, so
//! whatever follows the body stays on the connection for the next response.

use redirects::BodyLength;

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// A chunk-size line is not hexadecimal, overflows, or a chunk is not followed by CRLF.
    BadChunk,
    /// The connection closed before the body was complete.
    Truncated,
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::BadChunk => f.write_str("malformed chunked body"),
            BodyError::Truncated => f.write_str("connection closed in the middle of the body"),
        }
    }
}

impl std::error::Error for BodyError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `n` more body bytes to come (`Content-Length`).
    Length(u64),
    /// In a chunk-size line: the size so far, whether a digit was seen, whether in an
    /// extension (or trailing whitespace).
    Size {
        size: u64,
        digits: bool,
        ext: bool,
    },
    /// `n` more bytes of chunk data.
    Data(u64),
    /// The CRLF after chunk data; `cr` once the CR was seen.
    DataEnd {
        cr: bool,
    },
    /// Trailer lines after the last chunk; `blank` while the current line is still empty.
    Trailer {
        blank: bool,
    },
    /// Until the peer closes the connection.
    UntilClose,
    Done,
}

/// A body decoder for one response.
#[derive(Debug, Clone)]
pub struct BodyReader {
    state: State,
}

impl BodyReader {
    /// A decoder for a body delimited as `length` says.
    pub fn new(length: BodyLength) -> BodyReader {
        let state = match length {
            BodyLength::None | BodyLength::Length(0) => State::Done,
            BodyLength::Length(n) => State::Length(n),
            BodyLength::Chunked => State::Size {
                size: 0,
                digits: false,
                ext: false,
            },
            BodyLength::UntilClose => State::UntilClose,
        };
        BodyReader { state }
    }

    /// Whether the whole body has been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes from `input`, appending body bytes to `out` (if given). Returns how many
    /// bytes of `input` belong to the body; the rest (if any) comes after it.
    pub fn feed(
        &mut self,
        input: &[u8],
        mut out: Option<&mut Vec<u8>>,
    ) -> Result<usize, BodyError> {
        let mut i = 0;
        while i < input.len() {
            match &mut self.state {
                State::Done => break,
                State::Length(n) | State::Data(n) => {
                    let take = (input.len() - i).min(usize::try_from(*n).unwrap_or(usize::MAX));
                    if let Some(out) = out.as_deref_mut() {
                        out.extend_from_slice(&input[i..i + take]);
                    }
                    i += take;
                    *n -= take as u64;
                    if *n == 0 {
                        self.state = match self.state {
                            State::Data(_) => State::DataEnd { cr: false },
                            _ => State::Done,
                        };
                    }
                }
                State::UntilClose => {
                    if let Some(out) = out.as_deref_mut() {
                        out.extend_from_slice(&input[i..]);
                    }
                    i = input.len();
                }
                State::Size { size, digits, ext } => {
                    let b = input[i];
                    i += 1;
                    match b {
                        b'\n' if !*digits => return Err(BodyError::BadChunk),
                        b'\n' if *size == 0 => self.state = State::Trailer { blank: true },
                        b'\n' => self.state = State::Data(*size),
                        b'\r' => {}
                        b';' | b' ' | b'\t' => *ext = true,
                        _ if *ext => {}
                        _ => {
                            let digit = (b as char).to_digit(16).ok_or(BodyError::BadChunk)?;
                            *size = size
                                .checked_mul(16)
                                .and_then(|s| s.checked_add(u64::from(digit)))
                                .ok_or(BodyError::BadChunk)?;
                            *digits = true;
                        }
                    }
                }
                State::DataEnd { cr } => {
                    let b = input[i];
                    i += 1;
                    match b {
                        b'\r' if !*cr => *cr = true,
                        b'\n' => {
                            self.state = State::Size {
                                size: 0,
                                digits: false,
                                ext: false,
                            }
                        }
                        _ => return Err(BodyError::BadChunk),
                    }
                }
                State::Trailer { blank } => {
                    let b = input[i];
                    i += 1;
                    match b {
                        b'\n' if *blank => self.state = State::Done,
                        b'\n' => *blank = true,
                        b'\r' => {}
                        _ => *blank = false,
                    }
                }
            }
        }
        Ok(i)
    }

    /// The peer closed the connection: fine only for a body delimited by the close.
    pub fn eof(&mut self) -> Result<(), BodyError> {
        match self.state {
            State::Done => Ok(()),
            State::UntilClose => {
                self.state = State::Done;
                Ok(())
            }
            _ => Err(BodyError::Truncated),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(length: BodyLength, raw: &[u8], step: usize) -> Result<(Vec<u8>, usize), BodyError> {
        let mut reader = BodyReader::new(length);
        let mut body = Vec::new();
        let mut used = 0;
        for piece in raw.chunks(step.max(1)) {
            let n = reader.feed(piece, Some(&mut body))?;
            used += n;
            if n < piece.len() || reader.is_done() {
                break;
            }
        }
        assert!(reader.is_done(), "not done after {raw:?}");
        Ok((body, used))
    }

    #[test]
    fn chunked_any_split() {
        let raw = b"5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
        for step in 1..raw.len() {
            let (body, used) = decode(BodyLength::Chunked, raw, step).unwrap();
            assert_eq!(body, b"hello, world");
            assert_eq!(&raw[used..], b"NEXT", "step {step}");
        }
    }

    #[test]
    fn length_leaves_the_rest() {
        let (body, used) = decode(BodyLength::Length(3), b"abcdef", 2).unwrap();
        assert_eq!((body.as_slice(), used), (&b"abc"[..], 3));
    }

    #[test]
    fn bad_chunks() {
        for raw in [
            &b"zz\r\n"[..],
            b"\r\n",
            b"2\r\nabX",
            b"fffffffffffffffff\r\n",
        ] {
            let mut r = BodyReader::new(BodyLength::Chunked);
            assert_eq!(r.feed(raw, None), Err(BodyError::BadChunk), "{raw:?}");
        }
        let mut r = BodyReader::new(BodyLength::Length(4));
        r.feed(b"ab", None).unwrap();
        assert_eq!(r.eof(), Err(BodyError::Truncated));
    }
}
