//! The layer's error type.

use std::fmt;

use http::StatusCode;

/// Why a call of [`FollowRedirect`](crate::FollowRedirect) failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The inner service failed (on the first request or on one a redirect asked for).
    Inner(E),
    /// The redirect machine ended the chain: a redirect that must not be followed (too
    /// many, a `Location` that does not parse, a scheme or port the policy refuses, a body
    /// that cannot be sent again, a downgrade or private target under `strict`, ...), the
    /// hook's [`Action::Refuse`](crate::Action::Refuse) ([`redirects::Error::Refused`]),
    /// or a first request the machine does not take (a relative URI, `CONNECT`, ...).
    /// [`redirects::Error::fault`] says whose fault it is.
    Redirect(redirects::Error),
    /// A request of the chain could not be written as an `http::Request` (a URL or header
    /// value the `http` crate refuses).
    Request(http::Error),
    /// The inner service answered with an interim (1xx) response, which a client service
    /// never hands out: there is no final response to follow or return.
    Interim(StatusCode),
    /// The body of a `307` or `308` had to be sent again, and the [`Replay`](crate::Replay)
    /// that copied it for the first request could not copy it again.
    ReplayFailed,
}

impl<E> Error<E> {
    /// The inner service's error, if it is one.
    pub fn inner(&self) -> Option<&E> {
        match self {
            Error::Inner(e) => Some(e),
            _ => None,
        }
    }

    /// The redirect machine's error, if it is one.
    pub fn redirect(&self) -> Option<&redirects::Error> {
        match self {
            Error::Redirect(e) => Some(e),
            _ => None,
        }
    }
}

impl<E> Error<E>
where
    E: std::error::Error + 'static,
{
    /// The private target that ended the chain, if one did: refused by the machine
    /// ([`Error::Redirect`] with [`redirects::Error::PrivateTarget`]: a redirect whose host is
    /// less public than the chain's first URL under `strict`), or refused at connection
    /// time, with the address, by a guard in the inner service
    /// (`GuardedConnector`, feature `hyper-util`; any connector
    /// whose error's source chain holds a [`redirects::Error::PrivateTarget`]), which the
    /// layer sees as [`Error::Inner`].
    pub fn private_target(&self) -> Option<&redirects::PrivateTarget> {
        match self {
            Error::Redirect(redirects::Error::PrivateTarget(target)) => Some(target),
            Error::Inner(inner) => find_private_target(inner),
            _ => None,
        }
    }
}

/// The core's [`redirects::PrivateTarget`] in `error` or its source chain: what
/// [`Error::private_target`] looks for in an inner service's error, for an error type that
/// is not `std::error::Error` itself (a `Box<dyn Error + Send + Sync>`, as tower's
/// middleware returns: `find_private_target(&*boxed)`).
pub fn find_private_target<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a redirects::PrivateTarget> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(redirects::Error::PrivateTarget(target)) = error.downcast_ref() {
            return Some(target);
        }
        next = error.source();
    }
    None
}

impl<E> From<redirects::Error> for Error<E> {
    fn from(e: redirects::Error) -> Self {
        Error::Redirect(e)
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Inner(e) => write!(f, "inner service: {e}"),
            Error::Redirect(e) => write!(f, "redirect: {e}"),
            Error::Request(e) => write!(f, "request of the chain: {e}"),
            Error::Interim(status) => write!(
                f,
                "the inner service answered {status}, an interim response"
            ),
            Error::ReplayFailed => f.write_str("the request body could not be copied again"),
        }
    }
}

impl<E> std::error::Error for Error<E>
where
    E: std::error::Error + 'static,
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Inner(e) => Some(e),
            Error::Redirect(e) => Some(e),
            Error::Request(e) => Some(e),
            Error::Interim(_) | Error::ReplayFailed => None,
        }
    }
}
