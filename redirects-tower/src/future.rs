//! The response future: one chain, driven by the machine.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Buf;
use http::uri::{self, Authority, PathAndQuery, Scheme};
use http::{Extensions, HeaderName, HeaderValue, Request, Response, Uri, Version};
use http_body::Body as HttpBody;
use pin_project_lite::pin_project;
use redirects::record::Recorder;
use redirects::{Body, Event, Follow, OutgoingRequest, Policy};
use tower_service::Service;

use crate::body::Replay;
use crate::drain::{Drain, Timer};
use crate::error::Error;
use crate::hook::{Action, OnRedirect};
use crate::service::JarSource;

/// One chain's state apart from the I/O: the machine, the hook, the body copy.
pub(crate) struct Chain<B, H, R> {
    /// Boxed: the future is moved several times between `call` and its first poll, and a
    /// pointer moves for less than the 920-byte machine (a block glibc's per-thread cache
    /// serves: about 200 instructions less per request on the 2-hop bench).
    follow: Box<Follow>,
    hook: H,
    replay: R,
    /// The copy of a replayable body, from which each request that sends it again gets
    /// its own.
    stash: Option<B>,
    version: Version,
    extensions: Extensions,
    /// The authority of the last request sent, when known.
    authority: Option<Authority>,
    /// The first request's header names as `http` has them (after the jar's `Cookie`): a
    /// next request's field of the same name takes a clone rather than a parse.
    names: Vec<HeaderName>,
    /// What each redirect followed changed; the URLs come from the machine at the end.
    hops: Recorder,
}

/// What a response leads to.
enum Step<B, ResBody> {
    /// Return it, with the chain's record ([`Chain::finish`]); `stopped` if it is a
    /// redirect the hook stopped.
    Final {
        response: Response<ResBody>,
        stopped: bool,
    },
    /// Get rid of this body (drained if `reuse`: the next request may go on the connection
    /// that carried it), then send this request.
    Next {
        next: Request<B>,
        body: ResBody,
        reuse: bool,
    },
}

impl<B, H, R> Chain<B, H, R>
where
    B: HttpBody + Default,
    H: OnRedirect,
    R: Replay<B>,
{
    /// Starts the machine with the first request; rewrites its URI if the machine sends
    /// it elsewhere (an `https` upgrade of a known HSTS host).
    pub(crate) fn start(
        request: &mut Request<B>,
        policy: Policy,
        hook: H,
        replay: R,
        jar: Option<&JarSource>,
    ) -> Result<Self, redirects::Error> {
        let body = request.body();
        let (disposition, stash) = if body.is_end_stream() || body.size_hint().exact() == Some(0) {
            (Body::None, None)
        } else {
            match replay.replay(body) {
                Some(copy) => (Body::Replayable, Some(copy)),
                None => (Body::Streamed, None),
            }
        };
        let first = redirects::Request::try_from(&*request)?.body(disposition);
        let mut follow = Follow::new(first, policy)?;
        if let Some(jar) = jar {
            follow = follow.with_cookie_jar(jar.jar())?;
            // The first request goes as the caller made it, with the jar's `Cookie` (the
            // jar owns it: the caller's request has none).
            if let Some(value) = follow.request().header("cookie") {
                if let Ok(value) = http::HeaderValue::from_bytes(value) {
                    request.headers_mut().insert(http::header::COOKIE, value);
                }
            }
        }
        if follow.hsts_upgrade().is_some() {
            if let Ok(upgraded) = follow.request().to_http_request() {
                *request.uri_mut() = upgraded.uri().clone();
            }
        }
        Ok(Chain {
            follow: Box::new(follow),
            hook,
            replay,
            stash,
            version: request.version(),
            extensions: request.extensions().clone(),
            authority: request.uri().authority().cloned(),
            names: request.headers().keys().cloned().collect(),
            hops: Recorder::new(),
        })
    }

    /// Ends the chain: its record goes into the final response's extensions, with the
    /// machine's URLs taken, not cloned.
    fn finish<ResBody>(self, response: &mut Response<ResBody>, stopped: bool) {
        let chain = self.hops.finish(*self.follow, stopped);
        response.extensions_mut().insert(chain);
    }

    /// Gives one response head to the machine and acts on its answer.
    fn on_response<ResBody, E>(
        &mut self,
        response: Response<ResBody>,
    ) -> Result<Step<B, ResBody>, Error<E>> {
        let Chain {
            follow,
            hook,
            replay,
            stash,
            version,
            extensions,
            authority,
            names,
            hops,
        } = self;
        let status = response.status();
        match follow.handle_http_response(&response)? {
            Event::NeedData => Err(Error::Interim(status)),
            Event::Final(_) => Ok(Step::Final {
                response,
                stopped: false,
            }),
            Event::Redirect(mut redirect) => {
                match hook.on_redirect(&mut redirect) {
                    Action::Follow => {}
                    Action::Stop => {
                        redirect.stop();
                        return Ok(Step::Final {
                            response,
                            stopped: true,
                        });
                    }
                    Action::Refuse(reason) => return Err(Error::Redirect(redirect.refuse(reason))),
                }
                // Over HTTP/2 and HTTP/3 a body not read is given up by resetting its
                // stream, and the connection goes on: draining helps only HTTP/1.x.
                let reuse = redirect.can_reuse_connection()
                    && matches!(response.version(), Version::HTTP_10 | Version::HTTP_11);
                let next = redirect.request();
                let body = match stash {
                    Some(stash) if next.sends_body() => {
                        replay.replay(stash).ok_or(Error::ReplayFailed)?
                    }
                    _ => B::default(),
                };
                let mut request =
                    http_request(&next, body, authority, names).map_err(Error::Request)?;
                hops.record(&redirect, request.method().clone());
                *request.version_mut() = *version;
                *request.extensions_mut() = extensions.clone();
                // Take the redirect: `request` goes out next, and its response is the
                // next one the machine reads.
                redirect.follow();
                Ok(Step::Next {
                    next: request,
                    body: response.into_body(),
                    reuse,
                })
            }
        }
    }
}

