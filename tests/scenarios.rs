//! Scenario tests through the public API: what a caller sees on each hop.

#[path = "support/chain.rs"]
mod chain;

use chain::{Chain, profiles, request};
use redirects::{
    Body, BodyLength, Error, Event, Fault, Follow, InvalidRequest, Method, MethodRule, Policy,
    Redirect, RemovalReason, Request,
};

fn req(method: Method, url: &str) -> Request {
    request(method, url, &[])
}

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
fn credentials_removed_cross_origin_and_reported_as_earlier_later() {
    let request = req(Method::Get, "http://a.test/1")
        .header("Authorization", "Basic dTpw")
        .unwrap()
        .header("Cookie", "sid=1")
        .unwrap()
        .header("X-Api-Key", "k")
        .unwrap()
        .header("Accept", "*/*")
        .unwrap();
    let policy = Policy::fetch().with_credential_header("x-api-key").unwrap();
    let mut s = Chain::with_policy(request, policy);
    s.redirect(
        "HTTP/1.1 302 Found\r\nLocation: http://b.test/2\r\n\r\n",
        |r| {
            let removed: Vec<_> = r
                .removed_headers()
                .map(|h| (h.name, h.reason, h.redirect, h.earlier))
                .collect();
            assert_eq!(
                removed,
                [
                    ("Authorization", RemovalReason::CrossOrigin, 1, false),
                    ("Cookie", RemovalReason::CrossOrigin, 1, false),
                    ("X-Api-Key", RemovalReason::CrossOrigin, 1, false),
                ]
            );
            assert!(
                !r.can_reuse_connection(),
                "another origin needs another connection"
            );
            assert_eq!(r.request().target().host, "b.test");
        },
    );
    // Back to the first origin: the credentials stay removed, reported as earlier.
    s.redirect(
        "HTTP/1.1 302 Found\r\nLocation: http://a.test/3\r\n\r\n",
        |r| {
            assert!(r.removed_headers().all(|h| h.earlier && h.redirect == 1));
            assert_eq!(r.request().header("authorization"), None);
            assert_eq!(r.request().header("accept"), Some(&b"*/*"[..]));
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
fn errors_carry_status_and_machine_keeps_position() {
    let mut s = Chain::new(req(Method::Get, "http://a.test/p"));
    s.redirect("HTTP/1.1 302 Found\r\nLocation: /q\r\n\r\n", |_| {});
    let e = s.fail("HTTP/1.1 308 Permanent\r\nLocation: ftp://x.test/\r\n\r\n");
    assert_eq!(e, Error::SchemeNotAllowed { status: 308 });
    assert_eq!(e.status(), Some(308));
    assert_eq!(s.follow.url().as_str(), "http://a.test/q");
    assert_eq!(s.follow.history().len(), 1);
    assert!(s.follow.is_finished());
    assert_eq!(s.fail("HTTP/1.1 200 OK\r\n\r\n"), Error::InvalidState);
}

#[test]
fn finished_chain_refuses_more_input() {
    let mut s = Chain::new(req(Method::Get, "http://a.test/p"));
    s.finish("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", |_| {});
    assert_eq!(s.fail("HTTP/1.1 200 OK\r\n\r\n"), Error::InvalidState);
}

#[test]
fn shrinking_buffer_is_a_caller_error_that_leaves_the_machine_usable() {
    let mut f = Follow::new(req(Method::Get, "http://a.test/"), Policy::fetch()).unwrap();
    let full = b"HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n";
    assert!(matches!(
        f.handle_response(&full[..20]),
        Ok(Event::NeedData)
    ));
    assert!(matches!(
        f.handle_response(&full[..10]),
        Err(Error::BufferShrunk {
            previous: 20,
            now: 10
        })
    ));
    assert!(matches!(f.handle_response(full), Ok(Event::Redirect(_))));
}

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

/// (first URL, caller headers, the head written).
type HeadCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

#[test]
fn write_head_table() {
    let cases: &[HeadCase<'_>] = &[
        (
            "http://a.test/",
            &[],
            "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n",
        ),
        (
            "http://a.test",
            &[],
            "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n",
        ),
        (
            "https://a.test:443/x?y=1#frag",
            &[],
            "GET /x?y=1 HTTP/1.1\r\nHost: a.test\r\n\r\n",
        ),
        (
            "http://a.test:8080/p",
            &[("A", "b")],
            "GET /p HTTP/1.1\r\nHost: a.test:8080\r\nA: b\r\n\r\n",
        ),
        (
            "http://[::1]:81/",
            &[],
            "GET / HTTP/1.1\r\nHost: [::1]:81\r\n\r\n",
        ),
        (
            "http://u:p@a.test/",
            &[],
            "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n",
        ),
        (
            "http://a.test/",
            &[("Host", "v.test")],
            "GET / HTTP/1.1\r\nHost: v.test\r\n\r\n",
        ),
    ];
    let mut failed = Vec::new();
    for (url, headers, want) in cases {
        let mut r = req(Method::Get, url);
        for (n, v) in *headers {
            r = r.header(n, v).unwrap();
        }
        let f = Follow::new(r, Policy::fetch()).unwrap();
        let head = String::from_utf8(f.request().to_head()).unwrap();
        let mut small = vec![0; want.len() - 1];
        let required = f.request().write_head(&mut small).map_err(|e| e.required);
        if head != *want || required != Err(want.len()) || f.request().head_len() != want.len() {
            failed.push(format!(
                "{url} {headers:?}: {head:?}, required {required:?}"
            ));
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

#[test]
fn caller_host_header_does_not_follow_to_another_origin() {
    let r = req(Method::Get, "http://a.test/")
        .header("Host", "v.test")
        .unwrap();
    let mut s = Chain::new(r);
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/\r\n\r\n", |r| {
        let head = String::from_utf8(r.request().to_head()).unwrap();
        assert_eq!(head, "GET / HTTP/1.1\r\nHost: b.test\r\n\r\n");
    });
}

/// Every first request the crate refuses, one row per refused input, with the typed error
/// (`Error::InvalidRequest`, the caller's fault); and what is still accepted.
#[test]
fn first_request_validation() {
    fn build(method: Method, url: &str, headers: &[(&str, &[u8])]) -> Result<Follow, Error> {
        let mut r = Request::new(method, url)?;
        for (n, v) in headers {
            r = r.header(n, v)?;
        }
        Follow::new(r, Policy::fetch())
    }
    use InvalidRequest::{
        Connect, ContentLengthWithTransferEncoding as ClTe, DuplicateHost, HeaderName, HeaderValue,
        Method as BadMethod, Scheme,
    };
    let get = Method::Get;
    let a = "http://a.test/";
    /// (method, URL, headers, the refusal or `None` when accepted).
    type Row<'a> = (
        Method,
        &'a str,
        &'a [(&'a str, &'a [u8])],
        Option<InvalidRequest>,
    );
    let cases: &[Row<'_>] = &[
        (get, "ftp://a.test/", &[], Some(Scheme)),
        (get, "data:text/plain,x", &[], Some(Scheme)),
        (get, a, &[("Bad Name", b"x")], Some(HeaderName)),
        (get, a, &[("X", b"a\r\nB: c")], Some(HeaderValue)),
        (get, a, &[("X", b"a\nb")], Some(HeaderValue)),
        (get, a, &[("X", b"a\0b")], Some(HeaderValue)),
        (get, a, &[("X", b"a\x01b")], Some(HeaderValue)),
        (get, a, &[("X", b"a\x0bb")], Some(HeaderValue)),
        (get, a, &[("X", b"\x1b[0m")], Some(HeaderValue)),
        (get, a, &[("X", b"a\x7f")], Some(HeaderValue)),
        (
            get,
            a,
            &[("Host", b"a.test"), ("host", b"b.test")],
            Some(DuplicateHost),
        ),
        (
            get,
            a,
            &[("Host", b"a.test"), ("Host", b"a.test")],
            Some(DuplicateHost),
        ),
        (
            Method::Post,
            a,
            &[("Content-Length", b"3"), ("Transfer-Encoding", b"chunked")],
            Some(ClTe),
        ),
        (
            Method::Post,
            a,
            &[("transfer-encoding", b"chunked"), ("CONTENT-LENGTH", b"3")],
            Some(ClTe),
        ),
        (
            Method::Connect,
            "http://proxy.test:3128/",
            &[],
            Some(Connect),
        ),
        (Method::parse("CONNECT").unwrap(), a, &[], Some(Connect)),
        // Accepted: HTAB and obs-text in values, one Host, one framing header, a
        // lower-case `connect` (an extension method: methods are case-sensitive).
        (get, a, &[("X", b"a\tb \x80\xff")], None),
        (get, a, &[("Host", b"v.test")], None),
        (Method::Post, a, &[("Transfer-Encoding", b"chunked")], None),
        (
            Method::Post,
            a,
            &[("Content-Length", b"3"), ("Content-Length", b"3")],
            None,
        ),
        (Method::parse("connect").unwrap(), a, &[], None),
    ];
    let mut failed = Vec::new();
    for (i, (method, url, headers, want)) in cases.iter().enumerate() {
        let got = build(*method, url, headers).err();
        if got != want.map(Error::InvalidRequest) {
            failed.push(format!(
                "row {i} {method} {url} {headers:?}: {got:?}, want {want:?}"
            ));
        }
        if let Some(e) = got {
            assert_eq!(e.fault(), Fault::Caller);
            assert_eq!(e.code(), "invalid_request");
            assert!(!e.to_string().is_empty());
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
    assert!(matches!(
        Request::get("not a url"),
        Err(Error::InvalidRequest(InvalidRequest::Url(_)))
    ));
    assert!(matches!(Method::parse("BAD METHOD"), Err(BadMethod)));
}

/// The caller's edits of a proposed request are refused, changing nothing, when they would
/// make it ambiguous: checked on the complete field set (what the request carries, minus
/// what `set_header` replaces, plus the new field).
#[test]
fn per_redirect_edits_that_make_the_request_ambiguous_are_refused() {
    use InvalidRequest::{ContentLengthWithTransferEncoding as ClTe, DuplicateHost, HeaderValue};
    type Edit = fn(&mut Redirect<'_>) -> Result<(), InvalidRequest>;
    /// (first request headers, the edit, its answer).
    type Row<'a> = (&'a [(&'a str, &'a str)], Edit, Result<(), InvalidRequest>);
    let cases: &[Row<'_>] = &[
        (
            &[("Host", "v.test")],
            |r| r.append_header("Host", "w.test"),
            Err(DuplicateHost),
        ),
        (
            &[("Host", "v.test")],
            |r| r.append_header("host", "v.test"),
            Err(DuplicateHost),
        ),
        (
            &[("Host", "v.test")],
            |r| r.set_header("HOST", "w.test"),
            Ok(()),
        ),
        (&[], |r| r.append_header("Host", "w.test"), Ok(())),
        (
            &[("Content-Length", "3")],
            |r| r.append_header("Transfer-Encoding", "chunked"),
            Err(ClTe),
        ),
        (
            &[("Content-Length", "3")],
            |r| r.set_header("transfer-encoding", "chunked"),
            Err(ClTe),
        ),
        (
            &[("Transfer-Encoding", "chunked")],
            |r| r.append_header("Content-Length", "3"),
            Err(ClTe),
        ),
        (
            &[("Transfer-Encoding", "chunked")],
            |r| r.set_header("Transfer-Encoding", "gzip, chunked"),
            Ok(()),
        ),
        (
            &[("Content-Length", "3")],
            |r| r.set_header("Content-Length", "4"),
            Ok(()),
        ),
        (&[], |r| r.append_header("X", "a\x01"), Err(HeaderValue)),
        (&[], |r| r.set_header("X", "a\x7f"), Err(HeaderValue)),
        (&[], |r| r.set_header("X", "tab\tok"), Ok(())),
    ];
    let mut failed = Vec::new();
    for (i, (headers, edit, want)) in cases.iter().enumerate() {
        let mut first = req(Method::Put, "http://a.test/").body(Body::Replayable);
        for (n, v) in *headers {
            first = first.header(n, v).unwrap();
        }
        let mut s = Chain::new(first);
        s.redirect("HTTP/1.1 307 T\r\nLocation: /b\r\n\r\n", |r| {
            let before = r.request().to_head();
            let got = edit(r);
            if got != *want {
                failed.push(format!("row {i} {headers:?}: {got:?}, want {want:?}"));
            }
            if got.is_err() && r.request().to_head() != before {
                failed.push(format!("row {i}: a refused edit changed the request"));
            }
        });
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

/// A body dropped on a 303 takes its framing header with it: adding the other one then is
/// fine. A `Host` that the chain still has (withheld from this request only, under `curl`)
/// blocks a second one, which would otherwise be sent with it back on its first origin.
#[test]
fn edits_are_checked_against_every_field_still_in_the_chain() {
    let first = req(Method::Post, "http://a.test/")
        .header("Content-Length", "3")
        .unwrap()
        .body(Body::Replayable);
    let mut s = Chain::new(first);
    s.redirect("HTTP/1.1 303 S\r\nLocation: /b\r\n\r\n", |r| {
        assert_eq!(r.request().header("content-length"), None);
        assert_eq!(r.append_header("Transfer-Encoding", "chunked"), Ok(()));
    });

    let first = req(Method::Get, "http://a.test/")
        .header("Host", "v.test")
        .unwrap();
    let policy = Policy::curl().with_trusted_origin("http://a.test").unwrap();
    let mut s = Chain::with_policy(first, policy);
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/\r\n\r\n", |r| {
        assert_eq!(r.request().header("host"), None, "withheld at b.test");
        assert_eq!(
            r.append_header("Host", "w.test"),
            Err(InvalidRequest::DuplicateHost)
        );
        // Replacing is the way: the old one goes for good.
        assert_eq!(r.set_header("Host", "w.test"), Ok(()));
    });
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://a.test/\r\n\r\n", |r| {
        let hosts = r
            .request()
            .headers()
            .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
            .count();
        assert!(hosts <= 1, "two Host fields sent");
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

// ----- Per-hop decisions (issue 5) -----

#[test]
fn stop_turns_the_proposed_redirect_into_the_final_response() {
    let r = req(Method::Post, "http://a.test/form")
        .header("Content-Type", "text/plain")
        .unwrap()
        .header("Authorization", "Bearer t")
        .unwrap()
        .body(Body::Replayable);
    let mut f = Follow::new(r, Policy::fetch()).unwrap();
    let bytes = b"HTTP/1.1 302 Found\r\nLocation: http://b.test/x\r\n\r\n";
    let Ok(Event::Redirect(redirect)) = f.handle_response(bytes) else {
        panic!("a redirect")
    };
    let done = redirect.stop();
    assert_eq!(done.response().status(), 302);
    assert_eq!(
        (done.url().as_str(), done.redirects()),
        ("http://a.test/form", 0)
    );
    assert!(f.is_finished());
    assert_eq!(f.url().as_str(), "http://a.test/form");
    assert_eq!(f.redirects(), 0);
    // The machine describes the request that got the 3xx again, untouched.
    let req = f.request();
    assert_eq!(req.method(), Method::Post);
    assert!(req.sends_body());
    assert_eq!(req.header("content-type"), Some(&b"text/plain"[..]));
    assert_eq!(req.header("authorization"), Some(&b"Bearer t"[..]));
    assert!(
        f.pending_redirect(bytes).is_none(),
        "nothing is proposed any more"
    );
    assert_eq!(f.handle_response(bytes).unwrap_err(), Error::InvalidState);
    assert_eq!(f.last_response(bytes).map(|r| r.status()), Some(302));
}

#[test]
fn refuse_ends_the_chain_with_the_callers_reason() {
    let mut s = Chain::new(req(Method::Get, "http://a.test/"));
    s.redirect("HTTP/1.1 302 F\r\nLocation: /1\r\n\r\n", |_| {});
    let e = s
        .propose("HTTP/1.1 307 T\r\nLocation: http://tracker.test/\r\n\r\n")
        .refuse("tracker");
    assert_eq!(
        e,
        Error::Refused {
            status: 307,
            reason: "tracker"
        }
    );
    assert_eq!((e.code(), e.fault()), ("refused", Fault::Caller));
    assert_eq!(s.follow.url().as_str(), "http://a.test/1");
    assert_eq!(s.follow.redirects(), 1);
    assert!(s.follow.is_finished());
    assert_eq!(s.fail("HTTP/1.1 200 OK\r\n\r\n"), Error::InvalidState);
}

#[test]
fn decisions_are_only_offered_before_the_next_response_starts() {
    let first = req(Method::Get, "http://a.test/")
        .header("Accept", "*/*")
        .unwrap();
    let mut f = Follow::new(first, Policy::fetch()).unwrap();
    // Before any redirect there is nothing to decide.
    assert!(f.pending_redirect(b"").is_none());
    let redirect = b"HTTP/1.1 302 F\r\nLocation: /b\r\n\r\n";
    let Ok(Event::Redirect(mut r)) = f.handle_response(redirect) else {
        panic!("a redirect")
    };
    r.set_header("Accept", "text/html").unwrap();
    // An empty read keeps the decision open (regression: it used to take it away).
    assert!(matches!(f.handle_response(b""), Ok(Event::NeedData)));
    let mut r = f.pending_redirect(redirect).expect("still proposed");
    assert_eq!(r.number(), 1);
    r.append_header("X-Later", "1").unwrap();
    // The first byte of the next response ends the proposal.
    assert!(matches!(
        f.handle_response(b"HTTP/1.1 2"),
        Ok(Event::NeedData)
    ));
    assert!(f.pending_redirect(redirect).is_none());
    assert_eq!(f.request().header("accept"), Some(&b"text/html"[..]));
    assert_eq!(f.request().header("x-later"), Some(&b"1"[..]));
}

#[test]
fn stop_is_still_possible_after_an_empty_feed() {
    let mut f = Follow::new(req(Method::Get, "http://a.test/"), Policy::fetch()).unwrap();
    let redirect = b"HTTP/1.1 301 M\r\nLocation: http://b.test/\r\n\r\n";
    assert!(matches!(
        f.handle_response(redirect),
        Ok(Event::Redirect(_))
    ));
    assert!(matches!(f.handle_response(b""), Ok(Event::NeedData)));
    assert!(matches!(f.handle_response(b""), Ok(Event::NeedData)));
    let done = f.pending_redirect(redirect).expect("still proposed").stop();
    assert_eq!(
        (done.response().status(), done.url().as_str()),
        (301, "http://a.test/")
    );
    // A buffer shorter than the 3xx's head cannot be the one that completed it.
    let mut g = Follow::new(req(Method::Get, "http://a.test/"), Policy::fetch()).unwrap();
    assert!(matches!(
        g.handle_response(redirect),
        Ok(Event::Redirect(_))
    ));
    assert!(g.pending_redirect(&redirect[..10]).is_none());
}

#[test]
fn repeated_edits_do_not_grow_the_request() {
    let mut s = Chain::new(
        req(Method::Get, "http://a.test/")
            .header("X-Keep", "1")
            .unwrap(),
    );
    s.redirect("HTTP/1.1 302 F\r\nLocation: /b\r\n\r\n", |r| {
        for i in 0..20_000 {
            r.set_header("X-Try", i.to_string()).unwrap();
        }
        assert_eq!(
            r.removed_headers().count(),
            0,
            "replaced edits were never sent"
        );
        assert_eq!(r.request().headers().count(), 2);
        assert_eq!(r.request().header("x-try"), Some(&b"19999"[..]));
    });
}

/// Every field the machine keeps is either sent or listed as removed, so their sum is the
/// size of its field list.
fn fields_kept(r: &Redirect<'_>) -> usize {
    r.request().headers().count() + r.removed_headers().count()
}

/// 20,000 `remove_header` + `append_header` pairs on one proposal, and again on each of
/// several redirects: the field list stays small (one field per name per redirect at most,
/// kept to say it was removed), whatever the number of edits.
#[test]
fn repeated_remove_and_append_do_not_grow_the_request() {
    let first = req(Method::Get, "http://a.test/")
        .header("X-Keep", "1")
        .unwrap()
        .header("X-Try", "first")
        .unwrap();
    let mut s = Chain::new(first);
    for hop in 1..=5u32 {
        let response = format!("HTTP/1.1 302 F\r\nLocation: /{hop}\r\n\r\n");
        s.redirect(&response, |r| {
            for i in 0..20_000 {
                let removed = r.remove_header("X-Try");
                assert!(removed <= 1, "hop {hop}, edit {i}: {removed} X-Try");
                r.append_header("X-Try", format!("{hop}-{i}")).unwrap();
            }
            assert_eq!(r.request().headers().count(), 2, "hop {hop}");
            assert_eq!(
                r.request().header("x-try"),
                Some(format!("{hop}-19999").as_bytes())
            );
            // X-Try is carried: not listed as removed (issue 18 finding 6).
            assert_eq!(r.removed_headers().count(), 0, "hop {hop}");
            // Without it, the list shows what is kept: the first request's X-Try and one
            // per earlier redirect, each removed once; this redirect's is dropped outright.
            assert_eq!(r.remove_header("X-Try"), 1);
            assert_eq!(r.removed_headers().count(), hop as usize, "hop {hop}");
            assert!(
                fields_kept(r) <= 1 + hop as usize,
                "hop {hop}: {}",
                fields_kept(r)
            );
            r.append_header("X-Try", format!("{hop}-19999")).unwrap();
        });
    }
}

#[test]
fn caller_edits_per_hop_with_explicit_credentials() {
    let r = req(Method::Get, "http://a.test/")
        .header("Cookie", "a=1")
        .unwrap()
        .header("X-Trace", "1")
        .unwrap();
    let mut s = Chain::new(r);
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/\r\n\r\n", |r| {
        assert_eq!(r.request().header("cookie"), None);
        // The caller's jar has a cookie for b.test: naming it is an explicit decision.
        r.set_header("Cookie", "b=2").unwrap();
        assert_eq!(r.remove_header("x-trace"), 1);
        assert_eq!(
            r.set_header("Bad Name", "v"),
            Err(InvalidRequest::HeaderName)
        );
    });
    let head = String::from_utf8(s.follow.request().to_head()).unwrap();
    assert_eq!(
        head,
        "GET / HTTP/1.1\r\nHost: b.test\r\nCookie: b=2\r\n\r\n"
    );
    // The cookie set for b.test does not go on to c.test, nor does a.test's come back.
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://c.test/\r\n\r\n", |r| {
        assert_eq!(r.request().header("cookie"), None);
        assert_eq!(r.request().header("x-trace"), None);
        let removed: Vec<_> = r
            .removed_headers()
            .map(|h| (h.name, h.reason, h.redirect))
            .collect();
        assert_eq!(
            removed,
            [
                ("Cookie", RemovalReason::CrossOrigin, 1),
                ("X-Trace", RemovalReason::Caller, 1),
                ("Cookie", RemovalReason::CrossOrigin, 2),
            ]
        );
    });
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
fn https_upgrade_rule_keeps_credentials_only_on_default_ports() {
    let rule = redirects::CredentialRule::SameOriginOrHttpsUpgrade;
    let cases = [
        ("https://a.test/", true),
        ("https://a.test:8443/", false),
        ("https://b.test/", false),
        ("http://a.test:8080/", false),
    ];
    let mut failed = Vec::new();
    for (to, kept) in cases {
        let r = req(Method::Get, "http://a.test/")
            .header("Authorization", "Basic x")
            .unwrap();
        let mut s = Chain::with_policy(r, Policy::fetch().with_credential_rule(rule));
        s.redirect(&format!("HTTP/1.1 301 M\r\nLocation: {to}\r\n\r\n"), |r| {
            if r.request().header("authorization").is_some() != kept {
                failed.push(format!("{to}: want kept {kept}"));
            }
        });
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

#[test]
fn trusted_origin_receives_credentials_but_not_beyond() {
    let policy = Policy::fetch()
        .with_trusted_origin("https://auth.test")
        .unwrap();
    let r = req(Method::Get, "http://a.test/")
        .header("Authorization", "Basic x")
        .unwrap();
    let mut s = Chain::with_policy(r, policy);
    s.redirect(
        "HTTP/1.1 302 F\r\nLocation: https://auth.test/login\r\n\r\n",
        |r| {
            assert!(r.request().header("authorization").is_some());
        },
    );
    s.redirect(
        "HTTP/1.1 302 F\r\nLocation: https://other.test/\r\n\r\n",
        |r| {
            assert!(r.request().header("authorization").is_none());
        },
    );
    s.redirect(
        "HTTP/1.1 302 F\r\nLocation: https://auth.test/again\r\n\r\n",
        |r| {
            assert!(
                r.request().header("authorization").is_none(),
                "removed for good under fetch"
            );
        },
    );
}

#[test]
fn curl_profile_restores_credentials_on_the_first_origin_only() {
    let r = req(Method::Get, "http://a.test/1")
        .header("Authorization", "Basic x")
        .unwrap()
        .header("Cookie", "c=1")
        .unwrap();
    let mut s = Chain::with_policy(r, Policy::new(&redirects::Rules::CURL));
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/2\r\n\r\n", |r| {
        assert!(r.request().header("authorization").is_none());
        assert!(r.request().header("cookie").is_none());
        assert!(
            r.removed_headers()
                .all(|h| h.reason == RemovalReason::CrossOrigin && !h.earlier)
        );
    });
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/3\r\n\r\n", |r| {
        assert!(
            r.request().header("authorization").is_none(),
            "B/other-path: still B"
        );
    });
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://a.test/4\r\n\r\n", |r| {
        assert_eq!(r.request().header("authorization"), Some(&b"Basic x"[..]));
        assert_eq!(r.removed_headers().count(), 0);
    });
    s.redirect(
        "HTTP/1.1 302 F\r\nLocation: http://a.test:8080/5\r\n\r\n",
        |r| {
            assert!(r.request().header("authorization").is_none(), "other port");
        },
    );
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

