//! What the machine hands out: the event of each feed, the handle for a proposed redirect
//! (which offers exactly the decisions that are legal then), the final view, the history.

use url::Url;

use crate::address::AddressSpace;
use crate::cookie::CookieReport;
use crate::drain::Framing;
use crate::error::{Error, InvalidRequest};
use crate::headers::RemovalReason;
use crate::hsts::HstsUpgrade;
use crate::location::same_origin;
use crate::machine::{Follow, State};
use crate::method::Method;
use crate::origin::{OriginDecision, RedirectTaint};
use crate::outgoing::OutgoingRequest;
use crate::referrer::ReferrerDecision;
use crate::request::Body;
use crate::response::Response;
use crate::rules::MethodRule;

/// What to do after [`Follow::handle_response`] or [`Follow::handle_head`].
#[derive(Debug)]
#[must_use]
pub enum Event<'a> {
    /// From [`Follow::handle_response`]: the head is not complete, read more bytes and call
    /// again with all of them. From [`Follow::handle_head`]: that head was an interim `1xx`,
    /// give the next head of the same response.
    NeedData,
    /// The response is a redirect that the policy follows: the next request is ready, and
    /// the handle offers the decisions the caller may still take.
    Redirect(Redirect<'a>),
    /// The response is final: the chain is over.
    Final(Final<'a>),
}

/// One redirect that was followed: the status and the URL that answered with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub(crate) status: u16,
    pub(crate) url: Url,
}

impl HistoryEntry {
    /// The redirect status: one the profile follows (301, 302, 303, 307, 308 under
    /// `fetch` and `strict`; any 3xx under `curl`).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The URL that answered with the redirect.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The URL that answered with the redirect, kept (see [`Follow::into_history`]).
    ///
    /// [`Follow::into_history`]: crate::Follow::into_history
    pub fn into_url(self) -> Url {
        self.url
    }
}

/// A method rewrite on a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodChange {
    /// The method before the redirect.
    pub from: Method,
    /// The method after it.
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
    pub redirect: u32,
    /// `true` if it was removed on an earlier redirect of the chain (it stays removed, even
    /// if the chain comes back to the first origin), `false` if on this one.
    pub earlier: bool,
}

/// A redirect the policy follows, proposed to the caller: the response that asked for it,
/// the request to send next, what changed between the two, and the decisions the caller
/// may still take until it follows the redirect.
///
/// The handle borrows the machine, so it is the only way to act on the redirect while it
/// lives: edit the next request ([`Redirect::set_header`], [`Redirect::append_header`],
/// [`Redirect::remove_header`]), take the 3xx as final ([`Redirect::stop`]) or fail with
/// your own reason ([`Redirect::refuse`]), or take it ([`Redirect::follow`], which gives the
/// request to send). Until one of the three, [`Follow::pending_redirect`] gives the handle
/// back, and no response is read ([`Error::RedirectNotFollowed`]).
///
/// ```
/// use redirects::{Event, Follow, Policy, Request};
/// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
/// let response = b"HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\n\r\n";
/// if let Event::Redirect(mut redirect) = follow.handle_response(response)? {
///     // The caller's cookie jar has a cookie for b.test:
///     redirect.set_header("Cookie", "jar=b")?;
///     // Take it: the request to send, edit included.
///     let next = redirect.follow();
///     assert_eq!(next.header("cookie"), Some(&b"jar=b"[..]));
/// }
/// assert_eq!(follow.request().header("cookie"), Some(&b"jar=b"[..]));
/// # Ok::<(), redirects::Error>(())
/// ```
#[derive(Debug)]
pub struct Redirect<'a> {
    m: &'a mut Follow,
    buf: &'a [u8],
}

/// The end of a chain: the final response, where it came from, and how it got there.
#[derive(Debug, Clone, Copy)]
pub struct Final<'a> {
    m: &'a Follow,
    buf: &'a [u8],
}

