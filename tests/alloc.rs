//! Heap allocations of one redirect hop, counted by a global allocator (DESIGN.md,
//! "Performance": zero allocations per hop other than the new URL's own string).
//!
//! This file is its own test binary, so the counting allocator sees only this test. The
//! counters are per thread and only run between `start()` and `stop()`, so the test
//! harness's other threads do not disturb them.
//!
//! A hop here is what the caller does when a redirect response arrives: feed the head to
//! `handle_response`, get `Event::Redirect`, take it with `Redirect::follow`, and write the
//! next request head it gives into its own buffer. The machine is built (`Follow::new`) before counting starts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use redirects::Event;

struct Counting;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    /// `alloc` and `alloc_zeroed`: new blocks.
    allocs: usize,
    /// `realloc`: a block grown or shrunk (the URL parser grows its string).
    reallocs: usize,
    /// `dealloc`.
    frees: usize,
}

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static COUNTS: Cell<Counts> = const {
        Cell::new(Counts { allocs: 0, reallocs: 0, frees: 0 })
    };
    /// Bytes allocated less bytes freed while counting.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The largest block asked for (new or grown) while counting, in bytes.
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn bump(f: impl FnOnce(&mut Counts)) {
    // `try_with`: the allocator also runs while thread-locals are torn down.
    let _ = ON.try_with(|on| {
        if on.get() {
            let _ = COUNTS.try_with(|c| {
                let mut v = c.get();
                f(&mut v);
                c.set(v);
            });
        }
    });
}

fn live(delta: isize) {
    let _ = ON.try_with(|on| {
        if on.get() {
            let _ = LIVE.try_with(|l| l.set(l.get() + delta));
        }
    });
}

