//! Request bodies across redirects: which ones can be sent again, and a body type that can
//! be either.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;

/// How [`FollowRedirect`](crate::FollowRedirect) gets a second copy of a request body,
/// for the requests of the chain that send it again (a `307` or `308` keeps the method and
/// the body).
///
/// Asked once per chain, on the first request: `Some` declares the body
/// [`Body::Replayable`](redirects::Body::Replayable) to the machine (the copy is kept, and
/// each request that sends the body again gets a copy of it); `None` declares it
/// [`Body::Streamed`](redirects::Body::Streamed), and a redirect that would need it again is
/// answered as the policy says ([`Policy::with_unreplayable_body`](redirects::Policy::with_unreplayable_body):
/// [`Error::BodyNotReplayable`](redirects::Error::BodyNotReplayable) by default, or the 3xx
/// as the final response). A body that is empty by its size hint needs no copy: it is
/// declared [`Body::None`](redirects::Body::None), and `B::default()` is sent where a
/// request carries none.
///
/// Implemented by [`CloneBody`] (the default: any `Clone` body, and a [`RequestBody`] built
/// from bytes), [`NoReplay`], and closures `Fn(&B) -> Option<B>`:
///
/// ```
/// use redirects::Policy;
/// use redirects_tower::FollowRedirectLayer;
/// # struct MyBody;
/// # impl MyBody { fn try_clone(&self) -> Option<MyBody> { None } }
/// let layer = FollowRedirectLayer::new(Policy::fetch()).replay(|body: &MyBody| body.try_clone());
/// ```
pub trait Replay<B> {
    /// Another body with the same bytes as `body`, or `None` if there is no way to make one.
    fn replay(&self, body: &B) -> Option<B>;
}

/// The default [`Replay`]: a body that is `Clone` is cloned; a [`RequestBody`] is copied
/// when it was built from bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CloneBody;

impl<B: Clone> Replay<B> for CloneBody {
    fn replay(&self, body: &B) -> Option<B> {
        Some(body.clone())
    }
}

impl Replay<RequestBody> for CloneBody {
    fn replay(&self, body: &RequestBody) -> Option<RequestBody> {
        body.try_clone()
    }
}

/// A [`Replay`] that never copies: every non-empty body is streamed once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoReplay;

impl<B> Replay<B> for NoReplay {
    fn replay(&self, _: &B) -> Option<B> {
        None
    }
}

impl<B, F> Replay<B> for F
where
    F: Fn(&B) -> Option<B>,
{
    fn replay(&self, body: &B) -> Option<B> {
        self(body)
    }
}

/// The error of a streamed [`RequestBody`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A request body that is either bytes in memory, which a redirect can send again, or a
/// stream, which is sent once: one type for a client that sends both (as `reqwest::Body`).
///
/// Built from [`Bytes`], `Vec<u8>`, `String`, `&'static str` or `&'static [u8]` (and empty
/// by [`Default`]), it is copied for every request that sends it again;
/// [`RequestBody::stream`] wraps any other body, which [`CloneBody`] reports as not
/// replayable.
///
/// ```
/// use redirects_tower::RequestBody;
/// let bytes = RequestBody::from("make=Volvo");
/// assert!(bytes.try_clone().is_some());
/// let stream = RequestBody::stream(http_body_util::Full::new(bytes::Bytes::from("once")));
/// assert!(stream.try_clone().is_none());
/// ```
pub struct RequestBody {
    kind: Kind,
}

enum Kind {
    /// `None` once the bytes were polled out.
    Bytes(Option<Bytes>),
    Stream(UnsyncBoxBody<Bytes, BoxError>),
}

impl RequestBody {
    /// A body of these bytes (replayable).
    pub fn bytes(bytes: impl Into<Bytes>) -> RequestBody {
        let bytes = bytes.into();
        RequestBody {
            kind: Kind::Bytes((!bytes.is_empty()).then_some(bytes)),
        }
    }

    /// An empty body.
    pub fn empty() -> RequestBody {
        RequestBody {
            kind: Kind::Bytes(None),
        }
    }

    /// A body read from `body` once: not replayable.
    pub fn stream<B>(body: B) -> RequestBody
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        RequestBody {
            kind: Kind::Stream(body.map_err(Into::into).boxed_unsync()),
        }
    }

    /// A copy, if the body is bytes (and none of them was polled yet).
    pub fn try_clone(&self) -> Option<RequestBody> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(RequestBody {
                kind: Kind::Bytes(bytes.clone()),
            }),
            Kind::Stream(_) => None,
        }
    }

    /// The bytes, if the body is bytes.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Bytes(bytes) => Some(bytes.as_deref().unwrap_or_default()),
            Kind::Stream(_) => None,
        }
    }
}

impl Default for RequestBody {
    fn default() -> RequestBody {
        RequestBody::empty()
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Bytes(bytes) => {
                let len = bytes.as_ref().map_or(0, Bytes::len);
                f.debug_struct("RequestBody").field("bytes", &len).finish()
            }
            Kind::Stream(_) => f.debug_struct("RequestBody").field("stream", &()).finish(),
        }
    }
}

macro_rules! from_bytes {
    ($($t:ty),*) => {$(
        impl From<$t> for RequestBody {
            fn from(value: $t) -> RequestBody {
                RequestBody::bytes(value)
            }
        }
    )*};
}
from_bytes!(Bytes, Vec<u8>, String, &'static str, &'static [u8]);

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().kind {
            Kind::Bytes(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Stream(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Bytes(bytes) => bytes.is_none(),
            Kind::Stream(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Bytes(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Kind::Stream(body) => body.size_hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::{BodyExt, Full};

    fn collect(body: RequestBody) -> Vec<u8> {
        let fut = body.collect();
        // The bytes variant is ready at once; a tiny executor is enough.
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut fut = std::pin::pin!(fut);
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(Ok(c)) => c.to_bytes().to_vec(),
            other => panic!("{:?}", other.map(|r| r.map(|_| ()))),
        }
    }

    #[test]
    fn bytes_replay_and_streams_do_not() {
        let body = RequestBody::from("make=Volvo");
        assert_eq!(http_body::Body::size_hint(&body).exact(), Some(10));
        let copy = CloneBody.replay(&body).expect("bytes replay");
        assert_eq!(collect(copy), b"make=Volvo");
        assert_eq!(collect(body), b"make=Volvo");

        let stream = RequestBody::stream(Full::new(Bytes::from_static(b"once")));
        assert!(CloneBody.replay(&stream).is_none());
        assert_eq!(collect(stream), b"once");

        let empty = RequestBody::default();
        assert!(http_body::Body::is_end_stream(&empty));
        assert_eq!(empty.as_bytes(), Some(&b""[..]));
        assert_eq!(
            format!("{:?}", RequestBody::from(vec![1, 2])),
            "RequestBody { bytes: 2 }"
        );
    }

    #[test]
    fn strategies() {
        assert_eq!(CloneBody.replay(&String::from("x")), Some("x".to_owned()));
        assert_eq!(NoReplay.replay(&String::from("x")), None);
        let f = |s: &String| Some(s.to_uppercase());
        assert_eq!(f.replay(&"x".to_owned()), Some("X".to_owned()));
    }
}
