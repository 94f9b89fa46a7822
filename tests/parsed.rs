//! The parsed-head entry point (`Follow::handle_head`): what it checks, how HTTP/2 and
//! HTTP/3 heads are judged, interim heads, limits, the state rules, and the views read
//! from the machine's own copy. That it agrees with the byte path on every conformance
//! vector is `tests/conformance.rs`'s third feed; on arbitrary heads, the `agree` fuzz
//! target's.

#[path = "support/chain.rs"]
mod chain;

use chain::profiles;
use redirects::{
    Body, BodyLength, Error, Event, Follow, Malformed, Method, Policy, Request, Version,
};

type Fields<'a> = &'a [(&'a str, &'a [u8])];

fn follow(method: Method, url: &str) -> Follow {
    Follow::new(Request::new(method, url).unwrap(), Policy::fetch()).unwrap()
}

/// What one head gives, in a comparable shape.
#[derive(Debug, PartialEq)]
enum Got {
    NeedData,
    Next {
        url: String,
        method: Method,
        reuse: bool,
        body: BodyLength,
        keep_alive: bool,
    },
    Done {
        status: u16,
        body: BodyLength,
        keep_alive: bool,
    },
    Err(Error),
}

fn got(e: Result<Event<'_>, Error>) -> Got {
    match e {
        Ok(Event::NeedData) => Got::NeedData,
        Ok(Event::Redirect(r)) => Got::Next {
            url: r.request().url().to_string(),
            method: r.request().method(),
            reuse: r.can_reuse_connection(),
            body: r.response().body_length(),
            keep_alive: r.response().keep_alive(),
        },
        Ok(Event::Final(f)) => Got::Done {
            status: f.response().status(),
            body: f.response().body_length(),
            keep_alive: f.response().keep_alive(),
        },
        Err(e) => Got::Err(e),
    }
}

fn head(f: &mut Follow, version: Version, status: u16, fields: Fields<'_>) -> Got {
    got(f.handle_head(version, status, fields.iter().copied()))
}

fn next(url: &str, method: Method, reuse: bool, body: BodyLength, keep_alive: bool) -> Got {
    Got::Next {
        url: url.into(),
        method,
        reuse,
        body,
        keep_alive,
    }
}