fn largest(size: usize) {
    let _ = ON.try_with(|on| {
        if on.get() {
            let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump(|c| c.allocs += 1);
        live(layout.size() as isize);
        largest(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump(|c| c.allocs += 1);
        live(layout.size() as isize);
        largest(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump(|c| c.reallocs += 1);
        live(new_size as isize - layout.size() as isize);
        largest(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        bump(|c| c.frees += 1);
        live(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn start() {
    COUNTS.with(|c| c.set(Counts::default()));
    ON.with(|on| on.set(true));
}

fn stop() -> Counts {
    ON.with(|on| on.set(false));
    COUNTS.with(|c| c.get())
}

// The benchmarks' responses, first request, floor and machine hops (the part of
// `benches/common` that needs neither criterion nor ureq-proto), so that the counts here and
// the instruction counts there are about the same hops.
#[path = "../benches/common/inputs.rs"]
mod common;
use common::{RESPONSES, large, machine_start as machine};

/// One hop, the head fed in `chunk`-byte pieces; returns what was allocated during it.
fn hop(resp: &[u8], chunk: usize) -> (Counts, String) {
    hop_with(machine(), resp, chunk)
}

fn hop_with(mut follow: redirects::Follow, resp: &[u8], chunk: usize) -> (Counts, String) {
    let mut out = [0u8; 4096];
    let mut end = chunk.min(resp.len());
    start();
    let n = loop {
        match follow.handle_response(&resp[..end]) {
            Ok(Event::NeedData) => end = (end + chunk).min(resp.len()),
            Ok(Event::Redirect(r)) => break r.follow().write_head(&mut out),
            Ok(Event::Final(_)) => break Ok(usize::MAX),
            Err(_) => break Ok(usize::MAX - 1),
        }
    };
    let counts = stop();
    let n = n.expect("4 KiB is enough");
    assert!(n < out.len(), "the response was not followed");
    (counts, String::from_utf8_lossy(&out[..n]).into_owned())
}

/// The floor's allocations for the same hop: `httparse` and reading the framing (none) +
/// `Url::join` (the new URL: the WHATWG parser allocates its string with the length of the
/// input as capacity and grows it when a relative reference needs the base's parts) +
/// writing the head (none).
fn floor(resp: &[u8]) -> Counts {
    let base = common::floor_base();
    let lines = common::floor_lines();
    let mut out = [0u8; 4096];
    start();
    let next = common::floor_hop(&base, &lines, resp, &mut out);
    let counts = stop();
    drop(next);
    counts
}

/// The floor compared with here (and in `benches/`) does the machine's work: the same next
/// head byte for byte, the same framing read out of the redirect.
#[test]
fn floor_writes_the_machine_s_head() {
    common::check_floor_matches_machine();
}

/// What one hop allocates, for every response and every way of feeding it: exactly one new
/// block, the new URL's serialization, nothing grown, nothing freed. The floor's
/// `Url::join` grows its string twice for the small response's relative `Location` (the
/// parser starts it as long as the `Location`); the machine resolves a path-absolute
/// `Location` on a copy of the base URL, already long enough here. The one exception is
/// `large`, an https response with `Strict-Transport-Security`: under `fetch` the chain
/// learns its host (one more block: the learned hosts' buffer, the host's name in it),
/// which the floor does not do; [`hsts_learning_is_the_only_allocation_beyond_the_floor`]
/// checks that without it the hop allocates no more than the floor.
#[test]
fn one_hop_allocates_only_the_new_url() {
    // (response, exact allocations of one hop)
    let url_and_hsts = Counts {
        allocs: 2,
        ..URL_ONLY
    };
    let expected = [
        ("small", URL_ONLY),
        ("typical", URL_ONLY),
        ("large", url_and_hsts),
    ];
    for ((name, make), (name2, want)) in RESPONSES.into_iter().zip(expected) {
        assert_eq!(name, name2);
        let resp = make();
        let (whole, head) = hop(&resp, resp.len());
        println!(
            "{name} ({} bytes): {whole:?}, floor {:?}",
            resp.len(),
            floor(&resp)
        );
        assert!(head.starts_with("GET /"), "{name}: {head}");
        assert_eq!(
            whole, want,
            "{name}: allocations of one hop (head fed whole)"
        );
        if name != "large" {
            assert!(
                no_more(whole, floor(&resp)),
                "{name}: the machine allocates more than the floor ({whole:?} against {:?})",
                floor(&resp)
            );
        }
        for chunk in [64, 1] {
            let (counts, h) = hop(&resp, chunk);
            assert_eq!(h, head, "{name}: chunk {chunk} writes another head");
            assert_eq!(counts, want, "{name}: allocations with {chunk}-byte pieces");
        }
    }
}

/// What a hop allocates: the new URL's string, one block, not grown, nothing freed.
const URL_ONLY: Counts = Counts {
    allocs: 1,
    reallocs: 0,
    frees: 0,
};

/// Whether `a` allocates, grows and frees no more blocks than `b`.
fn no_more(a: Counts, b: Counts) -> bool {
    a.allocs <= b.allocs && a.reallocs <= b.reallocs && a.frees <= b.frees
}

/// The floor's `Url::join` grows the new URL's string where the machine's hop does not:
/// the small response's path-absolute `Location` against the first URL, twice.
#[test]
fn the_floor_grows_a_relative_url_twice() {
    let small = RESPONSES[0].1();
    let grown_twice = Counts {
        reallocs: 2,
        ..URL_ONLY
    };
    assert_eq!(floor(&small), grown_twice);
}

/// Every hop of a chain as long as the default limit allows (twenty redirects under
/// `fetch`) allocates only the new URL's string: the history's room is reserved when the
/// machine is built, not grown on the way.
#[test]
fn every_hop_of_a_default_length_chain_allocates_only_the_new_url() {
    let policy = redirects::Policy::fetch();
    let max = policy.max_redirects();
    assert_eq!(max, 20);
    let first = redirects::Request::get("http://a.test/0").unwrap();
    let mut follow = redirects::Follow::new(first, policy).unwrap();
    let mut out = vec![0u8; 4096];
    for n in 1..=max {
        // A location as long as its URL will be, so the parser's string never grows.
        let resp = format!(
            "HTTP/1.1 302 Found\r\nLocation: http://a.test/{n:04}\r\nContent-Length: 0\r\n\r\n"
        );
        start();
        let written = match follow.handle_response(resp.as_bytes()) {
            Ok(Event::Redirect(hop)) => hop.follow().write_head(&mut out).unwrap(),
            other => panic!("hop {n}: {other:?}"),
        };
        let counts = stop();
        assert!(written > 0);
        assert_eq!(
            (counts.allocs, counts.reallocs),
            (1, 0),
            "hop {n}: allocations beyond the new URL's string"
        );
    }
}

/// With HSTS learning off, every hop allocates the new URL's string alone, no more than
/// the floor does.
#[test]
fn hsts_learning_is_the_only_allocation_beyond_the_floor() {
    for (name, make) in RESPONSES {
        let resp = make();
        let policy = redirects::Policy::fetch().with_learn_hsts(false);
        let follow = redirects::Follow::new(common::machine_request(), policy).unwrap();
        let (counts, _) = hop_with(follow, &resp, resp.len());
        assert_eq!(counts, URL_ONLY, "{name}: beyond the new URL");
        assert!(no_more(counts, floor(&resp)), "{name}: beyond the floor");
    }
}

/// Feeding a head that is not complete yet allocates nothing.
#[test]
fn need_data_allocates_nothing() {
    let resp = large();
    let mut follow = machine();
    start();
    for end in 1..resp.len() {
        assert!(matches!(
            follow.handle_response(&resp[..end]),
            Ok(Event::NeedData)
        ));
    }
    assert_eq!(stop(), Counts::default());
}

/// Writing the head again (for a retry on a new connection) allocates nothing.
#[test]
fn write_head_allocates_nothing() {
    let follow = machine();
    let mut out = [0u8; 1024];
    start();
    let n = follow.request().write_head(&mut out).unwrap();
    let too_small = follow.request().write_head(&mut out[..10]);
    assert_eq!(stop(), Counts::default());
    assert!(n > 0 && too_small.is_err());
}

/// A head given to `handle_head` is copied only up to the policy's head size: a field
/// far past it is refused before a byte of it is copied (firmware heaps are small).
#[test]
fn a_parsed_head_is_copied_only_up_to_the_head_limit() {
    let policy = redirects::Policy::fetch().with_max_head_size(1024).unwrap();
    let request = redirects::Request::get("http://a.test/").unwrap();
    let mut follow = redirects::Follow::new(request, policy).unwrap();
    let huge = vec![b'v'; 1 << 20];
    let _ = LARGEST.try_with(|l| l.set(0));
    start();
    let got = follow
        .handle_head(
            redirects::Version::Http11,
            200,
            [(&b"a"[..], &b"1"[..]), (&b"x"[..], &huge[..])],
        )
        .map(|_| ());
    stop();
    let largest = LARGEST.with(Cell::get);
    assert_eq!(got, Err(redirects::Error::HeadTooLarge { limit: 1024 }));
    assert!(largest <= 1024, "a block of {largest} bytes was asked for");
}

/// A long chain keeps per hop only what the chain record needs (the history entry and its
/// URL), however many hops are behind it: here every hop is an `https` response with
/// `Strict-Transport-Security` from another host of 1,000 bytes, which the chain learns
/// (unbounded, 4k such hosts would keep 16 MB). The learned hosts are bounded
/// (`Policy::with_max_learned_hsts_hosts`), so the memory kept per hop stays that of one
/// URL, from hop 100 to hop 600 as from the start.
#[test]
fn a_long_chain_of_hsts_hosts_keeps_flat_memory_per_hop() {
    let policy = redirects::Policy::fetch().with_max_redirects(10_000);
    let host = |i: usize| format!("h{i}-{}.test", "x".repeat(990));
    let first = redirects::Request::get(&format!("https://{}/", host(0))).unwrap();
    let mut follow = redirects::Follow::new(first, policy).unwrap();
    let mut live_at = Vec::new();
    LIVE.with(|l| l.set(0));
    for i in 1..=600 {
        // The response bytes are the caller's: made while not counting.
        let resp = format!(
            "HTTP/1.1 302 Found\r\nStrict-Transport-Security: max-age=100\r\nLocation: https://{}/\r\nContent-Length: 0\r\n\r\n",
            host(i)
        );
        start();
        let followed = match follow.handle_response(resp.as_bytes()) {
            Ok(Event::Redirect(r)) => {
                r.follow();
                true
            }
            _ => false,
        };
        stop();
        assert!(followed, "hop {i} was not followed");
        if i == 100 || i == 600 {
            live_at.push(LIVE.with(|l| l.get()));
        }
    }
    let per_hop = (live_at[1] - live_at[0]) / 500;
    // One URL (`https://` + 1,000 bytes + `/`) and its history entry, with the string's
    // spare capacity: well under twice the host.
    let url = 8 + host(1).len() + 1;
    assert!(
        per_hop < (url + url / 2) as isize,
        "{per_hop} bytes kept per hop for a {url}-byte URL"
    );
    // The first hosts were forgotten, the last ones are known (each response taught its
    // own host: the newest learned is host 599's): a redirect to http:// on it is
    // upgraded, one to the first host learned is not.
    for (i, upgraded) in [(599, true), (1, false)] {
        let resp = format!(
            "HTTP/1.1 302 Found\r\nLocation: http://{}/x\r\n\r\n",
            host(i)
        );
        let Ok(Event::Redirect(r)) = follow.handle_response(resp.as_bytes()) else {
            panic!("not followed");
        };
        assert_eq!(r.hsts_upgrade().is_some(), upgraded, "host {i}");
        r.follow();
    }
}

/// Bytes kept (allocated less freed) by hops `from + 1 ..= to` of a same-origin chain
/// (`http://a.test/000001`, `/000002`, ...), the caller calling `edit` on every proposed redirect,
/// and the machine's allocations on hop `from` and on hop `to`.
fn chain_kept(
    from: usize,
    to: usize,
    mut edit: impl FnMut(&mut redirects::Redirect<'_>),
) -> (isize, Counts, Counts) {
    let policy = redirects::Policy::fetch().with_max_redirects(100_000);
    let first = redirects::Request::get("http://a.test/0").unwrap();
    let mut follow = redirects::Follow::new(first, policy).unwrap();
    let (mut live_from, mut at_from, mut at_to) = (0, Counts::default(), Counts::default());
    LIVE.with(|l| l.set(0));
    for i in 1..=to {
        // Every URL as long as the one before, so that each hop's copy of it is one block
        // of the same size.
        let resp = format!("HTTP/1.1 302 Found\r\nLocation: /{i:06}\r\nContent-Length: 0\r\n\r\n");
        start();
        match follow.handle_response(resp.as_bytes()) {
            Ok(Event::Redirect(mut r)) => {
                edit(&mut r);
                r.follow();
            }
            other => panic!("hop {i} was not followed: {other:?}"),
        }
        let counts = stop();
        if i == from {
            live_from = LIVE.with(Cell::get);
            at_from = counts;
        }
        if i == to {
            at_to = counts;
        }
    }
    (LIVE.with(Cell::get) - live_from, at_from, at_to)
}

/// The docs' own example, a caller that sets the `Cookie` its jar holds for each new URL
/// with `Redirect::set_header`, on every hop of a long chain with a 4 KiB cookie: what an
/// earlier hop's field leaves behind is what `removed_headers` may still report of it (its
/// name, once for the whole run of such hops), so the chain keeps per hop no more than a
/// chain without the edit (its history entry and URL), and each hop allocates the same at
/// hop 600 as at hop 100. Two headers edited on every hop keep no more either.
#[test]
fn a_header_set_on_every_hop_keeps_flat_memory_per_hop() {
    let cookie = "c=".to_owned() + &"x".repeat(4094);
    let (plain, _, _) = chain_kept(100, 600, |_| {});
    let (edited, at_100, at_600) = chain_kept(100, 600, |r| {
        r.set_header("Cookie", &cookie).unwrap();
    });
    let per_hop = (edited - plain) / 500;
    println!(
        "500 hops keep {plain} bytes, {edited} with the edit; hop 100 {at_100:?}, hop 600 {at_600:?}"
    );
    assert!(
        per_hop <= 8,
        "{per_hop} bytes kept per hop beyond the chain's own ({edited} against {plain} over 500 hops)"
    );
    assert_eq!(at_100, at_600, "a hop late in the chain allocates more");
    // Two headers edited on every hop: the same.
    let (edited, _, _) = chain_kept(100, 600, |r| {
        r.set_header("Cookie", &cookie).unwrap();
        r.set_header("Authorization", "Bearer t0k3n").unwrap();
    });
    let per_hop = (edited - plain) / 500;
    assert!(per_hop <= 8, "{per_hop} bytes kept per hop with two edits");
    // What is reported stays: once the caller stops sending it, every earlier `Cookie`
    // (each replaced on the next hop) is reported with its redirect.
    let policy = redirects::Policy::fetch().with_max_redirects(100);
    let mut follow =
        redirects::Follow::new(redirects::Request::get("http://a.test/0").unwrap(), policy)
            .unwrap();
    for i in 1..=5 {
        let resp = format!("HTTP/1.1 302 Found\r\nLocation: /{i}\r\n\r\n");
        let Ok(Event::Redirect(mut r)) = follow.handle_response(resp.as_bytes()) else {
            panic!("hop {i} was not followed");
        };
        if i < 5 {
            r.set_header("Cookie", format!("n={i}")).unwrap();
            r.follow();
        } else {
            assert_eq!(r.remove_header("cookie"), 1);
            let removed: Vec<_> = r
                .removed_headers()
                .map(|h| (h.name, h.reason, h.redirect, h.earlier))
                .collect();
            let caller = redirects::RemovalReason::Caller;
            assert_eq!(
                removed,
                [
                    ("Cookie", caller, 2, true),
                    ("Cookie", caller, 3, true),
                    ("Cookie", caller, 4, true),
                    ("Cookie", caller, 5, false),
                ]
            );
        }
    }
}

/// Appending many headers to one proposed request costs each append an amortised constant:
/// the fields and their lines grow as vectors do (a few reallocations in all, none per
/// append), and the head written at the end has every one of them.
#[test]
fn appends_on_one_handle_grow_as_a_vector() {
    let mut follow = machine();
    let resp = common::small();
    let Ok(Event::Redirect(mut r)) = follow.handle_response(&resp) else {
        panic!("not followed");
    };
    let names: Vec<String> = (0..16_000).map(|i| format!("X-N{i}")).collect();
    start();
    for name in &names {
        r.append_header(name, "v").unwrap();
    }
    let counts = stop();
    println!("16,000 appends: {counts:?}");
    assert!(
        counts.allocs + counts.reallocs <= 64 && counts.frees == 0,
        "16,000 appends: {counts:?}"
    );
    let head = r.request().to_head();
    let lines = head.split(|&b| b == b'\n').count();
    // The request line, Host, the four headers, the appended ones, the empty line, "".
    assert_eq!(lines, 1 + 1 + 4 + 16_000 + 2);
    assert!(head.ends_with(b"X-N15999: v\r\n\r\n"));
}
