//! What a request mode and a cookie jar add to the chain's headers: the `Origin` Fetch
//! writes for a mode (and cors tainting), the jar's `Cookie` for each request and the
//! `Set-Cookie` fields of each response stored in it.

use alloc::boxed::Box;
use alloc::vec::Vec;

use url::Url;

use super::{ChainHeaders, HopFacts, Urls};
use crate::cookie::{CookieJar, CookieReport};
use crate::error::{Error, InvalidRequest};
use crate::headers::{Class, RemovalReason};
use crate::method::Method;
use crate::origin::{
    OriginDecision, OriginFacts, OriginSent, RedirectTaint, RequestMode, RequestOrigin,
    decide_origin,
};
use crate::plan::ModeFacts;
use crate::policy::Policy;

/// What a chain with a request mode or a cookie jar keeps beyond the rest.
#[derive(Debug, Default)]
pub(super) struct Extras {
    /// Fetch's request mode (then `Origin` is written here); never under `curl`.
    pub(super) mode: Option<RequestMode>,
    /// Response tainting is `cors`: a `cors` request went to another origin than its own.
    pub(super) cors_tainting: bool,
    /// How the current request's `Origin` was decided, with a mode.
    pub(super) origin: Option<OriginDecision>,
    /// The cookie jar the chain uses, if any.
    pub(super) jar: Option<JarSlot>,
    /// What the jar did, with one: with the last response's `Set-Cookie` fields, and for
    /// the current request's `Cookie`.
    pub(super) cookies: Option<CookieReport>,
}

/// The chain's cookie jar, boxed (the machine does not name the caller's type).
pub(super) struct JarSlot(Box<dyn CookieJar + Send + Sync>);

impl core::fmt::Debug for JarSlot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CookieJar")
    }
}

impl Extras {
    /// The redirect was taken back (the chain is `urls` again, the request's origin
    /// `origin`): cors tainting is recomputed for the request restored (whether any
    /// request of the chain so far went to another origin than the request's), and what
    /// was decided for the redirect goes.
    pub(super) fn on_take_back(&mut self, origin: RequestOrigin<'_>, urls: Urls<'_>) {
        self.cors_tainting = self.mode == Some(RequestMode::Cors)
            && (urls.history.iter().any(|h| !origin.same_origin(&h.url))
                || !origin.same_origin(urls.current));
        self.origin = None;
        if let Some(c) = &mut self.cookies {
            c.sent = 0;
        }
    }
}

impl ChainHeaders {
    /// The first request of a chain with a request mode (to `url`, after any HSTS
    /// upgrade): the caller's `Origin` fields go (they only named the request's origin),
    /// and the `Origin` Fetch gives it is written; a `same-origin` request to another
    /// origin is refused (Fetch, main fetch). Nothing under rules without origin taint.
    #[cold]
    pub(crate) fn on_first_mode(
        &mut self,
        mode: RequestMode,
        policy: &Policy,
        url: &Url,
        method: Method,
    ) -> Result<(), Error> {
        if !policy.rules().origin_taint {
            return Ok(());
        }
        let headers = &mut self.headers;
        headers.remove_class(Class::ORIGIN, RemovalReason::RequestMode, 0);
        let origin = RequestOrigin::resolve(self.request_origin.as_ref(), url);
        let own = origin.same_origin(url);
        if mode == RequestMode::SameOrigin && !own {
            return Err(InvalidRequest::CrossOrigin.into());
        }
        let cors_tainting = mode == RequestMode::Cors && !own;
        let decision = decide_origin(&OriginFacts {
            mode,
            method,
            cors_tainting,
            taint: RedirectTaint::SameOrigin,
            referrer_policy: self.referrer_policy,
            origin,
            url,
        });
        let value = origin_value(decision, origin);
        if !value.is_empty() {
            headers.push_machine("Origin", &value, Class::ORIGIN, 0);
        }
        self.extras = Some(Box::new(Extras {
            mode: Some(mode),
            cors_tainting,
            origin: Some(decision),
            ..Extras::default()
        }));
        Ok(())
    }

    /// The work of a request mode and a cookie jar on redirect `n`, once it is taken (the
    /// referrer and the credentials decided): cors tainting, `Origin`, the jar's `Cookie`.
    /// Whether the header list changed.
    #[cold]
    pub(super) fn apply_extras(&mut self, facts: &HopFacts<'_>, n: u32) -> bool {
        let mut changed = false;
        let url = facts.urls.current;
        if let Some(mode) = self.mode() {
            let first = facts.urls.of_request(0);
            let cross =
                !RequestOrigin::resolve(self.request_origin.as_ref(), first).same_origin(url);
            if let Some(x) = &mut self.extras {
                // Response tainting `cors` holds for the rest of the chain once set.
                x.cors_tainting |= mode == RequestMode::Cors && cross;
            }
            changed |= self.apply_mode_origin(mode, facts.urls, facts.method, n);
        }
        if let Some(c) = self.extras.as_mut().and_then(|x| x.cookies.as_mut()) {
            *c = c.of_response();
        }
        changed |= self.apply_jar_cookie(url, n);
        changed
    }

