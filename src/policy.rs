//! What the machine follows, and how far.

use alloc::boxed::Box;
use alloc::vec::Vec;

use arrayvec::{ArrayString, ArrayVec};

use url::Url;

use crate::error::Error;
use crate::method::{Method, is_token};

/// The longest scheme name [`Policy::allowed_schemes`] takes, in bytes.
pub const MAX_SCHEME_LEN: usize = 16;
/// How many schemes [`Policy::allowed_schemes`] takes.
pub const MAX_SCHEMES: usize = 8;
/// The default limit on the size of a response head, in bytes (64 KiB).
pub const DEFAULT_MAX_HEAD_SIZE: usize = 64 * 1024;

/// A named set of defaults. The profile fixes the *rules*; the [`Policy`] setters override
/// the *values*.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Profile {
    /// WHATWG Fetch, as browsers do it: 301/302/303/307/308 followed, POST->GET on
    /// 301/302, everything but HEAD->GET on 303, credentials stripped on any cross-origin hop,
    /// fragment inherited, https->http allowed, 20 redirects.
    Fetch,
    /// `Fetch` plus: https->http refused ([`Error::InsecureRedirect`]), 10 redirects.
    Strict,
    /// What `curl -L` (curl 8.x, command-line defaults) does; see the crate docs for every
    /// point where it differs from `Fetch`.
    Curl,
}

impl Profile {
    /// The profile with this name (`"fetch"`, `"strict"`), as used by the conformance vectors.
    pub fn from_name(name: &str) -> Option<Profile> {
        match name {
            "fetch" => Some(Profile::Fetch),
            "strict" => Some(Profile::Strict),
            "curl" => Some(Profile::Curl),
            _ => None,
        }
    }

    /// The profile's name.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Fetch => "fetch",
            Profile::Strict => "strict",
            Profile::Curl => "curl",
        }
    }
}

/// When credentials (`Authorization`, `Cookie`, `Proxy-Authorization`, a caller-set
/// `Host`, and names added with [`Policy::with_credential_header`]) go along on a hop.
///
/// Whatever the rule, origins named with [`Policy::with_trusted_origin`] also receive them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CredentialRule {
    /// Only to the same origin (scheme, host, port). Under `fetch` and `strict` they are
    /// removed on the first hop to another origin and never come back; under `curl` they
    /// are sent on every hop whose origin is the first request's origin.
    #[default]
    SameOrigin,
    /// As `SameOrigin`, and also kept on an `http` -> `https` hop to the same host with
    /// both ports the schemes' defaults (what `requests` and `httpx` do).
    SameOriginOrHttpsUpgrade,
}

/// What a redirect that needs the request body again does when the body was
/// [`Body::Streamed`](crate::Body::Streamed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnreplayableBody {
    /// [`Error::BodyNotReplayable`] (Fetch, curl).
    #[default]
    Error,
    /// The 3xx is the final response (what Go's `net/http` and `reqwest` do).
    Final,
}

/// A method rewrite the profile asks for on a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rewrite {
    /// The method of the next request.
    pub(crate) method: Method,
    /// 301/302 (`true`) or 303 (`false`).
    pub(crate) post_to_get: bool,
}

/// How the machine decides: a [`Profile`] plus values the caller may override.
///
/// ```
/// use redirects::Policy;
/// let p = Policy::fetch()
///     .with_max_redirects(5)
///     .with_credential_header("X-Api-Key").unwrap();
/// assert_eq!(p.max_redirects(), 5);
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    profile: Profile,
    max_redirects: u32,
    allowed_schemes: ArrayVec<ArrayString<MAX_SCHEME_LEN>, MAX_SCHEMES>,
    allow_downgrade: bool,
    max_head_size: usize,
    extra_credentials: Vec<Box<str>>,
    credential_rule: CredentialRule,
    trusted: Vec<Url>,
    unreplayable: UnreplayableBody,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::fetch()
    }
}

impl Policy {
    /// The `fetch` profile (the default).
    pub fn fetch() -> Policy {
        Policy::new(Profile::Fetch)
    }

    /// The `strict` profile.
    pub fn strict() -> Policy {
        Policy::new(Profile::Strict)
    }

