//! The crate's one error type.

use core::fmt;

/// Everything that can go wrong, from the peer's bytes or from the caller's use of the API.
///
/// [`Error::fault`] says whose it is, as h11 splits local from remote protocol errors:
///
/// - [`Fault::Peer`]: the response or the chain (a redirect that cannot or must not be
///   followed, a head that cannot be parsed or is too large). These end the chain. Those
///   about a redirect carry the status of the response that caused them; the URL that
///   answered is [`Follow::url`](crate::Follow::url) and the redirects before it are
///   [`Follow::history`](crate::Follow::history), both still readable after the error.
/// - [`Fault::Caller`]: the request, the policy, the order of calls or the buffers the
///   caller passed ([`Error::InvalidRequest`], [`Error::InvalidPolicy`],
///   [`Error::InvalidState`], [`Error::RedirectNotFollowed`], [`Error::BufferShrunk`]), or
///   the caller's own decision
///   ([`Error::Refused`]). They never come from network input.
///
/// Every variant has a stable snake-case name, [`Error::code`], used by the conformance
/// vectors (`too_many_redirects`, `invalid_location`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A redirect would exceed the policy's limit ([`Policy::max_redirects`](crate::Policy::max_redirects)).
    TooManyRedirects {
        /// The limit in force.
        limit: u32,
        /// Status of the redirect that would have been one too many.
        status: u16,
    },
    /// The `Location` value could not be parsed as a URL (WHATWG URL parser), even relative
    /// to the current URL.
    InvalidLocation {
        /// Status of the redirect response.
        status: u16,
        /// What the URL parser said.
        error: url::ParseError,
    },
    /// The redirect response has several `Location` fields with different values.
    ConflictingLocation {
        /// Status of the redirect response.
        status: u16,
    },
    /// The `Location` resolves to a scheme the policy does not follow (`ftp:`, `data:`,
    /// `file:`, `javascript:` ... under the default policy).
    SchemeNotAllowed {
        /// Status of the redirect response.
        status: u16,
    },
    /// The redirect needs the request body again (any redirect but 303 while a body is still
    /// attached) but the caller said it cannot be re-sent ([`Body::Streamed`](crate::Body::Streamed)).
    /// The caller may hand the 3xx to its user as the final response.
    BodyNotReplayable {
        /// Status of the redirect response.
        status: u16,
    },
    /// An `https` URL redirects to plain `http` and the policy refuses downgrades
    /// (the `strict` profile).
    InsecureRedirect {
        /// Status of the redirect response.
        status: u16,
    },
    /// A request in `same-origin` mode ([`RequestMode::SameOrigin`](crate::RequestMode))
    /// is redirected to another origin (Fetch, main fetch: a network error).
    CrossOriginRedirect {
        /// Status of the redirect response.
        status: u16,
    },
    /// A request in `cors` mode ([`RequestMode::Cors`](crate::RequestMode)) is redirected
    /// to a URL with credentials (a user name or password) while the redirect crosses
    /// origins, or once the chain's response tainting is `cors` (Fetch, HTTP-redirect
    /// fetch: a network error).
    CredentialsInLocation {
        /// Status of the redirect response.
        status: u16,
    },
    /// The redirect goes to a port of Fetch's "bad port" list
    /// ([`BAD_PORTS`](crate::BAD_PORTS)), and the policy blocks them
    /// ([`Policy::with_blocked_ports`](crate::Policy::with_blocked_ports)).
    BlockedPort {
        /// Status of the redirect response.
        status: u16,
        /// The port.
        port: u16,
    },
    /// The redirect (or, from [`Follow::check_address`](crate::Follow::check_address), the
    /// address about to be connected to; or, from [`Follow::new`](crate::Follow::new), the
    /// first URL's host against the space declared for it) is in a less public address
    /// space than the chain's, and the policy refuses that
    /// ([`Policy::with_block_private_targets`](crate::Policy::with_block_private_targets)).
    /// The peer's fault, but for the first URL against its declared space (the caller's).
    PrivateTarget(alloc::boxed::Box<PrivateTarget>),
    /// The response head is not valid: not HTTP/1.x on the wire, or for a head given to
    /// [`Follow::handle_head`](crate::Follow::handle_head) fields `httparse` would refuse or
    /// an HTTP/2 or HTTP/3 head those protocols call malformed.
    MalformedResponse(Malformed),
    /// The response head (including any skipped 1xx heads) is longer than the policy's
    /// limit ([`Policy::max_head_size`](crate::Policy::max_head_size)); for a head given to
    /// [`Follow::handle_head`](crate::Follow::handle_head), its fields written as HTTP/1.1
    /// lines are.
    HeadTooLarge {
        /// The byte limit in force.
        limit: usize,
    },
    /// The response head (the final one; 1xx interim heads are counted each on its own)
    /// has more header fields than the policy's limit
    /// ([`Policy::max_header_fields`](crate::Policy::max_header_fields)).
    TooManyHeaders {
        /// The field limit in force.
        limit: usize,
    },
    /// The caller declined a redirect with its own reason
    /// ([`Redirect::refuse`](crate::Redirect::refuse)).
    Refused {
        /// Status of the redirect response.
        status: u16,
        /// The caller's reason.
        reason: &'static str,
    },
    /// The first request could not be built (caller error).
    InvalidRequest(InvalidRequest),
    /// A policy value is out of range (caller error).
    InvalidPolicy(InvalidPolicy),
    /// [`Follow::handle_response`](crate::Follow::handle_response) or
    /// [`Follow::handle_head`](crate::Follow::handle_head) was called after the chain ended
    /// with a final response or an error, or one response was fed both ways (caller
    /// error).
    InvalidState,
    /// Bytes (or a head) of a response were fed while a redirect was proposed and not yet
    /// followed: take it with [`Redirect::follow`](crate::Redirect::follow) (or end the
    /// chain with [`Redirect::stop`](crate::Redirect::stop) or
    /// [`Redirect::refuse`](crate::Redirect::refuse)) first. The machine cannot tell the
    /// next response from the 3xx's own bytes fed again (a server may well send the same
    /// bytes twice), so it reads neither. Nothing changed: the redirect is still proposed.
    RedirectNotFollowed {
        /// The status of the proposed redirect.
        status: u16,
    },
    /// The buffer passed to [`Follow::handle_response`](crate::Follow::handle_response) is
    /// shorter than one passed before for the same response; the contract is that it only
    /// grows (caller error).
    BufferShrunk {
        /// How many bytes had been passed before.
        previous: usize,
        /// How many were passed now.
        now: usize,
    },
}