// ----- Header field limit (issue 10, item 7) -----

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

/// curl's `--post302 -d ''` and `--referer 'firstone.html;auto'` (issue 18, part 8), as
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

/// Two `Content-Length` fields with different values, or a list of different
/// values, make the request's length ambiguous (RFC 9110 §8.6, RFC 9112 §6.3 item 5): the
/// first request is refused, and so is a per-hop edit that would make it so, changing
/// nothing. The same length repeated, or a replacement, stays possible.
#[test]
fn differing_content_length_values_are_an_invalid_request() {
    let cl = InvalidRequest::ContentLength;
    for (name, policy) in profiles() {
        let first = |values: &[&str]| {
            let mut r = Request::new(Method::Put, "http://a.test/x")
                .unwrap()
                .body(Body::Replayable);
            for v in values {
                r = r.header("Content-Length", v).unwrap();
            }
            Follow::new(r, policy.clone()).map(|_| ())
        };
        for values in [&["5", "6"][..], &["5, 6"], &["5", "5, 6"], &["x"], &["-5"]] {
            assert_eq!(
                first(values),
                Err(Error::InvalidRequest(cl)),
                "{name} {values:?}"
            );
        }
        for values in [&["5"][..], &["5", "5"], &["5, 5"]] {
            assert_eq!(first(values), Ok(()), "{name} {values:?}");
        }

        let r = Request::new(Method::Put, "http://a.test/x")
            .unwrap()
            .header("Content-Length", "5")
            .unwrap()
            .body(Body::Replayable);
        let mut follow = Follow::new(r, policy.clone()).unwrap();
        let bytes = b"HTTP/1.1 307 T\r\nLocation: /y\r\nContent-Length: 0\r\n\r\n";
        let Ok(Event::Redirect(mut hop)) = follow.handle_response(bytes) else {
            panic!("{name}: no redirect");
        };
        assert_eq!(hop.append_header("Content-Length", "6"), Err(cl), "{name}");
        assert_eq!(
            hop.append_header("content-length", "5, 6"),
            Err(cl),
            "{name}"
        );
        assert_eq!(hop.set_header("Content-Length", "6, 7"), Err(cl), "{name}");
        // Refused edits changed nothing.
        let lengths: Vec<&[u8]> = hop
            .request()
            .headers()
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(lengths, [&b"5"[..]], "{name}");
        assert_eq!(hop.append_header("Content-Length", "05"), Ok(()), "{name}");
        assert_eq!(hop.set_header("Content-Length", "6"), Ok(()), "{name}");
        assert_eq!(hop.request().header("content-length"), Some(&b"6"[..]));
    }
}