pin_project! {
    /// The future of [`FollowRedirect`](crate::FollowRedirect)'s responses.
    pub struct ResponseFuture<S, B, ResBody, H, R, T = crate::NoTimer>
    where
        S: Service<Request<B>>,
        T: Timer,
    {
        #[pin]
        state: State<S::Future, B, ResBody, S::Error, T::Sleep>,
        service: S,
        chain: Option<Chain<B, H, R>>,
        drain: Drain<T>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B, ResBody, E, Z> {
        /// A request is out.
        Calling {
            #[pin]
            future: F,
        },
        /// A redirect's body is being read to its end before `next` goes out, within the
        /// size bound and, from the first frame that was not ready, the time bound.
        Draining {
            #[pin]
            body: ResBody,
            next: Option<Request<B>>,
            drained: u64,
            #[pin]
            deadline: Option<Z>,
        },
        /// `next` goes out once the service is ready.
        Sending {
            next: Option<Request<B>>,
        },
        /// The chain failed before the first request.
        Failed {
            error: Option<Error<E>>,
        },
        Done,
    }
}

impl<S, B, ResBody, H, R, T> ResponseFuture<S, B, ResBody, H, R, T>
where
    S: Service<Request<B>>,
    T: Timer,
{
    pub(crate) fn calling(
        mut service: S,
        request: Request<B>,
        chain: Chain<B, H, R>,
        drain: Drain<T>,
    ) -> Self {
        ResponseFuture {
            state: State::Calling {
                future: service.call(request),
            },
            service,
            chain: Some(chain),
            drain,
        }
    }

    pub(crate) fn failed(service: S, error: Error<S::Error>, drain: Drain<T>) -> Self {
        ResponseFuture {
            state: State::Failed { error: Some(error) },
            service,
            chain: None,
            drain,
        }
    }
}

impl<S, B, ResBody, H, R, T> std::fmt::Debug for ResponseFuture<S, B, ResBody, H, R, T>
where
    S: Service<Request<B>>,
    T: Timer,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redirects = self.chain.as_ref().map_or(0, |c| c.hops.redirects());
        f.debug_struct("ResponseFuture")
            .field("redirects", &redirects)
            .finish_non_exhaustive()
    }
}