/// What [`Error::PrivateTarget`] refused: a host (and the address it resolved to, when
/// the caller checked one) in a less public address space than the chain's first URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateTarget {
    /// The target's host, as the URL serializes it.
    pub host: alloc::boxed::Box<str>,
    /// The address the caller was about to connect to, if the refusal came from
    /// [`Follow::check_address`](crate::Follow::check_address).
    pub address: Option<core::net::IpAddr>,
    /// The target's address space.
    pub space: crate::AddressSpace,
    /// The chain's address space (its first URL's, or the one the caller declared).
    pub chain: crate::AddressSpace,
    /// The status of the redirect that led there (`None` for the first request).
    pub status: Option<u16>,
}

impl fmt::Display for PrivateTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "{status} redirect to {}", self.host)?,
            None => write!(f, "request to {}", self.host)?,
        }
        if let Some(ip) = self.address {
            write!(f, " (resolved to {ip})")?;
        }
        write!(
            f,
            " goes into a {} address, less public than the {} space the chain started in",
            self.space, self.chain
        )
    }
}

/// Whose mistake an [`Error`] is ([`Error::fault`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The caller's: the request, the policy, the order of calls, a buffer, or its own
    /// refusal of a redirect.
    Caller,
    /// The peer's: the response bytes or the redirect chain the servers built.
    Peer,
}

