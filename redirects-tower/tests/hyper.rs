//! The layer over hyper-util's client against in-test hyper servers, over HTTP/1.1 and
//! over HTTP/2 (h2c, prior knowledge): what the servers received on each redirect.

mod common;

use bytes::Bytes;
use common::{Proto, Server, client, request, text};
use http::{StatusCode, Version};
use http_body_util::Full;
use redirects::{MethodRule, Policy, RemovalReason, UnreplayableBody};
use redirects_tower::{Action, Error, FollowRedirectLayer, RedirectChain, RequestBody};
use tower::{ServiceBuilder, ServiceExt};

/// Fetch: the method and whether the body is sent again after one redirect.
fn fetch_rule(method: &str, status: u16) -> (&str, bool) {
    match (status, method) {
        (301 | 302, "POST") => ("GET", false),
        (303, "GET" | "HEAD") => (method, true),
        (303, _) => ("GET", false),
        _ => (method, true),
    }
}

/// Where a case's `Location` points.
#[derive(Debug, Clone, Copy)]
enum Loc {
    /// `/next/N`: absolute path, same origin.
    AbsolutePath,
    /// `next-N`: relative path, same origin.
    RelativePath,
    /// `http://127.0.0.1:B/landing/N`: the other server, another origin.
    CrossOrigin,
    /// `//127.0.0.1:B/landing/N`: scheme-relative, another origin.
    SchemeRelative,
}

impl Loc {
    const ALL: [Loc; 4] = [
        Loc::AbsolutePath,
        Loc::RelativePath,
        Loc::CrossOrigin,
        Loc::SchemeRelative,
    ];

