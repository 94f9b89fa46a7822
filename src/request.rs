//! The first request, and the request the machine says to send next.

use alloc::boxed::Box;
use alloc::vec::Vec;

use url::{Position, Url};

use crate::error::{BufferTooSmall, InvalidRequest};
use crate::method::{Method, is_token};

/// What happens to the request body across redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// A body the caller holds and can send again (bytes in memory, a file it can reopen).
    Replayable,
    /// A body the caller streams once and cannot send again. A redirect that needs it again
    /// (any but 303 while it is attached) is [`Error::BodyNotReplayable`](crate::Error::BodyNotReplayable).
    Streamed,
}

/// Why a header is not in the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemovalReason {
    /// A request-body header (`Content-Type`, `Content-Encoding`, `Content-Language`,
    /// `Content-Location`, `Content-Length`, `Transfer-Encoding`) or `Expect`, removed
    /// because the method changed to GET and the body was dropped.
    BodyDropped,
    /// A credential (`Authorization`, `Cookie`, `Cookie2`, `WWW-Authenticate`,
    /// `Proxy-Authorization`, `Proxy-Authenticate`, `Proxy-Authentication-Info`, names the
    /// policy adds) or a caller-set `Host`, removed because the hop goes to another origin.
    CrossOrigin,
    /// Removed by the caller ([`Follow::remove_header`](crate::Follow::remove_header) or
    /// [`Follow::set_header`](crate::Follow::set_header)).
    Caller,
}

pub(crate) const CLASS_BODY: u8 = 1;
pub(crate) const CLASS_CREDENTIAL: u8 = 2;
/// The body's framing (`Content-Length`, `Transfer-Encoding`) and `Expect`: wrong on any
/// request without the body.
pub(crate) const CLASS_FRAMING: u8 = 4;
/// A proxy credential: for the proxy that serves this origin only. No credential rule or
/// trusted origin extends it (requests CVE-2023-32681: behind a tunnel to an `https` URL the
/// head reaches the destination server).
pub(crate) const CLASS_PROXY: u8 = 8;

const BODY_HEADERS: [&str; 7] = [
    "content-type",
    "content-encoding",
    "content-language",
    "content-location",
    "content-length",
    "transfer-encoding",
    "expect",
];
// Credentials in the sense of Go's `makeHeadersCopier` sensitive list (Go CVE-2025-4673
// added the proxy ones), plus `Host`: origin-bound like a credential, a caller-set Host must
// not follow the request to another origin (the URL's own authority is written instead).
const CREDENTIAL_HEADERS: [&str; 8] = [
    "authorization",
    "cookie",
    "cookie2",
    "www-authenticate",
    "host",
    "proxy-authorization",
    "proxy-authenticate",
    "proxy-authentication-info",
];

pub(crate) fn classify(name: &str, extra_credential: impl Fn(&str) -> bool) -> u8 {
    let mut class = 0;
    if BODY_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
        class |= CLASS_BODY;
    }
    if BODY_HEADERS[4..]
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
    {
        class |= CLASS_FRAMING;
    }
    if CREDENTIAL_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
        || extra_credential(name)
    {
        class |= CLASS_CREDENTIAL;
    }
    if CREDENTIAL_HEADERS[5..]
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
    {
        class |= CLASS_PROXY;
    }
    class
}

/// One request header as the machine keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: Box<str>,
    pub(crate) value: Box<[u8]>,
    pub(crate) class: u8,
    /// `Some((reason, hop))`: removed for good at redirect number `hop` (1-based).
    pub(crate) removed: Option<(RemovalReason, u32)>,
    /// Left out of the current request only (curl's credential rule); recomputed each hop.
    pub(crate) suppressed: bool,
    /// The request (0 = the first) whose origin a credential was set for.
    pub(crate) set_at: u32,
}

impl Field {
    pub(crate) fn sent(&self) -> bool {
        self.removed.is_none() && !self.suppressed
    }
}

