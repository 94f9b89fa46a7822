//! A [`reqwest-middleware`](https://docs.rs/reqwest-middleware) middleware that follows HTTP
//! redirects with the [`redirects`] state machine, over a reqwest client that follows none
//! itself.
//!
//! reqwest's own `redirect::Policy::custom` sees a status and URLs: it cannot edit the
//! next request's headers, see the redirect's response, or change which headers are
//! dropped. [`FollowRedirects`] takes the redirects away from reqwest (build the client
//! with `redirect::Policy::none()`: reqwest hands every 3xx back) and drives
//! [`redirects::Follow`] hop by hop: each request goes out through the rest of the
//! middleware stack and reqwest's client (its pool, TLS, proxies and cookie store serve
//! every hop), each response head goes to the machine, and the machine decides the next
//! request: the method and body rewrite, which headers go (credentials never return to an
//! origin once removed), `Referer` and `Origin`, HSTS upgrades, limits, schemes, bad
//! ports and, under [`Policy::strict`](redirects::Policy::strict), private targets.
//!
//! - **Bodies**: on a `307`/`308` the body is sent again when reqwest can copy it
//!   ([`reqwest::Request::try_clone`]: bytes, text, JSON, forms). A streamed body cannot
//!   be: it is declared streamed to the machine, which answers as the policy says
//!   ([`redirects::Error::BodyNotReplayable`] by default, or the 3xx as the final response
//!   with `Policy::with_unreplayable_body(UnreplayableBody::Final)`).
//! - **A hook per redirect** ([`FollowRedirects::on_redirect`]) gets the core's
//!   [`redirects::Redirect`] handle: it sees the redirect's response, can edit the next
//!   request's headers, and answers [`Action::Follow`], [`Action::Stop`] (the 3xx is
//!   returned) or [`Action::Refuse`].
//! - **The record**: every response the middleware returns carries a [`RedirectChain`] in
//!   its extensions (the final URL; per hop the status, both URLs, the method, what was
//!   removed and why, the `Referer` decision, the HSTS upgrade).
//! - **Private targets on every hop**: the machine refuses a redirect to a less public
//!   host than the first URL's under `strict`, by the host a URL names. For the addresses
//!   names *resolve* to, build the client with [`GuardedResolver`] (reqwest's
//!   `ClientBuilder::dns_resolver`) and give the middleware the same space
//!   ([`FollowRedirects::guard`], which refuses IP-literal hosts, which reqwest connects
//!   to without resolving): every address of every hop is checked before connecting.
//! - **Errors**: the machine's refusals are [`reqwest_middleware::Error::Middleware`]
//!   around an [`Error`] ([`Error::of`] finds it); reqwest's own errors pass unchanged;
//!   [`find_private_target`] finds a private target refused by the machine, the middleware
//!   or the resolver.
//!
//! ```no_run
//! use redirects::Policy;
//! use redirects_reqwest::{FollowRedirects, RedirectChain};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let reqwest_client = reqwest::Client::builder()
//!     .redirect(reqwest::redirect::Policy::none())
//!     .build()?;
//! let client = reqwest_middleware::ClientBuilder::new(reqwest_client)
//!     .with(FollowRedirects::new(Policy::fetch()))
//!     .build();
//!
//! let response = client.post("http://127.0.0.1:8080/form").body("make=Volvo").send().await?;
//! let chain = response.extensions().get::<RedirectChain>().expect("always there");
//! println!("{} from {} after {} redirects", response.status(), chain.url(), chain.redirects());
//! # Ok(())
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod guard;

use std::sync::Arc;

use http::Extensions;
use redirects::record::Recorder;
use redirects::{AddressSpace, Body, Event, Follow, OutgoingRequest, Policy, Redirect};
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

pub use error::{Error, find_private_target};
pub use guard::GuardedResolver;
pub use redirects::record::{Hop, Hops, RedirectChain, RemovedHeader};

/// What the hook says about one redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Send the next request (as the machine built it, with the hook's edits).
    Follow,
    /// Return this 3xx as the final response (its [`RedirectChain`] says `stopped`).
    Stop,
    /// End the chain with [`redirects::Error::Refused`] and this reason.
    Refuse(&'static str),
}

type Hook = dyn Fn(&mut Redirect<'_>) -> Action + Send + Sync;

/// The middleware: follows redirects as its [`Policy`] says. See [the crate](crate).
///
/// The reqwest client under it must not follow redirects itself
/// (`ClientBuilder::redirect(reqwest::redirect::Policy::none())`): with reqwest's default
/// policy, reqwest follows them before the middleware sees a 3xx, by reqwest's rules.
#[derive(Clone)]
pub struct FollowRedirects {
    policy: Policy,
    hook: Option<Arc<Hook>>,
    guard: Option<AddressSpace>,
}

impl std::fmt::Debug for FollowRedirects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FollowRedirects")
            .field("policy", &self.policy)
            .field("hook", &self.hook.is_some())
            .field("guard", &self.guard)
            .finish()
    }
}

impl FollowRedirects {
    /// Follows redirects as `policy` says: [`Policy::fetch`](redirects::Policy::fetch)
    /// (what browsers do), [`Policy::strict`](redirects::Policy::strict),
    /// [`Policy::curl`](redirects::Policy::curl), or one with your values.
    pub fn new(policy: Policy) -> Self {
        FollowRedirects {
            policy,
            hook: None,
            guard: None,
        }
    }

