//! The request the machine writes: the first request and every per-hop edit checked for
//! input that would make it ambiguous (`InvalidRequest`), edits that do not grow the
//! request, and the head `write_head` writes.

#[path = "support/chain.rs"]
mod chain;

use chain::{Chain, profiles, req};
use redirects::{
    Body, Error, Event, Fault, Follow, InvalidRequest, Method, Policy, Redirect, Request,
};

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
            // X-Try is carried: not listed as removed.
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
