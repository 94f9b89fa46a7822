//! What a browser changes on a redirect beyond method, body and credentials, as a caller
//! sees it on the handle: `Referer` and the referrer decision, `Origin: null`, bad ports,
//! HSTS upgrades, `Host` bound to its authority, and that stopping a redirect puts all of
//! it back.

#[path = "support/chain.rs"]
mod chain;

use chain::{
    expect_redirect, field, header_text, hop, profiles, redirect, redirect_with, start, walk,
};
use redirects::{
    Body, Error, Event, Follow, HstsSource, InvalidRequest, Method, Policy, Redirect,
    ReferrerPolicy, ReferrerSent, ReferrerWhy, RemovalReason, Request,
};

fn referer(r: &Redirect<'_>) -> Option<String> {
    header_text(&r.request(), "referer")
}

#[test]
fn referrer_decisions_along_a_chain() {
    let req = Request::get("https://a.test/start")
        .unwrap()
        .referrer("https://user:pw@a.test/page?token=1#frag")
        .unwrap();
    let mut follow = Follow::new(req, Policy::fetch()).unwrap();
    // Request 0: same origin, the full referrer without userinfo and fragment.
    assert_eq!(
        follow.request().header("referer"),
        Some(&b"https://a.test/page?token=1"[..])
    );
    // Same origin again: the full URL.
    hop(&mut follow, &redirect(302, "/next"), |r| {
        assert_eq!(referer(r).as_deref(), Some("https://a.test/page?token=1"));
        let d = r.referrer_decision().unwrap();
        assert_eq!(
            (d.policy, d.sent, d.why),
            (
                ReferrerPolicy::StrictOriginWhenCrossOrigin,
                ReferrerSent::Url,
                ReferrerWhy::SameOrigin
            )
        );
    });
    // Cross-origin: cut to the origin.
    hop(&mut follow, &redirect(307, "https://b.test/"), |r| {
        assert_eq!(referer(r).as_deref(), Some("https://a.test/"));
        assert_eq!(r.referrer_decision().unwrap().why, ReferrerWhy::CrossOrigin);
    });
    // Back on a.test: the referrer was cut, it stays cut.
    hop(&mut follow, &redirect(307, "https://a.test/x"), |r| {
        assert_eq!(referer(r).as_deref(), Some("https://a.test/"));
        let d = r.referrer_decision().unwrap();
        assert_eq!(
            (d.sent, d.why),
            (ReferrerSent::Origin, ReferrerWhy::Earlier)
        );
    });
    // A downgrade omits it, and it stays omitted.
    hop(&mut follow, &redirect(302, "http://a.test/"), |r| {
        assert_eq!(referer(r), None);
        assert_eq!(r.referrer_decision().unwrap().why, ReferrerWhy::Downgrade);
    });
    hop(&mut follow, &redirect(302, "https://a.test/"), |r| {
        assert_eq!(referer(r), None);
        assert_eq!(r.referrer_decision().unwrap().why, ReferrerWhy::Earlier);
    });
}

#[test]
fn referrer_policy_header_on_a_redirect_applies_to_the_requests_after_it() {
    let req = Request::get("https://a.test/")
        .unwrap()
        .referrer("https://a.test/page")
        .unwrap();
    let mut follow = Follow::new(req, Policy::fetch()).unwrap();
    let response = redirect_with(
        302,
        "https://b.test/",
        "Referrer-Policy: no-referrer, unsafe-url, bogus\r\n",
    );
    hop(&mut follow, &response, |r| {
        assert_eq!(referer(r).as_deref(), Some("https://a.test/page"));
        assert_eq!(
            r.referrer_decision().unwrap().policy,
            ReferrerPolicy::UnsafeUrl
        );
    });
    // Still unsafe-url on the next redirect, which has no header of its own.
    hop(&mut follow, &redirect(302, "http://c.test/"), |r| {
        assert_eq!(referer(r).as_deref(), Some("https://a.test/page"));
    });
}