/// The header lines of the request to send, rendered once when the set of sent fields
/// changes (not on every hop), so that writing a head is a few copies.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rendered {
    /// `Name: value\r\n` for every sent field, in order.
    pub(crate) lines: Vec<u8>,
    /// A sent field is `Host` (then the URL's authority is not written).
    pub(crate) host: bool,
    /// A credential field has not been removed for good (it may be suppressed for now).
    pub(crate) credentials: bool,
}

impl Rendered {
    /// Renders `fields` again. Reuses the capacity: after the first rendering, removing
    /// fields never allocates.
    pub(crate) fn render(&mut self, fields: &[Field]) {
        self.lines.clear();
        self.host = false;
        self.credentials = fields
            .iter()
            .any(|f| f.class & CLASS_CREDENTIAL != 0 && f.removed.is_none());
        for f in fields.iter().filter(|f| f.sent()) {
            self.host |= f.name.eq_ignore_ascii_case("host");
            self.lines.extend_from_slice(f.name.as_bytes());
            self.lines.extend_from_slice(b": ");
            self.lines.extend_from_slice(&f.value);
            self.lines.extend_from_slice(b"\r\n");
        }
    }
}

/// Checks a header for [`Request::header`] and the machine's edits.
pub(crate) fn validate_header(name: &str, value: &[u8]) -> Result<(), InvalidRequest> {
    if !is_token(name.as_bytes()) {
        return Err(InvalidRequest::HeaderName);
    }
    if value.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(InvalidRequest::HeaderValue);
    }
    Ok(())
}

/// The first request of a chain: method, URL, headers and what happens to the body.
///
/// The body itself stays with the caller; the machine only says whether to send it again.
///
/// ```
/// use redirects::{Body, Method, Request};
/// let req = Request::new(Method::Post, "http://example.org/form")?
///     .header("Content-Type", "text/plain")?
///     .header("Authorization", "Bearer t0k3n")?
///     .body(Body::Replayable);
/// # Ok::<(), redirects::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: Vec<(Box<str>, Box<[u8]>)>,
    pub(crate) body: Body,
}

impl Request {
    /// A request with no headers and no body. The URL is parsed with the WHATWG parser.
    pub fn new(method: Method, url: &str) -> Result<Request, crate::Error> {
        let url = Url::parse(url).map_err(InvalidRequest::Url)?;
        Ok(Request::from_url(method, url))
    }

    /// A `GET` with no headers.
    pub fn get(url: &str) -> Result<Request, crate::Error> {
        Request::new(Method::Get, url)
    }

    /// A request for an already parsed URL.
    pub fn from_url(method: Method, url: Url) -> Request {
        Request {
            method,
            url,
            headers: Vec::new(),
            body: Body::None,
        }
    }

    /// Adds a header. The name must be an HTTP token (matched case-insensitively later);
    /// the value may be any bytes but CR, LF and NUL. Several fields of the same name are
    /// kept in order.
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Result<Request, crate::Error> {
        self.push_header(name, value.as_ref())?;
        Ok(self)
    }

    /// Adds a header in place (see [`Request::header`]).
    pub fn push_header(&mut self, name: &str, value: &[u8]) -> Result<(), crate::Error> {
        validate_header(name, value)?;
        self.headers.push((name.into(), value.into()));
        Ok(())
    }

    /// Sets the body disposition (default [`Body::None`]).
    pub fn body(mut self, body: Body) -> Request {
        self.body = body;
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The headers, in order.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.headers.iter().map(|(n, v)| (&**n, &**v))
    }

    /// The body disposition.
    pub fn body_disposition(&self) -> Body {
        self.body
    }
}

/// Where the next request must go: the caller opens (or reuses) a connection to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// `true` for `https`.
    pub tls: bool,
    /// Host name or IP literal (IPv6 in brackets), as the WHATWG parser serialised it.
    pub host: &'a str,
    /// The port, the scheme's default if the URL has none.
    pub port: u16,
}