    fn cross_origin(self) -> bool {
        matches!(self, Loc::CrossOrigin | Loc::SchemeRelative)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_status_with_bodies_relative_and_cross_origin_locations() {
    let (a, b) = (Server::start().await, Server::start().await);
    let mut n = 0;
    let mut checked = 0;
    for proto in Proto::ALL {
        let svc = ServiceBuilder::new()
            .layer(FollowRedirectLayer::new(Policy::fetch()))
            .service(client::<Full<Bytes>>(proto));
        for status in [301, 302, 303, 307, 308] {
            for (method, body) in [("POST", "make=Volvo&model=240"), ("PUT", "put twice")] {
                for loc in Loc::ALL {
                    n += 1;
                    let label = format!("{proto:?} {method} -> {status} -> {loc:?}");
                    let start = format!("/start/{n}");
                    let (location, server, target) = match loc {
                        Loc::AbsolutePath => (format!("/next/{n}"), &a, format!("/next/{n}")),
                        Loc::RelativePath => (format!("next-{n}"), &a, format!("/start/next-{n}")),
                        Loc::CrossOrigin => {
                            (b.url(&format!("/landing/{n}")), &b, format!("/landing/{n}"))
                        }
                        Loc::SchemeRelative => (
                            format!("//{}/landing/{n}", b.addr),
                            &b,
                            format!("/landing/{n}"),
                        ),
                    };
                    a.redirect(&start, status, &location);
                    let req = request(
                        method,
                        &a.url(&start),
                        &[
                            ("content-type", "text/plain"),
                            ("authorization", "Bearer s3cret"),
                            ("x-custom", "kept"),
                        ],
                        Full::from(body),
                    );
                    let res = svc.clone().oneshot(req).await.expect(&label);
                    assert_eq!(res.status(), StatusCode::OK, "{label}");
                    assert_eq!(res.version(), proto.version(), "{label}");
                    let chain = res.extensions().get::<RedirectChain>().cloned();
                    assert_eq!(text(res.into_body()).await, "ok", "{label}");

                    // What the first server got: the request as the caller wrote it.
                    let first = a.received_at(&start);
                    assert_eq!(first.len(), 1, "{label}");
                    assert_eq!(
                        (first[0].method.as_str(), first[0].body_text().as_str()),
                        (method, body),
                        "{label}"
                    );

                    // What the redirect's target got.
                    let got = server.received_at(&target);
                    assert_eq!(got.len(), 1, "{label}: {:?}", server.received());
                    let got = &got[0];
                    let (want_method, body_kept) = fetch_rule(method, status);
                    assert_eq!(got.version, proto.version(), "{label}");
                    assert_eq!(got.method, want_method, "{label}");
                    assert_eq!(got.header("x-custom"), "kept", "{label}");
                    let auth = if loc.cross_origin() {
                        "-"
                    } else {
                        "Bearer s3cret"
                    };
                    assert_eq!(got.header("authorization"), auth, "{label}");
                    if body_kept {
                        assert_eq!(got.body_text(), body, "{label}");
                        assert_eq!(got.header("content-type"), "text/plain", "{label}");
                        assert_eq!(
                            got.header("content-length"),
                            body.len().to_string(),
                            "{label}"
                        );
                    } else {
                        assert_eq!(got.body_text(), "", "{label}");
                        assert_eq!(got.header("content-type"), "-", "{label}");
                        assert_eq!(got.header("content-length"), "-", "{label}");
                    }

                    // The record says the same.
                    let chain = chain.expect("a RedirectChain in the extensions");
                    assert_eq!(chain.url().as_str(), server.url(&target), "{label}");
                    assert_eq!(chain.redirects(), 1, "{label}");
                    assert!(!chain.stopped(), "{label}");
                    let hop = chain.hop(0).expect("one hop");
                    assert_eq!(hop.status().as_u16(), status, "{label}");
                    assert_eq!(hop.from().as_str(), a.url(&start), "{label}");
                    assert_eq!(hop.to(), chain.url(), "{label}");
                    assert_eq!(hop.method(), want_method, "{label}");
                    assert_eq!(hop.body_resent(), body_kept, "{label}");
                    assert_eq!(hop.body_dropped(), !body_kept, "{label}");
                    match hop.method_change() {
                        Some(change) => {
                            assert_eq!(
                                (change.from.as_str(), change.to.as_str()),
                                (method, want_method),
                                "{label}"
                            );
                            let rule = if status == 303 {
                                MethodRule::SeeOther
                            } else {
                                MethodRule::PostToGet
                            };
                            assert_eq!(change.rule, rule, "{label}");
                        }
                        None => assert_eq!(method, want_method, "{label}"),
                    }
                    let removed: Vec<_> = hop
                        .removed_headers()
                        .iter()
                        .map(|r| (r.name().as_str(), r.reason()))
                        .collect();
                    let mut want = Vec::new();
                    if !body_kept {
                        want.push(("content-type", RemovalReason::BodyDropped));
                    }
                    if loc.cross_origin() {
                        want.push(("authorization", RemovalReason::CrossOrigin));
                    }
                    assert_eq!(removed, want, "{label}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 80);
}

/// A longer chain mixing every status, origins and Location forms, over both protocols:
/// POST -> 307 (other origin) -> 308 (relative) -> 302 (back to A) -> 303 -> 200.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_chain_across_two_origins() {
    for proto in Proto::ALL {
        let (a, b) = (Server::start().await, Server::start().await);
        a.redirect("/form", 307, &b.url("/b/one"));
        b.redirect("/b/one", 308, "two?x=1");
        b.redirect("/b/two?x=1", 302, &a.url("/back"));
        a.redirect("/back", 303, "/done#frag");
        let svc = ServiceBuilder::new()
            .layer(FollowRedirectLayer::new(Policy::fetch()))
            .service(client::<Full<Bytes>>(proto));
        let req = request(
            "POST",
            &a.url("/form"),
            &[("content-type", "text/plain"), ("cookie", "sid=1")],
            Full::from("payload"),
        );
        let res = svc.oneshot(req).await.expect("chain");
        assert_eq!(res.status(), 200);
        let chain = res.extensions().get::<RedirectChain>().unwrap().clone();
        assert_eq!(chain.url().as_str(), a.url("/done#frag"));
        let statuses: Vec<_> = chain.hops().map(|h| h.status().as_u16()).collect();
        assert_eq!(statuses, [307, 308, 302, 303]);
        let methods: Vec<_> = chain.hops().map(|h| h.method().as_str()).collect();
        assert_eq!(methods, ["POST", "POST", "GET", "GET"]);

        let one = &b.received_at("/b/one")[0];
        let two = &b.received_at("/b/two?x=1")[0];
        for got in [one, two] {
            assert_eq!(
                (got.method.as_str(), got.body_text().as_str()),
                ("POST", "payload")
            );
            assert_eq!(got.header("cookie"), "-", "the cookie stays on A");
            assert_eq!(got.version, proto.version());
        }
        let back = &a.received_at("/back")[0];
        assert_eq!(
            (back.method.as_str(), back.body_text().as_str()),
            ("GET", "")
        );
        assert_eq!(
            back.header("cookie"),
            "-",
            "Fetch: once removed, never restored"
        );
        let done = &a.received_at("/done")[0];
        assert_eq!(done.method, "GET");
        // The 302's record names the Cookie removed on the first hop, as earlier.
        let removed = chain.hop(2).expect("a third hop").removed_headers();
        assert!(
            removed.iter().any(|r| r.name() == "cookie"
                && r.earlier()
                && r.reason() == RemovalReason::CrossOrigin),
            "{removed:?}"
        );
    }
}

/// A body that cannot be copied (a stream) meets a 307: the policy answers. By default
/// `BodyNotReplayable`, and nothing is sent to the 307's target; with
/// `UnreplayableBody::Final` the 307 is the response. On a 303 the body is not needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_body_is_answered_per_policy() {
    for proto in Proto::ALL {
        let a = Server::start().await;
        a.redirect("/307", 307, "/target-307");
        a.redirect("/303", 303, "/target-303");
        let stream = || RequestBody::stream(Full::new(Bytes::from_static(b"streamed once")));

        let svc = ServiceBuilder::new()
            .layer(FollowRedirectLayer::new(Policy::fetch()))
            .service(client::<RequestBody>(proto));
        let err = svc
            .clone()
            .oneshot(request("POST", &a.url("/307"), &[], stream()))
            .await
            .expect_err("a streamed body cannot be sent again");
        assert!(
            matches!(
                err,
                Error::Redirect(redirects::Error::BodyNotReplayable { status: 307 })
            ),
            "{err:?}"
        );
        assert!(a.received_at("/target-307").is_empty());
        assert_eq!(a.received_at("/307")[0].body_text(), "streamed once");

        let res = svc
            .oneshot(request("POST", &a.url("/303"), &[], stream()))
            .await
            .expect("303 drops the body");
        assert_eq!(res.status(), 200);
        assert_eq!(a.received_at("/target-303")[0].method, "GET");

        let svc = ServiceBuilder::new()
            .layer(FollowRedirectLayer::new(
                Policy::fetch().with_unreplayable_body(UnreplayableBody::Final),
            ))
            .service(client::<RequestBody>(proto));
        let res = svc
            .oneshot(request("POST", &a.url("/307"), &[], stream()))
            .await
            .expect("the 307 is final");
        assert_eq!(res.status(), 307);
        assert_eq!(res.headers()["location"], "/target-307");
        let chain = res.extensions().get::<RedirectChain>().unwrap();
        assert_eq!((chain.redirects(), chain.stopped()), (0, false));
        assert!(a.received_at("/target-307").is_empty());

        // A body built from bytes is replayed by the same client type.
        let svc = ServiceBuilder::new()
            .layer(FollowRedirectLayer::new(Policy::fetch()))
            .service(client::<RequestBody>(proto));
        let res = svc
            .oneshot(request(
                "POST",
                &a.url("/307"),
                &[],
                RequestBody::from("bytes again"),
            ))
            .await
            .expect("bytes are replayed");
        assert_eq!(res.status(), 200);
        assert_eq!(a.received_at("/target-307")[0].body_text(), "bytes again");
    }
}

/// The hook has the core's powers: edit the next request, stop, refuse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hook_edits_stops_and_refuses() {
    let (a, b) = (Server::start().await, Server::start().await);
    a.redirect("/to-b", 302, &b.url("/b"));
    b.redirect("/b", 302, &a.url("/back-on-a"));
    let b_origin = format!("127.0.0.1:{}", b.addr.port());

    // Edit: the caller's cookie jar has a cookie for B only.
    let jar = {
        let b_origin = b_origin.clone();
        move |hop: &mut redirects::Redirect<'_>| {
            let next = hop.request().url();
            let here = format!(
                "{}:{}",
                next.host_str().unwrap_or(""),
                next.port().unwrap_or(80)
            );
            if here == b_origin {
                hop.set_header("Cookie", "jar=for-b").expect("valid header");
            }
            Action::Follow
        }
    };
    let svc = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::fetch()).on_redirect(jar))
        .service(client::<Full<Bytes>>(Proto::Http1));
    let res = svc
        .oneshot(request(
            "GET",
            &a.url("/to-b"),
            &[("cookie", "jar=for-a")],
            Full::default(),
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(b.received_at("/b")[0].header("cookie"), "jar=for-b");
    // The cookie the hook named for B is B's: it does not follow the chain back to A,
    // and A's own, removed on the way to B, does not come back.
    assert_eq!(a.received_at("/back-on-a")[0].header("cookie"), "-");

    // Stop: the 302 is the response, with its body.
    let svc = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::fetch()).on_redirect(
            |hop: &mut redirects::Redirect<'_>| {
                if hop.request().url().origin() == hop.from_url().origin() {
                    Action::Follow
                } else {
                    Action::Stop
                }
            },
        ))
        .service(client::<Full<Bytes>>(Proto::H2c));
    let before = b.received().len();
    let res = svc
        .oneshot(request("GET", &a.url("/to-b"), &[], Full::default()))
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let chain = res.extensions().get::<RedirectChain>().unwrap().clone();
    assert!(chain.stopped());
    assert_eq!(chain.url().as_str(), a.url("/to-b"));
    assert_eq!(text(res.into_body()).await.len(), 64, "the 3xx's own body");
    assert_eq!(b.received().len(), before, "nothing went to B");