impl Error {
    /// Whose mistake this is: the caller's or the peer's.
    ///
    /// ```
    /// use redirects::{Error, Fault, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
    /// let err = follow.handle_response(b"HTTP/1.1 302 Found\r\nLocation: ftp://a.test/\r\n\r\n").unwrap_err();
    /// assert_eq!(err.fault(), Fault::Peer);
    /// let again = follow.handle_response(b"HTTP/1.1 200 OK\r\n\r\n").unwrap_err();
    /// assert_eq!((again.clone(), again.fault()), (Error::InvalidState, Fault::Caller));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn fault(&self) -> Fault {
        match self {
            Error::TooManyRedirects { .. }
            | Error::InvalidLocation { .. }
            | Error::ConflictingLocation { .. }
            | Error::SchemeNotAllowed { .. }
            | Error::BodyNotReplayable { .. }
            | Error::InsecureRedirect { .. }
            | Error::CrossOriginRedirect { .. }
            | Error::CredentialsInLocation { .. }
            | Error::BlockedPort { .. }
            | Error::MalformedResponse(_)
            | Error::HeadTooLarge { .. }
            | Error::TooManyHeaders { .. } => Fault::Peer,
            // The first URL against the space the caller declared for it: the caller's.
            Error::PrivateTarget(p) if p.status.is_none() && p.address.is_none() => Fault::Caller,
            Error::PrivateTarget(_) => Fault::Peer,
            Error::Refused { .. }
            | Error::InvalidRequest(_)
            | Error::InvalidPolicy(_)
            | Error::InvalidState
            | Error::RedirectNotFollowed { .. }
            | Error::BufferShrunk { .. } => Fault::Caller,
        }
    }

    /// The stable snake-case name of the variant, as used by the conformance vectors.
    pub fn code(&self) -> &'static str {
        match self {
            Error::TooManyRedirects { .. } => "too_many_redirects",
            Error::InvalidLocation { .. } => "invalid_location",
            Error::ConflictingLocation { .. } => "conflicting_location",
            Error::SchemeNotAllowed { .. } => "scheme_not_allowed",
            Error::BodyNotReplayable { .. } => "body_not_replayable",
            Error::InsecureRedirect { .. } => "insecure_redirect",
            Error::CrossOriginRedirect { .. } => "cross_origin_redirect",
            Error::CredentialsInLocation { .. } => "credentials_in_location",
            Error::BlockedPort { .. } => "blocked_port",
            Error::PrivateTarget(_) => "private_target",
            Error::MalformedResponse(_) => "malformed_response",
            Error::HeadTooLarge { .. } => "head_too_large",
            Error::TooManyHeaders { .. } => "too_many_headers",
            Error::Refused { .. } => "refused",
            Error::InvalidRequest(_) => "invalid_request",
            Error::InvalidPolicy(_) => "invalid_policy",
            Error::InvalidState => "invalid_state",
            Error::RedirectNotFollowed { .. } => "redirect_not_followed",
            Error::BufferShrunk { .. } => "buffer_shrunk",
        }
    }

    /// The status of the response an error is about, if any: the response that caused a
    /// peer error, the redirect the caller refused ([`Error::Refused`]) or has not followed
    /// yet ([`Error::RedirectNotFollowed`]).
    pub fn status(&self) -> Option<u16> {
        match *self {
            Error::TooManyRedirects { status, .. }
            | Error::InvalidLocation { status, .. }
            | Error::ConflictingLocation { status }
            | Error::SchemeNotAllowed { status }
            | Error::BodyNotReplayable { status }
            | Error::InsecureRedirect { status }
            | Error::CrossOriginRedirect { status }
            | Error::CredentialsInLocation { status }
            | Error::BlockedPort { status, .. }
            | Error::Refused { status, .. }
            | Error::RedirectNotFollowed { status } => Some(status),
            Error::PrivateTarget(ref p) => p.status,
            _ => None,
        }
    }
}

