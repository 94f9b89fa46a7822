//! Who makes a request and what its `Origin` says (Fetch): the request's origin, its
//! mode, the chain's redirect taint, and "append a request `Origin` header", as pure
//! functions the machine calls on each request.

use url::Url;

use crate::location::same_origin;
use crate::method::Method;
use crate::referrer::ReferrerPolicy;

/// Fetch's request mode: with one, the machine owns the `Origin` header of every request
/// of the chain, as a browser computes it ([`Request::mode`](crate::Request::mode)).
///
/// ```
/// use redirects::{Event, Follow, Method, Policy, Request, RequestMode};
/// let req = Request::new(Method::Post, "https://app.test/form")?.mode(RequestMode::NoCors);
/// let mut follow = Follow::new(req, Policy::fetch())?;
/// // A POST carries its origin.
/// assert_eq!(follow.request().header("origin"), Some(&b"https://app.test"[..]));
/// let bytes = b"HTTP/1.1 302 Found\r\nLocation: https://api.test/x\r\n\r\n";
/// let Event::Redirect(hop) = follow.handle_response(bytes)? else { panic!() };
/// // 302 turns the POST into a GET: no `Origin` in `no-cors` mode.
/// assert_eq!(hop.request().header("origin"), None);
/// # Ok::<(), redirects::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestMode {
    /// `cors`: `Origin` on every request once the chain has gone to an origin other than
    /// the request's (response tainting `cors`, for the rest of the chain), and on every
    /// request whose method is neither GET nor HEAD. A redirect to a URL with credentials
    /// is [`Error::CredentialsInLocation`](crate::Error::CredentialsInLocation) when it
    /// crosses origins or once the tainting is `cors`.
    Cors,
    /// `no-cors`: `Origin` only on requests whose method is neither GET nor HEAD, `null`
    /// where the referrer policy in force says so.
    NoCors,
    /// `same-origin`: as `no-cors`, and a redirect to another origin is
    /// [`Error::CrossOriginRedirect`](crate::Error::CrossOriginRedirect).
    SameOrigin,
}

impl RequestMode {
    /// The mode's Fetch name: `cors`, `no-cors` or `same-origin`.
    pub fn name(self) -> &'static str {
        match self {
            RequestMode::Cors => "cors",
            RequestMode::NoCors => "no-cors",
            RequestMode::SameOrigin => "same-origin",
        }
    }

    /// The mode named `name` (`cors`, `no-cors`, `same-origin`).
    pub fn from_name(name: &str) -> Option<RequestMode> {
        [
            RequestMode::Cors,
            RequestMode::NoCors,
            RequestMode::SameOrigin,
        ]
        .into_iter()
        .find(|m| m.name() == name)
    }
}

/// Fetch's redirect taint of a chain (whatwg/fetch#1807): whether every redirect so far
/// came from a URL of the request's origin (or site), or went nowhere else. Anything but
/// [`RedirectTaint::SameOrigin`] serializes the request's origin as `null`.
///
/// Sites are judged without a public suffix list: a URL's site is its scheme and host, so
/// `a.example.com` and `b.example.com` are different sites here (a browser, with the list,
/// calls them one); the answer is never less tainted than a browser's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum RedirectTaint {
    /// No redirect left the request's origin from a URL of another origin.
    #[default]
    SameOrigin,
    /// A redirect crossed origins from a URL not of the request's origin, within one site.
    SameSite,
    /// A redirect crossed sites from a URL not of the request's site.
    CrossSite,
}

/// What the `Origin` of a request is, when the machine owns it (a request mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginSent {
    /// No `Origin` field.
    None,
    /// The request's origin, serialized.
    Origin,
    /// `Origin: null`.
    Null,
}

/// Why the `Origin` of a request is what it is (Fetch, "append a request `Origin`
/// header").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginWhy {
    /// The method is GET or HEAD and the response tainting is not `cors`: no `Origin`.
    SafeMethod,
    /// `cors` mode, and the chain has gone to an origin other than the request's
    /// (response tainting `cors`): sent whatever the method.
    CorsTainting,
    /// A method other than GET and HEAD: sent.
    UnsafeMethod,
    /// The chain is redirect-tainted: `null`.
    RedirectTainted,
    /// The request's origin is opaque: `null`.
    Opaque,
    /// The referrer policy in force for the request says `null` (`no-cors` and
    /// `same-origin` modes, a method other than GET and HEAD).
    ReferrerPolicy,
}

