//! Under `strict`, a redirect to a name that resolves into a private network must not
//! reach it. The layer does not connect; hyper-util's client through a `GuardedConnector`
//! checks every resolved address of every hop before connecting.
//!
//! The names resolve with a static in-test resolver (under the guard, as the system
//! resolver is by default): `evil.test` to `127.0.0.1`, where an in-test server counts
//! the connections it accepts. The first hop, `http://public.test/`, is answered in
//! process (a stand-in for a server on the internet); every other request goes through
//! the real client.

mod common;

use std::collections::HashMap;
use std::future::{Ready, ready};
use std::net::{IpAddr, SocketAddr};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::client::legacy::connect::{Connect, HttpConnector};
use hyper_util::rt::TokioExecutor;
use redirects::{AddressSpace, Policy};
use redirects_tower::{FollowRedirectLayer, GuardedConnector, GuardedResolver};
use tower::{Service, ServiceBuilder, ServiceExt};

/// Names to addresses, as a resolver of hyper-util's `HttpConnector` (the connector sets
/// the port).
#[derive(Clone, Debug, Default)]
struct StaticResolver(HashMap<&'static str, Vec<IpAddr>>);

impl StaticResolver {
    fn with(mut self, name: &'static str, ips: &[&str]) -> Self {
        self.0
            .insert(name, ips.iter().map(|ip| ip.parse().unwrap()).collect());
        self
    }
}

impl Service<Name> for StaticResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Ready<Result<Self::Response, std::io::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), std::io::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        ready(match self.0.get(name.as_str()) {
            Some(ips) => Ok(ips
                .iter()
                .map(|ip| SocketAddr::new(*ip, 0))
                .collect::<Vec<_>>()
                .into_iter()),
            None => Err(std::io::Error::other(format!("no such name {name}"))),
        })
    }
}

type Body = BoxBody<Bytes, hyper::Error>;

/// `http://public.test/start` answers `302` to `location` in process; every other request
/// goes through hyper-util's client over `connector` (HTTP/1.1).
fn chain<C>(
    connector: C,
    location: String,
) -> impl Service<
    Request<Full<Bytes>>,
    Response = Response<Body>,
    Error = redirects_tower::Error<hyper_util::client::legacy::Error>,
    Future = impl Send,
> + Clone
where
    C: Connect + Clone + Send + Sync + 'static,
{
    let client = Client::builder(TokioExecutor::new()).build::<_, Full<Bytes>>(connector);
    let inner = tower::service_fn(move |req: Request<Full<Bytes>>| {
        let client = client.clone();
        let location = location.clone();
        async move {
            if req.uri().host() == Some("public.test") {
                let empty = Full::default().map_err(|never| match never {}).boxed();
                return Ok(Response::builder()
                    .status(302)
                    .header("location", location)
                    .header("content-length", "0")
                    .body(empty)
                    .unwrap());
            }
            Ok(client.oneshot(req).await?.map(BodyExt::boxed))
        }
    });
    ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::strict()))
        .service(inner)
}

fn start() -> Request<Full<Bytes>> {
    Request::get("http://public.test/start")
        .body(Full::default())
        .unwrap()
}

