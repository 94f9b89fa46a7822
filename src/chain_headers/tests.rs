//! The chain's headers from URLs alone: a chain is a list of URLs fed to the `on_*`
//! methods, with no machine and no response bytes.

use alloc::vec::Vec;

use super::*;
use crate::cookie::{CookieJar, Jar};
use crate::origin::RequestMode;

/// A chain of URLs driving a [`ChainHeaders`].
struct Walk {
    policy: Policy,
    history: Vec<HistoryEntry>,
    url: Url,
    headers: ChainHeaders,
}

fn u(s: &str) -> Url {
    Url::parse(s).unwrap()
}

impl Walk {
    fn start(policy: Policy, url: &str, fields: &[(&str, &str)], referrer: Option<&str>) -> Walk {
        let url = u(url);
        let mut request = crate::Request::get(url.as_str()).unwrap();
        for (name, value) in fields {
            request.push_header(name, value.as_bytes()).unwrap();
        }
        let fields = Headers::new(request.lines, request.fields, &policy);
        let referrer = ChainHeaders::given_referrer(referrer, &policy).unwrap();
        let mut headers = ChainHeaders::on_first_request(fields, referrer, None, &policy, &url);
        headers.headers.refresh();
        Walk {
            policy,
            history: Vec::new(),
            url,
            headers,
        }
    }

    /// Follows a 302 to `to` (no method rewrite), the 3xx setting `referrer_policy`;
    /// `location` is the Location's URL when an HSTS upgrade made it `to`.
    fn hop(
        &mut self,
        to: &str,
        location: Option<&str>,
        referrer_policy: Option<ReferrerPolicy>,
    ) -> bool {
        let from = core::mem::replace(&mut self.url, u(to));
        self.history.push(HistoryEntry {
            status: 302,
            url: from,
        });
        let location = location.map(u);
        self.headers.on_redirect(&HopFacts {
            policy: &self.policy,
            urls: Urls {
                history: &self.history,
                current: &self.url,
            },
            location: location.as_ref(),
            method: Method::Get,
            body_dropped: None,
            referrer_policy,
        })
    }

    fn redirect_with(&mut self, to: &str, referrer_policy: Option<ReferrerPolicy>) -> bool {
        self.hop(to, None, referrer_policy)
    }

    fn redirect(&mut self, to: &str) -> bool {
        self.hop(to, None, None)
    }

    fn take_back(&mut self) {
        let n = self.history.len() as u32;
        self.url = self.history.pop().unwrap().url;
        let urls = Urls {
            history: &self.history,
            current: &self.url,
        };
        self.headers.on_take_back(&self.policy, urls, n);
    }

    /// The value of the sent field `name`, as rendered for the current request.
    fn sent(&self, name: &str) -> Option<&str> {
        let (_, value) = self
            .headers
            .headers
            .sent()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        core::str::from_utf8(value).ok()
    }

    /// The sent fields as the request's head writes them, checked against the fields
    /// one by one (the head copies the run of their lines when there is one).
    fn lines(&self) -> alloc::string::String {
        let mut lines = alloc::string::String::new();
        for (name, value) in self.headers.headers.sent() {
            lines.push_str(name);
            lines.push_str(": ");
            lines.push_str(core::str::from_utf8(value).unwrap());
            lines.push_str("\r\n");
        }
        if let Some(run) = self.headers.headers.sent_lines() {
            assert_eq!(core::str::from_utf8(run).unwrap(), lines, "the head's run");
        }
        lines
    }

    /// The chain's redirect taint, as the machine reports it.
    fn taint(&self) -> RedirectTaint {
        self.headers.redirect_taint(Urls {
            history: &self.history,
            current: &self.url,
        })
    }

    /// Every edit of each of `names` on request 1 (append, set, remove) is refused with
    /// `error` and leaves the sent lines as they were.
    fn refuses_every_edit(&mut self, names: &[&str], value: &[u8], error: InvalidRequest) {
        let before = self.lines();
        for &name in names {
            let edit = self.headers.append_header(&self.policy, 1, name, value);
            assert_eq!(edit, Err(error), "append {name}");
            let edit = self.headers.set_header(&self.policy, 1, name, value);
            assert_eq!(edit, Err(error), "set {name}");
            assert_eq!(self.headers.remove_header(1, name), 0, "remove {name}");
        }
        assert_eq!(self.lines(), before);
    }

    /// Gives the chain a cookie jar holding `sid=1` for `https://a.test/`.
    fn jar(&mut self) {
        let mut jar = Jar::new();
        jar.store(&u("https://a.test/"), b"sid=1");
        let n = self.history.len() as u32;
        self.headers
            .on_cookie_jar(Box::new(jar), &self.url, n)
            .unwrap();
    }
}

