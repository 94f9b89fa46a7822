//! A redirect's body is drained only when that can help the next
//! request reuse the connection, within a size and a time bound, and dropped otherwise; a
//! body that stalls never holds the chain.

mod common;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, Version};
use http_body::{Frame, SizeHint};
use http_body_util::Full;
use redirects::Policy;
use redirects_tower::{FollowRedirectLayer, RedirectChain};
use tokio::net::TcpListener;
use tower::{ServiceBuilder, ServiceExt};

/// What a test body does after its first frames.
#[derive(Clone, Copy, Debug)]
enum After {
    /// Stays `Pending` for ever (and never wakes anyone).
    Stall,
    /// Gives frames for ever.
    Endless,
}

/// A response body that gives `frames` data frames of `frame_len` bytes, then does as
/// `after` says, and counts its polls.
struct TestBody {
    frames: usize,
    frame_len: usize,
    after: After,
    /// The size hint (`None`: unknown, as a chunked body's).
    exact: Option<u64>,
    polls: Arc<AtomicUsize>,
}

impl http_body::Body for TestBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        let frame = || Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; 16 * 1024])))));
        if self.frames > 0 {
            self.frames -= 1;
            let len = self.frame_len;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; len])))));
        }
        match self.after {
            After::Stall => Poll::Pending,
            After::Endless => frame(),
        }
    }

    fn is_end_stream(&self) -> bool {
        false
    }

    fn size_hint(&self) -> SizeHint {
        self.exact
            .map_or_else(SizeHint::default, SizeHint::with_exact)
    }
}

/// An in-process origin pair: `http://a.test/start` answers `302` to `location` with the
/// body `redirect_body` makes and `headers`; any other request answers `200` with its
/// URI. The 302 is HTTP/1.1.
fn service(
    location: &'static str,
    headers: &'static [(&'static str, &'static str)],
    redirect_body: impl Fn() -> TestBody + Clone + Send + 'static,
) -> impl tower::Service<
    Request<Full<Bytes>>,
    Response = Response<http_body_util::Either<TestBody, Full<Bytes>>>,
    Error = http::Error,
    Future = impl Send,
> + Clone {
    tower::service_fn(move |req: Request<Full<Bytes>>| {
        let redirect_body = redirect_body.clone();
        async move {
            if req.uri() == "http://a.test/start" {
                let mut res = Response::builder()
                    .status(302)
                    .version(Version::HTTP_11)
                    .header("location", location);
                for (name, value) in headers {
                    res = res.header(*name, *value);
                }
                res.body(http_body_util::Either::Left(redirect_body()))
            } else {
                Response::builder().body(http_body_util::Either::Right(Full::from(
                    req.uri().to_string(),
                )))
            }
        }
    })
}

async fn follow<S>(layer: FollowRedirectLayer, svc: S) -> String
where
    S: tower::Service<
            Request<Full<Bytes>>,
            Response = Response<http_body_util::Either<TestBody, Full<Bytes>>>,
            Error = http::Error,
        > + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let client = ServiceBuilder::new().layer(layer).service(svc);
    let req = Request::get("http://a.test/start")
        .body(Full::default())
        .unwrap();
    let res = tokio::time::timeout(Duration::from_secs(10), client.oneshot(req))
        .await
        .expect("the chain hangs on the redirect's body")
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.extensions().get::<RedirectChain>().unwrap().redirects(),
        1
    );
    res.extensions()
        .get::<RedirectChain>()
        .unwrap()
        .url()
        .to_string()
}

/// A chunked `302` whose body gives one chunk, then stalls: the chain goes on to the next
/// hop (the body is dropped at the first frame that has not arrived), with no timer and
/// with a timer's wait.
#[tokio::test]
async fn finding_4_a_stalled_chunked_redirect_body_does_not_hang_the_chain() {
    let polls = Arc::new(AtomicUsize::new(0));
    let body = {
        let polls = polls.clone();
        move || TestBody {
            frames: 1,
            frame_len: 10,
            after: After::Stall,
            exact: None,
            polls: polls.clone(),
        }
    };
    // Same origin, chunked, HTTP/1.1: the connection could be reused, so it is drained.
    let svc = service("/next", &[("transfer-encoding", "chunked")], body);
    let url = follow(FollowRedirectLayer::new(Policy::fetch()), svc.clone()).await;
    assert_eq!(url, "http://a.test/next");
    // The chunk, then the stall: given up at once without a timer.
    assert_eq!(polls.swap(0, Ordering::SeqCst), 2);

    let started = std::time::Instant::now();
    let client = ServiceBuilder::new()
        .layer(
            FollowRedirectLayer::new(Policy::fetch())
                .drain_timer(tokio::time::sleep, Duration::from_millis(200)),
        )
        .service(svc);
    let req = Request::get("http://a.test/start")
        .body(Full::default())
        .unwrap();
    let res = tokio::time::timeout(Duration::from_secs(10), client.oneshot(req))
        .await
        .expect("the chain hangs on the redirect's body")
        .unwrap();
    assert_eq!(res.status(), 200);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(200), "{waited:?}");
    assert!(polls.load(Ordering::SeqCst) >= 2);
}

