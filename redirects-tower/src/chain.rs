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
    pub(crate) url: Url,
    pub(crate) hops: Vec<Hop>,
    pub(crate) stopped: bool,
}

impl RedirectChain {
    /// The URL that answered with the final response (with the fragment the chain
    /// inherited, which is never sent).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The redirects followed, oldest first.
    pub fn hops(&self) -> &[Hop] {
        &self.hops
    }

    /// How many redirects were followed.
    pub fn redirects(&self) -> usize {
        self.hops.len()
    }

    /// Whether the final response is a redirect the hook stopped ([`Action::Stop`](crate::Action::Stop)),
    /// rather than a response the policy does not follow.
    pub fn stopped(&self) -> bool {
        self.stopped
    }
}

/// One redirect that was followed: the 3xx, where it came from and led, and what changed
/// on the request it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub(crate) status: StatusCode,
    pub(crate) from: Url,
    pub(crate) to: Url,
    pub(crate) method: Method,
    pub(crate) method_change: Option<MethodChange>,
    pub(crate) body_resent: bool,
    pub(crate) body_dropped: bool,
    pub(crate) removed: Vec<RemovedHeader>,
    pub(crate) referrer: Option<ReferrerDecision>,
    pub(crate) hsts_upgrade: Option<HstsUpgrade>,
}

/// What a followed redirect's handle said, after the hook's edits, before its URLs are
/// known: they come with the machine's history when the chain ends
/// ([`RedirectChain::assemble`]), taken rather than cloned on every hop.
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

impl RedirectChain {
    /// The record of the chain `follow` ended (finished, or stopped by the hook), with
    /// `taken`, one per redirect followed. The machine's history holds the URL that
    /// answered each redirect, oldest first, and its current URL is the final one: hop
    /// `i` leads from history `i` to history `i + 1` (the last to the final URL), so each
    /// URL is kept once and cloned once.
    pub(crate) fn assemble(taken: Vec<Taken>, follow: Follow, stopped: bool) -> RedirectChain {
        let (history, url) = follow.into_history();
        let mut froms = history.into_iter().map(HistoryEntry::into_url).peekable();
        let mut hops = Vec::with_capacity(taken.len());
        for t in taken {
            let Some(from) = froms.next() else { break };
            let to = froms.peek().unwrap_or(&url).clone();
            hops.push(Hop {
                status: t.status,
                from,
                to,
                method: t.method,
                method_change: t.method_change,
                body_resent: t.body_resent,
                body_dropped: t.body_dropped,
                removed: t.removed,
                referrer: t.referrer,
                hsts_upgrade: t.hsts_upgrade,
            });
        }
        RedirectChain { url, hops, stopped }
    }
}

impl Hop {
    /// The redirect status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The URL that answered with the redirect.
    pub fn from(&self) -> &Url {
        &self.from
    }

    /// The URL of the request it led to (after an HSTS upgrade, if any).
    pub fn to(&self) -> &Url {
        &self.to
    }

    /// The method of the request it led to.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The method rewrite, with the rule that made it, if the method changed.
    pub fn method_change(&self) -> Option<MethodChange> {
        self.method_change
    }

    /// Whether the request it led to sent the body again (a replay).
    pub fn body_resent(&self) -> bool {
        self.body_resent
    }

    /// Whether the body was dropped on this redirect.
    pub fn body_dropped(&self) -> bool {
        self.body_dropped
    }

    /// Every header of the first request that the request it led to does not carry, and
    /// why (a credential on another origin, a body header with the body, the hook's
    /// removal, ...).
    pub fn removed_headers(&self) -> &[RemovedHeader] {
        &self.removed
    }

    /// How its `Referer` was decided, if the chain has a referrer.
    pub fn referrer(&self) -> Option<ReferrerDecision> {
        self.referrer
    }

    /// Whether the `Location` went to `http://` on a known HSTS host and the request went
    /// to `https://` instead.
    pub fn hsts_upgrade(&self) -> Option<HstsUpgrade> {
        self.hsts_upgrade
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
            .iter()
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
        assert_eq!(chain.hops()[1].method(), Method::GET);
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
        assert!(chain.hops().is_empty());
        assert_eq!(chain.url().as_str(), "http://a.test/only");
    }
}