#[test]
fn credentials_leave_for_good_on_the_first_other_origin() {
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[("Authorization", "Bearer t"), ("X-Other", "1")],
        None,
    );
    assert!(
        !w.redirect("https://a.test/2"),
        "same origin: nothing changes"
    );
    assert_eq!(w.sent("authorization"), Some("Bearer t"));
    assert!(w.redirect("https://b.test/"));
    assert_eq!(w.sent("authorization"), None);
    assert_eq!(w.lines(), "X-Other: 1\r\n");
    // Taking the cross-origin redirect back brings it back ...
    w.take_back();
    assert_eq!(w.sent("authorization"), Some("Bearer t"));
    // ... but once gone, a return to its origin does not.
    w.redirect("https://b.test/");
    w.redirect("https://a.test/3");
    assert_eq!(w.sent("authorization"), None);
}

#[test]
fn curl_sends_credentials_whenever_the_chain_is_at_their_origin() {
    let mut w = Walk::start(
        Policy::curl(),
        "https://a.test/",
        &[("Authorization", "Bearer t")],
        None,
    );
    assert!(w.redirect("https://b.test/"));
    assert_eq!(w.sent("authorization"), None);
    assert!(w.redirect("https://a.test/back"));
    assert_eq!(w.sent("authorization"), Some("Bearer t"));
}

#[test]
fn the_referrer_is_cut_to_its_origin_and_stays_cut() {
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[],
        Some("https://a.test/page?secret=1"),
    );
    assert_eq!(w.sent("referer"), Some("https://a.test/page?secret=1"));
    w.redirect("https://b.test/");
    assert_eq!(w.sent("referer"), Some("https://a.test/"));
    let d = w.headers.referrer_decision().unwrap();
    assert_eq!(
        (d.sent, d.why),
        (ReferrerSent::Origin, ReferrerWhy::CrossOrigin)
    );
    // Back at the referrer's origin: still the origin only (Fetch chains the result).
    w.redirect("https://a.test/again");
    assert_eq!(w.sent("referer"), Some("https://a.test/"));
    assert_eq!(
        w.headers.referrer_decision().unwrap().why,
        ReferrerWhy::Earlier
    );
}

#[test]
fn a_redirects_referrer_policy_applies_and_is_taken_back() {
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[],
        Some("https://a.test/p"),
    );
    w.redirect_with("https://a.test/q", Some(ReferrerPolicy::NoReferrer));
    assert_eq!(w.sent("referer"), None);
    w.take_back();
    assert_eq!(w.sent("referer"), Some("https://a.test/p"));
    w.redirect("https://a.test/q");
    assert_eq!(w.sent("referer"), Some("https://a.test/p"));
}

#[test]
fn removing_referer_on_a_redirect_is_taken_back_with_it() {
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[],
        Some("https://a.test/p"),
    );
    w.redirect("https://a.test/q");
    assert_eq!(w.headers.remove_header(1, "Referer"), 1);
    assert_eq!(w.sent("referer"), None);
    w.take_back();
    assert_eq!(w.sent("referer"), Some("https://a.test/p"));
    // Removed for good when the redirect stands.
    w.redirect("https://a.test/q");
    w.headers.remove_header(1, "referer");
    w.redirect("https://a.test/r");
    assert_eq!(w.sent("referer"), None);
    assert_eq!(
        w.headers.referrer_decision().unwrap().why,
        ReferrerWhy::Removed
    );
}

#[test]
fn a_caller_origin_becomes_null_once_the_chain_is_tainted() {
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[("Origin", "https://a.test")],
        None,
    );
    assert!(!w.redirect("https://a.test/2"));
    // Leaving the origin does not taint (Fetch judges where each redirect came from) ...
    assert!(!w.redirect("https://b.test/"));
    assert_eq!(w.sent("origin"), Some("https://a.test"));
    // ... a redirect from elsewhere does.
    assert!(w.redirect("https://c.test/"));
    assert_eq!(w.sent("origin"), Some("null"));
    let urls = Urls {
        history: &w.history,
        current: &w.url,
    };
    assert_eq!(w.headers.redirect_taint(urls), RedirectTaint::CrossSite);
    w.take_back();
    assert_eq!(w.sent("origin"), Some("https://a.test"));
    // Tainted for good: back at the origin, still `null`.
    w.redirect("https://c.test/");
    w.redirect("https://a.test/3");
    assert_eq!(w.sent("origin"), Some("null"));
    // curl forwards it as it is.
    let mut c = Walk::start(
        Policy::curl(),
        "https://a.test/",
        &[("Origin", "https://a.test")],
        None,
    );
    c.redirect("https://b.test/");
    assert_eq!(c.sent("origin"), Some("https://a.test"));
}

