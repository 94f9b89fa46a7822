//! The headers of the chain's requests as a sub-state of their own: the request's fields,
//! the referrer and its policy, the request's origin and the chain's redirect taint, the
//! credential rule, a request mode's `Origin` and a cookie jar's `Cookie`, and the caller's
//! edits of a proposed request, with what taking a redirect back restores.
//!
//! The machine feeds it through its `on_*` methods (the first request, each redirect
//! taken, each response's `Set-Cookie`, a redirect taken back); the URLs of the chain are
//! handed in ([`Urls`]), never kept here.

use alloc::boxed::Box;

use url::Url;

use crate::error::{Error, InvalidRequest};
use crate::headers::{Class, Headers, RemovalReason, classify, validate_header};
use crate::location::same_origin;
use crate::method::Method;
use crate::origin::{GivenOrigin, RedirectTaint, RequestOrigin, hop_taint};
use crate::policy::Policy;
use crate::referrer::{self, ReferrerDecision, ReferrerPolicy, ReferrerSent, ReferrerWhy};
use crate::rules::{CredentialScope, RefererRule};
use crate::views::HistoryEntry;
use extras::Extras;

/// The URLs of the chain: the redirects followed (each with the URL that answered it) and
/// the current request's URL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Urls<'a> {
    pub(crate) history: &'a [HistoryEntry],
    pub(crate) current: &'a Url,
}

impl<'a> Urls<'a> {
    /// The URL of request `n` of the chain (0 = the first).
    pub(crate) fn of_request(self, n: u32) -> &'a Url {
        self.history
            .get(n as usize)
            .map_or(self.current, |h| &h.url)
    }

    /// How many redirects were followed.
    fn redirects(self) -> u32 {
        self.history.len() as u32
    }
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
    /// The caller removed `Referer`: no later request carries one unless the caller sets
    /// it again.
    Removed,
    /// curl's `--referer` value, any header value (not necessarily a URL): the machine's
    /// `Referer` field carries it as given; nothing is computed from it.
    Curl,
}

/// The referrer given with the first request ([`ChainHeaders::given_referrer`]).
#[derive(Debug)]
pub(crate) enum GivenReferrer<'r> {
    None,
    /// curl's `--referer` value.
    Curl(&'r str),
    Url(Url),
}

/// What the proposed redirect changed here beyond the fields (which say themselves when
/// they were written or removed): taking the redirect back restores it.
#[derive(Debug, Clone)]
struct Before {
    /// The referrer before the redirect, once the redirect (or an edit of it) replaced it.
    referrer: Option<Referrer>,
    referrer_policy: ReferrerPolicy,
    taint: RedirectTaint,
}

/// What the chain knows about one redirect it takes, for its headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HopFacts<'a> {
    pub(crate) policy: &'a Policy,
    /// The chain with the redirect: its last history entry answered it, `current` is the
    /// target.
    pub(crate) urls: Urls<'a>,
    /// The Location's URL before an HSTS upgrade changed it.
    pub(crate) location: Option<&'a Url>,
    /// The next request's method.
    pub(crate) method: Method,
    /// The headers that go with a body the redirect drops.
    pub(crate) body_dropped: Option<Class>,
    /// The policy the redirect's `Referrer-Policy` sets, if it sets one.
    pub(crate) referrer_policy: Option<ReferrerPolicy>,
}

/// The headers of the chain's requests (see the module docs).
#[derive(Debug)]
pub(crate) struct ChainHeaders {
    pub(crate) headers: Headers,
    referrer: Referrer,
    referrer_policy: ReferrerPolicy,
    /// How the current request's `Referer` was decided.
    decision: Option<ReferrerDecision>,
    /// The request's origin (Fetch), for redirect-taint, when it is not the first URL's
    /// (`None`).
    request_origin: Option<GivenOrigin>,
    /// The chain's redirect taint, as far as judged (`taint_judged`).
    taint: RedirectTaint,
    /// The redirects judged for taint so far (each once, only while something reads it).
    taint_judged: u32,
    /// A request mode or a cookie jar, with what they decided; `None` for chains with
    /// neither, which pay one pointer and one test per hop for them.
    extras: Option<Box<Extras>>,
    /// What taking the proposed redirect back restores.
    before: Before,
}

