//! The view of a response head the machine hands out: status, fields, framing.

use crate::head::Head;

/// How the body that follows a response head is delimited (RFC 9112 §6.3), so the caller
/// can read it, or drain it before reusing the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLength {
    /// No body: a response to HEAD, or a 1xx, 204 or 304 status.
    None,
    /// Exactly this many bytes (`Content-Length`).
    Length(u64),
    /// `Transfer-Encoding` ending in `chunked`.
    Chunked,
    /// Everything until the server closes the connection.
    UntilClose,
}

/// A response head, borrowed from the caller's buffer and the machine.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    pub(crate) head: &'a Head,
    pub(crate) buf: &'a [u8],
}

impl<'a> Response<'a> {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.head.status
    }

    /// The reason phrase (empty if absent or not UTF-8).
    pub fn reason(&self) -> &'a str {
        core::str::from_utf8(self.head.reason.get(self.buf)).unwrap_or("")
    }

    /// The minor HTTP version: `1` for HTTP/1.1, `0` for HTTP/1.0.
    pub fn version(&self) -> u8 {
        self.head.version
    }

    /// All header fields in order, repeated ones (every `Set-Cookie`) included. Values are
    /// the bytes received, leading and trailing whitespace removed by the parser; an
    /// obsolete line fold stays in the value as received.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        let buf = self.buf;
        self.head.fields.iter().map(move |f| {
            let name = core::str::from_utf8(f.name.get(buf)).unwrap_or("");
            (name, f.value.get(buf))
        })
    }

    /// The first value of the field `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers_named(name).next()
    }

    /// Every value of the field `name` (case-insensitive), in order.
    pub fn headers_named<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + 'n
    where
        'a: 'n,
    {
        self.headers()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// How the body after the head is delimited.
    pub fn body_length(&self) -> BodyLength {
        self.head.body
    }

    /// How many bytes of the buffer the head used (skipped 1xx heads included). The body,
    /// or the next pipelined data, starts at this offset.
    pub fn head_len(&self) -> usize {
        self.head.len
    }

    /// Whether the server lets the connection stay open after this response (HTTP/1.1
    /// without `Connection: close`, or HTTP/1.0 with `keep-alive`) and the body has a known
    /// end.
    pub fn keep_alive(&self) -> bool {
        self.head.keep_alive
    }
}
