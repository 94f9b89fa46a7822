//! The inner service's readiness between hops: each next request goes out only once the
//! service says it is ready; a service that is not ready yet leaves the future pending
//! (the request kept), one that fails ends the chain with its error.

use std::future::{Ready, ready};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use redirects::Policy;
use redirects_tower::{Error, FollowRedirectLayer, RedirectChain};
use tower::{Layer, Service};

/// What `poll_ready` answers, call by call (then ready for ever).
#[derive(Clone, Copy, Debug)]
enum Answer {
    Ready,
    Pending,
    Fail,
}

/// `/start` redirects to `/middle`, which redirects to `/end` (`200`). `poll_ready`
/// answers from the script; every answer and every request path is logged.
#[derive(Clone)]
struct Scripted {
    script: Arc<Mutex<Vec<Answer>>>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Service<Request<Full<Bytes>>> for Scripted {
    type Response = Response<Full<Bytes>>;
    type Error = &'static str;
    type Future = Ready<Result<Self::Response, &'static str>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), &'static str>> {
        let mut script = self.script.lock().unwrap();
        let answer = if script.is_empty() {
            Answer::Ready
        } else {
            script.remove(0)
        };
        self.log.lock().unwrap().push(format!("ready? {answer:?}"));
        match answer {
            Answer::Ready => Poll::Ready(Ok(())),
            Answer::Pending => Poll::Pending,
            Answer::Fail => Poll::Ready(Err("not ready, ever")),
        }
    }

    fn call(&mut self, req: Request<Full<Bytes>>) -> Self::Future {
        let path = req.uri().path().to_owned();
        self.log.lock().unwrap().push(format!("call {path}"));
        let (status, location) = match path.as_str() {
            "/start" => (StatusCode::FOUND, Some("/middle")),
            "/middle" => (StatusCode::TEMPORARY_REDIRECT, Some("/end")),
            _ => (StatusCode::OK, None),
        };
        let mut res = Response::new(Full::new(Bytes::from_static(b"")));
        *res.status_mut() = status;
        if let Some(location) = location {
            res.headers_mut()
                .insert(http::header::LOCATION, location.parse().unwrap());
        }
        ready(Ok(res))
    }
}

/// What the layer's future gave.
type Outcome = Result<Response<Full<Bytes>>, Error<&'static str>>;

/// Runs one chain through the layer with `script` (the first answer is the caller's
/// own `poll_ready` before the first request); returns the result, how many polls of the
/// future answered `Pending`, and the log.
fn run(script: &[Answer]) -> (Outcome, usize, Vec<String>) {
    let inner = Scripted {
        script: Arc::new(Mutex::new(script.to_vec())),
        log: Arc::default(),
    };
    let log = inner.log.clone();
    let mut svc = FollowRedirectLayer::new(Policy::fetch()).layer(inner);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(matches!(svc.poll_ready(&mut cx), Poll::Ready(Ok(()))));
    let req = Request::get("http://a.test/start")
        .body(Full::default())
        .unwrap();
    let mut future = pin!(svc.call(req));
    let mut pending = 0;
    let result = loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(result) => break result,
            Poll::Pending => pending += 1,
        }
        // A pending future says how many redirects it has followed.
        let shown = format!("{:?}", future.as_ref().get_ref());
        log.lock().unwrap().push(shown);
        assert!(pending < 10, "the future never ends");
    };
    let log = log.lock().unwrap().clone();
    (result, pending, log)
}

#[test]
fn each_next_request_waits_until_the_service_is_ready() {
    use Answer::*;
    let (result, pending, log) = run(&[Ready, Pending, Pending, Ready, Pending, Ready]);
    let res = result.expect("the chain ends");
    assert_eq!(res.status(), StatusCode::OK);
    let chain = res.extensions().get::<RedirectChain>().unwrap();
    assert_eq!(chain.redirects(), 2);
    assert_eq!(pending, 3);
    assert_eq!(
        log,
        [
            "ready? Ready",
            "call /start",
            "ready? Pending",
            "ResponseFuture { redirects: 1, .. }",
            "ready? Pending",
            "ResponseFuture { redirects: 1, .. }",
            "ready? Ready",
            "call /middle",
            "ready? Pending",
            "ResponseFuture { redirects: 2, .. }",
            "ready? Ready",
            "call /end",
        ]
    );
}

#[test]
fn a_service_always_ready_takes_each_request_at_once() {
    let (result, pending, log) = run(&[]);
    assert_eq!(result.expect("the chain ends").status(), StatusCode::OK);
    assert_eq!(pending, 0);
    assert_eq!(log.iter().filter(|l| l.starts_with("call")).count(), 3);
}

#[test]
fn a_failing_service_ends_the_chain_with_its_error() {
    use Answer::*;
    // Fails when the first redirect's request is about to go out.
    let (result, _, log) = run(&[Ready, Fail]);
    assert!(
        matches!(result, Err(Error::Inner("not ready, ever"))),
        "{result:?}"
    );
    assert_eq!(log, ["ready? Ready", "call /start", "ready? Fail"]);
    // Fails after one wait.
    let (result, pending, log) = run(&[Ready, Ready, Pending, Fail]);
    assert!(matches!(result, Err(Error::Inner(_))), "{result:?}");
    assert_eq!(pending, 1);
    assert_eq!(log.last().map(String::as_str), Some("ready? Fail"));
}
