//! Cookies across a redirect chain: the [`CookieJar`] seam and [`Jar`], a bounded
//! `no_std` jar. The public items are re-exported at the crate root; [`Jar`] documents the rules.

mod parse;
mod record;

pub use record::Cookie;

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use core::fmt::Write as _;

use url::{Host, Url};

use parse::{MAX_NAME_VALUE, NotACookie, has_ctl, parse_set_cookie};

/// A cookie store the chain uses: every response (not 1xx) has its `Set-Cookie` fields
/// stored against the URL of the request that received it, and every request carries the
/// `Cookie` the jar gives for its own URL.
pub trait CookieJar {
    /// Stores one `Set-Cookie` field value received in a response to a request for `url`.
    /// What it did (stored, replaced, deleted, ignored and why) is returned.
    fn store(&mut self, url: &Url, set_cookie: &[u8]) -> Stored;
    /// Appends the `Cookie` header value for a request to `url` to `out` (nothing if none);
    /// returns how many cookies it wrote.
    fn cookie_header(&mut self, url: &Url, out: &mut Vec<u8>) -> usize;
}

impl<J: CookieJar + ?Sized> CookieJar for &mut J {
    fn store(&mut self, url: &Url, set_cookie: &[u8]) -> Stored {
        (**self).store(url, set_cookie)
    }
    fn cookie_header(&mut self, url: &Url, out: &mut Vec<u8>) -> usize {
        (**self).cookie_header(url, out)
    }
}

impl<J: CookieJar + ?Sized> CookieJar for Box<J> {
    fn store(&mut self, url: &Url, set_cookie: &[u8]) -> Stored {
        (**self).store(url, set_cookie)
    }
    fn cookie_header(&mut self, url: &Url, out: &mut Vec<u8>) -> usize {
        (**self).cookie_header(url, out)
    }
}

/// What [`CookieJar::store`] (or [`Jar::insert`]) did with one cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stored {
    /// A new cookie.
    Added,
    /// It replaced a cookie of the same name, domain, host-only flag and path, keeping
    /// that one's creation time.
    Replaced,
    /// It was already expired (`Max-Age` <= 0, `Expires` in the past) and removed the
    /// stored cookie it matched.
    Deleted,
    /// It was already expired and matched no stored cookie: nothing changed.
    Expired,
    /// Nothing changed, for this reason.
    Ignored(IgnoredWhy),
}

/// What a chain's cookie jar did on one hop ([`Redirect::cookies`](crate::Redirect::cookies),
/// [`Final::cookies`](crate::Final::cookies)): with the response's `Set-Cookie` fields,
/// and for the next request's `Cookie`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CookieReport {
    /// `Set-Cookie` fields of the response stored ([`Stored::Added`], [`Stored::Replaced`]).
    pub stored: u16,
    /// `Set-Cookie` fields that were expired on arrival ([`Stored::Deleted`],
    /// [`Stored::Expired`]).
    pub deleted: u16,
    /// `Set-Cookie` fields the jar ignored ([`Stored::Ignored`]: a bad cookie, a `Domain`
    /// that does not match the host, `Secure` over `http`, a limit, ...).
    pub ignored: u16,
    /// How many cookies the next request carries in its `Cookie` (0: no `Cookie`; always
    /// 0 for a final response, which has no next request).
    pub sent: u16,
}

impl CookieReport {
    /// Counts one answer of [`CookieJar::store`].
    pub(crate) fn count(&mut self, stored: Stored) {
        let n = match stored {
            Stored::Added | Stored::Replaced => &mut self.stored,
            Stored::Deleted | Stored::Expired => &mut self.deleted,
            Stored::Ignored(_) => &mut self.ignored,
        };
        *n = n.saturating_add(1);
    }

    /// What the response's fields did, before the next request's `Cookie` is decided.
    pub(crate) fn of_response(self) -> CookieReport {
        CookieReport { sent: 0, ..self }
    }
}

/// A jar shared between chains (and threads): each chain locks it for each store and
/// each `Cookie`. A poisoned lock is used as it is (a jar stays consistent after every
/// call).
#[cfg(feature = "std")]
impl<J: CookieJar + ?Sized> CookieJar for std::sync::Arc<std::sync::Mutex<J>> {
    fn store(&mut self, url: &Url, set_cookie: &[u8]) -> Stored {
        let mut jar = self
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        jar.store(url, set_cookie)
    }
    fn cookie_header(&mut self, url: &Url, out: &mut Vec<u8>) -> usize {
        let mut jar = self
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        jar.cookie_header(url, out)
    }
}

