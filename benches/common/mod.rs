//! What the hop benchmarks share: the inputs, the floor and the machine (`inputs.rs`, also
//! used by `tests/alloc.rs`), and here the third contender, ureq-proto, and the self-check
//! that all three do the same work.
//!
//! Used by `benches/hop.rs` (criterion, wall time) and `benches/instr.rs` (fixed iteration
//! count for callgrind). `two_hops.rs` is the 2-hop chain the tower layers run through
//! (`benches/tower.rs` and `benches/instr.rs`).

#![allow(dead_code)]

use std::hint::black_box;

use redirects::{Event, Follow};

use ureq_proto::client::state::{RecvResponse, SendRequest};
use ureq_proto::client::{Call, RecvResponseResult, RedirectAuthHeaders, SendRequestResult};

mod inputs;
pub use inputs::*;

pub mod two_hops;

// ------------------------------------------------------------------------------- ureq-proto

pub type UreqStart = Call<RecvResponse>;

/// ureq-proto before the response arrives: the first request written, waiting for the
/// response. Built per hop (a `Call` is not `Clone`).
pub fn ureq_start() -> UreqStart {
    let mut b = ureq_proto::http::Request::get(START_URL);
    for (n, v) in REQUEST_HEADERS {
        b = b.header(n, v);
    }
    let call = Call::new(b.body(()).unwrap()).unwrap();
    let mut call = call.proceed();
    let mut scratch = [0u8; OUT_LEN];
    let n = call.write(&mut scratch).unwrap();
    black_box(n);
    match call.proceed() {
        Ok(Some(SendRequestResult::RecvResponse(c))) => c,
        _ => panic!("a GET goes straight to RecvResponse"),
    }
}

/// What a ureq-proto hop leaves behind (dropped outside the measured part).
pub type UreqOut = (Call<SendRequest>, ureq_proto::http::Response<()>, usize);

/// One hop with ureq-proto: `try_response` with the whole head, `proceed` to `Redirect`,
/// `as_new_call`, `proceed` to `SendRequest`, `write` the next head.
#[inline(never)]
pub fn ureq_hop(mut call: UreqStart, resp: &[u8], out: &mut [u8]) -> UreqOut {
    let (_used, response) = call.try_response(resp, false).unwrap();
    let response = response.expect("complete head");
    ureq_after_response(call, response, out)
}

fn ureq_after_response(
    call: UreqStart,
    response: ureq_proto::http::Response<()>,
    out: &mut [u8],
) -> UreqOut {
    let mut redirect = match call.proceed() {
        Some(RecvResponseResult::Redirect(r)) => r,
        _ => panic!("expected ureq-proto to see a redirect"),
    };
    let prepare = redirect
        .as_new_call(RedirectAuthHeaders::Never)
        .unwrap()
        .expect("GET is followed");
    let mut send = prepare.proceed();
    let n = send.write(out).unwrap();
    (send, response, n)
}

/// The same hop with ureq-proto, the head fed in `chunk`-byte pieces (it re-parses from
/// the start each time: it has no incremental mode).
#[inline(never)]
pub fn ureq_hop_chunked(mut call: UreqStart, resp: &[u8], chunk: usize, out: &mut [u8]) -> UreqOut {
    let mut end = chunk.min(resp.len());
    loop {
        let (_used, response) = call.try_response(&resp[..end], false).unwrap();
        if let Some(response) = response {
            return ureq_after_response(call, response, out);
        }
        assert!(end < resp.len(), "head incomplete at the end of the bytes");
        end = (end + chunk).min(resp.len());
    }
}

/// Checks that the three contenders do the same work, so that the benchmarks compare like
/// with like: the floor and the machine write the same head and read the same framing
/// ([`check_floor_matches_machine`]), and ureq-proto's head has every line of theirs (it
/// adds its own headers). Panics otherwise.
pub fn self_check() {
    check_floor_matches_machine();
    let lines = floor_lines();
    for (name, make) in RESPONSES {
        let resp = make();
        let mut a = [0u8; OUT_LEN];
        let mut c = [0u8; OUT_LEN];
        let floor = floor_hop(&floor_base(), &lines, &resp, &mut a);
        let (_, _, nc) = ureq_hop(ureq_start(), &resp, &mut c);
        let sorted_lines = |x: &[u8]| {
            let mut lines: Vec<String> = String::from_utf8_lossy(x)
                .lines()
                .map(|l| l.to_ascii_lowercase())
                .collect();
            lines.sort();
            lines
        };
        let ureq_lines = sorted_lines(&c[..nc]);
        let floor_lines = sorted_lines(&a[..floor.written]);
        assert!(
            floor_lines.iter().all(|l| ureq_lines.contains(l)),
            "{name}: ureq-proto head differs:\n{ureq_lines:?}\nvs\n{floor_lines:?}"
        );
    }
}

// The `http` side of the parsed-head benchmarks (here rather than in inputs.rs, which
// tests/alloc.rs also builds, with or without the `http` feature).

/// The same head as `http` types, as hyper hands it over.
pub fn http_parts(head: &ParsedHead) -> http::response::Parts {
    let mut res = http::Response::builder().status(head.status);
    for (n, v) in &head.fields {
        res = res.header(n.as_str(), v.as_slice());
    }
    res.body(()).unwrap().into_parts().0
}

/// One hop through `Follow::handle_http_parts` (feature `http`).
#[inline(never)]
pub fn machine_hop_http(
    follow: &mut Follow,
    parts: &http::response::Parts,
    out: &mut [u8],
) -> usize {
    match follow.handle_http_parts(parts) {
        Ok(Event::Redirect(hop)) => hop.follow().write_head(out).unwrap(),
        other => panic!("expected a redirect, got {other:?}"),
    }
}
