//! The `cookie_store` crate's [`CookieStore`] (the store behind reqwest's cookie jar) as a
//! chain's cookie jar.

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use cookie_store::{CookieError, CookieStore, StoreAction};
use redirects::{CookieJar, IgnoredWhy, Stored, Url};

/// A shared [`CookieStore`] (of the `cookie_store` crate, re-exported as
/// [`redirects_tower::cookie_store`](crate::cookie_store)) that a chain uses as its
/// [`CookieJar`], as reqwest's cookie jar uses it: each `Set-Cookie` of a response
/// (every response of the chain, redirects included) is parsed and inserted against the
/// URL that answered ([`CookieStore::parse`]), and each request carries the store's
/// `name=value` pairs for its URL ([`CookieStore::get_request_values`]) joined with
/// `"; "`. A field that is not UTF-8 is ignored, as reqwest ignores it.
///
/// Clones share the store (an `Arc<RwLock<CookieStore>>`): give one to
/// [`FollowRedirectLayer::cookie_jar`](crate::FollowRedirectLayer::cookie_jar) and keep
/// one to read the store (or save it) after the chains. A poisoned lock is used as it is.
///
/// ```
/// use redirects::Policy;
/// use redirects_tower::{CookieStoreJar, FollowRedirectLayer};
///
/// let jar = CookieStoreJar::default();
/// let layer = FollowRedirectLayer::new(Policy::fetch()).cookie_jar(jar.clone());
/// # let _ = layer;
/// // After some requests through the layer:
/// let url = "http://example.test/".parse().unwrap();
/// assert_eq!(jar.read().get_request_values(&url).count(), 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct CookieStoreJar(Arc<RwLock<CookieStore>>);

impl CookieStoreJar {
    /// A jar over `store` (a new one: `CookieStore::default()`, or one loaded from a file).
    pub fn new(store: CookieStore) -> Self {
        CookieStoreJar(Arc::new(RwLock::new(store)))
    }

    /// A jar over a store already shared (with a reqwest client, say).
    pub fn from_shared(store: Arc<RwLock<CookieStore>>) -> Self {
        CookieStoreJar(store)
    }

    /// The shared store.
    pub fn shared(&self) -> &Arc<RwLock<CookieStore>> {
        &self.0
    }

    /// Locks the store for reading.
    pub fn read(&self) -> RwLockReadGuard<'_, CookieStore> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the store for writing.
    pub fn write(&self) -> RwLockWriteGuard<'_, CookieStore> {
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }
}

impl CookieJar for CookieStoreJar {
    fn store(&mut self, url: &Url, set_cookie: &[u8]) -> Stored {
        let Ok(text) = std::str::from_utf8(set_cookie) else {
            return Stored::Ignored(IgnoredWhy::NotACookie);
        };
        match self.write().parse(text, url) {
            Ok(StoreAction::Inserted) => Stored::Added,
            Ok(StoreAction::UpdatedExisting) => Stored::Replaced,
            Ok(StoreAction::ExpiredExisting) => Stored::Deleted,
            Err(CookieError::Expired) => Stored::Expired,
            Err(CookieError::DomainMismatch) => Stored::Ignored(IgnoredWhy::DomainMismatch),
            Err(CookieError::PublicSuffix) => Stored::Ignored(IgnoredWhy::PublicSuffix),
            Err(CookieError::NonHttpScheme | CookieError::NonRelativeScheme) => {
                Stored::Ignored(IgnoredWhy::NotHttp)
            }
            Err(CookieError::Parse | CookieError::UnspecifiedDomain) => {
                Stored::Ignored(IgnoredWhy::NotACookie)
            }
        }
    }

    fn cookie_header(&mut self, url: &Url, out: &mut Vec<u8>) -> usize {
        let store = self.read();
        let mut n = 0;
        for (name, value) in store.get_request_values(url) {
            if n > 0 {
                out.extend_from_slice(b"; ");
            }
            out.extend_from_slice(name.as_bytes());
            out.push(b'=');
            out.extend_from_slice(value.as_bytes());
            n += 1;
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_store_did_is_reported() {
        let mut jar = CookieStoreJar::default();
        let a: Url = "http://a.example/x/y".parse().unwrap();
        let b: Url = "http://b.example/".parse().unwrap();
        assert_eq!(jar.store(&a, b"sid=1; Path=/"), Stored::Added);
        assert_eq!(jar.store(&a, b"sid=2; Path=/"), Stored::Replaced);
        assert_eq!(jar.store(&a, b"k=v; Path=/"), Stored::Added);
        assert_eq!(
            jar.store(&a, b"x=1; Domain=b.example"),
            Stored::Ignored(IgnoredWhy::DomainMismatch)
        );
        assert_eq!(
            jar.store(&a, b"\xff=1"),
            Stored::Ignored(IgnoredWhy::NotACookie)
        );
        assert_eq!(jar.store(&a, b"gone=1; Max-Age=0"), Stored::Expired);
        let mut out = Vec::new();
        assert_eq!(jar.cookie_header(&a, &mut out), 2);
        let mut pairs: Vec<_> = out.split(|&c| c == b';').map(|p| p.trim_ascii()).collect();
        pairs.sort();
        assert_eq!(pairs, [&b"k=v"[..], b"sid=2"]);
        assert_eq!(jar.store(&a, b"k=; Max-Age=0; Path=/"), Stored::Deleted);
        out.clear();
        assert_eq!(jar.cookie_header(&a, &mut out), 1);
        assert_eq!(out, b"sid=2");
        // Another host gets nothing; clones share the store.
        out.clear();
        assert_eq!(jar.clone().cookie_header(&b, &mut out), 0);
        assert!(out.is_empty());
        assert!(jar.read().contains("a.example", "/", "sid"));
    }
}
