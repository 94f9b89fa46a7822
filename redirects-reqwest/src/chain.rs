//! The record of a chain, put in the final response's extensions.

use http::{HeaderName, Method, StatusCode};
use redirects::{HstsUpgrade, MethodChange, Redirect, ReferrerDecision, RemovalReason, Url};

/// The record of a redirect chain, in the extensions of every response
/// [`FollowRedirects`](crate::FollowRedirects) returns: where the chain ended and what
/// happened on each redirect it followed, owned copies of what the core's
/// [`Redirect`] handle said.
///
/// ```
/// # fn f(response: reqwest::Response) {
/// use redirects_reqwest::RedirectChain;
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

impl Hop {
    /// Copies what the handle says, after the hook's edits.
    /// `status` is the 3xx's, `method` the next request's, as the `http` types have them.
    pub(crate) fn record(redirect: &Redirect<'_>, status: StatusCode, method: Method) -> Hop {
        let next = redirect.request();
        Hop {
            status,
            from: redirect.from_url().clone(),
            to: next.url().clone(),
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