/// Why a response head is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// `httparse` rejected the head, or a field given to
    /// [`Follow::handle_head`](crate::Follow::handle_head) that it would reject (the same
    /// error).
    Syntax(httparse::Error),
    /// The status code is below 100 (or, given to
    /// [`Follow::handle_head`](crate::Follow::handle_head), above 999), or a `101` in
    /// HTTP/2 or HTTP/3, which have no such status (RFC 9113 §8.6, RFC 9114 §4.5).
    Status(u16),
    /// `Content-Length` is not a number, or several differ (RFC 9112 §6.3 item 5).
    ContentLength,
    /// A connection-specific field (`Connection`, `Keep-Alive`, `Proxy-Connection`,
    /// `Transfer-Encoding`, `Upgrade`) in an HTTP/2 or HTTP/3 head, which makes it
    /// malformed (RFC 9113 §8.2.2, RFC 9114 §4.2).
    ConnectionSpecific,
}

/// Why a policy value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidPolicy {
    /// An allowed scheme is not a lower-case URL scheme (`[a-z][a-z0-9+.-]*`).
    SchemeSyntax,
    /// An allowed scheme is longer than `max` bytes.
    SchemeTooLong {
        /// The longest scheme taken, in bytes.
        max: usize,
    },
    /// More than `max` allowed schemes.
    TooManySchemes {
        /// The most schemes taken.
        max: usize,
    },
    /// The head size limit is outside `min..=max` bytes.
    HeadSize {
        /// The smallest limit taken.
        min: usize,
        /// The largest limit taken.
        max: usize,
    },
    /// The header field limit is outside `min..=max` fields.
    HeaderFields {
        /// The smallest limit taken.
        min: usize,
        /// The largest limit taken.
        max: usize,
    },
    /// A credential header name is not an HTTP token.
    CredentialName,
    /// A trusted origin does not parse as a URL.
    TrustedOrigin(url::ParseError),
    /// A trusted origin has no host (`data:`, `mailto:` ...).
    TrustedOriginHost,
    /// An HSTS host is not a domain (an IP address, or not a valid host).
    HstsHost,
    /// A status given for [`PostRedirect`](crate::PostRedirect) (curl's `--post301`,
    /// `--post302`, `--post303`) is not 301, 302 or 303.
    PostRedirectStatus {
        /// The status given.
        status: u16,
    },
}

/// Why a request could not be built: the first one ([`Request`](crate::Request),
/// [`Follow::new`](crate::Follow::new)), or the caller's edit of a proposed one
/// ([`Redirect::set_header`](crate::Redirect::set_header),
/// [`Redirect::append_header`](crate::Redirect::append_header)), which then changes
/// nothing. Each refuses input that would make the request ambiguous on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidRequest {
    /// The URL does not parse.
    Url(url::ParseError),
    /// The URL's scheme is not one the policy allows, or it has no host.
    Scheme,
    /// The method is not an HTTP token (RFC 9110 §9.1), or is longer than
    /// [`MAX_METHOD_LEN`](crate::MAX_METHOD_LEN) bytes.
    Method,
    /// A header name is not an HTTP token.
    HeaderName,
    /// A header value contains a control character other than HTAB: a byte in
    /// `0x00..=0x08`, `0x0A..=0x1F` or `0x7F` (CR, LF and NUL among them: header
    /// injection). The `http` crate's `HeaderValue` refuses the same bytes.
    HeaderValue,
    /// The URL's port is on Fetch's "bad port" list and the policy blocks them (Fetch
    /// blocks the first request too).
    BlockedPort {
        /// The port.
        port: u16,
    },
    /// The request would carry more than one `Host` field (RFC 9112 §3.2: a server MUST
    /// answer 400; two parties reading different ones is a smuggling vector). Replace the
    /// one there is with [`Redirect::set_header`](crate::Redirect::set_header).
    DuplicateHost,
    /// The request would carry both `Content-Length` and `Transfer-Encoding` (RFC 9112
    /// §6.2: a sender MUST NOT; §6.3 item 3, §11.2: request smuggling).
    ContentLengthWithTransferEncoding,
    /// The request's `Content-Length` fields do not state one length: a value that is not
    /// a decimal number, or values that differ, in two fields or in one list (`5, 6`).
    /// RFC 9110 §8.6: a sender MUST NOT send differing values; RFC 9112 §6.3 item 5: the
    /// recipient cannot tell where the body ends (request smuggling). The same value
    /// repeated (`5, 5`, or two fields of `5`) states one length and is accepted.
    ContentLength,
    /// A request in `same-origin` mode ([`Request::mode`](crate::Request::mode)) whose
    /// first URL is not of the request's origin (Fetch: a network error).
    CrossOrigin,
    /// With a cookie jar ([`Follow::with_cookie_jar`](crate::Follow::with_cookie_jar))
    /// the jar owns `Cookie`: a caller-set `Cookie`, or a per-redirect edit of it, is
    /// refused (put the cookies in the jar).
    JarOwnsCookie,
    /// With a request mode the machine owns `Origin`: a per-redirect edit of it is
    /// refused ([`Request::mode`](crate::Request::mode)).
    ModeOwnsOrigin,
    /// The origin given with [`Request::origin`](crate::Request::origin) is neither
    /// `null` nor the serialization of an origin (`https://app.test`: no path, no
    /// trailing slash, lower case, no default port).
    Origin,
    /// The method is `CONNECT`, which asks a proxy for a tunnel and takes an authority as
    /// its target (RFC 9110 §9.3.6, RFC 9112 §3.2.3); the machine writes origin-form
    /// requests only and has no business with tunnels. [`Follow::new`](crate::Follow::new)
    /// refuses it.
    Connect,
}

