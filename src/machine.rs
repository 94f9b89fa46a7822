//! The redirect machine: its one state value and every transition. What to do with a
//! complete head is decided by [`plan::plan`] (pure); the machine applies the plan, and
//! the headers of each request are the chain's headers' ([`ChainHeaders`]).
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
//! | `Proposed` | `handle_response` with bytes, or `handle_head` | `Err(RedirectNotFollowed)` | `Proposed` |
//! | `Proposed` | `Redirect::follow` | the next request | `Reading` (the next response) |
//! | `Proposed` | `Redirect::stop` | `Final` (the 3xx) | `Finished` |
//! | `Proposed` | `Redirect::refuse` | `Err(Refused)` | `Failed` (head kept) |
//! | `Finished`, `Failed` | `handle_response`, `handle_head` | `Err(InvalidState)` | unchanged |
//!
//! The crate docs draw the same table for users.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::net::IpAddr;

use url::Url;

use crate::address::AddressSpace;
use crate::chain_headers::{ChainHeaders, HopFacts, Urls};
use crate::cookie::{CookieJar, CookieReport};
use crate::error::{Error, InvalidRequest, Malformed};
use crate::head::{
    Check, Head, INTERIM_FRAME, LocationField, Parsed, RequestFacts, Scanner, field_size,
};
use crate::headers::Headers;
use crate::hsts::{HstsHosts, HstsUpgrade};
use crate::method::Method;
use crate::origin::{OriginDecision, RedirectTaint};
use crate::outgoing::OutgoingRequest;
use crate::plan::{self, ChainFacts, HeadFacts, Hop, LocationValue, Plan, private_target};
use crate::policy::Policy;
use crate::referrer::{ReferrerDecision, policy_from_header};
use crate::request::{Body, Request};
#[cfg(doc)]
use crate::response::BodyLength;
use crate::response::{Response, Version};
use crate::rules::{CurlBody, CurlRequest, MethodRule};
use crate::syntax::is_interim;
use crate::views::{Event, Final, HistoryEntry, Redirect};

/// How many history entries are reserved up front (or the limit, if lower), so that
/// following a redirect allocates only the new URL's string in every chain of the default
/// length (DESIGN.md: no allocation per hop but the URL's). A longer chain grows the
/// vector as it goes. (Ten entries, 960 bytes, would fit glibc's per-thread cache of small
/// blocks, which twenty do not, and save about 300 instructions per chain; but then hops
/// 11 to 20 of a chain within the default limit would allocate.)
const HISTORY_RESERVED: u32 = 20;

/// Where the chain is. Exactly one value, changed only in this file.
#[derive(Debug, Clone)]
#[repr(u8)]
pub(crate) enum State {
    /// The current request is out and its response is being read; the scanner remembers
    /// how far. `head` holds nothing the caller can ask for.
    Reading(Scanner),
    /// A redirect was taken and the machine describes the next request; `head` is the 3xx.
    /// Until the caller follows it ([`Redirect::follow`]), no response is read
    /// ([`Error::RedirectNotFollowed`]), so the caller may still edit, stop or refuse it
    /// (through [`Redirect`]); `Undo` restores the request before it.
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
/// [`Redirect::stop`] and [`Redirect::refuse`] restore it (with what the chain's headers
/// keep for it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Undo {
    pub(crate) method: Method,
    pub(crate) body: Body,
    /// The rule that rewrote the method or dropped the body, if one did.
    pub(crate) rule: Option<MethodRule>,
    curl: CurlRequest,
}

