//! The redirect machine: its one state value and every transition.
//!
//! | state | call | answer | next state |
//! |---|---|---|---|
//! | `Reading` | `handle_response`, head incomplete | `NeedData` | `Reading` |
//! | `Reading` | `handle_response`, buffer shorter than before | `Err(BufferShrunk)` | `Reading` |
//! | `Reading` | `handle_response`, head unreadable or too large | `Err(peer error)` | `Failed` (no head) |
//! | `Reading` | `handle_response`, a redirect the policy follows | `Redirect` | `Proposed` |
//! | `Reading` | `handle_response`, a final response | `Final` | `Finished` |
//! | `Reading` | `handle_response`, a redirect that must not be followed | `Err(peer error)` | `Failed` (head kept) |
//! | `Reading`, nothing fed | `handle_head`, interim `1xx` | `NeedData` | `Reading` |
//! | `Reading`, nothing fed | `handle_head`, otherwise | as `handle_response` with that head | as `handle_response` |
//! | `Reading`, bytes fed | `handle_head` | `Err(InvalidState)` | unchanged |
//! | `Proposed` | `handle_response` with no bytes | `NeedData` | `Proposed` |
//! | `Proposed` | `handle_response` with bytes, or `handle_head` | as `Reading`, for the next response | as `Reading` |
//! | `Proposed` | `Redirect::stop` | `Final` (the 3xx) | `Finished` |
//! | `Proposed` | `Redirect::refuse` | `Err(Refused)` | `Failed` (head kept) |
//! | `Finished`, `Failed` | `handle_response`, `handle_head` | `Err(InvalidState)` | unchanged |
//!
//! The crate docs draw the same table for users.

use alloc::vec::Vec;

use alloc::boxed::Box;
use core::net::IpAddr;

use url::Url;

use crate::address::AddressSpace;
use crate::cookie::{CookieJar, CookieReport};
use crate::error::{Error, InvalidRequest, Malformed, PrivateTarget};
use crate::head::{Check, Head, INTERIM_FRAME, LocationField, Parsed, Scanner, field_size};
use crate::headers::{
    Class, Field, Headers, RemovalReason, check_field_set, classify, validate_header,
};
use crate::hsts::{self, HstsHosts, HstsUpgrade};
use crate::location::{resolve_location, same_origin};
use crate::method::Method;
use crate::origin::{
    OriginDecision, OriginFacts, OriginSent, RedirectTaint, RequestMode, RequestOrigin,
    decide_origin, hop_taint, includes_credentials,
};
use crate::outgoing::OutgoingRequest;
use crate::policy::{Policy, UnreplayableBody};
use crate::referrer::{
    self, ReferrerDecision, ReferrerPolicy, ReferrerSent, ReferrerWhy, policy_from_header,
};
use crate::request::{Body, GivenOrigin, Request};
#[cfg(doc)]
use crate::response::BodyLength;
use crate::response::{Response, Version};
use crate::rules::{
    CredentialScope, CurlBody, CurlRequest, LocationConflict, MethodModel, MethodRule, RefererRule,
};
use crate::views::{Event, Final, HistoryEntry, Redirect};

/// How many history entries are reserved up front (or the limit, if lower), so that
/// following a redirect allocates only the new URL's string in every chain of the default
/// length. A longer chain grows the vector as it goes.
const HISTORY_RESERVED: u32 = 20;

/// Where the chain is. Exactly one value, changed only in this file. (`repr(u8)`: an
/// explicit tag is cheaper to test on every feed than a niche inside `Undo`.)
#[derive(Debug, Clone)]
#[repr(u8)]
pub(crate) enum State {
    /// The current request is out and its response is being read; the scanner remembers
    /// how far. `head` holds nothing the caller can ask for.
    Reading(Scanner),
    /// A redirect was taken and the machine describes the next request; `head` is the 3xx.
    /// No byte of the next response has been fed, so the caller may still edit, stop or
    /// refuse it (through [`Redirect`]); `Undo` restores the request before it.
    Proposed(Undo),
    /// The chain ended with a final response (`head`).
    Finished,
    /// The chain ended with an error; `head` is the response that caused it when
    /// `with_head`.
    Failed {
        /// `head` describes a complete response.
        with_head: bool,
    },
}

/// The request before the proposed redirect: what changed is derived from it, and
/// [`Redirect::stop`] and [`Redirect::refuse`] restore it.
#[derive(Debug, Clone)]
pub(crate) struct Undo {
    pub(crate) method: Method,
    pub(crate) body: Body,
    /// The rule that rewrote the method or dropped the body, if one did.
    pub(crate) rule: Option<MethodRule>,
    referrer: Referrer,
    referrer_policy: ReferrerPolicy,
    taint: RedirectTaint,
    curl: CurlRequest,
}

/// The referrer the next request's `Referer` is computed from (Fetch's request referrer,
/// which main fetch replaces with each result).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Referrer {
    /// The request has none: no request carries `Referer`.
    Never,
    /// The referrer; `cut` once an earlier request cut it to its origin.
    Url { url: Url, cut: bool },
    /// An earlier request omitted it: it stays omitted.
    Omitted,
    /// The caller removed `Referer` ([`Redirect::remove_header`]): no later request
    /// carries one unless the caller sets it again.
    Removed,
    /// curl's `--referer` value, any header value (not necessarily a URL): the machine's
    /// `Referer` field carries it as given; nothing is computed from it.
    Curl,
}

/// What the machine decided for the current request beyond method, body and headers
/// removed: what [`Redirect`] reports.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Notes {
    pub(crate) referrer: Option<ReferrerDecision>,
    pub(crate) hsts: Option<HstsUpgrade>,
    /// The target's and the chain's address spaces, when private targets are blocked.
    pub(crate) space: Option<(AddressSpace, AddressSpace)>,
}

/// The redirect state machine for one chain.
///
/// Calling contract:
/// 1. [`Follow::new`], then send [`Follow::request`] (write its head with
///    [`OutgoingRequest::write_head`], then the body if [`OutgoingRequest::sends_body`]).
/// 2. Read the response into a buffer and pass **all bytes read so far for this response**
///    to [`Follow::handle_response`] each time more arrive. The buffer MUST only grow and
///    MUST keep the bytes already passed unchanged; the machine remembers how far it
///    scanned, so feeding is linear however the bytes are split, and the answer is the same
///    for every split. Or, if your stack parses heads itself, give each head (interim ones
///    too, if it hands them out) to [`Follow::handle_head`]; one response goes one way.
/// 3. On [`Event::NeedData`], read more and go to 2. On [`Event::Redirect`], decide with the
///    [`Redirect`] handle if you want to (edit the next request, stop, refuse), drain the
///    redirect's body (see [`Response::body_length`]), send [`Follow::request`] (on the same
///    connection only if [`Redirect::can_reuse_connection`] and you did what its docs say you
///    MUST have done; otherwise on a new one) and go to 2 with a **new, empty** buffer for
///    the new response. On [`Event::Final`], the chain is over.
/// 4. An `Err` from `handle_response` whose [`Error::fault`] is the peer's ends the chain;
///    any further `handle_response` is [`Error::InvalidState`]. [`Follow::url`] and
///    [`Follow::history`] still tell where it ended.
///
/// The states and transitions are in the crate docs ("The states").
///
/// Memory: `size_of::<Follow>()` is 976 bytes on x86_64 (`tests/size.rs` checks this figure
/// and bounds it). On the heap: the spans (16 bytes each) of the last response head's
/// fields, reserved for 64 fields (or the policy's lower limit) when the chain starts, so a
/// head of up to 64 fields allocates nothing; a head with more grows them once, up to
/// [`Policy::max_header_fields`] (256 by default: 4 KiB), and is parsed with a scratch
/// array of 32 bytes per field (at most the limit, at most the head's lines) freed right
/// after. Then the request headers twice (as fields and as rendered lines) and one
/// [`HistoryEntry`] (a status and a URL) per redirect followed, bounded by the policy's
/// limit. Heads given to [`Follow::handle_head`] are copied into one buffer (names and
/// values, at most [`Policy::max_head_size`]), which grows to the largest head and is
/// reused; the byte path allocates it only for a head with an obsolete line fold (its
/// unfolded copy, at most the head's size).
#[derive(Debug)]
pub struct Follow {
    policy: Policy,
    method: Method,
    url: Url,
    body: Body,
    headers: Headers,
    history: Vec<HistoryEntry>,
    /// The last complete response head, as spans into the caller's buffer (or into
    /// `parsed`); `state` says whether it describes anything.
    head: Head,
    /// The names and values of the last head given to [`Follow::handle_head`], or of a head
    /// read off the wire with an obsolete line fold, unfolded, one after the other (never
    /// allocated on the byte path otherwise).
    parsed: Vec<u8>,
    state: State,
    referrer: Referrer,
    referrer_policy: ReferrerPolicy,
    /// The request's origin (Fetch), for redirect-taint, when it is not the first URL's
    /// (`None`).
    request_origin: Option<GivenOrigin>,
    /// The chain's redirect taint, as far as judged (`taint_judged`): anything but
    /// same-origin makes `Origin` `null` from then on.
    taint: RedirectTaint,