#[test]
fn the_body_headers_go_with_the_body() {
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[
            ("Content-Type", "text/plain"),
            ("Content-Length", "3"),
            ("Accept", "*/*"),
        ],
        None,
    );
    let from = core::mem::replace(&mut w.url, u("https://a.test/b"));
    w.history.push(HistoryEntry {
        status: 303,
        url: from,
    });
    let changed = w.headers.on_redirect(&HopFacts {
        policy: &w.policy,
        urls: Urls {
            history: &w.history,
            current: &w.url,
        },
        location: None,
        method: Method::Get,
        body_dropped: Some(Class::BODY),
        referrer_policy: None,
    });
    assert!(changed);
    assert_eq!(w.lines(), "Accept: */*\r\n");
    w.take_back();
    assert_eq!(
        w.lines(),
        "Content-Type: text/plain\r\nContent-Length: 3\r\nAccept: */*\r\n"
    );
}

#[test]
fn an_edit_on_a_redirect_is_set_for_its_origin() {
    let mut w = Walk::start(Policy::fetch(), "https://a.test/", &[], None);
    w.redirect("https://b.test/");
    let policy = Policy::fetch();
    w.headers
        .append_header(&policy, 1, "Authorization", b"Bearer b")
        .unwrap();
    assert_eq!(w.sent("authorization"), Some("Bearer b"));
    // Set for b.test: it goes on to b.test, not to c.test.
    w.redirect("https://b.test/2");
    assert_eq!(w.sent("authorization"), Some("Bearer b"));
    w.redirect("https://c.test/");
    assert_eq!(w.sent("authorization"), None);
    // Removing a field added to the same request drops it outright.
    w.headers.append_header(&policy, 3, "X-Try", b"1").unwrap();
    let before = w.headers.headers.fields.len();
    assert_eq!(w.headers.remove_header(3, "x-try"), 1);
    assert_eq!(w.headers.headers.fields.len(), before - 1);
}

#[test]
fn a_jars_cookie_that_alone_changes_leaves_the_written_head() {
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[("Accept", "*/*")],
        None,
    );
    w.jar();
    assert_eq!(w.lines(), "Accept: */*\r\nCookie: sid=1\r\n");
    // Only the jar's `Cookie` changes on these redirects.
    let changed = w.redirect("https://b.test/");
    assert_eq!(w.lines(), "Accept: */*\r\n");
    assert!(changed);
    let changed = w.redirect("https://a.test/2");
    assert_eq!(w.lines(), "Accept: */*\r\nCookie: sid=1\r\n");
    assert!(changed);
    let changed = w.redirect("https://a.test/3");
    assert_eq!(w.lines(), "Accept: */*\r\nCookie: sid=1\r\n");
    assert!(!changed);
}

#[test]
fn a_referer_the_caller_sets_on_a_redirect_is_the_referrer_from_then_on() {
    let policy = Policy::fetch();
    // No referrer given: the chain has none until the caller sets one.
    let mut w = Walk::start(Policy::fetch(), "https://a.test/", &[], None);
    w.redirect("https://b.test/");
    assert_eq!(w.lines(), "");
    w.headers
        .append_header(&policy, 1, "Referer", b"https://b.test/page?q=1")
        .unwrap();
    assert_eq!(w.lines(), "Referer: https://b.test/page?q=1\r\n");
    // The next request's `Referer` is computed from it: cross-origin, its origin.
    assert!(w.redirect("https://c.test/"));
    assert_eq!(w.lines(), "Referer: https://b.test/\r\n");
    let d = w.headers.referrer_decision().unwrap();
    assert_eq!(
        (d.sent, d.why),
        (ReferrerSent::Origin, ReferrerWhy::CrossOrigin)
    );
    // With a referrer given, the caller's replaces it.
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[],
        Some("https://a.test/p"),
    );
    w.redirect("https://b.test/");
    assert_eq!(w.lines(), "Referer: https://a.test/\r\n");
    w.headers
        .set_header(&policy, 1, "Referer", b"https://x.test/page")
        .unwrap();
    assert_eq!(w.lines(), "Referer: https://x.test/page\r\n");
    w.redirect("https://x.test/2");
    assert_eq!(w.lines(), "Referer: https://x.test/page\r\n");
    w.redirect("https://c.test/");
    assert_eq!(w.lines(), "Referer: https://x.test/\r\n");
}

