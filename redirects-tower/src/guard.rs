//! Private targets at connection time (feature `hyper-util`): a connector for hyper-util's
//! client that refuses, before any connection, every address less public than a given
//! [`AddressSpace`].
//!
//! The machine sees host names only: under [`Policy::strict`](redirects::Policy::strict) it
//! refuses a redirect whose host is less public than the chain's first URL's
//! (`http://169.254.169.254/`, `http://localhost/`), but a name counts as public, and
//! `http://169.254.169.254.nip.io/` resolves to the metadata endpoint. The core says a
//! caller that wants SSRF protection MUST check every address it is about to connect to
//! ([`Follow::check_address`](redirects::Follow::check_address)); the layer does not
//! connect, its inner service does. [`GuardedConnector`] is that check where the
//! connections are made: an [`HttpConnector`] whose resolver ([`GuardedResolver`]) drops
//! every resolved address less public than the guard's space, by
//! [`AddressSpace::of_ip`] and the same order as `check_address` (`Local < Private <
//! Public`), and which refuses an IP-literal host (which `HttpConnector` connects to
//! without resolving) the same way. The connector connects to the addresses the guard let
//! through, from the one lookup it checked: there is no second lookup for a DNS rebinding
//! to answer differently.
//!
//! The guard's space is fixed when the client is built, not taken from each chain (a
//! connector sees only a URI): [`AddressSpace::Public`] for a client that follows
//! strangers' URLs (webhooks, crawlers, link previews), which then reaches only public
//! addresses, on every hop, the first included; [`AddressSpace::Private`] for one that
//! may reach the private network but never the host itself. A refusal fails the call with
//! the inner service's error, whose source chain holds the core's
//! [`Error::PrivateTarget`](redirects::Error::PrivateTarget) (with the address);
//! [`Error::private_target`](crate::Error::private_target) finds it.
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use hyper_util::client::legacy::Client;
//! use hyper_util::rt::TokioExecutor;
//! use redirects::{AddressSpace, Policy};
//! use redirects_tower::{FollowRedirectLayer, GuardedConnector};
//! use tower::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Only public addresses, whatever the names resolve to.
//! let connector = GuardedConnector::new(AddressSpace::Public);
//! let hyper_client = Client::builder(TokioExecutor::new()).build::<_, Full<Bytes>>(connector);
//! let client = ServiceBuilder::new()
//!     .layer(FollowRedirectLayer::new(Policy::strict()))
//!     .service(hyper_client);
//!
//! // Loopback is refused before any connection (here an IP literal; a name that resolves
//! // there is refused the same way).
//! let request = http::Request::get("http://127.0.0.1/").body(Full::default())?;
//! let err = client.oneshot(request).await.unwrap_err();
//! let refused = err.private_target().expect("refused by the guard");
//! assert_eq!(refused.space, AddressSpace::Local);
//! assert_eq!(refused.address, Some("127.0.0.1".parse()?));
//! # Ok(())
//! # }
//! ```
//!
//! Behind a proxy the connector reaches the proxy, and the proxy resolves the target: the
//! proxy has to enforce the same rule.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use pin_project_lite::pin_project;
use redirects::{AddressSpace, PrivateTarget};
use tower_service::Service;

use crate::body::BoxError;

/// The refusal of `address` (for `host`) under a guard of space `min`, if it is less
/// public: the rule of [`Follow::check_address`](redirects::Follow::check_address).
fn check(host: &str, address: IpAddr, min: AddressSpace) -> Result<(), redirects::Error> {
    let space = AddressSpace::of_ip(address);
    if space >= min {
        return Ok(());
    }
    Err(redirects::Error::PrivateTarget(Box::new(PrivateTarget {
        host: host.into(),
        address: Some(address),
        space,
        chain: min,
        // The connector does not know which request of which chain it connects for.
        status: None,
    })))
}

/// A resolver (a `tower::Service<Name>`, as hyper-util's [`HttpConnector`] takes) that
/// lets through only the addresses at least as public as its space, from what `R`
/// resolves: a name with none left fails with the core's
/// [`Error::PrivateTarget`](redirects::Error::PrivateTarget) for the first address it
/// refused. See [the module](crate::guard).
#[derive(Debug, Clone)]
pub struct GuardedResolver<R = GaiResolver> {
    inner: R,
    min: AddressSpace,
}

impl GuardedResolver {
    /// The system resolver (`getaddrinfo`), guarded.
    pub fn new(min: AddressSpace) -> Self {
        GuardedResolver::with_resolver(GaiResolver::new(), min)
    }
}

impl<R> GuardedResolver<R> {
    /// `resolver`, guarded.
    pub fn with_resolver(resolver: R, min: AddressSpace) -> Self {
        GuardedResolver {
            inner: resolver,
            min,
        }
    }

    /// The least public space it lets through.
    pub fn min_space(&self) -> AddressSpace {
        self.min
    }
}

