//! What becomes of a redirect's body: read to its end when that lets the next request reuse
//! the connection, within a size and a time bound; dropped otherwise.

use std::future::{Future, Ready, ready};
use std::time::Duration;

/// The default size bound of a drain: 64 KiB.
pub const DEFAULT_MAX_DRAIN: u64 = 64 * 1024;

/// The default time bound of a drain once a [`Timer`] is given: 100 ms.
pub const DEFAULT_DRAIN_WAIT: Duration = Duration::from_millis(100);

/// How [`FollowRedirect`](crate::FollowRedirect) waits for a redirect's body it drains:
/// a sleep of the caller's runtime, so that the layer depends on none.
///
/// A drain stops when the body ends, when it has read more than the size bound, or when
/// the body has nothing to give and the timer's sleep (started at the first frame that was
/// not ready) has elapsed; the body is then dropped (an HTTP/1.1 connection with it).
///
/// Implemented by [`NoTimer`] (the default: wait for nothing, read only what has already
/// arrived), `TokioTimer` (feature `tokio`) and closures `Fn(Duration) -> F` where
/// `F: Future<Output = ()>`:
///
/// ```
/// use std::time::Duration;
/// use redirects::Policy;
/// use redirects_tower::FollowRedirectLayer;
///
/// // Any runtime's sleep; tokio's here (or `redirects_tower::TokioTimer`, feature `tokio`).
/// let layer = FollowRedirectLayer::new(Policy::fetch())
///     .drain_timer(tokio::time::sleep, Duration::from_millis(250));
/// # let _ = layer;
/// ```
pub trait Timer {
    /// The sleep.
    type Sleep: Future<Output = ()>;

    /// A future that completes once `duration` has elapsed.
    fn sleep(&self, duration: Duration) -> Self::Sleep;
}

/// The default [`Timer`]: never waits. A redirect's body is drained only as far as it has
/// already arrived (a small body usually comes with the head); at the first frame that is
/// not ready, the body is dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoTimer;

impl Timer for NoTimer {
    type Sleep = Ready<()>;

    fn sleep(&self, _: Duration) -> Ready<()> {
        ready(())
    }
}

impl<F, S> Timer for F
where
    F: Fn(Duration) -> S,
    S: Future<Output = ()>,
{
    type Sleep = S;

    fn sleep(&self, duration: Duration) -> S {
        self(duration)
    }
}

/// tokio's sleep as a [`Timer`] (feature `tokio`): `tokio::time::sleep`, which needs a
/// tokio runtime with its time driver (hyper-util's client runs on one).
#[cfg(feature = "tokio")]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokioTimer;

#[cfg(feature = "tokio")]
impl Timer for TokioTimer {
    type Sleep = tokio::time::Sleep;

    fn sleep(&self, duration: Duration) -> tokio::time::Sleep {
        tokio::time::sleep(duration)
    }
}

/// The drain settings of a layer.
#[derive(Debug, Clone)]
pub(crate) struct Drain<T> {
    pub(crate) max_bytes: u64,
    pub(crate) wait: Duration,
    pub(crate) timer: T,
}

impl Default for Drain<NoTimer> {
    fn default() -> Self {
        Drain {
            max_bytes: DEFAULT_MAX_DRAIN,
            wait: DEFAULT_DRAIN_WAIT,
            timer: NoTimer,
        }
    }
}