impl<S, B, ResBody, H, R, T> Future for ResponseFuture<S, B, ResBody, H, R, T>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    B: HttpBody + Default,
    ResBody: HttpBody,
    H: OnRedirect,
    R: Replay<B>,
    T: Timer,
{
    type Output = Result<Response<ResBody>, Error<S::Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Calling { future } => {
                    let result = ready!(future.poll(cx));
                    let step = match (result, this.chain.as_mut()) {
                        (Err(e), _) => Err(Error::Inner(e)),
                        (Ok(response), Some(chain)) => chain.on_response(response),
                        (Ok(_), None) => Err(Error::Redirect(redirects::Error::InvalidState)),
                    };
                    match step {
                        Ok(Step::Next { next, body, reuse }) => {
                            // Drained only when that lets the next request reuse the
                            // connection and the body can fit the size bound; otherwise
                            // dropped unread (here, before the next request goes out).
                            if reuse
                                && this.drain.max_bytes > 0
                                && !body.is_end_stream()
                                && body.size_hint().lower() <= this.drain.max_bytes
                            {
                                this.state.set(State::Draining {
                                    body,
                                    next: Some(next),
                                    drained: 0,
                                    deadline: None,
                                });
                            } else {
                                drop(body);
                                // Sent now if the service is ready: the request is not
                                // moved into the state and out again.
                                match this.service.poll_ready(cx) {
                                    Poll::Ready(Ok(())) => {
                                        let future = this.service.call(next);
                                        this.state.set(State::Calling { future });
                                    }
                                    Poll::Ready(Err(e)) => {
                                        this.state.set(State::Done);
                                        *this.chain = None;
                                        return Poll::Ready(Err(Error::Inner(e)));
                                    }
                                    Poll::Pending => {
                                        this.state.set(State::Sending { next: Some(next) });
                                        return Poll::Pending;
                                    }
                                }
                            }
                        }
                        Ok(Step::Final {
                            mut response,
                            stopped,
                        }) => {
                            this.state.set(State::Done);
                            if let Some(chain) = this.chain.take() {
                                chain.finish(&mut response, stopped);
                            }
                            return Poll::Ready(Ok(response));
                        }
                        Err(e) => {
                            this.state.set(State::Done);
                            *this.chain = None;
                            return Poll::Ready(Err(e));
                        }
                    }
                }
                StateProj::Draining {
                    mut body,
                    next,
                    drained,
                    mut deadline,
                } => {
                    let done = match body.as_mut().poll_frame(cx) {
                        Poll::Ready(Some(Ok(frame))) => {
                            // Every frame counts at least one byte, so that a body of
                            // endless empty frames ends too.
                            let len = frame.data_ref().map_or(0, |data| data.remaining());
                            *drained += len.max(1) as u64;
                            // Past the bound (or known to go past it) the rest is not
                            // read: the body and its connection are dropped.
                            *drained > this.drain.max_bytes
                                || body.size_hint().lower()
                                    > this.drain.max_bytes.saturating_sub(*drained)
                        }
                        // A broken body only costs the connection: the next request goes
                        // on a new one.
                        Poll::Ready(Some(Err(_)) | None) => true,
                        Poll::Pending => {
                            if deadline.is_none() {
                                let sleep = this.drain.timer.sleep(this.drain.wait);
                                deadline.set(Some(sleep));
                            }
                            match deadline.as_pin_mut() {
                                // The time bound is over: the body is dropped.
                                Some(sleep) => {
                                    ready!(sleep.poll(cx));
                                    true
                                }
                                None => true,
                            }
                        }
                    };
                    if done {
                        let next = next.take();
                        this.state.set(State::Sending { next });
                    }
                }
                StateProj::Sending { next } => {
                    if let Err(e) = ready!(this.service.poll_ready(cx)) {
                        this.state.set(State::Done);
                        *this.chain = None;
                        return Poll::Ready(Err(Error::Inner(e)));
                    }
                    let Some(next) = next.take() else {
                        this.state.set(State::Done);
                        return Poll::Ready(Err(Error::Redirect(redirects::Error::InvalidState)));
                    };
                    let future = this.service.call(next);
                    this.state.set(State::Calling { future });
                }
                StateProj::Failed { error } => {
                    let error = error
                        .take()
                        .unwrap_or(Error::Redirect(redirects::Error::InvalidState));
                    this.state.set(State::Done);
                    return Poll::Ready(Err(error));
                }
                StateProj::Done => panic!("ResponseFuture polled after it completed"),
            }
        }
    }
}

