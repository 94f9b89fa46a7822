//! The redirect machine: the one place where the chain's state changes.

use alloc::vec::Vec;

use url::Url;

use crate::error::{Error, InvalidRequest};
use crate::head::{Head, LocationField, Response, Scanner};
use crate::location::{resolve_location, same_origin};
use crate::method::Method;
use crate::policy::{Policy, UnreplayableBody};
use crate::request::{
    Body, CLASS_BODY, CLASS_CREDENTIAL, CLASS_FRAMING, CLASS_PROXY, Field, OutgoingRequest,
    RemovalReason, Rendered, Request, classify, validate_header,
};

/// One redirect that was followed: the status and the URL that answered with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    status: u16,
    url: Url,
}

impl Hop {
    /// The redirect status (301, 302, 303, 307 or 308).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The URL that answered with the redirect.
    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// Why the method changed on a hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MethodRule {
    /// 301 or 302 answering a POST: the next request is a GET (Fetch, for historical reasons).
    PostToGet,
    /// 303 See Other: the next request is a GET (unless it was HEAD).
    SeeOther,
}

/// A method rewrite on a hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodChange {
    /// The method before the hop.
    pub from: Method,
    /// The method after it (always GET).
    pub to: Method,
    /// The rule that applied.
    pub rule: MethodRule,
}

/// A header that is not in the next request, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemovedHeader<'a> {
    /// The header name as the caller wrote it.
    pub name: &'a str,
    /// Why it was removed.
    pub reason: RemovalReason,
    /// The redirect (1-based) on which it was removed.
    pub hop: u32,
    /// `true` if it was removed on an earlier hop of the chain (it stays removed, even if
    /// the chain comes back to the first origin), `false` if on this one.
    pub earlier: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// A request is out; its response is being read.
    Reading,
    /// A final response was handed out.
    Done,
    /// A peer error ended the chain.
    Failed,
}

/// What the request was before the last hop: what changed is derived from it, and
/// [`Follow::stop`] restores it.
#[derive(Debug, Clone, Copy)]
struct LastHop {
    prev_method: Method,
    prev_body: Body,
    /// The rule that rewrote the method, if one did.
    rule: Option<MethodRule>,
}

/// The redirect state machine for one chain.
///
/// Calling contract:
/// 1. [`Follow::new`], then send [`Follow::request`] (write its head with
///    [`OutgoingRequest::write_head`], then the body if [`OutgoingRequest::send_body`]).
/// 2. Read the response into a buffer and pass **all bytes read so far for this response**
///    to [`Follow::handle_response`] each time more arrive. The buffer MUST only grow and
///    MUST keep the bytes already passed unchanged; the machine remembers how far it
///    scanned, so feeding is linear however the bytes are split, and the answer is the same
///    for every split.
/// 3. On [`Event::NeedData`], read more and go to 2. On [`Event::Redirect`], drain the
///    redirect's body (see [`Response::body_length`]), send [`Redirect::request`] (on the
///    same connection if [`Redirect::reuse_connection`]) and go to 2 with a **new, empty**
///    buffer for the new response. On [`Event::Final`], the chain is over.
/// 4. An `Err` from `handle_response` that is a peer error ends the chain; any further
///    `handle_response` is [`Error::InvalidState`]. [`Follow::url`] and
///    [`Follow::history`] still tell where it ended.
///
/// Memory: `size_of::<Follow>()` is 2,264 bytes on 64-bit targets (`tests/size.rs` bounds
/// it at 2,304), 1,600 of them the spans (16 bytes each) of up to
/// [`MAX_RESPONSE_HEADERS`](crate::MAX_RESPONSE_HEADERS) response fields; on the heap, the
/// request headers twice (as fields and as rendered lines) and one [`Hop`] (a status and a
/// URL) per redirect followed, bounded by the policy's limit. Capacity for 20 hops (or the
/// limit, if lower) is reserved up front, so following a redirect allocates only the new
/// URL's string.
#[derive(Debug, Clone)]
pub struct Follow {
    policy: Policy,
    method: Method,
    url: Url,
    body: Body,
    fields: Vec<Field>,
    /// `fields` as header lines, rendered again whenever a field's fate changes.
    rendered: Rendered,
    history: Vec<Hop>,
    state: State,
    scan: Scanner,
    head: Head,
    last: LastHop,
    /// A redirect was just taken and no byte of the next response has been fed: the caller
    /// may still edit, stop or refuse it.
    proposed: bool,
    /// `head` describes the last complete response.
    head_ready: bool,
}

