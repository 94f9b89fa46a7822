use super::*;
use std::format;
use std::vec::Vec;

use BodyLength::{Chunked, EndOfStream, Length, UntilClose};
use Version::{Http2, Http3, Http10, Http11};

/// Field names and values.
type Fields<'a> = &'a [(&'a str, &'a str)];

/// The fields written as one buffer, read as [`read`] reads them.
fn meaning_of(
    version: Version,
    status: u16,
    fields: &[(&str, &str)],
    request: RequestFacts,
    continued: bool,
) -> (Result<Meaning, Error>, Vec<u8>) {
    let mut buf = Vec::new();
    let mut at = Vec::new();
    for (n, v) in fields {
        at.push((buf.len(), n.len(), v.len()));
        buf.extend_from_slice(n.as_bytes());
        buf.extend_from_slice(v.as_bytes());
    }
    let pairs = at
        .iter()
        .map(|&(i, n, v)| (&buf[i..i + n], &buf[i + n..i + n + v]));
    let got = read(&buf, version, status, continued, request, pairs);
    (got, buf)
}

fn plain(version: Version, status: u16, fields: &[(&str, &str)]) -> Result<Meaning, Error> {
    meaning_of(version, status, fields, RequestFacts::default(), false).0
}

/// How the body ends (RFC 9112 §6.3, RFC 9113 §8.1.1), one row per rule.
#[test]
fn framing_table() {
    let head = RequestFacts {
        head: true,
        ..RequestFacts::default()
    };
    type Row<'a> = (
        Version,
        u16,
        Fields<'a>,
        RequestFacts,
        Result<BodyLength, Error>,
    );
    let rows: &[Row<'_>] = &[
        (Http11, 200, &[], RequestFacts::default(), Ok(UntilClose)),
        (
            Http11,
            200,
            &[("Content-Length", "5")],
            RequestFacts::default(),
            Ok(Length(5)),
        ),
        (
            Http11,
            200,
            &[("content-length", " 3, 3 ")],
            RequestFacts::default(),
            Ok(Length(3)),
        ),
        (
            Http11,
            200,
            &[("Content-Length", "3"), ("Content-Length", "4")],
            RequestFacts::default(),
            Err(Malformed::ContentLength.into()),
        ),
        (
            Http11,
            200,
            &[("Content-Length", "-1")],
            RequestFacts::default(),
            Err(Malformed::ContentLength.into()),
        ),
        (
            Http11,
            200,
            &[("Content-Length", "")],
            RequestFacts::default(),
            Err(Malformed::ContentLength.into()),
        ),
        (
            Http11,
            200,
            &[("Content-Length", "99999999999999999999999")],
            RequestFacts::default(),
            Err(Malformed::ContentLength.into()),
        ),
        (
            Http11,
            200,
            &[("Transfer-Encoding", "gzip, chunked")],
            RequestFacts::default(),
            Ok(Chunked),
        ),
        (
            Http11,
            200,
            &[("Transfer-Encoding", "chunked, gzip")],
            RequestFacts::default(),
            Ok(UntilClose),
        ),
        (
            Http11,
            200,
            &[("Content-Length", "5"), ("Transfer-Encoding", "CHUNKED")],
            RequestFacts::default(),
            Ok(Chunked),
        ),
        (
            Http11,
            204,
            &[("Content-Length", "5")],
            RequestFacts::default(),
            Ok(BodyLength::None),
        ),
        (
            Http11,
            304,
            &[("Transfer-Encoding", "chunked")],
            RequestFacts::default(),
            Ok(BodyLength::None),
        ),
        (
            Http11,
            101,
            &[],
            RequestFacts::default(),
            Ok(BodyLength::None),
        ),
        (
            Http11,
            200,
            &[("Content-Length", "5")],
            head,
            Ok(BodyLength::None),
        ),
        (Http2, 200, &[], RequestFacts::default(), Ok(EndOfStream)),
        (
            Http3,
            200,
            &[("content-length", "7")],
            RequestFacts::default(),
            Ok(Length(7)),
        ),
        (
            Http2,
            304,
            &[],
            RequestFacts::default(),
            Ok(BodyLength::None),
        ),
        (Http2, 200, &[], head, Ok(BodyLength::None)),
    ];
    let mut failed = Vec::new();
    for (i, (version, status, fields, request, want)) in rows.iter().enumerate() {
        let got = meaning_of(*version, *status, fields, *request, false)
            .0
            .map(|m| m.body);
        if got != *want {
            failed.push(format!("row {i}: {got:?}, want {want:?}"));
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

/// Whether the connection carries another request, decided in one place from the head and
/// what the request announced; one row per rule.
#[test]
fn reuse_table() {
    let expect = RequestFacts {
        expects_continue: true,
        ..RequestFacts::default()
    };
    let closes = RequestFacts {
        closes: true,
        ..RequestFacts::default()
    };
    let cl0: &[(&str, &str)] = &[("Content-Length", "0")];
    // (version, status, fields, request, a 100 came first, reuse, rule)
    type Row<'a> = (
        Version,
        u16,
        &'a [(&'a str, &'a str)],
        RequestFacts,
        bool,
        bool,
        &'a str,
    );
    let rows: &[Row<'_>] = &[
        (
            Http11,
            302,
            cl0,
            RequestFacts::default(),
            false,
            true,
            "RFC 9112 §9.3: HTTP/1.1 persists",
        ),
        (
            Http11,
            302,
            &[
                ("Content-Length", "0"),
                ("Connection", "Keep-Alive , CLOSE"),
            ],
            RequestFacts::default(),
            false,
            false,
            "close wins",
        ),
        (
            Http11,
            302,
            &[("Content-Length", "0"), ("Connection", "closed, x-close")],
            RequestFacts::default(),
            false,
            true,
            "only the token close",
        ),
        (
            Http10,
            302,
            cl0,
            RequestFacts::default(),
            false,
            false,
            "HTTP/1.0 without keep-alive",
        ),
        (
            Http10,
            302,
            &[
                ("Content-Length", "0"),
                ("connection", "upgrade,keep-alive"),
            ],
            RequestFacts::default(),
            false,
            true,
            "HTTP/1.0 keep-alive",
        ),
        (
            Http11,
            302,
            &[],
            RequestFacts::default(),
            false,
            false,
            "until close",
        ),
        (
            Http11,
            302,
            &[("Transfer-Encoding", "chunked"), ("Content-Length", "0")],
            RequestFacts::default(),
            false,
            false,
            "TE and CL: faulty",
        ),
        (
            Http10,
            302,
            &[
                ("Transfer-Encoding", "chunked"),
                ("Connection", "keep-alive"),
            ],
            RequestFacts::default(),
            false,
            false,
            "TE in HTTP/1.0: faulty",
        ),
        (
            Http11,
            101,
            &[],
            RequestFacts::default(),
            false,
            false,
            "101: another protocol",
        ),
        (
            Http11,
            302,
            cl0,
            expect,
            false,
            false,
            "RFC 9110 §10.1.1: body maybe unread",
        ),
        (
            Http11,
            302,
            cl0,
            expect,
            true,
            true,
            "a 100 came: the body was sent",
        ),
        (
            Http11,
            302,
            cl0,
            closes,
            false,
            false,
            "RFC 9112 §9.6: the request closed",
        ),
        (
            Http2,
            302,
            &[],
            expect,
            false,
            true,
            "HTTP/2: a stream of its own",
        ),
        (
            Http3,
            200,
            &[],
            closes,
            false,
            true,
            "HTTP/3: a stream of its own",
        ),
    ];
    let mut failed = Vec::new();
    for &(version, status, fields, request, continued, want, rule) in rows {
        let got = meaning_of(version, status, fields, request, continued)
            .0
            .map(|m| m.keep_alive);
        if got != Ok(want) {
            failed.push(format!("{rule}: {got:?}"));
        }
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

/// HTTP/2 and HTTP/3 refuse connection-specific fields and `101`; HTTP/1 takes them.
#[test]
fn http2_and_http3_rules() {
    let specific = Err(Error::from(Malformed::ConnectionSpecific));
    for name in [
        "Connection",
        "Keep-Alive",
        "proxy-connection",
        "Upgrade",
        "Transfer-Encoding",
    ] {
        for version in [Http2, Http3] {
            let got = plain(version, 200, &[(name, "x")]).map(|_| ());
            assert_eq!(got, specific, "{name} in {version:?}");
        }
        assert!(
            plain(Http11, 200, &[(name, "x")]).is_ok(),
            "{name} in HTTP/1.1"
        );
    }
    assert_eq!(
        plain(Http2, 101, &[]).map(|_| ()),
        Err(Malformed::Status(101).into())
    );
    // A length error met first is the one reported.
    assert_eq!(
        plain(Http2, 200, &[("Upgrade", "x"), ("Content-Length", "x")]).map(|_| ()),
        Err(Malformed::ContentLength.into())
    );
}

/// `Location`: trimmed, empty fields ignored, identical repeats one value, different ones a
/// conflict.
#[test]
fn location_table() {
    let rows: &[(Fields<'_>, Option<&str>)] = &[
        (&[], None),
        (&[("Location", "")], None),
        (&[("Location", " \t/a \t")], Some("/a")),
        (&[("Location", "/a"), ("location", "/a")], Some("/a")),
        (
            &[("Location", ""), ("LOCATION", "/b"), ("Location", " ")],
            Some("/b"),
        ),
        (&[("Location", "/a"), ("Location", "/b")], Some("!")),
        (
            &[("Location", "/a"), ("Location", "/b"), ("Location", "/a")],
            Some("!"),
        ),
        (&[("X-Location", "/a"), ("Locations", "/b")], None),
    ];
    for (fields, want) in rows {
        let (got, buf) = meaning_of(Http11, 302, fields, RequestFacts::default(), false);
        let got = match got.unwrap().location {
            LocationField::Absent => None,
            LocationField::Conflict => Some("!"),
            LocationField::One(span) => Some(core::str::from_utf8(span.get(&buf)).unwrap()),
        };
        assert_eq!(got, *want, "{fields:?}");
    }
}

/// The first `Strict-Transport-Security` value, and the range of `Referrer-Policy` fields.
#[test]
fn where_the_rules_fields_are() {
    let fields: &[(&str, &str)] = &[
        ("Date", "x"),
        ("Referrer-Policy", "origin"),
        ("Strict-Transport-Security", "max-age=1"),
        ("Set-Cookie", "a=b"),
        ("referrer-policy", "no-referrer"),
        ("strict-transport-security", "max-age=2"),
    ];
    let (got, buf) = meaning_of(Http11, 302, fields, RequestFacts::default(), false);
    let m = got.unwrap();
    assert_eq!(m.sts.map(|s| s.get(&buf)), Some(&b"max-age=1"[..]));
    assert_eq!(m.referrer_policy, Some(FieldRange { first: 1, last: 4 }));
    let m = plain(Http11, 302, &[("Referrer-Policy", "origin")]).unwrap();
    assert_eq!(m.referrer_policy, Some(FieldRange { first: 0, last: 0 }));
    let m = plain(Http11, 302, &[("X", "y")]).unwrap();
    assert_eq!((m.referrer_policy, m.sts), (None, None));
}

#[test]
fn connection_options_are_read_in_one_pass() {
    let rows: &[(&str, bool, bool)] = &[
        ("close", true, false),
        ("Keep-Alive", false, true),
        (" upgrade , CLOSE ,keep-alive", true, true),
        ("closes, keep-alive2, ,", false, false),
        ("", false, false),
    ];
    for &(value, close, keep_alive) in rows {
        let mut c = ConnectionOptions::default();
        c.add(value.as_bytes());
        assert_eq!((c.close, c.keep_alive), (close, keep_alive), "{value:?}");
    }
}

/// A name of the same length as a field the rules read, but another name, is passed over:
/// the dispatch on the length is only a shortcut to the name comparison.
#[test]
fn names_of_the_same_length_are_other_fields() {
    // Each the length of `Content-Length`, `Transfer-Encoding`, `Connection`,
    // `Referrer-Policy`, `Location` and `Strict-Transport-Security`.
    let lookalikes: Fields<'_> = &[
        ("Content-Length", "0"),
        ("X-Content-Type", "not a number"),
        ("X-Forwarded-Proto", "chunked"),
        ("X-Trace-Id", "close"),
        ("Accept-Language", "no-referrer"),
        ("X-Robots", "/elsewhere"),
        ("X-Strict-Transport-Policy", "max-age=100"),
    ];
    for version in [Http10, Http11, Http2, Http3] {
        let with = plain(version, 200, lookalikes).expect("read");
        let without = plain(version, 200, &[("Content-Length", "0")]).expect("read");
        assert_eq!(
            (
                with.body,
                with.keep_alive,
                with.location,
                with.referrer_policy,
                with.sts
            ),
            (
                without.body,
                without.keep_alive,
                without.location,
                without.referrer_policy,
                without.sts
            ),
            "{version:?}"
        );
        // The connection stays open but over HTTP/1.0 (HTTP/2 and HTTP/3 by origin), which
        // a `close` read from the wrong field would change over HTTP/1.1.
        assert_eq!(with.keep_alive, version != Http10, "{version:?}");
    }
}