/// How the machine decided the `Origin` of a request in a request mode
/// ([`Redirect::origin_decision`](crate::Redirect::origin_decision)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginDecision {
    /// What the request carries.
    pub sent: OriginSent,
    /// Why.
    pub why: OriginWhy,
}

/// A request's origin as the caller gives it ([`Request::origin`](crate::Request::origin))
/// or a caller-set `Origin` field names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GivenOrigin {
    /// A tuple origin, as a URL with nothing but scheme, host and port.
    Tuple(Url),
    /// An opaque origin (`null`): the same origin as no URL.
    Opaque,
}

impl GivenOrigin {
    /// The origin `value` serializes (`https://app.test`, `http://a.test:8080`, `null`),
    /// or `None` when it is not exactly the serialization of one (a path, a trailing
    /// slash, upper case, a default port written out).
    pub(crate) fn parse(value: &[u8]) -> Option<GivenOrigin> {
        if value == b"null" {
            return Some(GivenOrigin::Opaque);
        }
        let text = core::str::from_utf8(value).ok()?;
        let url = Url::parse(text).ok()?;
        let mut serialized = alloc::vec::Vec::with_capacity(text.len());
        (serialize_origin(&url, &mut serialized) && serialized == value)
            .then_some(GivenOrigin::Tuple(url))
    }
}

/// Appends the ASCII serialization of `url`'s origin when it is a tuple origin (a special
/// scheme but `file`, with a host): `scheme://host[:port]`, the port only when it is not
/// the scheme's default (HTML, "serialization of an origin"). Written by hand rather than
/// with `url::Origin::ascii_serialization`, which formats through `core::fmt`.
pub(crate) fn serialize_origin(url: &Url, out: &mut alloc::vec::Vec<u8>) -> bool {
    let tuple = matches!(url.scheme(), "http" | "https" | "ws" | "wss" | "ftp");
    let Some(host) = url.host_str().filter(|_| tuple) else {
        return false;
    };
    out.extend_from_slice(url.scheme().as_bytes());
    out.extend_from_slice(b"://");
    out.extend_from_slice(host.as_bytes());
    if let Some(port) = url.port() {
        out.push(b':');
        let mut digits = [0u8; 5];
        let mut n = port;
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        out.extend_from_slice(&digits[i..]);
    }
    true
}

/// The request's origin, resolved: a URL of it, or opaque.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RequestOrigin<'a> {
    Of(&'a Url),
    Opaque,
}

impl<'a> RequestOrigin<'a> {
    /// The request's origin: the one given (explicit, or named by a caller-set `Origin` or
    /// the referrer), else `first_url`'s.
    pub(crate) fn resolve(given: Option<&'a GivenOrigin>, first_url: &'a Url) -> Self {
        match given {
            None => RequestOrigin::Of(first_url),
            Some(GivenOrigin::Tuple(origin)) => RequestOrigin::Of(origin),
            Some(GivenOrigin::Opaque) => RequestOrigin::Opaque,
        }
    }

    pub(crate) fn same_origin(self, url: &Url) -> bool {
        match self {
            RequestOrigin::Of(o) => same_origin(o, url),
            RequestOrigin::Opaque => false,
        }
    }

    fn same_site(self, url: &Url) -> bool {
        match self {
            RequestOrigin::Of(o) => same_site(o, url),
            RequestOrigin::Opaque => false,
        }
    }

    /// Appends the serialization (`https://app.test`, or `null`) to `out`.
    pub(crate) fn serialize_into(self, out: &mut alloc::vec::Vec<u8>) {
        match self {
            RequestOrigin::Of(o) => {
                if !serialize_origin(o, out) {
                    out.extend_from_slice(b"null");
                }
            }
            RequestOrigin::Opaque => out.extend_from_slice(b"null"),
        }
    }
}

/// Same scheme and host (a site without a public suffix list; see [`RedirectTaint`]).
fn same_site(a: &Url, b: &Url) -> bool {
    a.has_host() && a.scheme() == b.scheme() && a.host_str() == b.host_str()
}

