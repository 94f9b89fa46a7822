//! Wall-clock cost of one redirect hop and of a whole chain, side by side in one run
//! (DESIGN.md "Performance"):
//!
//! - `hop_<response>/{floor,machine,ureq_proto}` for the `small`, `typical` and `large`
//!   responses of `benches/common`;
//! - `incremental_large/{whole,chunk64,byte}`: the machine fed the large head whole, in
//!   64-byte pieces and one byte at a time; `ureq_proto_whole` and `ureq_proto_byte` for
//!   comparison;
//! - `parsed_<response>/{byte_path,parsed_head,http_parts,parse_only}`: the same hop fed
//!   as bytes (`Follow::handle_response`), as a head parsed beforehand
//!   (`Follow::handle_head`), as `http` types (`Follow::handle_http_parts`), and the
//!   `httparse` parse alone, so that "byte path minus parsing" is read off the same run;
//! - `chain_<response>/{floor,machine}`: a whole chain, from the URL and headers to the
//!   final response, with that response as its one redirect (`benches/common/inputs.rs`,
//!   "whole chain").
//!
//! Each hop starts from a machine (or `Call`) built outside the measured part, in batches
//! of 64 so the inputs stay in cache; the hop's outputs are dropped outside it too. A chain
//! builds and drops everything inside the measured part.
//!
//! `cargo bench -p redirects-benches --bench hop`, then `python3 benches/report.py` for the
//! ratio table (it reads criterion's JSON under `$CARGO_TARGET_DIR/criterion`, default
//! `target/criterion` at the workspace root).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

mod common;
use common::*;

/// Small batches: 64 fresh machines (~2.5 KiB each) stay in L2 between setup and use.
const BATCH: BatchSize = BatchSize::NumIterations(64);

fn hops(c: &mut Criterion) {
    self_check();
    let req = machine_request();
    let base = floor_base();
    let lines = floor_lines();
    let mut out = vec![0u8; OUT_LEN];
    for (name, make) in RESPONSES {
        let resp = make();
        let mut g = c.benchmark_group(format!("hop_{name}"));
        g.bench_function("floor", |b| {
            b.iter_batched_ref(
                || (),
                |()| {
                    floor_hop(
                        black_box(&base),
                        black_box(&lines),
                        black_box(&resp),
                        &mut out,
                    )
                },
                BATCH,
            )
        });
        g.bench_function("machine", |b| {
            b.iter_batched_ref(
                || machine_start_from(&req),
                |m| machine_hop(m, black_box(&resp), &mut out),
                BATCH,
            )
        });
        g.bench_function("ureq_proto", |b| {
            b.iter_batched_ref(
                || Some(ureq_start()),
                |call| ureq_hop(call.take().unwrap(), black_box(&resp), &mut out),
                BATCH,
            )
        });
        g.finish();
    }
}

fn incremental(c: &mut Criterion) {
    let req = machine_request();
    let resp = large();
    let mut out = vec![0u8; OUT_LEN];
    let mut g = c.benchmark_group("incremental_large");
    for (id, chunk) in [("whole", resp.len()), ("chunk64", 64), ("byte", 1)] {
        g.bench_function(id, |b| {
            b.iter_batched_ref(
                || machine_start_from(&req),
                |m| machine_hop_chunked(m, black_box(&resp), chunk, &mut out),
                BATCH,
            )
        });
    }
    g.bench_function("ureq_proto_whole", |b| {
        b.iter_batched_ref(
            || Some(ureq_start()),
            |call| ureq_hop_chunked(call.take().unwrap(), black_box(&resp), resp.len(), &mut out),
            BATCH,
        )
    });
    // About 2 ms an iteration: fewer samples.
    g.sample_size(10);
    g.bench_function("ureq_proto_byte", |b| {
        b.iter_batched_ref(
            || Some(ureq_start()),
            |call| ureq_hop_chunked(call.take().unwrap(), black_box(&resp), 1, &mut out),
            BatchSize::NumIterations(1),
        )
    });
    g.finish();
}

fn parsed(c: &mut Criterion) {
    let req = machine_request();
    let mut out = vec![0u8; OUT_LEN];
    for (name, make) in RESPONSES {
        let resp = make();
        let head = parsed_head(&resp);
        let parts = http_parts(&head);
        let mut g = c.benchmark_group(format!("parsed_{name}"));
        g.bench_function("byte_path", |b| {
            b.iter_batched_ref(
                || machine_start_from(&req),
                |m| machine_hop(m, black_box(&resp), &mut out),
                BATCH,
            )
        });
        g.bench_function("parsed_head", |b| {
            b.iter_batched_ref(
                || machine_start_from(&req),
                |m| machine_hop_parsed(m, black_box(&head), &mut out),
                BATCH,
            )
        });
        g.bench_function("http_parts", |b| {
            b.iter_batched_ref(
                || machine_start_from(&req),
                |m| machine_hop_http(m, black_box(&parts), &mut out),
                BATCH,
            )
        });
        g.bench_function("parse_only", |b| b.iter(|| parse_only(black_box(&resp))));
        g.finish();
    }
}

fn chains(c: &mut Criterion) {
    let mut out = vec![0u8; OUT_LEN];
    for (name, make) in RESPONSES {
        let resp = make();
        let mut g = c.benchmark_group(format!("chain_{name}"));
        let contenders: [(&str, ChainFn); 2] = [("floor", floor_chain), ("machine", machine_chain)];
        for (id, chain) in contenders {
            g.bench_function(id, |b| {
                b.iter(|| {
                    chain(
                        black_box(START_URL),
                        black_box(&REQUEST_HEADERS),
                        black_box(&resp),
                        black_box(FINAL_RESPONSE),
                        &mut out,
                    )
                })
            });
        }
        g.finish();
    }
}

fn config() -> Criterion {
    // Short runs: the machine has 2 shared cores; the ratios matter, not the digits.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = hops, incremental, parsed, chains
}
criterion_main!(benches);