    /// The redirects judged for taint so far (the chain is judged only while a caller-set
    /// `Origin` is there to taint, and each hop once).
    taint_judged: u32,
    /// The HSTS hosts the chain learned (the policy's are searched first).
    hsts: HstsHosts,
    /// The address space the chain started in (private-target blocking).
    space: AddressSpace,
    /// How curl would send the current request (the `curl` rules decide by it).
    curl: CurlRequest,
    notes: Notes,
    /// A request mode or a cookie jar, with what they decided; `None` for chains with
    /// neither, which pay one pointer and one test per hop for them.
    extras: Option<Box<Extras>>,
}

/// What a chain with a request mode or a cookie jar keeps beyond the rest.
#[derive(Debug, Default)]
struct Extras {
    /// Fetch's request mode (the machine then owns `Origin`); never under `curl`.
    mode: Option<RequestMode>,
    /// Response tainting is `cors`: a `cors` request went to another origin than its own.
    cors_tainting: bool,
    /// How the current request's `Origin` was decided, with a mode.
    origin: Option<OriginDecision>,
    /// The cookie jar the chain uses ([`Follow::with_cookie_jar`]), if any.
    jar: Option<JarSlot>,
    /// What the jar did, with one: with the last response's `Set-Cookie` fields, and for
    /// the current request's `Cookie`.
    cookies: Option<CookieReport>,
}

/// The chain's cookie jar, boxed (the machine does not name the caller's type).
struct JarSlot(Box<dyn CookieJar + Send + Sync>);

impl core::fmt::Debug for JarSlot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CookieJar")
    }
}

impl Follow {
    /// Starts a chain with its first request.
    ///
    /// Fails with [`Error::InvalidRequest`] if the URL's scheme is not allowed by the
    /// policy or the URL has no host ([`InvalidRequest::Scheme`]), if its port is a bad
    /// port the policy blocks ([`InvalidRequest::BlockedPort`]), if the method is
    /// `CONNECT` ([`InvalidRequest::Connect`]), if a referrer given with
    /// [`Request::referrer`] is not a URL under the `fetch` or `strict` rules
    /// ([`InvalidRequest::Url`]; under `curl` any header value is curl's `--referer`), or
    /// if the headers would make the request ambiguous: two `Host` fields
    /// ([`InvalidRequest::DuplicateHost`]), `Content-Length` fields that do not state one
    /// decimal length ([`InvalidRequest::ContentLength`]), or
    /// `Content-Length` with `Transfer-Encoding`
    /// ([`InvalidRequest::ContentLengthWithTransferEncoding`]). With private targets
    /// blocked and a space declared ([`Request::address_space`]), a first URL whose host is
    /// less public than that space is [`Error::PrivateTarget`] (the caller's fault).
    pub fn new(request: Request, policy: Policy) -> Result<Follow, Error> {
        let Request {
            method,
            mut url,
            headers,
            body,
            referrer,
            space,
            curl,
            origin,
            mode,
        } = request;
        let curl = curl.unwrap_or_else(|| CurlRequest::assumed(method, body != Body::None));
        if !policy.scheme_allowed(url.scheme()) || url.host().is_none() {
            return Err(InvalidRequest::Scheme.into());
        }
        if method == Method::Connect {
            return Err(InvalidRequest::Connect.into());
        }
        check_field_set(headers.iter().map(|(name, value)| (&**name, &**value)))?;
        if let Some(port) = policy.port_blocked(&url) {
            return Err(InvalidRequest::BlockedPort { port }.into());
        }
        let own_space = AddressSpace::of_url(&url);
        let declared = space;
        let space = declared.unwrap_or(own_space);
        // A first URL that names a less public host than the space declared for it: the
        // same refusal a redirect there gets.
        if policy.block_private_targets() && own_space < space {
            return Err(private_target(&url, None, own_space, space, None));
        }
        let fields = headers
            .into_iter()
            .map(|(name, value)| Field {
                class: classify(&name, policy.is_extra_credential(&name)),
                name,
                value,
                removed: None,
                withheld: false,
                set_for: 0,
                machine: false,
            })
            .collect::<Vec<_>>();
        let mut headers = Headers {
            fields,
            ..Headers::default()
        };
        let rules = policy.rules();
        let referrer_policy = policy.referrer_policy();
        // The referrer: a caller-set `Referer` (sent as it is on this request), else the one
        // given with `Request::referrer`. Its decision for this request is made against the
        // URL as given, before any HSTS upgrade (Fetch main fetch: the referrer step first).
        // Under curl the referrer is the `--referer` string, any header value; under the
        // referrer-policy rules it must be a URL.
        let (given, curl_referrer) = match referrer.as_deref() {
            None => (None, None),
            Some(raw) if rules.referer == RefererRule::Curl => (None, Some(raw)),
            Some(raw) => (Some(Url::parse(raw).map_err(InvalidRequest::Url)?), None),
        };
        let header_referrer = headers.first_of(Class::REFERER).map(Field::url);
        // The request's origin (Fetch; the vectors' FORMAT.md), in order: the caller's
        // explicit one, the one a caller-set `Origin` names, the referrer's, the first
        // URL's (`None` here: read from the history when needed).
        let request_origin = if rules.origin_taint {
            origin
                .map(|origin| *origin)
                .or_else(|| {
                    let field = headers.first_of(Class::ORIGIN)?;
                    GivenOrigin::parse(&field.value)
                })
                .or_else(|| match (&header_referrer, &given) {
                    (Some(Some(u)), _) | (None, Some(u)) => Some(GivenOrigin::Tuple(u.clone())),
                    _ => None,
                })
        } else {
            None
        };
        let mut decision = None;
        let state = match (header_referrer, given) {
            (Some(Some(url)), _) => Referrer::Url { url, cut: false },
            (Some(None), _) => Referrer::Omitted,
            (None, None) => match curl_referrer {
                None => Referrer::Never,
                Some(raw) => {
                    // curl's `--referer`: sent byte for byte on every request (with
                    // `;auto`, on the first one).
                    headers.fields.push(Field::machine(
                        "Referer",
                        raw.as_bytes(),
                        Class::REFERER,
                        0,
                    ));
                    decision = Some(ReferrerDecision {
                        policy: referrer_policy,
                        sent: ReferrerSent::Url,
                        why: ReferrerWhy::CurlFixed,
                    });
                    Referrer::Curl
                }
            },
            (None, Some(r)) => {
                let (next, sent, why) = referrer::determine(&r, referrer_policy, &url);
                decision = Some(ReferrerDecision {
                    policy: referrer_policy,
                    sent,
                    why,
                });
                match next {
                    Some(next) => {
                        headers.fields.push(Field::machine(
                            "Referer",
                            next.as_str().as_bytes(),
                            Class::REFERER,
                            0,
                        ));
                        Referrer::Url {
                            url: next,
                            cut: sent == ReferrerSent::Origin,
                        }
                    }
                    None => Referrer::Omitted,
                }
            }
        };
        // HSTS: a first request to `http://` on a known host goes to `https://` too (the
        // headers the caller set for it go along: they are the caller's for this request).
        let upgraded = hsts::upgrade(policy.hsts_hosts(), &HstsHosts::default(), &mut url);
        let extras = match mode.filter(|_| rules.origin_taint) {
            None => None,
            Some(mode) => Some(first_request_mode(
                mode,
                &mut headers,
                request_origin.as_ref(),
                &url,
                method,
                referrer_policy,
            )?),
        };
        headers.render();
        let history = Vec::with_capacity(policy.max_redirects().min(HISTORY_RESERVED) as usize);
        let head = Head::with_field_capacity(policy.max_header_fields());
        Ok(Follow {
            policy,
            method,
            url,
            body,
            headers,
            history,
            head,
            parsed: Vec::new(),
            state: State::Reading(Scanner::default()),
            referrer: state,
            referrer_policy,
            request_origin,
            taint: RedirectTaint::SameOrigin,
            taint_judged: 0,
            hsts: HstsHosts::default(),
            space,
            curl,
            notes: Notes {
                referrer: decision,
                hsts: upgraded,
                space: None,
            },
            extras,
        })
    }