#[test]
fn the_redirect_taint_is_judged_from_where_judging_stopped() {
    // No caller-set `Origin`: nothing is judged on the way, all of it when asked.
    let mut w = Walk::start(Policy::fetch(), "https://a.test/", &[], None);
    assert_eq!(w.taint(), RedirectTaint::SameOrigin);
    w.redirect("https://b.test/");
    assert_eq!(
        w.taint(),
        RedirectTaint::SameOrigin,
        "from the request's origin"
    );
    w.redirect("https://a.test/back");
    assert_eq!(w.taint(), RedirectTaint::CrossSite, "from another site");
    // A caller-set `Origin`: judged up to the redirect that makes it `null` (same-site),
    // then no longer; the rest is judged when asked.
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[("Origin", "https://a.test")],
        None,
    );
    w.redirect("https://b.test/");
    w.redirect("https://b.test:8443/");
    assert_eq!(w.lines(), "Origin: null\r\n");
    assert_eq!(w.taint(), RedirectTaint::SameSite);
    w.redirect("https://c.test/");
    assert_eq!(w.taint(), RedirectTaint::CrossSite);
}

#[test]
fn an_origin_set_again_after_the_taint_becomes_the_one_null() {
    let policy = Policy::fetch();
    let mut w = Walk::start(
        Policy::fetch(),
        "https://a.test/",
        &[("Origin", "https://a.test")],
        None,
    );
    w.redirect("https://b.test/");
    w.redirect("https://c.test/");
    assert_eq!(w.lines(), "Origin: null\r\n");
    // The caller sets it again: sent on this request, `null` on the next, once.
    w.headers
        .append_header(&policy, 2, "Origin", b"https://a.test")
        .unwrap();
    assert_eq!(w.lines(), "Origin: null\r\nOrigin: https://a.test\r\n");
    assert!(w.redirect("https://d.test/"));
    assert_eq!(w.lines(), "Origin: null\r\n");
}

#[test]
fn curl_decides_the_credentials_again_for_the_request_a_take_back_restores() {
    let mut w = Walk::start(
        Policy::curl(),
        "https://a.test/",
        &[("Authorization", "Bearer t")],
        None,
    );
    assert!(w.redirect("https://b.test/"));
    assert_eq!(w.lines(), "");
    w.take_back();
    assert_eq!(w.lines(), "Authorization: Bearer t\r\n");
}

#[test]
fn fetch_keeps_the_credentials_decided_before_an_hsts_upgrade_on_a_take_back() {
    // Set for http://a.test: compared with each Location before its HSTS upgrade.
    let mut w = Walk::start(
        Policy::fetch(),
        "http://a.test/",
        &[("Authorization", "Bearer t")],
        None,
    );
    w.hop("https://a.test/x", Some("http://a.test/x"), None);
    w.hop("https://a.test/y", Some("http://a.test/y"), None);
    assert_eq!(w.lines(), "Authorization: Bearer t\r\n");
    // Taken back, the request to https://a.test/x carries them as it did: they are not
    // compared with its upgraded URL.
    w.take_back();
    assert_eq!(w.url.as_str(), "https://a.test/x");
    assert_eq!(w.lines(), "Authorization: Bearer t\r\n");
}

#[test]
fn a_mode_owns_origin_and_a_jar_owns_cookie() {
    use InvalidRequest::{JarOwnsCookie, ModeOwnsOrigin};
    let policy = Policy::fetch();
    // A `cors` request: the machine writes `Origin` once the chain leaves its origin.
    let mut w = Walk::start(Policy::fetch(), "https://a.test/", &[], None);
    w.headers
        .on_first_mode(RequestMode::Cors, &w.policy, &w.url, Method::Get)
        .unwrap();
    w.redirect("https://b.test/");
    assert_eq!(w.lines(), "Origin: https://a.test\r\n");
    w.refuses_every_edit(&["Origin", "origin"], b"https://x.test", ModeOwnsOrigin);
    // No jar: `Cookie` is the caller's.
    w.headers
        .append_header(&policy, 1, "Cookie", b"c=1")
        .unwrap();
    w.headers.set_header(&policy, 1, "X-Other", b"1").unwrap();
    assert_eq!(
        w.lines(),
        "Origin: https://a.test\r\nCookie: c=1\r\nX-Other: 1\r\n"
    );

    // A jar and no mode: `Cookie` is the jar's, `Origin` the caller's.
    let mut w = Walk::start(Policy::fetch(), "https://a.test/", &[], None);
    w.jar();
    w.redirect("https://a.test/2");
    assert_eq!(w.lines(), "Cookie: sid=1\r\n");
    w.refuses_every_edit(&["Cookie", "COOKIE"], b"c=1", JarOwnsCookie);
    w.headers
        .append_header(&policy, 1, "Origin", b"https://a.test")
        .unwrap();
    w.headers.set_header(&policy, 1, "X-Other", b"1").unwrap();
    assert_eq!(
        w.lines(),
        "Cookie: sid=1\r\nOrigin: https://a.test\r\nX-Other: 1\r\n"
    );
}