#[test]
fn callers_referer_header_is_sent_once_then_recomputed() {
    let req = Request::get("https://a.test/")
        .unwrap()
        .header("Referer", "https://a.test/secret?k=v")
        .unwrap();
    let mut follow = Follow::new(req, Policy::fetch()).unwrap();
    assert_eq!(
        follow.request().header("referer"),
        Some(&b"https://a.test/secret?k=v"[..])
    );
    hop(&mut follow, &redirect(302, "https://b.test/"), |r| {
        let referers: Vec<_> = r
            .request()
            .headers()
            .filter(|(n, _)| n.eq_ignore_ascii_case("referer"))
            .collect();
        assert_eq!(referers, [("Referer", &b"https://a.test/"[..])]);
        let removed: Vec<_> = r.removed_headers().map(|h| (h.name, h.reason)).collect();
        assert_eq!(removed, [("Referer", RemovalReason::Recomputed)]);
    });
}

#[test]
fn curl_sends_the_referer_verbatim_or_the_previous_url_with_auto() {
    let first = || {
        Request::get("https://a.test/one#f")
            .unwrap()
            .referrer("https://r.test/page?x=1")
            .unwrap()
    };
    let mut fixed = Follow::new(first(), Policy::curl()).unwrap();
    hop(&mut fixed, &redirect(302, "http://b.test/"), |r| {
        assert_eq!(referer(r).as_deref(), Some("https://r.test/page?x=1"));
        assert_eq!(r.referrer_decision().unwrap().why, ReferrerWhy::CurlFixed);
    });
    let auto = Policy::curl().with_auto_referer(true);
    let mut auto = Follow::new(Request::get("https://u:p@a.test/one#f").unwrap(), auto).unwrap();
    assert_eq!(auto.request().header("referer"), None);
    hop(&mut auto, &redirect(302, "http://b.test/two"), |r| {
        assert_eq!(referer(r).as_deref(), Some("https://a.test/one"));
        assert_eq!(r.referrer_decision().unwrap().why, ReferrerWhy::CurlAuto);
    });
    hop(&mut auto, &redirect(302, "/three"), |r| {
        assert_eq!(referer(r).as_deref(), Some("http://b.test/two"));
    });
}

#[test]
fn origin_becomes_null_once_the_chain_is_redirect_tainted() {
    let req = Request::new(redirects::Method::Post, "https://a.test/")
        .unwrap()
        .header("Origin", "https://a.test")
        .unwrap();
    let mut follow = Follow::new(req, Policy::fetch()).unwrap();
    // A -> B: not tainted (the redirect came from the request's own origin).
    hop(&mut follow, &redirect(307, "https://b.test/"), |r| {
        assert_eq!(r.request().header("origin"), Some(&b"https://a.test"[..]));
    });
    // B -> A: tainted.
    hop(&mut follow, &redirect(307, "https://a.test/back"), |r| {
        assert_eq!(r.request().header("origin"), Some(&b"null"[..]));
        let removed: Vec<_> = r.removed_headers().map(|h| (h.name, h.reason)).collect();
        assert_eq!(removed, [("Origin", RemovalReason::RedirectTainted)]);
    });
    // Stays null.
    hop(&mut follow, &redirect(307, "/again"), |r| {
        assert_eq!(r.request().header("origin"), Some(&b"null"[..]));
    });
    // curl forwards it as it is.
    let req = Request::get("https://a.test/")
        .unwrap()
        .header("Origin", "https://a.test")
        .unwrap();
    let mut curl = Follow::new(req, Policy::curl()).unwrap();
    hop(&mut curl, &redirect(302, "https://b.test/"), |_| {});
    hop(&mut curl, &redirect(302, "https://c.test/"), |r| {
        assert_eq!(r.request().header("origin"), Some(&b"https://a.test"[..]));
    });
}

#[test]
fn bad_ports_are_blocked_by_policy() {
    for (policy, location, blocked) in [
        (Policy::fetch(), "http://a.test:25/", Some(25)),
        (Policy::strict(), "https://a.test:0/", Some(0)),
        (Policy::fetch(), "http://a.test:10080/", Some(10080)),
        (Policy::fetch(), "http://a.test:8080/", None),
        (Policy::fetch(), "https://a.test:443/", None),
        (Policy::curl(), "http://a.test:25/", None),
        (
            Policy::fetch().with_blocked_ports(false),
            "http://a.test:25/",
            None,
        ),
    ] {
        let mut follow = start("http://a.test/", policy);
        let got = follow
            .handle_response(redirect(302, location).as_bytes())
            .map(|e| matches!(e, Event::Redirect(_)));
        match blocked {
            Some(port) => assert_eq!(
                got,
                Err(Error::BlockedPort { status: 302, port }),
                "{location}"
            ),
            None => assert_eq!(got, Ok(true), "{location}"),
        }
    }
}

