//! The view of a response head the machine hands out: status, fields, framing.

use crate::drain::Framing;
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
    /// Everything until the stream ends: an HTTP/2 or HTTP/3 response without
    /// `Content-Length` (given to [`Follow::handle_head`](crate::Follow::handle_head)). The
    /// connection is not closed: only the stream ends.
    EndOfStream,
}

/// The HTTP version a response head came in.
///
/// The byte path ([`Follow::handle_response`](crate::Follow::handle_response)) reads
/// HTTP/1.0 and HTTP/1.1 off the wire; a head parsed by the caller's own stack
/// ([`Follow::handle_head`](crate::Follow::handle_head)) says its version, and HTTP/2 and
/// HTTP/3 change what the head can carry and how the connection is judged: see there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Version {
    /// HTTP/1.0.
    Http10,
    /// HTTP/1.1.
    Http11,
    /// HTTP/2 (RFC 9113).
    Http2,
    /// HTTP/3 (RFC 9114).
    Http3,
}

impl Version {
    /// HTTP/1.0 or HTTP/1.1: framing and persistence are read from the head's fields.
    pub fn is_http1(self) -> bool {
        matches!(self, Version::Http10 | Version::Http11)
    }
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

    /// The reason phrase (empty if absent or not UTF-8; always empty for a head given to
    /// [`Follow::handle_head`](crate::Follow::handle_head)).
    pub fn reason(&self) -> &'a str {
        core::str::from_utf8(self.head.reason.get(self.buf)).unwrap_or("")
    }

    /// The HTTP version of the head.
    pub fn version(&self) -> Version {
        self.head.version
    }

    /// All header fields in order, repeated ones (every `Set-Cookie`) included. Values are
    /// the bytes received, leading and trailing whitespace removed by the parser; an
    /// obsolete line fold is replaced by one space (RFC 9112 §5.2), and the machine
    /// decided by that unfolded value. For a head given to
    /// [`Follow::handle_head`](crate::Follow::handle_head), the fields as given, each value
    /// without its leading and trailing spaces and tabs.
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
        self.head.meaning.body
    }

    /// How many bytes of the buffer the head used (skipped 1xx heads included). The body,
    /// or the next pipelined data, starts at this offset. `0` for a head given to
    /// [`Follow::handle_head`](crate::Follow::handle_head): it used no byte of a buffer.
    pub fn head_len(&self) -> usize {
        self.head.len
    }

    /// Where the body starts, how it is delimited and whether the connection can carry
    /// another request after it ([`Response::head_len`], [`Response::body_length`],
    /// [`Response::keep_alive`]), as one plain value that borrows nothing.
    pub fn framing(&self) -> Framing {
        Framing {
            head_len: self.head_len(),
            body: self.body_length(),
            reuse: self.keep_alive(),
        }
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
    ///
    /// For an HTTP/2 or HTTP/3 head ([`Follow::handle_head`](crate::Follow::handle_head)),
    /// `true`: the response ends its stream, not the connection, and the head could not
    /// carry `Connection` or `Transfer-Encoding` (RFC 9113 §8.2.2, RFC 9114 §4.2).
    ///
    /// Whether the *next request of a chain* may use it is
    /// [`Redirect::can_reuse_connection`](crate::Redirect::can_reuse_connection), which also needs
    /// the same origin.
    pub fn keep_alive(&self) -> bool {
        self.head.meaning.keep_alive
    }
}