/// What the machine decided for the current request beyond method, body and headers:
/// what [`Redirect`] reports.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Notes {
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
///    redirect's body (see [`Response::body_length`]), take the redirect with
///    [`Redirect::follow`], which gives the request to send, send it (on the same
///    connection only if [`Redirect::can_reuse_connection`] and you did what its docs say you
///    MUST have done; otherwise on a new one) and go to 2 with a **new, empty** buffer for
///    the new response. Until the redirect is followed, no response is read
///    ([`Error::RedirectNotFollowed`]): the 3xx's own bytes fed again are never taken for
///    the next response. On [`Event::Final`], the chain is over.
/// 4. An `Err` from `handle_response` whose [`Error::fault`] is the peer's ends the chain;
///    any further `handle_response` is [`Error::InvalidState`]. [`Follow::url`] and
///    [`Follow::history`] still tell where it ended.
///
/// The states and transitions are in the crate docs ("The states").
///
/// Memory: `size_of::<Follow>()` is 920 bytes on x86_64 (`tests/size.rs` checks this figure
/// and bounds it). On the heap: the spans (16 bytes each) of the last response head's
/// fields, reserved for 64 fields (or the policy's lower limit) when the chain starts, so a
/// head of up to 64 fields allocates nothing; a head with more grows them once, up to
/// [`Policy::max_header_fields`] (256 by default: 4 KiB), and is parsed with a scratch
/// array of 32 bytes per field (at most the limit, at most the head's lines) freed right
/// after. Then the request headers (their `Name: value` lines in one buffer, and 48 bytes
/// per field; of a caller field removed on an earlier redirect only its name and reason,
/// for [`Redirect::removed_headers`], once for a run of redirects that each removed the
/// same names) and one
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
    /// The request's fields, referrer, origin, credentials, cookies and mode.
    chain: ChainHeaders,
    history: Vec<HistoryEntry>,
    /// The last complete response head, as spans into the caller's buffer (or into
    /// `parsed`); `state` says whether it describes anything.
    head: Head,
    /// The names and values of the last head given to [`Follow::handle_head`], or of a head
    /// read off the wire with an obsolete line fold, unfolded, one after the other (never
    /// allocated on the byte path otherwise).
    parsed: Vec<u8>,
    state: State,
    /// The HSTS hosts the chain learned (the policy's are searched first).
    hsts: HstsHosts,
    /// The address space the chain started in: set when declared or when private targets
    /// are blocked (the only rule that reads it); otherwise worked out when asked
    /// ([`Follow::address_space`]).
    space: Option<AddressSpace>,
    /// How curl would send the current request (the `curl` rules decide by it).
    curl: CurlRequest,
    notes: Notes,
}