/// The request the machine describes, with `body`: what
/// [`OutgoingRequest::to_http_request`] gives (method, absolute URI without the fragment,
/// the headers in order), built in place rather than through `http`'s builders, which
/// move the whole request once per header. `last` is the authority of the request sent
/// before: see [`next_uri`]. A name found in `names` is cloned from there.
fn http_request<B>(
    next: &OutgoingRequest<'_>,
    body: B,
    last: &mut Option<Authority>,
    names: &[HeaderName],
) -> Result<Request<B>, http::Error> {
    let uri = next_uri(next, last)?;
    let method = http::Method::try_from(next.method()).map_err(http::Error::from)?;
    let mut request = Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    // Filled in place: the map is not moved into the request afterwards.
    let headers = request.headers_mut();
    let same = |n: &HeaderName, name: &[u8]| n.as_str().as_bytes() == name;
    // The machine keeps the caller's order: the name after the last one found is tried
    // first. A wrong guess only costs the scan after it (so a guess never tried, or one
    // that stays put, gives the same request: equivalent mutants of this loop).
    let mut at = 0;
    for (name, value) in next.header_bytes() {
        let found = match names.get(at) {
            Some(n) if same(n, name) => Some(at),
            _ => names.iter().position(|n| same(n, name)),
        };
        let name = match found {
            Some(i) => {
                at = i + 1;
                names[i].clone()
            }
            None => HeaderName::from_bytes(name)?,
        };
        headers.append(name, HeaderValue::from_bytes(value)?);
    }
    Ok(request)
}

/// The longest URI `http::Uri` takes (`u16::MAX - 1` bytes).
const URI_MAX_LEN: usize = u16::MAX as usize - 1;