    /// Calls `hook` on every redirect, after the machine built the next request and before
    /// it is sent: it gets the core's [`Redirect`] handle (the redirect's response, the
    /// next request, what changed and why) and may edit the next request's headers.
    pub fn on_redirect<F>(mut self, hook: F) -> Self
    where
        F: Fn(&mut Redirect<'_>) -> Action + Send + Sync + 'static,
    {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Refuses, before it is sent, every request of a chain (the first one included) whose
    /// host is an IP address less public than `min`, with the core's
    /// [`redirects::Error::PrivateTarget`]. reqwest connects to an IP-literal host without
    /// resolving it; names go through the resolver: give the client a
    /// [`GuardedResolver`] of the same space, and every address of every hop is checked.
    pub fn guard(mut self, min: AddressSpace) -> Self {
        self.guard = Some(min);
        self
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    async fn follow(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let disposition = match request.body() {
            None => Body::None,
            Some(body) if body.as_bytes().is_some_and(<[u8]>::is_empty) => Body::None,
            Some(_) if request.try_clone().is_some() => Body::Replayable,
            Some(_) => Body::Streamed,
        };
        // The copy each request that sends the body again is cloned from.
        let stash = match disposition {
            Body::Replayable => request.try_clone(),
            _ => None,
        };
        let mut follow = start(&request, disposition, self.policy.clone())?;
        if follow.hsts_upgrade().is_some() {
            *request.url_mut() = strip_fragment(follow.request().url());
        }
        let (version, timeout) = (request.version(), request.timeout().copied());
        let mut recorder = Recorder::new();
        loop {
            self.check_literal(request.url())?;
            let mut response = next.clone().run(request, extensions).await?;
            let status = response.status();
            let head = response_head(&response);
            let outcome = match follow
                .handle_http_response(&head)
                .map_err(Error::Redirect)?
            {
                Event::NeedData => return Err(Error::Interim(status).into()),
                Event::Final(_) => Err(false),
                Event::Redirect(mut redirect) => {
                    let action = match &self.hook {
                        Some(hook) => hook(&mut redirect),
                        None => Action::Follow,
                    };
                    match action {
                        Action::Follow => {
                            let out = redirect.request();
                            let mut next_request = reqwest_request(&out).map_err(Error::Request)?;
                            if out.sends_body() {
                                let copy = stash.as_ref().and_then(Request::try_clone);
                                let body = copy.and_then(|mut c| c.body_mut().take());
                                *next_request.body_mut() = Some(body.ok_or(Error::ReplayFailed)?);
                            }
                            recorder.record(&redirect, next_request.method().clone());
                            // Take the redirect: `next_request` goes out next, and its
                            // response is the next one the machine reads.
                            redirect.follow();
                            Ok(next_request)
                        }
                        Action::Stop => {
                            redirect.stop();
                            Err(true)
                        }
                        Action::Refuse(reason) => {
                            return Err(Error::Redirect(redirect.refuse(reason)).into());
                        }
                    }
                }
            };
            match outcome {
                Ok(mut next_request) => {
                    *next_request.version_mut() = version;
                    *next_request.timeout_mut() = timeout;
                    // The redirect's body is not read (as reqwest does with its own
                    // policy): a body that stalls never holds the chain.
                    drop(response);
                    request = next_request;
                }
                Err(stopped) => {
                    response
                        .extensions_mut()
                        .insert(recorder.finish(follow, stopped));
                    return Ok(response);
                }
            }
        }
    }

    fn check_literal(&self, url: &reqwest::Url) -> Result<(), Error> {
        let (Some(min), Some(host)) = (self.guard, url.host_str()) else {
            return Ok(());
        };
        // The URL parser writes IPv4 hosts in dotted form and IPv6 ones in brackets: a
        // name never parses as an address.
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        match bare.parse::<std::net::IpAddr>() {
            Ok(ip) => guard::check(host, ip, min).map_err(Error::Redirect),
            Err(_) => Ok(()),
        }
    }
}

#[async_trait::async_trait]
impl Middleware for FollowRedirects {
    async fn handle(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        self.follow(request, extensions, next).await
    }
}

/// The machine, started with the first request.
fn start(request: &Request, body: Body, policy: Policy) -> Result<Follow, Error> {
    let method = redirects::Method::try_from(request.method()).map_err(redirects::Error::from)?;
    let mut first = redirects::Request::from_url(method, request.url().clone()).body(body);
    for (name, value) in request.headers() {
        first.push_header(name.as_str(), value.as_bytes())?;
    }
    Ok(Follow::new(first, policy)?)
}

/// The URL without its fragment (never sent).
fn strip_fragment(url: &reqwest::Url) -> reqwest::Url {
    let mut url = url.clone();
    url.set_fragment(None);
    url
}

/// A response's head as the machine reads it (status, version, fields).
fn response_head(response: &Response) -> http::Response<()> {
    let mut head = http::Response::new(());
    *head.status_mut() = response.status();
    *head.version_mut() = response.version();
    *head.headers_mut() = response.headers().clone();
    head
}

/// The request the machine describes, without a body.
fn reqwest_request(next: &OutgoingRequest<'_>) -> Result<Request, http::Error> {
    let method = http::Method::try_from(next.method()).map_err(http::Error::from)?;
    let mut headers = http::HeaderMap::with_capacity(next.headers().size_hint().0);
    for (name, value) in next.headers() {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes())?,
            http::HeaderValue::from_bytes(value)?,
        );
    }
    let mut request = Request::new(method, strip_fragment(next.url()));
    *request.headers_mut() = headers;
    Ok(request)
}

/// The README's examples run as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
