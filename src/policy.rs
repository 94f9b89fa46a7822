//! A policy: the rules of a profile plus the caller's values.

use alloc::boxed::Box;
use alloc::vec::Vec;

use url::Url;

use crate::error::{Error, InvalidPolicy};
use crate::hsts::{DEFAULT_MAX_LEARNED_HSTS_HOSTS, HstsHosts};
use crate::location::same_origin;
use crate::referrer::ReferrerPolicy;
use crate::rules::{PostRedirect, Rules};
use crate::syntax::is_token;

/// The longest scheme name [`Policy::with_allowed_schemes`] takes, in bytes.
const MAX_SCHEME_LEN: usize = 16;
/// How many schemes [`Policy::with_allowed_schemes`] takes.
const MAX_SCHEMES: usize = 8;
/// The schemes a redirect may go to: `http` and `https` as two flags, any other by its
/// name (none unless the caller allows one), so that the policy a layer clones for every
/// request copies two flags and an empty list, not eight names' room.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Schemes {
    http: bool,
    https: bool,
    other: Vec<Box<str>>,
}

impl Schemes {
    fn contains(&self, scheme: &str) -> bool {
        match scheme {
            "http" => self.http,
            "https" => self.https,
            _ => self.other.iter().any(|s| **s == *scheme),
        }
    }
}

/// The default limit on the size of a response head, in bytes (64 KiB).
pub const DEFAULT_MAX_HEAD_SIZE: usize = 64 * 1024;
/// The smallest head size limit [`Policy::with_max_head_size`] takes.
const MIN_HEAD_SIZE: usize = 16;
/// The default limit on the number of header fields of a response head.
pub const DEFAULT_MAX_HEADER_FIELDS: usize = 256;
/// The largest field limit [`Policy::with_max_header_fields`] takes.
const MAX_HEADER_FIELDS: usize = u16::MAX as usize;

/// When credentials (`Authorization`, `Cookie`, `Proxy-Authorization`, a caller-set
/// `Host`, and names added with [`Policy::with_credential_header`]) go along to another
/// request of the chain.
///
/// Whatever the rule, origins named with [`Policy::with_trusted_origin`] also receive them
/// (proxy credentials excepted). How long a refused credential stays away is the profile's:
/// under `fetch` and `strict` it is removed for good; under `curl` it is sent again on any
/// later request the rule allows (back on its first origin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CredentialRule {
    /// Only to the same origin (scheme, host, port) as the request they were set for.
    #[default]
    SameOrigin,
    /// As `SameOrigin`, and also on an `http` -> `https` redirect to the same host with
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

/// How the machine decides: the [`Rules`] of a profile plus values the caller may
/// override.
///
/// ```
/// use redirects::{Policy, Rules};
/// let p = Policy::fetch()
///     .with_max_redirects(5)
///     .with_credential_header("X-Api-Key")?;
/// assert_eq!(p.max_redirects(), 5);
/// assert_eq!(Policy::curl().rules(), &Rules::CURL);
/// assert_eq!(Policy::new(&Rules::STRICT).max_redirects(), 10);
/// # Ok::<(), redirects::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    rules: &'static Rules,
    max_redirects: u32,
    allowed_schemes: Schemes,
    allow_downgrade: bool,
    max_head_size: usize,
    /// At most [`MAX_HEADER_FIELDS`], so it fits in 16 bits.
    max_header_fields: u16,
    extra_credentials: Vec<Box<str>>,
    credential_rule: CredentialRule,
    trusted: Vec<Url>,
    unreplayable: UnreplayableBody,
    referrer_policy: ReferrerPolicy,
    auto_referer: bool,
    post_redirect: PostRedirect,
    blocked_ports: bool,
    hsts: HstsHosts,
    max_learned_hsts: u32,
    learn_hsts: bool,
    block_private_targets: bool,
}

/// Fetch's "bad port" list (the table under "port blocking"): ports of other protocols
/// that a browser never connects to over HTTP(S).
pub const BAD_PORTS: [u16; 83] = [
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101,
    102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427,
    465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990,
    993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667,
    6668, 6669, 6679, 6697, 10080,
];

