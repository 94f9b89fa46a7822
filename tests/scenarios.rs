//! Scenario tests through the public API: what a caller sees on each hop.

#[path = "support/chain.rs"]
mod chain;

use chain::{Chain, req};
use redirects::{
    Body, BodyLength, Error, Event, Follow, InvalidRequest, Method, MethodRule, Policy,
    RemovalReason,
};

#[test]
fn mdn_delete_307_replays_method_and_reports_no_change() {
    let mut s = Chain::new(req(Method::Delete, "http://www.example.org/cars/oldest"));
    s.redirect(
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://www.example.org/cars/id/123456\r\nContent-Length: 0\r\n\r\n",
        |r| {
            assert_eq!(r.request().method(), Method::Delete);
            assert_eq!(r.request().url().as_str(), "http://www.example.org/cars/id/123456");
            assert_eq!(r.method_change(), None);
            assert!(!r.body_dropped());
            assert_eq!(r.removed_headers().count(), 0);
            assert_eq!(r.number(), 1);
            assert_eq!(r.from_url().as_str(), "http://www.example.org/cars/oldest");
            assert!(r.can_reuse_connection());
        },
    );
    s.finish("HTTP/1.1 204 No Content\r\n\r\n", |f| {
        assert_eq!(f.response().status(), 204);
        assert_eq!(f.history().len(), 1);
        assert_eq!(f.history()[0].status(), 307);
        assert_eq!(
            f.history()[0].url().as_str(),
            "http://www.example.org/cars/oldest"
        );
    });
}

#[test]
fn post_302_reports_rewrite_body_drop_and_removed_body_headers() {
    let request = req(Method::Post, "http://a.test/form")
        .header("Content-Type", "text/plain")
        .unwrap()
        .header("Expect", "100-continue")
        .unwrap()
        .header("Accept", "*/*")
        .unwrap()
        .body(Body::Replayable);
    let mut s = Chain::new(request);
    s.redirect(
        "HTTP/1.1 302 Found\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n",
        |r| {
            let change = r.method_change().unwrap();
            assert_eq!((change.from, change.to), (Method::Post, Method::Get));
            assert_eq!(change.rule, MethodRule::PostToGet);
            assert!(r.body_dropped());
            assert!(!r.request().sends_body());
            let removed: Vec<_> = r
                .removed_headers()
                .map(|h| (h.name, h.reason, h.earlier))
                .collect();
            assert_eq!(
                removed,
                [
                    ("Content-Type", RemovalReason::BodyDropped, false),
                    ("Expect", RemovalReason::BodyDropped, false)
                ]
            );
            let kept: Vec<_> = r.request().headers().map(|(n, _)| n).collect();
            assert_eq!(kept, ["Accept"]);
        },
    );
}

#[test]
fn see_other_rewrites_extension_method_but_keeps_head() {
    let propfind = Method::parse("PROPFIND").unwrap();
    let mut s = Chain::new(req(propfind, "http://a.test/dav"));
    s.redirect("HTTP/1.1 303 See Other\r\nLocation: /x\r\n\r\n", |r| {
        assert_eq!(r.request().method(), Method::Get);
        assert_eq!(r.method_change().unwrap().rule, MethodRule::SeeOther);
        assert!(!r.body_dropped(), "there was no body to drop");
    });
    let mut s = Chain::new(req(Method::Head, "http://a.test/h"));
    s.redirect(
        "HTTP/1.1 303 See Other\r\nLocation: /x\r\nContent-Length: 10\r\n\r\n",
        |r| {
            assert_eq!(r.request().method(), Method::Head);
            assert_eq!(r.method_change(), None);
            // A response to HEAD has no body, whatever Content-Length says.
            assert_eq!(r.response().body_length(), BodyLength::None);
        },
    );
}

#[test]
fn redirect_response_exposes_every_set_cookie_and_exact_head_len() {
    let response = "HTTP/1.1 302 Found\r\nSet-Cookie: a=1\r\nLocation: /next\r\nSet-Cookie: b=2\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200";
    let mut s = Chain::new(req(Method::Get, "http://a.test/"));
    s.redirect(response, |r| {
        let resp = r.response();
        let cookies: Vec<_> = resp.headers_named("set-cookie").collect();
        assert_eq!(cookies, [&b"a=1"[..], &b"b=2"[..]]);
        assert_eq!(resp.reason(), "Found");
        assert_eq!(resp.version(), redirects::Version::Http11);
        assert_eq!(resp.body_length(), BodyLength::Length(5));
        let body_start = resp.head_len();
        assert_eq!(&response.as_bytes()[body_start..body_start + 5], b"hello");
        assert!(r.can_reuse_connection());
    });
}

