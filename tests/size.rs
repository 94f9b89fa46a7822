//! The machine's size is bounded (DESIGN.md, "Never" and "Performance"). These bounds are
//! the measured sizes on 64-bit targets rounded up a little (exact for the event views); a change that grows a type past
//! its bound must update the documented figure (the `Follow` docs) as well as this test.
//!
//! Heap memory comes on top: the spans of the last response head's fields (16 bytes each,
//! 64 reserved up front, at most `Policy::max_header_fields`), the request headers, one
//! `HistoryEntry` (status + URL) per redirect followed, bounded by the policy's limit.

use core::mem::size_of;

use redirects::{
    Error, Event, Final, Follow, OutgoingRequest, Policy, Redirect, Request, Response,
};

/// (name, measured size, bound). Measured on x86_64 at the time of writing: Follow 920
/// (the address of the buffer that completed the last head 8, so that `last_response`
/// reads only that buffer; the response field spans live on the heap, sized by the policy's field limit; the
/// chain's headers (the buffer of their lines, the fields, the caller fields removed on
/// earlier redirects, where the sent lines are and what the rules read of them) with the
/// referrer, the request's origin and what taking a redirect back restores, the learned
/// HSTS hosts and the chain's address space; the head's meaning, with where the response's
/// `Referrer-Policy` fields and first `Strict-Transport-Security` value are, which cannot
/// share its padding with the head's flags; the buffer of a head given to `handle_head` 24:
/// two are URLs), Event 32, Redirect 24, Final 24, Response 24, OutgoingRequest 64, Request
/// 208 (the headers as the machine takes them over: the buffer of their lines and the
/// fields; the boxed request origin of `Request::origin` 8),
/// Policy 144 (the allowed schemes as two flags for `http` and `https` and a list of any
/// others: it was 272 with room for eight names of 16 bytes inline), Error 32.
fn sizes() -> Vec<(&'static str, usize, usize)> {
    vec![
        ("Follow", size_of::<Follow>(), 960),
        ("Event", size_of::<Event<'static>>(), 32),
        ("Redirect", size_of::<Redirect<'static>>(), 24),
        ("Final", size_of::<Final<'static>>(), 24),
        ("Response", size_of::<Response<'static>>(), 24),
        ("OutgoingRequest", size_of::<OutgoingRequest<'static>>(), 80),
        ("Request", size_of::<Request>(), 208),
        ("Policy", size_of::<Policy>(), 160),
        ("Error", size_of::<Error>(), 32),
    ]
}

/// The figure the `Follow` docs give is the real one (regression: the docs said 2,264
/// while the type had changed).
#[test]
#[cfg(all(target_pointer_width = "64", target_arch = "x86_64"))]
fn documented_size_is_the_real_size() {
    let docs = include_str!("../src/machine.rs");
    let marker = "`size_of::<Follow>()` is ";
    let at = docs.find(marker).expect("the Follow docs state its size") + marker.len();
    let figure: String = docs[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    assert_eq!(
        figure.parse::<usize>().ok(),
        Some(size_of::<Follow>()),
        "update the size in the `Follow` docs (src/machine.rs)"
    );
}

#[test]
#[cfg(target_pointer_width = "64")]
fn sizes_are_bounded() {
    let mut over = Vec::new();
    for (name, size, bound) in sizes() {
        println!("size_of::<{name}>() = {size} (bound {bound})");
        if size > bound {
            over.push(format!("{name}: {size} > {bound}"));
        }
    }
    assert!(
        over.is_empty(),
        "types grew past their documented bounds: {over:?}"
    );
}

/// The events are views (references into the machine and the caller's buffer), never
/// copies of the head.
#[test]
fn events_are_views() {
    let two_words = 2 * size_of::<usize>() + size_of::<&[u8]>();
    assert!(size_of::<Redirect<'static>>() <= two_words);
    assert!(size_of::<Event<'static>>() <= two_words + size_of::<usize>());
}
