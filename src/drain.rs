//! Reading or draining a response body off a connection: sans-IO, `no_std`, no allocation.
//!
//! The machine says how a body is delimited ([`BodyLength`]); a [`Drainer`] is fed the raw
//! bytes after the head and says how many of them belong to the body (framing included),
//! which of them are body data, and whether the body ended: whatever follows it is the
//! start of the next response on that connection.
//!
//! It keeps no bytes between calls, only counters, so it gives the same answer however the
//! input is split (one byte at a time included), runs in time linear in the input, and
//! never panics or overflows: a chunk size is read digit by digit with a check before each
//! shift, and every line, the trailer section and the body itself are bounded.

use core::fmt;
use core::ops::Range;

use crate::response::BodyLength;
use crate::syntax::{is_field_value_byte, is_tchar};

/// The largest body a [`Drainer`] accepts unless told otherwise
/// ([`Drainer::with_max_body`]): 1 MiB, plenty for the body of a redirect.
pub const DEFAULT_MAX_BODY: u64 = 1 << 20;

/// The longest chunk-size line accepted, extensions and its CRLF included.
pub const MAX_CHUNK_LINE: usize = 4096;

/// The largest trailer section accepted (the fields after the last chunk and the empty
/// line that ends them).
pub const MAX_TRAILER_BYTES: usize = 8 * 1024;

/// The most trailer fields accepted.
pub const MAX_TRAILER_FIELDS: usize = 64;

/// Why a body could not be read. Every one is the peer's fault, except
/// [`DrainError::TooLarge`], which is the limit the caller chose. After any of them the
/// connection MUST be closed: where the next response starts is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DrainError {
    /// A chunk-size line is not `HEXDIG... [BWS ";" extension] CRLF`: no digit, a byte
    /// that is not allowed, or a control character in an extension.
    InvalidChunkLine,
    /// A chunk size does not fit in 64 bits.
    ChunkSizeOverflow,
    /// A chunk-size line is longer than [`MAX_CHUNK_LINE`] bytes.
    ChunkLineTooLong {
        /// The limit.
        limit: usize,
    },
    /// A line ends with a bare LF or a CR without LF, or chunk data is not followed by
    /// CRLF.
    MissingCrlf,
    /// A trailer field is not `token ":" value` (an obsolete line fold included).
    InvalidTrailer,
    /// The trailer section is longer than [`MAX_TRAILER_BYTES`].
    TrailersTooLarge {
        /// The limit.
        limit: usize,
    },
    /// More trailer fields than [`MAX_TRAILER_FIELDS`].
    TooManyTrailers {
        /// The limit.
        limit: usize,
    },
    /// The body is (or announces that it will be) larger than the drainer's limit
    /// ([`Drainer::with_max_body`]).
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// The connection or stream ended before the body did ([`Drainer::finish`]).
    Truncated,
}

impl fmt::Display for DrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrainError::InvalidChunkLine => f.write_str("malformed chunk-size line"),
            DrainError::ChunkSizeOverflow => f.write_str("chunk size larger than 2^64 - 1"),
            DrainError::ChunkLineTooLong { limit } => {
                write!(f, "chunk-size line longer than {limit} bytes")
            }
            DrainError::MissingCrlf => f.write_str("missing CRLF in a chunked body"),
            DrainError::InvalidTrailer => f.write_str("malformed trailer field"),
            DrainError::TrailersTooLarge { limit } => {
                write!(f, "trailer section longer than {limit} bytes")
            }
            DrainError::TooManyTrailers { limit } => {
                write!(f, "more than {limit} trailer fields")
            }
            DrainError::TooLarge { limit } => write!(f, "body larger than {limit} bytes"),
            DrainError::Truncated => f.write_str("the connection ended in the middle of the body"),
        }
    }
}

impl core::error::Error for DrainError {}

/// What one [`Drainer::decode`] call did with its input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Decoded {
    /// How many bytes of the input belong to the body (data and framing). Once
    /// [`Decoded::done`], `input[used..]` is the start of the next response.
    pub used: usize,
    /// Where body data is in the input: one run, inside `..used` (empty when this call
    /// only read framing).
    pub data: Range<usize>,
    /// Whether the body ended.
    pub done: bool,
}

