//! Memory per `Follow` instance for the capacities firmware can choose (README,
//! "Firmware"): `cargo run --release --example memory` in tests/no_std (check.sh runs it).
//!
//! The crate as the no_std check builds it (`default-features = false`, the same lockfile),
//! in an ordinary `std` program whose global allocator counts the bytes asked for (not the
//! allocator's own overhead per block: the live blocks are printed for that). For each
//! `max_header_fields` and `max_redirects`, one chain runs from scratch:
//!
//! - the first request is a GET of `http://device.example/hop/0` with two headers
//!   (`Accept: application/json`, `Authorization: Bearer 0123456789abcdef`);
//! - `new`: the heap held once `Follow::new` returns, the policy and request it took
//!   included;
//! - then `max_redirects` same-origin `302`s to `/hop/1`, `/hop/2`, ... and a final `200`,
//!   each head with exactly `max_header_fields` fields (the most the policy takes), fed
//!   whole;
//! - `peak`: the most held at any time during the chain; `end`: held after the final
//!   response (every redirect in the history), and in how many blocks.
//!
//! Dropping the machine must give every byte back (checked).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use redirects::{Event, Follow, HistoryEntry, Method, Policy, Request, Url};

struct Counting;

/// Bytes and blocks held now, and the most bytes held since the last `reset`.
static BYTES: AtomicUsize = AtomicUsize::new(0);
static BLOCKS: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = BYTES.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is passed on to `System` unchanged; only the counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            BLOCKS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            BLOCKS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            BYTES.fetch_sub(layout.size(), Relaxed);
            grew(new_size);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        BLOCKS.fetch_sub(1, Relaxed);
        BYTES.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// (bytes, blocks) held now.
fn held() -> (usize, usize) {
    (BYTES.load(Relaxed), BLOCKS.load(Relaxed))
}

/// A response head with exactly `fields` fields, `Location` first if given.
fn head(status: &str, location: Option<&str>, fields: usize) -> Vec<u8> {
    let mut h = format!("HTTP/1.1 {status}\r\n");
    let mut n = 0;
    if let Some(l) = location {
        h += &format!("Location: {l}\r\n");
        n += 1;
    }
    h += "Content-Length: 0\r\n";
    n += 1;
    for i in n..fields {
        h += &format!("X-Field-{i}: {i}\r\n");
    }
    h += "\r\n";
    h.into_bytes()
}

struct Row {
    new: (usize, usize),
    peak: usize,
    end: (usize, usize),
}

fn chain(fields: usize, redirects: u32) -> Row {
    // The heads are the peer's bytes, in the caller's buffers: made before counting.
    let heads: Vec<Vec<u8>> = (1..=redirects)
        .map(|i| head("302 Found", Some(&format!("/hop/{i}")), fields))
        .collect();
    let last = head("200 OK", None, fields);

    let (base, base_blocks) = held();
    PEAK.store(base, Relaxed);
    let policy = Policy::fetch()
        .with_max_header_fields(fields)
        .expect("a valid limit")
        .with_max_redirects(redirects);
    let request = Request::new(Method::Get, "http://device.example/hop/0")
        .and_then(|r| r.header("Accept", "application/json"))
        .and_then(|r| r.header("Authorization", "Bearer 0123456789abcdef"))
        .expect("a valid request");
    let mut follow = Follow::new(request, policy).expect("a valid chain");
    let (bytes, blocks) = held();
    let new = (bytes - base, blocks - base_blocks);

    for h in &heads {
        match follow.handle_response(h) {
            Ok(Event::Redirect(hop)) => {
                hop.follow();
            }
            other => panic!("expected a redirect, got {other:?}"),
        }
    }
    match follow.handle_response(&last) {
        Ok(Event::Final(done)) => assert_eq!(done.redirects(), redirects),
        other => panic!("expected the final response, got {other:?}"),
    }
    let (bytes, blocks) = held();
    let end = (bytes - base, blocks - base_blocks);
    let peak = PEAK.load(Relaxed) - base;
    drop(follow);
    assert_eq!(
        held(),
        (base, base_blocks),
        "the machine gave back every byte"
    );
    Row { new, peak, end }
}

fn main() {
    println!(
        "size_of: Follow {}, HistoryEntry {}, Url {} bytes",
        size_of::<Follow>(),
        size_of::<HistoryEntry>(),
        size_of::<Url>()
    );
    println!("heap per instance, bytes asked for (blocks):");
    println!("max_header_fields  max_redirects        new     peak    end (after the chain)");
    for fields in [16, 64, 256] {
        for redirects in [5, 20] {
            let Row { new, peak, end } = chain(fields, redirects);
            println!(
                "{fields:>17}  {redirects:>13}  {:>5} ({:>2})  {peak:>7}  {:>5} ({:>2})",
                new.0, new.1, end.0, end.1
            );
        }
    }
}
