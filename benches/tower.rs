//! Requests per second through a 2-hop redirect chain: the tower layer of this repository
//! (`redirects-tower`, `Policy::fetch()`) against tower-http's `FollowRedirect` (its default
//! `Standard` policy, the 0.6 that reqwest 0.13 uses), both wrapping the same in-process
//! service, side by side in one run.
//!
//! The service answers without any I/O: `GET /start` -> `302 Location: /middle` ->
//! `307 Location: /end` -> `200` (each redirect with a 27-byte body, as a web framework
//! writes one; ours reads it to its end, tower-http drops it). One iteration builds the
//! request (absolute URI, three headers), calls the layer and drives its future to the
//! final response with a no-op waker (both futures complete without waiting; tower-http's
//! wakes itself once per hop), then drops the response.
//!
//! `cargo bench -p redirects-benches --bench tower`. After criterion's own report it prints
//! both rates and their ratio, from the same samples criterion took (the median time per
//! request of each one's measured samples).

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::hint::black_box;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use tower_layer::Layer;
use tower_service::Service;

/// The in-process service: a 302, then a 307, then the 200.
#[derive(Clone, Copy)]
struct TwoHops;

impl Service<Request<Full<Bytes>>> for TwoHops {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Full<Bytes>>) -> Self::Future {
        let (status, location) = match req.uri().path() {
            "/start" => (StatusCode::FOUND, Some("/middle")),
            "/middle" => (StatusCode::TEMPORARY_REDIRECT, Some("/end")),
            _ => (StatusCode::OK, None),
        };
        let mut res = Response::new(Full::new(Bytes::from_static(match location {
            Some(_) => b"Found. Redirecting elsewhere",
            None => b"ok",
        })));
        *res.status_mut() = status;
        if let Some(location) = location {
            res.headers_mut().insert(
                http::header::LOCATION,
                http::HeaderValue::from_static(location),
            );
        }
        ready(Ok(res))
    }
}

fn request() -> Request<Full<Bytes>> {
    Request::get("http://app.example/start")
        .header("user-agent", "bench/1.0")
        .header("accept", "application/json")
        .header("authorization", "Bearer s3cret")
        .body(Full::default())
        .expect("valid request")
}

/// Drives a future that never waits for I/O: polls it until it is ready.
fn drive<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// One request through `svc`, to its final response; returns the final status.
fn one<S>(svc: &mut S) -> u16
where
    S: Service<Request<Full<Bytes>>, Response = Response<Full<Bytes>>>,
    S::Error: std::fmt::Debug,
{
    drive(std::future::poll_fn(|cx| svc.poll_ready(cx))).expect("ready");
    let res = drive(svc.call(black_box(request()))).expect("the chain ends");
    res.status().as_u16()
}

/// Times of the measured samples of one benchmark: (iterations, elapsed).
type Samples = Arc<Mutex<Vec<(u64, Duration)>>>;

const SAMPLES: usize = 60;

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

fn bench(c: &mut Criterion) -> (Samples, Samples) {
    let mut ours =
        redirects_tower::FollowRedirectLayer::new(redirects::Policy::fetch()).layer(TwoHops);
    let mut theirs = tower_http::follow_redirect::FollowRedirectLayer::new().layer(TwoHops);

    // Both follow the whole chain, to the same place.
    let res = drive(ours.call(request())).expect("ours");
    let chain = res
        .extensions()
        .get::<redirects_tower::RedirectChain>()
        .expect("record");
    assert_eq!((res.status(), chain.redirects()), (StatusCode::OK, 2));
    assert_eq!(chain.url().as_str(), "http://app.example/end");
    let res = drive(theirs.call(request())).expect("tower-http");
    let uri = &res
        .extensions()
        .get::<tower_http::follow_redirect::RequestUri>()
        .expect("uri")
        .0;
    assert_eq!(
        (res.status(), uri.to_string()),
        (StatusCode::OK, "http://app.example/end".into())
    );

    let (ours_samples, theirs_samples) = (Samples::default(), Samples::default());
    let mut g = c.benchmark_group("tower_2hop");
    g.throughput(Throughput::Elements(1)).sample_size(SAMPLES);
    g.bench_function("redirects_tower", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(one(&mut ours));
            }
            let elapsed = start.elapsed();
            ours_samples.lock().expect("samples").push((iters, elapsed));
            elapsed
        })
    });
    g.bench_function("tower_http", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(one(&mut theirs));
            }
            let elapsed = start.elapsed();
            theirs_samples
                .lock()
                .expect("samples")
                .push((iters, elapsed));
            elapsed
        })
    });
    g.finish();
    (ours_samples, theirs_samples)
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let (ours, theirs) = bench(&mut c);
    c.final_summary();
    // `cargo bench -- --list` or a filter that skips one side: no table.
    if ours.lock().expect("samples").len() < SAMPLES
        || theirs.lock().expect("samples").len() < SAMPLES
    {
        return;
    }
    let (o, t) = (median_ns(&ours), median_ns(&theirs));
    println!(
        "\n2-hop chain (302 -> 307 -> 200), in-process service, median of {SAMPLES} samples each:"
    );
    println!("| layer | ns per request | requests per second |");
    println!("|---|---|---|");
    println!(
        "| redirects-tower (`Policy::fetch()`) | {o:.0} | {:.0} |",
        1e9 / o
    );
    println!(
        "| tower-http 0.6 `FollowRedirect` (`Standard`) | {t:.0} | {:.0} |",
        1e9 / t
    );
    println!(
        "ratio redirects-tower / tower-http (requests per second): {:.2}",
        t / o
    );
}