/// What the request announced that the head's meaning reads: whether the connection carries
/// another request is decided there, with the head.
#[inline]
fn request_facts(method: Method, chain: &ChainHeaders) -> RequestFacts {
    RequestFacts {
        head: method == Method::Head,
        expects_continue: chain.headers.expects_continue(),
        closes: chain.headers.announces_close(),
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
            lines,
            fields,
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
        let headers = Headers::new(lines, fields, &policy);
        headers.check_set()?;
        if let Some(port) = policy.port_blocked(&url) {
            return Err(InvalidRequest::BlockedPort { port }.into());
        }
        // The space declared for the chain, or (when blocking needs it) the first URL's.
        let mut space = space;
        if policy.block_private_targets() {
            let own_space = AddressSpace::of_url(&url);
            let chain_space = *space.get_or_insert(own_space);
            // A first URL that names a less public host than the space declared for it:
            // the same refusal a redirect there gets.
            if own_space < chain_space {
                return Err(private_target(&url, None, own_space, chain_space, None));
            }
        }
        let given_referrer = ChainHeaders::given_referrer(referrer.as_deref(), &policy)?;
        // The referrer's decision is made against the URL as given, before any HSTS
        // upgrade (Fetch main fetch: the referrer step first).
        let origin = origin.map(|origin| *origin);
        let mut chain =
            ChainHeaders::on_first_request(headers, given_referrer, origin, &policy, &url);
        // HSTS: a first request to `http://` on a known host goes to `https://` too (the
        // headers the caller set for it go along: they are the caller's for this request).
        let upgraded = plan::upgrade_first(&policy, &mut url);
        if let Some(mode) = mode {
            chain.on_first_mode(mode, &policy, &url, method)?;
        }
        chain.headers.refresh();
        let history = Vec::with_capacity(policy.max_redirects().min(HISTORY_RESERVED) as usize);
        let head = Head::with_field_capacity(policy.max_header_fields());
        Ok(Follow {
            policy,
            method,
            url,
            body,
            chain,
            history,
            head,
            parsed: Vec::new(),
            state: State::Reading(Scanner::default()),
            hsts: HstsHosts::default(),
            space,
            curl,
            notes: Notes {
                hsts: upgraded,
                space: None,
            },
        })
    }

    /// The request to send now: the first one, or the one the last redirect asked for.
    pub fn request(&self) -> OutgoingRequest<'_> {
        OutgoingRequest {
            method: self.method,
            url: &self.url,
            headers: &self.chain.headers,
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

    /// The machine's record, kept when the machine goes: the redirects followed, oldest
    /// first, and the current URL (after the end the final one). A caller that keeps the
    /// chain's URLs past the chain (a record put on the final response) takes them here
    /// rather than cloning each.
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/one")?, Policy::fetch())?;
    /// let Event::Redirect(hop) = follow.handle_response(b"HTTP/1.1 302 Found\r\nLocation: /two\r\n\r\n")?
    /// else { panic!() };
    /// hop.follow();
    /// let Event::Final(_) = follow.handle_response(b"HTTP/1.1 200 OK\r\n\r\n")? else { panic!() };
    /// let (history, last) = follow.into_history();
    /// assert_eq!((history[0].status(), history[0].url().as_str()), (302, "http://a.test/one"));
    /// assert_eq!(last.as_str(), "http://a.test/two");
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn into_history(self) -> (Vec<HistoryEntry>, Url) {
        (self.history, self.url)
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

    /// The head of the last complete response, read again from `buf`: the very buffer
    /// passed to the [`Follow::handle_response`] call that completed it (the same address,
    /// with at least the head's bytes). `None` before any head completed, once a redirect
    /// was followed, or for any other buffer: a copy, or a buffer that moved (a `Vec`
    /// that grew), is not read, as its bytes need not be the head's. A head given to
    /// [`Follow::handle_head`] lives in the machine: `buf` is ignored (pass `&[]`).
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
        let same_buffer = self.head.at == 0
            || (buf.as_ptr() as usize == self.head.at && buf.len() >= self.head.len);
        (complete && same_buffer).then(|| self.response(buf))
    }

    /// The redirect just proposed, again: a [`Redirect`] handle as
    /// [`Follow::handle_response`] gave it, until it is followed ([`Redirect::follow`]),
    /// stopped or refused. `buf` is the buffer that completed the redirect, as for
    /// [`Follow::last_response`]; `None` for any other buffer or in any other state.
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
    /// let bytes = b"HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\n\r\n";
    /// assert!(matches!(follow.handle_response(bytes)?, Event::Redirect(_)));
    /// // Nothing of b.test's response yet; an empty read keeps the decision open.
    /// assert!(matches!(follow.handle_response(b"")?, Event::NeedData));
    /// // Another buffer with the same bytes is not the one that completed the head.
    /// assert!(follow.pending_redirect(&bytes.to_vec()).is_none());
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
                // The 3xx's own bytes fed again, or the next response before the redirect
                // was followed: the machine cannot tell them apart, so neither is read.
                State::Proposed(_) => return Err(self.not_followed()),
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
        let request = request_facts(self.method, &self.chain);
        match scan.feed(buf, &self.policy, request, &mut self.head, &mut self.parsed) {
            Ok(false) => return Ok(Event::NeedData),
            Ok(true) => self.head.at = buf.as_ptr() as usize,
            // The caller's mistake: nothing was consumed, the machine is unchanged.
            Err(e @ Error::BufferShrunk { .. }) => return Err(e),
            Err(e) => {
                self.state = State::Failed { with_head: false };
                return Err(e);
            }
        }
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
    /// let next = hop.follow(); // the request to send
    /// assert_eq!(next.url().as_str(), "https://b.test/done");
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
    /// end (`InvalidState`), not before a proposed redirect is followed
    /// (`RedirectNotFollowed`); nothing changed.
    fn begin_parsed(&mut self) -> Result<(), Error> {
        match &self.state {
            State::Reading(scan) if scan.fed() => Err(Error::InvalidState),
            State::Reading(_) => Ok(()),
            State::Proposed(_) => Err(self.not_followed()),
            _ => Err(Error::InvalidState),
        }
    }

    /// A response fed while a redirect is proposed.
    #[cold]
    fn not_followed(&self) -> Error {
        Error::RedirectNotFollowed {
            status: self.head.status,
        }
    }

    /// [`Redirect::follow`]: the proposed redirect is taken for good; the next bytes fed
    /// are the next response's.
    pub(crate) fn accept(&mut self) {
        if matches!(self.state, State::Proposed(_)) {
            self.state = State::Reading(Scanner::default());
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
        if is_interim(p.status) {
            let size = size + INTERIM_FRAME;
            if size > max_size {
                return Err(Error::HeadTooLarge { limit: max_size });
            }
            scan.interim(p.status, size);
            return Ok(false);
        }
        let continued = scan.continued();
        let request = request_facts(self.method, &self.chain);
        self.head.finish_parsed(store, request, continued)?;
        Ok(true)
    }

    /// [`Follow::decide`] for a head in the machine's own copy (given to `handle_head`, or
    /// unfolded): one copy of the decision for every type of fields.
    #[inline(never)]
    fn decide_owned(&mut self) -> Result<bool, Error> {
        let store = core::mem::take(&mut self.parsed);
        let decided = self.decide(&store);
        self.parsed = store;
        decided
    }

    /// The event for a complete head, once decided. Inlined, so the event is built in the
    /// caller's return slot rather than copied there.
    #[inline(always)]
    fn event<'a>(
        &'a mut self,
        decided: Result<bool, Error>,
        buf: &'a [u8],
    ) -> Result<Event<'a>, Error> {
        match decided {
            // `decide` made the state `Proposed`.
            Ok(true) => Ok(Event::Redirect(Redirect::new(self, buf))),
            Ok(false) => {
                self.state = State::Finished;
                Ok(Event::Final(Final::new(self, buf)))
            }
            Err(e) => {
                self.state = State::Failed { with_head: true };
                Err(e)
            }
        }
    }

    /// Decides on the complete head in `self.head` ([`plan::plan`]) and applies the plan:
    /// `Ok(true)` when a redirect was taken, the state is `Proposed` and the machine
    /// describes the next request.
    ///
    /// Inlined into the byte path (one copy of the decision less per hop) and into
    /// [`Follow::decide_owned`], its only other caller.
    #[inline(always)]
    fn decide(&mut self, buf: &[u8]) -> Result<bool, Error> {
        if self.chain.has_extras() {
            let cookies = self.head.values_named(buf, b"set-cookie");
            self.chain.on_response_cookies(&self.url, cookies);
        }
        let head = HeadFacts {
            status: self.head.status,
            location: match self.head.meaning.location {
                LocationField::Absent => LocationValue::Absent,
                LocationField::One(span) => LocationValue::One(span.get(buf)),
                LocationField::Conflict => LocationValue::Conflict,
            },
            sts: self.head.meaning.sts.map(|span| span.get(buf)),
        };
        let first = self.first_url();
        let chain = ChainFacts {
            url: &self.url,
            method: self.method,
            body: self.body,
            curl: self.curl,
            redirects: self.history.len() as u32,
            space: self.space,
            learned: &self.hsts,
            mode: self.chain.mode_facts(first),
        };
        match plan::plan(&self.policy, &chain, &head)? {
            Plan::Final => Ok(false),
            Plan::Follow(hop) => {
                self.follow(hop, buf);
                Ok(true)
            }
        }
    }

    /// Applies a plan to follow: the next request's method, body, URL and headers, the
    /// hosts learned, the history; the state becomes `Proposed`.
    #[inline(always)]
    fn follow(&mut self, hop: Hop, buf: &[u8]) {
        let rules = self.policy.rules();
        if let Some(lesson) = hop.lesson {
            let max = self.policy.max_learned_hsts_hosts();
            self.hsts.learn_lesson(&self.url, lesson, max);
        }
        let undo = Undo {
            method: self.method,
            body: self.body,
            rule: hop.rewrite.map(|(_, rule)| rule),
            curl: self.curl,
        };
        let mut body_dropped = None;
        if let Some((method, _)) = hop.rewrite {
            // Fetch removes the body headers when the method is rewritten; a 303 to a GET
            // or HEAD that carried a body loses it, and its headers with it.
            if rules.drops_body_headers(self.method, method, self.body, self.curl) {
                body_dropped = Some(rules.dropped_with_body);
            }
            self.method = method;
            self.body = Body::None;
            // libcurl's request kind is GET after a switch: no body source any more.
            self.curl.body = CurlBody::None;
        }
        let status = self.head.status;
        let url = core::mem::replace(&mut self.url, hop.next);
        self.history.push(HistoryEntry { status, url });
        self.notes = Notes {
            hsts: hop.hsts,
            space: hop.space.zip(self.space),
        };
        let referrer_policy =
            if self.head.meaning.referrer_policy.is_some() && rules.reads_referrer_policy() {
                policy_from_header(self.head.referrer_policy_values(buf))
            } else {
                None
            };
        self.chain.on_redirect(&HopFacts {
            policy: &self.policy,
            urls: Urls {
                history: &self.history,
                current: &self.url,
            },
            location: hop.location.as_deref(),
            method: self.method,
            body_dropped,
            referrer_policy,
        });
        self.state = State::Proposed(undo);
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

    pub(crate) fn headers(&self) -> &Headers {
        &self.chain.headers
    }

    /// The chain's URLs: the history and the current URL.
    fn urls(&self) -> Urls<'_> {
        Urls {
            history: &self.history,
            current: &self.url,
        }
    }

    /// The chain's redirect taint after the redirects followed so far.
    pub(crate) fn redirect_taint(&self) -> RedirectTaint {
        self.chain.redirect_taint(self.urls())
    }

    /// `Proposed` -> `Proposed`: adds a header to the proposed request, set for its origin;
    /// nothing changes if the header is invalid or the request would be ambiguous.
    pub(crate) fn append_header(&mut self, name: &str, value: &[u8]) -> Result<(), InvalidRequest> {
        let n = self.redirects();
        self.chain.append_header(&self.policy, n, name, value)
    }

    /// `Proposed` -> `Proposed`: replaces every field named `name` with `name: value`;
    /// nothing changes if the header is invalid or the request would be ambiguous.
    pub(crate) fn set_header(&mut self, name: &str, value: &[u8]) -> Result<(), InvalidRequest> {
        let n = self.redirects();
        self.chain.set_header(&self.policy, n, name, value)
    }

    /// `Proposed` -> `Proposed`: removes every field named `name` from the proposed
    /// request and the rest of the chain; returns how many would have been sent.
    pub(crate) fn remove_header(&mut self, name: &str) -> usize {
        let n = self.redirects();
        self.chain.remove_header(n, name)
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
        self.curl = undo.curl;
        self.notes = Notes::default();
        let urls = Urls {
            history: &self.history,
            current: &self.url,
        };
        self.chain.on_take_back(&self.policy, urls, n);
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
        if !fresh {
            return Err(Error::InvalidState);
        }
        self.chain.on_cookie_jar(Box::new(jar), &self.url, 0)?;
        Ok(self)
    }

    /// The chain's cookie jar ([`Follow::with_cookie_jar`]), to read or to ask for the
    /// `Cookie` of a request the caller makes itself.
    pub fn cookie_jar_mut(&mut self) -> Option<&mut (dyn CookieJar + Send + Sync + 'static)> {
        self.chain.cookie_jar_mut()
    }

    /// Takes the cookie jar back (for the next chain); the chain has none from then on.
    pub fn take_cookie_jar(&mut self) -> Option<Box<dyn CookieJar + Send + Sync>> {
        self.chain.take_cookie_jar()
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
        let chain = self.address_space();
        if !self.policy.block_private_targets() || space >= chain {
            return Ok(());
        }
        let status = self.history.last().map(HistoryEntry::status);
        Err(private_target(
            &self.url,
            Some(address),
            space,
            chain,
            status,
        ))
    }

    /// How the current request's `Referer` was decided (the first request's, or the one
    /// the last redirect proposed): as [`Redirect::referrer_decision`].
    pub fn referrer_decision(&self) -> Option<ReferrerDecision> {
        self.chain.referrer_decision()
    }

    /// How the current request's `Origin` was decided (the first request's, or the one
    /// the last redirect proposed), with a request mode ([`Request::mode`]): as
    /// [`Redirect::origin_decision`]. `None` without a mode.
    pub fn origin_decision(&self) -> Option<OriginDecision> {
        self.chain.origin_decision()
    }

    /// What the cookie jar did on the current hop ([`Redirect::cookies`]).
    pub(crate) fn cookie_report(&self) -> Option<CookieReport> {
        self.chain.cookie_report()
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
        // The first URL's host (an HSTS upgrade changes only the scheme).
        self.space
            .unwrap_or_else(|| AddressSpace::of_url(self.first_url()))
    }

    /// The chain's first URL (after any HSTS upgrade of it).
    fn first_url(&self) -> &Url {
        self.history.first().map_or(&self.url, |h| &h.url)
    }

    /// What the machine decided for the current request (HSTS, address spaces).
    pub(crate) fn notes(&self) -> &Notes {
        &self.notes
    }
}
