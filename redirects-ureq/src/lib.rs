//! [ureq](https://docs.rs/ureq) 3 with its redirects decided by the [`redirects`] state
//! machine: the loop over an [`ureq::Agent`] built with `max_redirects(0)`, which hands
//! every 3xx back, so that ureq's pool, TLS, proxy and cookie jar still serve each hop
//! while the machine decides the next one.
//!
//! ureq 3 hard-codes its redirect rules (in `ureq-proto`): a `POST`, `PUT` or `DELETE`
//! answered `307`/`308` is not followed, a `Cookie` the caller set is always removed (even
//! on a same-origin hop, ureq #1047), `Authorization` is removed on every redirect or, with
//! `RedirectAuthHeaders::SameHost`, kept to the same host on any port; and its middleware
//! sees only the first hop. [`FollowRedirects::run`] sends each request of the chain with
//! `agent.run` and gives each response head to the machine: what browsers do
//! ([`Policy::fetch`](redirects::Policy::fetch)), more strictly, or as `curl -L` does.
//!
//! ```no_run
//! use redirects::Policy;
//! use redirects_ureq::{FollowRedirects, RedirectChain};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let agent = redirects_ureq::agent(); // max_redirects(0), 4xx/5xx not errors
//! let follow = FollowRedirects::new(Policy::fetch());
//! let request = http::Request::post("http://127.0.0.1:8080/form")
//!     .header("authorization", "Bearer s3cret")
//!     .body("make=Volvo")?;
//! let response = follow.run(&agent, request)?;
//! let chain = response.extensions().get::<RedirectChain>().unwrap();
//! println!("{} from {}", response.status(), chain.url());
//! # Ok(())
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::fmt;
use std::io::Read;

use redirects::record::Recorder;
use redirects::{Body, Event, Follow, OutgoingRequest, Policy, Redirect};
use ureq::{Agent, SendBody};

pub use redirects::record::{Hop, Hops, RedirectChain, RemovedHeader};

/// An agent that follows no redirect itself (`max_redirects(0)`: ureq returns the 3xx)
/// and returns 4xx and 5xx answers as responses, with ureq's other defaults.
pub fn agent() -> Agent {
    Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// The request body of a chain.
pub enum RequestBody<'a> {
    /// No body.
    None,
    /// Bytes: sent again whenever the machine says so (a `307`/`308`).
    Bytes(&'a [u8]),
    /// A reader: sent once. On a `307`/`308` the policy answers
    /// ([`redirects::Error::BodyNotReplayable`] by default, or the 3xx as the final
    /// response).
    Reader(&'a mut dyn Read),
}

impl fmt::Debug for RequestBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestBody::None => f.write_str("None"),
            RequestBody::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            RequestBody::Reader(_) => f.write_str("Reader"),
        }
    }
}

impl From<()> for RequestBody<'_> {
    fn from((): ()) -> Self {
        RequestBody::None
    }
}

impl<'a> From<&'a [u8]> for RequestBody<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        RequestBody::Bytes(bytes)
    }
}

impl<'a> From<&'a str> for RequestBody<'a> {
    fn from(text: &'a str) -> Self {
        RequestBody::Bytes(text.as_bytes())
    }
}

impl<'a> From<&'a Vec<u8>> for RequestBody<'a> {
    fn from(bytes: &'a Vec<u8>) -> Self {
        RequestBody::Bytes(bytes)
    }
}

impl<'a> From<&'a String> for RequestBody<'a> {
    fn from(text: &'a String) -> Self {
        RequestBody::Bytes(text.as_bytes())
    }
}

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

/// Why a chain ended without a response.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// ureq failed (connection, TLS, timeout, ...).
    Ureq(ureq::Error),
    /// The machine refused: `TooManyRedirects`, `InvalidLocation`, `SchemeNotAllowed`,
    /// `BodyNotReplayable`, `BlockedPort`, `PrivateTarget`, `Refused` (the hook), ...
    Redirect(redirects::Error),
    /// The machine's next request could not be built as an `http::Request`.
    Request(http::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Ureq(e) => write!(f, "ureq: {e}"),
            Error::Redirect(e) => write!(f, "redirect: {e}"),
            Error::Request(e) => write!(f, "request of the chain: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Ureq(e) => Some(e),
            Error::Redirect(e) => Some(e),
            Error::Request(e) => Some(e),
        }
    }
}

impl From<redirects::Error> for Error {
    fn from(e: redirects::Error) -> Self {
        Error::Redirect(e)
    }
}