#[test]
fn a_first_request_to_a_bad_port_is_refused_too() {
    let req = || Request::get("http://a.test:6667/").unwrap();
    assert_eq!(
        Follow::new(req(), Policy::fetch()).unwrap_err(),
        Error::InvalidRequest(redirects::InvalidRequest::BlockedPort { port: 6667 })
    );
    assert!(Follow::new(req(), Policy::curl()).is_ok());
}

/// Fetch "redirect-taint": a request made from another origin's page (its referrer) and
/// redirected to that origin is tainted: B -> A from A's page.
#[test]
fn the_request_origin_is_the_referrers() {
    let req = Request::get("https://b.test/api")
        .unwrap()
        .header("Origin", "https://a.test")
        .unwrap()
        .referrer("https://a.test/page")
        .unwrap();
    let mut follow = Follow::new(req, Policy::fetch()).unwrap();
    hop(&mut follow, &redirect(302, "https://a.test/x"), |r| {
        assert_eq!(r.request().header("origin"), Some(&b"null"[..]));
    });
}

#[test]
fn a_referrer_cut_on_the_first_request_is_reported_as_cut() {
    let req = Request::get("https://b.test/api")
        .unwrap()
        .referrer("https://a.test/page?secret=1")
        .unwrap();
    let mut follow = Follow::new(req, Policy::fetch()).unwrap();
    hop(&mut follow, &redirect(302, "https://a.test/x"), |r| {
        assert_eq!(referer(r).as_deref(), Some("https://a.test/"));
        let d = r.referrer_decision().unwrap();
        assert_eq!(
            (d.sent, d.why),
            (ReferrerSent::Origin, ReferrerWhy::Earlier)
        );
    });
}

#[test]
fn an_origin_added_on_a_later_redirect_is_nulled_too() {
    let mut follow = start("https://a.test/", Policy::fetch());
    hop(&mut follow, &redirect(302, "https://b.test/"), |r| {
        r.set_header("Origin", "https://a.test").unwrap();
    });
    // B -> C: tainted; the Origin the caller added for B does not reach C.
    hop(&mut follow, &redirect(302, "https://c.test/"), |r| {
        assert_eq!(r.request().header("origin"), Some(&b"null"[..]));
        let origins = r
            .request()
            .headers()
            .filter(|(n, _)| n.eq_ignore_ascii_case("origin"))
            .count();
        assert_eq!(origins, 1);
    });
}

#[test]
fn hsts_upgrades_from_the_policy_and_from_the_chain() {
    let policy = Policy::fetch().with_hsts_host("a.test", true).unwrap();
    let mut follow = start("https://x.test/", policy);
    hop(&mut follow, &redirect(302, "http://sub.a.test/p"), |r| {
        assert_eq!(r.request().url().as_str(), "https://sub.a.test/p");
        assert_eq!(r.hsts_upgrade().unwrap().source, HstsSource::Policy);
    });
    // Learned from an https response, applied on the next redirect to http.
    let mut follow = start("https://b.test/", Policy::strict());
    let learn = redirect_with(
        302,
        "http://b.test:8080/x",
        "Strict-Transport-Security: max-age=600\r\n",
    );
    hop(&mut follow, &learn, |r| {
        // strict refuses downgrades; the upgrade makes this none.
        assert_eq!(r.request().url().as_str(), "https://b.test:8080/x");
        assert_eq!(r.hsts_upgrade().unwrap().source, HstsSource::Learned);
    });
    // Not learned under curl, nor from plain http.
    let mut curl = start("https://b.test/", Policy::curl());
    hop(&mut curl, &learn, |r| {
        assert_eq!(r.request().url().as_str(), "http://b.test:8080/x");
        assert_eq!(r.hsts_upgrade(), None);
    });
    let mut plain = start("http://b.test/", Policy::fetch());
    hop(&mut plain, &learn, |r| assert_eq!(r.hsts_upgrade(), None));
}