    // Refuse.
    let svc = ServiceBuilder::new()
        .layer(
            FollowRedirectLayer::new(Policy::fetch())
                .on_redirect(|_: &mut redirects::Redirect<'_>| Action::Refuse("no redirects here")),
        )
        .service(client::<Full<Bytes>>(Proto::Http1));
    let err = svc
        .oneshot(request("GET", &a.url("/to-b"), &[], Full::default()))
        .await
        .unwrap_err();
    match &err {
        Error::Redirect(redirects::Error::Refused { status, reason }) => {
            assert_eq!((*status, *reason), (302, "no redirects here"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.redirect().map(|e| e.code()), Some("refused"));
    assert_eq!(b.received().len(), before);
}

/// The machine's errors end the chain before any request goes where they forbid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn machine_errors_are_typed() {
    let a = Server::start().await;
    a.redirect("/loop", 302, "/loop");
    a.redirect("/ftp", 301, "ftp://127.0.0.1/file");
    a.redirect("/bad-port", 302, "http://127.0.0.1:6000/x");
    let svc = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(
            Policy::fetch().with_max_redirects(3),
        ))
        .service(client::<Full<Bytes>>(Proto::Http1));
    let call = |path: &str| {
        let svc = svc.clone();
        let url = a.url(path);
        async move {
            svc.oneshot(request("GET", &url, &[], Full::default()))
                .await
        }
    };
    let err = call("/loop").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Redirect(redirects::Error::TooManyRedirects {
                limit: 3,
                status: 302
            })
        ),
        "{err:?}"
    );
    assert_eq!(a.received_at("/loop").len(), 4);
    let err = call("/ftp").await.unwrap_err();
    assert_eq!(err.redirect().map(|e| e.code()), Some("scheme_not_allowed"));
    let err = call("/bad-port").await.unwrap_err();
    assert_eq!(err.redirect().map(|e| e.code()), Some("blocked_port"));