/// Why a cookie was ignored ([`Stored::Ignored`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IgnoredWhy {
    /// Not a cookie (RFC 6265bis §5.6): a control character, an empty name and value, or
    /// (for [`Jar::insert`]) a `;` in the name or value, a `=` in the name or a bad domain.
    NotACookie,
    /// Name and value are longer than the jar takes ([`Limits::max_cookie_size`]), or the
    /// cookie alone is bigger than the whole jar.
    TooLarge,
    /// The request URL has no host, or a scheme other than `http`, `https`, `ws`, `wss`.
    NotHttp,
    /// The `Domain` attribute does not domain-match the request host (§5.7).
    DomainMismatch,
    /// The `Domain` attribute is a public suffix (§5.7): the caller's hook said so,
    /// or, without one, it is a single label.
    PublicSuffix,
    /// `Secure` from a request that is not `https`/`wss` (§5.7).
    SecureFromInsecure,
    /// A non-secure cookie from an insecure request that would shadow a secure one
    /// (§5.7).
    WouldShadowSecure,
    /// `SameSite=None` without `Secure` (§5.7).
    SameSiteNoneInsecure,
    /// A `__Secure-` or `__Host-` name whose requirements are not met (§5.7),
    /// or a nameless cookie whose value starts with one of them.
    Prefix,
    /// The jar is full and refuses new cookies ([`Limits::refuse_when_full`]).
    Full,
}

/// The `SameSite` attribute (RFC 6265bis §5.6.7), kept but not applied by [`Jar`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None`.
    None,
    /// No `SameSite`, or a value that is none of the three ("Default" enforcement).
    #[default]
    Default,
}

/// The bounds of a [`Jar`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Cookies with the same domain (default 50).
    pub per_domain: usize,
    /// Bytes of all cookies (default 64 KiB): each costs its name, value, domain and path
    /// plus [`Limits::OVERHEAD`].
    pub total_bytes: usize,
    /// Name + value of one cookie (default and at most 4096, RFC 6265bis §5.6).
    pub max_cookie_size: usize,
    /// Over a limit: `false` (default) evicts the least recently used cookies, `true`
    /// refuses the new one ([`IgnoredWhy::Full`]). A replacement is never refused for
    /// the count, only if it would not fit the bytes.
    pub refuse_when_full: bool,
}

impl Limits {
    /// What each cookie costs in [`Limits::total_bytes`] beyond its strings: the size of
    /// its record in the jar (so that the number of cookies is bounded too, and the bytes
    /// are close to the heap the jar uses; its list may keep up to twice the records'
    /// room, as a `Vec` grows).
    pub const OVERHEAD: usize = core::mem::size_of::<Cookie>();
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            per_domain: 50,
            total_bytes: 64 << 10,
            max_cookie_size: MAX_NAME_VALUE,
            refuse_when_full: false,
        }
    }
}