#[test]
fn host_goes_only_to_its_own_authority_whatever_the_policy() {
    for policy in [
        Policy::fetch()
            .with_trusted_origin("https://a.test")
            .unwrap(),
        Policy::fetch().with_credential_rule(redirects::CredentialRule::SameOriginOrHttpsUpgrade),
        Policy::curl(),
    ] {
        let req = Request::get("http://a.test/")
            .unwrap()
            .header("Host", "a.test:80")
            .unwrap();
        let mut follow = Follow::new(req, policy.clone()).unwrap();
        hop(&mut follow, &redirect(301, "http://a.test:80/same"), |r| {
            assert_eq!(r.request().header("host"), Some(&b"a.test:80"[..]));
        });
        hop(&mut follow, &redirect(301, "https://a.test/"), |r| {
            assert_eq!(r.request().header("host"), None, "{policy:?}");
            let removed: Vec<_> = r.removed_headers().map(|h| (h.name, h.reason)).collect();
            assert_eq!(removed, [("Host", RemovalReason::OtherAuthority)]);
            assert!(String::from_utf8_lossy(&r.request().to_head()).contains("Host: a.test\r\n"));
        });
    }
}

#[test]
fn stop_puts_back_what_the_redirect_changed() {
    let req = Request::get("https://a.test/")
        .unwrap()
        .header("Referer", "https://a.test/page")
        .unwrap()
        .header("Origin", "https://o.test")
        .unwrap()
        .header("Host", "a.test")
        .unwrap();
    let mut follow = Follow::new(req, Policy::fetch()).unwrap();
    let before = follow.request().to_head();
    let bytes = redirect_with(302, "https://b.test/", "Referrer-Policy: unsafe-url\r\n");
    let Ok(Event::Redirect(r)) = follow.handle_response(bytes.as_bytes()) else {
        panic!("expected a redirect")
    };
    assert_ne!(r.request().to_head(), before);
    let _ = r.stop();
    assert_eq!(follow.request().to_head(), before);
}

#[test]
fn a_referrer_with_control_bytes_is_refused() {
    // The URL parser would drop the CR LF; curl would send the value as written.
    let err = Request::get("http://b.test/")
        .unwrap()
        .referrer("http://a.test/\r\nX-Injected: 1")
        .unwrap_err();
    assert_eq!(
        err,
        Error::InvalidRequest(redirects::InvalidRequest::HeaderValue)
    );
}

#[test]
fn removing_referer_removes_the_referrer_for_the_rest_of_the_chain() {
    for policy in [Policy::fetch(), Policy::curl().with_auto_referer(true)] {
        let req = Request::get("https://a.test/")
            .unwrap()
            .referrer("https://a.test/p")
            .unwrap();
        let mut follow = Follow::new(req, policy.clone()).unwrap();
        hop(&mut follow, &redirect(302, "/x"), |r| {
            assert!(referer(r).is_some(), "{policy:?}");
            r.remove_header("Referer");
        });
        hop(&mut follow, &redirect(302, "/y"), |r| {
            assert_eq!(referer(r), None, "{policy:?}");
        });
    }
}

#[test]
fn the_first_requests_decisions_are_reported_too() {
    let policy = Policy::fetch().with_hsts_host("b.test", false).unwrap();
    let req = Request::get("http://b.test/")
        .unwrap()
        .referrer("https://a.test/page")
        .unwrap();
    let follow = Follow::new(req, policy).unwrap();
    assert_eq!(follow.request().url().as_str(), "https://b.test/");
    assert_eq!(follow.hsts_upgrade().unwrap().source, HstsSource::Policy);
    // Decided against the URL as given (http): a downgrade from https.
    let d = follow.referrer_decision().unwrap();
    assert_eq!(
        (d.sent, d.why),
        (ReferrerSent::None, ReferrerWhy::Downgrade)
    );
}

/// The request the first redirect of `bytes` proposes, as (method, body sent, `Origin`).
fn first_hop(request: Request, policy: Policy, bytes: &[u8]) -> (Method, bool, Option<String>) {
    let mut follow = Follow::new(request, policy).unwrap();
    let hop = expect_redirect(&mut follow, bytes);
    let r = hop.request();
    (r.method(), r.sends_body(), header_text(&r, "origin"))
}