/// What to do after [`Follow::handle_response`].
#[derive(Debug)]
#[must_use]
pub enum Event<'a> {
    /// The head is not complete: read more bytes and call again with all of them.
    NeedData,
    /// The response is a redirect that the policy follows: the next request is ready.
    Redirect(Redirect<'a>),
    /// The response is final: the chain is over.
    Final(Final<'a>),
}

/// A redirect that is being followed: the response that asked for it, the request to send
/// next, and what changed between the two.
#[derive(Debug, Clone, Copy)]
pub struct Redirect<'a> {
    m: &'a Follow,
    buf: &'a [u8],
}

/// The end of a chain: the final response, where it came from, and how it got there.
#[derive(Debug, Clone, Copy)]
pub struct Final<'a> {
    m: &'a Follow,
    buf: &'a [u8],
}

impl Follow {
    /// Starts a chain with its first request.
    ///
    /// Fails with [`Error::InvalidRequest`] if the URL's scheme is not allowed by the
    /// policy or the URL has no host.
    pub fn new(request: Request, policy: Policy) -> Result<Follow, Error> {
        let Request {
            method,
            url,
            headers,
            body,
        } = request;
        if !policy.scheme_allowed(url.scheme()) || url.host().is_none() {
            return Err(InvalidRequest::Scheme.into());
        }
        let fields = headers
            .into_iter()
            .map(|(name, value)| Field {
                class: classify(&name, |n| policy.is_extra_credential(n)),
                name,
                value,
                removed: None,
                suppressed: false,
                set_at: 0,
            })
            .collect::<Vec<_>>();
        let mut rendered = Rendered::default();
        rendered.render(&fields);
        // One allocation up front so that following a redirect allocates only the new URL.
        let history = Vec::with_capacity(policy.max_redirects().min(20) as usize);
        Ok(Follow {
            policy,
            method,
            url,
            body,
            fields,
            rendered,
            history,
            state: State::Reading,
            scan: Scanner::default(),
            head: Head::new(),
            last: LastHop {
                prev_method: method,
                prev_body: body,
                rule: None,
            },
            proposed: false,
            head_ready: false,
        })
    }

