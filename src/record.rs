//! The record of a redirect chain as `http` types (feature `http`), for a client that puts
//! it on the final response, as the layers of this repository do (`redirects-tower`,
//! `redirects-reqwest`, `redirects-ureq` re-export these types): where the chain ended and
//! what happened on each redirect it followed.
//!
//! A [`Recorder`] takes what each followed redirect's [`Redirect`] handle says (after the
//! caller's edits), and [`Recorder::finish`] takes the machine's own URLs when the chain
//! ends ([`Follow::into_history`]): nothing is cloned per hop.
//!
//! ```
//! use redirects::record::Recorder;
//! use redirects::{Event, Follow, Policy, Request, Version};
//!
//! let mut follow = Follow::new(Request::get("http://a.test/one")?, Policy::fetch())?;
//! let mut recorder = Recorder::new();
//! let Event::Redirect(hop) = follow.handle_head(Version::Http11, 302, [("location", "/two")])?
//! else { panic!() };
//! recorder.record(&hop, http::Method::GET);
//! hop.follow();
//! let none: [(&str, &str); 0] = [];
//! let Event::Final(_) = follow.handle_head(Version::Http11, 200, none)? else { panic!() };
//! let chain = recorder.finish(follow, false);
//! let hop = chain.hop(0).expect("one redirect");
//! assert_eq!((hop.status().as_u16(), hop.from().as_str()), (302, "http://a.test/one"));
//! assert_eq!(hop.to(), chain.url());
//! assert_eq!(chain.url().as_str(), "http://a.test/two");
//! # Ok::<(), redirects::Error>(())
//! ```

use alloc::vec::Vec;
use core::fmt;

use http::{HeaderName, Method, StatusCode};

use crate::{
    Follow, HistoryEntry, HstsUpgrade, MethodChange, Redirect, ReferrerDecision, RemovalReason, Url,
};

/// Records a chain as it is followed: [`Recorder::record`] on each redirect taken,
/// [`Recorder::finish`] when it ends.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    taken: Vec<Taken>,
}

impl Recorder {
    /// A recorder with no redirect yet (allocates nothing until the first).
    pub fn new() -> Recorder {
        Recorder::default()
    }

    /// Records a redirect that is being followed, whose next request goes with `method`
    /// (the `http` form of [`OutgoingRequest::method`](crate::OutgoingRequest::method), as
    /// the caller built it): call it after the caller's edits and before
    /// [`Redirect::follow`].
    pub fn record(&mut self, redirect: &Redirect<'_>, method: Method) {
        self.taken.push(Taken::record(redirect, method));
    }

    /// How many redirects were recorded.
    pub fn redirects(&self) -> usize {
        self.taken.len()
    }

    /// The record of the chain `follow` ended: with a final response, or on a redirect
    /// the caller stopped (`stopped`).
    pub fn finish(self, follow: Follow, stopped: bool) -> RedirectChain {
        let (history, url) = follow.into_history();
        RedirectChain {
            history,
            url,
            taken: self.taken,
            stopped,
        }
    }
}

/// The record of a redirect chain: where it ended and what happened on each redirect it
/// followed.
///
/// ```
/// # fn f(response: http::Response<()>) {
/// use redirects::record::RedirectChain;
/// let chain = response.extensions().get::<RedirectChain>().expect("always there");
/// for hop in chain.hops() {
///     println!("{} {} -> {} {}", hop.status(), hop.from(), hop.method(), hop.to());
///     for removed in hop.removed_headers() {
///         println!("  without {} ({:?})", removed.name(), removed.reason());
///     }
/// }
/// println!("final URL {}", chain.url());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectChain {
    /// The machine's history: the URL that answered each redirect followed (and its
    /// status), oldest first.
    history: Vec<HistoryEntry>,
    /// The URL that answered the final response.
    url: Url,
    /// What each redirect followed changed, in the same order.
    taken: Vec<Taken>,
    stopped: bool,
}

