//! The 2-hop chain the tower benchmarks run through each layer: one in-process service and
//! one request, shared by `benches/tower.rs` (criterion, requests per second) and
//! `benches/instr.rs` (callgrind, instructions per request).
//!
//! The service answers without any I/O: `GET /start` -> `302 Location: /middle` ->
//! `307 Location: /end` -> `200` (each redirect with a 27-byte body, as a web framework
//! writes one; ours reads it to its end, tower-http drops it). One request builds the
//! request (absolute URI, three headers), calls the layer and drives its future to the
//! final response with a no-op waker (the futures complete without waiting; tower-http's
//! wakes itself once per hop), then drops the response.
//!
//! The three layers: `redirects-tower` with `Policy::fetch()`, and tower-http's
//! `FollowRedirect` with its default `Standard` policy in 0.6 (the one reqwest 0.13 uses)
//! and in 0.7.

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use tower_layer::Layer;
use tower_service::Service;

/// The in-process service: a 302, then a 307, then the 200.
#[derive(Clone, Copy)]
pub struct TwoHops;

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

/// The first request of the chain.
pub fn two_hop_request() -> Request<Full<Bytes>> {
    Request::get("http://app.example/start")
        .header("user-agent", "bench/1.0")
        .header("accept", "application/json")
        .header("authorization", "Bearer s3cret")
        .body(Full::default())
        .expect("valid request")
}

/// Where the chain ends.
pub const TWO_HOP_END: &str = "http://app.example/end";

/// Drives a future that never waits for I/O: polls it until it is ready.
pub fn drive<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// One request through `svc`, to its final response, which is dropped; returns the final
/// status.
#[inline(never)]
pub fn one_request<S>(svc: &mut S) -> u16
where
    S: Service<Request<Full<Bytes>>, Response = Response<Full<Bytes>>>,
    S::Error: std::fmt::Debug,
{
    drive(std::future::poll_fn(|cx| svc.poll_ready(cx))).expect("ready");
    let res = drive(svc.call(black_box(two_hop_request()))).expect("the chain ends");
    res.status().as_u16()
}

/// The request of [`two_hop_request`] sent straight to `/end`: no redirect, the path most
/// requests through a redirect layer take.
pub fn direct_request() -> Request<Full<Bytes>> {
    let mut req = two_hop_request();
    *req.uri_mut() = http::Uri::from_static("http://app.example/end");
    req
}

/// [`direct_request`] through `svc` (a layer, or [`TwoHops`] alone), as [`one_request`].
#[inline(never)]
pub fn one_direct_request<S>(svc: &mut S) -> u16
where
    S: Service<Request<Full<Bytes>>, Response = Response<Full<Bytes>>>,
    S::Error: std::fmt::Debug,
{
    drive(std::future::poll_fn(|cx| svc.poll_ready(cx))).expect("ready");
    let res = drive(svc.call(black_box(direct_request()))).expect("the response");
    res.status().as_u16()
}

/// `redirects-tower` (`Policy::fetch()`) around [`TwoHops`].
pub type Ours = redirects_tower::FollowRedirect<TwoHops>;
/// tower-http 0.6's `FollowRedirect` (`Standard`) around [`TwoHops`].
pub type TowerHttp06 = tower_http::follow_redirect::FollowRedirect<TwoHops>;
/// tower-http 0.7's `FollowRedirect` (`Standard`) around [`TwoHops`].
pub type TowerHttp07 = tower_http_07::follow_redirect::FollowRedirect<TwoHops>;

pub fn ours() -> Ours {
    redirects_tower::FollowRedirectLayer::new(redirects::Policy::fetch()).layer(TwoHops)
}

pub fn tower_http_06() -> TowerHttp06 {
    tower_http::follow_redirect::FollowRedirectLayer::new().layer(TwoHops)
}

pub fn tower_http_07() -> TowerHttp07 {
    tower_http_07::follow_redirect::FollowRedirectLayer::new().layer(TwoHops)
}

/// Checks that the three layers follow the whole chain to the same place, so that the
/// benchmarks compare like with like. Panics otherwise.
pub fn check_two_hops() {
    let res = drive(ours().call(two_hop_request())).expect("ours");
    let chain = res
        .extensions()
        .get::<redirects_tower::RedirectChain>()
        .expect("record");
    assert_eq!((res.status(), chain.redirects()), (StatusCode::OK, 2));
    assert_eq!(chain.url().as_str(), TWO_HOP_END);

    let res = drive(tower_http_06().call(two_hop_request())).expect("tower-http 0.6");
    let uri = &res
        .extensions()
        .get::<tower_http::follow_redirect::RequestUri>()
        .expect("uri")
        .0;
    assert_eq!(
        (res.status(), uri.to_string()),
        (StatusCode::OK, TWO_HOP_END.into())
    );

    let res = drive(tower_http_07().call(two_hop_request())).expect("tower-http 0.7");
    let uri = &res
        .extensions()
        .get::<tower_http_07::follow_redirect::RequestUri>()
        .expect("uri")
        .0;
    assert_eq!(
        (res.status(), uri.to_string()),
        (StatusCode::OK, TWO_HOP_END.into())
    );
}
