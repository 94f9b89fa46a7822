//! What the machine follows, and how far.

use alloc::boxed::Box;
use alloc::vec::Vec;

use arrayvec::{ArrayString, ArrayVec};

use crate::error::Error;
use crate::method::is_token;

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
}

impl Profile {
    /// The profile with this name (`"fetch"`, `"strict"`), as used by the conformance vectors.
    pub fn from_name(name: &str) -> Option<Profile> {
        match name {
            "fetch" => Some(Profile::Fetch),
            "strict" => Some(Profile::Strict),
            _ => None,
        }
    }

    /// The profile's name.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Fetch => "fetch",
            Profile::Strict => "strict",
        }
    }
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
        };
        Policy {
            profile,
            max_redirects,
            allowed_schemes,
            allow_downgrade,
            max_head_size: DEFAULT_MAX_HEAD_SIZE,
            extra_credentials: Vec::new(),
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
                return Err(Error::InvalidPolicy("scheme must be a lower-case URL scheme"));
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
    /// response included (default 64 KiB). Must be at least 16.
    pub fn with_max_head_size(mut self, bytes: usize) -> Result<Policy, Error> {
        if bytes < 16 {
            return Err(Error::InvalidPolicy("max head size below 16 bytes"));
        }
        self.max_head_size = bytes;
        Ok(self)
    }

    /// Treats one more header name as a credential: like `Authorization`, it is removed on
    /// the first cross-origin hop and never comes back.
    pub fn with_credential_header(mut self, name: &str) -> Result<Policy, Error> {
        if !is_token(name.as_bytes()) {
            return Err(Error::InvalidPolicy("credential header name is not a token"));
        }
        self.extra_credentials.push(name.into());
        Ok(self)
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
    fn scheme_validation() {
        let bad: &[&[&str]] = &[&["HTTP"], &[""], &["h ttp"], &["aaaaaaaaaaaaaaaaa"]];
        for set in bad {
            assert!(
                Policy::fetch().with_allowed_schemes(set.iter().copied()).is_err(),
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
