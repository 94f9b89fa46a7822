//! The layer and the service.

use std::fmt;
use std::mem;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use redirects::{CookieJar, Policy, Redirect};
use tower_layer::Layer;
use tower_service::Service;

use crate::body::{CloneBody, Replay};
use crate::drain::{Drain, NoTimer, Timer};
use crate::error::Error;
use crate::future::{Chain, ResponseFuture};
use crate::hook::{Action, FollowAll, HookFn, OnRedirect};

/// A [`Layer`] that wraps a service in [`FollowRedirect`].
///
/// ```
/// use redirects::Policy;
/// use redirects_tower::{Action, FollowRedirectLayer};
///
/// let layer = FollowRedirectLayer::new(Policy::fetch().with_max_redirects(5))
///     // Hand the 3xx to the user instead of leaving the first origin.
///     .on_redirect(|hop: &mut redirects::Redirect<'_>| {
///         if hop.request().url().origin() == hop.from_url().origin() {
///             Action::Follow
///         } else {
///             Action::Stop
///         }
///     });
/// # let _ = layer;
/// ```
#[derive(Debug, Clone)]
pub struct FollowRedirectLayer<H = FollowAll, R = CloneBody, T = NoTimer> {
    policy: Policy,
    hook: H,
    replay: R,
    drain: Drain<T>,
    jar: Option<JarSource>,
}

/// Makes each chain's cookie jar: a clone of the one given to
/// [`FollowRedirectLayer::cookie_jar`].
#[derive(Clone)]
pub(crate) struct JarSource(Arc<dyn Fn() -> Box<dyn CookieJar + Send + Sync> + Send + Sync>);

impl JarSource {
    pub(crate) fn jar(&self) -> Box<dyn CookieJar + Send + Sync> {
        (self.0)()
    }
}

impl fmt::Debug for JarSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JarSource(..)")
    }
}

impl FollowRedirectLayer {
    /// A layer that follows redirects as `policy` says ([`Policy::fetch`] is what browsers
    /// do), replays `Clone` bodies, follows every redirect the policy follows, and drains a
    /// redirect's body only as far as it has arrived, up to 64 KiB, when the next request
    /// may reuse the connection (see [`FollowRedirect`]).
    pub fn new(policy: Policy) -> Self {
        FollowRedirectLayer {
            policy,
            hook: FollowAll,
            replay: CloneBody,
            drain: Drain::default(),
            jar: None,
        }
    }
}

impl Default for FollowRedirectLayer {
    /// [`Policy::fetch`].
    fn default() -> Self {
        FollowRedirectLayer::new(Policy::fetch())
    }
}

