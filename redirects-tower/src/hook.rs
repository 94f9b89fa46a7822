//! The per-redirect decision hook.

use redirects::Redirect;

/// What to do with a redirect the policy follows, as a hook decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Send the next request, as the handle describes it (with the hook's edits).
    Follow,
    /// Take the 3xx as the final response ([`Redirect::stop`]): it is returned with its
    /// body, and its record says it was stopped ([`RedirectChain::stopped`](crate::RedirectChain::stopped)).
    Stop,
    /// Fail the chain with this reason ([`Redirect::refuse`]): the call returns
    /// [`Error::Redirect`](crate::Error::Redirect) with
    /// [`redirects::Error::Refused`].
    Refuse(&'static str),
}

/// A per-redirect hook: it gets the core's [`Redirect`] handle for every redirect the
/// policy follows, before the next request is built, with the same powers as a caller of
/// the core: read the 3xx and the next request, edit the next request's headers
/// ([`Redirect::set_header`], [`Redirect::append_header`], [`Redirect::remove_header`]),
/// and answer [`Action::Follow`], [`Action::Stop`] or [`Action::Refuse`].
///
/// The hook is cloned for each call of the service (each chain); closures
/// `FnMut(&mut Redirect<'_>) -> Action + Clone` implement it (see
/// [`FollowRedirectLayer::on_redirect`](crate::FollowRedirectLayer::on_redirect)).
pub trait OnRedirect {
    /// Decides one redirect.
    fn on_redirect(&mut self, redirect: &mut Redirect<'_>) -> Action;
}

/// The default hook: every redirect the policy follows is followed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowAll;

impl OnRedirect for FollowAll {
    #[inline]
    fn on_redirect(&mut self, _: &mut Redirect<'_>) -> Action {
        Action::Follow
    }
}

/// A closure as an [`OnRedirect`] hook (made by
/// [`FollowRedirectLayer::on_redirect`](crate::FollowRedirectLayer::on_redirect)).
#[derive(Clone, Copy)]
pub struct HookFn<F>(pub(crate) F);

impl<F> std::fmt::Debug for HookFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HookFn")
    }
}

impl<F> OnRedirect for HookFn<F>
where
    F: FnMut(&mut Redirect<'_>) -> Action,
{
    fn on_redirect(&mut self, redirect: &mut Redirect<'_>) -> Action {
        (self.0)(redirect)
    }
}
