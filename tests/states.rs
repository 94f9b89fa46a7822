//! The calling contract. One test row per row of the state table in the crate docs ("The
//! states"): each drives the machine into a state, makes the call, and checks the answer
//! and the state after it through what the public API shows of it. Then the caller's side
//! of it: errors that leave the machine where it was, a chain that refuses input once
//! finished, a shrinking buffer, the decisions on a proposed redirect (`stop`, `refuse`,
//! `follow`), offered until it is followed, and no response read before that
//! (`RedirectNotFollowed`): the 3xx's own bytes fed again are never followed, a server's
//! identical bytes are, and only the very buffer that completed a head reads it again.

#[path = "support/chain.rs"]
mod chain;

use chain::{Chain, req};
use redirects::{Body, Error, Event, Fault, Follow, Method, Policy, Request, Version};

const REDIRECT: &[u8] =
    b"HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\nContent-Length: 0\r\n\r\n";
const FINAL: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
const BAD_SCHEME: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: ftp://b.test/\r\n\r\n";
const GARBAGE: &[u8] = b"garbage\r\n\r\n";
const REDIRECT_FIELDS: [(&str, &str); 2] =
    [("Location", "http://b.test/"), ("Content-Length", "0")];
const NO_FIELDS: [(&str, &str); 0] = [];

/// What the public API shows of the state, given the buffer of the last complete response.
/// Finished and failed look alike from outside (both ended; the answer that ended them
/// tells which), except that a failed chain may have no readable head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Reading,
    Proposed,
    /// Finished or failed; `true` when the last complete response is still readable.
    Ended(bool),
}

fn seen(f: &mut Follow, last: &[u8]) -> Seen {
    let head = f.last_response(last).is_some();
    if f.pending_redirect(last).is_some() {
        Seen::Proposed
    } else if f.is_finished() {
        Seen::Ended(head)
    } else {
        Seen::Reading
    }
}

fn new() -> Follow {
    Follow::new(Request::get("http://a.test/").unwrap(), Policy::fetch()).unwrap()
}

fn answer(r: Result<Event<'_>, Error>) -> String {
    match r {
        Ok(Event::NeedData) => "NeedData".into(),
        Ok(Event::Redirect(r)) => format!("Redirect {}", r.response().status()),
        Ok(Event::Final(f)) => format!("Final {}", f.response().status()),
        Err(e) => format!("Err {} ({:?})", e.code(), e.fault()),
    }
}