/// A bounded `no_std` cookie jar after draft-ietf-httpbis-rfc6265bis ("RFC 6265bis" below).
///
/// A login that sets its session cookie on a `302` works only if that `Set-Cookie` is
/// stored against the URL of the request that received the `302` (not the `Location`
/// target: storing it against the target was CVE-2015-2296 in Python requests) and the
/// next request carries the `Cookie` the jar gives for *its* URL.
///
/// ```
/// use redirects::{CookieJar, Jar, Stored, Url};
///
/// let mut jar = Jar::new();
/// jar.set_now(1_767_225_600); // 2026-01-01T00:00:00Z, from the caller's clock
/// let login = Url::parse("http://a.test/login")?;
/// assert_eq!(jar.store(&login, b"sid=42; Path=/; HttpOnly"), Stored::Added);
///
/// let mut cookie = Vec::new();
/// let home = Url::parse("http://a.test/home")?;
/// assert_eq!(jar.cookie_header(&home, &mut cookie), 1);
/// assert_eq!(cookie, b"sid=42");
///
/// cookie.clear(); // another host gets nothing
/// assert_eq!(jar.cookie_header(&Url::parse("http://b.test/")?, &mut cookie), 0);
/// # Ok::<(), url::ParseError>(())
/// ```
///
/// # On a chain
///
/// Without [`Follow::with_cookie_jar`](crate::Follow::with_cookie_jar), which has the machine
/// use the jar itself, the caller applies it on every hop: the
/// `Set-Cookie` fields of a redirect against [`Redirect::from_url`](crate::Redirect::from_url),
/// then the next request's `Cookie` through the handle (those of the final response against
/// [`Final::url`](crate::Final::url)).
///
/// ```
/// use redirects::{CookieJar, Event, Follow, Jar, Policy, Request};
///
/// let mut jar = Jar::new();
/// let mut follow = Follow::new(Request::get("http://a.test/login")?, Policy::fetch())?;
/// let response = b"HTTP/1.1 302 Found\r\nLocation: /home\r\n\
///     Set-Cookie: sid=42; Path=/\r\nContent-Length: 0\r\n\r\n";
/// let Event::Redirect(mut hop) = follow.handle_response(response)? else { panic!() };
/// let from = hop.from_url().clone(); // http://a.test/login, not the Location
/// for field in hop.response().headers_named("Set-Cookie") {
///     jar.store(&from, field);
/// }
/// let (next, mut cookie) = (hop.request().url().clone(), Vec::new());
/// hop.remove_header("Cookie");
/// if jar.cookie_header(&next, &mut cookie) > 0 {
///     hop.set_header("Cookie", &cookie)?;
/// }
/// let next = hop.follow(); // the request to send
/// let sent: Vec<_> = next.headers().filter(|(n, _)| *n == "Cookie").collect();
/// assert_eq!(sent, [("Cookie", &b"sid=42"[..])]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # What [`Jar`] does, and does not
///
/// - **Parsing** (RFC 6265bis §5.6): a field with a control character other than HTAB, or
///   with an empty name *and* value, is not a cookie; name + value over 4096 bytes is
///   ignored; an attribute value over 1024 bytes is ignored (the attribute, not the cookie).
///   A pair without `=` is a *nameless* cookie (empty name, the pair as value), as the
///   draft and browsers say, sent back as the value alone; curl ignores those instead.
/// - **Domain** (§5.7): no `Domain` (or an empty one; the last one counts) is
///   a host-only cookie; a `Domain` (one leading dot dropped, lower-cased) that is no ASCII
///   host, or that the request host does not domain-match (§5.1.3), makes the whole field
///   ignored, a deletion included. An IP-address host domain-matches only an identical
///   `Domain`. A trailing dot makes another host: `a.test.` is not `a.test`.
/// - **Public suffixes**: there is no list in this crate. Without a hook, a `Domain` of a
///   single label (`Domain=test`, `Domain=com`) other than the host itself is refused as a
///   public suffix (curl's rule); with [`Jar::with_public_suffix`] the caller's function
///   decides, as §5.7 says (a public suffix equal to the host makes a host-only
///   cookie, any other is ignored). A jar that meets arbitrary sites should have one.
/// - **Path** (§5.1.4, §5.6.4): the default path comes from the request URL; a `Path` not
///   starting with `/` is the default path.
/// - **Secure** (§5.7): only from `https`/`wss`, only sent there. A
///   non-secure cookie set over `http` may not shadow a secure one of the same name whose
///   domains match either way and whose path the new path matches (ignored,
///   [`IgnoredWhy::WouldShadowSecure`]). `localhost` counts as insecure.
/// - **Prefixes** (§5.7): `__Secure-` needs `Secure`; `__Host-` needs `Secure`,
///   no `Domain` and `Path=/` (case-insensitive, as the latest drafts).
/// - **SameSite** is parsed and kept ([`Cookie::same_site`]) but not applied: the jar
///   never knows the site of the request's initiator. `SameSite=None` without `Secure` is
///   ignored (§5.7). A caller can filter with the chain's taint itself.
/// - **HttpOnly** is kept; this is an HTTP client, so those cookies are sent.
/// - **Ports are ignored**, as the RFC says: `a.test:8080` and `a.test:9090` share cookies.
/// - **Replacement** (§5.7): the same name, domain, host-only flag and path replace
///   the old cookie and keep its creation time (and so its place in the `Cookie` order).
/// - **Order** (§5.8.3): longer paths first, then earlier creation.
/// - **Time**: `no_std` has no clock; the caller gives one ([`Jar::set_now`], Unix
///   seconds). `Max-Age` <= 0 always deletes. With no time given, the jar takes "now" to be
///   [`Jar::NO_CLOCK_FLOOR`] (2026-01-01: the real time cannot be earlier than this
///   crate): an `Expires` before it deletes, any later `Expires` and any `Max-Age` > 0 make a
///   cookie that never expires by itself (a session cookie). With a time, `Expires` and
///   `Max-Age` are capped at 400 days (§5.6.1, §5.6.2) and expired cookies are dropped
///   whenever the jar is used.
/// - **Limits** ([`Limits`]): cookies per domain (default 50), bytes in all (default 64 KiB,
///   each cookie costs its name, value, domain and path plus [`Limits::OVERHEAD`]), and
///   name + value of one cookie (4096). Over a limit the jar evicts (RFC 6265 §5.3
///   order: expired cookies, then the domain's least recently used, then the jar's least
///   recently used; "used" is stored or sent) or, with [`Limits::refuse_when_full`], refuses
///   the new cookie ([`IgnoredWhy::Full`]). A cookie alone bigger than the jar is refused.
///   The jar never grows past its limits and never panics.
#[derive(Debug, Clone)]
pub struct Jar {
    cookies: Vec<Cookie>,
    limits: Limits,
    now: Option<u64>,
    public_suffix: Option<fn(&str) -> bool>,
    /// The next creation / use tick.
    tick: u64,
    bytes: usize,
    evicted: u64,
}

