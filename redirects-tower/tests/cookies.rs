//! Cookies through the layer ([`FollowRedirectLayer::cookie_jar`]) over in-test hyper
//! servers, with the core's jar shared (`Arc<Mutex<redirects::Jar>>`) and, with the
//! feature `cookie-store`, with the `cookie_store` crate's store (`CookieStoreJar`):
//! a redirect's `Set-Cookie` reaches the next request, a cookie set by one host never
//! reaches another (`127.0.0.1` and `localhost`: cookies ignore ports, so two names), and
//! the shared store keeps the cookies after the chain.

mod common;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use common::{Proto, Route, Server, client, request};
use http::StatusCode;
use http_body_util::Full;
use redirects::{CookieJar, InvalidRequest, Jar, Policy, Url};
use redirects_tower::{Error, FollowRedirectLayer, RedirectChain};
use tower::{ServiceBuilder, ServiceExt};

/// A redirect from `path` to `location` that sets these cookies.
fn redirect_setting(server: &Server, path: &str, location: &str, cookies: &[&str]) {
    server.route(
        path,
        Route {
            status: 302,
            location: Some(location.to_owned()),
            headers: cookies
                .iter()
                .map(|c| ("set-cookie".to_owned(), (*c).to_owned()))
                .collect(),
            body_len: 8,
        },
    );
}

/// `server`'s URL with the host `localhost` instead of `127.0.0.1` (another host for
/// cookies, the same listener).
fn localhost(server: &Server, path: &str) -> String {
    format!("http://localhost:{}{path}", server.addr.port())
}

/// The `Cookie` the jar gives for `url` (what it holds for that host).
fn cookie_for<J: CookieJar>(jar: &mut J, url: &str) -> String {
    let mut out = Vec::new();
    jar.cookie_header(&Url::parse(url).unwrap(), &mut out);
    String::from_utf8(out).unwrap()
}

async fn get<J>(jar: &J, url: &str) -> Result<http::Response<hyper::body::Incoming>, String>
where
    J: CookieJar + Clone + Send + Sync + 'static,
{
    ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::fetch()).cookie_jar(jar.clone()))
        .service(client::<Full<Bytes>>(Proto::Http1))
        .oneshot(request("GET", url, &[], Full::default()))
        .await
        .map_err(|e| format!("{e:?}"))
}

/// A 302 with `Set-Cookie: sid=1`: the target gets `Cookie: sid=1`; the jar keeps it
/// after the chain, and the next chain's first request carries it.
async fn set_on_redirect_reaches_the_target<J>(mut jar: J)
where
    J: CookieJar + Clone + Send + Sync + 'static,
{
    let a = Server::start().await;
    redirect_setting(&a, "/login", "/home", &["sid=1; Path=/"]);
    let res = get(&jar, &a.url("/login")).await.expect("chain");
    assert_eq!(res.status(), StatusCode::OK);
    let chain = res.extensions().get::<RedirectChain>().unwrap();
    assert_eq!(chain.url().as_str(), a.url("/home"));
    assert_eq!(a.received_at("/login")[0].header("cookie"), "-");
    assert_eq!(a.received_at("/home")[0].header("cookie"), "sid=1");

    // The store is shared: the cookie outlives the chain.
    assert_eq!(cookie_for(&mut jar, &a.url("/")), "sid=1");
    get(&jar, &a.url("/again")).await.expect("second chain");
    assert_eq!(a.received_at("/again")[0].header("cookie"), "sid=1");
}

/// Host A (`127.0.0.1`) sets `a=1` and redirects to host B (`localhost`), which sets
/// `b=2` and redirects back to A: B never gets `a`, A never gets `b`.
async fn cookies_never_cross_hosts<J>(mut jar: J)
where
    J: CookieJar + Clone + Send + Sync + 'static,
{
    let a = Server::start().await;
    let b = Server::start().await;
    redirect_setting(&a, "/to-b", &localhost(&b, "/on-b"), &["a=1; Path=/"]);
    redirect_setting(&b, "/on-b", &a.url("/back"), &["b=2; Path=/"]);
    let res = get(&jar, &a.url("/to-b")).await.expect("chain");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.extensions()
            .get::<RedirectChain>()
            .unwrap()
            .hops()
            .len(),
        2
    );
    assert_eq!(b.received_at("/on-b")[0].header("cookie"), "-");
    assert_eq!(a.received_at("/back")[0].header("cookie"), "a=1");
    assert_eq!(cookie_for(&mut jar, &a.url("/")), "a=1");
    assert_eq!(cookie_for(&mut jar, &localhost(&b, "/")), "b=2");

    // A cookie with `Domain=localhost` set by 127.0.0.1 is refused, not stored.
    redirect_setting(
        &a,
        "/spoof",
        &localhost(&b, "/spoofed"),
        &["c=3; Domain=localhost"],
    );
    get(&jar, &a.url("/spoof")).await.expect("chain");
    assert_eq!(b.received_at("/spoofed")[0].header("cookie"), "b=2");
}

fn core_jar() -> Arc<Mutex<Jar>> {
    Arc::new(Mutex::new(Jar::new()))
}

#[tokio::test]
async fn core_jar_set_on_redirect_reaches_the_target() {
    set_on_redirect_reaches_the_target(core_jar()).await;
}

#[tokio::test]
async fn core_jar_cookies_never_cross_hosts() {
    cookies_never_cross_hosts(core_jar()).await;
}

#[cfg(feature = "cookie-store")]
#[tokio::test]
async fn cookie_store_set_on_redirect_reaches_the_target() {
    set_on_redirect_reaches_the_target(redirects_tower::CookieStoreJar::default()).await;
}

#[cfg(feature = "cookie-store")]
#[tokio::test]
async fn cookie_store_cookies_never_cross_hosts() {
    cookies_never_cross_hosts(redirects_tower::CookieStoreJar::default()).await;
}

/// The store after the chain is the caller's `cookie_store::CookieStore`: readable as
/// reqwest's is.
#[cfg(feature = "cookie-store")]
#[tokio::test]
async fn cookie_store_is_readable_after_the_chain() {
    let jar = redirects_tower::CookieStoreJar::default();
    let a = Server::start().await;
    redirect_setting(&a, "/set", "/done", &["sid=1; Path=/", "gone=1; Max-Age=0"]);
    get(&jar, &a.url("/set")).await.expect("chain");
    let store = jar.read();
    let names: Vec<_> = store
        .iter_unexpired()
        .map(|c| c.name().to_owned())
        .collect();
    assert_eq!(names, ["sid"]);
    assert!(store.contains("127.0.0.1", "/", "sid"));
}

/// The jar owns `Cookie`: a request that sets one is refused before it is sent.
#[tokio::test]
async fn a_caller_cookie_is_refused_with_a_jar() {
    let a = Server::start().await;
    let err = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::fetch()).cookie_jar(core_jar()))
        .service(client::<Full<Bytes>>(Proto::Http1))
        .oneshot(request(
            "GET",
            &a.url("/"),
            &[("cookie", "x=1")],
            Full::default(),
        ))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            Error::Redirect(redirects::Error::InvalidRequest(
                InvalidRequest::JarOwnsCookie
            ))
        ),
        "{err:?}"
    );
    assert!(a.received().is_empty());
}