/// The request a `connection_reuse_table` row sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    /// `GET http://a.test/`.
    Get,
    /// `POST http://a.test/` with a replayable body and `Expect: <value>`.
    Expecting(&'static str),
}

/// Whether the next request may reuse the connection ([`Redirect::can_reuse_connection`]; for a
/// final response, [`redirects::Response::keep_alive`]), each row with the rule it shows.
/// Every row is fed whole and one byte at a time.
#[test]
fn connection_reuse_table() {
    use Sent::{Expecting, Get};
    const CONTINUE: Sent = Expecting("100-continue");
    let cases: &[(Sent, &str, bool, &str)] = &[
        (
            Get,
            "HTTP/1.1 301 M\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            true,
            "RFC 9112 §9.3: persistent, same origin",
        ),
        (
            Get,
            "HTTP/1.1 301 M\r\nLocation: /x\r\nTransfer-Encoding: chunked\r\n\r\n",
            true,
            "RFC 9112 §6.3 item 4: chunked",
        ),
        (
            Get,
            "HTTP/1.1 301 M\r\nLocation: /x\r\n\r\n",
            false,
            "RFC 9112 §6.3 item 8: until close",
        ),
        (
            Get,
            "HTTP/1.1 301 M\r\nLocation: /x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            false,
            "RFC 9112 §6.3 item 4: not ending in chunked, until close",
        ),
        (
            Get,
            "HTTP/1.1 301 M\r\nLocation: /x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            false,
            "RFC 9112 §9.3: Connection: close",
        ),
        (
            Get,
            "HTTP/1.1 301 M\r\nLocation: http://a.test:8080/x\r\nContent-Length: 0\r\n\r\n",
            false,
            "another origin (port)",
        ),
        (
            Get,
            "HTTP/1.1 301 M\r\nLocation: https://a.test/x\r\nContent-Length: 0\r\n\r\n",
            false,
            "another origin (scheme)",
        ),
        (
            Get,
            "HTTP/1.0 301 M\r\nLocation: /x\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
            true,
            "RFC 9112 Appendix C.2.2: HTTP/1.0 keep-alive",
        ),
        (
            Get,
            "HTTP/1.0 301 M\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            false,
            "RFC 9112 §9.3: HTTP/1.0 closes by default",
        ),
        (
            Get,
            "HTTP/1.0 301 M\r\nLocation: /x\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n",
            false,
            "RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0, framing faulty",
        ),
        (
            Get,
            "HTTP/1.0 301 M\r\nLocation: /x\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
            false,
            "RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0, even with Content-Length",
        ),
        (
            Get,
            "HTTP/1.1 301 M\r\nLocation: /x\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n",
            false,
            "RFC 9112 §6.3 item 3: Transfer-Encoding and Content-Length",
        ),
        (
            Get,
            "HTTP/1.1 301 M\r\nContent-Length: 12\r\nLocation: /x\r\ntransfer-encoding: Chunked\r\n\r\n",
            false,
            "RFC 9112 §6.3 item 3: both, in the other order and case",
        ),
        (
            Get,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
            false,
            "RFC 9110 §15.2.2: 101, the connection switched protocols",
        ),
        (
            CONTINUE,
            "HTTP/1.1 307 T\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            false,
            "RFC 9110 §10.1.1, RFC 9112 §9.3: 307 before any 100, the body was never sent",
        ),
        (
            CONTINUE,
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 307 T\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            true,
            "RFC 9110 §10.1.1: a 100 came first, the body was sent",
        ),
        (
            CONTINUE,
            "HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\nHTTP/1.1 307 T\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            false,
            "RFC 9110 §10.1.1: only a 100 asks for the body (a 103 does not)",
        ),
        (
            CONTINUE,
            "HTTP/1.1 303 S\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            false,
            "RFC 9110 §10.1.1: the 303 drops the body, but this connection still expects it",
        ),
        (
            CONTINUE,
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 307 T\r\nLocation: /x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            false,
            "RFC 9112 §9.3: a 100 came, but Connection: close",
        ),
        (
            CONTINUE,
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 307 T\r\nLocation: http://b.test/x\r\nContent-Length: 0\r\n\r\n",
            false,
            "a 100 came, but another origin",
        ),
        (
            Expecting("100-CONTINUE"),
            "HTTP/1.1 307 T\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            false,
            "RFC 9110 §10.1.1: the expectation token is case-insensitive",
        ),
        (
            Expecting("foo, 100-continue"),
            "HTTP/1.1 307 T\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            false,
            "RFC 9110 §10.1.1: 100-continue in a list",
        ),
        (
            Expecting("something-else"),
            "HTTP/1.1 307 T\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
            true,
            "another expectation does not hold the body back",
        ),
        (
            CONTINUE,
            "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n",
            false,
            "RFC 9110 §10.1.1: a final answer before any 100",
        ),
    ];
    let mut failed = Vec::new();
    for &(sent, response, want, rule) in cases {
        for bytewise in [false, true] {
            let request = match sent {
                Sent::Get => req(Method::Get, "http://a.test/"),
                Sent::Expecting(value) => req(Method::Post, "http://a.test/")
                    .header(
                        if value == "100-CONTINUE" {
                            "expect"
                        } else {
                            "Expect"
                        },
                        value,
                    )
                    .unwrap()
                    .header("Content-Length", "3")
                    .unwrap()
                    .body(Body::Replayable),
            };
            let mut f = Follow::new(request, Policy::fetch()).unwrap();
            let bytes = response.as_bytes();
            let start = if bytewise { 1 } else { bytes.len() };
            let mut got = None;
            for end in start..=bytes.len() {
                match f.handle_response(&bytes[..end]) {
                    Ok(Event::NeedData) => continue,
                    Ok(Event::Redirect(r)) => {
                        // The handle's answer is the response's, plus the origin check.
                        let same = r.from_url().origin() == r.request().url().origin();
                        assert_eq!(r.can_reuse_connection(), r.response().keep_alive() && same);
                        got = Some(r.can_reuse_connection());
                    }
                    Ok(Event::Final(done)) => got = Some(done.response().keep_alive()),
                    Err(e) => panic!("{rule}: {e:?}"),
                }
                break;
            }
            if got != Some(want) {
                failed.push(format!(
                    "{rule} ({sent:?}, bytewise {bytewise}): {got:?}, want {want}"
                ));
            }
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

#[test]
fn streamed_body_on_307_is_an_error_but_303_drops_it() {
    let streamed = || req(Method::Put, "http://a.test/u").body(Body::Streamed);
    let mut s = Chain::new(streamed());
    assert_eq!(
        s.fail("HTTP/1.1 307 T\r\nLocation: /v\r\n\r\n"),
        Error::BodyNotReplayable { status: 307 }
    );
    let mut s = Chain::new(streamed());
    s.redirect("HTTP/1.1 303 S\r\nLocation: /v\r\n\r\n", |r| {
        assert!(r.body_dropped() && !r.request().sends_body());
    });
    // The body is gone: a later 307 has nothing to replay.
    s.redirect("HTTP/1.1 307 T\r\nLocation: /w\r\n\r\n", |r| {
        assert_eq!(r.request().method(), Method::Get);
    });
}

/// Every scenario response, split into two pieces at every point, gives the same events as
/// fed whole (the machine remembers its scan position across calls).
#[test]
fn every_split_point_gives_the_same_result() {
    let responses: &[&[u8]] = &[
        b"HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 307 T\r\nLocation: /b\r\n\r\nbody",
        b"HTTP/1.1 301 M\r\nLocation: /a\r\n  /folded\r\nSet-Cookie: x\r\n\r\n",
        b"HTTP/1.1 302 F\r\nLocation: /a\r\nLocation: /b\r\n\r\n",
        b"HTTP/1.1 302 F\r\nLocation: /caf\xc3\xa9\xff\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"\r\n\nHTTP/1.0 302 F\nLocation: //b.test/\n\n",
        b"HTTP/1.1 3x2 Found\r\nLocation: /r\r\n\r\n",
        b"HTTP/1.1 302 F\r\nBad Header: x\r\n\r\n",
        b"HTTP/1.1 302 F\r\nLocation: http://[::1\r\n\r\n",
    ];
    fn summary(r: Result<Event<'_>, Error>) -> String {
        match r {
            Ok(Event::NeedData) => "need".into(),
            Ok(Event::Redirect(r)) => format!(
                "redirect {} {} head_len={}",
                r.response().status(),
                r.request().url(),
                r.response().head_len()
            ),
            Ok(Event::Final(f)) => format!(
                "final {} head_len={}",
                f.response().status(),
                f.response().head_len()
            ),
            Err(e) => format!("error {e:?}"),
        }
    }
    let fresh = || Follow::new(req(Method::Get, "http://a.test/p#f"), Policy::fetch()).unwrap();
    for bytes in responses {
        let whole = summary(fresh().handle_response(bytes));
        assert_ne!(whole, "need", "{:?}", String::from_utf8_lossy(bytes));
        for split in 1..bytes.len() {
            let mut f = fresh();
            let first = summary(f.handle_response(&bytes[..split]));
            let got = if first == "need" {
                summary(f.handle_response(bytes))
            } else {
                first
            };
            assert_eq!(
                got,
                whole,
                "split at {split} of {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

#[test]
fn unreplayable_body_can_make_the_redirect_final() {
    let policy = Policy::fetch().with_unreplayable_body(redirects::UnreplayableBody::Final);
    let r = req(Method::Put, "http://a.test/u").body(Body::Streamed);
    let mut s = Chain::with_policy(r, policy);
    s.finish("HTTP/1.1 307 T\r\nLocation: /v\r\n\r\n", |f| {
        assert_eq!(f.response().status(), 307);
        assert_eq!(f.redirects(), 0);
    });
}

#[test]
fn curl_profile_follows_any_3xx_and_keeps_custom_content_type() {
    let r = req(Method::Post, "http://a.test/f")
        .header("Content-Type", "text/plain")
        .unwrap()
        .header("Content-Length", "3")
        .unwrap()
        .body(Body::Replayable);
    let mut s = Chain::with_policy(r, Policy::new(&redirects::Rules::CURL));
    s.redirect("HTTP/1.1 300 Multiple\r\nLocation: /g#x\r\n\r\n", |r| {
        assert_eq!(r.request().method(), Method::Post);
        assert!(r.request().sends_body());
        assert_eq!(r.request().url().as_str(), "http://a.test/g#x");
    });
    s.redirect("HTTP/1.1 302 F\r\nLocation: /h\r\n\r\n", |r| {
        assert_eq!(r.request().method(), Method::Get);
        assert_eq!(
            r.request().url().as_str(),
            "http://a.test/h",
            "no fragment inheritance"
        );
        assert_eq!(r.request().header("content-type"), Some(&b"text/plain"[..]));
        assert_eq!(r.request().header("content-length"), None);
    });
}

#[test]
fn curl_profile_refuses_different_locations_on_any_status() {
    let two = "HTTP/1.1 200 OK\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n";
    let mut s = Chain::with_policy(
        req(Method::Get, "http://a.test/"),
        Policy::new(&redirects::Rules::CURL),
    );
    assert_eq!(s.fail(two), Error::ConflictingLocation { status: 200 });
    // Fetch reads Location only on a redirect status: the 200 is final.
    let mut s = Chain::new(req(Method::Get, "http://a.test/"));
    s.finish(two, |f| assert_eq!(f.response().status(), 200));
}

/// curl's `--post302 -d ''` and `--referer 'firstone.html;auto'`, as
/// `tests/vectors/curl-options.json` observed them, with what the vectors cannot check: the
/// first request's `Referer`, and the other profiles' answers.
#[test]
fn curl_post_redirect_and_auto_referer_through_a_chain() {
    use redirects::PostRedirect;
    // curl -L -d '' --post302 --referer 'firstone.html;auto' http://a.test/start
    let policy = Policy::curl()
        .with_post_redirect(PostRedirect::of(&[302]).unwrap())
        .with_auto_referer(true);
    let start = || {
        req(Method::Post, "http://u:p@a.test/start#top")
            .header("Content-Length", "0")
            .unwrap()
            .referrer("firstone.html")
            .unwrap()
    };
    let mut s = Chain::with_policy(start(), policy.clone());
    // The first request carries the `--referer` text as given.
    assert_eq!(
        s.follow.request().header("referer"),
        Some(&b"firstone.html"[..])
    );
    s.redirect(
        "HTTP/1.1 302 Found\r\nLocation: http://b.test/one#f\r\n\r\n",
        |r| {
            let next = r.request();
            // Listed: the POST stays a POST, with its `Content-Length: 0`.
            assert_eq!(next.method(), Method::Post);
            assert_eq!(next.header("content-length"), Some(&b"0"[..]));
            assert!(r.method_change().is_none());
            // The previous URL without user info and fragment, across origins.
            assert_eq!(next.header("referer"), Some(&b"http://a.test/start"[..]));
        },
    );
    // 303 is not listed: GET, and the GET stays on the listed 302 after it.
    s.redirect("HTTP/1.1 303 See Other\r\nLocation: /two\r\n\r\n", |r| {
        assert_eq!(r.request().method(), Method::Get);
        assert_eq!(r.request().header("content-length"), None);
        assert_eq!(
            r.request().header("referer"),
            Some(&b"http://b.test/one"[..])
        );
    });
    s.redirect(
        "HTTP/1.1 302 Found\r\nLocation: https://a.test/three\r\n\r\n",
        |r| {
            assert_eq!(r.request().method(), Method::Get);
            assert_eq!(
                r.request().header("referer"),
                Some(&b"http://b.test/two"[..])
            );
        },
    );
    // https -> http: still the previous URL, in full.
    s.redirect(
        "HTTP/1.1 301 Moved\r\nLocation: http://b.test/four?q=1\r\n\r\n",
        |r| {
            assert_eq!(
                r.request().header("referer"),
                Some(&b"https://a.test/three"[..])
            );
        },
    );

    // A caller-set `Referer` is a custom header to curl: as it is, everywhere, and no
    // automatic one is added (the `--referer` text is not sent either).
    let custom = start().header("Referer", "custom value").unwrap();
    let mut s = Chain::with_policy(custom, policy.clone());
    assert_eq!(
        s.follow.request().header("referer"),
        Some(&b"custom value"[..])
    );
    for location in ["http://b.test/one", "https://c.test/two", "http://a.test/3"] {
        let response = format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\n\r\n");
        s.redirect(&response, |r| {
            let sent: Vec<_> = r
                .request()
                .headers()
                .filter(|(n, _)| n.eq_ignore_ascii_case("referer"))
                .map(|(_, v)| v.to_vec())
                .collect();
            assert_eq!(sent, [b"custom value".to_vec()], "{location}");
        });
    }

    // The other profiles ignore the option (Fetch's 302 makes a POST a GET) and want a
    // URL for a referrer; any profile refuses a value that is no header value.
    for other in [Policy::fetch(), Policy::strict()] {
        let other = other.with_post_redirect(PostRedirect::ALL);
        let err = Follow::new(start(), other.clone()).unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(InvalidRequest::Url(_))),
            "{err:?}"
        );
        let url_referrer = req(Method::Post, "http://a.test/")
            .referrer("http://a.test/page")
            .unwrap()
            .body(Body::Replayable);
        let mut s = Chain::with_policy(url_referrer, other);
        s.redirect("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", |r| {
            assert_eq!(r.request().method(), Method::Get);
        });
    }
    assert_eq!(
        req(Method::Get, "http://a.test/")
            .referrer("a\r\nX-Injected: 1")
            .unwrap_err(),
        Error::InvalidRequest(InvalidRequest::HeaderValue)
    );

    // A kept body is sent again: a streamed one stops the chain, as on a 307; without the
    // option the 301 makes it a GET and nothing needs sending again.
    let streamed = || req(Method::Post, "http://a.test/").body(Body::Streamed);
    let keep = Policy::curl().with_post_redirect(PostRedirect::ALL);
    let mut s = Chain::with_policy(streamed(), keep);
    assert_eq!(
        s.fail("HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n"),
        Error::BodyNotReplayable { status: 301 }
    );
    let mut s = Chain::with_policy(streamed(), Policy::curl());
    s.redirect("HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n", |r| {
        assert_eq!(r.request().method(), Method::Get);
    });
}