impl Default for Jar {
    fn default() -> Jar {
        Jar::new()
    }
}

/// §5.6.1/§5.6.2: the longest lifetime a cookie gets, 400 days.
const AGE_LIMIT: u64 = 400 * 86_400;

impl Jar {
    /// "Now" of a jar with no clock: 2026-01-01T00:00:00Z, in Unix seconds.
    pub const NO_CLOCK_FLOOR: u64 = 1_767_225_600;

    /// An empty jar with the default [`Limits`] and no clock.
    pub fn new() -> Jar {
        Jar::with_limits(Limits::default())
    }

    /// An empty jar with these limits (a `max_cookie_size` over 4096 is 4096).
    pub fn with_limits(limits: Limits) -> Jar {
        let limits = Limits {
            max_cookie_size: limits.max_cookie_size.min(MAX_NAME_VALUE),
            ..limits
        };
        Jar {
            cookies: Vec::new(),
            limits,
            now: None,
            public_suffix: None,
            tick: 1,
            bytes: 0,
            evicted: 0,
        }
    }

    /// The caller's public-suffix check: `true` if a (lower-case, IDNA-encoded) domain is
    /// a public suffix such as `com` or `co.uk` (RFC 6265bis §5.7). It replaces the
    /// default single-label rule.
    pub fn with_public_suffix(mut self, is_public_suffix: fn(&str) -> bool) -> Jar {
        self.public_suffix = Some(is_public_suffix);
        self
    }

    /// The jar with its clock set ([`Jar::set_now`]).
    pub fn with_now(mut self, unix_seconds: u64) -> Jar {
        self.set_now(unix_seconds);
        self
    }

    /// Sets the current time, in Unix seconds (the caller's clock): expired cookies go now.
    pub fn set_now(&mut self, unix_seconds: u64) {
        self.now = Some(unix_seconds);
        self.remove_expired();
    }

    /// The time given with [`Jar::set_now`], if any.
    pub fn now(&self) -> Option<u64> {
        self.now
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// How many cookies it holds.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// What its cookies cost, in [`Limits::total_bytes`] terms.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// How many cookies were evicted for the limits so far.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The cookies, oldest first (creation order), expired ones left out.
    pub fn iter(&self) -> impl Iterator<Item = &Cookie> + '_ {
        let now = self.clock();
        self.cookies.iter().filter(move |c| !c.expired(now))
    }

    /// Removes every cookie.
    pub fn clear(&mut self) {
        self.cookies.clear();
        self.bytes = 0;
    }

    /// Removes the session cookies (those with no expiry), as a browser does when it
    /// closes.
    pub fn clear_session(&mut self) {
        self.retain(|c| c.expires.is_some());
    }