impl RedirectChain {
    /// The URL that answered with the final response (with the fragment the chain
    /// inherited, which is never sent).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The redirects followed, oldest first.
    pub fn hops(&self) -> Hops<'_> {
        Hops {
            chain: self,
            next: 0,
            end: self.redirects(),
        }
    }

    /// The `i`-th redirect followed (from 0), if there were that many.
    pub fn hop(&self, i: usize) -> Option<Hop<'_>> {
        (i < self.redirects()).then_some(Hop { chain: self, i })
    }

    /// How many redirects were followed.
    pub fn redirects(&self) -> usize {
        self.taken.len().min(self.history.len())
    }

    /// Whether the final response is a redirect the caller stopped ([`Redirect::stop`]),
    /// rather than a response the policy does not follow.
    pub fn stopped(&self) -> bool {
        self.stopped
    }
}

/// The redirects of a [`RedirectChain`], oldest first.
#[derive(Debug, Clone)]
pub struct Hops<'a> {
    chain: &'a RedirectChain,
    next: usize,
    end: usize,
}

impl<'a> Iterator for Hops<'a> {
    type Item = Hop<'a>;

    fn next(&mut self) -> Option<Hop<'a>> {
        (self.next < self.end).then(|| {
            self.next += 1;
            Hop {
                chain: self.chain,
                i: self.next - 1,
            }
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Hops<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        (self.next < self.end).then(|| {
            self.end -= 1;
            Hop {
                chain: self.chain,
                i: self.end,
            }
        })
    }
}

impl ExactSizeIterator for Hops<'_> {}

/// What a followed redirect's handle said, after the caller's edits; its URLs are the
/// machine's ([`Recorder::finish`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Taken {
    status: StatusCode,
    method: Method,
    method_change: Option<MethodChange>,
    body_resent: bool,
    body_dropped: bool,
    removed: Vec<RemovedHeader>,
    referrer: Option<ReferrerDecision>,
    hsts_upgrade: Option<HstsUpgrade>,
}

impl Taken {
    /// Copies what the handle says: the 3xx's status and what changed.
    fn record(redirect: &Redirect<'_>, method: Method) -> Taken {
        let next = redirect.request();
        Taken {
            status: StatusCode::from_u16(redirect.response().status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            method,
            method_change: redirect.method_change(),
            body_resent: next.sends_body(),
            body_dropped: redirect.body_dropped(),
            removed: redirect
                .removed_headers()
                .filter_map(|r| {
                    Some(RemovedHeader {
                        name: HeaderName::from_bytes(r.name.as_bytes()).ok()?,
                        reason: r.reason,
                        earlier: r.earlier,
                    })
                })
                .collect(),
            referrer: redirect.referrer_decision(),
            hsts_upgrade: redirect.hsts_upgrade(),
        }
    }
}

/// One redirect that was followed: the 3xx, where it came from and led, and what changed
/// on the request it asked for. A view into its [`RedirectChain`].
#[derive(Clone, Copy)]
pub struct Hop<'a> {
    chain: &'a RedirectChain,
    /// Below `chain.redirects()`.
    i: usize,
}

impl<'a> Hop<'a> {
    fn taken(&self) -> &'a Taken {
        &self.chain.taken[self.i]
    }

    /// Its place in the chain: 0 for the first redirect.
    pub fn index(&self) -> usize {
        self.i
    }

    /// The redirect status.
    pub fn status(&self) -> StatusCode {
        self.taken().status
    }

    /// The URL that answered with the redirect.
    pub fn from(&self) -> &'a Url {
        self.chain.history[self.i].url()
    }

    /// The URL of the request it led to (after an HSTS upgrade, if any).
    pub fn to(&self) -> &'a Url {
        self.chain
            .history
            .get(self.i + 1)
            .map_or(&self.chain.url, HistoryEntry::url)
    }

    /// The method of the request it led to.
    pub fn method(&self) -> &'a Method {
        &self.taken().method
    }

    /// The method rewrite, with the rule that made it, if the method changed.
    pub fn method_change(&self) -> Option<MethodChange> {
        self.taken().method_change
    }

    /// Whether the request it led to sent the body again (a replay).
    pub fn body_resent(&self) -> bool {
        self.taken().body_resent
    }

    /// Whether the body was dropped on this redirect.
    pub fn body_dropped(&self) -> bool {
        self.taken().body_dropped
    }

    /// Every header of the first request that the request it led to does not carry, and
    /// why (a credential on another origin, a body header with the body, the hook's
    /// removal, ...).
    pub fn removed_headers(&self) -> &'a [RemovedHeader] {
        &self.taken().removed
    }

    /// How its `Referer` was decided, if the chain has a referrer.
    pub fn referrer(&self) -> Option<ReferrerDecision> {
        self.taken().referrer
    }

    /// Whether the `Location` went to `http://` on a known HSTS host and the request went
    /// to `https://` instead.
    pub fn hsts_upgrade(&self) -> Option<HstsUpgrade> {
        self.taken().hsts_upgrade
    }
}

