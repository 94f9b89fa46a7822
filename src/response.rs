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

    /// Whether the connection can carry another request once this response's body is read
    /// to its end ([`Response::body_length`]). `true` only when all of these hold:
    /// - the server keeps the connection open: HTTP/1.1 without `Connection: close`, or
    ///   HTTP/1.0 with `Connection: keep-alive` (RFC 9112 §9.3);
    /// - the body's end is known: no body, a `Content-Length`, or `Transfer-Encoding`
    ///   ending in `chunked`; never [`BodyLength::UntilClose`] (RFC 9112 §6.3);
    /// - the framing is trustworthy: not `Transfer-Encoding` in an HTTP/1.0 response
    ///   (RFC 9112 §6.1), not `Transfer-Encoding` together with `Content-Length`
    ///   (§6.3 item 3, §6.1); in both cases the connection MUST be closed after;
    /// - the status is not `101` (the connection now speaks another protocol);
    /// - the request did not announce `Expect: 100-continue`, or a `100 Continue` interim
    ///   response came before this one (otherwise the body was never asked for, and the
    ///   server may read the next request's head as that body: RFC 9110 §10.1.1);
    /// - the request did not send `Connection: close` (RFC 9112 §9.6: it was the last
    ///   request on its connection).
    ///
    /// Whether the *next request of a chain* may use it is
    /// [`Redirect::reuse_connection`](crate::Redirect::reuse_connection), which also needs
    /// the same origin.
    pub fn keep_alive(&self) -> bool {
        self.head.keep_alive
    }
}
