//! The cookie jar in scenarios: a chain driven by the machine with a [`Jar`] applied on
//! every hop (the way `examples/follow.rs` does it through the `Redirect` handle), and
//! properties: the jar never exceeds its limits and never panics on arbitrary bytes.

use proptest::collection::vec;
use proptest::prelude::*;
use redirects::{CookieJar, Event, Follow, IgnoredWhy, Jar, Limits, Policy, Request, Stored, Url};

const NOW: u64 = 1_800_000_000;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn header(jar: &mut Jar, to: &str) -> String {
    let mut out = Vec::new();
    jar.cookie_header(&url(to), &mut out);
    String::from_utf8(out).unwrap()
}

/// Follows a chain of scripted responses (one per URL, in order), applying the jar on
/// every hop: each response's `Set-Cookie` stored against the URL of the request that got
/// it, each request's `Cookie` from the jar. Returns the `Cookie` each request carried.
fn chain(jar: &mut Jar, first: &str, responses: &[&str]) -> Vec<Option<String>> {
    let mut request = Request::get(first).unwrap();
    let mut out = Vec::new();
    if jar.cookie_header(&url(first), &mut out) > 0 {
        request = request.header("Cookie", &out).unwrap();
    }
    let mut follow = Follow::new(request, Policy::fetch()).unwrap();
    let mut sent = Vec::new();
    for response in responses {
        let request = follow.request();
        let cookie = request
            .headers()
            .find(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .map(|(_, v)| String::from_utf8(v.to_vec()).unwrap());
        sent.push(cookie);
        let requested = request.url().clone();
        match follow.handle_response(response.as_bytes()).unwrap() {
            Event::Redirect(mut hop) => {
                assert_eq!(hop.from_url(), &requested);
                for field in hop.response().headers_named("set-cookie") {
                    jar.store(hop.from_url(), field);
                }
                let next = hop.request().url().clone();
                out.clear();
                hop.remove_header("Cookie");
                if jar.cookie_header(&next, &mut out) > 0 {
                    hop.set_header("Cookie", &out).unwrap();
                }
            }
            Event::Final(done) => {
                for field in done.response().headers_named("set-cookie") {
                    jar.store(done.url(), field);
                }
                return sent;
            }
            Event::NeedData => panic!("scripted responses are complete"),
        }
    }
    panic!("the chain did not end")
}

#[test]
fn login_cookie_on_a_302_is_stored_against_the_302s_url() {
    // CVE-2015-2296: the 302 from a.test sets sid; it belongs to a.test, not to the target.
    let mut jar = Jar::new();
    jar.set_now(NOW);
    let sent = chain(
        &mut jar,
        "http://a.test/login",
        &[
            "HTTP/1.1 302 Found\r\nLocation: http://b.test/next\r\nSet-Cookie: sid=42; Path=/\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 302 Found\r\nLocation: http://a.test/home\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ],
    );
    assert_eq!(sent, [None, None, Some("sid=42".into())]);
    let c = jar.iter().next().unwrap();
    assert_eq!((c.domain(), c.host_only()), ("a.test", true));
}

#[test]
fn cookie_for_a_host_never_reaches_another() {
    let mut jar = Jar::new();
    jar.store(&url("http://a.test/"), b"a=1");
    jar.store(&url("http://a.test/"), b"d=1; Domain=a.test");
    assert_eq!(header(&mut jar, "http://b.test/"), "");
    assert_eq!(header(&mut jar, "http://a.test.b.test/"), "");
    assert_eq!(header(&mut jar, "http://aa.test/"), "");
    assert_eq!(
        header(&mut jar, "http://a.test:1234/"),
        "a=1; d=1",
        "ports are ignored"
    );
    let evil = jar.store(&url("http://b.test/"), b"a=evil; Domain=a.test");
    assert_eq!(evil, Stored::Ignored(IgnoredWhy::DomainMismatch));
}

#[test]
fn secure_cookies_and_http() {
    let mut jar = Jar::new();
    let from_http = jar.store(&url("http://a.test/"), b"s=1; Secure");
    assert_eq!(from_http, Stored::Ignored(IgnoredWhy::SecureFromInsecure));
    assert_eq!(
        jar.store(&url("https://a.test/"), b"s=1; Secure"),
        Stored::Added
    );
    assert_eq!(header(&mut jar, "http://a.test/"), "");
    assert_eq!(header(&mut jar, "https://a.test/"), "s=1");
    // http may neither overwrite nor delete it.
    let over = jar.store(&url("http://a.test/"), b"s=2");
    assert_eq!(over, Stored::Ignored(IgnoredWhy::WouldShadowSecure));
    let delete = jar.store(&url("http://a.test/"), b"s=; Secure; Max-Age=0");
    assert_eq!(delete, Stored::Ignored(IgnoredWhy::SecureFromInsecure));
    assert_eq!(header(&mut jar, "https://a.test/"), "s=1");
}

#[test]
fn domain_cookie_reaches_subdomains() {
    let mut jar = Jar::new();
    let sent = chain(
        &mut jar,
        "http://a.test/",
        &[
            "HTTP/1.1 302 Found\r\nLocation: http://sub.a.test/\r\nSet-Cookie: d=1; Domain=a.test\r\nSet-Cookie: h=1\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        ],
    );
    assert_eq!(sent, [None, Some("d=1".into())]);
}

#[test]
fn deletion_by_max_age_and_past_expires() {
    let mut jar = Jar::new();
    jar.set_now(NOW);
    let a = url("http://a.test/");
    jar.store(&a, b"m=1");
    jar.store(&a, b"e=1");
    jar.store(&a, b"k=1");
    assert_eq!(jar.store(&a, b"m=; Max-Age=0"), Stored::Deleted);
    let past = b"e=; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    assert_eq!(jar.store(&a, past), Stored::Deleted);
    assert_eq!(header(&mut jar, "http://a.test/"), "k=1");
    // httpbin's /cookies/delete sends both, with Path=/.
    let both = b"k=; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/";
    assert_eq!(jar.store(&a, both), Stored::Deleted);
    assert!(jar.is_empty());
}

#[test]
fn replacement_keeps_its_place() {
    let mut jar = Jar::new();
    let a = url("http://a.test/");
    for field in ["a=1", "b=1", "c=1", "b=2"] {
        jar.store(&a, field.as_bytes());
    }
    assert_eq!(header(&mut jar, "http://a.test/"), "a=1; b=2; c=1");
}

#[test]
fn over_the_per_domain_limit_the_least_recently_used_goes() {
    let mut jar = Jar::with_limits(Limits {
        per_domain: 2,
        ..Limits::default()
    });
    let a = url("http://a.test/");
    jar.store(&a, b"a=1");
    jar.store(&a, b"b=1");
    jar.store(&a, b"c=1");
    assert_eq!(header(&mut jar, "http://a.test/"), "b=1; c=1");
    assert_eq!(jar.evicted(), 1);
}

fn arbitrary_url() -> impl Strategy<Value = Url> {
    (
        prop::sample::select(vec!["http", "https", "ws", "ftp"]),
        prop::sample::select(vec![
            "a.test",
            "x.a.test",
            "b.test",
            "127.0.0.1",
            "[::1]",
            "localhost",
        ]),
        prop::sample::select(vec!["/", "/a", "/a/b", "/a/b/", "/c?x"]),
    )
        .prop_map(|(s, h, p)| Url::parse(&format!("{s}://{h}{p}")).unwrap())
}

fn cookie_ish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        &b"a=1"[..],
        b"b=2",
        b"; ",
        b";",
        b"=",
        b"Domain=a.test",
        b"Domain=.test",
        b"Domain=127.0.0.1",
        b"Path=/a",
        b"Path=",
        b"Secure",
        b"HttpOnly",
        b"Max-Age=0",
        b"Max-Age=100",
        b"Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        b"Expires=Fri, 01 Jan 2100 00:00:00 GMT",
        b"SameSite=None",
        b"__Host-",
        b"__Secure-",
        b"x",
        b"\t",
        b"\0",
    ]);
    prop_oneof![
        vec(piece, 0..12).prop_map(|p| p.concat()),
        vec(any::<u8>(), 0..64),
        (0usize..5000).prop_map(|n| {
            let mut v = b"big=".to_vec();
            v.resize(n, b'v');
            v
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_over_limits_never_panics(
        per_domain in 0usize..6,
        total_bytes in 0usize..2000,
        refuse_when_full in any::<bool>(),
        now in prop::option::of(0u64..4_000_000_000),
        ops in vec((arbitrary_url(), cookie_ish(), any::<bool>()), 0..40),
    ) {
        let limits = Limits { per_domain, total_bytes, max_cookie_size: 4096, refuse_when_full };
        let mut jar = Jar::with_limits(limits);
        if let Some(now) = now {
            jar.set_now(now);
        }
        for (u, field, ask) in ops {
            jar.store(&u, &field);
            if ask {
                let mut out = Vec::new();
                let n = jar.cookie_header(&u, &mut out);
                prop_assert_eq!(n == 0, out.is_empty());
            }
            prop_assert!(jar.bytes() <= total_bytes);
            let cost: usize = jar
                .iter()
                .map(|c| c.name().len() + c.value().len() + c.domain().len() + c.path().len() + Limits::OVERHEAD)
                .sum();
            prop_assert_eq!(cost, jar.bytes());
            for c in jar.iter() {
                prop_assert!(c.name().len() + c.value().len() <= 4096);
                let same = jar.iter().filter(|d| d.domain() == c.domain()).count();
                prop_assert!(same <= per_domain);
            }
        }
    }

    #[test]
    fn arbitrary_imports_never_panic(
        name in vec(any::<u8>(), 0..16),
        value in vec(any::<u8>(), 0..16),
        domain in "[a-zA-Z0-9.\\[\\]:; \t\x00-]{0,12}",
        path in "[/a-z;\t\x00]{0,6}",
        expires in prop::option::of(any::<u64>()),
        u in arbitrary_url(),
    ) {
        let mut jar = Jar::new().with_now(NOW);
        let cookie = redirects::Cookie::new(name, value, &domain)
            .with_path(&path)
            .with_expires(expires)
            .with_host_only(expires.is_some_and(|e| e % 2 == 0));
        let stored = jar.insert(cookie);
        let mut out = Vec::new();
        let n = jar.cookie_header(&u, &mut out);
        prop_assert!(n <= 1 && jar.len() <= 1);
        if matches!(stored, Stored::Added) {
            // What was taken is a cookie a `Cookie` header can carry.
            let c = jar.iter().next().unwrap();
            prop_assert!(!c.name().iter().chain(c.value()).any(|&b| b == b';' || b < 0x20 && b != b'\t'));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(field in vec(any::<u8>(), 0..256), u in arbitrary_url()) {
        let mut jar = Jar::new();
        jar.store(&u, &field);
        let mut out = Vec::new();
        jar.cookie_header(&u, &mut out);
        // Whatever was stored comes back without a control byte or a stray `;` in a pair.
        prop_assert!(!out.iter().any(|&b| b < 0x20 && b != b'\t'));
    }
}
