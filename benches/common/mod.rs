//! What the hop benchmarks share: the inputs, the floor and the machine (`inputs.rs`, also
//! used by `tests/alloc.rs`), and here the third contender, ureq-proto, and the self-check
//! that all three do the same work.
//!
//! Used by `benches/hop.rs` (criterion, wall time) and `benches/instr.rs` (fixed iteration
//! count for callgrind).

#![allow(dead_code)]

use std::hint::black_box;

use ureq_proto::client::state::{RecvResponse, SendRequest};
use ureq_proto::client::{Call, RecvResponseResult, RedirectAuthHeaders, SendRequestResult};

mod inputs;
pub use inputs::*;

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

/// Checks that the three contenders agree on the next request line and Host, so that the
/// benchmarks compare the same work. Panics otherwise.
pub fn self_check() {
    for (name, make) in RESPONSES {
        let resp = make();
        let mut a = [0u8; OUT_LEN];
        let mut b = [0u8; OUT_LEN];
        let mut c = [0u8; OUT_LEN];
        let (url, na) = floor_hop(&floor_base(), &floor_headers(), &resp, &mut a);
        let mut m = machine_start();
        let nb = machine_hop(&mut m, &resp, &mut b);
        assert_eq!(
            m.url(),
            &url,
            "{name}: machine and floor resolve differently"
        );
        let (_, _, nc) = ureq_hop(ureq_start(), &resp, &mut c);
        let first = |x: &[u8]| {
            let s = String::from_utf8_lossy(x).to_string();
            let mut lines: Vec<String> = s.lines().map(|l| l.to_ascii_lowercase()).collect();
            lines.sort();
            lines
        };
        assert_eq!(
            first(&a[..na]),
            first(&b[..nb]),
            "{name}: floor vs machine head"
        );
        let ureq_lines = first(&c[..nc]);
        let floor_lines = first(&a[..na]);
        assert!(
            floor_lines.iter().all(|l| ureq_lines.contains(l)),
            "{name}: ureq-proto head differs:\n{ureq_lines:?}\nvs\n{floor_lines:?}"
        );
        for chunk in [1, 64] {
            let mut m2 = machine_start();
            let n2 = machine_hop_chunked(&mut m2, &resp, chunk, &mut c);
            assert_eq!(
                &c[..n2],
                &b[..nb],
                "{name}: chunk {chunk} differs from whole"
            );
        }
    }
}
