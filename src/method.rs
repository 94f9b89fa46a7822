//! Request methods.

use core::fmt;

use arrayvec::ArrayString;

use crate::error::InvalidRequest;
use crate::syntax::is_token;

/// The longest extension method accepted, in bytes.
pub const MAX_METHOD_LEN: usize = 32;

/// An HTTP request method: the standard ones of RFC 9110 §9 plus `PATCH`, or an extension
/// token. Methods are case-sensitive (`get` is an extension method, not `GET`).
///
/// `Method` is `Copy` and never allocates.
///
/// ```
/// use redirects::Method;
/// assert_eq!(Method::parse("DELETE").unwrap(), Method::Delete);
/// let propfind = Method::parse("PROPFIND").unwrap();
/// assert_eq!(propfind.as_str(), "PROPFIND");
/// assert!(Method::parse("BAD METHOD").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `CONNECT`: parsed and converted, but [`Follow::new`](crate::Follow::new) refuses it
    /// ([`InvalidRequest::Connect`]): a tunnel is not a request a redirect chain sends.
    Connect,
    /// `OPTIONS`
    Options,
    /// `TRACE`
    Trace,
    /// `PATCH` (RFC 5789)
    Patch,
    /// Any other token, such as `PROPFIND` or `PURGE`.
    Extension(ExtensionMethod),
}

/// A validated extension method token (at most [`MAX_METHOD_LEN`] bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionMethod(ArrayString<MAX_METHOD_LEN>);

impl ExtensionMethod {
    /// The method as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Method {
    /// Parses a method token. Standard names map to their variants; any other valid token
    /// becomes [`Method::Extension`].
    pub fn parse(s: &str) -> Result<Method, InvalidRequest> {
        Ok(match s {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "CONNECT" => Method::Connect,
            "OPTIONS" => Method::Options,
            "TRACE" => Method::Trace,
            "PATCH" => Method::Patch,
            _ => {
                if !is_token(s.as_bytes()) {
                    return Err(InvalidRequest::Method);
                }
                let token = ArrayString::from(s).map_err(|_| InvalidRequest::Method)?;
                Method::Extension(ExtensionMethod(token))
            }
        })
    }

    /// The method as it goes on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Connect => "CONNECT",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Patch => "PATCH",
            Method::Extension(e) => e.as_str(),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for Method {
    type Err = InvalidRequest;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("GET", Some("GET")),
            ("PATCH", Some("PATCH")),
            ("PROPFIND", Some("PROPFIND")),
            ("get", Some("get")),
            ("M-SEARCH", Some("M-SEARCH")),
            ("", None),
            ("GET ", None),
            ("G\rET", None),
            ("ÄÖ", None),
            ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None), // 33 bytes
        ];
        let failed: alloc::vec::Vec<_> = cases
            .iter()
            .filter(|(input, want)| Method::parse(input).ok().as_ref().map(Method::as_str) != *want)
            .collect();
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
        assert_eq!(Method::parse("GET").unwrap(), Method::Get);
        assert!(matches!(
            Method::parse("get").unwrap(),
            Method::Extension(_)
        ));
    }
}
