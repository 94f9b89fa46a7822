//! A [tower](https://docs.rs/tower) layer that follows HTTP redirects with the [`redirects`] state machine.
//!
//! [`FollowRedirectLayer`] wraps any `Service<http::Request<B>>` (a `hyper-util` client,
//! a `tower` stack) in [`FollowRedirect`], which follows the redirects it answers with as
//! a [`redirects::Policy`] says: what browsers do ([`Policy::fetch`](redirects::Policy::fetch)),
//! more strictly ([`Policy::strict`](redirects::Policy::strict)) or as `curl -L` does
//! ([`Policy::curl`](redirects::Policy::curl)). The machine decides everything about
//! each redirect: the method and body rewrite, which headers go (credentials never
//! return to an origin once removed), `Referer` and `Origin`, HSTS upgrades, limits,
//! schemes and ports; this crate does the I/O through the inner service.
//!
//! - The body is sent again on a `307`/`308` when it can be copied ([`Replay`]: a `Clone`
//!   body by default, a [`RequestBody`] built from bytes); when it cannot, the policy
//!   answers ([`Error::Redirect`] with [`redirects::Error::BodyNotReplayable`], or the
//!   3xx as the final response).
//! - A per-redirect hook ([`FollowRedirectLayer::on_redirect`], [`OnRedirect`]) gets the
//!   core's [`redirects::Redirect`] handle: it can edit the next request, stop or refuse.
//! - Errors are typed ([`Error`]); the final response carries a [`RedirectChain`] in its
//!   extensions: the final URL, and for each redirect the status, both URLs, the method,
//!   what was removed and why, the `Referer` decision, the HSTS upgrade.
//! - A redirect's body is drained only when the next request may reuse the connection,
//!   within a size bound ([`FollowRedirectLayer::max_drain`], 64 KiB) and a time bound
//!   ([`FollowRedirectLayer::drain_timer`]: a [`Timer`] of your runtime; without one, no
//!   waiting), and dropped otherwise: a stalled body never holds the chain (see
//!   [`FollowRedirect`]).
//! - Private targets under [`Policy::strict`](redirects::Policy::strict): the machine
//!   refuses a redirect to a less public host (`http://169.254.169.254/`, `localhost`);
//!   a name that *resolves* there (`169.254.169.254.nip.io`) can only be refused where
//!   the connection is made. With the feature `hyper-util`, build hyper-util's client with
//!   `GuardedConnector::new(AddressSpace::Public)` (module `guard`): every
//!   address of every hop is checked before connecting, and a refusal is
//!   [`Error::private_target`]. That is the way to use `strict` for URLs strangers give.
//!
//! - Cookies ([`FollowRedirectLayer::cookie_jar`]): each chain gets a clone of a shared
//!   jar (`Arc<Mutex<redirects::Jar>>`, or `CookieStoreJar` with the feature
//!   `cookie-store`: reqwest's `cookie_store`), stores every response's `Set-Cookie`
//!   against the URL that answered, redirects included, and sends each request the
//!   `Cookie` for its own URL: a cookie never reaches a host it does not match.
//!
//! Features: `tokio` (`TokioTimer`, tokio's sleep for the drain's time bound),
//! `hyper-util` (module `guard`: `GuardedConnector`, `GuardedResolver`) and `cookie-store`
//! (`CookieStoreJar` over the `cookie_store` crate); none by default, so the layer depends
//! on no runtime.
//!
//! ```
//! use bytes::Bytes;
//! use http::{Request, Response, StatusCode};
//! use http_body_util::Full;
//! use redirects::Policy;
//! use redirects_tower::{FollowRedirectLayer, RedirectChain};
//! use tower::{ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A service that redirects /old to /new with a 308 (a real one is a hyper-util client).
//! let inner = tower::service_fn(|req: Request<Full<Bytes>>| async move {
//!     let res = if req.uri().path() == "/old" {
//!         Response::builder().status(308).header("location", "/new").body(Full::<Bytes>::default())
//!     } else {
//!         Response::builder().body(Full::from(format!("{} {}", req.method(), req.uri())))
//!     };
//!     Ok::<_, http::Error>(res?)
//! });
//! let client = ServiceBuilder::new()
//!     .layer(FollowRedirectLayer::new(Policy::fetch()))
//!     .service(inner);
//!
//! let req = Request::post("http://example.test/old").body(Full::from("make=Volvo"))?;
//! let res = client.oneshot(req).await?;
//! assert_eq!(res.status(), StatusCode::OK);
//! let chain = res.extensions().get::<RedirectChain>().unwrap();
//! assert_eq!(chain.url().as_str(), "http://example.test/new");
//! let hop = chain.hop(0).expect("one redirect");
//! assert_eq!(hop.status(), StatusCode::PERMANENT_REDIRECT);
//! assert!(hop.body_resent());
//! # Ok(())
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod body;
#[cfg(feature = "cookie-store")]
mod cookies;
mod drain;
mod error;
mod future;
#[cfg(feature = "hyper-util")]
pub mod guard;
mod hook;
mod service;

pub use body::{BoxError, CloneBody, NoReplay, Replay, RequestBody};
/// The `cookie_store` crate (feature `cookie-store`), the version [`CookieStoreJar`] uses.
#[cfg(feature = "cookie-store")]
pub use cookie_store;
#[cfg(feature = "cookie-store")]
pub use cookies::CookieStoreJar;
#[cfg(feature = "tokio")]
pub use drain::TokioTimer;
pub use drain::{DEFAULT_DRAIN_WAIT, DEFAULT_MAX_DRAIN, NoTimer, Timer};
pub use error::{Error, find_private_target};
pub use future::ResponseFuture;
#[cfg(feature = "hyper-util")]
pub use guard::{GuardedConnector, GuardedResolver};
pub use hook::{Action, FollowAll, HookFn, OnRedirect};
pub use redirects::record::{Hop, Hops, RedirectChain, RemovedHeader};
pub use service::{FollowRedirect, FollowRedirectLayer};

/// The README's examples run as doctests too (with the feature `hyper-util`, which one of
/// them uses, and `cookie-store`: `cargo test --all-features` runs them).
#[cfg(all(doctest, feature = "hyper-util", feature = "cookie-store"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