    /// The request to send now: the first one, or the one the last redirect asked for.
    pub fn request(&self) -> OutgoingRequest<'_> {
        OutgoingRequest {
            method: self.method,
            url: &self.url,
            fields: &self.fields,
            rendered: &self.rendered,
            send_body: self.body != Body::None,
        }
    }

    /// The current URL: the one the outstanding request goes to, or after the end the
    /// final URL (or the URL whose response caused the error).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The redirects followed so far, oldest first.
    pub fn history(&self) -> &[Hop] {
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

    /// The head of the last complete response, read again from `buf`, which MUST be the
    /// buffer passed to the [`Follow::handle_response`] call that completed it. `None`
    /// before any head completed, once bytes of a newer response were fed, or if `buf` is
    /// shorter than that head.
    ///
    /// This is how a caller gets the 3xx after [`Error::BodyNotReplayable`] (to hand it to
    /// its user as the final response), after [`Follow::stop`], or after any other error
    /// about a complete response.
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
        (self.head_ready && buf.len() >= self.head.len).then(|| self.response(buf))
    }

    /// Whether the chain has ended (final response or error).
    pub fn is_finished(&self) -> bool {
        self.state != State::Reading
    }

    /// Feeds the bytes read so far for the current response (see the calling contract on
    /// [`Follow`]).
    ///
    /// The events borrow `buf` and the machine: the response's headers are read straight
    /// out of `buf`, nothing is copied.
    pub fn handle_response<'a>(&'a mut self, buf: &'a [u8]) -> Result<Event<'a>, Error> {
        if self.state != State::Reading {
            return Err(Error::InvalidState);
        }
        self.proposed = false;
        self.head_ready = false;
        let max = self.policy.max_head_size();
        let head_request = self.method == Method::Head;
        match self.scan.feed(buf, max, head_request, &mut self.head) {
            Ok(false) => return Ok(Event::NeedData),
            Ok(true) => {}
            // The caller's mistake: nothing was consumed, the machine is unchanged.
            Err(e @ Error::BufferShrunk { .. }) => return Err(e),
            Err(e) => {
                self.state = State::Failed;
                return Err(e);
            }
        }
        self.scan = Scanner::default();
        self.head_ready = true;
        match self.decide(buf) {
            Ok(true) => {
                self.proposed = true;
                Ok(Event::Redirect(Redirect { m: self, buf }))
            }
            Ok(false) => {
                self.state = State::Done;
                Ok(Event::Final(Final { m: self, buf }))
            }
            Err(e) => {
                self.state = State::Failed;
                Err(e)
            }
        }
    }

    /// Applies the policy to the complete head in `self.head`. `Ok(true)`: a redirect was
    /// taken and the machine now describes the next request.
    fn decide(&mut self, buf: &[u8]) -> Result<bool, Error> {
        let status = self.head.status;
        if self.head.location == LocationField::Conflict && self.policy.conflict_on_any_status() {
            return Err(Error::ConflictingLocation { status });
        }
        if !self.policy.is_redirect(status) {
            return Ok(false);
        }
        // Fetch, HTTP-redirect fetch: location URL, then scheme, then the limit, then the
        // body, then the method, then the headers.
        let raw = match self.head.location {
            LocationField::Absent => return Ok(false),
            LocationField::Conflict => return Err(Error::ConflictingLocation { status }),
            LocationField::One(span) => span.get(buf),
        };
        let mut next = resolve_location(&self.url, raw)
            .map_err(|error| Error::InvalidLocation { status, error })?;
        if self.policy.inherit_fragment() && next.fragment().is_none() {
            if let Some(fragment) = self.url.fragment() {
                next.set_fragment(Some(fragment));
            }
        }
        if !(next.scheme() == self.url.scheme() || self.policy.scheme_allowed(next.scheme()))
            || !next.has_host()
        {
            return Err(Error::SchemeNotAllowed { status });
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
        let rewrite = self.policy.rewrite(status, self.method);
        if self.body == Body::Streamed && self.policy.needs_body(status, rewrite) {
            return match self.policy.unreplayable_body() {
                UnreplayableBody::Final => Ok(false),
                _ => Err(Error::BodyNotReplayable { status }),
            };
        }

        // Every check passed: commit the hop.
        let hop = self.redirects() + 1;
        let mut changed = false;
        let mut last = LastHop {
            prev_method: self.method,
            prev_body: self.body,
            rule: None,
        };
        if let Some(rewrite) = rewrite {
            let method_changed = rewrite.method != self.method;
            if method_changed {
                last.rule = Some(if rewrite.post_to_get {
                    MethodRule::PostToGet
                } else {
                    MethodRule::SeeOther
                });
            }
            // Fetch removes the body headers when the method is rewritten; a 303 to a GET
            // or HEAD that carried a body loses it, and its headers with it.
            if method_changed || self.body != Body::None {
                let class = if self.policy.drops_all_body_headers() {
                    CLASS_BODY
                } else {
                    CLASS_FRAMING
                };
                changed |= self.remove(class, RemovalReason::BodyDropped, hop);
            }
            self.method = rewrite.method;
            self.body = Body::None;
        }
        self.last = last;
        let url = core::mem::replace(&mut self.url, next);
        self.history.push(Hop { status, url });
        changed |= self.apply_credential_rule(hop);
        if changed {
            self.rendered.render(&self.fields);
        }
        Ok(true)
    }

    /// The URL of request `n` of the chain (0 = the first).
    fn url_of_request(&self, n: u32) -> &Url {
        self.history.get(n as usize).map_or(&self.url, |h| &h.url)
    }

    /// Decides which credentials go to `self.url`: each is compared with the origin of the
    /// request it was set for. Fetch removes it for good; curl leaves it out of this
    /// request only.
    fn apply_credential_rule(&mut self, hop: u32) -> bool {
        let live = |f: &Field| f.class & CLASS_CREDENTIAL != 0 && f.removed.is_none();
        if !self.rendered.credentials {
            return false;
        }
        let per_hop = self.policy.credentials_follow_first_origin();
        let mut changed = false;
        for i in 0..self.fields.len() {
            let f = &self.fields[i];
            if !live(f) {
                continue;
            }
            let set_for = self.url_of_request(f.set_at);
            let allowed = if f.class & CLASS_PROXY != 0 {
                same_origin(set_for, &self.url)
            } else {
                self.policy.credentials_allowed(set_for, &self.url)
            };
            let f = &mut self.fields[i];
            let was_sent = f.sent();
            if per_hop {
                f.suppressed = !allowed;
            } else if !allowed {
                f.removed = Some((RemovalReason::CrossOrigin, hop));
            }
            changed |= was_sent != f.sent();
        }
        changed
    }

    /// Removes for good every live field of `class`; whether any was removed.
    fn remove(&mut self, class: u8, reason: RemovalReason, hop: u32) -> bool {
        let mut changed = false;
        for f in &mut self.fields {
            if f.class & class != 0 && f.removed.is_none() {
                f.removed = Some((reason, hop));
                changed = true;
            }
        }
        changed
    }

    /// Fails with [`Error::InvalidState`] unless the current request has not had a
    /// response byte yet.
    fn check_editable(&self) -> Result<(), Error> {
        if self.state == State::Reading && self.scan.is_fresh() {
            Ok(())
        } else {
            Err(Error::InvalidState)
        }
    }

    /// Adds a header to the request to send now (the first one, or the one a redirect just
    /// proposed), after the ones it has. Allowed until the first byte of its response is
    /// fed; [`Error::InvalidState`] after that.
    ///
    /// Naming a credential here (for example the `Cookie` your jar holds for the new URL)
    /// is your decision: it goes to this request's origin, and the policy's rule applies
    /// to it from there on.
    pub fn append_header(&mut self, name: &str, value: impl AsRef<[u8]>) -> Result<(), Error> {
        self.check_editable()?;
        let value = value.as_ref();
        validate_header(name, value)?;
        self.fields.push(Field {
            class: classify(name, |n| self.policy.is_extra_credential(n)),
            name: name.into(),
            value: value.into(),
            removed: None,
            suppressed: false,
            set_at: self.redirects(),
        });
        self.rendered.render(&self.fields);
        Ok(())
    }

    /// Removes every field named `name` (case-insensitive) from the request to send now
    /// and the rest of the chain; returns how many were sent. Same timing as
    /// [`Follow::append_header`].
    pub fn remove_header(&mut self, name: &str) -> Result<usize, Error> {
        self.check_editable()?;
        let hop = self.redirects();
        let mut n = 0;
        for f in &mut self.fields {
            if f.removed.is_none() && f.name.eq_ignore_ascii_case(name) {
                n += usize::from(!f.suppressed);
                f.removed = Some((RemovalReason::Caller, hop));
            }
        }
        self.rendered.render(&self.fields);
        Ok(n)
    }

    /// Replaces every field named `name` with one field `name: value`
    /// ([`Follow::remove_header`] then [`Follow::append_header`]).
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
    /// let response = b"HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\n\r\n";
    /// assert!(matches!(follow.handle_response(response)?, Event::Redirect(_)));
    /// // The caller's cookie jar has a cookie for b.test:
    /// follow.set_header("Cookie", "jar=b")?;
    /// assert_eq!(follow.request().header("cookie"), Some(&b"jar=b"[..]));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn set_header(&mut self, name: &str, value: impl AsRef<[u8]>) -> Result<(), Error> {
        let value = value.as_ref();
        validate_header(name, value)?;
        self.remove_header(name)?;
        self.append_header(name, value)
    }

    /// Declines the redirect just proposed: the 3xx becomes the final response, as if the
    /// policy had not followed it. [`Follow::url`], [`Follow::history`] and
    /// [`Follow::redirects`] go back to before the hop. Only right after
    /// [`Event::Redirect`], before any byte of the next response; otherwise
    /// [`Error::InvalidState`].
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
    /// let response = b"HTTP/1.1 301 Moved\r\nLocation: http://elsewhere.test/\r\n\r\n";
    /// let leave_site = match follow.handle_response(response)? {
    ///     Event::Redirect(r) => r.request().url().host_str() != Some("a.test"),
    ///     _ => false,
    /// };
    /// if leave_site {
    ///     follow.stop()?; // hand the 301 to the user instead
    /// }
    /// assert!(follow.is_finished());
    /// assert_eq!((follow.url().as_str(), follow.redirects()), ("http://a.test/", 0));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn stop(&mut self) -> Result<(), Error> {
        self.undo_hop()?;
        self.state = State::Done;
        Ok(())
    }

    /// Declines the redirect just proposed with the caller's own reason: the chain ends
    /// with [`Error::Refused`], which is returned for the caller to pass on. Same timing as
    /// [`Follow::stop`]; outside it the result is [`Error::InvalidState`].
    pub fn refuse(&mut self, reason: &'static str) -> Error {
        let status = self.head.status;
        match self.undo_hop() {
            Ok(()) => {
                self.state = State::Failed;
                Error::Refused { status, reason }
            }
            Err(e) => e,
        }
    }

    fn undo_hop(&mut self) -> Result<(), Error> {
        if !self.proposed || self.state != State::Reading || !self.scan.is_fresh() {
            return Err(Error::InvalidState);
        }
        let hop = self.redirects();
        let Some(prev) = self.history.pop() else {
            return Err(Error::InvalidState);
        };
        self.proposed = false;
        self.url = prev.url;
        self.method = self.last.prev_method;
        self.body = self.last.prev_body;
        for f in &mut self.fields {
            if matches!(f.removed, Some((r, at)) if at == hop && r != RemovalReason::Caller) {
                f.removed = None;
            }
        }
        // Restored credentials are live again: render first so the rule sees them.
        self.rendered.render(&self.fields);
        if self.apply_credential_rule(hop) {
            self.rendered.render(&self.fields);
        }
        Ok(())
    }

    fn response<'a>(&'a self, buf: &'a [u8]) -> Response<'a> {
        Response {
            head: &self.head,
            buf,
        }
    }
}