    /// Removes the cookies that expired.
    pub fn remove_expired(&mut self) {
        let now = self.clock();
        self.retain(|c| !c.expired(now));
    }

    /// Imports a cookie (e.g. from a cookie file) as if the storage model had made it:
    /// the same replacement, expiry and limits as [`CookieJar::store`], none of the checks
    /// against a request URL.
    pub fn insert(&mut self, cookie: Cookie) -> Stored {
        let bad_domain = cookie.domain.is_empty()
            || cookie
                .domain
                .bytes()
                .any(|b| b <= b' ' || b == b';' || b == 0x7f);
        if has_ctl(&cookie.name)
            || has_ctl(&cookie.value)
            || cookie.name.contains(&b';')
            || cookie.value.contains(&b';')
            || cookie.name.contains(&b'=')
            || (cookie.name.is_empty() && cookie.value.is_empty())
            || bad_domain
            || has_ctl(cookie.path.as_bytes())
            || cookie.path.contains(';')
        {
            return Stored::Ignored(IgnoredWhy::NotACookie);
        }
        self.put(cookie)
    }

    /// Removes the cookies `keep` says no to.
    pub fn retain(&mut self, mut keep: impl FnMut(&Cookie) -> bool) {
        let mut bytes = 0;
        self.cookies.retain(|c| {
            let kept = keep(c);
            if kept {
                bytes += c.cost();
            }
            kept
        });
        self.bytes = bytes;
    }

    fn clock(&self) -> u64 {
        self.now.unwrap_or(Jar::NO_CLOCK_FLOOR)
    }

    fn next_tick(&mut self) -> u64 {
        let t = self.tick;
        self.tick = self.tick.saturating_add(1);
        t
    }

    /// The last steps of the storage model (§5.7) and the limits.
    fn put(&mut self, mut cookie: Cookie) -> Stored {
        self.remove_expired();
        if cookie.name.len() + cookie.value.len() > self.limits.max_cookie_size
            || cookie.cost() > self.limits.total_bytes
        {
            return Stored::Ignored(IgnoredWhy::TooLarge);
        }
        let old = self.cookies.iter().position(|c| c.same_key(&cookie));
        if cookie.expired(self.clock()) {
            return match old {
                Some(i) => {
                    let gone = self.cookies.remove(i);
                    self.bytes -= gone.cost();
                    Stored::Deleted
                }
                None => Stored::Expired,
            };
        }
        let tick = self.next_tick();
        cookie.used = tick;
        if let Some(i) = old {
            cookie.created = self.cookies[i].created;
            let freed = self.cookies[i].cost();
            if self.limits.refuse_when_full
                && self.bytes - freed + cookie.cost() > self.limits.total_bytes
            {
                return Stored::Ignored(IgnoredWhy::Full);
            }
            self.bytes = self.bytes - freed + cookie.cost();
            self.cookies[i] = cookie;
            self.evict(Some(i));
            return Stored::Replaced;
        }
        cookie.created = tick;
        let domain_count = self
            .cookies
            .iter()
            .filter(|c| c.domain == cookie.domain)
            .count();
        if self.limits.refuse_when_full
            && (domain_count >= self.limits.per_domain
                || self.bytes + cookie.cost() > self.limits.total_bytes)
        {
            return Stored::Ignored(IgnoredWhy::Full);
        }
        if self.limits.per_domain == 0 {
            return Stored::Ignored(IgnoredWhy::Full);
        }
        self.bytes += cookie.cost();
        self.cookies.push(cookie);
        self.evict(Some(self.cookies.len() - 1));
        Stored::Added
    }

    /// Evicts least recently used cookies until the limits hold, never `keep` (the cookie
    /// just stored; it fits alone, checked by the caller). Expired ones are already gone.
    fn evict(&mut self, keep: Option<usize>) {
        let keep_key = keep.map(|i| self.cookies[i].clone());
        if let Some(k) = &keep_key {
            loop {
                let same: Vec<usize> = (0..self.cookies.len())
                    .filter(|&i| self.cookies[i].domain == k.domain)
                    .collect();
                if same.len() <= self.limits.per_domain {
                    break;
                }
                let victim = same
                    .into_iter()
                    .filter(|&i| !self.cookies[i].same_key(k))
                    .min_by_key(|&i| self.cookies[i].used);
                let Some(victim) = victim else { break };
                self.drop_at(victim);
            }
        }
        while self.bytes > self.limits.total_bytes {
            let victim = (0..self.cookies.len())
                .filter(|&i| {
                    keep_key
                        .as_ref()
                        .is_none_or(|k| !self.cookies[i].same_key(k))
                })
                .min_by_key(|&i| self.cookies[i].used);
            let Some(victim) = victim else { break };
            self.drop_at(victim);
        }
    }

