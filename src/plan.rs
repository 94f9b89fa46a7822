//! The decision on one response head, as a pure function: from the policy, the chain so far
//! and the facts of the head to a [`Plan`] (follow, and how) or an [`Error`], mutating
//! nothing. The checks run in the order of Fetch's HTTP-redirect fetch (location URL,
//! scheme, limit, credentials, body, method), then main fetch's (bad port, private
//! network, `same-origin` mode); the machine applies the plan.

use alloc::boxed::Box;
use core::net::IpAddr;

use url::Url;

use crate::address::AddressSpace;
use crate::error::{Error, PrivateTarget};
use crate::hsts::{self, HstsHosts, HstsSource, HstsUpgrade, Lesson};
use crate::location::resolve_location;
use crate::method::Method;
use crate::origin::{RequestMode, RequestOrigin, includes_credentials};
use crate::policy::{Policy, UnreplayableBody};
use crate::request::Body;
use crate::rules::{CurlRequest, LocationConflict, MethodRule};

/// The chain so far, as the decision reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChainFacts<'a> {
    /// The URL the response came from.
    pub(crate) url: &'a Url,
    pub(crate) method: Method,
    pub(crate) body: Body,
    /// How curl sent the request (the `curl` rules decide the method by it).
    pub(crate) curl: CurlRequest,
    /// Redirects followed before this response.
    pub(crate) redirects: u32,
    /// The address space the chain started in (known when private targets are blocked).
    pub(crate) space: Option<AddressSpace>,
    /// The HSTS hosts the chain learned (the policy's are the policy's).
    pub(crate) learned: &'a HstsHosts,
    /// Fetch's request mode, if the request has one.
    pub(crate) mode: Option<ModeFacts<'a>>,
}

/// What a request mode's checks read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ModeFacts<'a> {
    pub(crate) mode: RequestMode,
    /// The request's origin, resolved.
    pub(crate) origin: RequestOrigin<'a>,
    /// Response tainting is `cors`.
    pub(crate) cors_tainting: bool,
}

/// The `Location` fields of a head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LocationValue<'a> {
    /// None, or only empty ones.
    Absent,
    /// One non-empty value (trimmed), possibly repeated identically.
    One(&'a [u8]),
    /// Several different values.
    Conflict,
}

/// The facts of one complete response head the decision reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeadFacts<'a> {
    pub(crate) status: u16,
    pub(crate) location: LocationValue<'a>,
    /// The first `Strict-Transport-Security` value.
    pub(crate) sts: Option<&'a [u8]>,
}

/// What to do with a response head.
// Built in place and taken apart at once by the machine: a box would cost an allocation
// on every hop.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum Plan {
    /// The response is final: the chain ends with it.
    Final,
    /// Follow the redirect.
    Follow(Hop),
}

/// How to follow a redirect.
#[derive(Debug)]
pub(crate) struct Hop {
    /// The next request's URL (after any HSTS upgrade).
    pub(crate) next: Url,
    /// The Location's URL before an HSTS upgrade changed it (the referrer and, under
    /// Fetch, the credentials are decided against it). Boxed: it is rare, and the hop
    /// is moved from the decision to the machine.
    pub(crate) location: Option<Box<Url>>,
    /// The next method and the rule, if the rules rewrite the method or drop the body.
    pub(crate) rewrite: Option<(Method, MethodRule)>,
    /// Who said the target's host requires https, when it was upgraded.
    pub(crate) hsts: Option<HstsUpgrade>,
    /// What the head's `Strict-Transport-Security` teaches about the current URL's host.
    pub(crate) lesson: Option<Lesson>,
    /// The target's address space, when private targets are blocked.
    pub(crate) space: Option<AddressSpace>,
}

