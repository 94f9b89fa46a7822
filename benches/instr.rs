//! Fixed-iteration driver for instruction counts (run it under callgrind; see
//! `benches/instructions.sh`).
//!
//! ```text
//! instr CASE [N]      run N (default 1000) hops of CASE
//! instr --list        print the case names
//! ```
//!
//! CASE is `floor-<response>`, `machine-<response>` or `ureq-<response>` (one hop; response:
//! `small`, `typical`, `large`), `chain-floor-<response>` or `chain-machine-<response>` (a
//! whole chain: the first request built, one redirect, the final response, the machine
//! dropped), or `feed-whole`, `feed-chunk64`, `feed-byte` (the machine fed the large head
//! whole, in 64-byte pieces, one byte at a time), or `ureq-byte`, or `parsed-<response>`
//! (the hop through `Follow::handle_head`, the head parsed beforehand), `http-<response>`
//! (the same through `Follow::handle_http_parts`, the head as `http` types) and
//! `parse-<response>` (the `httparse` parse alone), or `tower-ours`, `tower-http06`,
//! `tower-http07` (one request through the 2-hop chain of `benches/common/two_hops.rs`
//! with `redirects-tower`, tower-http 0.6 or tower-http 0.7: the request built, the
//! layer's future driven to the final response, the response dropped; the layered service
//! is built once, outside), or `direct-ours`, `direct-http06`, `direct-http07`,
//! `direct-bare` (the same request sent to `/end`, no redirect, through each layer or the
//! service alone).
//!
//! Each hop or chain runs inside `measured`, which is never inlined: callgrind's
//! `--toggle-collect='*measured*'` then counts exactly that, not building the machines
//! before a hop nor dropping what the hop returns (a chain builds and drops everything
//! inside). Without a case (as `cargo bench` runs it, with `--bench`), it checks that every
//! case runs once and exits.

use std::hint::black_box;

mod common;
use common::two_hops::{
    TwoHops, check_two_hops, one_direct_request, one_request, ours, tower_http_06, tower_http_07,
};
use common::*;

#[inline(never)]
fn measured<R>(f: impl FnOnce() -> R) -> R {
    f()
}

fn cases() -> Vec<String> {
    let mut v = Vec::new();
    for kind in ["floor", "machine", "ureq", "parsed", "http", "parse"] {
        for (r, _) in RESPONSES {
            v.push(format!("{kind}-{r}"));
        }
    }
    for kind in ["floor", "machine"] {
        for (r, _) in RESPONSES {
            v.push(format!("chain-{kind}-{r}"));
        }
    }
    for c in ["feed-whole", "feed-chunk64", "feed-byte", "ureq-byte"] {
        v.push(c.to_owned());
    }
    for c in TOWER_CASES {
        v.push(c.to_owned());
    }
    v
}

/// One request through each tower layer (`benches/common/two_hops.rs`).
const TOWER_CASES: [&str; 7] = [
    "tower-ours",
    "tower-http06",
    "tower-http07",
    "direct-ours",
    "direct-http06",
    "direct-http07",
    "direct-bare",
];

/// `n` requests through `svc`, each one measured: the 2-hop chain, or with `direct` the
/// same request to `/end` (no redirect).
fn tower_requests<S>(mut svc: S, n: usize, direct: bool)
where
    S: tower_service::Service<
            http::Request<http_body_util::Full<bytes::Bytes>>,
            Response = http::Response<http_body_util::Full<bytes::Bytes>>,
        >,
    S::Error: std::fmt::Debug,
{
    for _ in 0..n {
        if direct {
            black_box(measured(|| one_direct_request(&mut svc)));
        } else {
            black_box(measured(|| one_request(&mut svc)));
        }
    }
}