    fn drop_at(&mut self, i: usize) {
        let gone = self.cookies.remove(i);
        self.bytes -= gone.cost();
        self.evicted = self.evicted.saturating_add(1);
    }

    /// The storage model (RFC 6265bis §5.7) for a parsed field.
    fn store_field(&mut self, url: &Url, field: &[u8]) -> Stored {
        let Some(host) = request_host(url) else {
            return Stored::Ignored(IgnoredWhy::NotHttp);
        };
        let parsed = match parse_set_cookie(field) {
            Ok(p) => p,
            Err(NotACookie::Invalid) => return Stored::Ignored(IgnoredWhy::NotACookie),
            Err(NotACookie::TooLarge) => return Stored::Ignored(IgnoredWhy::TooLarge),
        };
        let secure_url = matches!(url.scheme(), "https" | "wss");
        // §5.7: expiry. Max-Age wins over Expires.
        let expires = match (parsed.max_age, parsed.expires) {
            (Some(n), _) if n <= 0 => Some(0),
            (Some(n), _) => self
                .now
                .map(|now| now.saturating_add((n as u64).min(AGE_LIMIT))),
            (None, Some(t)) => match self.now {
                Some(now) if t > now => Some(t.min(now.saturating_add(AGE_LIMIT))),
                Some(_) => Some(0),
                None if t <= Jar::NO_CLOCK_FLOOR => Some(0),
                None => None,
            },
            (None, None) => None,
        };
        // §5.7: the domain.
        let mut domain_attr = match parsed.domain {
            None | Some(b"") => None,
            Some(d) => match canonical_domain(d) {
                Some(d) => Some(d),
                None => return Stored::Ignored(IgnoredWhy::DomainMismatch),
            },
        };
        if let Some(d) = &domain_attr {
            let public = match self.public_suffix {
                Some(is_public) => is_public(d),
                None => !d.contains('.') && !d.starts_with('['),
            };
            if public {
                if *d == host {
                    domain_attr = None;
                } else {
                    return Stored::Ignored(IgnoredWhy::PublicSuffix);
                }
            }
        }
        let (domain, host_only) = match domain_attr {
            Some(d) if domain_match(&host, &d) => (d, false),
            Some(_) => return Stored::Ignored(IgnoredWhy::DomainMismatch),
            None => (host, true),
        };
        let path = match parsed.path {
            Some(p) => String::from_utf8_lossy(p).into_owned(),
            None => default_path(url).to_owned(),
        };
        // §5.7.
        if parsed.secure && !secure_url {
            return Stored::Ignored(IgnoredWhy::SecureFromInsecure);
        }
        let cookie = Cookie {
            name: parsed.name.into(),
            value: parsed.value.into(),
            domain: domain.into_boxed_str(),
            path: path.into_boxed_str(),
            expires,
            host_only,
            secure: parsed.secure,
            http_only: parsed.http_only,
            same_site: parsed.same_site,
            created: 0,
            used: 0,
        };
        // §5.7: a non-secure cookie from an insecure request may not shadow a
        // secure one.
        if !cookie.secure && !secure_url {
            let shadows = self.cookies.iter().any(|c| {
                c.secure
                    && c.name == cookie.name
                    && (domain_match(&c.domain, &cookie.domain)
                        || domain_match(&cookie.domain, &c.domain))
                    && path_match(&cookie.path, &c.path)
            });
            if shadows {
                return Stored::Ignored(IgnoredWhy::WouldShadowSecure);
            }
        }
        // §5.7.
        if cookie.same_site == SameSite::None && !cookie.secure {
            return Stored::Ignored(IgnoredWhy::SameSiteNoneInsecure);
        }
        // §5.7: prefixes.
        if !prefix_ok(
            &cookie,
            parsed.domain.is_some(),
            parsed.path == Some(&b"/"[..]),
        ) {
            return Stored::Ignored(IgnoredWhy::Prefix);
        }
        self.put(cookie)
    }
}

