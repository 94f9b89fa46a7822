//! The `Referer` of each request of a chain: W3C Referrer Policy, "determine request's
//! referrer" (§8.3), "strip url for use as a referrer" (§8.4), and Fetch's "set request's
//! referrer policy on redirect" (parse a referrer policy from a `Referrer-Policy` header).

use url::{Position, Url};

/// A W3C referrer policy: how much of the referrer a request carries in `Referer`.
///
/// The policy in force starts as [`Policy::with_referrer_policy`](crate::Policy::with_referrer_policy)
/// (default [`ReferrerPolicy::StrictOriginWhenCrossOrigin`], the browsers' default) and a
/// redirect's own `Referrer-Policy` header replaces it for the requests after it.
///
/// ```
/// use redirects::ReferrerPolicy;
/// assert_eq!(ReferrerPolicy::from_token(b"no-referrer"), Some(ReferrerPolicy::NoReferrer));
/// assert_eq!(ReferrerPolicy::from_token(b"No-Referrer"), None); // tokens are exact
/// assert_eq!(ReferrerPolicy::UnsafeUrl.token(), "unsafe-url");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReferrerPolicy {
    /// `no-referrer`: never a `Referer`.
    NoReferrer,
    /// `no-referrer-when-downgrade`: the full referrer, except from a potentially
    /// trustworthy URL to one that is not.
    NoReferrerWhenDowngrade,
    /// `same-origin`: the full referrer to the same origin, nothing elsewhere.
    SameOrigin,
    /// `origin`: the referrer's origin only, everywhere.
    Origin,
    /// `strict-origin`: the origin, except from a potentially trustworthy URL to one that
    /// is not.
    StrictOrigin,
    /// `origin-when-cross-origin`: the full referrer to the same origin, the origin
    /// elsewhere.
    OriginWhenCrossOrigin,
    /// `strict-origin-when-cross-origin` (the default): the full referrer to the same
    /// origin, the origin elsewhere, nothing from a potentially trustworthy URL to one
    /// that is not.
    #[default]
    StrictOriginWhenCrossOrigin,
    /// `unsafe-url`: the full referrer everywhere, downgrades included.
    UnsafeUrl,
}

/// Every policy with its token, in the spec's order.
const TOKENS: [(ReferrerPolicy, &str); 8] = [
    (ReferrerPolicy::NoReferrer, "no-referrer"),
    (
        ReferrerPolicy::NoReferrerWhenDowngrade,
        "no-referrer-when-downgrade",
    ),
    (ReferrerPolicy::SameOrigin, "same-origin"),
    (ReferrerPolicy::Origin, "origin"),
    (ReferrerPolicy::StrictOrigin, "strict-origin"),
    (
        ReferrerPolicy::OriginWhenCrossOrigin,
        "origin-when-cross-origin",
    ),
    (
        ReferrerPolicy::StrictOriginWhenCrossOrigin,
        "strict-origin-when-cross-origin",
    ),
    (ReferrerPolicy::UnsafeUrl, "unsafe-url"),
];

impl ReferrerPolicy {
    /// Every policy.
    pub const ALL: [ReferrerPolicy; 8] = [
        TOKENS[0].0,
        TOKENS[1].0,
        TOKENS[2].0,
        TOKENS[3].0,
        TOKENS[4].0,
        TOKENS[5].0,
        TOKENS[6].0,
        TOKENS[7].0,
    ];

    /// The policy named by `token`, compared exactly (the spec's tokens are lower case).
    pub fn from_token(token: &[u8]) -> Option<ReferrerPolicy> {
        // A `match` on the bytes: the length first, then one comparison.
        Some(match token {
            b"no-referrer" => ReferrerPolicy::NoReferrer,
            b"no-referrer-when-downgrade" => ReferrerPolicy::NoReferrerWhenDowngrade,
            b"same-origin" => ReferrerPolicy::SameOrigin,
            b"origin" => ReferrerPolicy::Origin,
            b"strict-origin" => ReferrerPolicy::StrictOrigin,
            b"origin-when-cross-origin" => ReferrerPolicy::OriginWhenCrossOrigin,
            b"strict-origin-when-cross-origin" => ReferrerPolicy::StrictOriginWhenCrossOrigin,
            b"unsafe-url" => ReferrerPolicy::UnsafeUrl,
            _ => return None,
        })
    }

