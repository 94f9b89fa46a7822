//! Turning the bytes of a `Location` field into the next URL.

use alloc::string::String;

use url::Url;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Resolves the bytes of a `Location` value against `base`, as the machine does.
///
/// `raw` should already be trimmed of surrounding whitespace (the machine trims it).
/// Bytes >= 0x80 are percent-encoded one by one first, so that any byte sequence, UTF-8 or
/// not, has one meaning (what browsers and curl do); then the WHATWG parser resolves it
/// (it also drops tabs and newlines). ASCII values go to the parser as they are, which
/// allocates nothing but the new URL. The fragment is not inherited here.
///
/// ```
/// use redirects::{Url, resolve_location};
/// let base = Url::parse("http://a.test/d/page")?;
/// assert_eq!(resolve_location(&base, b"../x?\xff")?.as_str(), "http://a.test/x?%FF");
/// assert_eq!(resolve_location(&base, b"/caf\xc3\xa9")?.as_str(), "http://a.test/caf%C3%A9");
/// assert!(resolve_location(&base, b"http://[::1").is_err());
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn resolve_location(base: &Url, raw: &[u8]) -> Result<Url, url::ParseError> {
    if let Some(ascii) = raw
        .is_ascii()
        .then(|| core::str::from_utf8(raw).ok())
        .flatten()
    {
        return base.join(ascii);
    }
    let high = raw.iter().filter(|&&b| b >= 0x80).count();
    let mut s = String::with_capacity(raw.len() + 2 * high);
    for &b in raw {
        if b < 0x80 {
            s.push(char::from(b));
        } else {
            s.push('%');
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    base.join(&s)
}

/// Same origin in the HTML sense (scheme, host, port), without allocating. URLs without a
/// host have opaque origins and are never same-origin.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    // The serialisations are canonical: hosts compare as strings, and a default port is
    // never stored (`port()` is `None` for it), so equal schemes + equal `port()` is equal
    // `port_or_known_default()`.
    a.has_host() && a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port() == b.port()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    #[test]
    fn resolve_table() {
        let base = Url::parse("http://a.test/d1/d2/page?q=1#f").unwrap();
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"/x", Some("http://a.test/x")),
            (b"x", Some("http://a.test/d1/d2/x")),
            (b"../../../../x", Some("http://a.test/x")),
            (b"?z", Some("http://a.test/d1/d2/page?z")),
            (b"#g", Some("http://a.test/d1/d2/page?q=1#g")),
            (b"//b.test", Some("http://b.test/")),
            (b"https://B.TEST:443/", Some("https://b.test/")),
            (b"/caf\xc3\xa9", Some("http://a.test/caf%C3%A9")),
            (b"/caf\xe9", Some("http://a.test/caf%E9")),
            (b"/a?\xff", Some("http://a.test/a?%FF")),
            (b"http://\xc3\xa9.test/", Some("http://xn--9ca.test/")),
            (b"/a b", Some("http://a.test/a%20b")),
            (b"http://[::1", None),
            (b"http://a b/", None),
            (b"http://", None),
        ];
        let mut failed = Vec::new();
        for (raw, want) in cases {
            let got = resolve_location(&base, raw).ok().map(|u| u.to_string());
            if got.as_deref() != *want {
                failed.push(format!("{:?}: {got:?}", String::from_utf8_lossy(raw)));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn origin_table() {
        let cases = [
            ("http://a.test/", "http://a.test:80/x", true),
            ("http://a.test/", "http://A.TEST/", true),
            ("http://a.test/", "https://a.test/", false),
            ("http://a.test/", "http://a.test:8080/", false),
            ("http://a.test/", "http://b.test/", false),
            ("http://127.0.0.1/", "http://localhost/", false),
            ("data:x", "data:x", false),
        ];
        let failed: Vec<_> = cases
            .iter()
            .filter(|(a, b, want)| {
                let (a, b) = (Url::parse(a).unwrap(), Url::parse(b).unwrap());
                same_origin(&a, &b) != *want
            })
            .collect();
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }
}