/// The caller's buffer is too small for the request head; `required` bytes are needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferTooSmall {
    /// The exact number of bytes the head needs.
    pub required: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TooManyRedirects { limit, status } => {
                write!(
                    f,
                    "{status} redirect would exceed the limit of {limit} redirects"
                )
            }
            Error::InvalidLocation { status, error } => {
                write!(f, "{status} redirect has an invalid Location: {error}")
            }
            Error::ConflictingLocation { status } => {
                write!(f, "{status} redirect has several different Location fields")
            }
            Error::SchemeNotAllowed { status } => {
                write!(
                    f,
                    "{status} redirect to a scheme the policy does not follow"
                )
            }
            Error::BodyNotReplayable { status } => write!(
                f,
                "{status} redirect needs the request body again but it cannot be re-sent"
            ),
            Error::InsecureRedirect { status } => {
                write!(f, "{status} redirect from https to http refused by policy")
            }
            Error::CrossOriginRedirect { status } => {
                write!(f, "{status} redirect to another origin in same-origin mode")
            }
            Error::CredentialsInLocation { status } => {
                write!(
                    f,
                    "{status} redirect to a URL with credentials in cors mode"
                )
            }
            Error::BlockedPort { status, port } => {
                write!(
                    f,
                    "{status} redirect to port {port}, which browsers never connect to"
                )
            }
            Error::PrivateTarget(p) => write!(f, "{p}"),
            Error::MalformedResponse(m) => write!(f, "malformed response head: {m}"),
            Error::HeadTooLarge { limit } => {
                write!(f, "response head larger than {limit} bytes")
            }
            Error::TooManyHeaders { limit } => {
                write!(f, "response head with more than {limit} header fields")
            }
            Error::Refused { status, reason } => write!(f, "{status} redirect refused: {reason}"),
            Error::InvalidRequest(r) => write!(f, "invalid request: {r}"),
            Error::InvalidPolicy(what) => write!(f, "invalid policy: {what}"),
            Error::InvalidState => f.write_str("the redirect chain has already ended"),
            Error::RedirectNotFollowed { status } => write!(
                f,
                "a response was fed while the {status} redirect was proposed: follow it first"
            ),
            Error::BufferShrunk { previous, now } => write!(
                f,
                "response buffer shrank from {previous} to {now} bytes (it must only grow)"
            ),
        }
    }
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Syntax(e) => write!(f, "{e}"),
            Malformed::Status(s) => write!(f, "status code {s} is not a final or interim status"),
            Malformed::ContentLength => f.write_str("invalid or conflicting Content-Length"),
            Malformed::ConnectionSpecific => {
                f.write_str("connection-specific field in an HTTP/2 or HTTP/3 head")
            }
        }
    }
}