    // The first request: the machine needs an absolute http(s) URI.
    let err = svc
        .clone()
        .oneshot(request("GET", "/relative", &[], Full::default()))
        .await
        .unwrap_err();
    assert_eq!(err.redirect().map(|e| e.code()), Some("invalid_request"));
    // The inner service's own error is `Inner`.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let err = svc
        .oneshot(request(
            "GET",
            &format!("http://{closed}/"),
            &[],
            Full::default(),
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Inner(_)), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
}

/// A response body that logs how it ends: read to its end, or dropped before.
struct Tracked {
    inner: hyper::body::Incoming,
    log: Log,
    what: String,
    read: usize,
    ended: bool,
}

type Log = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, hyper::Error>>> {
        let this = &mut *self;
        let frame = std::task::ready!(std::pin::Pin::new(&mut this.inner).poll_frame(cx));
        match &frame {
            Some(Ok(f)) => this.read += f.data_ref().map_or(0, Bytes::len),
            _ => {
                this.ended = true;
                this.log.lock().unwrap().push(format!(
                    "{}: read to its end ({} bytes)",
                    this.what, this.read
                ));
            }
        }
        std::task::Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if !self.ended {
            self.log
                .lock()
                .unwrap()
                .push(format!("{}: dropped after {} bytes", self.what, self.read));
        }
    }
}