    /// The policy's token, as in a `Referrer-Policy` header.
    pub fn token(self) -> &'static str {
        TOKENS
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("", |&(_, t)| t)
    }
}

/// The policy a `Referrer-Policy` field value names (Referrer Policy §4.1 "parse a referrer
/// policy from a Referrer-Policy header"): the value is split on commas outside quoted
/// strings (Fetch "get, decode, and split"), and the last recognised token wins; unknown
/// tokens are ignored. `None` if no token is recognised.
pub(crate) fn policy_from_header<'v>(
    values: impl IntoIterator<Item = &'v [u8]>,
) -> Option<ReferrerPolicy> {
    let mut last = None;
    for value in values {
        // The common value, one token: a token holds neither a comma nor a quote, so the
        // whole value is that one element.
        if let Some(p) = ReferrerPolicy::from_token(value.trim_ascii()) {
            last = Some(p);
            continue;
        }
        if !value.contains(&b'"') {
            // No quoted string: the commas split it.
            for token in value.split(|&b| b == b',') {
                if let Some(p) = ReferrerPolicy::from_token(token.trim_ascii()) {
                    last = Some(p);
                }
            }
            continue;
        }
        let mut start = 0;
        let mut quoted = false;
        let mut escaped = false;
        for (i, b) in value
            .iter()
            .copied()
            .enumerate()
            .chain([(value.len(), b',')])
        {
            if quoted {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => quoted = false,
                    _ => {}
                }
                if i < value.len() {
                    continue;
                }
            }
            match b {
                b'"' if i < value.len() => quoted = true,
                b',' => {
                    let token = value[start..i].trim_ascii();
                    if let Some(p) = ReferrerPolicy::from_token(token) {
                        last = Some(p);
                    }
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    last
}

/// Secure Contexts §3.1 "is origin potentially trustworthy", for a URL's origin: `https`
/// and `wss`, loopback IP addresses, `localhost` and `*.localhost`, and `file`.
pub(crate) fn potentially_trustworthy(url: &Url) -> bool {
    match url.scheme() {
        "https" | "wss" | "file" => return true,
        _ => {}
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.octets()[0] == 127,
        Some(url::Host::Ipv6(ip)) => ip == core::net::Ipv6Addr::LOCALHOST,
        Some(url::Host::Domain(d)) => {
            let d = d.strip_suffix('.').unwrap_or(d);
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

/// What one request carries as its referrer, before it is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReferrerSent {
    /// The referrer URL, userinfo and fragment stripped.
    Url,
    /// Only the referrer's origin (`scheme://host[:port]/`).
    Origin,
    /// No `Referer`.
    None,
}

/// Why a request's `Referer` is what it is ([`ReferrerDecision::why`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReferrerWhy {
    /// What the policy gives for every target (`no-referrer`, `origin`, `unsafe-url`).
    Policy,
    /// The target is the referrer's origin.
    SameOrigin,
    /// The target is another origin.
    CrossOrigin,
    /// From a potentially trustworthy URL to one that is not (https -> http).
    Downgrade,
    /// The referrer URL is longer than 4096 bytes, so only its origin is sent.
    TooLong,
    /// An earlier request of the chain already cut the referrer to its origin or
    /// omitted it, and it stays so.
    Earlier,
    /// curl's `--referer`: the caller's value on every request.
    CurlFixed,
    /// curl's `--referer ';auto'`: the previous URL of the chain.
    CurlAuto,
    /// The caller removed `Referer` on this or an earlier redirect.
    Removed,
}

/// How the `Referer` of a request was decided: the policy in force and what it gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferrerDecision {
    /// The policy in force for this request (a redirect's `Referrer-Policy` changes it).
    pub policy: ReferrerPolicy,
    /// What the request carries.
    pub sent: ReferrerSent,
    /// Why.
    pub why: ReferrerWhy,
}

/// The longest referrer URL sent whole (Referrer Policy §8.3 step 6).
const MAX_REFERRER_LEN: usize = 4096;

/// Referrer Policy §8.4 "strip url for use as a referrer": `None` for a local scheme
/// (`about`, `blob`, `data`) or any URL without a host; else the URL without userinfo and
/// fragment, or only its origin.
pub(crate) fn strip(url: &Url, origin_only: bool) -> Option<Url> {
    if !url.has_host() || matches!(url.scheme(), "about" | "blob" | "data") {
        return None;
    }
    let end = if origin_only {
        Position::BeforePath
    } else {
        Position::AfterQuery
    };
    let prefix = &url[Position::BeforeScheme..Position::AfterScheme];
    let rest = &url[Position::BeforeHost..end];
    let mut s = alloc::string::String::with_capacity(prefix.len() + 3 + rest.len() + 1);
    s.push_str(prefix);
    s.push_str("://");
    s.push_str(rest);
    if origin_only {
        s.push('/');
    }
    Url::parse(&s).ok()
}

/// Referrer Policy §8.3 "determine request's referrer", for the request to `target` with
/// the referrer `referrer` under `policy`: the URL to send (and to start from on the next
/// redirect), and why.
pub(crate) fn determine(
    referrer: &Url,
    policy: ReferrerPolicy,
    target: &Url,
) -> (Option<Url>, ReferrerSent, ReferrerWhy) {
    use ReferrerPolicy as P;
    let Some(full) = strip(referrer, false) else {
        return (None, ReferrerSent::None, ReferrerWhy::Policy);
    };
    let same = crate::location::same_origin(&full, target);
    let downgrade = potentially_trustworthy(&full) && !potentially_trustworthy(target);
    let too_long = full.as_str().len() > MAX_REFERRER_LEN;
    let origin = || strip(&full, true);
    // The full URL, unless too long (then the origin).
    let url_or_cut = |why| {
        if too_long {
            (origin(), ReferrerSent::Origin, ReferrerWhy::TooLong)
        } else {
            (Some(full.clone()), ReferrerSent::Url, why)
        }
    };
    match policy {
        P::NoReferrer => (None, ReferrerSent::None, ReferrerWhy::Policy),
        P::Origin => (origin(), ReferrerSent::Origin, ReferrerWhy::Policy),
        P::UnsafeUrl => url_or_cut(ReferrerWhy::Policy),
        P::StrictOrigin if downgrade => (None, ReferrerSent::None, ReferrerWhy::Downgrade),
        P::StrictOrigin => (origin(), ReferrerSent::Origin, ReferrerWhy::Policy),
        P::StrictOriginWhenCrossOrigin if same => url_or_cut(ReferrerWhy::SameOrigin),
        P::StrictOriginWhenCrossOrigin if downgrade => {
            (None, ReferrerSent::None, ReferrerWhy::Downgrade)
        }
        P::StrictOriginWhenCrossOrigin | P::OriginWhenCrossOrigin if !same => {
            (origin(), ReferrerSent::Origin, ReferrerWhy::CrossOrigin)
        }
        P::OriginWhenCrossOrigin | P::SameOrigin if same => url_or_cut(ReferrerWhy::SameOrigin),
        P::SameOrigin => (None, ReferrerSent::None, ReferrerWhy::CrossOrigin),
        P::NoReferrerWhenDowngrade if downgrade => {
            (None, ReferrerSent::None, ReferrerWhy::Downgrade)
        }
        P::NoReferrerWhenDowngrade => url_or_cut(ReferrerWhy::Policy),
        // Every remaining pattern was matched above; the compiler cannot see the guards.
        P::StrictOriginWhenCrossOrigin | P::OriginWhenCrossOrigin => {
            url_or_cut(ReferrerWhy::SameOrigin)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec::Vec;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn tokens_round_trip_and_are_exact() {
        for p in ReferrerPolicy::ALL {
            assert_eq!(ReferrerPolicy::from_token(p.token().as_bytes()), Some(p));
        }
        for bad in [
            &b"Origin"[..],
            b" origin",
            b"",
            b"unsafe_url",
            b"no-referrer,",
        ] {
            assert_eq!(ReferrerPolicy::from_token(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn header_parsing_table() {
        use ReferrerPolicy as P;
        let cases: &[(&[&[u8]], Option<P>)] = &[
            (&[b"no-referrer"], Some(P::NoReferrer)),
            (&[b"no-referrer, unsafe-url"], Some(P::UnsafeUrl)),
            (&[b"unsafe-url, nonsense"], Some(P::UnsafeUrl)),
            (&[b"origin", b"same-origin"], Some(P::SameOrigin)),
            (&[b"same-origin", b"bogus"], Some(P::SameOrigin)),
            (&[b"  strict-origin  ,"], Some(P::StrictOrigin)),
            (&[b"Origin"], None),
            (&[b""], None),
            (&[b"\"x,unsafe-url,y\""], None),
            (&[b"\"a\\\",unsafe-url\", origin"], Some(P::Origin)),
        ];
        let mut failed = Vec::new();
        for (values, want) in cases {
            let got = policy_from_header(values.iter().copied());
            if got != *want {
                failed.push(format!("{values:?}: {got:?}, want {want:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn trustworthy_table() {
        let cases = [
            ("https://a.test/", true),
            ("http://a.test/", false),
            ("http://127.0.0.1/", true),
            ("http://127.9.9.9:81/", true),
            ("http://[::1]/", true),
            ("http://localhost/", true),
            ("http://x.localhost/", true),
            ("http://localhost.test/", false),
            ("http://10.0.0.1/", false),
        ];
        for (url, want) in cases {
            assert_eq!(potentially_trustworthy(&u(url)), want, "{url}");
        }
    }

    #[test]
    fn strip_table() {
        let cases = [
            (
                "https://user:pw@a.test:8443/p?q=1#frag",
                false,
                Some("https://a.test:8443/p?q=1"),
            ),
            (
                "https://user:pw@a.test:8443/p?q=1#frag",
                true,
                Some("https://a.test:8443/"),
            ),
            ("http://[::1]/x", true, Some("http://[::1]/")),
            ("data:text/plain,x", false, None),
        ];
        for (url, origin_only, want) in cases {
            let got = strip(&u(url), origin_only);
            assert_eq!(got.as_ref().map(Url::as_str), want, "{url} {origin_only}");
        }
    }

    /// The policy table of Referrer Policy §3, for the three kinds of target.
    #[test]
    fn determine_table() {
        use ReferrerPolicy as P;
        use ReferrerSent::{None as No, Origin as O, Url as U};
        let from = u("https://a.test/page?q#f");
        let same = u("https://a.test/other");
        let cross = u("https://b.test/");
        let down = u("http://a.test/");
        let rows = [
            (P::NoReferrer, [No, No, No]),
            (P::NoReferrerWhenDowngrade, [U, U, No]),
            (P::SameOrigin, [U, No, No]),
            (P::Origin, [O, O, O]),
            (P::StrictOrigin, [O, O, No]),
            (P::OriginWhenCrossOrigin, [U, O, O]),
            (P::StrictOriginWhenCrossOrigin, [U, O, No]),
            (P::UnsafeUrl, [U, U, U]),
        ];
        let mut failed = Vec::new();
        for (policy, want) in rows {
            for (target, want) in [&same, &cross, &down].into_iter().zip(want) {
                let (url, sent, _) = determine(&from, policy, target);
                let url_want = match want {
                    U => Some("https://a.test/page?q"),
                    O => Some("https://a.test/"),
                    No => None,
                };
                if sent != want || url.as_ref().map(Url::as_str) != url_want {
                    failed.push(format!("{policy:?} -> {target}: {sent:?} {url:?}"));
                }
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn long_referrers_are_cut_to_the_origin() {
        let long = u(&format!("https://a.test/{}", "x".repeat(4100)));
        let (url, sent, why) = determine(&long, ReferrerPolicy::UnsafeUrl, &long);
        assert_eq!(
            (url.as_ref().map(Url::as_str), sent, why),
            (
                Some("https://a.test/"),
                ReferrerSent::Origin,
                ReferrerWhy::TooLong
            )
        );
        // Exactly 4096 bytes is still sent whole.
        let path = "y".repeat(4096 - "https://a.test/".len());
        let edge = u(&format!("https://a.test/{path}"));
        assert_eq!(edge.as_str().len(), 4096);
        let (_, sent, _) = determine(&edge, ReferrerPolicy::UnsafeUrl, &edge);
        assert_eq!(sent, ReferrerSent::Url);
    }
}