    /// With a request mode: writes the `Origin` of request `n` (Fetch, "append a request
    /// `Origin` header"), replacing the earlier one. Whether anything changed.
    fn apply_mode_origin(
        &mut self,
        mode: RequestMode,
        urls: Urls<'_>,
        method: Method,
        n: u32,
    ) -> bool {
        self.judge_taint(urls);
        let origin = RequestOrigin::resolve(self.request_origin.as_ref(), urls.of_request(0));
        let decision = decide_origin(&OriginFacts {
            mode,
            method,
            cors_tainting: self.extras.as_ref().is_some_and(|x| x.cors_tainting),
            taint: self.taint,
            referrer_policy: self.referrer_policy,
            origin,
            url: urls.current,
        });
        if let Some(x) = &mut self.extras {
            x.origin = Some(decision);
        }
        let value = origin_value(decision, origin);
        self.headers
            .replace_machine("Origin", Class::ORIGIN, &value, n)
    }

    /// Gives the chain a cookie jar; the current request (`n`, to `url`) carries its
    /// `Cookie`. A caller-set `Cookie` is [`InvalidRequest::JarOwnsCookie`];
    /// [`Error::InvalidState`] if the chain has a jar already.
    pub(crate) fn on_cookie_jar(
        &mut self,
        jar: Box<dyn CookieJar + Send + Sync>,
        url: &Url,
        n: u32,
    ) -> Result<(), Error> {
        if self.extras.as_ref().is_some_and(|x| x.jar.is_some()) {
            return Err(Error::InvalidState);
        }
        if self
            .headers
            .fields
            .iter()
            .any(|f| !f.machine && f.removed.is_none() && f.is_named(&self.headers.buf, "cookie"))
        {
            return Err(InvalidRequest::JarOwnsCookie.into());
        }
        let x = self.extras.get_or_insert_with(Box::default);
        x.jar = Some(JarSlot(jar));
        x.cookies = Some(CookieReport::default());
        self.apply_jar_cookie(url, n);
        self.headers.refresh();
        Ok(())
    }

    /// The chain's cookie jar, if any.
    pub(crate) fn cookie_jar_mut(
        &mut self,
    ) -> Option<&mut (dyn CookieJar + Send + Sync + 'static)> {
        let jar = self.extras.as_mut()?.jar.as_mut()?;
        Some(&mut *jar.0)
    }

    /// Takes the cookie jar back; the chain has none from then on.
    pub(crate) fn take_cookie_jar(&mut self) -> Option<Box<dyn CookieJar + Send + Sync>> {
        self.extras.as_mut()?.jar.take().map(|j| j.0)
    }

    /// Whether a request mode or a cookie jar is in play.
    pub(crate) fn has_extras(&self) -> bool {
        self.extras.is_some()
    }

    /// A response to the request to `url` arrived: its `Set-Cookie` fields (`values`) go
    /// into the jar, if the chain has one, and what it did is noted.
    pub(crate) fn on_response_cookies<'v>(
        &mut self,
        url: &Url,
        values: impl Iterator<Item = &'v [u8]>,
    ) {
        let Some(Extras {
            jar: Some(JarSlot(jar)),
            cookies,
            ..
        }) = self.extras.as_deref_mut()
        else {
            return;
        };
        let mut report = CookieReport::default();
        for value in values {
            report.count(jar.store(url, value));
        }
        *cookies = Some(report);
    }

    /// Writes the jar's `Cookie` for request `n` (to `url`), replacing the one written for
    /// the request before. Whether anything changed.
    fn apply_jar_cookie(&mut self, url: &Url, n: u32) -> bool {
        let Some(Extras {
            jar: Some(JarSlot(jar)),
            cookies,
            ..
        }) = self.extras.as_deref_mut()
        else {
            return false;
        };
        let mut value = Vec::new();
        let sent = jar.cookie_header(url, &mut value);
        if let Some(report) = cookies {
            report.sent = u16::try_from(sent).unwrap_or(u16::MAX);
        }
        self.headers
            .replace_machine("Cookie", Class::COOKIE_JAR, &value, n)
    }

    /// How the current request's `Origin` was decided, with a request mode.
    pub(crate) fn origin_decision(&self) -> Option<OriginDecision> {
        self.extras.as_ref()?.origin
    }

    /// What the cookie jar did on the current hop.
    pub(crate) fn cookie_report(&self) -> Option<CookieReport> {
        self.extras.as_ref()?.cookies
    }

    /// The request mode, if any.
    fn mode(&self) -> Option<RequestMode> {
        self.extras.as_ref()?.mode
    }

    /// What the decision reads of a request mode (`first` is the chain's first URL), if
    /// the request has one.
    pub(crate) fn mode_facts<'a>(&'a self, first: &'a Url) -> Option<ModeFacts<'a>> {
        let x = self.extras.as_deref()?;
        Some(ModeFacts {
            mode: x.mode?,
            origin: self.request_origin(first),
            cors_tainting: x.cors_tainting,
        })
    }
}

/// The `Origin` value a decision writes (empty: none).
fn origin_value(decision: OriginDecision, origin: RequestOrigin<'_>) -> Vec<u8> {
    let mut value = Vec::new();
    match decision.sent {
        OriginSent::Origin => origin.serialize_into(&mut value),
        OriginSent::Null => value.extend_from_slice(b"null"),
        _ => {}
    }
    value
}