impl CookieJar for Jar {
    fn store(&mut self, url: &Url, set_cookie: &[u8]) -> Stored {
        self.store_field(url, set_cookie)
    }

    /// The retrieval algorithm (RFC 6265bis §5.8.3), SameSite left out.
    fn cookie_header(&mut self, url: &Url, out: &mut Vec<u8>) -> usize {
        self.remove_expired();
        let Some(host) = request_host(url) else {
            return 0;
        };
        let secure_url = matches!(url.scheme(), "https" | "wss");
        let path = match url.path() {
            p if p.starts_with('/') => p,
            _ => "/",
        };
        let mut list: Vec<usize> = (0..self.cookies.len())
            .filter(|&i| {
                let c = &self.cookies[i];
                let domain_ok = if c.host_only {
                    *c.domain == *host
                } else {
                    domain_match(&host, &c.domain)
                };
                domain_ok && path_match(path, &c.path) && (!c.secure || secure_url)
            })
            .collect();
        list.sort_by(|&a, &b| {
            let (a, b) = (&self.cookies[a], &self.cookies[b]);
            b.path
                .len()
                .cmp(&a.path.len())
                .then(a.created.cmp(&b.created))
        });
        for (n, &i) in list.iter().enumerate() {
            let tick = self.next_tick();
            let c = &mut self.cookies[i];
            c.used = tick;
            if n > 0 {
                out.extend_from_slice(b"; ");
            }
            if !c.name.is_empty() {
                out.extend_from_slice(&c.name);
                out.push(b'=');
            }
            out.extend_from_slice(&c.value);
        }
        list.len()
    }
}

/// §5.7: nameless cookies that look prefixed, `__Secure-` and `__Host-`.
fn prefix_ok(c: &Cookie, had_domain: bool, path_is_root: bool) -> bool {
    let starts = |s: &[u8], prefix: &[u8]| {
        s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if c.name.is_empty() && (starts(&c.value, b"__Secure-") || starts(&c.value, b"__Host-")) {
        return false;
    }
    if starts(&c.name, b"__Secure-") && !c.secure {
        return false;
    }
    if starts(&c.name, b"__Host-") && !(c.secure && !had_domain && c.host_only && path_is_root) {
        return false;
    }
    true
}

/// The canonicalized host of an `http(s)`/`ws(s)` URL: the URL parser already lower-cases
/// and IDNA-encodes it (IPv6 in brackets). A trailing dot is kept: `a.test.` is another
/// host, as in browsers.
fn request_host(url: &Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https" | "ws" | "wss") {
        return None;
    }
    let host = url.host_str()?;
    if host.is_empty() {
        return None;
    }
    Some(host.to_owned())
}

/// A `Domain` attribute value canonicalized as a host (§5.1.2); `None` if it is no host.
fn canonical_domain(d: &[u8]) -> Option<String> {
    let d = core::str::from_utf8(d).ok()?;
    // The later drafts (§5.7): a `Domain` with a character outside US-ASCII is ignored.
    if d.is_empty() || d.starts_with('.') || !d.is_ascii() {
        return None;
    }
    // Written into a `String` rather than with `format!`, whose `alloc` code needs an
    // unwinder (the `no_std` check links without one).
    let mut out = String::new();
    let written = match Host::parse(d).ok()? {
        Host::Domain(d) => return Some(d),
        Host::Ipv4(ip) => write!(out, "{ip}"),
        Host::Ipv6(ip) => write!(out, "[{ip}]"),
    };
    written.ok().map(|()| out)
}

fn is_ip(host: &str) -> bool {
    host.starts_with('[') || host.parse::<core::net::Ipv4Addr>().is_ok()
}

/// Domain-match (§5.1.3): identical, or `host` a name ending with `.domain`.
pub(crate) fn domain_match(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            && !is_ip(host))
}

/// Path-match (§5.1.4).
pub(crate) fn path_match(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// The default-path of a URL (§5.1.4).
pub(crate) fn default_path(url: &Url) -> &str {
    let path = url.path();
    if !path.starts_with('/') {
        return "/";
    }
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

#[cfg(test)]
mod tests;
