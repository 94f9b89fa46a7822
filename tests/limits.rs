//! Limits: the redirect limit, the header field limit, and how long a URL can get within
//! the head size limit (and where the `http` types stop taking it).

#[path = "support/chain.rs"]
mod chain;

use chain::{Chain, req};
use redirects::{Error, Event, Fault, Follow, Method, Policy};

#[test]
fn too_many_redirects_after_the_limit() {
    let mut s = Chain::with_policy(
        req(Method::Get, "http://a.test/0"),
        Policy::fetch().with_max_redirects(2),
    );
    s.redirect("HTTP/1.1 302 F\r\nLocation: /1\r\n\r\n", |_| {});
    s.redirect("HTTP/1.1 302 F\r\nLocation: /2\r\n\r\n", |_| {});
    assert_eq!(
        s.fail("HTTP/1.1 302 F\r\nLocation: /3\r\n\r\n"),
        Error::TooManyRedirects {
            limit: 2,
            status: 302
        }
    );
}

/// A 302 with `n` `Set-Cookie` fields (plus `Location` and `Content-Length`).
fn redirect_with_cookies(n: usize) -> String {
    let mut r = String::from("HTTP/1.1 302 Found\r\nLocation: /next\r\n");
    for i in 0..n {
        r.push_str(&format!("Set-Cookie: c{i}=v{i}; Path=/\r\n"));
    }
    r.push_str("Content-Length: 0\r\n\r\n");
    r
}

#[test]
fn a_redirect_with_150_set_cookie_fields_is_ordinary() {
    let response = redirect_with_cookies(150);
    let mut s = Chain::new(req(Method::Get, "http://a.test/"));
    s.redirect(&response, |r| {
        let cookies = r.response().headers_named("set-cookie").count();
        assert_eq!(cookies, 150);
        assert_eq!(r.response().headers().count(), 152);
        assert_eq!(r.request().url().as_str(), "http://a.test/next");
    });
}

/// Past the policy's field limit the error is `TooManyHeaders` with that limit (never
/// `HeadTooLarge`), fed whole and one byte at a time; up to it the head is ordinary.
#[test]
fn field_limit_is_a_policy_value() {
    // (Set-Cookie fields, the policy's limit or None for the default, Ok or the limit).
    let cases: &[(usize, Option<usize>, Result<(), usize>)] = &[
        (100, None, Ok(())),
        (254, None, Ok(())), // 256 fields with Location and Content-Length
        (255, None, Err(256)),
        (14, Some(16), Ok(())),
        (15, Some(16), Err(16)),
        (500, Some(1_000), Ok(())),
        (2_000, Some(65_535), Ok(())),
    ];
    let mut failed = Vec::new();
    for &(n, limit, want) in cases {
        let mut policy = Policy::fetch().with_max_head_size(1 << 20).unwrap();
        if let Some(l) = limit {
            policy = policy.with_max_header_fields(l).unwrap();
        }
        let response = redirect_with_cookies(n);
        for bytewise in [false, true] {
            let mut f = Follow::new(req(Method::Get, "http://a.test/"), policy.clone()).unwrap();
            let bytes = response.as_bytes();
            let start = if bytewise { 1 } else { bytes.len() };
            let mut got = None;
            for end in start..=bytes.len() {
                match f.handle_response(&bytes[..end]) {
                    Ok(Event::NeedData) => continue,
                    Ok(Event::Redirect(_)) => got = Some(Ok(())),
                    Ok(Event::Final(_)) => got = Some(Err(0)),
                    Err(Error::TooManyHeaders { limit }) => got = Some(Err(limit)),
                    Err(e) => panic!("{n} fields, limit {limit:?}: {e:?}"),
                }
                break;
            }
            if got != Some(want) {
                failed.push(format!(
                    "{n} Set-Cookie, limit {limit:?}, bytewise {bytewise}: {got:?}, want {want:?}"
                ));
            }
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
    let e = Error::TooManyHeaders { limit: 16 };
    assert_eq!((e.code(), e.fault()), ("too_many_headers", Fault::Peer));
}

/// A redirect whose `Location` is 30,000 bytes of `é` (two bytes >= 0x80 each), within the
/// default head size limit: each byte is percent-encoded, so the next URL's path is 90,000
/// bytes. `write_head` writes it; `to_http_request` gives `http`'s typed error (its
/// `PathAndQuery` takes at most 65,534 bytes), and does not panic.
#[cfg(feature = "http")]
#[test]
fn a_location_past_the_http_uri_limit_is_written_but_not_an_http_request() {
    let mut response = b"HTTP/1.1 302 Found\r\nLocation: /".to_vec();
    response.extend("\u{e9}".repeat(15_000).bytes());
    response.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
    assert!(response.len() < redirects::DEFAULT_MAX_HEAD_SIZE);
    let mut s = Chain::new(req(Method::Get, "http://a.test/"));
    let hop = chain::expect_redirect(&mut s.follow, &response);
    let next = hop.request();
    let path = next.url().path();
    assert_eq!(path.len(), 1 + 90_000);
    assert!(path.starts_with("/%C3%A9%C3%A9"));

    let mut buf = vec![0; next.head_len()];
    let n = next.write_head(&mut buf).expect("the head is written");
    assert!(n > 90_000);
    assert!(buf.starts_with(b"GET /%C3%A9"));

    let err = next.to_http_request().expect_err("past http::Uri's limit");
    assert!(err.is::<http::uri::InvalidUri>(), "{err:?}");
}

/// `http`'s limit on the path and query is 65,534 bytes: one byte more and
/// `to_http_request` fails, where `write_head` still writes the request.
#[cfg(feature = "http")]
#[test]
fn to_http_request_takes_a_path_of_up_to_65534_bytes() {
    for (len, fits) in [(65_534, true), (65_535, false)] {
        let url = format!("http://a.test/{}", "a".repeat(len - 1));
        let s = Chain::new(req(Method::Get, &url));
        let first = s.follow.request();
        assert_eq!(first.url().path().len(), len);
        assert!(first.to_head().len() > len);
        match first.to_http_request() {
            Ok(r) => assert!(fits && r.uri().path().len() == len, "{len}"),
            Err(e) => assert!(!fits && e.is::<http::uri::InvalidUri>(), "{len}: {e:?}"),
        }
    }
}

/// The head size limit bounds the `Location` field, not the URL it resolves to: each
/// byte >= 0x80 becomes three, so a URL in `Follow::history` (and the next request's) can
/// reach about three times `max_head_size`.
#[test]
fn history_urls_can_reach_three_times_the_head_size_limit() {
    let limit = 4096;
    let policy = Policy::fetch().with_max_head_size(limit).unwrap();
    let mut s = Chain::with_policy(req(Method::Get, "http://a.test/"), policy);
    let mut response = b"HTTP/1.1 302 Found\r\nLocation: /".to_vec();
    let room = limit - response.len() - b"\r\n\r\n".len();
    response.extend("\u{e9}".repeat(room / 2).bytes());
    response.extend_from_slice(b"\r\n\r\n");
    assert!(response.len() <= limit);
    s.propose(std::str::from_utf8(&response).unwrap()).follow();
    s.redirect(&chain::redirect(302, "/short"), |_| {});
    let history = s.follow.history();
    assert_eq!(history.len(), 2);
    let long = history[1].url().as_str().len();
    assert!(
        10 * long > 29 * limit && long <= 3 * limit,
        "{long} against {limit}"
    );
}