    /// The defaults of `profile`.
    pub fn new(profile: Profile) -> Policy {
        let mut allowed_schemes = ArrayVec::new();
        for s in ["http", "https"] {
            if let Ok(s) = ArrayString::from(s) {
                allowed_schemes.push(s);
            }
        }
        let (max_redirects, allow_downgrade) = match profile {
            Profile::Fetch => (20, true),
            Profile::Strict => (10, false),
            // curl's command line sets CURLOPT_MAXREDIRS to 50 (src/tool_main.h).
            Profile::Curl => (50, true),
        };
        Policy {
            profile,
            max_redirects,
            allowed_schemes,
            allow_downgrade,
            max_head_size: DEFAULT_MAX_HEAD_SIZE,
            extra_credentials: Vec::new(),
            credential_rule: CredentialRule::SameOrigin,
            trusted: Vec::new(),
            unreplayable: UnreplayableBody::Error,
        }
    }

    /// How many redirects are followed; the next one is [`Error::TooManyRedirects`].
    /// `0` refuses every redirect (a 3xx without a usable `Location` is still final).
    pub fn with_max_redirects(mut self, n: u32) -> Policy {
        self.max_redirects = n;
        self
    }

    /// Whether an `https` URL may redirect to `http` (credentials are stripped either way,
    /// since the origin changes).
    pub fn with_allow_downgrade(mut self, allow: bool) -> Policy {
        self.allow_downgrade = allow;
        self
    }