/// A `302` to a public-looking name that resolves to `127.0.0.1`, under `strict`, with the
/// guarded connector of a client for strangers' URLs (`Public`): refused before any
/// connection, with a typed error naming the address; the listener counts no connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_5_strict_never_connects_to_a_name_that_resolves_into_a_private_network() {
    let server = common::Server::start().await;
    let port = server.addr.port();
    let resolver = StaticResolver::default().with("evil.test", &["127.0.0.1"]);
    let connector = GuardedConnector::with_resolver(resolver, AddressSpace::Public);

    let err = chain(
        connector.clone(),
        format!("http://evil.test:{port}/metadata"),
    )
    .oneshot(start())
    .await
    .expect_err("the redirect reached a private address");
    let refused = err.private_target().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(&*refused.host, "evil.test");
    assert_eq!(refused.address, Some("127.0.0.1".parse().unwrap()));
    assert_eq!(
        (refused.space, refused.chain),
        (AddressSpace::Local, AddressSpace::Public)
    );
    assert!(matches!(err, redirects_tower::Error::Inner(_)), "{err:?}");
    assert_eq!(server.connections(), 0);
    assert!(server.received().is_empty());

    // An IP literal is connected to without resolving: the connector refuses it too (here
    // as the first URL; the machine refuses it as a redirect's target under `strict`).
    let literal = Request::get(server.url("/direct"))
        .body(Full::default())
        .unwrap();
    let err = chain(connector, String::new())
        .oneshot(literal)
        .await
        .expect_err("the first request reached a private address");
    let refused = err.private_target().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(&*refused.host, "127.0.0.1");
    assert_eq!(refused.space, AddressSpace::Local);
    // And an IPv6 literal, as a redirect's target under `fetch` (which lets the machine
    // follow it: the connector is what refuses).
    let connector =
        GuardedConnector::with_resolver(StaticResolver::default(), AddressSpace::Public);
    let client = Client::builder(TokioExecutor::new()).build::<_, Full<Bytes>>(connector);
    let err = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::fetch()))
        .service(client)
        .oneshot(
            Request::get(format!("http://[::1]:{port}/v6"))
                .body(Full::default())
                .unwrap(),
        )
        .await
        .expect_err("an IPv6 loopback literal got through");
    let refused = err.private_target().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(refused.address, Some("::1".parse().unwrap()));
    assert_eq!(server.connections(), 0);
}

/// The controls: the same chain reaches the listener with the guard at `Local` (every
/// address allowed), and without a guard (what the layer did on its own before: the
/// machine sees a public-looking name and follows it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finding_5_a_name_that_resolves_to_an_allowed_address_still_connects() {
    let server = common::Server::start().await;
    let port = server.addr.port();
    let resolver = StaticResolver::default().with("evil.test", &["127.0.0.1"]);
    let location = format!("http://evil.test:{port}/metadata");

    let connector = GuardedConnector::with_resolver(resolver.clone(), AddressSpace::Local);
    let res = chain(connector, location.clone())
        .oneshot(start())
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(server.connections(), 1);
    assert_eq!(server.received_at("/metadata").len(), 1);

    let unguarded = HttpConnector::new_with_resolver(resolver);
    let res = chain(unguarded, location).oneshot(start()).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(server.received_at("/metadata").len(), 2);
}

/// The resolver keeps the allowed addresses of a name and drops the others (the connector
/// only ever sees the kept ones); a name with none left is refused with the first address
/// it dropped.
#[tokio::test]
async fn finding_5_the_guarded_resolver_drops_every_address_less_public_than_its_space() {
    let resolver = StaticResolver::default()
        .with(
            "mixed.test",
            &["127.0.0.1", "93.184.215.14", "::ffff:10.0.0.1"],
        )
        .with("metadata.test", &["169.254.169.254", "::1"]);
    let mut guarded = GuardedResolver::with_resolver(resolver, AddressSpace::Public);
    let name = |s: &str| s.parse::<Name>().unwrap();

    let kept: Vec<_> = guarded
        .ready()
        .await
        .unwrap()
        .call(name("mixed.test"))
        .await
        .unwrap()
        .collect();
    assert_eq!(kept, ["93.184.215.14:0".parse::<SocketAddr>().unwrap()]);

    let err = guarded
        .ready()
        .await
        .unwrap()
        .call(name("metadata.test"))
        .await
        .unwrap_err();
    let err = err.downcast::<redirects::Error>().unwrap();
    let redirects::Error::PrivateTarget(refused) = *err else {
        panic!("{err:?}")
    };
    assert_eq!(refused.address, Some("169.254.169.254".parse().unwrap()));
    assert_eq!(
        (refused.space, refused.chain),
        (AddressSpace::Private, AddressSpace::Public)
    );
}