impl From<ureq::Error> for Error {
    fn from(e: ureq::Error) -> Self {
        Error::Ureq(e)
    }
}

type Hook = dyn Fn(&mut Redirect<'_>) -> Action + Send + Sync;

/// Follows redirects over a ureq [`Agent`] as its [`Policy`] says. See [the crate](crate).
pub struct FollowRedirects {
    policy: Policy,
    hook: Option<Box<Hook>>,
}

impl fmt::Debug for FollowRedirects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FollowRedirects")
            .field("policy", &self.policy)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

impl FollowRedirects {
    /// Follows redirects as `policy` says.
    pub fn new(policy: Policy) -> Self {
        FollowRedirects { policy, hook: None }
    }

    /// Calls `hook` on every redirect, after the machine built the next request and before
    /// it is sent: it gets the core's [`Redirect`] handle (the redirect's response, the
    /// next request, what changed and why) and may edit the next request's headers.
    pub fn on_redirect<F>(mut self, hook: F) -> Self
    where
        F: Fn(&mut Redirect<'_>) -> Action + Send + Sync + 'static,
    {
        self.hook = Some(Box::new(hook));
        self
    }

    /// Sends `request` with `agent` and follows the redirects it is answered with; the
    /// final response carries a [`RedirectChain`] in its extensions.
    ///
    /// The agent must not follow redirects itself (`max_redirects(0)`, as [`agent`] builds
    /// it): with ureq's default of 10 it follows them by its own rules before the machine
    /// sees a 3xx. A redirect's body is not read; ureq's pool keeps a connection only once
    /// a body is read to its end.
    pub fn run<'a, B>(
        &self,
        agent: &Agent,
        request: http::Request<B>,
    ) -> Result<http::Response<ureq::Body>, Error>
    where
        B: Into<RequestBody<'a>>,
    {
        let (parts, body) = request.into_parts();
        let mut body = body.into();
        let disposition = match &body {
            RequestBody::None => Body::None,
            RequestBody::Bytes([]) => Body::None,
            RequestBody::Bytes(_) => Body::Replayable,
            RequestBody::Reader(_) => Body::Streamed,
        };
        let head = http::Request::from_parts(parts, ());
        let first = redirects::Request::try_from(&head)?.body(disposition);
        let mut follow = Follow::new(first, self.policy.clone())?;
        let mut next = http_request(&follow.request()).map_err(Error::Request)?;
        *next.version_mut() = head.version();
        let mut send_body = true;
        let mut recorder = Recorder::new();
        loop {
            let (parts, ()) = next.into_parts();
            let mut response = match (&mut body, send_body) {
                // A length ureq knows: sent with Content-Length.
                (RequestBody::Bytes(bytes), true) => {
                    agent.run(http::Request::from_parts(parts, *bytes))?
                }
                (RequestBody::Reader(reader), true) => {
                    let sent = SendBody::from_reader(&mut **reader);
                    agent.run(http::Request::from_parts(parts, sent))?
                }
                _ => agent.run(http::Request::from_parts(parts, ()))?,
            };
            let outcome = match follow.handle_http_response(&response)? {
                Event::NeedData => {
                    return Err(Error::Redirect(redirects::Error::InvalidState));
                }
                Event::Final(_) => Err(false),
                Event::Redirect(mut redirect) => {
                    let action = match &self.hook {
                        Some(hook) => hook(&mut redirect),
                        None => Action::Follow,
                    };
                    match action {
                        Action::Follow => {
                            let out = redirect.request();
                            let request = http_request(&out).map_err(Error::Request)?;
                            let resend = out.sends_body();
                            recorder.record(&redirect, request.method().clone());
                            // Take the redirect: `request` goes out next, and its response
                            // is the next one the machine reads.
                            redirect.follow();
                            Ok((request, resend))
                        }
                        Action::Stop => {
                            redirect.stop();
                            Err(true)
                        }
                        Action::Refuse(reason) => return Err(redirect.refuse(reason).into()),
                    }
                }
            };
            match outcome {
                Ok((mut request, resend)) => {
                    *request.version_mut() = head.version();
                    next = request;
                    send_body = resend;
                    // Not read: a body that stalls never holds the chain.
                    drop(response);
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
}

/// The request the machine describes (method, URI without the fragment, headers).
fn http_request(next: &OutgoingRequest<'_>) -> Result<http::Request<()>, http::Error> {
    next.to_http_request()
}

/// The README's examples run as doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