/// The taint one redirect from `from` to `to` adds (Fetch, "compute a request's
/// redirect-taint", one step of its loop).
pub(crate) fn hop_taint(origin: RequestOrigin<'_>, from: &Url, to: &Url) -> RedirectTaint {
    if !same_site(to, from) && !origin.same_site(from) {
        RedirectTaint::CrossSite
    } else if !same_origin(to, from) && !origin.same_origin(from) {
        RedirectTaint::SameSite
    } else {
        RedirectTaint::SameOrigin
    }
}

/// The facts of one request that decide its `Origin` in a mode.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OriginFacts<'a> {
    pub(crate) mode: RequestMode,
    pub(crate) method: Method,
    /// Response tainting is `cors`.
    pub(crate) cors_tainting: bool,
    pub(crate) taint: RedirectTaint,
    pub(crate) referrer_policy: ReferrerPolicy,
    pub(crate) origin: RequestOrigin<'a>,
    /// The request's current URL.
    pub(crate) url: &'a Url,
}

/// Fetch, "append a request `Origin` header", for the request `f` describes.
pub(crate) fn decide_origin(f: &OriginFacts<'_>) -> OriginDecision {
    let serialized = |why| match (f.taint, f.origin) {
        (RedirectTaint::SameOrigin, RequestOrigin::Of(_)) => OriginDecision {
            sent: OriginSent::Origin,
            why,
        },
        (RedirectTaint::SameOrigin, RequestOrigin::Opaque) => OriginDecision {
            sent: OriginSent::Null,
            why: OriginWhy::Opaque,
        },
        _ => OriginDecision {
            sent: OriginSent::Null,
            why: OriginWhy::RedirectTainted,
        },
    };
    if f.cors_tainting {
        return serialized(OriginWhy::CorsTainting);
    }
    if matches!(f.method, Method::Get | Method::Head) {
        return OriginDecision {
            sent: OriginSent::None,
            why: OriginWhy::SafeMethod,
        };
    }
    if f.mode != RequestMode::Cors && referrer_policy_nulls(f) {
        return OriginDecision {
            sent: OriginSent::Null,
            why: OriginWhy::ReferrerPolicy,
        };
    }
    serialized(OriginWhy::UnsafeMethod)
}

/// Whether the referrer policy makes the `Origin` of a non-GET/HEAD request `null` (Fetch,
/// "append a request `Origin` header", step 4.1).
fn referrer_policy_nulls(f: &OriginFacts<'_>) -> bool {
    use ReferrerPolicy as P;
    match f.referrer_policy {
        P::NoReferrer => true,
        P::NoReferrerWhenDowngrade | P::StrictOrigin | P::StrictOriginWhenCrossOrigin => {
            matches!(f.origin, RequestOrigin::Of(o) if o.scheme() == "https")
                && f.url.scheme() != "https"
        }
        P::SameOrigin => !f.origin.same_origin(f.url),
        P::Origin | P::OriginWhenCrossOrigin | P::UnsafeUrl => false,
    }
}

