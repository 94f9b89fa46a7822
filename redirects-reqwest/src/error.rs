//! The middleware's errors.

use std::fmt;

use http::StatusCode;

/// Why the middleware ended a chain (inside [`reqwest_middleware::Error::Middleware`];
/// reqwest's own errors pass as [`reqwest_middleware::Error::Reqwest`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The machine refused: `TooManyRedirects`, `InvalidLocation`, `SchemeNotAllowed`,
    /// `BodyNotReplayable`, `BlockedPort`, `PrivateTarget`, `Refused` (the hook), ...
    Redirect(redirects::Error),
    /// The machine's next request could not be built as a reqwest request.
    Request(http::Error),
    /// The response was an interim (1xx) head, which reqwest does not hand over.
    Interim(StatusCode),
    /// The body was copyable when the chain started and could not be copied again.
    ReplayFailed,
}

impl Error {
    /// The middleware's error inside `error`, if it is one.
    pub fn of(error: &reqwest_middleware::Error) -> Option<&Error> {
        match error {
            reqwest_middleware::Error::Middleware(e) => e.downcast_ref(),
            reqwest_middleware::Error::Reqwest(_) => None,
        }
    }

    /// The private target refused, by the machine (a redirect under `strict`), by
    /// [`FollowRedirects::guard`](crate::FollowRedirects::guard) or, inside a reqwest
    /// error, by a [`GuardedResolver`](crate::GuardedResolver): see
    /// [`find_private_target`].
    pub fn private_target(&self) -> Option<&redirects::PrivateTarget> {
        match self {
            Error::Redirect(redirects::Error::PrivateTarget(target)) => Some(target),
            _ => None,
        }
    }
}

/// The private target refused somewhere in `error`: by the machine or the middleware's
/// guard ([`Error::Redirect`]), or by a [`GuardedResolver`](crate::GuardedResolver) (in a
/// reqwest error's sources).
pub fn find_private_target(error: &reqwest_middleware::Error) -> Option<&redirects::PrivateTarget> {
    match error {
        reqwest_middleware::Error::Middleware(e) => e.chain().find_map(|e| match e
            .downcast_ref::<redirects::Error>()
        {
            Some(redirects::Error::PrivateTarget(target)) => Some(&**target),
            _ => e.downcast_ref::<Error>().and_then(Error::private_target),
        }),
        reqwest_middleware::Error::Reqwest(e) => {
            let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
            while let Some(e) = next {
                if let Some(redirects::Error::PrivateTarget(target)) = e.downcast_ref() {
                    return Some(target);
                }
                next = e.source();
            }
            None
        }
    }
}

impl From<redirects::Error> for Error {
    fn from(e: redirects::Error) -> Self {
        Error::Redirect(e)
    }
}

impl From<Error> for reqwest_middleware::Error {
    fn from(e: Error) -> Self {
        reqwest_middleware::Error::middleware(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Redirect(e) => write!(f, "redirect: {e}"),
            Error::Request(e) => write!(f, "request of the chain: {e}"),
            Error::Interim(status) => write!(f, "an interim response ({status}) as the final one"),
            Error::ReplayFailed => f.write_str("the request body could not be copied again"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Redirect(e) => Some(e),
            Error::Request(e) => Some(e),
            _ => None,
        }
    }
}