impl<H, R, T> FollowRedirectLayer<H, R, T> {
    /// Decides every redirect the policy follows with `hook` (see [`OnRedirect`]): it gets
    /// the core's [`Redirect`] handle, may edit the next request's headers, and answers
    /// [`Action::Follow`], [`Action::Stop`] or [`Action::Refuse`]. The closure is cloned
    /// for each call of the service.
    pub fn on_redirect<F>(self, hook: F) -> FollowRedirectLayer<HookFn<F>, R, T>
    where
        F: FnMut(&mut Redirect<'_>) -> Action + Clone,
    {
        self.hook(HookFn(hook))
    }

    /// Decides every redirect the policy follows with an [`OnRedirect`] value.
    pub fn hook<H2>(self, hook: H2) -> FollowRedirectLayer<H2, R, T>
    where
        H2: OnRedirect + Clone,
    {
        FollowRedirectLayer {
            policy: self.policy,
            hook,
            replay: self.replay,
            drain: self.drain,
            jar: self.jar,
        }
    }

    /// Says how a request body is copied for the requests that send it again (see
    /// [`Replay`]; default [`CloneBody`]).
    pub fn replay<R2>(self, replay: R2) -> FollowRedirectLayer<H, R2, T> {
        FollowRedirectLayer {
            policy: self.policy,
            hook: self.hook,
            replay,
            drain: self.drain,
            jar: self.jar,
        }
    }

    /// At most this many bytes of a redirect's body are read (and thrown away) so that the
    /// next request can reuse the connection; a body longer than this (by its
    /// `Content-Length`, or once this many bytes were read) is dropped, and its HTTP/1.1
    /// connection with it. Default 64 KiB; `0` never drains (every redirect's body is
    /// dropped unread, as tower-http does).
    pub fn max_drain(mut self, bytes: u64) -> Self {
        self.drain.max_bytes = bytes;
        self
    }

    /// Lets a drain wait for a redirect's body up to `wait` (from the first frame that has
    /// not arrived), with `timer`'s sleeps ([`Timer`]: a closure over your runtime's sleep,
    /// or `TokioTimer` with the feature `tokio`). Without a timer
    /// ([`NoTimer`], the default) a drain never waits: it reads what has already arrived
    /// and drops the body at the first frame that has not.
    pub fn drain_timer<T2: Timer>(
        self,
        timer: T2,
        wait: Duration,
    ) -> FollowRedirectLayer<H, R, T2> {
        FollowRedirectLayer {
            policy: self.policy,
            hook: self.hook,
            replay: self.replay,
            drain: Drain {
                max_bytes: self.drain.max_bytes,
                wait,
                timer,
            },
            jar: self.jar,
        }
    }

    /// Gives every chain a cookie jar (RFC 6265bis): a clone of `jar`, given to the
    /// chain's machine with [`Follow::with_cookie_jar`](redirects::Follow::with_cookie_jar).
    /// Every response of the chain (redirects included) has its `Set-Cookie` fields stored
    /// against the URL that answered, and every request (the first included) carries the
    /// jar's `Cookie` for its URL, so a cookie goes only to the hosts it matches. The jar
    /// owns `Cookie`: a request that sets one itself fails
    /// ([`InvalidRequest::JarOwnsCookie`](redirects::InvalidRequest::JarOwnsCookie)).
    /// [`Redirect::cookies`] and `Final::cookies` say what the jar did on each hop.
    ///
    /// The clones should share one store, so that cookies outlive a chain:
    /// `Arc<Mutex<redirects::Jar>>` (the core's jar), or `CookieStoreJar` (feature
    /// `cookie-store`: the `cookie_store` crate's store, reqwest's).
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use redirects::{Jar, Policy};
    /// use redirects_tower::FollowRedirectLayer;
    ///
    /// let jar = Arc::new(Mutex::new(Jar::new()));
    /// let layer = FollowRedirectLayer::new(Policy::fetch()).cookie_jar(Arc::clone(&jar));
    /// # let _ = layer;
    /// // After some requests through the layer, `jar` holds what the servers set.
    /// assert!(jar.lock().unwrap().is_empty());
    /// ```
    pub fn cookie_jar<J>(mut self, jar: J) -> Self
    where
        J: CookieJar + Clone + Send + Sync + 'static,
    {
        self.jar = Some(JarSource(Arc::new(move || Box::new(jar.clone()))));
        self
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

impl<S, H, R, T> Layer<S> for FollowRedirectLayer<H, R, T>
where
    H: Clone,
    R: Clone,
    T: Clone,
{
    type Service = FollowRedirect<S, H, R, T>;

    fn layer(&self, inner: S) -> Self::Service {
        FollowRedirect {
            inner,
            policy: self.policy.clone(),
            hook: self.hook.clone(),
            replay: self.replay.clone(),
            drain: self.drain.clone(),
            jar: self.jar.clone(),
        }
    }
}

/// A [`Service`] that follows the redirects its inner service answers with, as a
/// [`Policy`] of the [`redirects`] machine says.
///
/// For each call, the first request goes to the inner service as it is (but for an
/// `https` upgrade of a known HSTS host). Every response head goes to the machine; while it
/// answers with a redirect, the hook decides it, the redirect's body is got rid of, and the
/// next request the machine describes is sent: method, absolute URI and headers as the
/// machine says, the first request's version and extensions, and the body again (a copy
/// made by the [`Replay`]) or `B::default()`. The final response (or a 3xx the policy or
/// the hook does not follow) is returned with a [`RedirectChain`](crate::RedirectChain) in
/// its extensions.
///
/// The request's URI must be absolute (`http` or `https`), as a client service's is.
///
/// # Redirect bodies
///
/// A redirect's body is read to its end (and thrown away) only when that can help: when
/// the machine says the next request may go on the same connection
/// ([`Redirect::can_reuse_connection`]: same origin, a persistent HTTP/1.x connection with
/// trustworthy framing), so that the connection goes back to the pool. Then it is drained
/// within bounds: at most [`max_drain`](FollowRedirectLayer::max_drain) bytes (64 KiB; a
/// longer `Content-Length` is not read at all) and, once a frame has not arrived, at most
/// the wait of the [`drain_timer`](FollowRedirectLayer::drain_timer) (none without a timer:
/// what has arrived is read, the rest is not waited for). Past a bound, or when reuse is
/// not possible (another origin, `Connection: close`, HTTP/2), the body is dropped
/// unread before the next request, as tower-http does: a stalled body never holds the
/// chain.
///
/// # Private targets
///
/// Under [`Policy::strict`] the machine refuses a redirect to a host less public than the
/// first URL's; a name that resolves into a private network can only be refused where the
/// connection is made, which is the inner service. For hyper-util's client, build it with
/// a `GuardedConnector` (feature `hyper-util`, module `guard`): every resolved address of
/// every hop is checked before connecting, and a refusal is
/// [`Error::private_target`](crate::Error::private_target).
#[derive(Debug, Clone)]
pub struct FollowRedirect<S, H = FollowAll, R = CloneBody, T = NoTimer> {
    inner: S,
    policy: Policy,
    hook: H,
    replay: R,
    drain: Drain<T>,
    jar: Option<JarSource>,
}

impl<S> FollowRedirect<S> {
    /// Wraps `inner` with `policy`, the default hook and body replay.
    pub fn new(inner: S, policy: Policy) -> Self {
        FollowRedirectLayer::new(policy).layer(inner)
    }

    /// A [`FollowRedirectLayer`] with `policy`.
    pub fn layer(policy: Policy) -> FollowRedirectLayer {
        FollowRedirectLayer::new(policy)
    }
}

impl<S, H, R, T> FollowRedirect<S, H, R, T> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, unwrapped.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }
}

impl<S, B, ResBody, H, R, T> Service<Request<B>> for FollowRedirect<S, H, R, T>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone,
    B: http_body::Body + Default,
    ResBody: http_body::Body,
    H: OnRedirect + Clone,
    R: Replay<B> + Clone,
    T: Timer + Clone,
{
    type Response = Response<ResBody>;
    type Error = Error<S::Error>;
    type Future = ResponseFuture<S, B, ResBody, H, R, T>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Error::Inner)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The service that was polled ready takes the first request; the clone stays.
        let clone = self.inner.clone();
        let service = mem::replace(&mut self.inner, clone);
        match Chain::start(
            &mut request,
            self.policy.clone(),
            self.hook.clone(),
            self.replay.clone(),
            self.jar.as_ref(),
        ) {
            Ok(chain) => ResponseFuture::calling(service, request, chain, self.drain.clone()),
            Err(e) => ResponseFuture::failed(service, Error::Redirect(e), self.drain.clone()),
        }
    }
}
