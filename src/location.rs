//! Turning the bytes of a `Location` field into the next URL.

use alloc::string::String;

use url::Url;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Resolves the bytes of a `Location` value against `base`, as the machine does.
///
/// `raw` should already be trimmed of surrounding whitespace (the machine trims it).
/// Bytes that are not UTF-8 are percent-encoded one by one first, so that any byte
/// sequence, UTF-8 or not, has one meaning (what browsers and curl do); then the WHATWG
/// parser resolves it (it also drops tabs and newlines). A UTF-8 value goes to the parser
/// as it is: the parser percent-encodes its non-ASCII characters to the same bytes, and
/// reads a host's after percent-decoding them, so the result is the same. Either way
/// nothing is allocated but the new URL. The fragment is not inherited here.
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
    if let Ok(value) = core::str::from_utf8(raw) {
        if let Some(next) = path_absolute(base, value) {
            return Ok(next);
        }
        return base.join(value);
    }
    // The exact length, so that the string is one block (any other count only changes
    // its capacity: an equivalent mutant).
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

/// `base.join(value)` for the most common relative `Location`, a path-absolute one
/// (`/path?query`) against an `http` or `https` base, done with `url`'s own path and query
/// setters on a copy of `base`; `None` for any other value, which `join` resolves.
///
/// Why: the parser starts the new URL's string as long as `value` and grows it twice (for
/// the base's scheme and host, then for the path); the copy of `base` is one block, most
/// often already long enough. The result is the same URL, since both run the same WHATWG
/// states on the same input: the parser's "relative slash" state keeps the base's
/// scheme, user info, host and port and reads the rest in the "path" state, then the
/// "query" state, as the pathname and query setters do. What would make them differ is
/// left to `join`:
/// - a second slash or backslash after the first (`//host`, `/\host`: a new authority);
/// - a backslash anywhere (special URLs read it as a slash; only the second byte's changes
///   the meaning, but one rule for every byte is simpler to check);
/// - `#` (the setters would not end the path or the query there);
/// - tabs and newlines, which the parser drops anywhere (`/\t/host` is `//host`), and
///   every other byte up to the space, which the parser trims from the ends.
///
/// A `?` ends the path in the parser; here the value is split at the first one. The
/// copy can never change the origin: only the path and the query are set. The `location`
/// fuzz target and `tests/properties.rs` compare this with `join` on arbitrary values.
fn path_absolute(base: &Url, value: &str) -> Option<Url> {
    let b = value.as_bytes();
    if b.first() != Some(&b'/') || matches!(b.get(1), Some(b'/' | b'\\')) {
        return None;
    }
    // Both are special schemes, and their URLs always have a host.
    if !matches!(base.scheme(), "http" | "https") {
        return None;
    }
    // One pass: the bytes left to `join`, and where the query starts.
    let mut query_at = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            0..=b' ' | b'\\' | b'#' => return None,
            b'?' if query_at.is_none() => query_at = Some(i),
            _ => {}
        }
    }
    let (path, query) = match query_at {
        Some(i) => (&value[..i], Some(&value[i + 1..])),
        None => (value, None),
    };
    let mut next = base.clone();
    // Cut from the end, so that no setter has a tail to keep aside (an allocation).
    if base.fragment().is_some() {
        next.set_fragment(None);
    }
    if base.query().is_some() {
        next.set_query(None);
    }
    next.set_path(path);
    if query.is_some() {
        next.set_query(query);
    }
    Some(next)
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
            (b"/\x80\x7f", Some("http://a.test/%80%7F")),
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

    /// What `resolve_location` means, written the slow way: every byte >= 0x80
    /// percent-encoded, then `Url::join`.
    fn reference(base: &Url, raw: &[u8]) -> Result<Url, url::ParseError> {
        let mut s = String::new();
        for &b in raw {
            if b < 0x80 {
                s.push(char::from(b));
            } else {
                s.push_str(&format!("%{b:02X}"));
            }
        }
        base.join(&s)
    }

    const BASES: [&str; 7] = [
        "http://a.test/d1/d2/page?q=1#f",
        "https://user:pw@b.test:8443/x/y?z",
        "http://[::1]:8080/",
        "https://xn--9ca.test/caf%C3%A9/#",
        "http://a.test",
        "http://192.168.0.1/%7Efoo/bar;p?q#x",
        "https://a-rather-long-host-name.example.test/a/long/path/to/something?with=a&query=1",
    ];

    /// Path-absolute values, which `path_absolute` resolves with the setters when it can,
    /// and values beside them that it must leave to `join`: each is what `join` of the
    /// percent-encoded bytes gives, against every base.
    const VALUES: [&[u8]; 34] = [
        b"/",
        b"/x",
        b"/a/../b",
        b"/a/./b/.",
        b"/%2e%2E/x",
        b"/..",
        b"/a?b?c",
        b"/a?",
        b"/?q",
        b"/?",
        b"/a%zz%",
        b"/caf\xc3\xa9?\xc3\xa9",
        b"/a\x7fb",
        b"/a'b?c'd\"e<f>",
        b"/:@!$&()*+,;=",
        b"/x:80",
        b"/[::1]",
        b"/a;b=c/d",
        b"/a{b}|c^`",
        b"/%41/%2f/%2F%2e",
        b"/very/long/path/that/is/longer/than/any/of/the/bases/so/that/the/copy/grows?and=query",
        // Left to `join`:
        b"//x.test/y",
        b"/\\x.test/y",
        b"/a\\b",
        b"/a#f",
        b"/a?b#f",
        b"/a b",
        b"/a\tb",
        b"/\t/x.test",
        b"/a\nb",
        b"/\0",
        b"/a\x01",
        b"/caf\xe9",
        b"x/y",
    ];

    #[test]
    fn path_absolute_is_join() {
        let mut failed = Vec::new();
        for base in BASES {
            let base = Url::parse(base).unwrap();
            for raw in VALUES {
                let got = resolve_location(&base, raw).map(|u| u.to_string());
                let want = reference(&base, raw).map(|u| u.to_string());
                if got != want {
                    failed.push(format!(
                        "{base} + {:?}: {got:?}, want {want:?}",
                        raw.escape_ascii().to_string()
                    ));
                }
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// The setters are used exactly where they are meant to be (otherwise the test above
    /// would compare `join` with itself).
    #[test]
    fn path_absolute_takes_only_plain_paths() {
        let base = Url::parse("https://a.test/p?q#f").unwrap();
        let taken = |v: &str| path_absolute(&base, v).map(|u| u.to_string());
        assert_eq!(taken("/x?y").as_deref(), Some("https://a.test/x?y"));
        assert_eq!(taken("/").as_deref(), Some("https://a.test/"));
        assert_eq!(taken("/a/../b?").as_deref(), Some("https://a.test/b?"));
        assert_eq!(
            taken("/caf\u{e9}").as_deref(),
            Some("https://a.test/caf%C3%A9")
        );
        for left in [
            "",
            "x",
            "?q",
            "#f",
            "//b.test/",
            "/\\b.test/",
            "/a\\b",
            "/a#f",
            "/a b",
            "/a\tb",
            "/a\r",
            "/a\n",
            "/\u{1}",
            "https://a.test/x",
        ] {
            assert_eq!(taken(left), None, "{left:?}");
        }
        let data = Url::parse("ftp://a.test/p").unwrap();
        assert!(
            path_absolute(&data, "/x").is_none(),
            "only http and https bases"
        );
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