/// A -> B removes `Authorization`; the caller then sets one for B on the
/// handle. The request carries it, so `removed_headers()` must not list it: the list is
/// every header the next request does not carry, after every edit.
#[test]
fn removed_headers_omits_a_header_the_caller_set_again() {
    for (name, policy) in profiles() {
        for set in [true, false] {
            let r = Request::get("http://a.test/")
                .unwrap()
                .header("Authorization", "Bearer for-a")
                .unwrap();
            let mut follow = Follow::new(r, policy.clone()).unwrap();
            let bytes = b"HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\n\r\n";
            let Ok(Event::Redirect(mut hop)) = follow.handle_response(bytes) else {
                panic!("{name}: no redirect");
            };
            let listed = |hop: &redirects::Redirect<'_>| {
                hop.removed_headers()
                    .filter(|h| h.name.eq_ignore_ascii_case("authorization"))
                    .map(|h| h.reason)
                    .collect::<Vec<_>>()
            };
            assert_eq!(listed(&hop), [RemovalReason::CrossOrigin], "{name}");
            if set {
                hop.set_header("Authorization", "Bearer for-b").unwrap();
            } else {
                hop.append_header("Authorization", "Bearer for-b").unwrap();
            }
            assert_eq!(
                hop.request().header("authorization"),
                Some(&b"Bearer for-b"[..]),
                "{name}"
            );
            assert_eq!(listed(&hop), [], "{name} set={set}");
            // Removed again: listed again, as the caller's removal.
            hop.remove_header("Authorization");
            assert_eq!(hop.request().header("authorization"), None, "{name}");
            assert!(!listed(&hop).is_empty(), "{name} set={set}");
        }
    }
}