/// The request to send now: a view into the machine, valid until the next call that
/// changes it.
#[derive(Debug, Clone, Copy)]
pub struct OutgoingRequest<'a> {
    pub(crate) method: Method,
    pub(crate) url: &'a Url,
    pub(crate) fields: &'a [Field],
    pub(crate) rendered: &'a Rendered,
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

    /// Whether the caller sends its body with this request.
    pub fn send_body(&self) -> bool {
        self.send_body
    }

    /// The headers to send, in the caller's order, without the removed ones.
    /// `Host` is not among them unless the caller set it: [`OutgoingRequest::write_head`]
    /// writes it from the URL.
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        self.fields
            .iter()
            .filter(|f| f.sent())
            .map(|f| (&*f.name, &*f.value))
    }

    /// The first value of the header `name` (case-insensitive), if it is sent.
    pub fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
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

    /// The exact size of the head [`OutgoingRequest::write_head`] writes.
    pub fn head_len(&self) -> usize {
        let mut n = self.method.as_str().len() + 1 + self.path_and_query().len() + 11;
        if !self.rendered.host {
            n += 6 + self.authority().len() + 2;
        }
        n + self.rendered.lines.len() + 2
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
        w.put(self.method.as_str().as_bytes());
        w.put(b" ");
        w.put(self.path_and_query().as_bytes());
        w.put(b" HTTP/1.1\r\n");
        if !self.rendered.host {
            w.put(b"Host: ");
            w.put(self.authority().as_bytes());
            w.put(b"\r\n");
        }
        w.put(&self.rendered.lines);
        w.put(b"\r\n");
        if w.at > w.buf.len() {
            return Err(BufferTooSmall { required: w.at });
        }
        Ok(w.at)
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
    fn put(&mut self, bytes: &[u8]) {
        // Past the end of `buf`, only count (the caller reports the size needed).
        if let Some(dst) = self.buf.get_mut(self.at..self.at + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        self.at += bytes.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_validation_table() {
        let cases: &[(&str, &[u8], bool)] = &[
            ("Accept", b"*/*", true),
            ("X-Bytes", b"\xff\xfe", true),
            ("X-Tab", b"a\tb", true),
            ("", b"x", false),
            ("Bad Name", b"x", false),
            ("Bad:Name", b"x", false),
            ("X-Inject", b"a\r\nEvil: 1", false),
            ("X-Lf", b"a\nb", false),
            ("X-Nul", b"a\0b", false),
        ];
        for (name, value, ok) in cases {
            let r = Request::get("http://a.test/").unwrap().header(name, value);
            assert_eq!(r.is_ok(), *ok, "{name:?} {value:?}");
        }
    }

    #[test]
    fn classification_table() {
        let cases: &[(&str, u8)] = &[
            ("Content-Type", CLASS_BODY),
            ("content-length", CLASS_BODY | CLASS_FRAMING),
            ("Transfer-Encoding", CLASS_BODY | CLASS_FRAMING),
            ("EXPECT", CLASS_BODY | CLASS_FRAMING),
            ("Authorization", CLASS_CREDENTIAL),
            ("cookie", CLASS_CREDENTIAL),
            ("Proxy-Authorization", CLASS_CREDENTIAL | CLASS_PROXY),
            ("proxy-authenticate", CLASS_CREDENTIAL | CLASS_PROXY),
            ("Cookie2", CLASS_CREDENTIAL),
            ("WWW-Authenticate", CLASS_CREDENTIAL),
            ("Host", CLASS_CREDENTIAL),
            ("Accept", 0),
            ("Content-Disposition", 0),
            ("X-Api-Key", CLASS_CREDENTIAL),
        ];
        for (name, want) in cases {
            assert_eq!(classify(name, |n| n == "X-Api-Key"), *want, "{name}");
        }
    }
}
