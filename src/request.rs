//! The first request of a chain.

use alloc::boxed::Box;
use alloc::vec::Vec;

use url::Url;

use crate::error::InvalidRequest;
use crate::headers::{Field, classify, push_line, validate_header};
use crate::method::Method;
pub(crate) use crate::origin::GivenOrigin;
use crate::origin::RequestMode;

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
    /// The headers' `Name: value\r\n` lines, one after the other: the machine writes them
    /// as they are.
    pub(crate) lines: Vec<u8>,
    /// Each header: where its line is, and its classes.
    pub(crate) fields: Vec<Field>,
    pub(crate) body: Body,
    /// As the caller wrote it (checked to parse as a URL): curl sends it byte for byte.
    pub(crate) referrer: Option<Box<str>>,
    /// The address space the caller says the first URL is in.
    pub(crate) space: Option<crate::AddressSpace>,
    /// How curl would have sent it, if the caller says.
    pub(crate) curl: Option<crate::CurlRequest>,
    /// The request's origin, if the caller gave it ([`Request::origin`]); boxed, as few
    /// requests have one.
    pub(crate) origin: Option<Box<GivenOrigin>>,
    /// Fetch's request mode, if the caller gave one ([`Request::mode`]).
    pub(crate) mode: Option<RequestMode>,
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
            lines: Vec::new(),
            fields: Vec::new(),
            body: Body::None,
            referrer: None,
            space: None,
            curl: None,
            origin: None,
            mode: None,
        }
    }

    /// Says how `curl` would have sent this request (the `curl` profile only; the others
    /// ignore it): where the body comes from (`-d` or `-T`) and whether the method was
    /// forced with `-X`. libcurl decides each redirect by that, not by the method. Without
    /// it, [`CurlRequest::assumed`](crate::CurlRequest::assumed) picks the command line a
    /// user would type.
    ///
    /// ```
    /// use redirects::{Body, CurlBody, CurlRequest, Event, Follow, Method, Policy, Request};
    /// // curl -L -X PUT -d body URL
    /// let req = Request::new(Method::Put, "http://a.test/x")?
    ///     .body(Body::Replayable)
    ///     .curl(CurlRequest { body: CurlBody::Data, forced_method: true });
    /// let mut follow = Follow::new(req, Policy::curl())?;
    /// let bytes = b"HTTP/1.1 302 Found\r\nLocation: /y\r\n\r\n";
    /// let Event::Redirect(r) = follow.handle_response(bytes)? else { panic!() };
    /// // "Stick to PUT instead of GET": the method stays, the -d body is dropped.
    /// assert_eq!((r.request().method(), r.request().sends_body()), (Method::Put, false));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn curl(mut self, curl: crate::CurlRequest) -> Request {
        self.curl = Some(curl);
        self
    }

    /// Says which address space the first URL is in, for
    /// [`Policy::with_block_private_targets`](crate::Policy::with_block_private_targets).
    /// Without it the space is the first URL's host's ([`AddressSpace::of_host`](crate::AddressSpace::of_host)):
    /// an IP address's own, `Local` for `localhost`, and `Public` for any other name. An
    /// intranet client starting at `http://intranet.corp/` says `Private` here, so that it
    /// may go to `10.0.0.6` but not to `127.0.0.1`.
    ///
    /// A caller that follows URLs strangers give it (a webhook sender, a crawler) MUST
    /// declare the space it trusts (usually `Public`): otherwise a first URL such as
    /// `http://127.0.0.1/` sets the chain's space to local and every hop passes. With the
    /// space declared and private targets blocked, [`Follow::new`](crate::Follow::new)
    /// refuses a first URL whose host is less public
    /// ([`Error::PrivateTarget`](crate::Error::PrivateTarget), no status), and
    /// [`Follow::check_address`](crate::Follow::check_address) catches a name that
    /// resolves there.
    pub fn address_space(mut self, space: crate::AddressSpace) -> Request {
        self.space = Some(space);
        self
    }

    /// Sets the referrer: the URL of the document that made the request (Fetch's request
    /// referrer). Each request of the chain then carries the `Referer` the referrer policy
    /// gives for its URL ([`Policy::with_referrer_policy`](crate::Policy::with_referrer_policy)),
    /// the first one included.
    ///
    /// A `Referer` header set with [`Request::header`] counts as the referrer too: it is
    /// sent as it is on the first request, and the later requests carry what the policy
    /// gives for it. Without either, no request carries `Referer`.
    ///
    /// The value must be a header value ([`InvalidRequest::HeaderValue`] otherwise). Under
    /// the `fetch` and `strict` rules it must also parse as a URL:
    /// [`Follow::new`](crate::Follow::new) refuses it with [`InvalidRequest::Url`]
    /// otherwise. Under the `curl` rules it is curl's `--referer` string (the text before
    /// `;auto`), not necessarily a URL, sent byte for byte on every request; with
    /// [`Policy::with_auto_referer`](crate::Policy::with_auto_referer) on the first
    /// request only. There a caller-set `Referer` header is a custom header: it is sent as
    /// it is on every request, and replaces this value.
    ///
    /// ```
    /// use redirects::{Error, Follow, InvalidRequest, Policy, Request};
    /// let req = Request::get("https://b.test/api")?.referrer("https://a.test/page?secret=1")?;
    /// let follow = Follow::new(req, Policy::fetch())?;
    /// // Cross-origin, default `strict-origin-when-cross-origin`: the origin only.
    /// assert_eq!(follow.request().header("referer"), Some(&b"https://a.test/"[..]));
    ///
    /// // curl -L --referer 'firstone.html;auto' (curl's test 1067): any value under curl.
    /// let req = Request::get("http://a.test/want")?.referrer("firstone.html")?;
    /// let follow = Follow::new(req.clone(), Policy::curl().with_auto_referer(true))?;
    /// assert_eq!(follow.request().header("referer"), Some(&b"firstone.html"[..]));
    /// // ... but a URL under fetch and strict.
    /// let err = Follow::new(req, Policy::fetch()).unwrap_err();
    /// assert!(matches!(err, Error::InvalidRequest(InvalidRequest::Url(_))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn referrer(mut self, value: &str) -> Result<Request, crate::Error> {
        // The URL parser drops CR, LF and tabs; curl sends the value as written, so it must
        // be a header value first. Whether it must be a URL is the profile's: checked by
        // `Follow::new`.
        validate_header("Referer", value.as_bytes())?;
        self.referrer = Some(value.into());
        Ok(self)
    }

    /// Sets the request's origin (Fetch's request origin: who makes the request), as its
    /// serialization: `https://app.test`, `http://a.test:8080`, or `null` for an opaque
    /// origin. Anything else is [`InvalidRequest::Origin`].
    ///
    /// Redirect taint is judged against it: once the chain goes from a URL whose origin is
    /// not the request's to another origin, a caller-set `Origin` becomes `null` (the
    /// `fetch` and `strict` rules). Without it, the request's origin is the origin a
    /// caller-set `Origin` field names (when its value is a serialized origin), else the
    /// referrer's ([`Request::referrer`] or a caller-set `Referer`), else the first URL's.
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// // A page of app.test asks api.test, which redirects to evil.test.
    /// let req = Request::get("https://api.test/data")?
    ///     .origin("https://app.test")?
    ///     .header("Origin", "https://app.test")?;
    /// let mut follow = Follow::new(req, Policy::fetch())?;
    /// let bytes = b"HTTP/1.1 307 Temporary Redirect\r\nLocation: https://evil.test/\r\n\r\n";
    /// let Event::Redirect(hop) = follow.handle_response(bytes)? else { panic!() };
    /// // From api.test, not the request's origin, to another one: redirect-tainted.
    /// assert_eq!(hop.request().header("origin"), Some(&b"null"[..]));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn origin(mut self, origin: &str) -> Result<Request, crate::Error> {
        let origin = GivenOrigin::parse(origin.as_bytes()).ok_or(InvalidRequest::Origin)?;
        self.origin = Some(Box::new(origin));
        Ok(self)
    }

    /// Sets Fetch's request mode: the machine then owns the `Origin` header of every
    /// request of the chain, the first included, as a browser computes it ("append a
    /// request `Origin` header"): see [`RequestMode`]. A caller-set `Origin` still names
    /// the request's origin (see [`Request::origin`]) but is not sent
    /// ([`RemovalReason::RequestMode`](crate::RemovalReason::RequestMode)), and editing
    /// `Origin` on a redirect is [`InvalidRequest::ModeOwnsOrigin`]. In `same-origin` mode
    /// a first URL of another origin than the request's is [`InvalidRequest::CrossOrigin`].
    /// The `curl` rules have no request mode: it is ignored there.
    ///
    /// Without a mode a caller-set `Origin` goes as it is, and becomes `null` once the
    /// chain is redirect-tainted.
    pub fn mode(mut self, mode: RequestMode) -> Request {
        self.mode = Some(mode);
        self
    }

    /// The request mode given with [`Request::mode`].
    pub fn request_mode(&self) -> Option<RequestMode> {
        self.mode
    }

    /// The referrer given with [`Request::referrer`], as written.
    pub fn referrer_str(&self) -> Option<&str> {
        self.referrer.as_deref()
    }

    /// The address space declared with [`Request::address_space`].
    pub fn declared_address_space(&self) -> Option<crate::AddressSpace> {
        self.space
    }

    /// How curl would send it, as given with [`Request::curl`].
    pub fn curl_request(&self) -> Option<crate::CurlRequest> {
        self.curl
    }

    /// Adds a header. The name must be an HTTP token (matched case-insensitively later);
    /// the value may be any bytes but control characters other than HTAB (`0x00..=0x08`,
    /// `0x0A..=0x1F`, `0x7F`, as the `http` crate's `HeaderValue`):
    /// [`InvalidRequest::HeaderValue`] otherwise. Several fields of the same name are kept
    /// in order; [`Follow::new`](crate::Follow::new) then refuses a set that would make the
    /// request ambiguous (two `Host` fields, `Content-Length` with `Transfer-Encoding`,
    /// `Content-Length` values that differ).
    ///
    /// ```
    /// use redirects::{Error, InvalidRequest, Request};
    /// let err = Request::get("http://a.test/")?.header("X-Note", "bell\x07").unwrap_err();
    /// assert_eq!(err, Error::InvalidRequest(InvalidRequest::HeaderValue));
    /// assert!(Request::get("http://a.test/")?.header("X-Tab", "a\tb").is_ok());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Result<Request, crate::Error> {
        self.push_header(name, value.as_ref())?;
        Ok(self)
    }

    /// Adds a header in place (see [`Request::header`]).
    pub fn push_header(&mut self, name: &str, value: &[u8]) -> Result<(), crate::Error> {
        validate_header(name, value)?;
        let seq = self.fields.len() as u64;
        let class = classify(name, false);
        push_line(&mut self.lines, &mut self.fields, name, value, class, seq);
        Ok(())
    }

    /// Adds a header the `http` crate already checked: a `HeaderName` is a token and a
    /// `HeaderValue` holds no control byte but HTAB, what [`Request::push_header`] checks.
    #[cfg(feature = "http")]
    pub(crate) fn push_checked_header(&mut self, name: &str, value: &[u8]) {
        let seq = self.fields.len() as u64;
        let class = classify(name, false);
        push_line(&mut self.lines, &mut self.fields, name, value, class, seq);
    }

    /// Sets the body disposition (default [`Body::None`]).
    ///
    /// The machine never sees the body's bytes and writes no framing for it: the caller
    /// writes the body after the head whenever
    /// [`OutgoingRequest::sends_body`](crate::OutgoingRequest::sends_body) says so, and
    /// MUST frame it itself with a header of this request: `Content-Length` (its length in
    /// bytes) or `Transfer-Encoding: chunked`. The machine keeps that header on every
    /// request that re-sends the body and removes it (with the other body headers) when a
    /// redirect drops the body.
    ///
    /// ```
    /// use redirects::{Body, Follow, Method, Policy, Request};
    /// let body = b"make=Volvo";
    /// let req = Request::new(Method::Post, "http://a.test/cars")?
    ///     .header("Content-Type", "application/x-www-form-urlencoded")?
    ///     .header("Content-Length", body.len().to_string())?
    ///     .body(Body::Replayable);
    /// let follow = Follow::new(req, Policy::fetch())?;
    /// assert!(follow.request().sends_body());
    /// assert_eq!(follow.request().header("content-length"), Some(&b"10"[..]));
    /// # Ok::<(), redirects::Error>(())
    /// ```
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
        let lines = &self.lines;
        self.fields
            .iter()
            .map(move |f| (f.name(lines), f.value(lines)))
    }

    /// The body disposition.
    pub fn body_disposition(&self) -> Body {
        self.body
    }
}
