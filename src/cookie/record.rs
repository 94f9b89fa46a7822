//! One stored cookie: what [`Jar`](super::Jar) keeps, shows and imports.

use alloc::boxed::Box;
use alloc::vec::Vec;

#[cfg(doc)]
use super::Jar;
use super::{Limits, SameSite};

/// One stored cookie (RFC 6265bis §5.7), to look at ([`Jar::iter`]) or to import
/// ([`Jar::insert`], e.g. from a cookie file). Two cookies are equal when everything these
/// methods show is (the jar's creation and use order aside).
#[derive(Debug, Clone)]
pub struct Cookie {
    pub(super) name: Box<[u8]>,
    pub(super) value: Box<[u8]>,
    pub(super) domain: Box<str>,
    pub(super) path: Box<str>,
    pub(super) expires: Option<u64>,
    pub(super) host_only: bool,
    pub(super) secure: bool,
    pub(super) http_only: bool,
    pub(super) same_site: SameSite,
    /// Creation order (§5.8.3), kept by a replacement.
    pub(super) created: u64,
    /// Last stored or sent, for eviction.
    pub(super) used: u64,
}

impl PartialEq for Cookie {
    fn eq(&self, other: &Cookie) -> bool {
        self.same_key(other)
            && self.value == other.value
            && self.expires == other.expires
            && self.secure == other.secure
            && self.http_only == other.http_only
            && self.same_site == other.same_site
    }
}

impl Eq for Cookie {}

impl Cookie {
    /// A host-only session cookie for `domain` (a host as a URL gives it: lower case,
    /// IDNA-encoded, IPv6 in brackets), path `/`, not secure, not HttpOnly.
    pub fn new(name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>, domain: &str) -> Cookie {
        Cookie {
            name: name.into().into_boxed_slice(),
            value: value.into().into_boxed_slice(),
            domain: domain.to_ascii_lowercase().into_boxed_str(),
            path: "/".into(),
            expires: None,
            host_only: true,
            secure: false,
            http_only: false,
            same_site: SameSite::Default,
            created: 0,
            used: 0,
        }
    }

    /// Sets the path (one not starting with `/` is `/`).
    pub fn with_path(mut self, path: &str) -> Cookie {
        self.path = if path.starts_with('/') { path } else { "/" }.into();
        self
    }

    /// `false`: sent to subdomains of the domain too (a `Domain` attribute).
    pub fn with_host_only(mut self, host_only: bool) -> Cookie {
        self.host_only = host_only;
        self
    }

    /// Sent only over `https`/`wss`.
    pub fn with_secure(mut self, secure: bool) -> Cookie {
        self.secure = secure;
        self
    }

    /// HttpOnly (kept; this client sends those).
    pub fn with_http_only(mut self, http_only: bool) -> Cookie {
        self.http_only = http_only;
        self
    }

    /// When it expires, in Unix seconds; `None`: a session cookie.
    pub fn with_expires(mut self, expires: Option<u64>) -> Cookie {
        self.expires = expires;
        self
    }

    /// The `SameSite` attribute.
    pub fn with_same_site(mut self, same_site: SameSite) -> Cookie {
        self.same_site = same_site;
        self
    }

    /// The name (empty for a nameless cookie).
    pub fn name(&self) -> &[u8] {
        &self.name
    }

    /// The value.
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    /// The domain: the request host for a host-only cookie, else the `Domain` attribute.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// When it expires, in Unix seconds; `None`: a session cookie.
    pub fn expires(&self) -> Option<u64> {
        self.expires
    }

    /// Sent only to the domain itself (no `Domain` attribute).
    pub fn host_only(&self) -> bool {
        self.host_only
    }

    /// Sent only over `https`/`wss`.
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Had `HttpOnly`.
    pub fn http_only(&self) -> bool {
        self.http_only
    }

    /// The `SameSite` attribute (not applied by the jar).
    pub fn same_site(&self) -> SameSite {
        self.same_site
    }

    /// What it costs in [`Limits::total_bytes`].
    pub(super) fn cost(&self) -> usize {
        self.name.len() + self.value.len() + self.domain.len() + self.path.len() + Limits::OVERHEAD
    }

    pub(super) fn same_key(&self, other: &Cookie) -> bool {
        self.name == other.name
            && self.domain == other.domain
            && self.host_only == other.host_only
            && self.path == other.path
    }

    pub(super) fn expired(&self, now: u64) -> bool {
        self.expires.is_some_and(|t| t <= now)
    }
}