impl<R> Service<Name> for GuardedResolver<R>
where
    R: Service<Name>,
    R::Response: Iterator<Item = SocketAddr>,
    R::Error: Into<BoxError>,
{
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = BoxError;
    type Future = Resolving<R::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        Resolving {
            host: name.as_str().into(),
            min: self.min,
            future: self.inner.call(name),
        }
    }
}

pin_project! {
    /// The future of a [`GuardedResolver`]'s lookup.
    pub struct Resolving<F> {
        #[pin]
        future: F,
        host: Box<str>,
        min: AddressSpace,
    }
}

impl<F> std::fmt::Debug for Resolving<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolving")
            .field("host", &self.host)
            .field("min", &self.min)
            .finish_non_exhaustive()
    }
}

impl<F, A, E> Future for Resolving<F>
where
    F: Future<Output = Result<A, E>>,
    A: Iterator<Item = SocketAddr>,
    E: Into<BoxError>,
{
    type Output = Result<std::vec::IntoIter<SocketAddr>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let addrs = ready!(this.future.poll(cx)).map_err(Into::into)?;
        let mut refused = None;
        let allowed: Vec<SocketAddr> = addrs
            .filter(|addr| match check(this.host, addr.ip(), *this.min) {
                Ok(()) => true,
                Err(e) => {
                    refused.get_or_insert(e);
                    false
                }
            })
            .collect();
        match refused {
            Some(e) if allowed.is_empty() => Poll::Ready(Err(Box::new(e))),
            _ => Poll::Ready(Ok(allowed.into_iter())),
        }
    }
}

/// A connector for hyper-util's legacy client that never connects to an address less
/// public than its space: an [`HttpConnector`] over a [`GuardedResolver`], which also
/// refuses an IP-literal host the connector would connect to without resolving. A refusal
/// is a connect error whose source is the core's
/// [`Error::PrivateTarget`](redirects::Error::PrivateTarget), with the address. See
/// [the module](crate::guard).
///
/// For `https`, wrap it in a TLS connector (hyper-rustls, hyper-tls) after
/// `connector.http_mut().enforce_http(false)`.
#[derive(Debug, Clone)]
pub struct GuardedConnector<R = GaiResolver> {
    http: HttpConnector<GuardedResolver<R>>,
    min: AddressSpace,
}

impl GuardedConnector {
    /// An [`HttpConnector`] over the system resolver, both guarded.
    pub fn new(min: AddressSpace) -> Self {
        GuardedConnector::with_resolver(GaiResolver::new(), min)
    }
}

impl<R> GuardedConnector<R> {
    /// An [`HttpConnector`] over `resolver`, both guarded.
    pub fn with_resolver(resolver: R, min: AddressSpace) -> Self {
        GuardedConnector {
            http: HttpConnector::new_with_resolver(GuardedResolver::with_resolver(resolver, min)),
            min,
        }
    }

    /// The least public space it connects to.
    pub fn min_space(&self) -> AddressSpace {
        self.min
    }

    /// The [`HttpConnector`], to set its options (`enforce_http`, `set_nodelay`,
    /// `set_connect_timeout`, ...).
    pub fn http_mut(&mut self) -> &mut HttpConnector<GuardedResolver<R>> {
        &mut self.http
    }
}

impl<R> Service<Uri> for GuardedConnector<R>
where
    HttpConnector<GuardedResolver<R>>: Service<Uri>,
    <HttpConnector<GuardedResolver<R>> as Service<Uri>>::Error: Into<BoxError>,
{
    type Response = <HttpConnector<GuardedResolver<R>> as Service<Uri>>::Response;
    type Error = BoxError;
    type Future = Connecting<<HttpConnector<GuardedResolver<R>> as Service<Uri>>::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        // An IP literal is connected to as it is: checked here, as the resolver checks
        // what names resolve to.
        let host = uri.host().unwrap_or("");
        let literal = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
        if let Ok(ip) = literal.unwrap_or(host).parse::<IpAddr>() {
            if let Err(e) = check(host, ip, self.min) {
                return Connecting {
                    state: ConnectingState::Refused {
                        error: Some(Box::new(e)),
                    },
                };
            }
        }
        Connecting {
            state: ConnectingState::Connecting {
                future: self.http.call(uri),
            },
        }
    }
}

pin_project! {
    /// The future of a [`GuardedConnector`]'s connection.
    pub struct Connecting<F> {
        #[pin]
        state: ConnectingState<F>,
    }
}

pin_project! {
    #[project = ConnectingProj]
    enum ConnectingState<F> {
        Refused { error: Option<BoxError> },
        Connecting { #[pin] future: F },
    }
}

impl<F> std::fmt::Debug for Connecting<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connecting").finish_non_exhaustive()
    }
}

impl<F, T, E> Future for Connecting<F>
where
    F: Future<Output = Result<T, E>>,
    E: Into<BoxError>,
{
    type Output = Result<T, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            ConnectingProj::Refused { error } => Poll::Ready(Err(error
                .take()
                .unwrap_or_else(|| "GuardedConnector's future polled again".into()))),
            ConnectingProj::Connecting { future } => future.poll(cx).map_err(Into::into),
        }
    }
}
