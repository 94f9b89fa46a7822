//! Reading a message body off a connection, sans-IO like the machine itself.
//!
//! The machine says how a body is delimited ([`BodyLength`]); this decoder turns the raw
//! bytes after the head into body bytes and says exactly how many raw bytes it used, so
//! whatever follows the body stays on the connection for the next response.
//!
//! Chunk-size lines are parsed by [`httparse::parse_chunk_size`] and the trailer section by
//! [`httparse::parse_headers`]; this file only cuts the input into those pieces. It is
//! incremental (bytes may arrive split anywhere, one at a time included) and bounded: a
//! chunk-size line is at most [`MAX_SIZE_LINE`] bytes and the trailers at most
//! [`MAX_TRAILERS`] bytes and [`MAX_TRAILER_FIELDS`] fields; those are the only bytes it
//! keeps between calls.

use redirects::BodyLength;

/// Longest chunk-size line kept while waiting for its end (extensions included).
pub const MAX_SIZE_LINE: usize = 1024;
/// Longest trailer section kept while waiting for its end.
pub const MAX_TRAILERS: usize = 8 * 1024;
/// Most trailer fields accepted.
pub const MAX_TRAILER_FIELDS: usize = 32;

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// A chunk-size line is not hexadecimal, overflows or is too long; a chunk is not
    /// followed by CRLF; or the trailers are malformed or too large.
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
    /// In a chunk-size line; what came of it so far is in `BodyReader::line`.
    Size,
    /// `n` more bytes of chunk data.
    Data(u64),
    /// The CRLF after chunk data; `cr` once the CR was seen.
    DataEnd {
        cr: bool,
    },
    /// The trailer section after the last chunk; what came of it is in `BodyReader::line`.
    Trailers,
    /// Until the peer closes the connection.
    UntilClose,
    Done,
}

/// A body decoder for one response.
#[derive(Debug, Clone)]
pub struct BodyReader {
    state: State,
    /// The start of a chunk-size line or of the trailer section, until its end arrives.
    line: Vec<u8>,
    /// Body bytes decoded so far.
    decoded: u64,
}

impl BodyReader {
    /// A decoder for a body delimited as `length` says.
    pub fn new(length: BodyLength) -> BodyReader {
        let state = match length {
            BodyLength::None | BodyLength::Length(0) => State::Done,
            BodyLength::Length(n) => State::Length(n),
            BodyLength::Chunked => State::Size,
            // The stream's end is the transport's to tell; over a byte stream that
            // is the connection's end.
            BodyLength::UntilClose | BodyLength::EndOfStream => State::UntilClose,
        };
        BodyReader {
            state,
            line: Vec::new(),
            decoded: 0,
        }
    }

    /// Whether the whole body has been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// How many body bytes (chunk framing excluded) were decoded so far.
    pub fn decoded(&self) -> u64 {
        self.decoded
    }