impl Default for Policy {
    fn default() -> Self {
        Policy::fetch()
    }
}

impl Policy {
    /// The `fetch` profile ([`Rules::FETCH`], the default).
    pub fn fetch() -> Policy {
        Policy::new(&Rules::FETCH)
    }

    /// The `strict` profile ([`Rules::STRICT`]).
    pub fn strict() -> Policy {
        Policy::new(&Rules::STRICT)
    }

    /// The `curl` profile ([`Rules::CURL`]).
    pub fn curl() -> Policy {
        Policy::new(&Rules::CURL)
    }

    /// The defaults of a profile's rules.
    pub fn new(rules: &'static Rules) -> Policy {
        let allowed_schemes = Schemes {
            http: true,
            https: true,
            other: Vec::new(),
        };
        Policy {
            rules,
            max_redirects: rules.max_redirects,
            allowed_schemes,
            allow_downgrade: rules.allow_downgrade,
            max_head_size: DEFAULT_MAX_HEAD_SIZE,
            max_header_fields: DEFAULT_MAX_HEADER_FIELDS as u16,
            extra_credentials: Vec::new(),
            credential_rule: CredentialRule::SameOrigin,
            trusted: Vec::new(),
            unreplayable: UnreplayableBody::Error,
            referrer_policy: ReferrerPolicy::StrictOriginWhenCrossOrigin,
            auto_referer: false,
            post_redirect: PostRedirect::NONE,
            blocked_ports: rules.blocked_ports,
            hsts: HstsHosts::default(),
            max_learned_hsts: DEFAULT_MAX_LEARNED_HSTS_HOSTS as u32,
            learn_hsts: rules.learn_hsts,
            block_private_targets: rules.block_private_targets,
        }
    }

    /// Whether a redirect into a less public address space than the chain's first URL is
    /// [`Error::PrivateTarget`] (WICG Private Network Access: public > private > local; see
    /// [`AddressSpace`](crate::AddressSpace)). Default on under `strict`, off under `fetch`
    /// and `curl`.
    ///
    /// The machine sees host names, not the addresses they resolve to: a caller who wants
    /// SSRF protection MUST also call [`Follow::check_address`](crate::Follow::check_address)
    /// with the address it is about to connect to, before every connection.
    pub fn with_block_private_targets(mut self, block: bool) -> Policy {
        self.block_private_targets = block;
        self
    }

    /// Whether redirects into a less public address space are refused.
    pub fn block_private_targets(&self) -> bool {
        self.block_private_targets
    }

    /// The referrer policy the chain starts with (default
    /// [`ReferrerPolicy::StrictOriginWhenCrossOrigin`]); a redirect's own `Referrer-Policy`
    /// header replaces it for the requests after it. The `curl` rules do not use it (see
    /// [`Policy::with_auto_referer`]).
    pub fn with_referrer_policy(mut self, policy: ReferrerPolicy) -> Policy {
        self.referrer_policy = policy;
        self
    }

    /// Under the `curl` rules, curl's `--referer ';auto'`: every redirected request carries
    /// the previous URL (without userinfo and fragment) as `Referer` (default off: the
    /// referrer given with [`Request::referrer`](crate::Request::referrer), if any, goes on
    /// every request as it is). The other profiles ignore it.
    pub fn with_auto_referer(mut self, auto: bool) -> Policy {
        self.auto_referer = auto;
        self
    }