fn run(case: &str, n: usize) -> Result<(), String> {
    let mut out = vec![0u8; OUT_LEN];
    let (kind, what) = case
        .split_once('-')
        .ok_or_else(|| format!("bad case {case}"))?;
    match (kind, what) {
        ("floor", r) => {
            let resp = response(r).ok_or_else(|| format!("no response {r}"))?;
            let base = floor_base();
            let lines = floor_lines();
            for _ in 0..n {
                let res = measured(|| {
                    floor_hop(
                        black_box(&base),
                        black_box(&lines),
                        black_box(&resp),
                        &mut out,
                    )
                });
                drop(black_box(res));
            }
        }
        ("machine", r) => {
            let resp = response(r).ok_or_else(|| format!("no response {r}"))?;
            let req = machine_request();
            for _ in 0..n {
                let mut m = machine_start_from(&req);
                black_box(measured(|| machine_hop(&mut m, black_box(&resp), &mut out)));
                drop(black_box(m));
            }
        }
        ("parsed", r) => {
            let resp = response(r).ok_or_else(|| format!("no response {r}"))?;
            let head = parsed_head(&resp);
            let req = machine_request();
            for _ in 0..n {
                let mut m = machine_start_from(&req);
                black_box(measured(|| {
                    machine_hop_parsed(&mut m, black_box(&head), &mut out)
                }));
                drop(black_box(m));
            }
        }
        ("http", r) => {
            let resp = response(r).ok_or_else(|| format!("no response {r}"))?;
            let parts = http_parts(&parsed_head(&resp));
            let req = machine_request();
            for _ in 0..n {
                let mut m = machine_start_from(&req);
                black_box(measured(|| {
                    machine_hop_http(&mut m, black_box(&parts), &mut out)
                }));
                drop(black_box(m));
            }
        }
        ("parse", r) => {
            let resp = response(r).ok_or_else(|| format!("no response {r}"))?;
            for _ in 0..n {
                black_box(measured(|| parse_only(black_box(&resp))));
            }
        }
        ("ureq", "byte") => {
            let resp = large();
            for _ in 0..n {
                let call = ureq_start();
                let res = measured(|| ureq_hop_chunked(call, black_box(&resp), 1, &mut out));
                drop(black_box(res));
            }
        }
        ("ureq", r) => {
            let resp = response(r).ok_or_else(|| format!("no response {r}"))?;
            for _ in 0..n {
                let call = ureq_start();
                let res = measured(|| ureq_hop(call, black_box(&resp), &mut out));
                drop(black_box(res));
            }
        }
        ("chain", what) => {
            let (kind, r) = what
                .split_once('-')
                .ok_or_else(|| format!("bad case {case}"))?;
            let chain: ChainFn = match kind {
                "floor" => floor_chain,
                "machine" => machine_chain,
                _ => return Err(format!("bad case {case}")),
            };
            let resp = response(r).ok_or_else(|| format!("no response {r}"))?;
            for _ in 0..n {
                black_box(measured(|| {
                    chain(
                        black_box(START_URL),
                        black_box(&REQUEST_HEADERS),
                        black_box(&resp),
                        black_box(FINAL_RESPONSE),
                        &mut out,
                    )
                }));
            }
        }
        ("tower", "ours") => tower_requests(ours(), n, false),
        ("tower", "http06") => tower_requests(tower_http_06(), n, false),
        ("tower", "http07") => tower_requests(tower_http_07(), n, false),
        ("direct", "ours") => tower_requests(ours(), n, true),
        ("direct", "http06") => tower_requests(tower_http_06(), n, true),
        ("direct", "http07") => tower_requests(tower_http_07(), n, true),
        ("direct", "bare") => tower_requests(TwoHops, n, true),
        ("feed", how) => {
            let resp = large();
            let chunk = match how {
                "whole" => resp.len(),
                "chunk64" => 64,
                "byte" => 1,
                _ => return Err(format!("bad case {case}")),
            };
            let req = machine_request();
            for _ in 0..n {
                let mut m = machine_start_from(&req);
                black_box(measured(|| {
                    machine_hop_chunked(&mut m, black_box(&resp), chunk, &mut out)
                }));
                drop(black_box(m));
            }
        }
        _ => return Err(format!("bad case {case}")),
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--") || a == "--list")
        .collect();
    match args.first().map(String::as_str) {
        Some("--list") => {
            for c in cases() {
                println!("{c}");
            }
        }
        Some(case) => {
            let n = match args.get(1).map(|s| s.parse::<usize>()) {
                None => 1000,
                Some(Ok(n)) => n,
                Some(Err(e)) => {
                    eprintln!("bad iteration count: {e}");
                    std::process::exit(2);
                }
            };
            if let Err(e) = run(case, n) {
                eprintln!("{e}; cases: {}", cases().join(" "));
                std::process::exit(2);
            }
        }
        None => {
            // `cargo bench` / `cargo test --benches`: a smoke run, no measurement.
            self_check();
            check_two_hops();
            for c in cases() {
                run(&c, 1).unwrap();
            }
            for (name, make) in RESPONSES {
                let r = make();
                let fields = r.windows(2).filter(|w| w == b"\r\n").count() - 2;
                println!(
                    "instr: response {name}: {} bytes, {fields} header fields",
                    r.len()
                );
            }
            println!(
                "instr: {} cases ran once; use benches/instructions.sh to count",
                cases().len()
            );
        }
    }
}
