//! The record of a chain, put in the final response's extensions.

use http::{HeaderName, Method, StatusCode};
use redirects::{
    Follow, HistoryEntry, HstsUpgrade, MethodChange, Redirect, ReferrerDecision, RemovalReason, Url,
};

/// The record of a redirect chain, in the extensions of every response
/// [`FollowRedirect`](crate::FollowRedirect) returns: where the chain ended and what
/// happened on each redirect it followed, owned copies of what the core's
/// [`Redirect`] handle said.
///
/// ```
/// # fn f(response: http::Response<()>) {
/// use redirects_tower::RedirectChain;
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
    /// The record of the chain `follow` ended (finished, or stopped by the hook), with
    /// `taken`, one per redirect followed. The machine's URLs are taken, not copied: hop
    /// `i` leads from the URL that answered redirect `i` to the one that answered the
    /// next response ([`Hop::from`], [`Hop::to`]).
    pub(crate) fn assemble(taken: Vec<Taken>, follow: Follow, stopped: bool) -> RedirectChain {
        let (history, url) = follow.into_history();
        RedirectChain {
            history,
            url,
            taken,
            stopped,
        }
    }

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

    /// Whether the final response is a redirect the hook stopped ([`Action::Stop`](crate::Action::Stop)),
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

/// What a followed redirect's handle said, after the hook's edits; its URLs are the
/// machine's ([`RedirectChain::assemble`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Taken {
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
    /// Copies what the handle says. `status` is the 3xx's, `method` the next request's,
    /// as the `http` types have them.
    pub(crate) fn record(redirect: &Redirect<'_>, status: StatusCode, method: Method) -> Taken {
        Taken {
            status,
            method,
            method_change: redirect.method_change(),
            body_resent: redirect.request().sends_body(),
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

impl std::fmt::Debug for Hop<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
    use redirects::{Event, Policy, Request};

    /// Follows `locations` from `start` (each a `status` redirect), recording each hop as
    /// the layer does; the chain then ends on a `200` or, if `stop`, on one more redirect
    /// the hook stops. Returns the assembled record.
    fn chain_of(start: &str, locations: &[(u16, &str)], stop: Option<&str>) -> RedirectChain {
        let mut follow =
            redirects::Follow::new(Request::get(start).unwrap(), Policy::fetch()).unwrap();
        let mut taken = Vec::new();
        for &(status, location) in locations {
            let head = [("location", location)];
            let Ok(Event::Redirect(hop)) =
                follow.handle_head(redirects::Version::Http11, status, head)
            else {
                panic!("{location}: not a redirect");
            };
            let method = Method::from_bytes(hop.request().method().as_str().as_bytes()).unwrap();
            taken.push(Taken::record(
                &hop,
                StatusCode::from_u16(status).unwrap(),
                method,
            ));
            hop.follow();
        }
        match stop {
            Some(location) => {
                let head = [("location", location)];
                let Ok(Event::Redirect(hop)) =
                    follow.handle_head(redirects::Version::Http11, 302, head)
                else {
                    panic!("{location}: not a redirect");
                };
                hop.stop();
            }
            None => {
                let none: [(&str, &str); 0] = [];
                let Ok(Event::Final(_)) = follow.handle_head(redirects::Version::Http11, 200, none)
                else {
                    panic!("not final");
                };
            }
        }
        RedirectChain::assemble(taken, follow, stop.is_some())
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
        assert_eq!(chain.hop(1).unwrap().method(), Method::GET);
        assert!(chain.hop(3).is_none());
        let back: Vec<usize> = chain.hops().rev().map(|h| h.index()).collect();
        assert_eq!((back, chain.hops().len()), (vec![2, 1, 0], 3));
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
}