    /// Under the `curl` rules, curl's `--post301`, `--post302` and `--post303`
    /// (`CURLOPT_POSTREDIR`): on these statuses a request of libcurl's POST kind
    /// ([`CurlBody::Data`](crate::CurlBody::Data): `-d`, `-F`, with or without `-X`) keeps
    /// its method, its body and the body's headers instead of switching to GET (default
    /// [`PostRedirect::NONE`]). Uploads, GET and HEAD are not affected (see
    /// [`PostRedirect`]). A body kept is sent again: a
    /// [`Body::Streamed`](crate::Body::Streamed) one then stops the chain as on a 307
    /// ([`Policy::with_unreplayable_body`]). The `fetch` and `strict` rules ignore it, as
    /// they ignore [`Request::curl`](crate::Request::curl): Fetch's method rewrite is not
    /// an option.
    ///
    /// ```
    /// use redirects::{Body, Event, Follow, Method, Policy, PostRedirect, Request};
    /// // curl -L --post302 -d 'a=1' http://a.test/form
    /// let keep = PostRedirect::of(&[302])?;
    /// let policy = Policy::curl().with_post_redirect(keep);
    /// assert_eq!(policy.post_redirect(), keep);
    /// let req = Request::new(Method::Post, "http://a.test/form")?
    ///     .header("Content-Length", "3")?
    ///     .body(Body::Replayable);
    /// let mut follow = Follow::new(req, policy)?;
    /// let head = b"HTTP/1.1 302 Found\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n";
    /// let Event::Redirect(r) = follow.handle_response(head)? else { panic!() };
    /// let next = r.request();
    /// assert_eq!((next.method(), next.sends_body()), (Method::Post, true));
    /// assert_eq!(next.header("content-length"), Some(&b"3"[..]));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn with_post_redirect(mut self, keep: PostRedirect) -> Policy {
        self.post_redirect = keep;
        self
    }

    /// The statuses on which curl's POST kind keeps its method
    /// ([`Policy::with_post_redirect`]).
    pub fn post_redirect(&self) -> PostRedirect {
        self.post_redirect
    }

    /// Whether a redirect to a port of Fetch's "bad port" list ([`BAD_PORTS`]) is
    /// [`Error::BlockedPort`] (default on under `fetch` and `strict`, off under `curl`).
    pub fn with_blocked_ports(mut self, block: bool) -> Policy {
        self.blocked_ports = block;
        self
    }

    /// Adds a host known to require https (an HSTS host, RFC 6797), with or without its
    /// subdomains: a redirect to `http://` on it goes to `https://` instead (port 80
    /// becomes 443; another explicit port is kept), and the redirect says so
    /// ([`Redirect::hsts_upgrade`](crate::Redirect::hsts_upgrade)). The host must be a
    /// domain (IP addresses are never HSTS hosts).
    ///
    /// ```
    /// use redirects::{Error, InvalidPolicy, Policy};
    /// let p = Policy::fetch().with_hsts_host("example.com", true)?;
    /// assert_eq!(
    ///     Policy::fetch().with_hsts_host("10.0.0.1", false).unwrap_err(),
    ///     Error::InvalidPolicy(InvalidPolicy::HstsHost)
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    pub fn with_hsts_host(mut self, host: &str, include_subdomains: bool) -> Result<Policy, Error> {
        let parsed = url::Host::parse(host).map_err(|_| InvalidPolicy::HstsHost)?;
        let url::Host::Domain(domain) = parsed else {
            return Err(InvalidPolicy::HstsHost.into());
        };
        let domain = domain.strip_suffix('.').unwrap_or(&domain);
        if domain.is_empty() {
            return Err(InvalidPolicy::HstsHost.into());
        }
        self.hsts.insert(domain, include_subdomains);
        Ok(self)
    }

    /// The most HSTS hosts a chain learns from its responses (default
    /// [`DEFAULT_MAX_LEARNED_HSTS_HOSTS`](crate::DEFAULT_MAX_LEARNED_HSTS_HOSTS), 64: more than a chain of any profile's default
    /// length meets); one more forgets the host learned longest ago, so a long chain of
    /// hosts that each send `Strict-Transport-Security` keeps bounded memory. The
    /// policy's own hosts ([`Policy::with_hsts_host`]) are not counted and never
    /// forgotten. 0 learns nothing.
    pub fn with_max_learned_hsts_hosts(mut self, max: usize) -> Policy {
        // A chain meets at most one host per response, which a u32 counts.
        self.max_learned_hsts = u32::try_from(max).unwrap_or(u32::MAX);
        self
    }

    /// The most HSTS hosts a chain learns ([`Policy::with_max_learned_hsts_hosts`]).
    pub fn max_learned_hsts_hosts(&self) -> usize {
        self.max_learned_hsts as usize
    }

    /// Whether the chain learns HSTS hosts from the `Strict-Transport-Security` header of
    /// its own `https` responses (default on under `fetch` and `strict`, off under `curl`,
    /// which learns only with `--hsts`).
    pub fn with_learn_hsts(mut self, learn: bool) -> Policy {
        self.learn_hsts = learn;
        self
    }

    /// The referrer policy the chain starts with.
    pub fn referrer_policy(&self) -> ReferrerPolicy {
        self.referrer_policy
    }

    /// Whether curl's `;auto` referer is on.
    pub fn auto_referer(&self) -> bool {
        self.auto_referer
    }

    /// Whether Fetch's bad ports are blocked.
    pub fn blocked_ports(&self) -> bool {
        self.blocked_ports
    }

    /// Whether HSTS hosts are learned from the chain's responses.
    pub fn learn_hsts(&self) -> bool {
        self.learn_hsts
    }

    pub(crate) fn hsts_hosts(&self) -> &HstsHosts {
        &self.hsts
    }

    /// Whether `url` goes to a bad port the policy blocks.
    pub(crate) fn port_blocked(&self, url: &Url) -> Option<u16> {
        let port = url.port()?;
        (self.blocked_ports
            && matches!(url.scheme(), "http" | "https")
            && BAD_PORTS.contains(&port))
        .then_some(port)
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

    /// The schemes a redirect may go to, lower case (default `http`, `https`): at most 8,
    /// each at most 16 bytes. A scheme outside the set is [`Error::SchemeNotAllowed`]. The
    /// machine only writes HTTP/1.1 heads: a caller that allows another scheme handles that
    /// request itself.
    ///
    /// ```
    /// use redirects::{Error, InvalidPolicy, Policy};
    /// assert!(Policy::fetch().with_allowed_schemes(["https"]).is_ok());
    /// let err = Policy::fetch().with_allowed_schemes(["HTTP"]).unwrap_err();
    /// assert_eq!(err, Error::InvalidPolicy(InvalidPolicy::SchemeSyntax));
    /// ```
    pub fn with_allowed_schemes<'s>(
        mut self,
        schemes: impl IntoIterator<Item = &'s str>,
    ) -> Result<Policy, Error> {
        let mut set = Schemes {
            http: false,
            https: false,
            other: Vec::new(),
        };
        for (n, s) in schemes.into_iter().enumerate() {
            let valid = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b));
            if !valid {
                return Err(InvalidPolicy::SchemeSyntax.into());
            }
            if s.len() > MAX_SCHEME_LEN {
                return Err(InvalidPolicy::SchemeTooLong {
                    max: MAX_SCHEME_LEN,
                }
                .into());
            }
            if n == MAX_SCHEMES {
                return Err(InvalidPolicy::TooManySchemes { max: MAX_SCHEMES }.into());
            }
            match s {
                "http" => set.http = true,
                "https" => set.https = true,
                _ if set.contains(s) => {}
                _ => set.other.push(s.into()),
            }
        }
        self.allowed_schemes = set;
        Ok(self)
    }

    /// The largest response head accepted, in bytes, 1xx interim heads of the same
    /// response included (default 64 KiB). Must be at least 16 and below 4 GiB.
    pub fn with_max_head_size(mut self, bytes: usize) -> Result<Policy, Error> {
        if bytes < MIN_HEAD_SIZE || u32::try_from(bytes).is_err() {
            return Err(InvalidPolicy::HeadSize {
                min: MIN_HEAD_SIZE,
                max: u32::MAX as usize,
            }
            .into());
        }
        self.max_head_size = bytes;
        Ok(self)
    }

    /// The most header fields a response head may have (default
    /// [`DEFAULT_MAX_HEADER_FIELDS`], 256); one more is [`Error::TooManyHeaders`] carrying
    /// this limit. Must be in `1..=65535`. Each field the machine keeps costs 16 bytes of
    /// heap: spans for up to 64 are reserved when the chain starts, and a head with more
    /// grows them once, up to this limit. Firmware can go lower:
    ///
    /// ```
    /// use redirects::{Error, Event, Follow, InvalidPolicy, Policy, Request};
    /// let policy = Policy::fetch().with_max_header_fields(16)?;
    /// assert_eq!(policy.max_header_fields(), 16);
    /// let mut head = b"HTTP/1.1 302 Found\r\nLocation: /next\r\n".to_vec();
    /// for i in 0..16 {
    ///     head.extend_from_slice(format!("Set-Cookie: c{i}=1\r\n").as_bytes());
    /// }
    /// head.extend_from_slice(b"\r\n");
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, policy)?;
    /// let err = follow.handle_response(&head).unwrap_err();
    /// assert_eq!(err, Error::TooManyHeaders { limit: 16 });
    /// // The default limit takes the same head as an ordinary redirect.
    /// let mut follow = Follow::new(Request::get("http://a.test/")?, Policy::fetch())?;
    /// assert!(matches!(follow.handle_response(&head)?, Event::Redirect(_)));
    /// assert_eq!(
    ///     Policy::fetch().with_max_header_fields(0).unwrap_err(),
    ///     Error::InvalidPolicy(InvalidPolicy::HeaderFields { min: 1, max: 65_535 })
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    pub fn with_max_header_fields(mut self, fields: usize) -> Result<Policy, Error> {
        let Some(n) = u16::try_from(fields).ok().filter(|&n| n >= 1) else {
            return Err(InvalidPolicy::HeaderFields {
                min: 1,
                max: MAX_HEADER_FIELDS,
            }
            .into());
        };
        self.max_header_fields = n;
        Ok(self)
    }

    /// Treats one more header name as a credential: like `Authorization`, the
    /// [`CredentialRule`] decides which requests of the chain carry it.
    pub fn with_credential_header(mut self, name: &str) -> Result<Policy, Error> {
        if !is_token(name.as_bytes()) {
            return Err(InvalidPolicy::CredentialName.into());
        }
        self.extra_credentials.push(name.into());
        Ok(self)
    }

    /// When credentials go along to another request (default
    /// [`CredentialRule::SameOrigin`]).
    pub fn with_credential_rule(mut self, rule: CredentialRule) -> Policy {
        self.credential_rule = rule;
        self
    }

    /// Lets credentials go to one more origin (`scheme://host[:port]`, any path is
    /// ignored): curl's `--location-trusted`, but scoped to the origins you name.
    ///
    /// ```
    /// use redirects::{Error, InvalidPolicy, Policy};
    /// let p = Policy::fetch().with_trusted_origin("https://api.example.com")?;
    /// assert!(matches!(
    ///     Policy::fetch().with_trusted_origin("not a url"),
    ///     Err(Error::InvalidPolicy(InvalidPolicy::TrustedOrigin(_)))
    /// ));
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn with_trusted_origin(mut self, origin: &str) -> Result<Policy, Error> {
        let url = Url::parse(origin).map_err(InvalidPolicy::TrustedOrigin)?;
        if url.host().is_none() {
            return Err(InvalidPolicy::TrustedOriginHost.into());
        }
        self.trusted.push(url);
        Ok(self)
    }

    /// What a redirect that needs a streamed body again does (default: an error).
    pub fn with_unreplayable_body(mut self, what: UnreplayableBody) -> Policy {
        self.unreplayable = what;
        self
    }

    /// The profile's rules this policy was built from.
    pub fn rules(&self) -> &'static Rules {
        self.rules
    }

    /// The credential rule.
    pub fn credential_rule(&self) -> CredentialRule {
        self.credential_rule
    }

    /// What a redirect that needs a streamed body again does.
    pub fn unreplayable_body(&self) -> UnreplayableBody {
        self.unreplayable
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

    /// The header field limit of a response head.
    pub fn max_header_fields(&self) -> usize {
        usize::from(self.max_header_fields)
    }

    /// The schemes redirects may go to, each once: `http` and `https` first when they are
    /// in the set, then the others in the order given.
    ///
    /// ```
    /// use redirects::Policy;
    /// let p = Policy::fetch().with_allowed_schemes(["wss", "https", "ws", "wss"])?;
    /// assert_eq!(p.allowed_schemes().collect::<Vec<_>>(), ["https", "wss", "ws"]);
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn allowed_schemes(&self) -> impl Iterator<Item = &str> {
        let s = &self.allowed_schemes;
        [("http", s.http), ("https", s.https)]
            .into_iter()
            .filter_map(|(name, allowed)| allowed.then_some(name))
            .chain(s.other.iter().map(|name| &**name))
    }

    pub(crate) fn scheme_allowed(&self, scheme: &str) -> bool {
        self.allowed_schemes.contains(scheme)
    }

    /// Whether credentials set for `from` may go to `to`.
    pub(crate) fn credentials_allowed(&self, from: &Url, to: &Url) -> bool {
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

    /// Whether the policy names any credential header of its own.
    pub(crate) fn has_extra_credentials(&self) -> bool {
        !self.extra_credentials.is_empty()
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
    use alloc::format;

    #[test]
    fn profile_defaults() {
        let f = Policy::fetch();
        assert_eq!((f.max_redirects(), f.allow_downgrade()), (20, true));
        let s = Policy::strict();
        assert_eq!((s.max_redirects(), s.allow_downgrade()), (10, false));
        let c = Policy::curl();
        assert_eq!((c.max_redirects(), c.allow_downgrade()), (50, true));
        for p in [&f, &s, &c] {
            assert_eq!(p.max_header_fields(), DEFAULT_MAX_HEADER_FIELDS);
            assert_eq!(p.max_header_fields(), 256);
        }
        assert!(f.scheme_allowed("http") && f.scheme_allowed("https"));
        assert!(!f.scheme_allowed("ftp"));
    }

    /// The curl options: off in every profile, set and read back unchanged whatever the
    /// profile (the `fetch` and `strict` rules ignore them).
    #[test]
    fn curl_option_table() {
        let keep = PostRedirect::of(&[302, 303]).unwrap();
        for p in [Policy::fetch(), Policy::strict(), Policy::curl()] {
            assert_eq!(
                (p.post_redirect(), p.auto_referer()),
                (PostRedirect::NONE, false)
            );
            let set = p.with_post_redirect(keep).with_auto_referer(true);
            assert_eq!((set.post_redirect(), set.auto_referer()), (keep, true));
            let reset = set.with_post_redirect(PostRedirect::NONE);
            assert_eq!(reset.post_redirect(), PostRedirect::NONE);
        }
    }

    #[test]
    fn credential_rule_table() {
        let u = |s: &str| Url::parse(s).unwrap();
        let upgrade =
            Policy::fetch().with_credential_rule(CredentialRule::SameOriginOrHttpsUpgrade);
        let trusted = Policy::fetch()
            .with_trusted_origin("https://b.test:8443/ignored")
            .unwrap();
        // (from, to, same origin, with the upgrade rule, with the trusted origin).
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
        let mut failed = Vec::new();
        for (from, to, same, up, tr) in cases {
            let (from, to) = (u(from), u(to));
            let got = (
                Policy::fetch().credentials_allowed(&from, &to),
                upgrade.credentials_allowed(&from, &to),
                trusted.credentials_allowed(&from, &to),
            );
            if got != (same, up, tr) {
                failed.push(format!("{from} -> {to}: {got:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn invalid_values_say_why() {
        let scheme = |set: &[&str]| {
            Policy::fetch()
                .with_allowed_schemes(set.iter().copied())
                .unwrap_err()
        };
        let nine = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        let cases: &[(Error, InvalidPolicy)] = &[
            (scheme(&["HTTP"]), InvalidPolicy::SchemeSyntax),
            (scheme(&[""]), InvalidPolicy::SchemeSyntax),
            (scheme(&["h ttp"]), InvalidPolicy::SchemeSyntax),
            (
                scheme(&["aaaaaaaaaaaaaaaaa"]),
                InvalidPolicy::SchemeTooLong { max: 16 },
            ),
            (scheme(&nine), InvalidPolicy::TooManySchemes { max: 8 }),
            (
                Policy::fetch().with_max_head_size(15).unwrap_err(),
                InvalidPolicy::HeadSize {
                    min: 16,
                    max: u32::MAX as usize,
                },
            ),
            (
                Policy::fetch().with_max_header_fields(0).unwrap_err(),
                InvalidPolicy::HeaderFields {
                    min: 1,
                    max: 65_535,
                },
            ),
            (
                Policy::fetch().with_max_header_fields(65_536).unwrap_err(),
                InvalidPolicy::HeaderFields {
                    min: 1,
                    max: 65_535,
                },
            ),
            (
                Policy::fetch()
                    .with_credential_header("bad name")
                    .unwrap_err(),
                InvalidPolicy::CredentialName,
            ),
            (
                Policy::fetch().with_trusted_origin("data:x").unwrap_err(),
                InvalidPolicy::TrustedOriginHost,
            ),
        ];
        let mut failed = Vec::new();
        for (i, (got, want)) in cases.iter().enumerate() {
            if *got != Error::InvalidPolicy(*want) {
                failed.push(format!("row {i}: {got:?}, want {want:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
        let p = Policy::fetch().with_allowed_schemes(["https"]).unwrap();
        assert!(!p.scheme_allowed("http"));
        for n in [1, 16, 256, 65_535] {
            let p = Policy::fetch().with_max_header_fields(n).unwrap();
            assert_eq!(p.max_header_fields(), n);
        }
    }

    #[test]
    fn scheme_set() {
        let default = Policy::fetch();
        assert!(default.scheme_allowed("http") && default.scheme_allowed("https"));
        assert!(!default.scheme_allowed("ftp") && !default.scheme_allowed("HTTP"));
        assert_eq!(
            default.allowed_schemes().collect::<Vec<_>>(),
            ["http", "https"]
        );
        let p = Policy::fetch()
            .with_allowed_schemes(["ws", "https", "ws", "http+unix"])
            .unwrap();
        let allowed: Vec<_> = ["http", "https", "ws", "wss", "http+unix"]
            .into_iter()
            .map(|s| p.scheme_allowed(s))
            .collect();
        assert_eq!(allowed, [false, true, true, false, true]);
        assert_eq!(
            p.allowed_schemes().collect::<Vec<_>>(),
            ["https", "ws", "http+unix"]
        );
        let http = Policy::fetch().with_allowed_schemes(["http"]).unwrap();
        assert!(http.scheme_allowed("http") && !http.scheme_allowed("https"));
        assert_eq!(http.allowed_schemes().collect::<Vec<_>>(), ["http"]);
        // A name of 16 bytes is taken, one of 17 refused (`invalid_values_say_why`).
        let sixteen = Policy::fetch()
            .with_allowed_schemes(["a123456789abcdef"])
            .unwrap();
        assert!(sixteen.scheme_allowed("a123456789abcdef"));
        // Eight names given are taken, whatever they repeat; a ninth is refused.
        let eight = ["http"; 8];
        assert!(Policy::fetch().with_allowed_schemes(eight).is_ok());
        assert!(Policy::fetch().with_allowed_schemes(["http"; 9]).is_err());
        let none = Policy::fetch().with_allowed_schemes([]).unwrap();
        assert_eq!(none.allowed_schemes().count(), 0);
        assert!(!none.scheme_allowed("http"));
    }

    #[test]
    fn credential_names_are_case_insensitive() {
        let p = Policy::fetch().with_credential_header("X-Api-Key").unwrap();
        assert!(p.is_extra_credential("x-api-key"));
    }
}