impl<'a> Redirect<'a> {
    /// Only the machine makes one, in the `Proposed` state.
    pub(crate) fn new(m: &'a mut Follow, buf: &'a [u8]) -> Redirect<'a> {
        Redirect { m, buf }
    }

    /// The redirect response (status, headers such as every `Set-Cookie`, body length).
    pub fn response(&self) -> Response<'_> {
        self.m.response(self.buf)
    }

    /// The request to send next, as it stands (with the caller's edits).
    pub fn request(&self) -> OutgoingRequest<'_> {
        self.m.request()
    }

    /// Which redirect of the chain this is (1 for the first).
    pub fn number(&self) -> u32 {
        self.m.redirects()
    }

    /// The URL that answered with the redirect.
    pub fn from_url(&self) -> &Url {
        // The machine pushed it before handing out the handle.
        self.m.history().last().map_or(self.m.url(), |h| h.url())
    }

    /// The method rewrite on this redirect, if the method changed.
    pub fn method_change(&self) -> Option<MethodChange> {
        let undo = self.m.undo()?;
        let to = self.m.method();
        let rule = undo.rule.filter(|_| undo.method != to)?;
        Some(MethodChange {
            from: undo.method,
            to,
            rule,
        })
    }

    /// The rule that rewrote the method or dropped the body on this redirect, if one did,
    /// even when the method stayed (HEAD on 303; curl's "Stick to PUT instead of GET").
    ///
    /// ```
    /// use redirects::{Body, Event, Follow, Method, MethodRule, Policy, Request};
    /// // Under curl, a DELETE with a body is `curl -X DELETE -d BODY`.
    /// let req = Request::new(Method::Delete, "http://a.test/x")?.body(Body::Replayable);
    /// let mut follow = Follow::new(req, Policy::curl())?;
    /// let bytes = b"HTTP/1.1 301 Moved\r\nLocation: /y\r\n\r\n";
    /// let Event::Redirect(r) = follow.handle_response(bytes)? else { panic!() };
    /// assert_eq!(r.method_rule(), Some(MethodRule::CurlStickToMethod));
    /// assert!(r.body_dropped() && r.method_change().is_none());
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn method_rule(&self) -> Option<MethodRule> {
        self.m.undo()?.rule
    }

    /// Whether the body the caller was sending is dropped on this redirect.
    pub fn body_dropped(&self) -> bool {
        self.m
            .undo()
            .is_some_and(|u| u.body != Body::None && self.m.current_body() == Body::None)
    }

    /// Every header the next request does not carry, with why and when it was removed.
    /// Under the `curl` profile a credential left out of this request only (the chain is
    /// away from its origin) is reported as removed on this redirect. A header the caller
    /// set again ([`Redirect::set_header`], [`Redirect::append_header`]) is carried, so it
    /// is not reported, whatever happened to its earlier values; one the machine writes
    /// in place of the caller's (`Referer`, `Origin: null`) is reported with its reason.
    pub fn removed_headers(&self) -> impl Iterator<Item = RemovedHeader<'_>> + '_ {
        let n = self.m.redirects();
        self.m
            .headers()
            .removed(n)
            .map(move |(name, reason, at)| RemovedHeader {
                name,
                reason,
                redirect: at,
                earlier: at != n,
            })
    }

    /// How the next request's `Referer` was decided: the referrer policy in force (a
    /// `Referrer-Policy` header on this redirect changes it), whether the request carries
    /// the referrer URL, its origin or nothing, and why. `None` when the request has no
    /// referrer at all (none given, or the `curl` rules keep the caller's value).
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, ReferrerSent, ReferrerWhy, Request};
    /// let req = Request::get("https://a.test/")?.referrer("https://a.test/page?token=1")?;
    /// let mut follow = Follow::new(req, Policy::fetch())?;
    /// let bytes = b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://b.test/\r\n\r\n";
    /// let Event::Redirect(redirect) = follow.handle_response(bytes)? else { panic!() };
    /// let decision = redirect.referrer_decision().unwrap();
    /// // https -> http under strict-origin-when-cross-origin: no Referer at all.
    /// assert_eq!((decision.sent, decision.why), (ReferrerSent::None, ReferrerWhy::Downgrade));
    /// assert_eq!(redirect.request().header("referer"), None);
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn referrer_decision(&self) -> Option<ReferrerDecision> {
        self.m.referrer_decision()
    }

    /// With a request mode ([`Request::mode`](crate::Request::mode)): how the next
    /// request's `Origin` was decided (Fetch, "append a request `Origin` header"), what it
    /// carries and why. `None` without a mode.
    ///
    /// ```
    /// use redirects::{Event, Follow, Method, OriginSent, OriginWhy, Policy, Request, RequestMode};
    /// let req = Request::new(Method::Post, "https://api.test/x")?
    ///     .origin("https://app.test")?
    ///     .mode(RequestMode::Cors);
    /// let mut follow = Follow::new(req, Policy::fetch())?;
    /// let bytes = b"HTTP/1.1 307 Temporary Redirect\r\nLocation: https://evil.test/\r\n\r\n";
    /// let Event::Redirect(hop) = follow.handle_response(bytes)? else { panic!() };
    /// let decision = hop.origin_decision().unwrap();
    /// assert_eq!((decision.sent, decision.why), (OriginSent::Null, OriginWhy::RedirectTainted));
    /// assert_eq!(hop.request().header("origin"), Some(&b"null"[..]));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn origin_decision(&self) -> Option<OriginDecision> {
        self.m.origin_decision()
    }

    /// With a cookie jar ([`Follow::with_cookie_jar`]): what it did with this response's
    /// `Set-Cookie` fields (stored against [`Redirect::from_url`]) and how many cookies
    /// the next request's `Cookie` carries. `None` without a jar.
    pub fn cookies(&self) -> Option<CookieReport> {
        self.m.cookie_report()
    }

    /// The chain's redirect taint with this redirect (Fetch, whatwg/fetch#1807): whether
    /// a redirect so far left the request's origin (or site) from a URL not of it. A
    /// cookie jar that applies `SameSite` reads it; anything but
    /// [`RedirectTaint::SameOrigin`] makes `Origin` `null`.
    pub fn redirect_taint(&self) -> RedirectTaint {
        self.m.redirect_taint()
    }

    /// When the policy blocks private targets: the next request's address space (from
    /// its host; the address it resolves to is for [`Follow::check_address`]) and the
    /// space the chain started in. The redirect was followed because the first is not
    /// less public than the second.
    pub fn address_spaces(&self) -> Option<(AddressSpace, AddressSpace)> {
        self.m.notes().space
    }

    /// Whether the Location went to `http://` on a known HSTS host and the next request
    /// goes to `https://` instead, and who said the host requires https.
    pub fn hsts_upgrade(&self) -> Option<HstsUpgrade> {
        self.m.notes().hsts
    }

    /// Whether the next request may go on the connection that carried this redirect: the
    /// next request goes to the same origin (scheme, host, port) and the connection can
    /// carry another request ([`Response::keep_alive`]: persistent, the body's end known,
    /// the framing trustworthy, not a `101`, and not an early answer to a request that
    /// announced `Expect: 100-continue` before any `100 Continue`).
    ///
    /// Even when this is `true`, before writing the next request on that connection the
    /// caller MUST have:
    /// - sent the whole body of the request this redirect answers, if it sent one
    ///   ([`OutgoingRequest::sends_body`]; a body cut short leaves the server reading the
    ///   next head as body), and
    /// - read or discarded the redirect's whole body, exactly as
    ///   [`Response::body_length`] delimits it (bytes after [`Response::head_len`] in the
    ///   buffer count).
    ///
    /// If it has not done both, or when this is `false`, the caller MUST close the
    /// connection and open a new one to [`OutgoingRequest::target`]; when this is `false`
    /// there is no need to read the redirect's body at all (closing discards it). A
    /// [`Drainer`](crate::Drainer) reads it ([`Redirect::framing`] has all it needs). Over HTTP/2 or HTTP/3
    /// ([`Follow::handle_head`]) the unit is the stream: a body not read to its end is
    /// given up by resetting the stream, and the connection goes on.
    pub fn can_reuse_connection(&self) -> bool {
        self.m.head().meaning.keep_alive && same_origin(self.from_url(), self.m.url())
    }

    /// Where the redirect's body starts, how it is delimited and whether the next request
    /// may go on this connection once it is drained ([`Response::head_len`],
    /// [`Response::body_length`], [`Redirect::can_reuse_connection`]), as one plain value:
    /// copy it out before reading the body, and the machine is free again.
    ///
    /// When [`Framing::reuse`] is `false`, do not read the body at all: close the
    /// connection. When it is `true`, drain it ([`Framing::drainer`]) before writing the
    /// next request.
    pub fn framing(&self) -> Framing {
        Framing {
            reuse: self.can_reuse_connection(),
            ..self.response().framing()
        }
    }

    /// Adds a header to the next request, after the ones it has.
    ///
    /// Refused, changing nothing: a name that is not a token or a value with a control
    /// character other than HTAB ([`InvalidRequest::HeaderName`],
    /// [`InvalidRequest::HeaderValue`]); a second `Host` while the chain still has one
    /// (sent, or only withheld from this request under the `curl` profile), or
    /// `Transfer-Encoding` with a `Content-Length` (or the reverse), a `Content-Length`
    /// whose value differs from one the request carries or is not decimal
    /// ([`InvalidRequest::DuplicateHost`],
    /// [`InvalidRequest::ContentLengthWithTransferEncoding`],
    /// [`InvalidRequest::ContentLength`]). To replace a `Host` or a `Content-Length`, use
    /// [`Redirect::set_header`].
    ///
    /// Naming a credential here (for example the `Cookie` your jar holds for the new URL)
    /// is your decision: it goes to this request's origin, and the policy's rule applies
    /// to it from there on.
    pub fn append_header(
        &mut self,
        name: &str,
        value: impl AsRef<[u8]>,
    ) -> Result<(), InvalidRequest> {
        self.m.append_header(name, value.as_ref())
    }

    /// Removes every field named `name` (case-insensitive) from the next request and the
    /// rest of the chain; returns how many the next request would have carried.
    pub fn remove_header(&mut self, name: &str) -> usize {
        self.m.remove_header(name)
    }

    /// Replaces every field named `name` with one field `name: value`
    /// ([`Redirect::remove_header`] then [`Redirect::append_header`]). Nothing changes if
    /// the header is invalid or the request would be ambiguous (as for
    /// [`Redirect::append_header`], the fields it replaces aside: setting `Host` is always
    /// fine, setting `Transfer-Encoding` while `Content-Length` is sent is not).
    ///
    /// Repeated edits do not grow the machine: a field the caller added to this same
    /// proposed request and then replaces or removes is dropped outright.
    pub fn set_header(
        &mut self,
        name: &str,
        value: impl AsRef<[u8]>,
    ) -> Result<(), InvalidRequest> {
        self.m.set_header(name, value.as_ref())
    }

    /// Declines the redirect: the 3xx becomes the final response, as if the policy had not
    /// followed it. [`Follow::url`], [`Follow::history`] and [`Follow::redirects`] go back
    /// to before it.
    ///
    /// ```
    /// use redirects::{Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
    /// let response = b"HTTP/1.1 301 Moved\r\nLocation: http://elsewhere.test/\r\n\r\n";
    /// let Event::Redirect(redirect) = follow.handle_response(response)? else { panic!() };
    /// let done = if redirect.request().url().host_str() != Some("a.test") {
    ///     redirect.stop() // hand the 301 to the user instead
    /// } else {
    ///     unreachable!()
    /// };
    /// assert_eq!((done.response().status(), done.url().as_str()), (301, "http://a.test/"));
    /// assert!(follow.is_finished());
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn stop(self) -> Final<'a> {
        self.m.take_back(State::Finished);
        Final::new(self.m, self.buf)
    }

    /// Takes the redirect: the answer is the request to send next (the one
    /// [`Follow::request`] gives from now on). Send it (on the same connection only if
    /// [`Redirect::can_reuse_connection`]), then feed its response, in a new buffer or the
    /// old one emptied, to [`Follow::handle_response`] (or its head to
    /// [`Follow::handle_head`]). Until the redirect is followed the machine reads no
    /// response: feeding one is [`Error::RedirectNotFollowed`], so the 3xx's own bytes fed
    /// again are never taken for the next response, while a server that sends the same
    /// bytes twice is still followed twice.
    ///
    /// ```
    /// use redirects::{Error, Event, Follow, Policy, Request};
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
    /// let bytes = b"HTTP/1.1 302 Found\r\nLocation: /again\r\n\r\n";
    /// let Event::Redirect(hop) = follow.handle_response(bytes)? else { panic!() };
    /// drop(hop);
    /// // Fed again before it is followed: refused, nothing changed.
    /// let err = follow.handle_response(bytes).unwrap_err();
    /// assert_eq!(err, Error::RedirectNotFollowed { status: 302 });
    /// assert_eq!((err.status(), err.fault()), (Some(302), redirects::Fault::Caller));
    /// let next = follow.pending_redirect(bytes).expect("still proposed").follow();
    /// assert_eq!(next.url().as_str(), "http://a.test/again");
    /// // The same bytes from the server again: the next redirect.
    /// let Event::Redirect(hop) = follow.handle_response(bytes)? else { panic!() };
    /// assert_eq!(hop.number(), 2);
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn follow(self) -> OutgoingRequest<'a> {
        let m = self.m;
        m.accept();
        let m: &'a Follow = m;
        m.request()
    }

    /// Declines the redirect with the caller's own reason: the chain ends with
    /// [`Error::Refused`], returned for the caller to pass on. [`Follow::url`] and
    /// [`Follow::history`] go back to before it; [`Follow::last_response`] still gives the
    /// 3xx.
    pub fn refuse(self, reason: &'static str) -> Error {
        let status = self.m.head().status;
        self.m.take_back(State::Failed { with_head: true });
        Error::Refused { status, reason }
    }
}

impl<'a> Final<'a> {
    pub(crate) fn new(m: &'a Follow, buf: &'a [u8]) -> Final<'a> {
        Final { m, buf }
    }

    /// The final response.
    pub fn response(&self) -> Response<'a> {
        self.m.response(self.buf)
    }

    /// The URL that answered with it.
    pub fn url(&self) -> &'a Url {
        self.m.url()
    }

    /// With a cookie jar ([`Follow::with_cookie_jar`]): what it did with the final
    /// response's `Set-Cookie` fields (stored against [`Final::url`]; `sent` is 0).
    pub fn cookies(&self) -> Option<CookieReport> {
        self.m.cookie_report()
    }

    /// Where the final body starts, how it is delimited and whether the connection can
    /// carry another request after it, as one plain value ([`Response::framing`]).
    pub fn framing(&self) -> Framing {
        self.response().framing()
    }

    /// How many redirects were followed to get here.
    pub fn redirects(&self) -> u32 {
        self.m.redirects()
    }

    /// The redirects followed, oldest first.
    pub fn history(&self) -> &'a [HistoryEntry] {
        self.m.history()
    }
}