/// HTTP/2 and HTTP/3: the body ends with the stream, the connection is reused whenever the
/// next request goes to the same origin, and a head that carries connection-specific
/// fields or a `101` is malformed (RFC 9113 §8.2.2 and §8.6, RFC 9114 §4.2 and §4.5).
#[test]
fn http2_and_http3_heads() {
    use BodyLength::{EndOfStream, Length};
    let malformed = |m| Got::Err(Error::MalformedResponse(m));
    let rows: &[(u16, Fields<'_>, Got)] = &[
        (
            302,
            &[("location", b"/b")],
            next("https://a.test/b", Method::Get, true, EndOfStream, true),
        ),
        (
            307,
            &[("location", b"/b"), ("content-length", b"12")],
            next("https://a.test/b", Method::Get, true, Length(12), true),
        ),
        (
            301,
            &[("location", b"https://b.test/")],
            next("https://b.test/", Method::Get, false, EndOfStream, true),
        ),
        (
            200,
            &[],
            Got::Done {
                status: 200,
                body: EndOfStream,
                keep_alive: true,
            },
        ),
        (
            204,
            &[],
            Got::Done {
                status: 204,
                body: BodyLength::None,
                keep_alive: true,
            },
        ),
        (
            302,
            &[("location", b"/b"), ("connection", b"keep-alive")],
            malformed(Malformed::ConnectionSpecific),
        ),
        (
            302,
            &[("location", b"/b"), ("transfer-encoding", b"chunked")],
            malformed(Malformed::ConnectionSpecific),
        ),
        (
            200,
            &[("Keep-Alive", b"timeout=5")],
            malformed(Malformed::ConnectionSpecific),
        ),
        (
            200,
            &[("proxy-connection", b"close")],
            malformed(Malformed::ConnectionSpecific),
        ),
        (
            200,
            &[("upgrade", b"h2c")],
            malformed(Malformed::ConnectionSpecific),
        ),
        (101, &[], malformed(Malformed::Status(101))),
        (
            302,
            &[("content-length", b"1, 2")],
            malformed(Malformed::ContentLength),
        ),
    ];
    let mut failed = Vec::new();
    for version in [Version::Http2, Version::Http3] {
        for (status, fields, want) in rows {
            let mut f = follow(Method::Get, "https://a.test/");
            let have = head(&mut f, version, *status, fields);
            if &have != want {
                failed.push(format!(
                    "{version:?} {status} {fields:?}: {have:?}, want {want:?}"
                ));
            }
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

/// The same fields as HTTP/1.1 are judged as on the wire: persistence and framing come from
/// them.
#[test]
fn http1_heads_are_judged_by_their_fields() {
    use BodyLength::{Chunked, Length, UntilClose};
    let rows: &[(Version, Fields<'_>, Got)] = &[
        (
            Version::Http11,
            &[("location", b"/b"), ("content-length", b"0")],
            next("http://a.test/b", Method::Get, true, Length(0), true),
        ),
        (
            Version::Http11,
            &[("location", b"/b")],
            next("http://a.test/b", Method::Get, false, UntilClose, false),
        ),
        (
            Version::Http11,
            &[("location", b"/b"), ("transfer-encoding", b"chunked")],
            next("http://a.test/b", Method::Get, true, Chunked, true),
        ),
        (
            Version::Http11,
            &[
                ("location", b"/b"),
                ("content-length", b"0"),
                ("connection", b"close"),
            ],
            next("http://a.test/b", Method::Get, false, Length(0), false),
        ),
        (
            Version::Http10,
            &[("location", b"/b"), ("content-length", b"0")],
            next("http://a.test/b", Method::Get, false, Length(0), false),
        ),
        (
            Version::Http10,
            &[
                ("location", b"/b"),
                ("content-length", b"0"),
                ("connection", b"keep-alive"),
            ],
            next("http://a.test/b", Method::Get, true, Length(0), true),
        ),
    ];
    let mut failed = Vec::new();
    for (version, fields, want) in rows {
        let mut f = follow(Method::Get, "http://a.test/");
        let have = head(&mut f, *version, 302, fields);
        if &have != want {
            failed.push(format!("{version:?} {fields:?}: {have:?}, want {want:?}"));
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

/// An early answer to `Expect: 100-continue` poisons an HTTP/1.1 connection (the server
/// may read the next head as the body), not an HTTP/2 one (the stream ends); a `100` given
/// first as an interim head clears it, a `103` does not.
#[test]
fn expect_continue_and_interim_heads() {
    let fields: Fields<'_> = &[("location", b"/b"), ("content-length", b"0")];
    let start = || {
        let req = Request::new(Method::Put, "http://a.test/up")
            .unwrap()
            .header("Expect", "100-continue")
            .unwrap()
            .body(Body::Replayable);
        Follow::new(req, Policy::fetch()).unwrap()
    };
    let reuse = |g: Got| match g {
        Got::Next { reuse, .. } => reuse,
        other => panic!("not a redirect: {other:?}"),
    };
    let mut f = start();
    assert!(!reuse(head(&mut f, Version::Http11, 307, fields)));
    let mut f = start();
    assert!(reuse(head(&mut f, Version::Http2, 307, fields)));
    let mut f = start();
    assert_eq!(head(&mut f, Version::Http11, 100, &[]), Got::NeedData);
    assert!(reuse(head(&mut f, Version::Http11, 307, fields)));
    let mut f = start();
    let hints: Fields<'_> = &[("link", b"</s.css>; rel=preload")];
    assert_eq!(head(&mut f, Version::Http11, 103, hints), Got::NeedData);
    assert!(!reuse(head(&mut f, Version::Http11, 307, fields)));
}

/// Names and values are checked as `httparse` checks them on the wire; values lose their
/// leading and trailing spaces and tabs; the status must be three digits.
#[test]
fn fields_and_status_are_checked() {
    let syntax = |e| Got::Err(Error::MalformedResponse(Malformed::Syntax(e)));
    let rows: &[(u16, Fields<'_>, Got)] = &[
        (
            302,
            &[(":status", b"302")],
            syntax(httparse::Error::HeaderName),
        ),
        (302, &[("", b"x")], syntax(httparse::Error::HeaderName)),
        (
            302,
            &[("bad name", b"x")],
            syntax(httparse::Error::HeaderName),
        ),
        (
            302,
            &[("x", b"a\r\n b")],
            syntax(httparse::Error::HeaderValue),
        ),
        (302, &[("x", b"a\0b")], syntax(httparse::Error::HeaderValue)),
        (302, &[("x", b"\x7f")], syntax(httparse::Error::HeaderValue)),
        (
            99,
            &[],
            Got::Err(Error::MalformedResponse(Malformed::Status(99))),
        ),
        (
            1000,
            &[],
            Got::Err(Error::MalformedResponse(Malformed::Status(1000))),
        ),
        (
            302,
            &[("Location", b" \t/b\t "), ("X-Obs", b"caf\xe9")],
            next(
                "http://a.test/b",
                Method::Get,
                false,
                BodyLength::UntilClose,
                false,
            ),
        ),
    ];
    let mut failed = Vec::new();
    for (status, fields, want) in rows {
        let mut f = follow(Method::Get, "http://a.test/");
        let have = head(&mut f, Version::Http11, *status, fields);
        if &have != want {
            failed.push(format!("{status} {fields:?}: {have:?}, want {want:?}"));
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

/// The policy's field and size limits hold for parsed heads too.
#[test]
fn limits() {
    let policy = Policy::fetch().with_max_header_fields(3).unwrap();
    let req = || Request::get("http://a.test/").unwrap();
    let mut f = Follow::new(req(), policy.clone()).unwrap();
    let three = [("a", "1"), ("b", "2"), ("c", "3")];
    assert!(matches!(
        f.handle_head(Version::Http11, 200, three),
        Ok(Event::Final(_))
    ));
    let mut f = Follow::new(req(), policy).unwrap();
    let four = [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")];
    assert_eq!(
        f.handle_head(Version::Http11, 200, four).unwrap_err(),
        Error::TooManyHeaders { limit: 3 }
    );

    let policy = Policy::fetch().with_max_head_size(1024).unwrap();
    let big = "v".repeat(1_000);
    let mut f = Follow::new(req(), policy.clone()).unwrap();
    // `x: <1000 bytes>\r\n` is 1,005 bytes: within the limit.
    assert!(matches!(
        f.handle_head(Version::Http11, 200, [("x", big.as_str())]),
        Ok(Event::Final(_))
    ));
    let mut f = Follow::new(req(), policy).unwrap();
    assert_eq!(
        f.handle_head(
            Version::Http11,
            200,
            [("x", big.as_str()), ("y", "01234567890123456789")]
        )
        .unwrap_err(),
        Error::HeadTooLarge { limit: 1024 }
    );
}

/// One response is fed one way: bytes first, then a parsed head, is the caller's mistake
/// and changes nothing. Responses of one chain may come either way. After the end, both
/// entry points refuse.
#[test]
fn state_rules() {
    let mut f = follow(Method::Get, "http://a.test/");
    assert!(matches!(
        f.handle_response(b"HTTP/1.1 302 Found\r\n"),
        Ok(Event::NeedData)
    ));
    assert_eq!(
        f.handle_head(Version::Http11, 302, [("location", "/b")])
            .unwrap_err(),
        Error::InvalidState
    );
    // The byte feed goes on where it was.
    let bytes = b"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n";
    assert!(matches!(f.handle_response(bytes), Ok(Event::Redirect(_))));
    // A parsed head before the redirect is followed is refused too, and changes nothing.
    let next = [("location", "/c"), ("content-length", "0")];
    assert_eq!(
        f.handle_head(Version::Http11, 307, next).unwrap_err(),
        Error::RedirectNotFollowed { status: 302 }
    );
    let sent = f.pending_redirect(bytes).expect("still proposed").follow();
    assert_eq!(sent.url().as_str(), "http://a.test/b");
    // The next response as a parsed head, then the one after as bytes.
    let Ok(Event::Redirect(hop)) = f.handle_head(Version::Http11, 307, next) else {
        panic!("a 307 is followed")
    };
    hop.follow();
    let done = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    assert!(matches!(f.handle_response(done), Ok(Event::Final(_))));
    assert_eq!(f.url().as_str(), "http://a.test/c");
    assert_eq!(f.redirects(), 2);
    let none: [(&str, &str); 0] = [];
    assert_eq!(
        f.handle_head(Version::Http11, 200, none).unwrap_err(),
        Error::InvalidState
    );
    // A malformed parsed head ends the chain like a malformed byte head.
    let mut f = follow(Method::Get, "http://a.test/");
    assert!(f.handle_head(Version::Http11, 302, [("x y", "1")]).is_err());
    assert!(f.is_finished());
    assert_eq!(f.handle_response(done).unwrap_err(), Error::InvalidState);
}

/// The views read the machine's copy: the fields need not outlive the call, repeats stay,
/// and `last_response`/`pending_redirect` work with an empty buffer afterwards.
#[test]
fn views_read_the_machines_copy() {
    let req = Request::new(Method::Put, "http://a.test/blob")
        .unwrap()
        .body(Body::Streamed);
    let mut f = Follow::new(req, Policy::fetch()).unwrap();
    {
        let fields: Vec<(String, Vec<u8>)> = vec![
            ("Set-Cookie".into(), b"a=1".to_vec()),
            ("Location".into(), b"/b2".to_vec()),
            ("Set-Cookie".into(), b"b=2".to_vec()),
        ];
        let err = f.handle_head(Version::Http11, 307, fields).unwrap_err();
        assert_eq!(err, Error::BodyNotReplayable { status: 307 });
        // `fields` is gone here.
    }
    let r = f.last_response(&[]).expect("the 307 is kept");
    assert_eq!(r.status(), 307);
    assert_eq!(r.version(), Version::Http11);
    assert_eq!(r.head_len(), 0);
    assert_eq!(r.reason(), "");
    let cookies: Vec<_> = r.headers_named("set-cookie").collect();
    assert_eq!(cookies, [&b"a=1"[..], &b"b=2"[..]]);
    assert_eq!(r.header("location"), Some(&b"/b2"[..]));

    let mut f = follow(Method::Get, "http://a.test/");
    let fields = [("location", "http://b.test/"), ("content-length", "0")];
    assert!(matches!(
        f.handle_head(Version::Http11, 302, fields),
        Ok(Event::Redirect(_))
    ));
    let pending = f.pending_redirect(&[]).expect("still proposed");
    assert_eq!(
        pending.response().header("location"),
        Some(&b"http://b.test/"[..])
    );
    let done = pending.stop();
    assert_eq!(done.response().status(), 302);
    assert_eq!(done.url().as_str(), "http://a.test/");
}

/// Conflicting `Location` fields are refused whichever way they come.
#[test]
fn repeated_location_fields() {
    let mut f = follow(Method::Get, "http://a.test/");
    let same = [("location", "/b"), ("location", "/b")];
    assert!(matches!(
        f.handle_head(Version::Http2, 302, same),
        Ok(Event::Redirect(_))
    ));
    let mut f = follow(Method::Get, "http://a.test/");
    let different = [("location", "/b"), ("Location", "/c")];
    assert_eq!(
        f.handle_head(Version::Http2, 302, different).unwrap_err(),
        Error::ConflictingLocation { status: 302 }
    );
}

/// The `http` types in and out (feature `http`): an HTTP/2 response from an `http`-based
/// client goes in as it is, the next request comes out as `http::Request<()>`.
#[cfg(feature = "http")]
#[test]
fn http_types_in_and_out() {
    let first = http::Request::post("https://a.test/form")
        .header("authorization", "Bearer t")
        .header("content-type", "text/plain")
        .body("hello")
        .unwrap();
    let req = Request::try_from(&first).unwrap().body(Body::Replayable);
    let mut f = Follow::new(req, Policy::fetch()).unwrap();
    let res = http::Response::builder()
        .version(http::Version::HTTP_2)
        .status(303)
        .header("location", "https://b.test/done")
        .header("set-cookie", "a=1")
        .header("set-cookie", "b=2")
        .body(())
        .unwrap();
    let (parts, ()) = res.into_parts();
    let Ok(Event::Redirect(hop)) = f.handle_http_parts(&parts) else {
        panic!("a 303 is followed")
    };
    assert_eq!(hop.response().version(), Version::Http2);
    assert_eq!(hop.response().headers_named("set-cookie").count(), 2);
    let next = hop.request().to_http_request().unwrap();
    assert_eq!(next.method(), http::Method::GET);
    assert_eq!(next.uri(), "https://b.test/done");
    assert!(next.headers().get("authorization").is_none());
    assert!(next.headers().get("content-type").is_none());
    assert!(!hop.request().sends_body());

    let res = http::Response::builder()
        .version(http::Version::HTTP_09)
        .status(200)
        .body(())
        .unwrap();
    // Not read before the 303 is followed, whatever its version.
    assert_eq!(
        f.handle_http_response(&res).unwrap_err(),
        Error::RedirectNotFollowed { status: 303 }
    );
    f.pending_redirect(&[]).expect("still proposed").follow();
    assert_eq!(
        f.handle_http_response(&res).unwrap_err(),
        Error::MalformedResponse(Malformed::Syntax(httparse::Error::Version))
    );
}

/// When a head has several faults, the parsed path reports the one the byte path
/// (`httparse`, field by field) meets first: each row is fed both ways.
#[test]
fn first_fault_wins_as_on_the_wire() {
    let heads: &[&[(&str, &[u8])]] = &[
        &[("a", b"bad\x01"), ("b c", b"1")],
        &[("b c", b"1"), ("a", b"bad\x01")],
        &[("a", b"1"), ("b", b"\x7f"), ("c", b"3"), ("d", b"4")],
        &[("a", b"1"), ("b", b"2"), ("c", b"3"), ("d", b"\x00")],
        &[("a", b"1"), ("b", b"2"), ("c", b"3"), ("d e", b"4")],
        &[("a", b"\t tab inside\tand around \t"), ("b", b"2")],
    ];
    let policy = || Policy::fetch().with_max_header_fields(3).unwrap();
    let start = || Follow::new(Request::get("http://a.test/").unwrap(), policy()).unwrap();
    let mut failed = Vec::new();
    for fields in heads {
        let mut bytes = b"HTTP/1.1 200 OK\r\n".to_vec();
        for (n, v) in *fields {
            bytes.extend_from_slice(n.as_bytes());
            bytes.extend_from_slice(b": ");
            bytes.extend_from_slice(v);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"\r\n");
        let mut by_bytes = start();
        let wire = match by_bytes.handle_response(&bytes) {
            Ok(e) => format!("{:?}", got(Ok(e))),
            Err(e) => format!("{e:?}"),
        };
        let mut by_head = start();
        let parsed = match by_head.handle_head(Version::Http11, 200, fields.iter().copied()) {
            Ok(e) => format!("{:?}", got(Ok(e))),
            Err(e) => format!("{e:?}"),
        };
        if wire != parsed {
            failed.push(format!("{fields:?}: bytes {wire}, parsed {parsed}"));
        }
    }
    assert!(failed.is_empty(), "rows differ: {failed:#?}");
}

/// An obsolete line fold (RFC 9112 §5.2) is replaced by one space before the value is
/// interpreted, on the wire as a caller's stack would before `handle_head`: the folded
/// head and the unfolded one give the same answers, and the views show the unfolded value.
#[test]
fn folded_values_are_unfolded_before_they_are_interpreted() {
    // (folded bytes of one field line, the unfolded value)
    let rows: &[(&[u8], &[u8])] = &[
        (b"Location: /a\r\n\tb", b"/a b"),
        (b"Location: /a \r\n  b", b"/a b"),
        (b"Location: http://b.test/x\n y", b"http://b.test/x y"),
        (
            b"Referrer-Policy: no-referrer,\r\n unsafe-url",
            b"no-referrer, unsafe-url",
        ),
    ];
    let mut failed = Vec::new();
    for (line, unfolded) in rows {
        let start = || {
            let req = Request::get("https://a.test/p?q")
                .unwrap()
                .referrer("https://a.test/doc")
                .unwrap();
            Follow::new(req, Policy::fetch()).unwrap()
        };
        let mut bytes = b"HTTP/1.1 302 Found\r\n".to_vec();
        bytes.extend_from_slice(line);
        if !line.starts_with(b"Location") {
            bytes.extend_from_slice(b"\r\nLocation: https://c.test/");
        }
        bytes.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        let name = std::str::from_utf8(&line[..line.iter().position(|&b| b == b':').unwrap()])
            .unwrap()
            .to_string();
        let mut fields: Vec<(String, Vec<u8>)> = vec![(name.clone(), unfolded.to_vec())];
        if name != "Location" {
            fields.push(("Location".into(), b"https://c.test/".to_vec()));
        }
        fields.push(("Content-Length".into(), b"0".to_vec()));

        let describe = |e: Result<Event<'_>, Error>| match e {
            Ok(Event::Redirect(r)) => format!(
                "{} {:?} seen {:?}",
                r.request().url(),
                r.request()
                    .header("referer")
                    .map(|v| String::from_utf8_lossy(v).into_owned()),
                r.response()
                    .header(&name)
                    .map(|v| String::from_utf8_lossy(v).into_owned()),
            ),
            other => format!("{other:?}"),
        };
        let mut wire = start();
        let a = describe(wire.handle_response(&bytes));
        let mut parsed = start();
        let b = describe(parsed.handle_head(Version::Http11, 302, fields));
        let want_seen = format!("{:?}", Some(String::from_utf8_lossy(unfolded)));
        if a != b || !a.ends_with(&want_seen) {
            failed.push(format!(
                "{:?}: wire {a}, parsed {b}",
                String::from_utf8_lossy(line)
            ));
        }
        // The body still starts right after the head on the wire.
        let head_len = wire.last_response(&bytes).unwrap().head_len();
        if head_len != bytes.len() {
            failed.push(format!(
                "{:?}: head_len {head_len}",
                String::from_utf8_lossy(line)
            ));
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

/// A status below 100 is refused after the fields, as `httparse` reads them first: with
/// one field too many it is `TooManyHeaders` both ways.
#[test]
fn status_is_judged_after_the_fields() {
    let policy = Policy::fetch().with_max_header_fields(1).unwrap();
    let mut wire = Follow::new(Request::get("http://a.test/").unwrap(), policy.clone()).unwrap();
    let bytes = b"HTTP/1.1 099 Low\r\na: 1\r\nb: 2\r\n\r\n";
    let by_bytes = wire.handle_response(bytes).unwrap_err();
    let mut parsed = Follow::new(Request::get("http://a.test/").unwrap(), policy).unwrap();
    let by_head = parsed
        .handle_head(Version::Http11, 99, [("a", "1"), ("b", "2")])
        .unwrap_err();
    assert_eq!(by_bytes, Error::TooManyHeaders { limit: 1 });
    assert_eq!(by_head, by_bytes);
}

/// Review fixes, each both ways where both ways exist: a fold past the field limit decides
/// the error whatever the limit; the size limit wins over any other fault; an `HTTP/0.9`
/// `http` head is refused after the state checks; bytes after an interim head given as
/// parsed are a caller's mistake.
#[test]
fn faults_that_come_together() {
    // A fold in the field one past the limit, its continuation holding a bad byte.
    let bytes = b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nOver: x\r\n \x01y\r\n\r\n";
    for limit in [2, 65] {
        let policy = Policy::fetch().with_max_header_fields(limit).unwrap();
        let mut f = Follow::new(Request::get("http://a.test/").unwrap(), policy).unwrap();
        assert_eq!(
            f.handle_response(bytes).unwrap_err(),
            Error::MalformedResponse(Malformed::Syntax(httparse::Error::HeaderValue)),
            "limit {limit}"
        );
    }

    // Over the size limit and a bad name before it: the size wins, both ways.
    let long = "v".repeat(100);
    let policy = || Policy::fetch().with_max_head_size(64).unwrap();
    let mut wire = Follow::new(Request::get("http://a.test/").unwrap(), policy()).unwrap();
    let bytes = format!("HTTP/1.1 200 OK\r\nA: 1\r\nB@d: 2\r\nC: {long}\r\n\r\n");
    assert_eq!(
        wire.handle_response(bytes.as_bytes()).unwrap_err(),
        Error::HeadTooLarge { limit: 64 }
    );
    let mut parsed = Follow::new(Request::get("http://a.test/").unwrap(), policy()).unwrap();
    let fields = [("A", "1"), ("B@d", "2"), ("C", long.as_str())];
    assert_eq!(
        parsed
            .handle_head(Version::Http11, 200, fields)
            .unwrap_err(),
        Error::HeadTooLarge { limit: 64 }
    );

    // Bytes after an interim head given as parsed: refused, the machine unchanged.
    let mut f = follow(Method::Get, "http://a.test/");
    let none: [(&str, &str); 0] = [];
    assert!(matches!(
        f.handle_head(Version::Http11, 100, none),
        Ok(Event::NeedData)
    ));
    let done = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(f.handle_response(done).unwrap_err(), Error::InvalidState);
    assert!(matches!(
        f.handle_head(Version::Http11, 200, none),
        Ok(Event::Final(_))
    ));
}

#[cfg(feature = "http")]
#[test]
fn an_http_0_9_head_is_judged_after_the_state() {
    let res = http::Response::builder()
        .version(http::Version::HTTP_09)
        .status(200)
        .body(())
        .unwrap();
    let mut f = follow(Method::Get, "http://a.test/");
    let none: [(&str, &str); 0] = [];
    assert!(matches!(
        f.handle_head(Version::Http11, 200, none),
        Ok(Event::Final(_))
    ));
    assert_eq!(
        f.handle_http_response(&res).unwrap_err(),
        Error::InvalidState
    );
    let mut f = follow(Method::Get, "http://a.test/");
    assert!(f.handle_http_response(&res).is_err());
    assert!(f.is_finished(), "a peer's error ends the chain");
}

/// A peer that answers with `103` heads without end. On the wire they count
/// against the head size limit and end in `HeadTooLarge`; through `handle_head` they must
/// too, after as many heads as on the wire (the wire also needs room for the final head's
/// status line, so it may stop one head sooner), never waiting for ever.
#[test]
fn interim_heads_count_against_the_head_size_limit() {
    let link = ("Link", "</style.css>; rel=preload; as=style");
    let wire_head = format!("HTTP/1.1 103\r\n{}: {}\r\n\r\n", link.0, link.1);
    for (name, policy) in profiles() {
        for limit in [256, 1024, policy.max_head_size()] {
            let policy = policy.clone().with_max_head_size(limit).unwrap();
            let start = || Follow::new(Request::get("http://a.test/").unwrap(), policy.clone());
            let mut parsed = start().unwrap();
            let mut heads = 0usize;
            let err = loop {
                heads += 1;
                assert!(
                    heads <= limit,
                    "{name} {limit}: still waiting after {heads} heads"
                );
                match parsed.handle_head(Version::Http11, 103, [link]) {
                    Ok(Event::NeedData) => {}
                    Ok(_) => panic!("{name}: an interim head ended the response"),
                    Err(e) => break e,
                }
            };
            assert_eq!(err, Error::HeadTooLarge { limit }, "{name} {limit}");
            assert!(parsed.is_finished(), "{name} {limit}");
            // The same heads on the wire: within the limit before, too large with them.
            let wire = |n: usize| {
                let mut f = start().unwrap();
                f.handle_response(wire_head.repeat(n).as_bytes())
                    .map(|_| ())
            };
            assert_eq!(
                wire(heads - 2),
                Ok(()),
                "{name} {limit}: wire, {} heads",
                heads - 2
            );
            assert_eq!(
                wire(heads),
                Err(Error::HeadTooLarge { limit }),
                "{name} {limit}: wire, {heads} heads"
            );
            // A response with fewer interim heads still ends normally.
            let mut f = start().unwrap();
            for _ in 0..heads - 2 {
                assert!(matches!(
                    f.handle_head(Version::Http11, 103, [link]),
                    Ok(Event::NeedData)
                ));
            }
            let none: [(&str, &str); 0] = [];
            assert!(
                matches!(
                    f.handle_head(Version::Http11, 200, none),
                    Ok(Event::Final(_))
                ),
                "{name} {limit}"
            );
        }
    }
}