    /// Decodes from `input`, appending body bytes to `out` (if given; pass `None` to drain).
    /// Returns how many bytes of `input` belong to the body; the rest (if any) comes after
    /// it, and is all that is left once [`BodyReader::is_done`].
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
                    self.decoded += take as u64;
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
                    self.decoded += (input.len() - i) as u64;
                    i = input.len();
                }
                State::Size => {
                    let Some(end) = self.take_line(&input[i..], MAX_SIZE_LINE)? else {
                        return Ok(input.len());
                    };
                    i += end;
                    self.state = match self.size_line()? {
                        0 => State::Trailers,
                        size => State::Data(size),
                    };
                    self.line.clear();
                }
                State::DataEnd { cr } => {
                    let b = input[i];
                    i += 1;
                    match b {
                        b'\r' if !*cr => *cr = true,
                        b'\n' => self.state = State::Size,
                        _ => return Err(BodyError::BadChunk),
                    }
                }
                State::Trailers => {
                    let Some(end) = self.take_line(&input[i..], MAX_TRAILERS)? else {
                        return Ok(input.len());
                    };
                    i += end;
                    // A whole line arrived: the section may be complete now.
                    let mut fields = [httparse::EMPTY_HEADER; MAX_TRAILER_FIELDS];
                    match httparse::parse_headers(&self.line, &mut fields) {
                        Ok(httparse::Status::Complete((used, _))) if used == self.line.len() => {
                            self.line.clear();
                            self.state = State::Done;
                        }
                        Ok(httparse::Status::Partial) => {}
                        _ => return Err(BodyError::BadChunk),
                    }
                }
            }
        }
        Ok(i)
    }

    /// Moves `input` up to and including its first LF into `self.line`, at most `max` bytes
    /// in all. Returns how much of `input` that took, or `None` if there is no LF yet (then
    /// all of `input` was taken).
    fn take_line(&mut self, input: &[u8], max: usize) -> Result<Option<usize>, BodyError> {
        let (piece, end) = match input.iter().position(|&b| b == b'\n') {
            Some(lf) => (&input[..=lf], Some(lf + 1)),
            None => (input, None),
        };
        if self.line.len() + piece.len() > max {
            return Err(BodyError::BadChunk);
        }
        self.line.extend_from_slice(piece);
        Ok(end)
    }

    /// The size on the complete chunk-size line in `self.line`.
    fn size_line(&self) -> Result<u64, BodyError> {
        // httparse reads an empty line as size 0; a size line starts with a digit.
        if !self.line.first().is_some_and(u8::is_ascii_hexdigit) {
            return Err(BodyError::BadChunk);
        }
        match httparse::parse_chunk_size(&self.line) {
            Ok(httparse::Status::Complete((used, size))) if used == self.line.len() => Ok(size),
            // A bare LF ends no size line (httparse wants CRLF).
            _ => Err(BodyError::BadChunk),
        }
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

    /// Feeds `raw` in pieces of `step` bytes until the reader is done; returns the body and
    /// how many bytes of `raw` it used.
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
        assert_eq!(reader.decoded(), body.len() as u64);
        Ok((body, used))
    }

    #[test]
    fn chunked_any_split() {
        let raw = b"5;ext=1\r\nhello\r\n7 ; a=\"b;c\"\r\n, world\r\n0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\nNEXT";
        for step in 1..raw.len() {
            let (body, used) = decode(BodyLength::Chunked, raw, step).unwrap();
            assert_eq!(body, b"hello, world");
            assert_eq!(&raw[used..], b"NEXT", "step {step}");
        }
    }

    #[test]
    fn chunked_without_trailers_and_upper_case_sizes() {
        let raw = b"A\r\n0123456789\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n";
        for step in 1..raw.len() {
            let (body, used) = decode(BodyLength::Chunked, raw, step).unwrap();
            assert_eq!(body, b"0123456789");
            assert_eq!(&raw[used..], b"HTTP/1.1 200 OK\r\n", "step {step}");
        }
    }

    #[test]
    fn draining_counts_without_keeping() {
        let mut reader = BodyReader::new(BodyLength::Chunked);
        let used = reader.feed(b"3\r\nabc\r\n0\r\n\r\n", None).unwrap();
        assert_eq!((used, reader.decoded(), reader.is_done()), (13, 3, true));
    }

    #[test]
    fn length_leaves_the_rest() {
        let (body, used) = decode(BodyLength::Length(3), b"abcdef", 2).unwrap();
        assert_eq!((body.as_slice(), used), (&b"abc"[..], 3));
        let (body, used) = decode(BodyLength::None, b"abc", 1).unwrap();
        assert_eq!((body.len(), used), (0, 0));
    }

    #[test]
    fn until_close() {
        let mut reader = BodyReader::new(BodyLength::UntilClose);
        let mut body = Vec::new();
        assert_eq!(reader.feed(b"all of ", Some(&mut body)), Ok(7));
        assert_eq!(reader.feed(b"it", Some(&mut body)), Ok(2));
        assert!(!reader.is_done());
        assert_eq!(reader.eof(), Ok(()));
        assert!(reader.is_done());
        assert_eq!(body, b"all of it");
    }

    #[test]
    fn bad_chunks() {
        for raw in [
            &b"zz\r\n"[..],
            b"\r\n",
            b" 5\r\n",
            b"5\n",
            b"5;ext\n",
            b"2\r\nabX",
            b"2\r\nab\r\r",
            b"fffffffffffffffff\r\n",
            b"0\r\nno colon\r\n\r\n",
        ] {
            let mut r = BodyReader::new(BodyLength::Chunked);
            assert_eq!(r.feed(raw, None), Err(BodyError::BadChunk), "{raw:?}");
        }
        // Sixteen hex digits are the most a u64 holds; httparse accepts them.
        let mut r = BodyReader::new(BodyLength::Chunked);
        assert_eq!(r.feed(b"ffffffffffffffff\r\n", None), Ok(18));
        let mut r = BodyReader::new(BodyLength::Length(4));
        r.feed(b"ab", None).unwrap();
        assert_eq!(r.eof(), Err(BodyError::Truncated));
        let mut r = BodyReader::new(BodyLength::Chunked);
        r.feed(b"5\r\nab", None).unwrap();
        assert_eq!(r.eof(), Err(BodyError::Truncated));
    }

    #[test]
    fn bounded() {
        // A size line that never ends: refused once it passes the limit, fed in any pieces.
        let mut long = b"1;".to_vec();
        long.resize(MAX_SIZE_LINE + 1, b'x');
        for step in [1, 7, long.len()] {
            let mut r = BodyReader::new(BodyLength::Chunked);
            let got: Result<Vec<usize>, _> = long.chunks(step).map(|p| r.feed(p, None)).collect();
            assert_eq!(got, Err(BodyError::BadChunk), "step {step}");
            assert!(r.line.len() <= MAX_SIZE_LINE);
        }
        // The longest size line accepted.
        let mut ok = b"1;".to_vec();
        ok.resize(MAX_SIZE_LINE - 2, b'x');
        ok.extend_from_slice(b"\r\n");
        let mut r = BodyReader::new(BodyLength::Chunked);
        assert_eq!(r.feed(&ok, None), Ok(MAX_SIZE_LINE));
        // A trailer section larger than the limit, too many trailer fields.
        let mut trailers = b"0\r\nX-Long: ".to_vec();
        trailers.resize(MAX_TRAILERS + 4, b'a');
        let mut r = BodyReader::new(BodyLength::Chunked);
        assert_eq!(r.feed(&trailers, None), Err(BodyError::BadChunk));
        assert!(r.line.len() <= MAX_TRAILERS);
        let mut many = b"0\r\n".to_vec();
        for _ in 0..=MAX_TRAILER_FIELDS {
            many.extend_from_slice(b"X-T: 1\r\n");
        }
        many.extend_from_slice(b"\r\n");
        let mut r = BodyReader::new(BodyLength::Chunked);
        assert_eq!(r.feed(&many, None), Err(BodyError::BadChunk));
    }
}
