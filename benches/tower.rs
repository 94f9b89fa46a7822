//! Requests per second through a 2-hop redirect chain: the tower layer of this repository
//! (`redirects-tower`, `Policy::fetch()`) against tower-http's `FollowRedirect` (its default
//! `Standard` policy) in 0.6 (the one reqwest 0.13 uses) and in 0.7, all three wrapping the
//! same in-process service, side by side in one run.
//!
//! The service and the request are `benches/common/two_hops.rs`'s (shared with the
//! callgrind cases of `benches/instr.rs`): `GET /start` -> `302` -> `307` -> `200`, each
//! redirect with a 27-byte body. One iteration builds the request, calls the layer, drives
//! its future to the final response with a no-op waker and drops the response.
//!
//! `cargo bench -p redirects-benches --bench tower`. After criterion's own report it prints
//! the three rates and the ratios, from the same samples criterion took (the median time
//! per request of each one's measured samples); then the same timed in turns
//! ([`interleaved`]), which a changing load on a shared machine moves far less.

use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};

mod common;
use common::two_hops::{check_two_hops, one_request, ours, tower_http_06, tower_http_07};

/// Times of the measured samples of one benchmark: (iterations, elapsed).
type Samples = Arc<Mutex<Vec<(u64, Duration)>>>;

const SAMPLES: usize = 60;

/// The layers, in the order of the table: (criterion's name, the table's name).
const LAYERS: [(&str, &str); 3] = [
    ("redirects_tower", "redirects-tower (`Policy::fetch()`)"),
    (
        "tower_http_06",
        "tower-http 0.6 `FollowRedirect` (`Standard`)",
    ),
    (
        "tower_http_07",
        "tower-http 0.7 `FollowRedirect` (`Standard`)",
    ),
];

/// The median nanoseconds per request of the last `SAMPLES` samples (criterion's
/// measurement; the ones before are its warm-up).
fn median_ns(samples: &Samples) -> f64 {
    let all = samples.lock().expect("samples");
    let mut per: Vec<f64> = all[all.len().saturating_sub(SAMPLES)..]
        .iter()
        .map(|(n, d)| d.as_nanos() as f64 / *n as f64)
        .collect();
    per.sort_by(f64::total_cmp);
    per[per.len() / 2]
}

/// Runs `one` under criterion as `name`, keeping each sample's time in `samples`.
fn timed(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    samples: &Samples,
    mut one: impl FnMut() -> u16,
) {
    g.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(one());
            }
            let elapsed = start.elapsed();
            samples.lock().expect("samples").push((iters, elapsed));
            elapsed
        })
    });
}

fn bench(c: &mut Criterion) -> [Samples; 3] {
    // All three follow the whole chain, to the same place.
    check_two_hops();
    let (mut a, mut b, mut t) = (ours(), tower_http_06(), tower_http_07());
    let samples: [Samples; 3] = Default::default();
    let mut g = c.benchmark_group("tower_2hop");
    g.throughput(Throughput::Elements(1)).sample_size(SAMPLES);
    timed(&mut g, LAYERS[0].0, &samples[0], || one_request(&mut a));
    timed(&mut g, LAYERS[1].0, &samples[1], || one_request(&mut b));
    timed(&mut g, LAYERS[2].0, &samples[2], || one_request(&mut t));
    g.finish();
    samples
}

/// Rounds and requests per batch of [`interleaved`].
const ROUNDS: usize = 200;
const BATCH: usize = 200;

/// The three layers timed in turns: each round times a batch of requests through each
/// layer, the order rotating from round to round, so that a change in the machine's load
/// (other work on a shared machine moves wall time by 20-40%) falls on all three alike.
/// Returns, per layer, the median ns per request over the rounds, and per tower-http
/// version the median over the rounds of its time over ours (requests per second, ours
/// over theirs).
fn interleaved() -> ([f64; 3], [f64; 2]) {
    let (mut a, mut b, mut t) = (ours(), tower_http_06(), tower_http_07());
    let mut per = [const { Vec::new() }; 3];
    for round in 0..ROUNDS {
        for k in 0..3 {
            let layer = (round + k) % 3;
            let start = Instant::now();
            for _ in 0..BATCH {
                black_box(match layer {
                    0 => one_request(&mut a),
                    1 => one_request(&mut b),
                    _ => one_request(&mut t),
                });
            }
            per[layer].push(start.elapsed().as_nanos() as f64 / BATCH as f64);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ratio = |other: usize| {
        let mut r: Vec<f64> = (0..ROUNDS).map(|i| per[other][i] / per[0][i]).collect();
        median(&mut r)
    };
    let ratios = [ratio(1), ratio(2)];
    (per.each_mut().map(median), ratios)
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let samples = bench(&mut c);
    c.final_summary();
    // `cargo bench -- --list` or a filter that skips a layer: no table.
    if samples
        .iter()
        .any(|s| s.lock().expect("samples").len() < SAMPLES)
    {
        return;
    }
    let ns = samples.each_ref().map(median_ns);
    print_rates(
        &format!(
            "2-hop chain (302 -> 307 -> 200), in-process service, median of {SAMPLES} samples \
             each:"
        ),
        ns,
        [ns[1] / ns[0], ns[2] / ns[0]],
        "",
    );
    let (ns, ratios) = interleaved();
    print_rates(
        &format!(
            "The same, timed in turns ({ROUNDS} rounds of {BATCH} requests through each layer, \
             the order rotating): median ns per request, and the median over the rounds of the \
             ratio of requests per second"
        ),
        ns,
        ratios,
        ", per round",
    );
}

/// One table of [`main`]: each layer's ns per request and requests per second, then ours
/// over each tower-http version (`ratios`, requests per second; `how` says how they were
/// taken).
fn print_rates(title: &str, ns: [f64; 3], ratios: [f64; 2], how: &str) {
    println!("\n{title}");
    println!("| layer | ns per request | requests per second |");
    println!("|---|---|---|");
    for ((_, name), ns) in LAYERS.iter().zip(ns) {
        println!("| {name} | {ns:.0} | {:.0} |", 1e9 / ns);
    }
    for (version, ratio) in ["0.6", "0.7"].into_iter().zip(ratios) {
        println!(
            "ratio redirects-tower / tower-http {version} (requests per second{how}): {ratio:.2}"
        );
    }
}