/// Over HTTP/1.1 the redirect's body is read to its end before the next request goes out
/// (up to 64 KiB; a longer `Content-Length` is dropped unread), as a logging body between
/// the layer and the client shows: that is what lets a same-origin chain reuse its
/// connection. Over HTTP/2 a body not read costs a stream reset only: it is dropped
/// unread. (The drain may wait for the body here: a timer is given.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_bodies_are_drained_before_the_next_request() {
    let a = Server::start().await;
    for (path, next, len) in [
        ("/1", "/2", 16 * 1024),
        ("/2", "/3", 0),
        ("/3", "/4", 1024 * 1024),
    ] {
        a.route(
            path,
            common::Route {
                status: 302,
                location: Some(next.to_owned()),
                headers: Vec::new(),
                body_len: len,
            },
        );
    }
    for proto in Proto::ALL {
        let log: Log = Default::default();
        let (send_log, body_log) = (log.clone(), log.clone());
        let svc = ServiceBuilder::new()
            .layer(
                FollowRedirectLayer::new(Policy::fetch())
                    .drain_timer(tokio::time::sleep, std::time::Duration::from_secs(5)),
            )
            .map_request(move |req: http::Request<Full<Bytes>>| {
                send_log
                    .lock()
                    .unwrap()
                    .push(format!("send {}", req.uri().path()));
                req
            })
            .map_response(move |res: http::Response<hyper::body::Incoming>| {
                let log = body_log.clone();
                res.map(|inner| Tracked {
                    inner,
                    log,
                    what: "body".into(),
                    read: 0,
                    ended: false,
                })
            })
            .service(client::<Full<Bytes>>(proto));
        let before = a.connections();
        let res = svc
            .oneshot(request("GET", &a.url("/1"), &[], Full::default()))
            .await
            .unwrap();
        assert_eq!(
            res.extensions().get::<RedirectChain>().unwrap().redirects(),
            3
        );
        drop(res);
        let log = log.lock().unwrap().clone();
        let dropped_at = |line: &str| -> Option<usize> {
            line.strip_prefix("body: dropped after ")?
                .strip_suffix(" bytes")?
                .parse()
                .ok()
        };
        assert_eq!(log.len(), 8, "{proto:?}: {log:#?}");
        assert_eq!(log[0], "send /1");
        match proto {
            Proto::Http1 => assert_eq!(log[1], "body: read to its end (16384 bytes)"),
            Proto::H2c => assert_eq!(dropped_at(&log[1]), Some(0), "{}", log[1]),
        }
        assert_eq!(log[2], "send /2");
        // An empty body is at its end with the head: nothing to read.
        assert_eq!(dropped_at(&log[3]), Some(0), "{proto:?}: {}", log[3]);
        assert_eq!(log[4], "send /3");
        // Longer than 64 KiB by its Content-Length: dropped unread, before the next request.
        assert_eq!(dropped_at(&log[5]), Some(0), "{proto:?}: {}", log[5]);
        assert_eq!(log[6], "send /4");
        // The final response, which the test drops unread.
        assert_eq!(dropped_at(&log[7]), Some(0), "{proto:?}: {}", log[7]);
        let connections = a.connections() - before;
        eprintln!("{proto:?}: {connections} connection(s) for 4 requests");
        match proto {
            // Reused after the drained body; a new one after the dropped 1 MiB body.
            // (The pool may open a second connection while the first one goes back to
            // it, so not exactly 2.)
            Proto::Http1 => assert!((2..4).contains(&connections), "{connections}"),
            Proto::H2c => assert_eq!(connections, 1),
        }
    }
}

/// HTTP/2 responses carry no connection framing; the machine takes them as they are, and
/// a `Strict-Transport-Security`-free chain keeps `http`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_request_keeps_its_version_and_extensions() {
    #[derive(Clone, Debug, PartialEq)]
    struct Tag(&'static str);
    let a = Server::start().await;
    a.redirect("/x", 307, "/y");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = {
        let seen = seen.clone();
        tower::service_fn(move |req: http::Request<Full<Bytes>>| {
            seen.lock()
                .unwrap()
                .push((req.version(), req.extensions().get::<Tag>().cloned()));
            client::<Full<Bytes>>(Proto::H2c).oneshot(req)
        })
    };
    let svc = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::fetch()))
        .service(record);
    let mut req = request("PUT", &a.url("/x"), &[], Full::from("v"));
    *req.version_mut() = Version::HTTP_2;
    req.extensions_mut().insert(Tag("mine"));
    let res = svc.oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (Version::HTTP_2, Some(Tag("mine"))),
            (Version::HTTP_2, Some(Tag("mine")))
        ]
    );
    assert_eq!(a.received_at("/y")[0].body_text(), "v");
}
