//! The middleware over reqwest against in-test hyper servers on 127.0.0.1: the record,
//! the hook, bodies, the guard, and an `https` -> `http` hop through a fake server below
//! the middleware (no TLS here).

#[path = "../../redirects-tower/tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};

use common::Server;
use http::Extensions;
use redirects::{AddressSpace, Policy, UnreplayableBody};
use redirects_reqwest::{Action, Error, FollowRedirects, GuardedResolver, RedirectChain};
use reqwest_middleware::{ClientWithMiddleware, Middleware, Next};

fn client(middleware: FollowRedirects) -> ClientWithMiddleware {
    let inner = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    reqwest_middleware::ClientBuilder::new(inner)
        .with(middleware)
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_record_and_the_hooks_edit() {
    let a = Server::start().await;
    a.redirect("/a", 302, "/b");
    a.redirect("/b", 307, "/c#frag");
    let middleware = FollowRedirects::new(Policy::fetch()).on_redirect(|hop| {
        let token = format!("hop-{}", hop.number());
        hop.set_header("X-Token", &token).expect("valid header");
        Action::Follow
    });
    let res = client(middleware)
        .post(a.url("/a"))
        .body("data")
        .send()
        .await
        .expect("chain");
    assert_eq!(res.status(), 200);
    let chain = res
        .extensions()
        .get::<RedirectChain>()
        .expect("record")
        .clone();
    assert_eq!(chain.redirects(), 2);
    assert!(!chain.stopped());
    assert_eq!(chain.url().as_str(), a.url("/c#frag"));
    let hops: Vec<_> = chain.hops().collect();
    assert_eq!(
        (hops[0].status().as_u16(), hops[0].method().as_str()),
        (302, "GET")
    );
    assert!(hops[0].body_dropped());
    assert_eq!(
        (hops[1].status().as_u16(), hops[1].method().as_str()),
        (307, "GET")
    );
    assert_eq!(a.received_at("/b")[0].header("x-token"), "hop-1");
    assert_eq!(a.received_at("/c")[0].header("x-token"), "hop-2");
    assert_eq!(a.received_at("/c")[0].method, "GET");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hook_stops_and_refuses() {
    let a = Server::start().await;
    a.redirect("/a", 301, "/b");
    let stop = FollowRedirects::new(Policy::fetch()).on_redirect(|_| Action::Stop);
    let res = client(stop).get(a.url("/a")).send().await.expect("stopped");
    assert_eq!(res.status(), 301);
    let chain = res.extensions().get::<RedirectChain>().expect("record");
    assert!(chain.stopped());
    assert_eq!(chain.redirects(), 0);

    let refuse = FollowRedirects::new(Policy::fetch()).on_redirect(|_| Action::Refuse("no"));
    let err = client(refuse).get(a.url("/a")).send().await.unwrap_err();
    assert!(
        matches!(
            Error::of(&err),
            Some(Error::Redirect(redirects::Error::Refused { .. }))
        ),
        "{err:?}"
    );
    assert!(a.received_at("/b").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_body_on_307_under_final_returns_the_307() {
    let a = Server::start().await;
    a.redirect("/upload", 307, "/moved");
    let policy = Policy::fetch().with_unreplayable_body(UnreplayableBody::Final);
    let chunks: Vec<Result<&'static str, std::io::Error>> = vec![Ok("one "), Ok("two")];
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let res = client(FollowRedirects::new(policy))
        .post(a.url("/upload"))
        .body(body)
        .send()
        .await
        .expect("the 307");
    assert_eq!(res.status(), 307);
    assert_eq!(a.received_at("/upload")[0].body_text(), "one two");
    assert!(a.received_at("/moved").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guard_refuses_an_ip_literal_before_any_connection() {
    let a = Server::start().await;
    let guarded = FollowRedirects::new(Policy::strict()).guard(AddressSpace::Public);
    let err = client(guarded).get(a.url("/")).send().await.unwrap_err();
    let refused = redirects_reqwest::find_private_target(&err).expect("refused");
    assert_eq!(refused.space, AddressSpace::Local);
    assert_eq!(a.connections(), 0);
    // The control: a guard at Local lets loopback through.
    let local = FollowRedirects::new(Policy::strict()).guard(AddressSpace::Local);
    assert_eq!(
        client(local)
            .get(a.url("/"))
            .send()
            .await
            .expect("ok")
            .status(),
        200
    );
}

/// A `302` from an IP literal (no lookup) to `localhost`, a name that resolves to
/// loopback: the guarded resolver refuses it before any connection for that hop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resolver_refuses_a_name_resolving_to_loopback_on_a_later_hop() {
    let a = Server::start().await;
    let target = format!("http://localhost:{}/target", a.addr.port());
    a.redirect("/start", 302, &target);
    for (min, reached) in [(AddressSpace::Public, false), (AddressSpace::Local, true)] {
        let inner = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver::new(min)))
            .build()
            .expect("client");
        let client = reqwest_middleware::ClientBuilder::new(inner)
            .with(FollowRedirects::new(Policy::fetch()))
            .build();
        let result = client.get(a.url("/start")).send().await;
        if reached {
            assert_eq!(result.expect("reached").status(), 200);
        } else {
            let err = result.unwrap_err();
            let refused = redirects_reqwest::find_private_target(&err).expect("refused");
            assert_eq!(refused.space, AddressSpace::Local, "{err:?}");
            assert_eq!(&*refused.host, "localhost");
        }
        assert_eq!(
            a.received_at("/target").len(),
            usize::from(reached),
            "{min:?}"
        );
    }
}

/// A fake server below the middleware: answers each request from a table and records
/// what it was sent (here for `https`, which these tests do not serve).
#[derive(Clone, Default)]
struct Fake {
    /// Each request's URL and `Authorization`.
    seen: Arc<Mutex<Vec<Sent>>>,
}

type Sent = (String, Option<String>);

#[async_trait::async_trait]
impl Middleware for Fake {
    async fn handle(
        &self,
        req: reqwest::Request,
        _: &mut Extensions,
        _: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let auth = req
            .headers()
            .get("authorization")
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        self.seen
            .lock()
            .unwrap()
            .push((req.url().to_string(), auth));
        let res = match req.url().as_str() {
            "https://h.example:8443/login" => http::Response::builder()
                .status(302)
                .header("location", "http://h.example:8443/next")
                .body(""),
            _ => http::Response::builder().body("ok"),
        };
        Ok(reqwest::Response::from(res.expect("response")))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorization_after_https_to_http_on_the_same_host_and_port() {
    let fake = Fake::default();
    let inner = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let client = reqwest_middleware::ClientBuilder::new(inner)
        .with(FollowRedirects::new(Policy::fetch()))
        .with(fake.clone())
        .build();
    let res = client
        .get("https://h.example:8443/login")
        .bearer_auth("s3cret")
        .send()
        .await
        .expect("chain");
    assert_eq!(res.status(), 200);
    let seen = fake.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            (
                "https://h.example:8443/login".to_owned(),
                Some("Bearer s3cret".to_owned())
            ),
            ("http://h.example:8443/next".to_owned(), None),
        ]
    );
    let chain = res.extensions().get::<RedirectChain>().expect("record");
    let removed = chain.hop(0).expect("a hop").removed_headers();
    assert_eq!(removed[0].name(), "authorization");
    assert_eq!(removed[0].reason(), redirects::RemovalReason::CrossOrigin);
}