/// `Origin: https://app.test` on a request to `https://api.test`, which answers
/// 307 to `https://evil.test/`. The request's origin is the one its `Origin` names, so the
/// hop goes from a URL foreign to it to another origin: redirect-tainted, `Origin: null`
/// (Fetch). The confused-deputy form: api.test sends the POST back to app.test's own
/// admin URL, which must not see app.test's own `Origin`. Under `curl` a caller's `Origin`
/// is a custom header, forwarded as it is (curl has no redirect taint).
#[test]
fn a_caller_set_origin_is_the_request_origin_for_redirect_taint() {
    let to = |location: &str| redirect(307, location);
    let post = |origin: &str| {
        Request::new(Method::Post, "https://api.test/submit")
            .unwrap()
            .header("Origin", origin)
            .unwrap()
            .body(Body::Replayable)
    };
    for (name, policy) in profiles() {
        let tainted = if name == "curl" {
            "https://app.test"
        } else {
            "null"
        };
        for location in ["https://evil.test/", "https://app.test/admin/delete-all"] {
            let (method, body, origin) = first_hop(
                post("https://app.test"),
                policy.clone(),
                to(location).as_bytes(),
            );
            assert_eq!((method, body), (Method::Post, true), "{name} {location}");
            assert_eq!(origin.as_deref(), Some(tainted), "{name} {location}");
            // Said with `Request::origin` instead (the field then need not name it).
            let explicit = post("https://api.test").origin("https://app.test").unwrap();
            let (_, _, origin) = first_hop(explicit, policy.clone(), to(location).as_bytes());
            let want = if name == "curl" {
                "https://api.test"
            } else {
                "null"
            };
            assert_eq!(origin.as_deref(), Some(want), "{name} {location} explicit");
        }
        // A request from api.test itself: api.test -> evil.test alone does not taint.
        let (_, _, origin) = first_hop(
            post("https://api.test"),
            policy.clone(),
            to("https://evil.test/").as_bytes(),
        );
        assert_eq!(
            origin.as_deref(),
            Some("https://api.test"),
            "{name} own origin"
        );
    }
    // Only a serialized origin names one.
    for bad in [
        "https://app.test/",
        "https://APP.test",
        "app.test",
        "",
        "https://a.test:443",
    ] {
        assert_eq!(
            Request::get("https://api.test/")
                .unwrap()
                .origin(bad)
                .unwrap_err(),
            Error::InvalidRequest(InvalidRequest::Origin),
            "{bad:?}"
        );
    }
    assert!(
        Request::get("https://api.test/")
            .unwrap()
            .origin("null")
            .is_ok()
    );
    assert!(
        Request::get("https://api.test/")
            .unwrap()
            .origin("http://[::1]:8080")
            .is_ok()
    );
}

/// Fetch: a request made from https://app.test's page goes to https://api.test, which
/// redirects to https://evil.test. The hop goes from a URL foreign to the request's origin
/// to another origin: redirect-taint is not "same-origin", and "serializing a request
/// origin" gives `null`. The request's origin is app.test whichever way the caller says
/// so: the referrer, the `Origin` field's own value (FORMAT.md format 3), or `Request::origin`. Only a request whose origin is api.test itself keeps its
/// `Origin` over api.test -> evil.test.
#[test]
fn origin_is_nulled_after_a_foreign_redirector() {
    let req = |origin: &str, referrer: bool| {
        let r = redirects::Request::get("https://api.test/x")
            .unwrap()
            .header("Origin", origin)
            .unwrap();
        if referrer {
            r.referrer("https://app.test/page").unwrap()
        } else {
            r
        }
    };
    let hop = b"HTTP/1.1 302 Found\r\nLocation: https://evil.test/\r\n\r\n";
    let sent = |request| {
        let (_, headers, _) = walk(redirects::Policy::fetch(), request, &[hop]);
        field(&headers, "origin").map(str::to_owned)
    };
    assert_eq!(sent(req("https://app.test", true)).as_deref(), Some("null"));
    assert_eq!(
        sent(req("https://app.test", false)).as_deref(),
        Some("null")
    );
    let explicit = req("https://app.test", false)
        .origin("https://app.test")
        .unwrap();
    assert_eq!(sent(explicit).as_deref(), Some("null"));
    assert_eq!(
        sent(req("https://api.test", false)).as_deref(),
        Some("https://api.test")
    );
    // An explicit origin comes before the field's value.
    let explicit = req("https://app.test", false)
        .origin("https://api.test")
        .unwrap();
    assert_eq!(sent(explicit).as_deref(), Some("https://app.test"));
    // A value that is not a serialized origin names none: the first URL's counts.
    assert_eq!(
        sent(req("https://app.test/", false)).as_deref(),
        Some("https://app.test/")
    );
}