impl<'a> Redirect<'a> {
    /// The redirect response (status, headers such as every `Set-Cookie`, body length).
    pub fn response(&self) -> Response<'a> {
        self.m.response(self.buf)
    }

    /// The request to send next.
    pub fn request(&self) -> OutgoingRequest<'a> {
        self.m.request()
    }

    /// Which redirect of the chain this is (1 for the first).
    pub fn number(&self) -> u32 {
        self.m.redirects()
    }

    /// The URL that answered with the redirect.
    pub fn from_url(&self) -> &'a Url {
        // `decide` pushed it before handing out the event.
        self.m.history.last().map_or(&self.m.url, |h| &h.url)
    }

    /// The method rewrite on this hop, if any.
    pub fn method_change(&self) -> Option<MethodChange> {
        let last = &self.m.last;
        last.rule.map(|rule| MethodChange {
            from: last.prev_method,
            to: self.m.method,
            rule,
        })
    }

    /// Whether the body the caller was sending is dropped on this hop.
    pub fn body_dropped(&self) -> bool {
        self.m.last.prev_body != Body::None && self.m.body == Body::None
    }

    /// Every header the next request does not carry, with why and when it was removed.
    /// Under the `curl` profile a credential left out of this hop only (the chain is away
    /// from the first origin) is reported as removed on this hop.
    pub fn removed_headers(&self) -> impl Iterator<Item = RemovedHeader<'a>> + 'a {
        let hop = self.m.redirects();
        self.m.fields.iter().filter_map(move |f| {
            let (reason, at) = match f.removed {
                Some(removed) => removed,
                None if f.suppressed => (RemovalReason::CrossOrigin, hop),
                None => return None,
            };
            Some(RemovedHeader {
                name: &f.name,
                reason,
                hop: at,
                earlier: at != hop,
            })
        })
    }

    /// Whether the next request may go on the same connection: same origin, and the server
    /// keeps the connection open after a body of known length. The caller MUST first read
    /// or discard the redirect's body ([`Response::body_length`]).
    pub fn reuse_connection(&self) -> bool {
        self.m.head.keep_alive && same_origin(self.from_url(), self.m.url())
    }
}

impl<'a> Final<'a> {
    /// The final response.
    pub fn response(&self) -> Response<'a> {
        self.m.response(self.buf)
    }

    /// The URL that answered with it.
    pub fn url(&self) -> &'a Url {
        &self.m.url
    }

    /// How many redirects were followed to get here.
    pub fn redirects(&self) -> u32 {
        self.m.redirects()
    }

    /// The redirects followed, oldest first.
    pub fn history(&self) -> &'a [Hop] {
        &self.m.history
    }
}