impl ChainHeaders {
    /// The referrer given with the first request, read as the rules read it: under curl
    /// the `--referer` string, any header value; under the referrer-policy rules a URL
    /// ([`InvalidRequest::Url`] otherwise).
    pub(crate) fn given_referrer<'r>(
        referrer: Option<&'r str>,
        policy: &Policy,
    ) -> Result<GivenReferrer<'r>, Error> {
        Ok(match referrer {
            None => GivenReferrer::None,
            Some(raw) if policy.rules().referer == RefererRule::Curl => GivenReferrer::Curl(raw),
            Some(raw) => GivenReferrer::Url(Url::parse(raw).map_err(InvalidRequest::Url)?),
        })
    }

    /// The headers of the first request (to `url`, as given, before any HSTS upgrade):
    /// the caller's `fields`, the referrer given with the request
    /// ([`ChainHeaders::given_referrer`]), the request's explicit `origin`. Inlined into
    /// `Follow::new`, which it is part of: the headers are built where the machine keeps
    /// them.
    #[inline(always)]
    pub(crate) fn on_first_request(
        mut headers: Headers,
        referrer: GivenReferrer<'_>,
        origin: Option<GivenOrigin>,
        policy: &Policy,
        url: &Url,
    ) -> ChainHeaders {
        let rules = policy.rules();
        let referrer_policy = policy.referrer_policy();
        // The referrer: a caller-set `Referer` (sent as it is on this request), else the one
        // given with the request. Its decision is made against the URL as given (Fetch main
        // fetch: the referrer step first).
        let header_referrer = headers
            .first_of(Class::REFERER)
            .map(|f| f.url(&headers.buf));
        // The request's origin (Fetch; the vectors' FORMAT.md), in order: the caller's
        // explicit one, the one a caller-set `Origin` names, the referrer's, the first
        // URL's (`None` here: read from the history when needed).
        let request_origin = if rules.origin_taint {
            origin
                .or_else(|| {
                    GivenOrigin::parse(headers.first_of(Class::ORIGIN)?.value(&headers.buf))
                })
                .or_else(|| match (&header_referrer, &referrer) {
                    (Some(Some(u)), _) | (None, GivenReferrer::Url(u)) => {
                        Some(GivenOrigin::Tuple(u.clone()))
                    }
                    _ => None,
                })
        } else {
            None
        };
        let mut decision = None;
        let referrer = match (header_referrer, referrer) {
            (Some(Some(url)), _) => Referrer::Url { url, cut: false },
            (Some(None), _) => Referrer::Omitted,
            (None, GivenReferrer::None) => Referrer::Never,
            (None, GivenReferrer::Curl(raw)) => {
                // curl's `--referer`: sent byte for byte on every request (with `;auto`,
                // on the first one).
                headers.push_machine("Referer", raw.as_bytes(), Class::REFERER, 0);
                decision = Some(ReferrerDecision {
                    policy: referrer_policy,
                    sent: ReferrerSent::Url,
                    why: ReferrerWhy::CurlFixed,
                });
                Referrer::Curl
            }
            (None, GivenReferrer::Url(r)) => {
                let (next, sent, why) = referrer::determine(&r, referrer_policy, url);
                decision = Some(ReferrerDecision {
                    policy: referrer_policy,
                    sent,
                    why,
                });
                match next {
                    Some(next) => {
                        headers.push_machine(
                            "Referer",
                            next.as_str().as_bytes(),
                            Class::REFERER,
                            0,
                        );
                        Referrer::Url {
                            url: next,
                            cut: sent == ReferrerSent::Origin,
                        }
                    }
                    None => Referrer::Omitted,
                }
            }
        };
        ChainHeaders {
            headers,
            referrer,
            referrer_policy,
            decision,
            request_origin,
            taint: RedirectTaint::SameOrigin,
            taint_judged: 0,
            extras: None,
            before: Before {
                referrer: None,
                referrer_policy,
                taint: RedirectTaint::SameOrigin,
            },
        }
    }

    /// A redirect was taken: the headers of request `n` (the target, `facts.urls.current`).
    /// The body's headers go if it was dropped, the referrer and its policy, the origin
    /// taint, the credentials, then a mode's `Origin` and a jar's `Cookie` are decided
    /// again. Whether the fields sent changed (then the lines are rendered again).
    ///
    /// Each step is tested here first, so a hop with nothing for it to do costs a test,
    /// not a call.
    #[inline(always)]
    pub(crate) fn on_redirect(&mut self, facts: &HopFacts<'_>) -> bool {
        let n = facts.urls.redirects();
        // What was removed on an earlier redirect can never come back (only this redirect
        // can be taken back): it goes, so nothing grows with the chain.
        self.headers.forget_removed();
        self.before = Before {
            referrer: None,
            referrer_policy: self.referrer_policy,
            taint: self.taint,
        };
        self.decision = None;
        let mut changed = false;
        if let Some(class) = facts.body_dropped {
            changed |= self
                .headers
                .remove_class(class, RemovalReason::BodyDropped, n);
        }
        if let Some(policy) = facts.referrer_policy {
            self.referrer_policy = policy;
        }
        // No referrer in play and no `Referer` field (and no curl `;auto`): nothing to do.
        if !matches!(self.referrer, Referrer::Never)
            || self.headers.referer()
            || facts.policy.auto_referer()
        {
            changed |= self.recompute_referer(facts, n);
        }
        // Only a caller-set `Origin` is affected by the taint.
        if self.headers.origin() && facts.policy.rules().origin_taint {
            changed |= self.apply_origin_taint(facts, n);
        }
        if self.headers.credentials() {
            let rules = facts.policy.rules();
            let location = facts.location.filter(|_| rules.credentials_before_hsts);
            changed |= self.apply_credential_rule(facts.policy, facts.urls, n, location);
        }
        if self.extras.is_some() {
            changed |= self.apply_extras(facts, n);
        }
        if changed {
            self.headers.refresh();
        }
        changed
    }

    /// The `Referer` of request `n` (going to `facts.urls.current`; the Location's URL
    /// before an HSTS upgrade in `facts.location`). Under the referrer-policy rules:
    /// "determine request's referrer" against the target, whose result is the referrer
    /// from then on. Under curl's: the caller's value stays, or with `;auto` the previous
    /// URL. `on_redirect` calls it when there is a referrer, a `Referer` field or `;auto`
    /// (which only the curl rules read: with it alone the referrer-policy rules find
    /// nothing to do).
    #[inline(never)]
    fn recompute_referer(&mut self, facts: &HopFacts<'_>, n: u32) -> bool {
        match facts.policy.rules().referer {
            RefererRule::Curl => self.curl_referer(facts, n),
            RefererRule::Policy => self.policy_referer(facts, n),
        }
    }

    /// curl's `Referer` on request `n`: the caller's `--referer` on every request, or the
    /// previous URL with `;auto`; a caller's own `Referer` field is sent as it is.
    fn curl_referer(&mut self, facts: &HopFacts<'_>, n: u32) -> bool {
        if self.referrer == Referrer::Removed || self.headers.sends_referer(false) {
            return false;
        }
        if !facts.policy.auto_referer() {
            let fixed = self.headers.sends_referer(true);
            self.decision = fixed.then_some(ReferrerDecision {
                policy: self.referrer_policy,
                sent: ReferrerSent::Url,
                why: ReferrerWhy::CurlFixed,
            });
            return false;
        }
        let Some(mut auto) = referrer::strip(facts.urls.of_request(n - 1), false) else {
            return false;
        };
        facts.policy.rules().normalise(&mut auto);
        self.headers
            .remove_machine_class(Class::REFERER, RemovalReason::Recomputed, n);
        self.headers
            .push_machine("Referer", auto.as_str().as_bytes(), Class::REFERER, n);
        self.decision = Some(ReferrerDecision {
            policy: self.referrer_policy,
            sent: ReferrerSent::Url,
            why: ReferrerWhy::CurlAuto,
        });
        true
    }

    /// The referrer policy's `Referer` on request `n`, chained from the referrer of the
    /// request before (a caller-set `Referer` on it is the referrer now).
    fn policy_referer(&mut self, facts: &HopFacts<'_>, n: u32) -> bool {
        let mut changed = false;
        let mut taken = None;
        let buf = &self.headers.buf;
        for f in &mut self.headers.fields {
            if f.class.has(Class::REFERER) && f.removed.is_none() {
                // The first caller-set one counts, as on the first request.
                if !f.machine && !f.withheld && taken.is_none() {
                    taken = Some(match f.url(buf) {
                        Some(url) => Referrer::Url { url, cut: false },
                        None => Referrer::Omitted,
                    });
                }
                f.removed = Some((RemovalReason::Recomputed, n));
                changed = true;
            }
        }
        if let Some(taken) = taken {
            self.replace_referrer(taken);
        }
        let target = facts.location.unwrap_or(facts.urls.current);
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
        self.decision = Some(ReferrerDecision { policy, sent, why });
        let next = match next {
            Some(url) => {
                self.headers
                    .push_machine("Referer", url.as_str().as_bytes(), Class::REFERER, n);
                Referrer::Url {
                    url,
                    cut: sent == ReferrerSent::Origin,
                }
            }
            None => Referrer::Omitted,
        };
        self.replace_referrer(next);
        true
    }

    /// Replaces the referrer, keeping the one from before the proposed redirect for taking
    /// it back.
    fn replace_referrer(&mut self, referrer: Referrer) {
        let old = core::mem::replace(&mut self.referrer, referrer);
        if self.before.referrer.is_none() {
            self.before.referrer = Some(old);
        }
    }

    /// Judges the redirects not judged yet for the chain's redirect taint (Fetch, "compute
    /// a request's redirect-taint"): each redirect once, and only until it is cross-site,
    /// which it then stays.
    fn judge_taint(&mut self, urls: Urls<'_>) {
        let origin = RequestOrigin::resolve(self.request_origin.as_ref(), urls.of_request(0));
        while self.taint_judged < urls.redirects() && self.taint != RedirectTaint::CrossSite {
            self.taint_judged += 1;
            let i = self.taint_judged;
            let hop = hop_taint(origin, urls.of_request(i - 1), urls.of_request(i));
            self.taint = self.taint.max(hop);
        }
    }

    /// The chain's redirect taint after the redirects in `urls`, judged from where
    /// judging stopped, changing nothing.
    pub(crate) fn redirect_taint(&self, urls: Urls<'_>) -> RedirectTaint {
        let origin = RequestOrigin::resolve(self.request_origin.as_ref(), urls.of_request(0));
        (self.taint_judged + 1..=urls.redirects()).fold(self.taint, |taint, i| {
            taint.max(hop_taint(
                origin,
                urls.of_request(i - 1),
                urls.of_request(i),
            ))
        })
    }

    /// Without a request mode: once the chain is redirect-tainted, every caller-set
    /// `Origin` (set on the first request or added on a later redirect) is replaced by
    /// `Origin: null` on request `n` and after.
    #[inline(never)]
    fn apply_origin_taint(&mut self, facts: &HopFacts<'_>, n: u32) -> bool {
        // The taint is a property of the URL list, so it is worked out (once, it never goes
        // away) when there is a caller-set `Origin` to taint.
        self.judge_taint(facts.urls);
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
                .push_machine("Origin", b"null", Class::ORIGIN, n);
        }
        nulled
    }

    /// Decides which credentials and which caller-set `Host` go to request `n`. A
    /// credential is compared with the origin of the request it was set for, against the
    /// Location's URL (`location`, before an HSTS upgrade, else the current URL); a `Host`
    /// with the authority it was set for, against the current URL. Whether a refused one
    /// is removed for good or withheld from this request only is the rules' credential
    /// scope.
    #[inline(never)]
    fn apply_credential_rule(
        &mut self,
        policy: &Policy,
        urls: Urls<'_>,
        n: u32,
        location: Option<&Url>,
    ) -> bool {
        let each_request = policy.rules().credentials == CredentialScope::EachRequest;
        let target = location.unwrap_or(urls.current);
        let mut changed = false;
        for f in &mut self.headers.fields {
            if !f.live_bound() {
                continue;
            }
            let set_for = urls.of_request(f.set_for);
            let (allowed, reason) = if f.class.has(Class::HOST) {
                (
                    same_authority(set_for, urls.current),
                    RemovalReason::OtherAuthority,
                )
            } else if f.class.has(Class::PROXY) {
                (same_origin(set_for, target), RemovalReason::CrossOrigin)
            } else {
                (
                    policy.credentials_allowed(set_for, target),
                    RemovalReason::CrossOrigin,
                )
            };
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

    /// The redirect was taken back (the chain is `urls` again, `n` the redirect undone):
    /// what was written for it goes, what it removed comes back, and the referrer, its
    /// policy and the taint are as before it.
    pub(crate) fn on_take_back(&mut self, policy: &Policy, urls: Urls<'_>, n: u32) {
        let before = core::mem::replace(
            &mut self.before,
            Before {
                referrer: None,
                referrer_policy: self.referrer_policy,
                taint: self.taint,
            },
        );
        if let Some(referrer) = before.referrer {
            self.referrer = referrer;
        }
        self.referrer_policy = before.referrer_policy;
        self.taint = before.taint;
        self.decision = None;
        let request_origin = self.request_origin.as_ref();
        if let Some(x) = &mut self.extras {
            x.on_take_back(
                RequestOrigin::resolve(request_origin, urls.of_request(0)),
                urls,
            );
        }
        self.taint_judged = self.taint_judged.min(urls.redirects());
        // What the machine wrote for the redirect goes; what it removed comes back.
        self.headers
            .fields
            .retain(|f| !(f.machine && f.set_for == n));
        for f in &mut self.headers.fields {
            if matches!(f.removed, Some((r, at)) if at == n && r != RemovalReason::Caller) {
                f.removed = None;
            }
        }
        // A restored credential is live again: the rule must look at it.
        self.headers.refresh();
        // Under `EachRequest` the credentials are decided again for the request restored
        // (curl decides against its URL); under `UntilRefused` restoring what was removed
        // on this redirect is exact.
        if policy.rules().credentials == CredentialScope::EachRequest
            && self.headers.credentials()
            && self.apply_credential_rule(policy, urls, n, None)
        {
            self.headers.refresh();
        }
    }

    /// Adds a header to the proposed request `n`, set for its origin; nothing changes if
    /// the header is invalid or the request would be ambiguous.
    pub(crate) fn append_header(
        &mut self,
        policy: &Policy,
        n: u32,
        name: &str,
        value: &[u8],
    ) -> Result<(), InvalidRequest> {
        self.edit(policy, n, name, value, false)
    }

    /// Replaces every field named `name` with `name: value` on the proposed request `n`;
    /// nothing changes if the header is invalid or the request would be ambiguous.
    pub(crate) fn set_header(
        &mut self,
        policy: &Policy,
        n: u32,
        name: &str,
        value: &[u8],
    ) -> Result<(), InvalidRequest> {
        self.edit(policy, n, name, value, true)
    }

    /// `name: value` added to request `n`, replacing every field of that name first when
    /// `replace`; checked before anything changes.
    fn edit(
        &mut self,
        policy: &Policy,
        n: u32,
        name: &str,
        value: &[u8],
        replace: bool,
    ) -> Result<(), InvalidRequest> {
        validate_header(name, value)?;
        self.check_mode_edit(name)?;
        self.headers.check_edit(name, value, replace)?;
        if replace {
            self.remove_header(n, name);
        }
        self.push_header(policy, n, name, value);
        Ok(())
    }

    /// With a request mode `Origin` is written here, with a cookie jar `Cookie`: an edit
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

    /// Adds a header the caller gave (already validated), set for request `n`.
    fn push_header(&mut self, policy: &Policy, n: u32, name: &str, value: &[u8]) {
        let class = classify(name, policy.is_extra_credential(name));
        self.headers.push(name, value, class, n, false);
    }

    /// Removes every field named `name` from the proposed request `n` (a redirect's, so
    /// `n` is at least 1) and the rest of the chain; returns how many would have been
    /// sent. A field the caller added to this same request is dropped outright (it was
    /// never sent), so repeated edits do not grow the list.
    pub(crate) fn remove_header(&mut self, n: u32, name: &str) -> usize {
        if self.check_mode_edit(name).is_err() {
            return 0;
        }
        // `Referer` is recomputed on every redirect: removing it removes the referrer.
        if classify(name, false).has(Class::REFERER) {
            self.replace_referrer(Referrer::Removed);
        }
        let mut sent = 0;
        let buf = &self.headers.buf;
        self.headers.fields.retain_mut(|f| {
            if f.removed.is_some() || !f.is_named(buf, name) {
                return true;
            }
            sent += usize::from(!f.withheld);
            if f.set_for == n {
                return false;
            }
            f.removed = Some((RemovalReason::Caller, n));
            true
        });
        self.headers.refresh();
        sent
    }

    /// How the current request's `Referer` was decided.
    pub(crate) fn referrer_decision(&self) -> Option<ReferrerDecision> {
        self.decision
    }

    /// The request's origin, resolved (`first` is the chain's first URL).
    fn request_origin<'a>(&'a self, first: &'a Url) -> RequestOrigin<'a> {
        RequestOrigin::resolve(self.request_origin.as_ref(), first)
    }
}

/// Same host and same port (the scheme's default when none is written): what a `Host`
/// field names.
fn same_authority(a: &Url, b: &Url) -> bool {
    a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

mod extras;

#[cfg(test)]
mod tests;