/// What one [`Drainer::drain`] call did with its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Drained {
    /// How many bytes of the input belong to the body. Once [`Drained::done`],
    /// `input[used..]` is the start of the next response; before, it is all of the input.
    pub used: usize,
    /// Whether the body ended.
    pub done: bool,
}

/// Where a response's body starts, how it is delimited and whether the connection can be
/// used again after it: a plain value copied out of [`Response::framing`],
/// [`Redirect::framing`] or [`Final::framing`](crate::Final::framing), so it does not
/// borrow the machine while the caller reads the body.
///
/// [`Response::framing`]: crate::Response::framing
/// [`Redirect::framing`]: crate::Redirect::framing
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framing {
    /// How many bytes of the buffer the head used: the body starts at this offset
    /// ([`Response::head_len`](crate::Response::head_len)).
    pub head_len: usize,
    /// How the body is delimited.
    pub body: BodyLength,
    /// From a redirect: whether the next request may go on this connection once the body
    /// is drained ([`Redirect::can_reuse_connection`](crate::Redirect::can_reuse_connection)).
    /// From a response: whether the connection can carry another request after this body
    /// ([`Response::keep_alive`](crate::Response::keep_alive)).
    pub reuse: bool,
}

impl Framing {
    /// A [`Drainer`] for this body, with the default limit.
    pub fn drainer(&self) -> Drainer {
        Drainer::new(self.body)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `Content-Length`: this many bytes left.
    Length(u64),
    /// In a chunk-size line.
    Size(SizeLine),
    /// This many bytes of chunk data left.
    Data(u64),
    /// The CR after chunk data.
    DataCr,
    /// The LF after chunk data.
    DataLf,
    /// In the trailer section.
    Trailer(TrailerLine),
    /// Until the connection or the stream ends.
    ToEnd,
    Done,
    Failed(DrainError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SizeLine {
    Digits,
    /// Whitespace after the digits (only before `;` or the CR).
    Space,
    /// In the extensions.
    Ext,
    /// After the CR.
    Lf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TrailerLine {
    Start,
    Name,
    Value,
    /// After a CR; `last` if it ends the empty line that ends the section.
    Lf {
        last: bool,
    },
}

/// A sans-IO reader for one response body: fed the bytes after the head, it says how many
/// it used, where the data is, and whether the body ended.
///
/// - `Content-Length` ([`BodyLength::Length`]): that many bytes.
/// - `chunked` ([`BodyLength::Chunked`], RFC 9112 §7.1): sizes in hex (any number of
///   leading zeros within [`MAX_CHUNK_LINE`], at most 2^64 - 1), extensions skipped,
///   trailer fields checked and skipped (at most [`MAX_TRAILER_FIELDS`] in
///   [`MAX_TRAILER_BYTES`]). Every line ends with CRLF: a bare LF is an error, as are
///   obsolete line folds in the trailers.
/// - until the connection closes ([`BodyLength::UntilClose`]) or the stream ends
///   ([`BodyLength::EndOfStream`], HTTP/2 and HTTP/3): every byte is body; the caller
///   says when the end came with [`Drainer::finish`].
/// - no body ([`BodyLength::None`]): done before any byte.
///
/// The body's data is at most [`Drainer::with_max_body`] bytes ([`DEFAULT_MAX_BODY`]); a
/// `Content-Length` or a chunk size that would pass it is refused before its data is read.
///
/// To drain the body of a redirect whose connection is reused:
///
/// ```
/// use redirects::{Event, Follow, Policy, Request};
/// let mut follow = Follow::new(Request::get("http://a.test/old")?, Policy::fetch())?;
/// // The redirect, its chunked body, and the start of the next response, as read so far.
/// let read = b"HTTP/1.1 302 Found\r\nLocation: /new\r\nTransfer-Encoding: chunked\r\n\r\n\
///              5;note=x\r\nmoved\r\n0\r\nX-Trailer: 1\r\n\r\nHTTP/1.1 200 OK\r\n";
/// let Event::Redirect(redirect) = follow.handle_response(read)? else { panic!() };
/// let framing = redirect.framing(); // a plain value: `follow` is free again
/// assert!(framing.reuse);
/// let mut drainer = framing.drainer();
/// let drained = drainer.drain(&read[framing.head_len..]).expect("a valid body");
/// assert!(drained.done);
/// let next = &read[framing.head_len + drained.used..];
/// assert_eq!(next, b"HTTP/1.1 200 OK\r\n"); // feed it as the next response
/// # Ok::<(), redirects::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Drainer {
    state: State,
    /// The chunk size read so far on a size line.
    size: u64,
    /// Bytes of the current chunk-size line, or of the trailer section.
    line: usize,
    /// Trailer fields so far.
    fields: usize,
    /// Body data so far.
    total: u64,
    max_body: u64,
}

impl Drainer {
    /// A drainer for a body delimited as `length` says, with the default limit
    /// ([`DEFAULT_MAX_BODY`]).
    pub fn new(length: BodyLength) -> Drainer {
        let state = match length {
            BodyLength::None | BodyLength::Length(0) => State::Done,
            BodyLength::Length(n) => State::Length(n),
            BodyLength::Chunked => State::Size(SizeLine::Digits),
            BodyLength::UntilClose | BodyLength::EndOfStream => State::ToEnd,
        };
        Drainer {
            state,
            size: 0,
            line: 0,
            fields: 0,
            total: 0,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// The same drainer with another limit on the body's data (`u64::MAX`: none).
    pub fn with_max_body(mut self, max_body: u64) -> Drainer {
        self.max_body = max_body;
        self
    }

    /// The limit on the body's data.
    pub fn max_body(&self) -> u64 {
        self.max_body
    }

    /// Whether the whole body has been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// How many bytes of body data (chunk framing not counted) were read so far.
    pub fn body_bytes(&self) -> u64 {
        self.total
    }

    /// Reads from `input` (the bytes after those already given) up to and including at
    /// most one run of body data, and says where that run is. Call again with
    /// `&input[used..]` until [`Decoded::done`] or until that is empty (then read more
    /// from the connection). To discard the body, [`Drainer::drain`] does the loop.
    ///
    /// After an error, every call returns it again.
    pub fn decode(&mut self, input: &[u8]) -> Result<Decoded, DrainError> {
        let mut at = 0;
        loop {
            let rest = input.get(at..).unwrap_or_default();
            let pause = |done| Decoded {
                used: at,
                data: at..at,
                done,
            };
            match self.state {
                State::Failed(e) => return Err(e),
                State::Done => return Ok(pause(true)),
                State::Length(left) | State::Data(left) => {
                    // A length past the limit fails now, not after reading up to it.
                    if left > self.room() {
                        return Err(self.fail(DrainError::TooLarge {
                            limit: self.max_body,
                        }));
                    }
                    if rest.is_empty() {
                        return Ok(pause(false));
                    }
                    let take = usize::try_from(left).map_or(rest.len(), |l| l.min(rest.len()));
                    let left = left - take as u64;
                    self.total += take as u64;
                    self.state = match (self.state, left) {
                        (State::Length(_), 0) => State::Done,
                        (State::Length(_), _) => State::Length(left),
                        (_, 0) => State::DataCr,
                        _ => State::Data(left),
                    };
                    return Ok(Decoded {
                        used: at + take,
                        data: at..at + take,
                        done: self.state == State::Done,
                    });
                }
                State::ToEnd => {
                    let take = rest.len();
                    if take == 0 {
                        return Ok(pause(false));
                    }
                    if take as u64 > self.room() {
                        return Err(self.fail(DrainError::TooLarge {
                            limit: self.max_body,
                        }));
                    }
                    self.total += take as u64;
                    return Ok(Decoded {
                        used: at + take,
                        data: at..at + take,
                        done: false,
                    });
                }
                _ => {
                    let Some(&byte) = rest.first() else {
                        return Ok(pause(false));
                    };
                    at += 1;
                    if let Err(e) = self.framing(byte) {
                        return Err(self.fail(e));
                    }
                }
            }
        }
    }

    /// Reads and discards all of `input` that belongs to the body (the loop over
    /// [`Drainer::decode`]). When [`Drained::done`], `input[used..]` is the start of the
    /// next response; otherwise all of `input` was used: read more and call again with
    /// the new bytes only.
    pub fn drain(&mut self, input: &[u8]) -> Result<Drained, DrainError> {
        let mut used = 0;
        loop {
            let step = self.decode(input.get(used..).unwrap_or_default())?;
            used += step.used;
            if step.done || step.used == 0 {
                return Ok(Drained {
                    used,
                    done: step.done,
                });
            }
        }
    }

    /// The connection closed, or the stream ended: fine for a body delimited by that end
    /// (or already complete), [`DrainError::Truncated`] for any other.
    pub fn finish(&mut self) -> Result<(), DrainError> {
        match self.state {
            State::Done => Ok(()),
            State::ToEnd => {
                self.state = State::Done;
                Ok(())
            }
            State::Failed(e) => Err(e),
            _ => Err(self.fail(DrainError::Truncated)),
        }
    }

    /// How many more bytes of data the limit allows.
    fn room(&self) -> u64 {
        self.max_body.saturating_sub(self.total)
    }

    fn fail(&mut self, e: DrainError) -> DrainError {
        self.state = State::Failed(e);
        e
    }

    /// One byte of chunk framing: a size line, the CRLF after data, or the trailers.
    fn framing(&mut self, byte: u8) -> Result<(), DrainError> {
        self.state = match self.state {
            State::Size(line) => {
                self.line += 1;
                if self.line > MAX_CHUNK_LINE {
                    return Err(DrainError::ChunkLineTooLong {
                        limit: MAX_CHUNK_LINE,
                    });
                }
                self.size_line(line, byte)?
            }
            State::DataCr if byte == b'\r' => State::DataLf,
            State::DataLf if byte == b'\n' => {
                self.line = 0;
                State::Size(SizeLine::Digits)
            }
            State::DataCr | State::DataLf => return Err(DrainError::MissingCrlf),
            State::Trailer(line) => {
                self.line += 1;
                if self.line > MAX_TRAILER_BYTES {
                    return Err(DrainError::TrailersTooLarge {
                        limit: MAX_TRAILER_BYTES,
                    });
                }
                self.trailer(line, byte)?
            }
            other => other,
        };
        Ok(())
    }

    fn size_line(&mut self, line: SizeLine, byte: u8) -> Result<State, DrainError> {
        Ok(match (line, byte) {
            (SizeLine::Digits, _) if hex(byte).is_some() => {
                if self.size >> 60 != 0 {
                    return Err(DrainError::ChunkSizeOverflow);
                }
                self.size = self.size << 4 | u64::from(hex(byte).unwrap_or(0));
                State::Size(SizeLine::Digits)
            }
            // A size line starts with a digit.
            (SizeLine::Digits, _) if self.line == 1 => return Err(DrainError::InvalidChunkLine),
            (SizeLine::Digits | SizeLine::Space, b' ' | b'\t') => State::Size(SizeLine::Space),
            (SizeLine::Digits | SizeLine::Space | SizeLine::Ext, b';') => {
                State::Size(SizeLine::Ext)
            }
            (SizeLine::Digits | SizeLine::Space | SizeLine::Ext, b'\r') => {
                State::Size(SizeLine::Lf)
            }
            (_, b'\n') if line != SizeLine::Lf => return Err(DrainError::MissingCrlf),
            (SizeLine::Ext, _) if is_field_value_byte(byte) => State::Size(SizeLine::Ext),
            (SizeLine::Lf, b'\n') => {
                let size = core::mem::take(&mut self.size);
                self.line = 0;
                if size == 0 {
                    State::Trailer(TrailerLine::Start)
                } else if size > self.room() {
                    return Err(DrainError::TooLarge {
                        limit: self.max_body,
                    });
                } else {
                    State::Data(size)
                }
            }
            (SizeLine::Lf, _) => return Err(DrainError::MissingCrlf),
            _ => return Err(DrainError::InvalidChunkLine),
        })
    }

    fn trailer(&mut self, line: TrailerLine, byte: u8) -> Result<State, DrainError> {
        Ok(match (line, byte) {
            (TrailerLine::Lf { last: true }, b'\n') => State::Done,
            (TrailerLine::Lf { last: false }, b'\n') => State::Trailer(TrailerLine::Start),
            (TrailerLine::Lf { .. }, _) | (_, b'\n') => return Err(DrainError::MissingCrlf),
            (TrailerLine::Start, b'\r') => State::Trailer(TrailerLine::Lf { last: true }),
            (TrailerLine::Start, _) if is_tchar(byte) => {
                self.fields += 1;
                if self.fields > MAX_TRAILER_FIELDS {
                    return Err(DrainError::TooManyTrailers {
                        limit: MAX_TRAILER_FIELDS,
                    });
                }
                State::Trailer(TrailerLine::Name)
            }
            (TrailerLine::Name, _) if is_tchar(byte) => State::Trailer(TrailerLine::Name),
            (TrailerLine::Name, b':') => State::Trailer(TrailerLine::Value),
            (TrailerLine::Value, b'\r') => State::Trailer(TrailerLine::Lf { last: false }),
            (TrailerLine::Value, _) if is_field_value_byte(byte) => {
                State::Trailer(TrailerLine::Value)
            }
            _ => return Err(DrainError::InvalidTrailer),
        })
    }
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// Drains `raw` whole: the error, or how much was used and whether it is done.
    fn drain(length: BodyLength, raw: &[u8]) -> Result<Drained, DrainError> {
        Drainer::new(length).drain(raw)
    }

    #[test]
    fn chunked_with_extensions_and_trailers() {
        let raw =
            b"5;ext=1\r\nhello\r\n7 ; a=\"b;c\"\r\n, world\r\n0\r\nX-T: 1\r\nX-O:\r\n\r\nNEXT";
        let mut d = Drainer::new(BodyLength::Chunked);
        let mut body = Vec::new();
        let mut at = 0;
        loop {
            let step = d.decode(&raw[at..]).unwrap();
            body.extend_from_slice(&raw[at..][step.data]);
            at += step.used;
            if step.done {
                break;
            }
        }
        assert_eq!(
            (&body[..], &raw[at..]),
            (&b"hello, world"[..], &b"NEXT"[..])
        );
        assert_eq!(d.body_bytes(), 12);
    }

    #[test]
    fn every_framing() {
        let ok = |length, raw: &[u8], used, done| {
            assert_eq!(drain(length, raw), Ok(Drained { used, done }), "{raw:?}");
        };
        ok(BodyLength::None, b"HTTP/1.1", 0, true);
        ok(BodyLength::Length(0), b"x", 0, true);
        ok(BodyLength::Length(3), b"abcdef", 3, true);
        ok(BodyLength::Length(3), b"ab", 2, false);
        ok(
            BodyLength::Chunked,
            b"A\r\n0123456789\r\n0\r\n\r\nX",
            20,
            true,
        );
        ok(
            BodyLength::Chunked,
            b"000000001\r\na\r\n0\r\n\r\n",
            19,
            true,
        );
        ok(
            BodyLength::Chunked,
            b"1\t;x\r\na\r\n00;y=\"\xff\"\r\n\r\n",
            21,
            true,
        );
        ok(BodyLength::UntilClose, b"all", 3, false);
        ok(BodyLength::EndOfStream, b"all", 3, false);
        for length in [BodyLength::UntilClose, BodyLength::EndOfStream] {
            let mut d = Drainer::new(length);
            assert_eq!(d.drain(b"abc").map(|d| d.used), Ok(3));
            assert_eq!(d.finish(), Ok(()));
            assert!(d.is_done());
        }
    }

    #[test]
    fn hostile_sizes_and_framing() {
        let err = |raw: &[u8], e| assert_eq!(drain(BodyLength::Chunked, raw), Err(e), "{raw:?}");
        // 2^64 - 1 fits; the limit refuses it before its data.
        err(
            b"ffffffffffffffff\r\n",
            DrainError::TooLarge {
                limit: DEFAULT_MAX_BODY,
            },
        );
        let mut d = Drainer::new(BodyLength::Chunked).with_max_body(u64::MAX);
        assert_eq!(
            d.drain(b"ffffffffffffffff\r\nab"),
            Ok(Drained {
                used: 20,
                done: false
            })
        );
        err(b"10000000000000000\r\n", DrainError::ChunkSizeOverflow);
        err(&[b'f'; 10_000], DrainError::ChunkSizeOverflow);
        let mut zeros = [b'0'; 10_000];
        zeros[9_999] = b'5';
        err(
            &zeros,
            DrainError::ChunkLineTooLong {
                limit: MAX_CHUNK_LINE,
            },
        );
        err(b"zz\r\n", DrainError::InvalidChunkLine);
        err(b"\r\n", DrainError::InvalidChunkLine);
        err(b" 5\r\n", DrainError::InvalidChunkLine);
        err(b"5 x\r\n", DrainError::InvalidChunkLine);
        err(b"5;a\x00\r\n", DrainError::InvalidChunkLine);
        err(b"5\n", DrainError::MissingCrlf);
        err(b"5\rx", DrainError::MissingCrlf);
        err(b"2\r\nabX", DrainError::MissingCrlf);
        err(b"2\r\nab\r\r", DrainError::MissingCrlf);
        err(b"0\r\nno colon\r\n", DrainError::InvalidTrailer);
        err(b"0\r\n folded\r\n", DrainError::InvalidTrailer);
        err(b"0\r\nA: b\n", DrainError::MissingCrlf);
        err(b"0\r\n\n", DrainError::MissingCrlf);
        let mut flood = b"0\r\n".to_vec();
        for _ in 0..=MAX_TRAILER_FIELDS {
            flood.extend_from_slice(b"X:\r\n");
        }
        err(
            &flood,
            DrainError::TooManyTrailers {
                limit: MAX_TRAILER_FIELDS,
            },
        );
        let mut long = b"0\r\nX: ".to_vec();
        long.resize(MAX_TRAILER_BYTES + 10, b'a');
        err(
            &long,
            DrainError::TrailersTooLarge {
                limit: MAX_TRAILER_BYTES,
            },
        );
        // The longest size line accepted.
        let mut line = b"1;".to_vec();
        line.resize(MAX_CHUNK_LINE - 2, b'x');
        line.extend_from_slice(b"\r\n");
        assert_eq!(
            drain(BodyLength::Chunked, &line).map(|d| d.used),
            Ok(MAX_CHUNK_LINE)
        );
    }

    #[test]
    fn limits_and_ends() {
        let mut d = Drainer::new(BodyLength::Length(5)).with_max_body(4);
        assert_eq!(d.drain(b""), Err(DrainError::TooLarge { limit: 4 }));
        // An error sticks.
        assert_eq!(d.drain(b"abcde"), Err(DrainError::TooLarge { limit: 4 }));
        let mut d = Drainer::new(BodyLength::UntilClose).with_max_body(4);
        assert_eq!(d.drain(b"abcd").map(|d| d.used), Ok(4));
        assert_eq!(d.drain(b"e"), Err(DrainError::TooLarge { limit: 4 }));
        let mut d = Drainer::new(BodyLength::Chunked).with_max_body(4);
        assert_eq!(
            d.drain(b"3\r\nabc\r\n2\r\n"),
            Err(DrainError::TooLarge { limit: 4 })
        );
        let mut d = Drainer::new(BodyLength::Length(4));
        assert_eq!(d.drain(b"ab").map(|d| d.done), Ok(false));
        assert_eq!(d.finish(), Err(DrainError::Truncated));
        let mut d = Drainer::new(BodyLength::Chunked);
        assert_eq!(d.finish(), Err(DrainError::Truncated));
        let mut d = Drainer::new(BodyLength::Length(1));
        assert_eq!(d.drain(b"a").map(|d| d.done), Ok(true));
        assert_eq!(d.finish(), Ok(()));
        assert_eq!(
            d.drain(b"next"),
            Ok(Drained {
                used: 0,
                done: true
            })
        );
    }
}