    /// The request to send now: the first one, or the one the last redirect asked for.
    pub fn request(&self) -> OutgoingRequest<'_> {
        OutgoingRequest {
            method: self.method,
            url: &self.url,
            headers: &self.headers,
            send_body: self.body != Body::None,
        }
    }

    /// The current URL: the one the outstanding request goes to, or after the end the
    /// final URL (or the URL whose response caused the error).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The redirects followed so far, oldest first.
    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    /// How many redirects were followed.
    pub fn redirects(&self) -> u32 {
        self.history.len() as u32
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Whether the chain has ended (final response or error).
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Finished | State::Failed { .. })
    }

    /// The head of the last complete response, read again from `buf`, which MUST be the
    /// buffer passed to the [`Follow::handle_response`] call that completed it. `None`
    /// before any head completed, once bytes of a newer response were fed, or if `buf` is
    /// shorter than that head.
    ///
    /// This is how a caller gets the 3xx after [`Error::BodyNotReplayable`] (to hand it to
    /// its user as the final response), or after any other error about a complete
    /// response.
    ///
    /// ```
    /// use redirects::{Body, Error, Follow, Method, Policy, Request};
    /// let req = Request::new(Method::Put, "http://a.test/blob")?.body(Body::Streamed);
    /// let mut follow = Follow::new(req, Policy::fetch())?;
    /// let bytes = b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /b2\r\nContent-Length: 0\r\n\r\n";
    /// let err = follow.handle_response(bytes).unwrap_err();
    /// assert_eq!(err, Error::BodyNotReplayable { status: 307 });
    /// let the_307 = follow.last_response(bytes).unwrap();
    /// assert_eq!(the_307.header("location"), Some(&b"/b2"[..]));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn last_response<'a>(&'a self, buf: &'a [u8]) -> Option<Response<'a>> {
        let complete = match self.state {
            State::Reading(_) | State::Failed { with_head: false } => false,
            State::Proposed(_) | State::Finished | State::Failed { with_head: true } => true,
        };
        (complete && buf.len() >= self.head.len).then(|| self.response(buf))
    }

    /// The redirect just proposed, again: a [`Redirect`] handle as
    /// [`Follow::handle_response`] gave it, as long as no byte of the next response has
    /// been fed (an empty feed does not count). `buf` MUST be the buffer that completed the
    /// redirect (see [`Follow::last_response`]); `None` otherwise or in any other state.
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
    /// let bytes = b"HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\n\r\n";
    /// assert!(matches!(follow.handle_response(bytes)?, Event::Redirect(_)));
    /// // Nothing of b.test's response yet; an empty read keeps the decision open.
    /// assert!(matches!(follow.handle_response(b"")?, Event::NeedData));
    /// let done = follow.pending_redirect(bytes).expect("still proposed").stop();
    /// assert_eq!(done.response().status(), 302);
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn pending_redirect<'a>(&'a mut self, buf: &'a [u8]) -> Option<Redirect<'a>> {
        let proposed =
            matches!(self.state, State::Proposed(_)) && self.last_response(buf).is_some();
        proposed.then(|| Redirect::new(self, buf))
    }

    /// Feeds the bytes read so far for the current response (see the calling contract on
    /// [`Follow`]).
    ///
    /// The events borrow `buf` and the machine: the response's headers are read straight
    /// out of `buf`, nothing is copied (but for a head with an obsolete line fold, which is
    /// interpreted from an unfolded copy, RFC 9112 §5.2).
    pub fn handle_response<'a>(&'a mut self, buf: &'a [u8]) -> Result<Event<'a>, Error> {
        if !matches!(self.state, State::Reading(_)) {
            match self.state {
                State::Proposed(_) if buf.is_empty() => return Ok(Event::NeedData),
                State::Proposed(_) => self.state = State::Reading(Scanner::default()),
                _ => return Err(Error::InvalidState),
            }
        }
        let State::Reading(scan) = &mut self.state else {
            return Err(Error::InvalidState);
        };
        if scan.headed() && !buf.is_empty() {
            // An interim head of this response came through `handle_head`: the rest must too.
            return Err(Error::InvalidState);
        }
        let head_request = self.method == Method::Head;
        match scan.feed(
            buf,
            &self.policy,
            head_request,
            &mut self.head,
            &mut self.parsed,
        ) {
            Ok(false) => return Ok(Event::NeedData),
            Ok(true) => {}
            // The caller's mistake: nothing was consumed, the machine is unchanged.
            Err(e @ Error::BufferShrunk { .. }) => return Err(e),
            Err(e) => {
                self.state = State::Failed { with_head: false };
                return Err(e);
            }
        }
        self.connection_rules();
        let decided = if self.head.owned {
            // An obsolete line fold: the unfolded copy is what is interpreted.
            self.decide_owned()
        } else {
            self.decide(buf)
        };
        self.event(decided, buf)
    }

    /// Feeds a response head that the caller's own HTTP stack parsed (hyper, `h2`, `h3`,
    /// reqwless, ...): its version, status and header fields (name and value bytes, in
    /// any order, repeated fields kept). The answer is the one
    /// [`Follow::handle_response`] gives for the same head on the wire: the same events,
    /// decisions, errors and "what changed and why".
    ///
    /// - The fields are checked as the byte path checks them: a name that is not a token,
    ///   or a value byte `httparse` refuses (a control byte other than HTAB, so CR and LF
    ///   too: unfold an obsolete line fold first), is [`Malformed::Syntax`]; more
    ///   fields than [`Policy::max_header_fields`] is [`Error::TooManyHeaders`]; the head's
    ///   fields written as HTTP/1.1 lines (`name: value\r\n`) count against
    ///   [`Policy::max_head_size`] ([`Error::HeadTooLarge`], which wins over any other fault
    ///   of the head, as on the wire; nothing past the limit is copied), together with
    ///   the interim heads of the same response before it, each as written in HTTP/1.1
    ///   (`HTTP/1.1 103\r\n`, its fields, the empty line): as on the wire, a peer that
    ///   sends `103`s without end gets [`Error::HeadTooLarge`], not a machine that waits. Leading and
    ///   trailing spaces and tabs of values are dropped. HTTP/2 pseudo-header fields
    ///   (`:status`) are not fields: pass the status. Errors are the peer's (the fields are
    ///   what it sent), and the first fault is the one `httparse` would meet first.
    /// - A status outside `100..=999` is [`Malformed::Status`]. A `1xx` other than `101` is
    ///   an interim response: `Ok(Event::NeedData)`, then give the final head (a `100`
    ///   counts as the server asking for the body, as on the wire).
    /// - HTTP/1.0 and HTTP/1.1 ([`Version::Http10`], [`Version::Http11`]): the framing
    ///   ([`Response::body_length`]) and whether the connection can carry the next request
    ///   ([`Response::keep_alive`], [`Redirect::can_reuse_connection`]) are read from the
    ///   fields, exactly as on the wire: give every field the server sent, `Connection`
    ///   and `Transfer-Encoding` included. If your stack does not tell which HTTP/1 version
    ///   the server spoke, [`Version::Http10`] is the safe answer: the connection is then
    ///   reused only when the server said `Connection: keep-alive`, where
    ///   [`Version::Http11`] assumes it persists (an HTTP/1.0 server that closes without
    ///   saying so would get the next request on a dead connection).
    /// - Give only the fields the server sent: a stack that hands out unused slots with
    ///   empty names (reqwless 0.14 does) must filter them, as an empty name is refused.
    /// - HTTP/2 and HTTP/3: the body ends with the stream ([`BodyLength::EndOfStream`], or
    ///   [`BodyLength::Length`] with a `Content-Length`), and the connection carries the
    ///   next request whenever it goes to the same origin: reuse is a question of origin
    ///   only. A connection-specific field (`Connection`, `Keep-Alive`,
    ///   `Proxy-Connection`, `Transfer-Encoding`, `Upgrade`) is
    ///   [`Malformed::ConnectionSpecific`] and a `101` is [`Malformed::Status`].
    ///
    /// The machine copies the names and values into a buffer of its own (kept from hop
    /// to hop), so the fields need not outlive the call: the events, and
    /// [`Follow::last_response`] and [`Follow::pending_redirect`] afterwards, read that
    /// copy and ignore the `buf` they are given (pass `&[]`). [`Response::head_len`] is
    /// `0` and [`Response::reason`] is empty.
    ///
    /// Feeding both ways for one response is a mistake: once bytes of the current
    /// response were given to [`Follow::handle_response`], this is
    /// [`Error::InvalidState`] and the machine is unchanged. The next response may come
    /// either way.
    ///
    /// ```
    /// use redirects::{Event, Follow, Method, Policy, Request, Version};
    /// let req = Request::new(Method::Post, "https://a.test/form")?
    ///     .header("Authorization", "Bearer t")?;
    /// let mut follow = Follow::new(req, Policy::fetch())?;
    /// // What an HTTP/2 stack handed over: the status and the fields.
    /// let fields = [("location", "https://b.test/done"), ("content-length", "0")];
    /// let Event::Redirect(hop) = follow.handle_head(Version::Http2, 303, fields)? else {
    ///     unreachable!()
    /// };
    /// assert_eq!(hop.request().method(), Method::Get);
    /// assert!(hop.request().header("authorization").is_none()); // another origin
    /// assert!(!hop.can_reuse_connection()); // another origin
    /// let fields: [(&[u8], &[u8]); 0] = [];
    /// let Event::Final(done) = follow.handle_head(Version::Http2, 200, fields)? else {
    ///     unreachable!()
    /// };
    /// assert_eq!(done.url().as_str(), "https://b.test/done");
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn handle_head<I, N, V>(
        &mut self,
        version: Version,
        status: u16,
        fields: I,
    ) -> Result<Event<'_>, Error>
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        self.handle_parsed(Parsed { version, status }, fields, Check::Syntax)
    }

    /// [`Follow::handle_head`], the fields checked as `check` says.
    pub(crate) fn handle_parsed<I, N, V>(
        &mut self,
        parsed: Parsed,
        fields: I,
        check: Check,
    ) -> Result<Event<'_>, Error>
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        self.begin_parsed()?;
        let mut store = core::mem::take(&mut self.parsed);
        let read = self.read_parsed(&mut store, parsed, fields, check);
        self.parsed = store;
        match read {
            Ok(true) => {
                self.connection_rules();
                let decided = self.decide_owned();
                self.event(decided, &[])
            }
            Ok(false) => Ok(Event::NeedData),
            Err(e) => {
                self.state = State::Failed { with_head: false };
                Err(e)
            }
        }
    }

    /// Whether a parsed head may come now: not after bytes of this response, not after the
    /// end (`InvalidState`, nothing changed). A proposed redirect is taken as followed.
    fn begin_parsed(&mut self) -> Result<(), Error> {
        match &self.state {
            State::Reading(scan) if scan.fed() => Err(Error::InvalidState),
            State::Reading(_) => Ok(()),
            State::Proposed(_) => {
                self.state = State::Reading(Scanner::default());
                Ok(())
            }
            _ => Err(Error::InvalidState),
        }
    }

    /// A head the caller's `http` types carry that cannot be read (its version): the
    /// peer's error, after the same state checks as [`Follow::handle_head`].
    #[cfg(feature = "http")]
    pub(crate) fn fail_parsed(&mut self, e: Error) -> Result<Event<'_>, Error> {
        self.begin_parsed()?;
        self.state = State::Failed { with_head: false };
        Err(e)
    }

    /// Copies a parsed head into `store` and `self.head`. `Ok(false)`: it was interim.
    fn read_parsed<I, N, V>(
        &mut self,
        store: &mut Vec<u8>,
        p: Parsed,
        fields: I,
        check: Check,
    ) -> Result<bool, Error>
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        let max_fields = self.policy.max_header_fields();
        let max_size = self.policy.max_head_size();
        let State::Reading(scan) = &self.state else {
            return Err(Error::InvalidState);
        };
        // The interim heads before this one count too, as on the wire: a peer cannot keep
        // the machine waiting for ever with `103`s.
        let earlier = scan.interim_size();
        self.head.start_parsed(store, &p, max_size)?;
        // A value refused before the field that failed is what `httparse` meets first.
        let values_first = |store: &[u8], e: Error| match check {
            Check::Syntax if !Head::values_ok(store) => {
                Error::from(Malformed::Syntax(httparse::Error::HeaderValue))
            }
            _ => e,
        };
        let mut size: usize = earlier;
        // The first fault; past it the fields are only measured (nothing more is copied),
        // as on the wire a head over the size limit is that whatever else is wrong with it.
        let mut fault = None;
        for (name, value) in fields {
            let (name, value) = (name.as_ref(), value.as_ref());
            if fault.is_some() {
                size = size.saturating_add(field_size(name, value));
                continue;
            }
            let room = (max_size - size, max_size);
            match self
                .head
                .push_field(store, name, value, max_fields, check, room)
            {
                Ok(n) => size += n,
                Err(e @ Error::HeadTooLarge { .. }) => return Err(e),
                Err(e) => {
                    size += field_size(name, value);
                    fault = Some(e);
                }
            }
        }
        if let Some(e) = fault {
            if size > max_size {
                return Err(Error::HeadTooLarge { limit: max_size });
            }
            return Err(values_first(store, e));
        }
        if check == Check::Syntax && !Head::values_ok(store) {
            return Err(Malformed::Syntax(httparse::Error::HeaderValue).into());
        }
        p.check_status()?;
        let State::Reading(scan) = &mut self.state else {
            return Err(Error::InvalidState);
        };
        if (100..200).contains(&p.status) && p.status != 101 {
            let size = size + INTERIM_FRAME;
            if size > max_size {
                return Err(Error::HeadTooLarge { limit: max_size });
            }
            scan.interim(p.status, size);
            return Ok(false);
        }
        let continued = scan.continued();
        let head_request = self.method == Method::Head;
        self.head.finish_parsed(store, head_request, continued)?;
        Ok(true)
    }

    /// [`Follow::decide`] for a head in the machine's own copy (given to `handle_head`, or
    /// unfolded): one copy of the decision for every type of fields.
    #[inline(never)]
    fn decide_owned(&mut self) -> Result<Option<Undo>, Error> {
        let store = core::mem::take(&mut self.parsed);
        let decided = self.decide(&store);
        self.parsed = store;
        decided
    }

    /// The request's own part in whether the connection carries another request.
    #[inline]
    fn connection_rules(&mut self) {
        if !self.head.version.is_http1() {
            // A stream of its own: an early answer or the request's fields do not touch
            // the connection (and an HTTP/2 request carries no `Connection`).
            return;
        }
        // The request announced `Expect: 100-continue` and its response came before any
        // `100`: the body was (as far as the machine knows) never sent, and the server may
        // still read it, so the next head would be taken as body (RFC 9110 §10.1.1, RFC
        // 9112 §9.3).
        if self.head.keep_alive && !self.head.continued && self.headers.expects_continue() {
            self.head.keep_alive = false;
        }
        // A request that sent `Connection: close` was the last one on its connection (RFC
        // 9112 §9.6: the client MUST NOT send further requests).
        if self.head.keep_alive && self.headers.announces_close() {
            self.head.keep_alive = false;
        }
    }

    /// The event for a complete head, once decided. Inlined, so the event is built in the
    /// caller's return slot rather than copied there.
    #[inline(always)]
    fn event<'a>(
        &'a mut self,
        decided: Result<Option<Undo>, Error>,
        buf: &'a [u8],
    ) -> Result<Event<'a>, Error> {
        match decided {
            Ok(Some(undo)) => {
                self.state = State::Proposed(undo);
                Ok(Event::Redirect(Redirect::new(self, buf)))
            }
            Ok(None) => {
                self.state = State::Finished;
                Ok(Event::Final(Final::new(self, buf)))
            }
            Err(e) => {
                self.state = State::Failed { with_head: true };
                Err(e)
            }
        }
    }

    /// Applies the policy to the complete head in `self.head`. `Ok(Some(undo))`: a
    /// redirect was taken and the machine now describes the next request.
    ///
    /// Inlined into the byte path (one copy of the decision less per hop) and into
    /// [`Follow::decide_owned`], its only other caller.
    #[inline(always)]
    fn decide(&mut self, buf: &[u8]) -> Result<Option<Undo>, Error> {
        if self.extras.is_some() {
            self.store_cookies(buf);
        }
        let rules = self.policy.rules();
        let status = self.head.status;
        if self.head.location == LocationField::Conflict
            && rules.location_conflict == LocationConflict::OnAnyStatus
        {
            return Err(Error::ConflictingLocation { status });
        }
        if !rules.follows(status) {
            return Ok(None);
        }
        // Fetch, HTTP-redirect fetch: location URL, then scheme, then the limit, then the
        // body, then the method, then the headers.
        let raw = match self.head.location {
            LocationField::Absent => return Ok(None),
            LocationField::Conflict => return Err(Error::ConflictingLocation { status }),
            LocationField::One(span) => span.get(buf),
        };
        let mut next = resolve_location(&self.url, raw)
            .map_err(|error| Error::InvalidLocation { status, error })?;
        rules.normalise(&mut next);
        if rules.inherit_fragment && next.fragment().is_none() {
            if let Some(fragment) = self.url.fragment() {
                next.set_fragment(Some(fragment));
            }
        }
        if !(next.scheme() == self.url.scheme() || self.policy.scheme_allowed(next.scheme()))
            || !next.has_host()
        {
            return Err(Error::SchemeNotAllowed { status });
        }
        // HSTS: what this response says (over https), then the known hosts upgrade the
        // target before any check that depends on its scheme. `location` keeps the URL as
        // the Location gave it when an upgrade changed it: the referrer and the credential
        // rule look at it, as Fetch's redirect step does before main fetch upgrades.
        if let Some(sts) = self.head.sts {
            if self.policy.learn_hsts() && self.url.scheme() == "https" {
                let max = self.policy.max_learned_hsts_hosts();
                self.hsts.learn(&self.url, Some(sts.get(buf)), max);
            }
        }
        let mut location = None;
        let known = self.policy.hsts_hosts();
        if next.scheme() == "http" && !(known.is_empty() && self.hsts.is_empty()) {
            let before = next.clone();
            if hsts::upgrade(known, &self.hsts, &mut next).is_some() {
                location = Some(before);
            }
        }
        if !self.policy.allow_downgrade() && self.url.scheme() == "https" && next.scheme() == "http"
        {
            return Err(Error::InsecureRedirect { status });
        }
        if self.redirects() >= self.policy.max_redirects() {
            return Err(Error::TooManyRedirects {
                limit: self.policy.max_redirects(),
                status,
            });
        }
        // Fetch, HTTP-redirect fetch: a `cors` request may not follow a URL with credentials
        // across origins, nor once its response tainting is `cors`.
        if let Some(x) = self
            .extras
            .as_deref()
            .filter(|x| x.mode == Some(RequestMode::Cors))
        {
            let target = location.as_ref().unwrap_or(&next);
            if includes_credentials(target)
                && (x.cors_tainting || !self.request_origin().same_origin(target))
            {
                return Err(Error::CredentialsInLocation { status });
            }
        }
        let rewrite = rules.rewrite(status, self.method, self.curl, self.policy.post_redirect());
        if self.body == Body::Streamed && rules.streamed_body_fails(status, rewrite.is_some()) {
            return match self.policy.unreplayable_body() {
                UnreplayableBody::Final => Ok(None),
                UnreplayableBody::Error => Err(Error::BodyNotReplayable { status }),
            };
        }
        // Fetch main fetch: a bad port is a network error.
        if let Some(port) = self.policy.port_blocked(&next) {
            return Err(Error::BlockedPort { status, port });
        }
        // Private Network Access: never into a less public space than the chain's.
        let target_space = self
            .policy
            .block_private_targets()
            .then(|| AddressSpace::of_url(&next));
        if let Some(space) = target_space.filter(|&s| s < self.space) {
            return Err(private_target(&next, None, space, self.space, Some(status)));
        }
        // Fetch main fetch: a `same-origin` request to another origin is a network error.
        if self.mode() == Some(RequestMode::SameOrigin) && !self.request_origin().same_origin(&next)
        {
            return Err(Error::CrossOriginRedirect { status });
        }

        // Every check passed: take the redirect.
        let n = self.redirects() + 1;
        let undo = Undo {
            method: self.method,
            body: self.body,
            rule: rewrite.map(|(_, rule)| rule),
            referrer: self.referrer.clone(),
            referrer_policy: self.referrer_policy,
            taint: self.taint,
            curl: self.curl,
        };
        let mut changed = false;
        if let Some((method, _)) = rewrite {
            // Fetch removes the body headers when the method is rewritten; a 303 to a GET
            // or HEAD that carried a body loses it, and its headers with it.
            // Under curl the body source goes too, even an empty one (`-d ''`): its
            // `Content-Length: 0` describes a body the next request does not have.
            let curl_source =
                rules.methods == MethodModel::Curl && self.curl.body != CurlBody::None;
            if method != self.method || self.body != Body::None || curl_source {
                changed |= self.headers.remove_class(
                    rules.dropped_with_body,
                    RemovalReason::BodyDropped,
                    n,
                );
            }
            self.method = method;
            self.body = Body::None;
            // libcurl's request kind is GET after a switch: no body source any more.
            self.curl.body = CurlBody::None;
        }
        let hsts = location
            .is_some()
            .then(|| hsts::source(self.policy.hsts_hosts(), &self.hsts, &next))
            .flatten();
        let url = core::mem::replace(&mut self.url, next);
        self.history.push(HistoryEntry { status, url });
        self.notes = Notes {
            referrer: None,
            hsts: hsts.map(|source| HstsUpgrade { source }),
            space: target_space.map(|target| (target, self.space)),
        };
        changed |= self.recompute_referer(buf, n, location.as_ref());
        changed |= self.apply_origin_taint(n);
        let credential_target = location.as_ref().filter(|_| rules.credentials_before_hsts);
        changed |= self.apply_credential_rule(n, credential_target);
        if self.extras.is_some() {
            changed |= self.apply_extras(n);
        }
        if changed {
            self.headers.render();
        }
        Ok(Some(undo))
    }

    /// The `Referer` of request `n` (going to `self.url`; `location` is its URL before an
    /// HSTS upgrade). Under the referrer-policy rules: the 3xx's `Referrer-Policy` first
    /// (Fetch, "set request's referrer policy on redirect"), then "determine request's
    /// referrer" against the target, whose result is the referrer from then on. Under
    /// curl's: the caller's value stays, or with `;auto` the previous URL.
    fn recompute_referer(&mut self, buf: &[u8], n: u32, location: Option<&Url>) -> bool {
        // No referrer in play and no `Referer` field (and no curl `;auto`): only a
        // `Referrer-Policy` can change.
        let auto = self.policy.auto_referer() && self.policy.rules().referer == RefererRule::Curl;
        if self.referrer == Referrer::Never && !self.headers.referer && !auto {
            if self.head.referrer_policy && self.policy.rules().referer == RefererRule::Policy {
                self.update_referrer_policy(buf);
            }
            return false;
        }
        // What the machine wrote and replaced on an earlier redirect can never come back
        // (only this redirect can be taken back): drop it, so the list does not grow.
        self.headers
            .fields
            .retain(|f| !(f.machine && f.removed.is_some_and(|(_, at)| at < n)));
        match self.policy.rules().referer {
            RefererRule::Curl => {
                // A caller's own `Referer` field is a custom header to curl: sent as it is.
                if self.referrer == Referrer::Removed || self.headers.sends_referer(false) {
                    return false;
                }
                if !self.policy.auto_referer() {
                    // `--referer URL`: the same value on every request.
                    let fixed = self.headers.sends_referer(true);
                    self.notes.referrer = fixed.then_some(ReferrerDecision {
                        policy: self.referrer_policy,
                        sent: ReferrerSent::Url,
                        why: ReferrerWhy::CurlFixed,
                    });
                    return false;
                }
                let Some(mut auto) = referrer::strip(self.url_of_request(n - 1), false) else {
                    return false;
                };
                self.policy.rules().normalise(&mut auto);
                self.headers
                    .remove_machine_class(Class::REFERER, RemovalReason::Recomputed, n);
                self.headers.fields.push(Field::machine(
                    "Referer",
                    auto.as_str().as_bytes(),
                    Class::REFERER,
                    n,
                ));
                self.notes.referrer = Some(ReferrerDecision {
                    policy: self.referrer_policy,
                    sent: ReferrerSent::Url,
                    why: ReferrerWhy::CurlAuto,
                });
                true
            }
            RefererRule::Policy => {
                if self.head.referrer_policy {
                    self.update_referrer_policy(buf);
                }
                // A caller-set `Referer` on the request before is the referrer now.
                let mut changed = false;
                let mut taken = false;
                for f in &mut self.headers.fields {
                    if f.class.has(Class::REFERER) && f.removed.is_none() {
                        // The first caller-set one counts, as on the first request.
                        if !f.machine && !f.withheld && !taken {
                            taken = true;
                            self.referrer = match f.url() {
                                Some(url) => Referrer::Url { url, cut: false },
                                None => Referrer::Omitted,
                            };
                        }
                        f.removed = Some((RemovalReason::Recomputed, n));
                        changed = true;
                    }
                }
                let target = location.unwrap_or(&self.url);
                let policy = self.referrer_policy;
                let (next, sent, why) = match &self.referrer {
                    // `Curl` is the curl rules' only.
                    Referrer::Never | Referrer::Curl => return changed,
                    Referrer::Omitted => (None, ReferrerSent::None, ReferrerWhy::Earlier),
                    Referrer::Removed => (None, ReferrerSent::None, ReferrerWhy::Removed),
                    Referrer::Url { url, cut } => {
                        let (next, sent, why) = referrer::determine(url, policy, target);
                        if *cut && sent == ReferrerSent::Url {
                            (next, ReferrerSent::Origin, ReferrerWhy::Earlier)
                        } else {
                            (next, sent, why)
                        }
                    }
                };
                self.notes.referrer = Some(ReferrerDecision { policy, sent, why });
                self.referrer = match next {
                    Some(url) => {
                        self.headers.fields.push(Field::machine(
                            "Referer",
                            url.as_str().as_bytes(),
                            Class::REFERER,
                            n,
                        ));
                        Referrer::Url {
                            url,
                            cut: sent == ReferrerSent::Origin,
                        }
                    }
                    None => Referrer::Omitted,
                };
                true
            }
        }
    }

    /// Fetch, "set request's referrer policy on redirect": the 3xx's `Referrer-Policy`
    /// fields (last recognised token wins) replace the policy.
    fn update_referrer_policy(&mut self, buf: &[u8]) {
        let values = self.head.values_named(buf, b"referrer-policy");
        self.referrer_policy = policy_from_header(values).unwrap_or(self.referrer_policy);
    }

    /// Judges the redirects not judged yet for the chain's redirect taint (Fetch, "compute
    /// a request's redirect-taint"): each redirect once, so a long chain costs nothing
    /// more per hop. Only while something reads the taint (a request mode, or a
    /// caller-set `Origin`), and until it is cross-site, which it then stays.
    fn judge_taint(&mut self) {
        let n = self.redirects();
        while self.taint_judged < n && self.taint != RedirectTaint::CrossSite {
            self.taint_judged += 1;
            let i = self.taint_judged;
            let hop = hop_taint(
                self.request_origin(),
                self.url_of_request(i - 1),
                self.url_of_request(i),
            );
            self.taint = self.taint.max(hop);
        }
    }

    /// The chain's redirect taint after the redirects followed so far, judged from where
    /// [`Follow::judge_taint`] stopped, changing nothing.
    pub(crate) fn redirect_taint(&self) -> RedirectTaint {
        let mut taint = self.taint;
        for i in self.taint_judged + 1..=self.redirects() {
            let hop = hop_taint(
                self.request_origin(),
                self.url_of_request(i - 1),
                self.url_of_request(i),
            );
            taint = taint.max(hop);
        }
        taint
    }

    /// Without a request mode: once the chain is redirect-tainted, every caller-set
    /// `Origin` (set on the first request or added on a later redirect) is replaced by
    /// `Origin: null` on request `n` and after.
    fn apply_origin_taint(&mut self, n: u32) -> bool {
        // Only a caller-set `Origin` is affected; the taint is a property of the URL list,
        // so it is worked out (once, it never goes away) when there is one.
        if !self.policy.rules().origin_taint || !self.headers.origin {
            return false;
        }
        self.judge_taint();
        if self.taint == RedirectTaint::SameOrigin {
            return false;
        }
        let mut nulled = false;
        for f in &mut self.headers.fields {
            if f.class.has(Class::ORIGIN) && !f.machine && f.removed.is_none() {
                f.removed = Some((RemovalReason::RedirectTainted, n));
                nulled = true;
            }
        }
        let has_null = self
            .headers
            .fields
            .iter()
            .any(|f| f.machine && f.class.has(Class::ORIGIN) && f.removed.is_none());
        if nulled && !has_null {
            self.headers
                .fields
                .push(Field::machine("Origin", b"null", Class::ORIGIN, n));
        }
        nulled
    }

    /// With a request mode: writes the `Origin` of request `n` (Fetch, "append a request
    /// `Origin` header"), replacing the machine's earlier one. Whether anything changed.
    fn apply_mode_origin(&mut self, mode: RequestMode, n: u32) -> bool {
        self.judge_taint();
        let decision = decide_origin(&OriginFacts {
            mode,
            method: self.method,
            cors_tainting: self.extras.as_ref().is_some_and(|x| x.cors_tainting),
            taint: self.taint,
            referrer_policy: self.referrer_policy,
            origin: self.request_origin(),
            url: &self.url,
        });
        if let Some(x) = &mut self.extras {
            x.origin = Some(decision);
        }
        let value = origin_value(decision, self.request_origin());
        self.headers
            .replace_machine("Origin", Class::ORIGIN, &value, n)
    }

    /// The request's origin, resolved.
    fn request_origin(&self) -> RequestOrigin<'_> {
        RequestOrigin::resolve(self.request_origin.as_ref(), self.url_of_request(0))
    }

    /// The URL of request `n` of the chain (0 = the first).
    fn url_of_request(&self, n: u32) -> &Url {
        self.history.get(n as usize).map_or(&self.url, |h| &h.url)
    }

    /// Decides which credentials and which caller-set `Host` go to request `n`. A
    /// credential is compared with the origin of the request it was set for, against the
    /// Location's URL (`location`, before an HSTS upgrade, else `self.url`); a `Host` with
    /// the authority it was set for, against `self.url`. Whether a refused one is removed
    /// for good or withheld from this request only is the rules' credential scope.
    fn apply_credential_rule(&mut self, n: u32, location: Option<&Url>) -> bool {
        if !self.headers.credentials {
            return false;
        }
        let each_request = self.policy.rules().credentials == CredentialScope::EachRequest;
        let mut changed = false;
        for i in 0..self.headers.fields.len() {
            let f = &self.headers.fields[i];
            if !f.live_bound() {
                continue;
            }
            let set_for = self.url_of_request(f.set_for);
            let target = location.unwrap_or(&self.url);
            let (allowed, reason) = if f.class.has(Class::HOST) {
                (
                    same_authority(set_for, &self.url),
                    RemovalReason::OtherAuthority,
                )
            } else if f.class.has(Class::PROXY) {
                (same_origin(set_for, target), RemovalReason::CrossOrigin)
            } else {
                (
                    self.policy.credentials_allowed(set_for, target),
                    RemovalReason::CrossOrigin,
                )
            };
            let f = &mut self.headers.fields[i];
            let was_sent = f.sent();
            if each_request {
                f.withheld = !allowed;
            } else if !allowed {
                f.removed = Some((reason, n));
            }
            changed |= was_sent != f.sent();
        }
        changed
    }

    /// The current response head, read from `buf`, or from the machine's copy of a head
    /// given to [`Follow::handle_head`].
    pub(crate) fn response<'a>(&'a self, buf: &'a [u8]) -> Response<'a> {
        Response {
            head: &self.head,
            buf: if self.head.owned { &self.parsed } else { buf },
        }
    }

    /// What the proposed redirect changed: the request before it. `None` outside
    /// `Proposed`.
    pub(crate) fn undo(&self) -> Option<&Undo> {
        match &self.state {
            State::Proposed(undo) => Some(undo),
            _ => None,
        }
    }

    /// The response head being proposed, for [`Redirect::can_reuse_connection`].
    pub(crate) fn head(&self) -> &Head {
        &self.head
    }

    pub(crate) fn current_body(&self) -> Body {
        self.body
    }

    pub(crate) fn method(&self) -> Method {
        self.method
    }

    pub(crate) fn fields(&self) -> &[Field] {
        &self.headers.fields
    }

    /// `Proposed` -> `Proposed`: adds a header to the proposed request, set for its origin;
    /// nothing changes if the header is invalid or the request would be ambiguous.
    pub(crate) fn append_header(&mut self, name: &str, value: &[u8]) -> Result<(), InvalidRequest> {
        validate_header(name, value)?;
        self.check_mode_edit(name)?;
        self.headers.check_edit(name, value, false)?;
        self.push_header(name, value);
        Ok(())
    }

    /// `Proposed` -> `Proposed`: replaces every field named `name` with `name: value`;
    /// nothing changes if the header is invalid or the request would be ambiguous.
    pub(crate) fn set_header(&mut self, name: &str, value: &[u8]) -> Result<(), InvalidRequest> {
        validate_header(name, value)?;
        self.check_mode_edit(name)?;
        self.headers.check_edit(name, value, true)?;
        self.remove_header(name);
        self.push_header(name, value);
        Ok(())
    }

    /// With a request mode the machine owns `Origin`, with a cookie jar `Cookie`: an edit
    /// of them is refused.
    fn check_mode_edit(&self, name: &str) -> Result<(), InvalidRequest> {
        let Some(x) = &self.extras else {
            return Ok(());
        };
        if x.mode.is_some() && classify(name, false).has(Class::ORIGIN) {
            return Err(InvalidRequest::ModeOwnsOrigin);
        }
        if x.jar.is_some() && name.eq_ignore_ascii_case("cookie") {
            return Err(InvalidRequest::JarOwnsCookie);
        }
        Ok(())
    }

    /// Adds a header the caller gave (already validated), set for the current request.
    fn push_header(&mut self, name: &str, value: &[u8]) {
        let class = classify(name, self.policy.is_extra_credential(name));
        self.headers.fields.push(Field {
            class,
            name: name.into(),
            value: value.into(),
            removed: None,
            withheld: false,
            set_for: self.redirects(),
            machine: false,
        });
        self.headers.render();
    }

    /// `Proposed` -> `Proposed`: removes every field named `name` from the proposed
    /// request and the rest of the chain; returns how many would have been sent. A field
    /// the caller added to this same request is dropped outright (it was never sent), so
    /// repeated edits do not grow the list.
    pub(crate) fn remove_header(&mut self, name: &str) -> usize {
        if self.check_mode_edit(name).is_err() {
            return 0;
        }
        let n = self.redirects();
        // `Referer` is recomputed on every redirect: removing it removes the referrer.
        if classify(name, false).has(Class::REFERER) {
            self.referrer = Referrer::Removed;
        }
        let mut sent = 0;
        self.headers.fields.retain_mut(|f| {
            if f.removed.is_some() || !f.name.eq_ignore_ascii_case(name) {
                return true;
            }
            sent += usize::from(!f.withheld);
            if f.set_for == n && n > 0 {
                return false;
            }
            f.removed = Some((RemovalReason::Caller, n));
            true
        });
        self.headers.render();
        sent
    }

    /// `Proposed` -> `end` (`Finished` or `Failed`): puts the request back as it was
    /// before the redirect. Outside `Proposed`, nothing changes.
    pub(crate) fn take_back(&mut self, end: State) {
        let State::Proposed(undo) = core::mem::replace(&mut self.state, end) else {
            return;
        };
        let n = self.redirects();
        if let Some(prev) = self.history.pop() {
            self.url = prev.url;
        }
        self.method = undo.method;
        self.body = undo.body;
        self.referrer = undo.referrer;
        self.referrer_policy = undo.referrer_policy;
        self.taint = undo.taint;
        if let Some(x) = &mut self.extras {
            // Recomputed for the request restored: cors tainting is whether any request
            // of the chain so far went to another origin than the request's.
            let first = self.history.first().map_or(&self.url, |h| &h.url);
            let origin = RequestOrigin::resolve(self.request_origin.as_ref(), first);
            x.cors_tainting = x.mode == Some(RequestMode::Cors)
                && (self.history.iter().any(|h| !origin.same_origin(&h.url))
                    || !origin.same_origin(&self.url));
            x.origin = None;
            if let Some(c) = &mut x.cookies {
                c.sent = 0;
            }
        }
        self.taint_judged = self.taint_judged.min(self.redirects());
        self.curl = undo.curl;
        self.notes = Notes::default();
        // What the machine wrote for the redirect goes; what it removed comes back.
        self.headers
            .fields
            .retain(|f| !(f.machine && f.set_for == n));
        for f in &mut self.headers.fields {
            if matches!(f.removed, Some((r, at)) if at == n && r != RemovalReason::Caller) {
                f.removed = None;
                // A restored credential is live again: the rule must look at it.
                self.headers.credentials |= f.live_bound();
            }
        }
        // Under `EachRequest` the credentials are decided again for the request restored
        // (curl decides against its URL); under `UntilRefused` restoring what was removed
        // on this redirect is exact.
        if self.policy.rules().credentials == CredentialScope::EachRequest {
            self.apply_credential_rule(n, None);
        }
        self.headers.render();
    }

    /// Gives the chain a cookie jar (RFC 6265bis): from now on every response of the chain
    /// that is not a `1xx` (a `3xx` included) has its `Set-Cookie` fields stored in it
    /// against the URL of the request that received it (never the redirect's target:
    /// Python requests' CVE-2015-2296), and every request, this one included, carries the
    /// `Cookie` the jar gives for its own URL, or none. The jar owns `Cookie`: a
    /// caller-set `Cookie` on the request is [`InvalidRequest::JarOwnsCookie`] (put those
    /// cookies in the jar, where each goes only to the hosts it matches), and so is an
    /// edit of `Cookie` on a redirect. [`Redirect::cookies`] and [`Final::cookies`] say
    /// what the jar did.
    ///
    /// Call it before anything of the first response is fed (else
    /// [`Error::InvalidState`]); get the jar back with [`Follow::take_cookie_jar`] to use
    /// it for the next chain. A jar shared between chains is a type of the caller's that
    /// implements [`CookieJar`] over it (with `std`, `Arc<Mutex<J>>` does).
    ///
    /// ```
    /// use redirects::{Event, Follow, Jar, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/login")?, Policy::fetch())?
    ///     .with_cookie_jar(Jar::new())?;
    /// let bytes = b"HTTP/1.1 302 Found\r\nSet-Cookie: sid=42\r\nLocation: /home\r\n\r\n";
    /// let Event::Redirect(hop) = follow.handle_response(bytes)? else { panic!() };
    /// // Stored against http://a.test/login, sent to http://a.test/home.
    /// assert_eq!(hop.request().header("cookie"), Some(&b"sid=42"[..]));
    /// assert_eq!(hop.cookies().map(|c| (c.stored, c.sent)), Some((1, 1)));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn with_cookie_jar(
        mut self,
        jar: impl CookieJar + Send + Sync + 'static,
    ) -> Result<Follow, Error> {
        let fresh = matches!(&self.state, State::Reading(scan) if !scan.fed() && !scan.headed())
            && self.history.is_empty();
        if !fresh || self.extras.as_ref().is_some_and(|x| x.jar.is_some()) {
            return Err(Error::InvalidState);
        }
        if self
            .headers
            .fields
            .iter()
            .any(|f| !f.machine && f.removed.is_none() && f.name.eq_ignore_ascii_case("cookie"))
        {
            return Err(InvalidRequest::JarOwnsCookie.into());
        }
        let x = self.extras.get_or_insert_with(Box::default);
        x.jar = Some(JarSlot(Box::new(jar)));
        x.cookies = Some(CookieReport::default());
        self.apply_jar_cookie(0);
        self.headers.render();
        Ok(self)
    }

    /// The chain's cookie jar ([`Follow::with_cookie_jar`]), to read or to ask for the
    /// `Cookie` of a request the caller makes itself.
    pub fn cookie_jar_mut(&mut self) -> Option<&mut (dyn CookieJar + Send + Sync + 'static)> {
        let jar = self.extras.as_mut()?.jar.as_mut()?;
        Some(&mut *jar.0)
    }

    /// Takes the cookie jar back (for the next chain); the chain has none from then on.
    pub fn take_cookie_jar(&mut self) -> Option<Box<dyn CookieJar + Send + Sync>> {
        self.extras.as_mut()?.jar.take().map(|j| j.0)
    }

    /// Stores the `Set-Cookie` fields of the complete head (read from `buf`, as
    /// [`Follow::decide`] reads it) against the current URL (the request that received the
    /// response), and notes what the jar did.
    fn store_cookies(&mut self, buf: &[u8]) {
        let Some(Extras {
            jar: Some(JarSlot(jar)),
            cookies,
            ..
        }) = self.extras.as_deref_mut()
        else {
            return;
        };
        // `buf` is what `decide` reads the head from: the caller's bytes, or the machine's
        // own copy of a parsed or unfolded head.
        let mut report = CookieReport::default();
        for value in self.head.values_named(buf, b"set-cookie") {
            report.count(jar.store(&self.url, value));
        }
        *cookies = Some(report);
    }

    /// Writes the jar's `Cookie` for request `n` (to `self.url`), replacing the one it
    /// wrote for the request before. Whether anything changed.
    fn apply_jar_cookie(&mut self, n: u32) -> bool {
        let Some(Extras {
            jar: Some(JarSlot(jar)),
            cookies,
            ..
        }) = self.extras.as_deref_mut()
        else {
            return false;
        };
        let mut value = Vec::new();
        let sent = jar.cookie_header(&self.url, &mut value);
        if let Some(report) = cookies {
            report.sent = u16::try_from(sent).unwrap_or(u16::MAX);
        }
        self.headers
            .replace_machine("Cookie", Class::COOKIE_JAR, &value, n)
    }

    /// Applies the private-target rule to the address the caller is about to connect to
    /// for the current request (the first one, or the one the last redirect proposed):
    /// [`Error::PrivateTarget`] if the policy blocks private targets
    /// ([`Policy::with_block_private_targets`]) and `address` is in a less public space
    /// ([`AddressSpace::of_ip`]) than the chain started in; `Ok` otherwise.
    ///
    /// The machine only sees host names, and a name can resolve anywhere (and resolve
    /// again elsewhere: DNS rebinding). A caller that wants SSRF protection MUST call
    /// this with every address it is about to connect to, before every connection of the
    /// chain, and MUST NOT connect when it fails; it should hand the error to its user as
    /// the end of the chain. The machine's state does not change.
    ///
    /// ```
    /// use redirects::{AddressSpace, Error, Follow, Policy, Request};
    /// let req = Request::get("http://public.example/")?;
    /// let follow = Follow::new(req, Policy::strict())?;
    /// // The name resolved to loopback: refused before any connection.
    /// let err = follow.check_address("127.0.0.1".parse().unwrap()).unwrap_err();
    /// let Error::PrivateTarget(p) = &err else { panic!() };
    /// assert_eq!((p.space, p.chain), (AddressSpace::Local, AddressSpace::Public));
    /// assert!(follow.check_address("93.184.215.14".parse().unwrap()).is_ok());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn check_address(&self, address: IpAddr) -> Result<(), Error> {
        let space = AddressSpace::of_ip(address);
        if !self.policy.block_private_targets() || space >= self.space {
            return Ok(());
        }
        let status = self.history.last().map(HistoryEntry::status);
        Err(private_target(
            &self.url,
            Some(address),
            space,
            self.space,
            status,
        ))
    }

    /// How the current request's `Referer` was decided (the first request's, or the one
    /// the last redirect proposed): as [`Redirect::referrer_decision`].
    pub fn referrer_decision(&self) -> Option<ReferrerDecision> {
        self.notes.referrer
    }

    /// How the current request's `Origin` was decided (the first request's, or the one
    /// the last redirect proposed), with a request mode ([`Request::mode`]): as
    /// [`Redirect::origin_decision`]. `None` without a mode.
    pub fn origin_decision(&self) -> Option<OriginDecision> {
        self.extras.as_ref()?.origin
    }

    /// What the cookie jar did on the current hop ([`Redirect::cookies`]).
    pub(crate) fn cookie_report(&self) -> Option<CookieReport> {
        self.extras.as_ref()?.cookies
    }

    /// The request mode, if any.
    fn mode(&self) -> Option<RequestMode> {
        self.extras.as_ref()?.mode
    }

    /// The work of a request mode and a cookie jar on redirect `n`, once it is taken (the
    /// referrer and the credentials decided): cors tainting, `Origin`, the jar's `Cookie`.
    /// Whether the header list changed.
    #[cold]
    fn apply_extras(&mut self, n: u32) -> bool {
        let mut changed = false;
        if let Some(mode) = self.mode() {
            let cross = !self.request_origin().same_origin(&self.url);
            if let Some(x) = &mut self.extras {
                // Response tainting `cors` holds for the rest of the chain once set.
                x.cors_tainting |= mode == RequestMode::Cors && cross;
            }
            changed |= self.apply_mode_origin(mode, n);
        }
        if let Some(c) = self.extras.as_mut().and_then(|x| x.cookies.as_mut()) {
            *c = c.of_response();
        }
        changed |= self.apply_jar_cookie(n);
        changed
    }

    /// Whether the current request goes to `https://` because its host is a known HSTS
    /// host (the first request's URL too): as [`Redirect::hsts_upgrade`].
    pub fn hsts_upgrade(&self) -> Option<HstsUpgrade> {
        self.notes.hsts
    }

    /// The address space the chain started in: the one declared with
    /// [`Request::address_space`], else the first URL's host's. Private-target blocking
    /// refuses any request into a less public one.
    pub fn address_space(&self) -> AddressSpace {
        self.space
    }

    /// What the machine decided for the current request (referrer, HSTS).
    pub(crate) fn notes(&self) -> &Notes {
        &self.notes
    }
}