#[test]
fn every_row_of_the_state_table() {
    let mut failed = Vec::new();
    let mut row = |name: &str, got: (String, Seen), want: (&str, Seen)| {
        if got.0 != want.0 || got.1 != want.1 {
            failed.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    };

    // reading: head incomplete -> NeedData, reading.
    let mut f = new();
    let a = answer(f.handle_response(&FINAL[..5]));
    row(
        "reading/partial",
        (a, seen(&mut f, b"")),
        ("NeedData", Seen::Reading),
    );

    // reading: buffer shorter than before -> BufferShrunk, still reading.
    let a = answer(f.handle_response(&FINAL[..3]));
    row(
        "reading/shrunk",
        (a, seen(&mut f, b"")),
        ("Err buffer_shrunk (Caller)", Seen::Reading),
    );

    // reading: unreadable head -> peer error, failed without a head.
    let mut f = new();
    let a = answer(f.handle_response(GARBAGE));
    row(
        "reading/malformed",
        (a, seen(&mut f, GARBAGE)),
        ("Err malformed_response (Peer)", Seen::Ended(false)),
    );

    // reading: a followed redirect -> Redirect, proposed.
    let mut f = new();
    let a = answer(f.handle_response(REDIRECT));
    row(
        "reading/redirect",
        (a, seen(&mut f, REDIRECT)),
        ("Redirect 302", Seen::Proposed),
    );

    // reading: a final response -> Final, finished.
    let mut f = new();
    let a = answer(f.handle_response(FINAL));
    row(
        "reading/final",
        (a, seen(&mut f, FINAL)),
        ("Final 200", Seen::Ended(true)),
    );

    // reading: a redirect that must not be followed -> peer error, failed with its head.
    let mut f = new();
    let a = answer(f.handle_response(BAD_SCHEME));
    row(
        "reading/refused-by-policy",
        (a, seen(&mut f, BAD_SCHEME)),
        ("Err scheme_not_allowed (Peer)", Seen::Ended(true)),
    );

    // proposed: no bytes -> NeedData, still proposed.
    let mut f = new();
    let _ = f.handle_response(REDIRECT).unwrap();
    let a = answer(f.handle_response(b""));
    row(
        "proposed/empty",
        (a, seen(&mut f, REDIRECT)),
        ("NeedData", Seen::Proposed),
    );

    // proposed: bytes (of the next response or the 3xx's own again) -> RedirectNotFollowed,
    // still proposed.
    let a = answer(f.handle_response(FINAL));
    row(
        "proposed/bytes",
        (a, seen(&mut f, REDIRECT)),
        ("Err redirect_not_followed (Caller)", Seen::Proposed),
    );
    let a = answer(f.handle_response(&FINAL[..5]));
    row(
        "proposed/partial",
        (a, seen(&mut f, REDIRECT)),
        ("Err redirect_not_followed (Caller)", Seen::Proposed),
    );
    let a = answer(f.handle_response(REDIRECT));
    row(
        "proposed/same-bytes",
        (a, seen(&mut f, REDIRECT)),
        ("Err redirect_not_followed (Caller)", Seen::Proposed),
    );

    // proposed: follow -> the next request, reading (the next response).
    let next = f.pending_redirect(REDIRECT).unwrap().follow();
    let a = format!("{} {}", next.method(), next.url());
    row(
        "proposed/follow",
        (a, seen(&mut f, REDIRECT)),
        ("GET http://b.test/", Seen::Reading),
    );
    // followed: the next response's bytes -> as reading.
    let a = answer(f.handle_response(&FINAL[..5]));
    row(
        "followed/partial",
        (a, seen(&mut f, b"")),
        ("NeedData", Seen::Reading),
    );
    let a = answer(f.handle_response(FINAL));
    row(
        "followed/bytes",
        (a, seen(&mut f, FINAL)),
        ("Final 200", Seen::Ended(true)),
    );

    // proposed: stop -> the 3xx is final, finished.
    let mut f = new();
    let _ = f.handle_response(REDIRECT).unwrap();
    let done = f.pending_redirect(REDIRECT).unwrap().stop();
    let a = format!("Final {}", done.response().status());
    row(
        "proposed/stop",
        (a, seen(&mut f, REDIRECT)),
        ("Final 302", Seen::Ended(true)),
    );

    // proposed: refuse -> Refused, failed with the 3xx readable.
    let mut f = new();
    let _ = f.handle_response(REDIRECT).unwrap();
    let e = f.pending_redirect(REDIRECT).unwrap().refuse("no");
    let a = answer(Err(e));
    row(
        "proposed/refuse",
        (a, seen(&mut f, REDIRECT)),
        ("Err refused (Caller)", Seen::Ended(true)),
    );

    // reading, nothing fed: a parsed interim head -> NeedData, reading.
    let mut f = new();
    let a = answer(f.handle_head(Version::Http11, 100, NO_FIELDS));
    row(
        "reading/parsed-interim",
        (a, seen(&mut f, b"")),
        ("NeedData", Seen::Reading),
    );
    // ... then a parsed redirect -> Redirect, proposed (read from the machine's copy).
    let a = answer(f.handle_head(Version::Http11, 302, REDIRECT_FIELDS));
    row(
        "reading/parsed-redirect",
        (a, seen(&mut f, b"")),
        ("Redirect 302", Seen::Proposed),
    );
    // proposed: a parsed head -> RedirectNotFollowed, still proposed.
    let a = answer(f.handle_head(Version::Http2, 200, NO_FIELDS));
    row(
        "proposed/parsed",
        (a, seen(&mut f, b"")),
        ("Err redirect_not_followed (Caller)", Seen::Proposed),
    );
    // followed: a parsed head of the next response -> as reading.
    f.pending_redirect(b"").unwrap().follow();
    let a = answer(f.handle_head(Version::Http2, 200, NO_FIELDS));
    row(
        "followed/parsed",
        (a, seen(&mut f, b"")),
        ("Final 200", Seen::Ended(true)),
    );
    // reading, nothing fed: a parsed head that is malformed -> peer error, failed.
    let mut f = new();
    let a = answer(f.handle_head(Version::Http11, 302, [("bad name", "x")]));
    row(
        "reading/parsed-malformed",
        (a, seen(&mut f, b"")),
        ("Err malformed_response (Peer)", Seen::Ended(false)),
    );
    // reading, bytes fed: a parsed head -> InvalidState, unchanged (still reading).
    let mut f = new();
    let _ = f.handle_response(&FINAL[..5]).unwrap();
    let a = answer(f.handle_head(Version::Http11, 200, NO_FIELDS));
    row(
        "reading-fed/parsed",
        (a, seen(&mut f, b"")),
        ("Err invalid_state (Caller)", Seen::Reading),
    );
    row(
        "reading-fed/parsed-then-bytes",
        (answer(f.handle_response(FINAL)), seen(&mut f, FINAL)),
        ("Final 200", Seen::Ended(true)),
    );

    // finished, failed: any feed -> InvalidState, unchanged.
    for (name, first) in [("finished", FINAL), ("failed", GARBAGE)] {
        let mut f = new();
        let _ = answer(f.handle_response(first));
        let before = seen(&mut f, first);
        let a = answer(f.handle_response(FINAL));
        let after = seen(&mut f, first);
        row(
            &format!("{name}/feed"),
            (a, after),
            ("Err invalid_state (Caller)", before),
        );
        let a = answer(f.handle_head(Version::Http11, 200, NO_FIELDS));
        let after = seen(&mut f, first);
        row(
            &format!("{name}/parsed"),
            (a, after),
            ("Err invalid_state (Caller)", before),
        );
    }

    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

#[test]
fn every_peer_error_is_the_peers_fault() {
    let cases: &[&[u8]] = &[
        GARBAGE,
        BAD_SCHEME,
        b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\n\r\n",
        b"HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\n\r\n",
    ];
    let mut failed = Vec::new();
    for bytes in cases {
        let mut f = new();
        match f.handle_response(bytes) {
            Err(e) if e.fault() == Fault::Peer => {}
            other => failed.push(format!(
                "{:?}: {}",
                String::from_utf8_lossy(bytes),
                answer(other)
            )),
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
fn decisions_are_offered_until_the_redirect_is_followed() {
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
    // An empty read keeps the decision open.
    assert!(matches!(f.handle_response(b""), Ok(Event::NeedData)));
    let mut r = f.pending_redirect(redirect).expect("still proposed");
    assert_eq!(r.number(), 1);
    r.append_header("X-Later", "1").unwrap();
    // A byte of the next response before the redirect is followed is not read: the
    // proposal stays open, edits and all.
    assert_eq!(
        f.handle_response(b"HTTP/1.1 2").unwrap_err(),
        Error::RedirectNotFollowed { status: 302 }
    );
    let mut r = f.pending_redirect(redirect).expect("still proposed");
    assert_eq!(r.request().header("x-later"), Some(&b"1"[..]));
    r.append_header("X-Last", "2").unwrap();
    // Following ends the proposal: the request it gives is the one to send.
    let sent = r.follow();
    assert_eq!(sent.header("accept"), Some(&b"text/html"[..]));
    assert_eq!(sent.header("x-last"), Some(&b"2"[..]));
    let sent = sent.to_head();
    assert!(f.pending_redirect(redirect).is_none());
    assert_eq!(f.request().to_head(), sent);
    assert_eq!(f.request().header("accept"), Some(&b"text/html"[..]));
    assert_eq!(f.request().header("x-later"), Some(&b"1"[..]));
    // The next response's first byte is read now.
    assert!(matches!(
        f.handle_response(b"HTTP/1.1 2"),
        Ok(Event::NeedData)
    ));
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

/// The 3xx's own buffer fed again (a caller that loops once more over what it read)
/// before the redirect is followed: `RedirectNotFollowed`, and nothing changes: the
/// history, the URL, the request, the proposal (still taken back from that buffer). Once
/// followed, the chain goes on as if the mistake never happened.
#[test]
fn the_3xx_fed_again_before_follow_is_not_followed_and_changes_nothing() {
    let mut f = new();
    let Ok(Event::Redirect(r)) = f.handle_response(REDIRECT) else {
        panic!("a redirect")
    };
    assert_eq!(r.number(), 1);
    let before = (
        f.history().len(),
        f.url().to_string(),
        f.redirects(),
        f.request().to_head(),
    );
    for _ in 0..3 {
        let e = f.handle_response(REDIRECT).unwrap_err();
        assert_eq!(e, Error::RedirectNotFollowed { status: 302 });
        assert_eq!(
            (e.code(), e.fault()),
            ("redirect_not_followed", Fault::Caller)
        );
        assert!(e.to_string().contains("302"), "{e}");
        let after = (
            f.history().len(),
            f.url().to_string(),
            f.redirects(),
            f.request().to_head(),
        );
        assert_eq!(after, before);
        assert!(!f.is_finished());
        assert_eq!(
            f.last_response(REDIRECT).map(|r| r.status()),
            Some(302),
            "the 3xx is still readable"
        );
        let r = f.pending_redirect(REDIRECT).expect("still proposed");
        assert_eq!((r.number(), r.response().status()), (1, 302));
    }
    // An empty feed is still a read with nothing in it.
    assert!(matches!(f.handle_response(b""), Ok(Event::NeedData)));
    let next = f
        .pending_redirect(REDIRECT)
        .expect("still proposed")
        .follow();
    assert_eq!(next.url().as_str(), "http://b.test/");
    assert!(f.pending_redirect(REDIRECT).is_none());
    assert!(f.last_response(REDIRECT).is_none(), "followed: no head yet");
    assert!(matches!(f.handle_response(FINAL), Ok(Event::Final(_))));
    assert_eq!(f.redirects(), 1);
    assert_eq!(f.url().as_str(), "http://b.test/");
}

/// A server that answers twice with the very same 3xx bytes, which the caller reads into
/// the same `Vec` (cleared, then filled again: the same address and length), is followed
/// twice: after `follow`, the bytes are the next response's.
#[test]
fn identical_3xx_bytes_in_the_same_buffer_are_followed_twice_after_follow() {
    let response = b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n";
    let mut f = new();
    let mut buf = Vec::with_capacity(256);
    buf.extend_from_slice(response);
    let at = buf.as_ptr();
    let Ok(Event::Redirect(r)) = f.handle_response(&buf) else {
        panic!("a redirect")
    };
    assert_eq!(r.follow().url().as_str(), "http://a.test/again");
    // The next response: the same bytes, in the same buffer.
    buf.clear();
    buf.extend_from_slice(response);
    assert_eq!((buf.as_ptr(), buf.len()), (at, response.len()));
    let Ok(Event::Redirect(r)) = f.handle_response(&buf) else {
        panic!("the second 302 is a redirect too")
    };
    assert_eq!(r.number(), 2);
    assert_eq!(r.from_url().as_str(), "http://a.test/again");
    assert_eq!(r.follow().url().as_str(), "http://a.test/again");
    assert_eq!(f.redirects(), 2);
    assert_eq!(f.history().len(), 2);
    // And a third time, fed a few bytes at a time into the same buffer.
    buf.clear();
    let mut event = None;
    for chunk in response.chunks(7) {
        buf.extend_from_slice(chunk);
        match f.handle_response(&buf) {
            Ok(Event::NeedData) => {}
            Ok(Event::Redirect(r)) => {
                event = Some(r.number());
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(event, Some(3));
    assert_eq!(buf.as_ptr(), at);
    // Not followed yet: the same bytes again are not the next response.
    assert_eq!(
        f.handle_response(&buf).unwrap_err(),
        Error::RedirectNotFollowed { status: 302 }
    );
    assert_eq!(f.redirects(), 3);
}

/// `last_response` and `pending_redirect` read only the very buffer that completed the
/// head: a copy with the same bytes (and length) is another buffer, `None`; the original
/// is read. Before the redirect is followed and after it is stopped alike.
#[test]
fn only_the_buffer_that_completed_the_head_reads_it_again() {
    let mut f = new();
    let mut original = Vec::with_capacity(256);
    original.extend_from_slice(REDIRECT);
    assert!(matches!(
        f.handle_response(&original),
        Ok(Event::Redirect(_))
    ));
    let copy = original.clone();
    assert_eq!(
        (copy.as_slice(), copy.len()),
        (original.as_slice(), original.len())
    );
    assert_ne!(copy.as_ptr(), original.as_ptr());
    assert!(f.last_response(&copy).is_none());
    assert!(f.pending_redirect(&copy).is_none());
    assert!(
        f.last_response(REDIRECT).is_none(),
        "the constant is a copy too"
    );
    assert_eq!(f.last_response(&original).map(|r| r.status()), Some(302));
    // The original, longer (body bytes read after the head, in place): still that buffer.
    let at = original.as_ptr();
    original.extend_from_slice(b"body");
    assert_eq!(original.as_ptr(), at);
    let r = f.pending_redirect(&original).expect("still proposed");
    assert_eq!(r.response().status(), 302);
    // The copy cannot stop it, the original can.
    let done = f
        .pending_redirect(&original)
        .expect("still proposed")
        .stop();
    assert_eq!(done.response().status(), 302);
    assert!(f.last_response(&copy).is_none());
    assert_eq!(f.last_response(&original).map(|r| r.status()), Some(302));

    // A final response: the same.
    let mut f = new();
    let original = FINAL.to_vec();
    assert!(matches!(f.handle_response(&original), Ok(Event::Final(_))));
    assert!(f.last_response(&original.clone()).is_none());
    assert_eq!(f.last_response(&original).map(|r| r.status()), Some(200));

    // A buffer that grew past its capacity moved: it is another buffer now.
    let mut f = new();
    let mut moving = Vec::with_capacity(REDIRECT.len());
    moving.extend_from_slice(REDIRECT);
    assert!(matches!(f.handle_response(&moving), Ok(Event::Redirect(_))));
    let at = moving.as_ptr();
    moving.reserve(1 << 20);
    if moving.as_ptr() != at {
        assert!(f.pending_redirect(&moving).is_none());
        assert!(f.last_response(&moving).is_none());
    }
}

/// A head given to `handle_head` while a redirect is proposed is refused like bytes:
/// `RedirectNotFollowed`, nothing changed, whichever way the redirect came.
#[test]
fn a_parsed_head_while_proposed_is_not_followed_either() {
    // The redirect as bytes, the next head parsed.
    let mut f = new();
    assert!(matches!(
        f.handle_response(REDIRECT),
        Ok(Event::Redirect(_))
    ));
    let e = f.handle_head(Version::Http11, 200, NO_FIELDS).unwrap_err();
    assert_eq!(e, Error::RedirectNotFollowed { status: 302 });
    assert_eq!(e.fault(), Fault::Caller);
    // Not even an interim head.
    assert_eq!(
        f.handle_head(Version::Http11, 100, NO_FIELDS).unwrap_err(),
        Error::RedirectNotFollowed { status: 302 }
    );
    assert_eq!(f.redirects(), 1);
    assert_eq!(f.last_response(REDIRECT).map(|r| r.status()), Some(302));
    f.pending_redirect(REDIRECT)
        .expect("still proposed")
        .follow();
    assert!(matches!(
        f.handle_head(Version::Http11, 200, NO_FIELDS),
        Ok(Event::Final(_))
    ));

    // The redirect parsed, the same head again parsed: refused, the handle still there
    // (a head given to `handle_head` ignores `buf`).
    let mut f = new();
    let Ok(Event::Redirect(r)) = f.handle_head(Version::Http11, 307, REDIRECT_FIELDS) else {
        panic!("a redirect")
    };
    assert_eq!(r.number(), 1);
    let e = f
        .handle_head(Version::Http11, 307, REDIRECT_FIELDS)
        .unwrap_err();
    assert_eq!(e, Error::RedirectNotFollowed { status: 307 });
    assert_eq!((f.redirects(), f.history().len()), (1, 1));
    assert_eq!(f.url().as_str(), "http://b.test/");
    let r = f.pending_redirect(&[]).expect("still proposed");
    assert_eq!(r.response().status(), 307);
    assert_eq!(r.follow().url().as_str(), "http://b.test/");
    // After follow, the same head is the next response: a second redirect.
    let Ok(Event::Redirect(r)) = f.handle_head(Version::Http11, 307, REDIRECT_FIELDS) else {
        panic!("the same head from the server is followed")
    };
    assert_eq!(r.number(), 2);
}