/// The URI of the next request: the URL without its fragment, as `http::Uri` parses it.
///
/// A request to the authority of the one before (`last`), over `http` or `https`, shares
/// that `Authority` (a reference count) and only its path and query are parsed; any other
/// parses the whole URL, and `last` becomes its authority.
fn next_uri(next: &OutgoingRequest<'_>, last: &mut Option<Authority>) -> Result<Uri, http::Error> {
    let url = next.url();
    // The host and port: the URL's authority when it has no user info.
    let (authority, path_and_query) = (next.authority(), next.path_and_query());
    let scheme = match url.scheme() {
        "http" => Some(Scheme::HTTP),
        "https" => Some(Scheme::HTTPS),
        _ => None,
    };
    if let (Some(scheme), Some(last)) = (scheme, last.as_ref()) {
        if last.as_str() == authority
            && url.username().is_empty()
            && url.password().is_none()
            && scheme.as_str().len() + 3 + authority.len() + path_and_query.len() <= URI_MAX_LEN
        {
            let mut parts = uri::Parts::default();
            parts.scheme = Some(scheme);
            parts.authority = Some(last.clone());
            parts.path_and_query = Some(PathAndQuery::try_from(path_and_query)?);
            return Ok(Uri::from_parts(parts)?);
        }
    }
    let url = url.as_str();
    // The serialized URL's first `#` starts the fragment (the serializer escapes any
    // other).
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let uri = Uri::try_from(url)?;
    *last = uri.authority().cloned();
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;
    use redirects::{Event, Follow, Policy};

    /// `next_uri` for the request a redirect from `from` to `location` leads to, with
    /// `last` as the authority sent before: the URI and the authority it leaves.
    fn next(from: &str, location: &str, last: Option<&'static str>) -> (Uri, Option<Authority>) {
        let mut last = last.map(Authority::from_static);
        let uri = with_next(from, location, |hop| next_uri(hop, &mut last)).unwrap();
        (uri, last)
    }

    /// `f` of the request a redirect from `from` to `location` leads to.
    fn with_next<T>(from: &str, location: &str, f: impl FnOnce(&OutgoingRequest<'_>) -> T) -> T {
        let first = redirects::Request::get(from).unwrap();
        let policy = Policy::fetch().with_max_head_size(1 << 20).unwrap();
        let mut follow = Follow::new(first, policy).unwrap();
        let head = [("location", location)];
        match follow.handle_head(redirects::Version::Http11, 307, head) {
            Ok(Event::Redirect(hop)) => f(&hop.request()),
            other => panic!("{from} -> {location}: {other:?}"),
        }
    }

    #[test]
    fn next_request_has_the_machine_s_fields_whatever_names_are_known() {
        let first = redirects::Request::get("http://a.test/x")
            .unwrap()
            .header("accept", "a")
            .unwrap()
            .header("X-Edit", "new")
            .unwrap()
            .header("authorization", "Bearer t")
            .unwrap()
            .header("accept", "b")
            .unwrap();
        let mut follow = Follow::new(first, Policy::fetch()).unwrap();
        let head = [("location", "/y")];
        let Ok(Event::Redirect(hop)) = follow.handle_head(redirects::Version::Http11, 307, head)
        else {
            panic!("not a redirect");
        };
        let want = [
            ("accept", &b"a"[..]),
            ("accept", b"b"),
            ("x-edit", b"new"),
            ("authorization", b"Bearer t"),
        ];
        // The names known in another order, one missing, one in another case, none.
        let known = [
            vec![http::header::AUTHORIZATION, http::header::ACCEPT],
            vec![HeaderName::from_static("x-edit"), http::header::ACCEPT],
            vec![],
        ];
        for names in known {
            let mut last = None;
            let request = http_request(&hop.request(), (), &mut last, &names).unwrap();
            let fields: Vec<(&str, &[u8])> = request
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_bytes()))
                .collect();
            assert_eq!(fields, want, "known: {names:?}");
        }
    }

    #[test]
    fn next_uri_is_the_url_as_uri_parses_it() {
        /// From, `Location`, the authority sent before, the URI, the authority it leaves.
        type Row = (
            &'static str,
            &'static str,
            Option<&'static str>,
            &'static str,
            Option<&'static str>,
        );
        let rows: &[Row] = &[
            // Same authority: shared, only the path and query are new.
            (
                "http://a.test/x",
                "/y?q=1#f",
                Some("a.test"),
                "http://a.test/y?q=1",
                Some("a.test"),
            ),
            (
                "https://a.test:8443/x",
                "/y",
                Some("a.test:8443"),
                "https://a.test:8443/y",
                Some("a.test:8443"),
            ),
            (
                "http://[::1]:8080/x",
                "/%7Bz%7D",
                Some("[::1]:8080"),
                "http://[::1]:8080/%7Bz%7D",
                Some("[::1]:8080"),
            ),
            // The default port is not written: `a.test:80` is another string.
            (
                "http://a.test/x",
                "/y",
                Some("a.test:80"),
                "http://a.test/y",
                Some("a.test"),
            ),
            // Another authority, or none known: parsed whole, and it becomes the last.
            (
                "http://a.test/x",
                "https://b.test/y",
                Some("a.test"),
                "https://b.test/y",
                Some("b.test"),
            ),
            (
                "http://a.test/x",
                "/y",
                None,
                "http://a.test/y",
                Some("a.test"),
            ),
            (
                "http://a.test/x",
                "/y",
                Some("A.test"),
                "http://a.test/y",
                Some("a.test"),
            ),
            // User info stays in the URI, as the whole URL parses.
            (
                "http://a.test/x",
                "http://u:p@a.test/y",
                Some("a.test"),
                "http://u:p@a.test/y",
                Some("u:p@a.test"),
            ),
            (
                "http://u@a.test/x",
                "/y",
                Some("a.test"),
                "http://u@a.test/y",
                Some("u@a.test"),
            ),
        ];
        let mut failed = Vec::new();
        for &(from, location, last, want, want_last) in rows {
            let (uri, left) = next(from, location, last);
            let (whole, written) = (Uri::try_from(want).unwrap(), uri.to_string());
            if uri != whole
                || written != want
                || uri.authority().map(Authority::as_str) != want_last
                || left.as_ref().map(Authority::as_str) != want_last
            {
                failed.push(format!(
                    "{from} -> {location} after {last:?}: {uri} {left:?}"
                ));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn next_uri_past_the_uri_limit_fails_as_uri_does() {
        let long = format!("/{}", "a".repeat(URI_MAX_LEN));
        let mut last = Some(Authority::from_static("a.test"));
        assert!(with_next("http://a.test/x", &long, |hop| next_uri(hop, &mut last)).is_err());
        assert!(Uri::try_from(format!("http://a.test{long}")).is_err());
        // One byte within the limit: it goes.
        let path = format!("/{}", "a".repeat(URI_MAX_LEN - "http://a.test/".len()));
        let (uri, _) = next("http://a.test/x", &path, Some("a.test"));
        assert_eq!(uri.to_string().len(), URI_MAX_LEN);
    }
}