/// The [`Error::PrivateTarget`] for `url` (in `space`, `address` if resolved) from a chain
/// in `chain`.
fn private_target(
    url: &Url,
    address: Option<IpAddr>,
    space: AddressSpace,
    chain: AddressSpace,
    status: Option<u16>,
) -> Error {
    Error::PrivateTarget(Box::new(PrivateTarget {
        host: url.host_str().unwrap_or("").into(),
        address,
        space,
        chain,
        status,
    }))
}

/// The first request of a chain with a request mode: the caller's `Origin` fields go (they
/// only named the request's origin), the machine writes the `Origin` Fetch gives it; a
/// `same-origin` request to another origin is refused (Fetch, main fetch).
#[cold]
fn first_request_mode(
    mode: RequestMode,
    headers: &mut Headers,
    given: Option<&GivenOrigin>,
    url: &Url,
    method: Method,
    referrer_policy: ReferrerPolicy,
) -> Result<Box<Extras>, Error> {
    headers.remove_class(Class::ORIGIN, RemovalReason::RequestMode, 0);
    let origin = RequestOrigin::resolve(given, url);
    let own = origin.same_origin(url);
    if mode == RequestMode::SameOrigin && !own {
        return Err(InvalidRequest::CrossOrigin.into());
    }
    let cors_tainting = mode == RequestMode::Cors && !own;
    let decision = decide_origin(&OriginFacts {
        mode,
        method,
        cors_tainting,
        taint: RedirectTaint::SameOrigin,
        referrer_policy,
        origin,
        url,
    });
    let value = origin_value(decision, origin);
    if !value.is_empty() {
        headers
            .fields
            .push(Field::machine("Origin", &value, Class::ORIGIN, 0));
    }
    Ok(Box::new(Extras {
        mode: Some(mode),
        cors_tainting,
        origin: Some(decision),
        ..Extras::default()
    }))
}

/// The `Origin` value a decision writes (empty: none).
fn origin_value(decision: OriginDecision, origin: RequestOrigin<'_>) -> Vec<u8> {
    let mut value = Vec::new();
    match decision.sent {
        OriginSent::Origin => origin.serialize_into(&mut value),
        OriginSent::Null => value.extend_from_slice(b"null"),
        _ => {}
    }
    value
}

/// Same host and same port (the scheme's default when none is written): what a `Host`
/// field names.
fn same_authority(a: &Url, b: &Url) -> bool {
    a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}