    /// The schemes a redirect may go to, lower case (default `http`, `https`). A scheme
    /// outside the set is [`Error::SchemeNotAllowed`]. The machine only writes HTTP/1.1
    /// heads: a caller that allows another scheme handles that hop itself.
    pub fn with_allowed_schemes<'s>(
        mut self,
        schemes: impl IntoIterator<Item = &'s str>,
    ) -> Result<Policy, Error> {
        let mut set = ArrayVec::new();
        for s in schemes {
            let valid = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b));
            if !valid {
                return Err(Error::InvalidPolicy(
                    "scheme must be a lower-case URL scheme",
                ));
            }
            let s = ArrayString::from(s)
                .map_err(|_| Error::InvalidPolicy("scheme longer than MAX_SCHEME_LEN"))?;
            set.try_push(s)
                .map_err(|_| Error::InvalidPolicy("more than MAX_SCHEMES schemes"))?;
        }
        self.allowed_schemes = set;
        Ok(self)
    }

    /// The largest response head accepted, in bytes, 1xx interim heads of the same
    /// response included (default 64 KiB). Must be at least 16 and below 4 GiB.
    pub fn with_max_head_size(mut self, bytes: usize) -> Result<Policy, Error> {
        if bytes < 16 || u32::try_from(bytes).is_err() {
            return Err(Error::InvalidPolicy("max head size not in 16..4 GiB"));
        }
        self.max_head_size = bytes;
        Ok(self)
    }

    /// Treats one more header name as a credential: like `Authorization`, it is removed on
    /// the first cross-origin hop and never comes back.
    pub fn with_credential_header(mut self, name: &str) -> Result<Policy, Error> {
        if !is_token(name.as_bytes()) {
            return Err(Error::InvalidPolicy(
                "credential header name is not a token",
            ));
        }
        self.extra_credentials.push(name.into());
        Ok(self)
    }

    /// When credentials go along on a hop (default [`CredentialRule::SameOrigin`]).
    pub fn with_credential_rule(mut self, rule: CredentialRule) -> Policy {
        self.credential_rule = rule;
        self
    }

    /// Lets credentials go to one more origin (`scheme://host[:port]`, any path is
    /// ignored): curl's `--location-trusted`, but scoped to the origins you name.
    ///
    /// ```
    /// use redirects::Policy;
    /// let p = Policy::fetch().with_trusted_origin("https://api.example.com")?;
    /// assert!(Policy::fetch().with_trusted_origin("not a url").is_err());
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn with_trusted_origin(mut self, origin: &str) -> Result<Policy, Error> {
        let url =
            Url::parse(origin).map_err(|_| Error::InvalidPolicy("trusted origin is not a URL"))?;
        if url.host().is_none() {
            return Err(Error::InvalidPolicy("trusted origin has no host"));
        }
        self.trusted.push(url);
        Ok(self)
    }

    /// What a redirect that needs a streamed body again does (default: an error).
    pub fn with_unreplayable_body(mut self, what: UnreplayableBody) -> Policy {
        self.unreplayable = what;
        self
    }

    /// The credential rule.
    pub fn credential_rule(&self) -> CredentialRule {
        self.credential_rule
    }

    /// What a redirect that needs a streamed body again does.
    pub fn unreplayable_body(&self) -> UnreplayableBody {
        self.unreplayable
    }

    /// The profile this policy was built from.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// The redirect limit.
    pub fn max_redirects(&self) -> u32 {
        self.max_redirects
    }

    /// Whether https -> http is followed.
    pub fn allow_downgrade(&self) -> bool {
        self.allow_downgrade
    }

    /// The head size limit in bytes.
    pub fn max_head_size(&self) -> usize {
        self.max_head_size
    }

    /// The schemes redirects may go to.
    pub fn allowed_schemes(&self) -> impl Iterator<Item = &str> {
        self.allowed_schemes.iter().map(|s| s.as_str())
    }

    pub(crate) fn scheme_allowed(&self, scheme: &str) -> bool {
        self.allowed_schemes.iter().any(|s| s.as_str() == scheme)
    }

    pub(crate) fn inherit_fragment(&self) -> bool {
        matches!(self.profile, Profile::Fetch | Profile::Strict)
    }

    /// curl fails on two different `Location` fields whatever the status ("Multiple
    /// Location headers", lib/http.c `http_header_l`); Fetch only reads `Location` on a
    /// redirect status.
    pub(crate) fn conflict_on_any_status(&self) -> bool {
        self.profile == Profile::Curl
    }

    /// Whether `status` (with a usable `Location`) is followed at all.
    pub(crate) fn is_redirect(&self, status: u16) -> bool {
        match self.profile {
            Profile::Fetch | Profile::Strict => matches!(status, 301 | 302 | 303 | 307 | 308),
            // curl follows every 3xx with a Location (lib/http.c, http_header_l).
            Profile::Curl => (300..400).contains(&status),
        }
    }

    /// The rewrite for `status` answering `method`, if any: the next method, and the body
    /// (if one is attached) is dropped. 303 always drops the body (DESIGN: "303: next is
    /// GET without body, except HEAD stays HEAD"; curl's `http_switch_to_get` likewise).
    pub(crate) fn rewrite(&self, status: u16, method: Method) -> Option<Rewrite> {
        let to = |method, post_to_get| {
            Some(Rewrite {
                method,
                post_to_get,
            })
        };
        match (status, method) {
            (301 | 302, Method::Post) => to(Method::Get, true),
            (303, Method::Head) => to(Method::Head, false),
            (303, Method::Get | Method::Post | Method::Put) => to(Method::Get, false),
            // curl sends an `-X` method again on 303 ("Stick to DELETE instead of GET"),
            // but without the body (lib/http.c, http_switch_to_get).
            (303, m) if self.profile == Profile::Curl => to(m, false),
            (303, _) => to(Method::Get, false),
            _ => None,
        }
    }

    /// Whether a redirect with `status` needs the body again, given the rewrite.
    pub(crate) fn needs_body(&self, status: u16, rewrite: Option<Rewrite>) -> bool {
        match self.profile {
            // Fetch checks before rewriting: only 303 is exempt (HTTP-redirect fetch).
            Profile::Fetch | Profile::Strict => status != 303,
            // curl fails only when it must rewind and does not switch to GET.
            Profile::Curl => rewrite.is_none(),
        }
    }

    /// Fetch removes every request-body header on a rewrite; curl keeps the caller's
    /// custom headers but a GET cannot carry the body's framing.
    pub(crate) fn drops_all_body_headers(&self) -> bool {
        self.profile != Profile::Curl
    }

    /// Credentials follow the first origin (curl: sent again when the chain comes back)
    /// rather than being removed for good on the first cross-origin hop (Fetch).
    pub(crate) fn credentials_follow_first_origin(&self) -> bool {
        self.profile == Profile::Curl
    }

    /// Whether credentials set for `from` may go to `to`.
    pub(crate) fn credentials_allowed(&self, from: &Url, to: &Url) -> bool {
        use crate::location::same_origin;
        if same_origin(from, to) || self.trusted.iter().any(|t| same_origin(t, to)) {
            return true;
        }
        self.credential_rule == CredentialRule::SameOriginOrHttpsUpgrade
            && from.scheme() == "http"
            && to.scheme() == "https"
            && from.host().is_some()
            && from.host() == to.host()
            && from.port().is_none()
            && to.port().is_none()
    }

    pub(crate) fn is_extra_credential(&self, name: &str) -> bool {
        self.extra_credentials
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_defaults() {
        let f = Policy::fetch();
        assert_eq!((f.max_redirects(), f.allow_downgrade()), (20, true));
        let s = Policy::strict();
        assert_eq!((s.max_redirects(), s.allow_downgrade()), (10, false));
        assert!(f.scheme_allowed("http") && f.scheme_allowed("https"));
        assert!(!f.scheme_allowed("ftp"));
    }

    #[test]
    fn rewrite_table() {
        use Method::*;
        let ext = Method::parse("PROPFIND").unwrap();
        // (status, method, fetch's next method, curl's next method, body dropped).
        let cases = [
            (301, Post, Get, Get, true),
            (302, Post, Get, Get, true),
            (301, Put, Put, Put, false),
            (302, Delete, Delete, Delete, false),
            (303, Post, Get, Get, true),
            (303, Put, Get, Get, true),
            (303, Get, Get, Get, true),
            (303, Head, Head, Head, true),
            (303, Delete, Get, Delete, true),
            (303, ext, Get, ext, true),
            (307, Post, Post, Post, false),
            (308, Post, Post, Post, false),
            (300, Post, Post, Post, false),
        ];
        for (status, method, fetch, curl, drop) in cases {
            let f = Policy::fetch().rewrite(status, method);
            let c = Policy::new(Profile::Curl).rewrite(status, method);
            let next = |r: Option<Rewrite>| r.map_or(method, |r| r.method);
            assert_eq!((next(f), next(c)), (fetch, curl), "{status} {method}");
            assert_eq!(
                (f.is_some(), c.is_some()),
                (drop, drop),
                "{status} {method}"
            );
        }
    }

    #[test]
    fn redirect_status_table() {
        let curl = Policy::new(Profile::Curl);
        for status in [300, 301, 302, 303, 304, 305, 306, 307, 308, 399] {
            let fetch_follows = matches!(status, 301 | 302 | 303 | 307 | 308);
            assert_eq!(
                Policy::fetch().is_redirect(status),
                fetch_follows,
                "{status}"
            );
            assert!(curl.is_redirect(status), "{status}");
        }
        assert!(!curl.is_redirect(200) && !curl.is_redirect(400));
    }

    #[test]
    fn credential_rule_table() {
        let u = |s: &str| Url::parse(s).unwrap();
        let upgrade =
            Policy::fetch().with_credential_rule(CredentialRule::SameOriginOrHttpsUpgrade);
        let trusted = Policy::fetch()
            .with_trusted_origin("https://b.test:8443/ignored")
            .unwrap();
        let cases = [
            ("http://a.test/", "http://a.test/x", true, true, true),
            ("http://a.test/", "https://a.test/", false, true, false),
            (
                "http://a.test:8080/",
                "https://a.test/",
                false,
                false,
                false,
            ),
            ("https://a.test/", "http://a.test/", false, false, false),
            ("http://a.test/", "https://b.test/", false, false, false),
            ("http://a.test/", "https://b.test:8443/", false, false, true),
        ];
        for (from, to, same, up, tr) in cases {
            let (from, to) = (u(from), u(to));
            assert_eq!(
                Policy::fetch().credentials_allowed(&from, &to),
                same,
                "{from} {to}"
            );
            assert_eq!(upgrade.credentials_allowed(&from, &to), up, "{from} {to}");
            assert_eq!(trusted.credentials_allowed(&from, &to), tr, "{from} {to}");
        }
    }

    #[test]
    fn scheme_validation() {
        let bad: &[&[&str]] = &[&["HTTP"], &[""], &["h ttp"], &["aaaaaaaaaaaaaaaaa"]];
        for set in bad {
            assert!(
                Policy::fetch()
                    .with_allowed_schemes(set.iter().copied())
                    .is_err(),
                "{set:?}"
            );
        }
        let p = Policy::fetch().with_allowed_schemes(["https"]).unwrap();
        assert!(!p.scheme_allowed("http"));
        let nine = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        assert!(Policy::fetch().with_allowed_schemes(nine).is_err());
    }

    #[test]
    fn credential_names_are_case_insensitive() {
        let p = Policy::fetch().with_credential_header("X-Api-Key").unwrap();
        assert!(p.is_extra_credential("x-api-key"));
        assert!(Policy::fetch().with_credential_header("bad name").is_err());
    }
}
