//! The storage model and retrieval as tables, each row with its RFC 6265bis section.

use alloc::string::String;
use alloc::vec::Vec;

use super::*;

const NOW: u64 = 1_800_000_000;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn header(jar: &mut Jar, to: &str) -> String {
    let mut out = Vec::new();
    jar.cookie_header(&url(to), &mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn matching_helpers() {
    // (section, host, domain, domain-match)
    let domains = [
        ("§5.1.3 identical", "a.test", "a.test", true),
        ("§5.1.3 subdomain", "x.a.test", "a.test", true),
        ("§5.1.3 no dot before", "xa.test", "a.test", false),
        ("§5.1.3 superdomain", "a.test", "x.a.test", false),
        ("§5.1.3 IP identical", "127.0.0.1", "127.0.0.1", true),
        ("§5.1.3 IPv6 identical", "[::1]", "[::1]", true),
        (
            "§5.1.3 trailing dot is another host",
            "a.test.",
            "a.test",
            false,
        ),
        ("§5.1.3 IP suffix", "10.0.0.1", "0.0.1", false),
    ];
    for (section, host, domain, want) in domains {
        assert_eq!(
            domain_match(host, domain),
            want,
            "{section}: {host} {domain}"
        );
    }
    // (section, request path, cookie path, path-match)
    let paths = [
        ("§5.1.4 identical", "/a", "/a", true),
        ("§5.1.4 prefix ending in /", "/a/b", "/a/", true),
        ("§5.1.4 prefix then /", "/a/b", "/a", true),
        ("§5.1.4 prefix mid-segment", "/ab", "/a", false),
        ("§5.1.4 root", "/anything", "/", true),
        ("§5.1.4 longer cookie path", "/a", "/a/b", false),
    ];
    for (section, request, cookie, want) in paths {
        assert_eq!(
            path_match(request, cookie),
            want,
            "{section}: {request} {cookie}"
        );
    }
    // (section, URL, default-path)
    let defaults = [
        ("§5.1.4 root", "http://a.test/", "/"),
        ("§5.1.4 one slash", "http://a.test/login", "/"),
        ("§5.1.4 directory", "http://a.test/a/b/c", "/a/b"),
        ("§5.1.4 trailing slash", "http://a.test/a/b/", "/a/b"),
        ("§5.1.4 query ignored", "http://a.test/a/b?x=/y/z", "/a"),
    ];
    for (section, u, want) in defaults {
        assert_eq!(default_path(&url(u)), want, "{section}: {u}");
    }
}

#[test]
fn storage_model() {
    // (section, request URL, Set-Cookie, result)
    let table: &[(&str, &str, &str, Stored)] = &[
        ("§5.7 plain", "http://a.test/", "a=1", Stored::Added),
        (
            "§5.6 not a cookie",
            "http://a.test/",
            "=",
            Stored::Ignored(IgnoredWhy::NotACookie),
        ),
        (
            "§5.7 foreign Domain",
            "http://a.test/",
            "a=1; Domain=b.test",
            Stored::Ignored(IgnoredWhy::DomainMismatch),
        ),
        (
            "§5.7 subdomain as Domain",
            "http://a.test/",
            "a=1; Domain=x.a.test",
            Stored::Ignored(IgnoredWhy::DomainMismatch),
        ),
        (
            "§5.7 parent Domain",
            "http://x.a.test/",
            "a=1; Domain=a.test",
            Stored::Added,
        ),
        (
            "§5.6.3 leading dot",
            "http://x.a.test/",
            "a=1; Domain=.a.test",
            Stored::Added,
        ),
        (
            "§5.7 non-ASCII Domain",
            "http://xn--bcher-kva.test/",
            "a=1; Domain=bücher.test",
            Stored::Ignored(IgnoredWhy::DomainMismatch),
        ),
        (
            "§5.7 A-label Domain",
            "http://x.xn--bcher-kva.test/",
            "a=1; Domain=XN--BCHER-KVA.test",
            Stored::Added,
        ),
        (
            "§5.7 two leading dots",
            "http://a.test/",
            "a=1; Domain=..a.test",
            Stored::Ignored(IgnoredWhy::DomainMismatch),
        ),
        (
            "§5.7 trailing dot",
            "http://a.test/",
            "a=1; Domain=a.test.",
            Stored::Ignored(IgnoredWhy::DomainMismatch),
        ),
        (
            "§5.7 single label",
            "http://x.test/",
            "a=1; Domain=test",
            Stored::Ignored(IgnoredWhy::PublicSuffix),
        ),
        (
            "§5.7 host itself",
            "http://localhost/",
            "a=1; Domain=localhost",
            Stored::Added,
        ),
        (
            "§5.7 IP identical",
            "http://127.0.0.1/",
            "a=1; Domain=127.0.0.1",
            Stored::Added,
        ),
        (
            "§5.7 IP other",
            "http://127.0.0.1/",
            "a=1; Domain=0.0.1",
            Stored::Ignored(IgnoredWhy::DomainMismatch),
        ),
        (
            "§5.7 Secure over http",
            "http://a.test/",
            "a=1; Secure",
            Stored::Ignored(IgnoredWhy::SecureFromInsecure),
        ),
        (
            "§5.7 Secure over https",
            "https://a.test/",
            "a=1; Secure",
            Stored::Added,
        ),
        (
            "§5.7 SameSite=None needs Secure",
            "https://a.test/",
            "a=1; SameSite=None",
            Stored::Ignored(IgnoredWhy::SameSiteNoneInsecure),
        ),
        (
            "§5.7 __Secure- needs Secure",
            "https://a.test/",
            "__Secure-a=1",
            Stored::Ignored(IgnoredWhy::Prefix),
        ),
        (
            "§5.7 __Secure- ok",
            "https://a.test/",
            "__Secure-a=1; Secure",
            Stored::Added,
        ),
        (
            "§5.7 __Host- needs Path=/",
            "https://a.test/",
            "__Host-a=1; Secure",
            Stored::Ignored(IgnoredWhy::Prefix),
        ),
        (
            "§5.7 __Host- no Domain",
            "https://a.test/",
            "__Host-a=1; Secure; Path=/; Domain=a.test",
            Stored::Ignored(IgnoredWhy::Prefix),
        ),
        (
            "§5.7 __Host- ok",
            "https://a.test/",
            "__host-a=1; Secure; Path=/",
            Stored::Added,
        ),
        (
            "§5.7 nameless prefixed",
            "https://a.test/",
            "__Host-x; Secure; Path=/",
            Stored::Ignored(IgnoredWhy::Prefix),
        ),
        (
            "§5.7 expired, nothing stored",
            "http://a.test/",
            "a=1; Max-Age=0",
            Stored::Expired,
        ),
        (
            "§5.7 past Expires",
            "http://a.test/",
            "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            Stored::Expired,
        ),
        (
            "§5.7 not http",
            "ftp://a.test/",
            "a=1",
            Stored::Ignored(IgnoredWhy::NotHttp),
        ),
        (
            "§5.7 no host",
            "data:text/plain,x",
            "a=1",
            Stored::Ignored(IgnoredWhy::NotHttp),
        ),
    ];
    for (section, u, field, want) in table {
        let mut jar = Jar::new();
        jar.set_now(NOW);
        assert_eq!(
            jar.store(&url(u), field.as_bytes()),
            *want,
            "{section}: {field:?} from {u}"
        );
    }
}

#[test]
fn retrieval() {
    // (section, [(request URL, Set-Cookie)], URL asked for, Cookie header)
    type Row = (
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
        &'static str,
    );
    let table: &[Row] = &[
        (
            "§5.8.3 host-only not to subdomain",
            &[("http://a.test/", "a=1")],
            "http://x.a.test/",
            "",
        ),
        (
            "§5.8.3 Domain to subdomain",
            &[("http://a.test/", "a=1; Domain=a.test")],
            "http://x.a.test/",
            "a=1",
        ),
        (
            "§5.8.3 other host",
            &[("http://a.test/", "a=1; Domain=a.test")],
            "http://b.test/",
            "",
        ),
        (
            "§5.8.3 ports ignored",
            &[("http://a.test:8080/", "a=1")],
            "http://a.test:9090/",
            "a=1",
        ),
        (
            "§5.8.3 Secure not over http",
            &[("https://a.test/", "a=1; Secure")],
            "http://a.test/",
            "",
        ),
        (
            "§5.8.3 Secure over https",
            &[("https://a.test/", "a=1; Secure")],
            "https://a.test/",
            "a=1",
        ),
        (
            "§5.8.3 HttpOnly sent",
            &[("http://a.test/", "a=1; HttpOnly")],
            "http://a.test/",
            "a=1",
        ),
        (
            "§5.8.3 SameSite not applied",
            &[("http://a.test/", "a=1; SameSite=Strict")],
            "http://a.test/",
            "a=1",
        ),
        (
            "§5.8.3 path-match",
            &[("http://a.test/", "a=1; Path=/x")],
            "http://a.test/y",
            "",
        ),
        (
            "§5.8.3 default path",
            &[("http://a.test/d/login", "a=1")],
            "http://a.test/d/home",
            "a=1",
        ),
        (
            "§5.8.3 default path elsewhere",
            &[("http://a.test/d/login", "a=1")],
            "http://a.test/e",
            "",
        ),
        (
            "§5.6.4 Path without / is default",
            &[("http://a.test/d/x", "a=1; Path=e")],
            "http://a.test/d/y",
            "a=1",
        ),
        (
            "§5.8.3 longer path first",
            &[
                ("http://a.test/", "a=1; Path=/"),
                ("http://a.test/", "b=2; Path=/p"),
            ],
            "http://a.test/p",
            "b=2; a=1",
        ),
        (
            "§5.8.3 then creation",
            &[("http://a.test/", "b=2"), ("http://a.test/", "a=1")],
            "http://a.test/",
            "b=2; a=1",
        ),
        (
            "§5.7 replacement keeps creation",
            &[
                ("http://a.test/", "a=1"),
                ("http://a.test/", "b=2"),
                ("http://a.test/", "a=3"),
            ],
            "http://a.test/",
            "a=3; b=2",
        ),
        (
            "§5.7 different path, two cookies",
            &[
                ("http://a.test/", "a=1; Path=/"),
                ("http://a.test/", "a=2; Path=/p"),
            ],
            "http://a.test/p/q",
            "a=2; a=1",
        ),
        (
            "§5.8.3 nameless sent as value",
            &[("http://a.test/", "token")],
            "http://a.test/",
            "token",
        ),
        (
            "§5.7 Max-Age=0 deletes",
            &[
                ("http://a.test/", "a=1"),
                ("http://a.test/", "a=; Max-Age=0"),
            ],
            "http://a.test/",
            "",
        ),
        (
            "§5.7 Max-Age<0 deletes",
            &[
                ("http://a.test/", "a=1"),
                ("http://a.test/", "a=1; Max-Age=-5"),
            ],
            "http://a.test/",
            "",
        ),
        (
            "§5.7 past Expires deletes",
            &[
                ("http://a.test/", "a=1"),
                (
                    "http://a.test/",
                    "a=; Expires=Wed, 01 Jan 2020 00:00:00 GMT",
                ),
            ],
            "http://a.test/",
            "",
        ),
        (
            "§5.6.2 Max-Age beats Expires",
            &[(
                "http://a.test/",
                "a=1; Max-Age=60; Expires=Wed, 01 Jan 2020 00:00:00 GMT",
            )],
            "http://a.test/",
            "a=1",
        ),
        (
            "§5.7 deletion needs the same domain",
            &[
                ("http://a.test/", "a=1; Domain=a.test"),
                ("http://a.test/", "a=; Max-Age=0"),
            ],
            "http://a.test/",
            "a=1",
        ),
        (
            "§5.7 foreign deletion ignored",
            &[
                ("http://a.test/", "a=1"),
                ("http://b.test/", "a=; Max-Age=0; Domain=a.test"),
            ],
            "http://a.test/",
            "a=1",
        ),
        (
            "§5.7 http may not shadow Secure",
            &[
                ("https://a.test/", "a=1; Secure"),
                ("http://a.test/", "a=2"),
            ],
            "https://a.test/",
            "a=1",
        ),
        (
            "§5.7 https may",
            &[
                ("https://a.test/", "a=1; Secure"),
                ("https://a.test/", "a=2"),
            ],
            "https://a.test/",
            "a=2",
        ),
        (
            "§5.7 other path allowed",
            &[
                ("https://a.test/", "a=1; Secure; Path=/login"),
                ("http://a.test/", "a=2; Path=/"),
            ],
            "http://a.test/login",
            "a=2",
        ),
        (
            "§5.7 sub-path refused",
            &[
                ("https://a.test/", "a=1; Secure; Path=/login"),
                ("http://a.test/", "a=2; Path=/login/en"),
            ],
            "https://a.test/login/en",
            "a=1",
        ),
    ];
    for (section, stores, to, want) in table {
        let mut jar = Jar::new();
        jar.set_now(NOW);
        for (from, field) in *stores {
            jar.store(&url(from), field.as_bytes());
        }
        assert_eq!(header(&mut jar, to), *want, "{section}");
    }
}

#[test]
fn time() {
    // §5.6.2 Max-Age counts from the caller's now.
    let mut jar = Jar::new();
    jar.set_now(NOW);
    jar.store(&url("http://a.test/"), b"a=1; Max-Age=10");
    assert_eq!(jar.iter().next().unwrap().expires(), Some(NOW + 10));
    jar.set_now(NOW + 9);
    assert_eq!(header(&mut jar, "http://a.test/"), "a=1");
    jar.set_now(NOW + 10);
    assert_eq!(
        header(&mut jar, "http://a.test/"),
        "",
        "§5.7 expired cookies go"
    );
    assert!(jar.is_empty());
    // §5.6.1 Expires capped at 400 days.
    jar.store(
        &url("http://a.test/"),
        b"a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT",
    );
    assert_eq!(
        jar.iter().next().unwrap().expires(),
        Some(NOW + 10 + 400 * 86_400)
    );
    // No clock: Max-Age > 0 and a future Expires are session cookies, the past deletes.
    let mut jar = Jar::new();
    assert_eq!(
        jar.store(&url("http://a.test/"), b"a=1; Max-Age=10"),
        Stored::Added
    );
    assert_eq!(jar.iter().next().unwrap().expires(), None);
    let future = b"b=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT";
    assert_eq!(jar.store(&url("http://a.test/"), future), Stored::Added);
    assert_eq!(jar.iter().nth(1).unwrap().expires(), None);
    let past = b"a=; Expires=Thu, 01 Jan 2015 00:00:00 GMT";
    assert_eq!(jar.store(&url("http://a.test/"), past), Stored::Deleted);
    assert_eq!(header(&mut jar, "http://a.test/"), "b=1");
}

#[test]
fn limits_evict_least_recently_used() {
    let mut jar = Jar::with_limits(Limits {
        per_domain: 3,
        ..Limits::default()
    });
    let a = url("http://a.test/");
    for name in ["a", "b", "c"] {
        assert_eq!(
            jar.store(&a, alloc::format!("{name}=1").as_bytes()),
            Stored::Added
        );
    }
    // Sending uses them all; then `a` is stored again (used), so `b` is the oldest use.
    assert_eq!(header(&mut jar, "http://a.test/"), "a=1; b=1; c=1");
    assert_eq!(jar.store(&a, b"a=2"), Stored::Replaced);
    assert_eq!(jar.store(&a, b"d=1"), Stored::Added);
    assert_eq!(header(&mut jar, "http://a.test/"), "a=2; c=1; d=1");
    assert_eq!(jar.evicted(), 1);
    // Other domains are not counted against a.test.
    assert_eq!(jar.store(&url("http://b.test/"), b"x=1"), Stored::Added);
    assert_eq!(jar.len(), 4);
}

#[test]
fn limits_refuse() {
    let mut jar = Jar::with_limits(Limits {
        per_domain: 1,
        refuse_when_full: true,
        ..Limits::default()
    });
    let a = url("http://a.test/");
    assert_eq!(jar.store(&a, b"a=1"), Stored::Added);
    assert_eq!(jar.store(&a, b"b=1"), Stored::Ignored(IgnoredWhy::Full));
    assert_eq!(
        jar.store(&a, b"a=2"),
        Stored::Replaced,
        "a replacement is no new cookie"
    );
    assert_eq!(header(&mut jar, "http://a.test/"), "a=2");
}

#[test]
fn limits_bytes() {
    let cost = |name: &str| name.len() + 1 + "a.test".len() + 1 + Limits::OVERHEAD;
    let mut jar = Jar::with_limits(Limits {
        total_bytes: 2 * cost("a"),
        ..Limits::default()
    });
    let a = url("http://a.test/");
    jar.store(&a, b"a=1");
    jar.store(&a, b"b=1");
    assert_eq!(jar.bytes(), 2 * cost("a"));
    assert_eq!(jar.store(&a, b"c=1"), Stored::Added);
    assert_eq!(
        header(&mut jar, "http://a.test/"),
        "b=1; c=1",
        "the oldest went"
    );
    let alone_too_big = alloc::format!("a={}", "x".repeat(2 * cost("a")));
    assert_eq!(
        jar.store(&a, alone_too_big.as_bytes()),
        Stored::Ignored(IgnoredWhy::TooLarge)
    );
    assert_eq!(jar.len(), 2, "a refused cookie evicts nothing");
    let mut small = Jar::with_limits(Limits {
        max_cookie_size: 4,
        ..Limits::default()
    });
    assert_eq!(
        small.store(&a, b"abc=de"),
        Stored::Ignored(IgnoredWhy::TooLarge)
    );
    assert_eq!(small.store(&a, b"a=cd"), Stored::Added);
}

#[test]
fn public_suffix_hook() {
    fn psl(d: &str) -> bool {
        matches!(d, "co.uk" | "uk" | "test")
    }
    let mut jar = Jar::new().with_public_suffix(psl);
    let u = url("http://x.co.uk/");
    // §5.7: a public suffix Domain is ignored ...
    assert_eq!(
        jar.store(&u, b"a=1; Domain=co.uk"),
        Stored::Ignored(IgnoredWhy::PublicSuffix)
    );
    assert_eq!(jar.store(&u, b"a=1; Domain=x.co.uk"), Stored::Added);
    // ... unless it is the host itself: then host-only.
    let mut jar = Jar::new().with_public_suffix(psl);
    assert_eq!(
        jar.store(&url("http://co.uk/"), b"a=1; Domain=co.uk"),
        Stored::Added
    );
    assert!(jar.iter().next().unwrap().host_only());
    assert_eq!(header(&mut jar, "http://x.co.uk/"), "");
}

#[test]
fn insert_and_iter() {
    let mut jar = Jar::new();
    let c = Cookie::new("a", "1", "A.test")
        .with_host_only(false)
        .with_path("/p")
        .with_secure(true)
        .with_http_only(true)
        .with_expires(Some(u64::MAX));
    assert_eq!(jar.insert(c), Stored::Added);
    let got = jar.iter().next().unwrap();
    assert_eq!(
        (got.name(), got.value(), got.domain(), got.path()),
        (&b"a"[..], &b"1"[..], "a.test", "/p")
    );
    assert!(got.secure() && got.http_only() && !got.host_only());
    assert_eq!(header(&mut jar, "https://x.a.test/p/q"), "a=1");
    let bad = [
        Cookie::new("a;b", "1", "a.test"),
        Cookie::new("a=b", "1", "a.test"),
        Cookie::new("a", "1\n", "a.test"),
        Cookie::new("", "", "a.test"),
        Cookie::new("a", "1", ""),
    ];
    for c in bad {
        assert_eq!(jar.insert(c), Stored::Ignored(IgnoredWhy::NotACookie));
    }
    assert_eq!(
        jar.insert(Cookie::new("a", "1", "a.test").with_expires(Some(5))),
        Stored::Expired
    );
}

#[test]
fn trait_objects() {
    fn through(jar: &mut dyn CookieJar) -> usize {
        jar.store(&url("http://a.test/"), b"a=1");
        let mut out = Vec::new();
        jar.cookie_header(&url("http://a.test/"), &mut out)
    }
    let mut jar = Jar::new();
    assert_eq!(through(&mut &mut jar), 1);
    let mut boxed: alloc::boxed::Box<dyn CookieJar> = alloc::boxed::Box::new(Jar::new());
    assert_eq!(through(&mut boxed), 1);
}

#[test]
fn a_cookie_record_is_small() {
    // Four boxed strings, the expiry, the flags and two counters: what `Limits::OVERHEAD`
    // charges for each cookie besides its strings.
    std::println!("Limits::OVERHEAD = {}", Limits::OVERHEAD);
    assert!(Limits::OVERHEAD <= 16 * core::mem::size_of::<usize>());
}