/// Decides what to do with a complete response head: [`Plan::Final`], [`Plan::Follow`],
/// or the error that ends the chain. Changes nothing.
#[inline(always)]
pub(crate) fn plan(
    policy: &Policy,
    chain: &ChainFacts<'_>,
    head: &HeadFacts<'_>,
) -> Result<Plan, Error> {
    let rules = policy.rules();
    let status = head.status;
    if head.location == LocationValue::Conflict
        && rules.location_conflict == LocationConflict::OnAnyStatus
    {
        return Err(Error::ConflictingLocation { status });
    }
    if !rules.follows(status) {
        return Ok(Plan::Final);
    }
    // Fetch, HTTP-redirect fetch: location URL, then scheme, then the limit, then the
    // body, then the method.
    let raw = match head.location {
        LocationValue::Absent => return Ok(Plan::Final),
        LocationValue::Conflict => return Err(Error::ConflictingLocation { status }),
        LocationValue::One(raw) => raw,
    };
    let url = chain.url;
    let mut next =
        resolve_location(url, raw).map_err(|error| Error::InvalidLocation { status, error })?;
    rules.normalise(&mut next);
    if rules.inherit_fragment && next.fragment().is_none() {
        if let Some(fragment) = url.fragment() {
            next.set_fragment(Some(fragment));
        }
    }
    if !(next.scheme() == url.scheme() || policy.scheme_allowed(next.scheme())) || !next.has_host()
    {
        return Err(Error::SchemeNotAllowed { status });
    }
    // HSTS: what this response says (over https), then the known hosts upgrade the target
    // before any check that depends on its scheme.
    let lesson = match head.sts {
        Some(value) if policy.learn_hsts() => Lesson::of(url, value),
        _ => None,
    };
    let (location, hsts) = upgrade(policy, chain, lesson, &mut next);
    if !policy.allow_downgrade() && url.scheme() == "https" && next.scheme() == "http" {
        return Err(Error::InsecureRedirect { status });
    }
    if chain.redirects >= policy.max_redirects() {
        return Err(Error::TooManyRedirects {
            limit: policy.max_redirects(),
            status,
        });
    }
    // A `cors` request may not follow a URL with credentials across origins, nor once its
    // response tainting is `cors`.
    if let Some(m) = chain.mode.filter(|m| m.mode == RequestMode::Cors) {
        let target = location.as_deref().unwrap_or(&next);
        if includes_credentials(target) && (m.cors_tainting || !m.origin.same_origin(target)) {
            return Err(Error::CredentialsInLocation { status });
        }
    }
    let rewrite = rules.rewrite(status, chain.method, chain.curl, policy.post_redirect());
    if chain.body == Body::Streamed && rules.streamed_body_fails(status, rewrite.is_some()) {
        return match policy.unreplayable_body() {
            UnreplayableBody::Final => Ok(Plan::Final),
            UnreplayableBody::Error => Err(Error::BodyNotReplayable { status }),
        };
    }
    // Fetch main fetch: a bad port is a network error.
    if let Some(port) = policy.port_blocked(&next) {
        return Err(Error::BlockedPort { status, port });
    }
    // Private Network Access: never into a less public space than the chain's.
    let space = policy
        .block_private_targets()
        .then(|| AddressSpace::of_url(&next));
    if let Some((target, chain_space)) = space.zip(chain.space).filter(|(s, c)| s < c) {
        return Err(private_target(
            &next,
            None,
            target,
            chain_space,
            Some(status),
        ));
    }
    // Fetch main fetch: a `same-origin` request to another origin is a network error.
    if let Some(m) = chain.mode.filter(|m| m.mode == RequestMode::SameOrigin) {
        if !m.origin.same_origin(&next) {
            return Err(Error::CrossOriginRedirect { status });
        }
    }
    Ok(Plan::Follow(Hop {
        next,
        location,
        rewrite,
        hsts,
        lesson,
        space,
    }))
}

/// Upgrades `next` to `https` if its host is a known HSTS host (the policy's, or learned,
/// `lesson` included): the URL before the upgrade and who said so, when it was upgraded.
/// A chain that knows no host pays one test.
#[inline(always)]
fn upgrade(
    policy: &Policy,
    chain: &ChainFacts<'_>,
    lesson: Option<Lesson>,
    next: &mut Url,
) -> (Option<Box<Url>>, Option<HstsUpgrade>) {
    if policy.hsts_hosts().is_empty() && chain.learned.is_empty() && lesson.is_none() {
        return (None, None);
    }
    upgrade_known(policy, chain, lesson, next)
}

/// [`upgrade`] once some host is known.
#[inline(never)]
fn upgrade_known(
    policy: &Policy,
    chain: &ChainFacts<'_>,
    lesson: Option<Lesson>,
    next: &mut Url,
) -> (Option<Box<Url>>, Option<HstsUpgrade>) {
    let known = policy.hsts_hosts();
    if next.scheme() != "http" {
        return (None, None);
    }
    let source = if known.matches(next) {
        HstsSource::Policy
    } else if chain
        .learned
        .matches_after(lesson, chain.url, policy.max_learned_hsts_hosts(), next)
    {
        HstsSource::Learned
    } else {
        return (None, None);
    };
    let before = Box::new(next.clone());
    if next.set_scheme("https").is_err() {
        return (None, None);
    }
    (Some(before), Some(HstsUpgrade { source }))
}

/// The first request's URL upgraded to `https` if its host is one of the policy's HSTS
/// hosts.
pub(crate) fn upgrade_first(policy: &Policy, url: &mut Url) -> Option<HstsUpgrade> {
    hsts::upgrade(policy.hsts_hosts(), &HstsHosts::default(), url)
}

/// The [`Error::PrivateTarget`] for `url` (in `space`, `address` if resolved) from a chain
/// in `chain`.
pub(crate) fn private_target(
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

#[cfg(test)]
mod tests;