impl fmt::Debug for Hop<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.taken();
        f.debug_struct("Hop")
            .field("status", &t.status)
            .field("from", &self.from().as_str())
            .field("to", &self.to().as_str())
            .field("method", &t.method)
            .field("method_change", &t.method_change)
            .field("body_resent", &t.body_resent)
            .field("body_dropped", &t.body_dropped)
            .field("removed", &t.removed)
            .field("referrer", &t.referrer)
            .field("hsts_upgrade", &t.hsts_upgrade)
            .finish()
    }
}

/// A header a hop's request does not carry, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedHeader {
    pub(crate) name: HeaderName,
    pub(crate) reason: RemovalReason,
    pub(crate) earlier: bool,
}

impl RemovedHeader {
    /// The header name.
    pub fn name(&self) -> &HeaderName {
        &self.name
    }

    /// Why it is not sent.
    pub fn reason(&self) -> RemovalReason {
        self.reason
    }

    /// `true` if an earlier redirect of the chain removed it (it stays removed), `false`
    /// if this one did.
    pub fn earlier(&self) -> bool {
        self.earlier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Event, Policy, Request, Version};
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec;

    /// The redirect `follow` proposes for a `status` head with `location` (panics if it
    /// is not one).
    fn redirect<'f>(follow: &'f mut Follow, status: u16, location: &str) -> Redirect<'f> {
        let head = [("location", location)];
        match follow.handle_head(Version::Http11, status, head) {
            Ok(Event::Redirect(hop)) => hop,
            other => panic!("{status} {location}: not a redirect: {other:?}"),
        }
    }

    /// Feeds the final `200` (panics if it is not final).
    fn end_with_200(follow: &mut Follow) {
        let none: [(&str, &str); 0] = [];
        let Ok(Event::Final(_)) = follow.handle_head(Version::Http11, 200, none) else {
            panic!("not final");
        };
    }

    /// Follows `locations` from `start` (each a `status` redirect), recording each hop;
    /// the chain then ends on a `200` or, if `stop`, on one more redirect the caller
    /// stops.
    fn chain_of(start: &str, locations: &[(u16, &str)], stop: Option<&str>) -> RedirectChain {
        let mut follow = Follow::new(Request::get(start).unwrap(), Policy::fetch()).unwrap();
        let mut recorder = Recorder::new();
        for &(status, location) in locations {
            let hop = redirect(&mut follow, status, location);
            let method = Method::from_bytes(hop.request().method().as_str().as_bytes()).unwrap();
            recorder.record(&hop, method);
            hop.follow();
        }
        match stop {
            Some(location) => {
                redirect(&mut follow, 302, location).stop();
            }
            None => end_with_200(&mut follow),
        }
        assert_eq!(recorder.redirects(), locations.len());
        recorder.finish(follow, stop.is_some())
    }

    fn hops(chain: &RedirectChain) -> Vec<(u16, String, String)> {
        chain
            .hops()
            .map(|h| {
                (
                    h.status().as_u16(),
                    h.from().to_string(),
                    h.to().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn each_hop_leads_from_the_url_before_to_the_one_after() {
        let chain = chain_of(
            "http://a.test/1#f",
            &[(302, "/2"), (307, "http://b.test/3"), (301, "/4#g")],
            None,
        );
        assert_eq!(
            hops(&chain),
            [
                (302, "http://a.test/1#f".into(), "http://a.test/2#f".into()),
                (307, "http://a.test/2#f".into(), "http://b.test/3#f".into()),
                (301, "http://b.test/3#f".into(), "http://b.test/4#g".into()),
            ]
        );
        assert_eq!(chain.url().as_str(), "http://b.test/4#g");
        assert!(!chain.stopped());
        let second = chain.hop(1).unwrap();
        assert_eq!((second.index(), second.method()), (1, &Method::GET));
        assert!(chain.hop(3).is_none());
        let back: Vec<usize> = chain.hops().rev().map(|h| h.index()).collect();
        assert_eq!((back, chain.hops().len()), (vec![2, 1, 0], 3));
        // The count left, from either end.
        let mut it = chain.hops();
        it.next();
        assert_eq!(it.len(), 2);
        it.next_back();
        assert_eq!((it.len(), it.next().map(|h| h.index())), (1, Some(1)));
        assert!(it.next().is_none());
    }

    #[test]
    fn a_stopped_redirect_is_not_a_hop_and_its_url_is_the_final_one() {
        let chain = chain_of("http://a.test/1", &[(303, "/2")], Some("/3"));
        assert_eq!(
            hops(&chain),
            [(303, "http://a.test/1".into(), "http://a.test/2".into())]
        );
        assert_eq!(chain.url().as_str(), "http://a.test/2");
        assert!(chain.stopped());
        // No redirect at all: no hop, the first URL is the final one.
        let chain = chain_of("http://a.test/only", &[], None);
        assert_eq!(chain.hops().len(), 0);
        assert_eq!(chain.url().as_str(), "http://a.test/only");
    }

    #[test]
    fn the_referrer_and_an_hsts_upgrade_are_recorded_per_hop() {
        let policy = Policy::fetch().with_hsts_host("b.test", false).unwrap();
        let first = Request::get("https://a.test/page")
            .unwrap()
            .referrer("https://a.test/from")
            .unwrap();
        let mut follow = Follow::new(first, policy).unwrap();
        let mut recorder = Recorder::new();
        // To http:// on a known HSTS host: the request goes to https://.
        let hop = redirect(&mut follow, 302, "http://b.test/x");
        let (referrer, hsts) = (hop.referrer_decision(), hop.hsts_upgrade());
        assert!(referrer.is_some() && hsts.is_some());
        recorder.record(&hop, Method::GET);
        hop.follow();
        end_with_200(&mut follow);
        let chain = recorder.finish(follow, false);
        let hop = chain.hop(0).unwrap();
        assert_eq!((hop.referrer(), hop.hsts_upgrade()), (referrer, hsts));
        assert_eq!(hop.to().as_str(), "https://b.test/x");
    }

    #[test]
    fn what_each_hop_changed_is_the_handle_s() {
        let first = Request::new(crate::Method::Post, "http://a.test/form")
            .unwrap()
            .header("authorization", "Bearer t")
            .unwrap()
            .header("content-type", "text/plain")
            .unwrap()
            .body(crate::Body::Replayable);
        let mut follow = Follow::new(first, Policy::fetch()).unwrap();
        let mut recorder = Recorder::new();
        // 307 to another origin: the method and body stay, the credential goes.
        let hop = redirect(&mut follow, 307, "http://b.test/x");
        recorder.record(&hop, Method::POST);
        hop.follow();
        // 302: POST becomes GET, the body and its headers go.
        let hop = redirect(&mut follow, 302, "/y");
        recorder.record(&hop, Method::GET);
        hop.follow();
        end_with_200(&mut follow);
        let chain = recorder.finish(follow, false);
        let (a, b) = (chain.hop(0).unwrap(), chain.hop(1).unwrap());
        assert_eq!(
            (
                a.method(),
                a.body_resent(),
                a.body_dropped(),
                a.method_change()
            ),
            (&Method::POST, true, false, None)
        );
        let removed: Vec<_> = a
            .removed_headers()
            .iter()
            .map(|r| (r.name().as_str(), r.reason(), r.earlier()))
            .collect();
        assert_eq!(
            removed,
            [("authorization", RemovalReason::CrossOrigin, false)]
        );
        assert_eq!(
            (b.method(), b.body_resent(), b.body_dropped()),
            (&Method::GET, false, true)
        );
        assert_eq!(
            b.method_change().map(|c| (c.from, c.to)),
            Some((crate::Method::Post, crate::Method::Get))
        );
        let removed: Vec<_> = b
            .removed_headers()
            .iter()
            .map(|r| (r.name().as_str(), r.reason(), r.earlier()))
            .collect();
        assert_eq!(
            removed,
            [
                ("authorization", RemovalReason::CrossOrigin, true),
                ("content-type", RemovalReason::BodyDropped, false),
            ]
        );
        assert!(format!("{a:?}").contains("http://b.test/x"));
    }
}