/// Whether `url` includes credentials (Fetch: a non-empty username or password).
pub(crate) fn includes_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some_and(|p| !p.is_empty())
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
    fn given_origin_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("https://app.test", Some("https://app.test/")),
            ("http://a.test:8080", Some("http://a.test:8080/")),
            ("http://[::1]:8080", Some("http://[::1]:8080/")),
            ("null", None),
            ("https://app.test/", None),
            ("https://APP.test", None),
            ("https://app.test:443", None),
            ("https://app.test/x", None),
            ("app.test", None),
            ("", None),
            ("data:,x", None),
            ("NULL", None),
        ];
        for &(value, want) in cases {
            let got = GivenOrigin::parse(value.as_bytes());
            match (want, &got) {
                (Some(w), Some(GivenOrigin::Tuple(url))) => assert_eq!(url.as_str(), w, "{value}"),
                (None, Some(GivenOrigin::Opaque)) => assert_eq!(value, "null"),
                (None, None) => {}
                _ => panic!("{value}: {got:?}, want {want:?}"),
            }
        }
    }

    /// Fetch, "compute a request's redirect-taint": one row per case of one hop.
    #[test]
    fn hop_taint_table() {
        use RedirectTaint::{CrossSite as X, SameOrigin as O, SameSite as S};
        let app = u("https://app.test/");
        let cases: &[(Option<&Url>, &str, &str, RedirectTaint)] = &[
            // From the request's own origin: never tainted.
            (Some(&app), "https://app.test/a", "https://evil.test/", O),
            // Within one origin: never tainted.
            (Some(&app), "https://api.test/a", "https://api.test/b", O),
            // From another origin to another site.
            (Some(&app), "https://api.test/a", "https://evil.test/", X),
            // ... back to the request's origin: still another site than api.test.
            (
                Some(&app),
                "https://api.test/a",
                "https://app.test/admin",
                X,
            ),
            // Same host, another port: another origin, the same site.
            (Some(&app), "https://api.test/", "https://api.test:8443/", S),
            // Same host, another scheme: another site (schemeful).
            (Some(&app), "https://api.test/", "http://api.test/", X),
            // From a URL of the request's site but another origin: same-site at worst.
            (
                Some(&app),
                "https://app.test:8443/",
                "https://evil.test/",
                S,
            ),
            (
                Some(&app),
                "https://app.test:8443/",
                "https://app.test:9443/",
                S,
            ),
            // An opaque request origin is same-origin with nothing.
            (None, "https://api.test/", "https://api.test/x", O),
            (None, "https://api.test/", "https://api.test:1/", S),
            (None, "https://api.test/", "https://b.test/", X),
        ];
        let mut failed = Vec::new();
        for (i, &(origin, from, to, want)) in cases.iter().enumerate() {
            let origin = origin.map_or(RequestOrigin::Opaque, RequestOrigin::Of);
            let got = hop_taint(origin, &u(from), &u(to));
            if got != want {
                failed.push(format!("row {i}: {from} -> {to}: {got:?}, want {want:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// Fetch, "append a request `Origin` header": one row per branch.
    #[test]
    fn origin_header_table() {
        use OriginSent::{None as N, Null, Origin as S};
        use OriginWhy::{CorsTainting, Opaque, RedirectTainted, SafeMethod, UnsafeMethod};
        use ReferrerPolicy as P;
        use RequestMode::{Cors, NoCors, SameOrigin as Same};
        let https = u("https://app.test/");
        let http_url = u("http://app.test/");
        let other = u("https://other.test/");
        let mine = u("https://app.test/x");
        type Row<'a> = (
            RequestMode,
            Method,
            bool,
            RedirectTaint,
            ReferrerPolicy,
            Option<&'a Url>,
            &'a Url,
            OriginSent,
            OriginWhy,
        );
        let t0 = RedirectTaint::SameOrigin;
        let tx = RedirectTaint::CrossSite;
        let dflt = P::StrictOriginWhenCrossOrigin;
        let cases: &[Row<'_>] = &[
            (
                Cors,
                Method::Get,
                true,
                t0,
                dflt,
                Some(&https),
                &other,
                S,
                CorsTainting,
            ),
            (
                Cors,
                Method::Get,
                true,
                tx,
                dflt,
                Some(&https),
                &other,
                Null,
                RedirectTainted,
            ),
            (
                Cors,
                Method::Head,
                false,
                t0,
                dflt,
                Some(&https),
                &mine,
                N,
                SafeMethod,
            ),
            (
                NoCors,
                Method::Get,
                false,
                t0,
                dflt,
                Some(&https),
                &other,
                N,
                SafeMethod,
            ),
            (
                NoCors,
                Method::Post,
                false,
                t0,
                dflt,
                Some(&https),
                &other,
                S,
                UnsafeMethod,
            ),
            (
                Same,
                Method::Delete,
                false,
                tx,
                dflt,
                Some(&https),
                &mine,
                Null,
                RedirectTainted,
            ),
            (
                NoCors,
                Method::Post,
                false,
                t0,
                dflt,
                None,
                &mine,
                Null,
                Opaque,
            ),
            // The referrer policy, in no-cors and same-origin modes only.
            (
                NoCors,
                Method::Post,
                false,
                t0,
                P::NoReferrer,
                Some(&https),
                &mine,
                Null,
                OriginWhy::ReferrerPolicy,
            ),
            (
                Cors,
                Method::Post,
                false,
                t0,
                P::NoReferrer,
                Some(&https),
                &mine,
                S,
                UnsafeMethod,
            ),
            (
                NoCors,
                Method::Put,
                false,
                t0,
                dflt,
                Some(&https),
                &http_url,
                Null,
                OriginWhy::ReferrerPolicy,
            ),
            (
                NoCors,
                Method::Put,
                false,
                t0,
                P::StrictOrigin,
                Some(&https),
                &http_url,
                Null,
                OriginWhy::ReferrerPolicy,
            ),
            (
                NoCors,
                Method::Put,
                false,
                t0,
                P::NoReferrerWhenDowngrade,
                Some(&https),
                &http_url,
                Null,
                OriginWhy::ReferrerPolicy,
            ),
            (
                NoCors,
                Method::Put,
                false,
                t0,
                P::Origin,
                Some(&https),
                &http_url,
                S,
                UnsafeMethod,
            ),
            (
                NoCors,
                Method::Put,
                false,
                t0,
                dflt,
                Some(&http_url),
                &http_url,
                S,
                UnsafeMethod,
            ),
            (
                Same,
                Method::Post,
                false,
                t0,
                P::SameOrigin,
                Some(&https),
                &other,
                Null,
                OriginWhy::ReferrerPolicy,
            ),
            (
                Same,
                Method::Post,
                false,
                t0,
                P::SameOrigin,
                Some(&https),
                &mine,
                S,
                UnsafeMethod,
            ),
            (
                NoCors,
                Method::Post,
                false,
                t0,
                P::UnsafeUrl,
                Some(&https),
                &http_url,
                S,
                UnsafeMethod,
            ),
            (
                NoCors,
                Method::Post,
                false,
                t0,
                P::OriginWhenCrossOrigin,
                Some(&https),
                &other,
                S,
                UnsafeMethod,
            ),
        ];
        let mut failed = Vec::new();
        for (i, &(mode, method, cors_tainting, taint, referrer_policy, origin, url, sent, why)) in
            cases.iter().enumerate()
        {
            let facts = OriginFacts {
                mode,
                method,
                cors_tainting,
                taint,
                referrer_policy,
                origin: origin.map_or(RequestOrigin::Opaque, RequestOrigin::Of),
                url,
            };
            let got = decide_origin(&facts);
            if got != (OriginDecision { sent, why }) {
                failed.push(format!("row {i}: {got:?}, want {sent:?} {why:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn origin_serialization_table() {
        for (url, want) in [
            ("https://app.test/x?q#f", Some("https://app.test")),
            ("https://app.test:443/", Some("https://app.test")),
            ("http://a.test:8080/", Some("http://a.test:8080")),
            ("http://a.test:1/", Some("http://a.test:1")),
            ("http://a.test:65535/", Some("http://a.test:65535")),
            ("http://a.test:0/", Some("http://a.test:0")),
            ("http://[::1]:80/", Some("http://[::1]")),
            ("wss://w.test/", Some("wss://w.test")),
            ("ftp://f.test:21/", Some("ftp://f.test")),
            ("http://u:p@a.test/", Some("http://a.test")),
            ("file:///etc/passwd", None),
            ("data:,x", None),
            ("blob:https://a.test/uuid", None),
            ("gopher://g.test/", None),
        ] {
            let mut out = Vec::new();
            let tuple = serialize_origin(&u(url), &mut out);
            let got = tuple.then(|| core::str::from_utf8(&out).unwrap());
            assert_eq!(got, want, "{url}");
            if let Some(w) = want {
                assert_eq!(u(url).origin().ascii_serialization(), w, "{url}");
            }
        }
    }

    #[test]
    fn credentials_table() {
        for (url, want) in [
            ("http://u:p@b.test/", true),
            ("http://u@b.test/", true),
            ("http://:p@b.test/", true),
            ("http://@b.test/", false),
            ("http://:@b.test/", false),
            ("http://b.test/", false),
        ] {
            assert_eq!(includes_credentials(&u(url)), want, "{url}");
        }
        assert_eq!(RequestMode::from_name("no-cors"), Some(RequestMode::NoCors));
        assert_eq!(RequestMode::from_name("navigate"), None);
        for m in [
            RequestMode::Cors,
            RequestMode::NoCors,
            RequestMode::SameOrigin,
        ] {
            assert_eq!(RequestMode::from_name(m.name()), Some(m));
        }
    }
}
