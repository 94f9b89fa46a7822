//! The request to send now, and its HTTP/1.1 head.

use alloc::vec::Vec;

use url::{Position, Url};

use crate::error::BufferTooSmall;
use crate::headers::Headers;
use crate::method::Method;

/// Where the next request must go: the caller opens (or reuses) a connection to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// `true` for `https`.
    pub tls: bool,
    /// Host name or IP literal (IPv6 in brackets), as the WHATWG parser serialised it; to
    /// connect, [`Target::connect_host`] (no brackets).
    pub host: &'a str,
    /// The port, the scheme's default if the URL has none.
    pub port: u16,
}

impl<'a> Target<'a> {
    /// The host as a socket API takes it: an IPv6 literal without its brackets
    /// (`std::net::TcpStream::connect(("::1", 80))` refuses `"[::1]"`), any other host
    /// as it is. It is also what a TLS library takes as the server name (rustls'
    /// `ServerName::try_from` parses an IP address without brackets).
    ///
    /// ```
    /// use redirects::{Follow, Policy, Request};
    /// let follow = Follow::new(Request::get("http://[::1]:8080/")?, Policy::fetch())?;
    /// let target = follow.request().target();
    /// assert_eq!((target.host, target.connect_host()), ("[::1]", "::1"));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn connect_host(&self) -> &'a str {
        self.host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(self.host)
    }
}

/// The request to send now: a view into the machine, valid until the next call that
/// changes it.
#[derive(Debug, Clone, Copy)]
pub struct OutgoingRequest<'a> {
    pub(crate) method: Method,
    pub(crate) url: &'a Url,
    pub(crate) headers: &'a Headers,
    pub(crate) send_body: bool,
}

impl<'a> OutgoingRequest<'a> {
    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The full URL, fragment included (the fragment is never sent on the wire).
    pub fn url(&self) -> &'a Url {
        self.url
    }

    /// Whether the caller sends its body with this request (after the head, framed by
    /// the `Content-Length` or `Transfer-Encoding` the caller set: see
    /// [`Request::body`](crate::Request::body)).
    pub fn sends_body(&self) -> bool {
        self.send_body
    }

    /// The headers to send, in the caller's order, without the removed ones.
    /// `Host` is not among them unless the caller set it: [`OutgoingRequest::write_head`]
    /// writes it from the URL.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        self.headers.sent()
    }

    /// The same fields as [`OutgoingRequest::headers`], the names as bytes: for a caller
    /// that hands them to a parser of its own (`http::HeaderName::from_bytes`) and so has
    /// no use for a `&str`, which costs a UTF-8 check per name.
    ///
    /// ```
    /// use redirects::{Follow, Policy, Request};
    /// let req = Request::get("http://a.test/")?.header("Accept", "*/*")?;
    /// let follow = Follow::new(req, Policy::fetch())?;
    /// let fields: Vec<_> = follow.request().header_bytes().collect();
    /// assert_eq!(fields, [(&b"Accept"[..], &b"*/*"[..])]);
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn header_bytes(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        self.headers.sent_bytes()
    }

    /// The first value of the header `name` (case-insensitive), if it is sent.
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        let buf = &self.headers.buf;
        let field = self
            .headers
            .fields
            .iter()
            .find(|f| f.sent() && f.is_named(buf, name));
        field.map(|f| f.value(buf))
    }

    /// The connection target: TLS or not, host, port.
    pub fn target(&self) -> Target<'a> {
        Target {
            tls: self.url.scheme() == "https",
            host: self.url.host_str().unwrap_or(""),
            port: self.url.port_or_known_default().unwrap_or(0),
        }
    }

    /// The request-target in origin-form: path and query, never the fragment.
    pub fn path_and_query(&self) -> &'a str {
        let pq = &self.url[Position::BeforePath..Position::AfterQuery];
        if pq.is_empty() { "/" } else { pq }
    }

    /// `host[:port]` for the `Host` header: the port only when it is not the default.
    pub fn authority(&self) -> &'a str {
        &self.url[Position::BeforeHost..Position::AfterPort]
    }

    /// The exact size of the head [`OutgoingRequest::write_head`] writes (the same code
    /// counts it, writing nothing).
    pub fn head_len(&self) -> usize {
        let mut count = Writer {
            buf: &mut [],
            at: 0,
        };
        self.write_to(&mut count);
        count.at
    }

    /// Writes the HTTP/1.1 request head into `buf`:
    /// `METHOD path?query HTTP/1.1`, `Host` from the URL (unless the caller set one), the
    /// headers, and the empty line. Returns the number of bytes written.
    ///
    /// If `buf` is too small nothing useful is written and the error says how many bytes
    /// are needed.
    ///
    /// ```
    /// use redirects::{Follow, Policy, Request};
    /// let req = Request::get("http://example.org:8080/a?b#frag")?.header("Accept", "*/*")?;
    /// let follow = Follow::new(req, Policy::fetch())?;
    /// let mut buf = [0u8; 128];
    /// let n = follow.request().write_head(&mut buf).unwrap();
    /// assert_eq!(
    ///     &buf[..n],
    ///     b"GET /a?b HTTP/1.1\r\nHost: example.org:8080\r\nAccept: */*\r\n\r\n"
    /// );
    /// assert_eq!(follow.request().write_head(&mut [0u8; 8]).unwrap_err().required, n);
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn write_head(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        // One pass: write while it fits, keep counting when it does not.
        let mut w = Writer { buf, at: 0 };
        self.write_to(&mut w);
        if w.at > w.buf.len() {
            return Err(BufferTooSmall { required: w.at });
        }
        Ok(w.at)
    }

    #[inline(always)]
    fn write_to(&self, w: &mut Writer<'_>) {
        w.put(self.method.as_str().as_bytes());
        w.put(b" ");
        w.put(self.path_and_query().as_bytes());
        w.put(b" HTTP/1.1\r\n");
        if !self.headers.host() {
            w.put(b"Host: ");
            w.put(self.authority().as_bytes());
            w.put(b"\r\n");
        }
        match self.headers.sent_lines() {
            Some(lines) => w.put(lines),
            None => {
                let buf = &self.headers.buf;
                for f in self.headers.fields.iter().filter(|f| f.sent()) {
                    w.put(f.line(buf));
                }
            }
        }
        w.put(b"\r\n");
    }

    /// The head as a new vector (see [`OutgoingRequest::write_head`]).
    pub fn to_head(&self) -> Vec<u8> {
        let mut v = alloc::vec![0; self.head_len()];
        let n = self.write_head(&mut v).map_or(0, |n| n);
        v.truncate(n);
        v
    }
}

struct Writer<'b> {
    buf: &'b mut [u8],
    at: usize,
}

impl Writer<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        // Past the end of `buf`, only count (the caller reports the size needed).
        if let Some(dst) = self.buf.get_mut(self.at..self.at + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        self.at += bytes.len();
    }
}