impl fmt::Display for InvalidPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidPolicy::SchemeSyntax => f.write_str("scheme is not a lower-case URL scheme"),
            InvalidPolicy::SchemeTooLong { max } => write!(f, "scheme longer than {max} bytes"),
            InvalidPolicy::TooManySchemes { max } => write!(f, "more than {max} schemes"),
            InvalidPolicy::HeadSize { min, max } => {
                write!(f, "head size limit not in {min}..={max} bytes")
            }
            InvalidPolicy::HeaderFields { min, max } => {
                write!(f, "header field limit not in {min}..={max} fields")
            }
            InvalidPolicy::CredentialName => {
                f.write_str("credential header name is not a valid HTTP token")
            }
            InvalidPolicy::TrustedOrigin(e) => write!(f, "trusted origin is not a URL: {e}"),
            InvalidPolicy::TrustedOriginHost => f.write_str("trusted origin has no host"),
            InvalidPolicy::HstsHost => f.write_str("HSTS host is not a domain name"),
            InvalidPolicy::PostRedirectStatus { status } => {
                write!(f, "post-redirect status {status} is not 301, 302 or 303")
            }
        }
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidRequest::Url(e) => write!(f, "URL does not parse: {e}"),
            InvalidRequest::Scheme => f.write_str("URL scheme not allowed or URL has no host"),
            InvalidRequest::Method => f.write_str("method is not a valid HTTP token"),
            InvalidRequest::HeaderName => f.write_str("header name is not a valid HTTP token"),
            InvalidRequest::HeaderValue => {
                f.write_str("header value contains a control character other than HTAB")
            }
            InvalidRequest::BlockedPort { port } => {
                write!(f, "port {port} is one browsers never connect to")
            }
            InvalidRequest::DuplicateHost => f.write_str("request has more than one Host field"),
            InvalidRequest::ContentLengthWithTransferEncoding => {
                f.write_str("request has both Content-Length and Transfer-Encoding")
            }
            InvalidRequest::ContentLength => {
                f.write_str("request's Content-Length fields do not state one decimal length")
            }
            InvalidRequest::CrossOrigin => {
                f.write_str("same-origin mode request to a URL of another origin")
            }
            InvalidRequest::JarOwnsCookie => {
                f.write_str("the cookie jar owns the Cookie header: set cookies in the jar")
            }
            InvalidRequest::ModeOwnsOrigin => {
                f.write_str("the request mode owns the Origin header: it cannot be edited")
            }
            InvalidRequest::Origin => f.write_str("origin is neither null nor a serialized origin"),
            InvalidRequest::Connect => {
                f.write_str("CONNECT asks for a tunnel, not a request a redirect chain can send")
            }
        }
    }
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "buffer too small: the request head needs {} bytes",
            self.required
        )
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::InvalidLocation { error, .. } => Some(error),
            Error::InvalidRequest(InvalidRequest::Url(e)) => Some(e),
            Error::InvalidPolicy(InvalidPolicy::TrustedOrigin(e)) => Some(e),
            _ => None,
        }
    }
}
impl core::error::Error for Malformed {}
impl core::error::Error for InvalidRequest {}
impl core::error::Error for InvalidPolicy {}
impl core::error::Error for BufferTooSmall {}

impl From<Malformed> for Error {
    fn from(m: Malformed) -> Self {
        Error::MalformedResponse(m)
    }
}

impl From<InvalidPolicy> for Error {
    fn from(p: InvalidPolicy) -> Self {
        Error::InvalidPolicy(p)
    }
}

impl From<InvalidRequest> for Error {
    fn from(r: InvalidRequest) -> Self {
        Error::InvalidRequest(r)
    }
}