/// Two caller-set `Referer` fields: the first is the referrer when the chain starts
/// (`Follow::new`), so it must stay the referrer on the first redirect. To https://a.test
/// under `strict-origin-when-cross-origin`, https://b.test/x gives its origin; the
/// machine takes the last field (https://a.test/y, same origin) and sends it whole.
#[test]
fn first_referer_field_is_the_referrer() {
    let req = redirects::Request::get("https://c.test/")
        .unwrap()
        .header("Referer", "https://b.test/x")
        .unwrap()
        .header("Referer", "https://a.test/y")
        .unwrap();
    let (_, headers, _) = walk(
        redirects::Policy::fetch(),
        req,
        &[b"HTTP/1.1 302 Found\r\nLocation: https://a.test/z\r\n\r\n"],
    );
    assert_eq!(field(&headers, "referer"), Some("https://b.test/"));
}

/// `Request::referrer` https://a.test/page for a request to https://b.test: the first
/// request carries the origin only, and the referrer is that origin from then on. A
/// redirect back to https://a.test sends that origin, and `referrer_decision` must say
/// so (`sent: Origin`, why `Earlier`, as when a redirect cut it), not `sent: Url`.
#[test]
fn first_request_cut_stays_an_origin() {
    use redirects::{ReferrerSent, ReferrerWhy};
    let req = redirects::Request::get("https://b.test/")
        .unwrap()
        .referrer("https://a.test/page?secret=1")
        .unwrap();
    let (_, headers, decision) = walk(
        redirects::Policy::fetch(),
        req,
        &[b"HTTP/1.1 302 Found\r\nLocation: https://a.test/x\r\n\r\n"],
    );
    assert_eq!(field(&headers, "referer"), Some("https://a.test/"));
    let d = decision.unwrap();
    assert_eq!(
        (d.sent, d.why),
        (ReferrerSent::Origin, ReferrerWhy::Earlier)
    );
}

/// RFC 6797 §6.1: a directive value may be a quoted-string, `;` included. The field
/// `max-age=10; foo=";includeSubDomains;"` does not assert includeSubDomains, so
/// http://x.a.test stays http after it; the machine splits inside the quotes and
/// upgrades it.
#[test]
fn sts_quoted_value_holds_semicolons() {
    let req = redirects::Request::get("https://a.test/").unwrap();
    let (url, _, _) = walk(
        redirects::Policy::fetch(),
        req,
        &[
            b"HTTP/1.1 302 Found\r\nStrict-Transport-Security: max-age=10; foo=\";includeSubDomains;\"\r\nLocation: https://a.test/2\r\n\r\n",
            b"HTTP/1.1 302 Found\r\nLocation: http://x.a.test/\r\n\r\n",
        ],
    );
    assert_eq!(url, "http://x.a.test/");
}

/// A request with a referrer and no origin of its own takes the referrer's origin (the
/// client that made it): a `cors` request's `Origin` names it, not the first URL's.
#[test]
fn the_request_origin_is_the_referrer_s_when_none_is_given() {
    let req = Request::new(Method::Post, "https://a.test/form")
        .unwrap()
        .referrer("https://r.test/page")
        .unwrap()
        .mode(redirects::RequestMode::Cors);
    let follow = Follow::new(req, Policy::fetch()).unwrap();
    assert_eq!(
        follow.request().header("origin"),
        Some(&b"https://r.test"[..])
    );
    // Without a referrer, the first URL's.
    let req = Request::new(Method::Post, "https://a.test/form")
        .unwrap()
        .mode(redirects::RequestMode::Cors);
    let follow = Follow::new(req, Policy::fetch()).unwrap();
    assert_eq!(
        follow.request().header("origin"),
        Some(&b"https://a.test"[..])
    );
}
