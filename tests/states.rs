//! The calling contract. One test row per row of the state table in the crate docs ("The
//! states"): each drives the machine into a state, makes the call, and checks the answer
//! and the state after it through what the public API shows of it. Then the caller's side
//! of it: errors that leave the machine where it was, a chain that refuses input once
//! finished, a shrinking buffer, and the decisions on a proposed redirect (`stop`,
//! `refuse`), offered only until the next response starts.

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

    // proposed: bytes of the next response -> as reading.
    let a = answer(f.handle_response(FINAL));
    row(
        "proposed/bytes",
        (a, seen(&mut f, FINAL)),
        ("Final 200", Seen::Ended(true)),
    );
    let mut f = new();
    let _ = f.handle_response(REDIRECT).unwrap();
    let a = answer(f.handle_response(&FINAL[..5]));
    row(
        "proposed/partial",
        (a, seen(&mut f, REDIRECT)),
        ("NeedData", Seen::Reading),
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
    // proposed: a parsed head of the next response -> as reading.
    let a = answer(f.handle_head(Version::Http2, 200, NO_FIELDS));
    row(
        "proposed/parsed",
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
    // An empty read keeps the decision open.
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