/// The same over real sockets: a hyper server answers a chunked `302`, writes one chunk
/// and stalls; hyper-util's client through the layer goes on to the next hop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_4_a_stalled_chunked_302_from_a_hyper_server_does_not_hang() {
    use hyper::service::service_fn;
    use hyper_util::rt::{TokioExecutor, TokioIo};

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let svc = service_fn(|req: Request<hyper::body::Incoming>| async move {
                    let res = if req.uri().path() == "/start" {
                        Response::builder()
                            .status(302)
                            .header("location", "/next")
                            .body(http_body_util::Either::Left(TestBody {
                                frames: 1,
                                frame_len: 10,
                                after: After::Stall,
                                exact: None,
                                polls: Default::default(),
                            }))
                    } else {
                        Response::builder().body(http_body_util::Either::Right(Full::from("ok")))
                    };
                    Ok::<_, http::Error>(res.unwrap())
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    for layer in [
        FollowRedirectLayer::new(Policy::fetch()),
        FollowRedirectLayer::new(Policy::strict()),
    ] {
        let client = ServiceBuilder::new()
            .layer(layer.drain_timer(tokio::time::sleep, Duration::from_millis(300)))
            .service(common::client::<Full<Bytes>>(common::Proto::Http1));
        let req = Request::get(format!("http://{addr}/start"))
            .body(Full::default())
            .unwrap();
        let res = tokio::time::timeout(Duration::from_secs(10), client.oneshot(req))
            .await
            .expect("the chain hangs on the stalled 302 body")
            .unwrap();
        assert_eq!(res.status(), 200);
        let chain = res.extensions().get::<RedirectChain>().unwrap();
        assert_eq!(chain.url().path(), "/next");
    }
}

/// When the next request cannot reuse the connection (another origin; `Connection:
/// close`), draining gains nothing: the body is dropped without a single poll.
#[tokio::test]
async fn finding_4_no_connection_reuse_means_the_body_is_never_polled() {
    for (location, headers) in [
        (
            "http://b.test/next",
            &[("content-length", "10")] as &'static [_],
        ),
        (
            "/next",
            &[("content-length", "10"), ("connection", "close")],
        ),
    ] {
        let polls = Arc::new(AtomicUsize::new(0));
        let body = {
            let polls = polls.clone();
            move || TestBody {
                frames: 1,
                frame_len: 10,
                after: After::Stall,
                exact: Some(10),
                polls: polls.clone(),
            }
        };
        let url = follow(
            FollowRedirectLayer::new(Policy::fetch()),
            service(location, headers, body),
        )
        .await;
        assert!(url.ends_with("/next"), "{url}");
        assert_eq!(polls.load(Ordering::SeqCst), 0, "{location} {headers:?}");
    }
}

/// A body longer than the size bound is dropped, not drained: unread when its
/// `Content-Length` says so, and no further than the bound when it is chunked.
#[tokio::test]
async fn finding_4_a_body_over_the_size_bound_is_dropped_not_drained() {
    // 1 MiB by its Content-Length, with the default 64 KiB bound: not read at all.
    let polls = Arc::new(AtomicUsize::new(0));
    let body = {
        let polls = polls.clone();
        move || TestBody {
            frames: 64,
            frame_len: 16 * 1024,
            after: After::Stall,
            exact: Some(1024 * 1024),
            polls: polls.clone(),
        }
    };
    let svc = service("/next", &[("content-length", "1048576")], body);
    follow(FollowRedirectLayer::new(Policy::fetch()), svc).await;
    assert_eq!(polls.load(Ordering::SeqCst), 0);

    // Chunked and endless, with a 32 KiB bound: 16, 32, 48 KiB read, then dropped.
    let polls = Arc::new(AtomicUsize::new(0));
    let body = {
        let polls = polls.clone();
        move || TestBody {
            frames: 0,
            frame_len: 0,
            after: After::Endless,
            exact: None,
            polls: polls.clone(),
        }
    };
    let svc = service("/next", &[("transfer-encoding", "chunked")], body);
    follow(
        FollowRedirectLayer::new(Policy::fetch()).max_drain(32 * 1024),
        svc,
    )
    .await;
    assert_eq!(polls.load(Ordering::SeqCst), 3);

    // `max_drain(0)`: never drained, as tower-http does.
    let polls = Arc::new(AtomicUsize::new(0));
    let body = {
        let polls = polls.clone();
        move || TestBody {
            frames: 1,
            frame_len: 10,
            after: After::Stall,
            exact: None,
            polls: polls.clone(),
        }
    };
    let svc = service("/next", &[("transfer-encoding", "chunked")], body);
    follow(FollowRedirectLayer::new(Policy::fetch()).max_drain(0), svc).await;
    assert_eq!(polls.load(Ordering::SeqCst), 0);
}

/// `TokioTimer` (feature `tokio`) bounds the wait as a closure over tokio's sleep does.
#[cfg(feature = "tokio")]
#[tokio::test]
async fn finding_4_tokio_timer_bounds_the_wait_for_a_stalled_body() {
    let polls = Arc::new(AtomicUsize::new(0));
    let body = {
        let polls = polls.clone();
        move || TestBody {
            frames: 1,
            frame_len: 10,
            after: After::Stall,
            exact: None,
            polls: polls.clone(),
        }
    };
    let svc = service("/next", &[("transfer-encoding", "chunked")], body);
    let started = std::time::Instant::now();
    let client = ServiceBuilder::new()
        .layer(
            FollowRedirectLayer::new(Policy::fetch())
                .drain_timer(redirects_tower::TokioTimer, Duration::from_millis(150)),
        )
        .service(svc);
    let req = Request::get("http://a.test/start")
        .body(Full::default())
        .unwrap();
    let res = tokio::time::timeout(Duration::from_secs(10), client.oneshot(req))
        .await
        .expect("the chain hangs on the redirect's body")
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert!(polls.load(Ordering::SeqCst) >= 2);
}
