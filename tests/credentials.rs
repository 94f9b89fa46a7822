//! Credentials across origins, as a caller sees them on each hop: which credential headers
//! (`Authorization`, `Cookie`, `Proxy-Authorization`, the policy's extra names) the next
//! request keeps, how each removal is reported (`removed_headers`), the credential rules
//! (same origin, or also the http -> https upgrade), trusted origins, `curl`'s return to the
//! first origin, the caller's own credentials set per hop, and a caller-set `Host`. The
//! published advisories on the same rule are replayed in `tests/security.rs`.

#[path = "support/chain.rs"]
mod chain;

use chain::{Chain, field, profiles, req, walk};
use redirects::{Event, Follow, InvalidRequest, Method, Policy, RemovalReason, Request};

#[test]
fn credentials_removed_cross_origin_and_reported_as_earlier_later() {
    let request = req(Method::Get, "http://a.test/1")
        .header("Authorization", "Basic dTpw")
        .unwrap()
        .header("Cookie", "sid=1")
        .unwrap()
        .header("X-Api-Key", "k")
        .unwrap()
        .header("Accept", "*/*")
        .unwrap();
    let policy = Policy::fetch().with_credential_header("x-api-key").unwrap();
    let mut s = Chain::with_policy(request, policy);
    s.redirect(
        "HTTP/1.1 302 Found\r\nLocation: http://b.test/2\r\n\r\n",
        |r| {
            let removed: Vec<_> = r
                .removed_headers()
                .map(|h| (h.name, h.reason, h.redirect, h.earlier))
                .collect();
            assert_eq!(
                removed,
                [
                    ("Authorization", RemovalReason::CrossOrigin, 1, false),
                    ("Cookie", RemovalReason::CrossOrigin, 1, false),
                    ("X-Api-Key", RemovalReason::CrossOrigin, 1, false),
                ]
            );
            assert!(
                !r.can_reuse_connection(),
                "another origin needs another connection"
            );
            assert_eq!(r.request().target().host, "b.test");
        },
    );
    // Back to the first origin: the credentials stay removed, reported as earlier.
    s.redirect(
        "HTTP/1.1 302 Found\r\nLocation: http://a.test/3\r\n\r\n",
        |r| {
            assert!(r.removed_headers().all(|h| h.earlier && h.redirect == 1));
            assert_eq!(r.request().header("authorization"), None);
            assert_eq!(r.request().header("accept"), Some(&b"*/*"[..]));
        },
    );
}

#[test]
fn https_upgrade_rule_keeps_credentials_only_on_default_ports() {
    let rule = redirects::CredentialRule::SameOriginOrHttpsUpgrade;
    let cases = [
        ("https://a.test/", true),
        ("https://a.test:8443/", false),
        ("https://b.test/", false),
        ("http://a.test:8080/", false),
    ];
    let mut failed = Vec::new();
    for (to, kept) in cases {
        let r = req(Method::Get, "http://a.test/")
            .header("Authorization", "Basic x")
            .unwrap();
        let mut s = Chain::with_policy(r, Policy::fetch().with_credential_rule(rule));
        s.redirect(&format!("HTTP/1.1 301 M\r\nLocation: {to}\r\n\r\n"), |r| {
            if r.request().header("authorization").is_some() != kept {
                failed.push(format!("{to}: want kept {kept}"));
            }
        });
    }
    assert!(failed.is_empty(), "rows failed: {failed:#?}");
}

#[test]
fn trusted_origin_receives_credentials_but_not_beyond() {
    let policy = Policy::fetch()
        .with_trusted_origin("https://auth.test")
        .unwrap();
    let r = req(Method::Get, "http://a.test/")
        .header("Authorization", "Basic x")
        .unwrap();
    let mut s = Chain::with_policy(r, policy);
    s.redirect(
        "HTTP/1.1 302 F\r\nLocation: https://auth.test/login\r\n\r\n",
        |r| {
            assert!(r.request().header("authorization").is_some());
        },
    );
    s.redirect(
        "HTTP/1.1 302 F\r\nLocation: https://other.test/\r\n\r\n",
        |r| {
            assert!(r.request().header("authorization").is_none());
        },
    );
    s.redirect(
        "HTTP/1.1 302 F\r\nLocation: https://auth.test/again\r\n\r\n",
        |r| {
            assert!(
                r.request().header("authorization").is_none(),
                "removed for good under fetch"
            );
        },
    );
}

#[test]
fn curl_profile_restores_credentials_on_the_first_origin_only() {
    let r = req(Method::Get, "http://a.test/1")
        .header("Authorization", "Basic x")
        .unwrap()
        .header("Cookie", "c=1")
        .unwrap();
    let mut s = Chain::with_policy(r, Policy::new(&redirects::Rules::CURL));
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/2\r\n\r\n", |r| {
        assert!(r.request().header("authorization").is_none());
        assert!(r.request().header("cookie").is_none());
        assert!(
            r.removed_headers()
                .all(|h| h.reason == RemovalReason::CrossOrigin && !h.earlier)
        );
    });
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/3\r\n\r\n", |r| {
        assert!(
            r.request().header("authorization").is_none(),
            "B/other-path: still B"
        );
    });
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://a.test/4\r\n\r\n", |r| {
        assert_eq!(r.request().header("authorization"), Some(&b"Basic x"[..]));
        assert_eq!(r.removed_headers().count(), 0);
    });
    s.redirect(
        "HTTP/1.1 302 F\r\nLocation: http://a.test:8080/5\r\n\r\n",
        |r| {
            assert!(r.request().header("authorization").is_none(), "other port");
        },
    );
}

#[test]
fn caller_edits_per_hop_with_explicit_credentials() {
    let r = req(Method::Get, "http://a.test/")
        .header("Cookie", "a=1")
        .unwrap()
        .header("X-Trace", "1")
        .unwrap();
    let mut s = Chain::new(r);
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/\r\n\r\n", |r| {
        assert_eq!(r.request().header("cookie"), None);
        // The caller's jar has a cookie for b.test: naming it is an explicit decision.
        r.set_header("Cookie", "b=2").unwrap();
        assert_eq!(r.remove_header("x-trace"), 1);
        assert_eq!(
            r.set_header("Bad Name", "v"),
            Err(InvalidRequest::HeaderName)
        );
    });
    let head = String::from_utf8(s.follow.request().to_head()).unwrap();
    assert_eq!(
        head,
        "GET / HTTP/1.1\r\nHost: b.test\r\nCookie: b=2\r\n\r\n"
    );
    // The cookie set for b.test does not go on to c.test, nor does a.test's come back.
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://c.test/\r\n\r\n", |r| {
        assert_eq!(r.request().header("cookie"), None);
        assert_eq!(r.request().header("x-trace"), None);
        let removed: Vec<_> = r
            .removed_headers()
            .map(|h| (h.name, h.reason, h.redirect))
            .collect();
        assert_eq!(
            removed,
            [
                ("Cookie", RemovalReason::CrossOrigin, 1),
                ("X-Trace", RemovalReason::Caller, 1),
                ("Cookie", RemovalReason::CrossOrigin, 2),
            ]
        );
    });
}

/// A -> B removes `Authorization`; the caller then sets one for B on the
/// handle. The request carries it, so `removed_headers()` must not list it: the list is
/// every header the next request does not carry, after every edit.
#[test]
fn removed_headers_omits_a_header_the_caller_set_again() {
    for (name, policy) in profiles() {
        for set in [true, false] {
            let r = Request::get("http://a.test/")
                .unwrap()
                .header("Authorization", "Bearer for-a")
                .unwrap();
            let mut follow = Follow::new(r, policy.clone()).unwrap();
            let bytes = b"HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\n\r\n";
            let Ok(Event::Redirect(mut hop)) = follow.handle_response(bytes) else {
                panic!("{name}: no redirect");
            };
            let listed = |hop: &redirects::Redirect<'_>| {
                hop.removed_headers()
                    .filter(|h| h.name.eq_ignore_ascii_case("authorization"))
                    .map(|h| h.reason)
                    .collect::<Vec<_>>()
            };
            assert_eq!(listed(&hop), [RemovalReason::CrossOrigin], "{name}");
            if set {
                hop.set_header("Authorization", "Bearer for-b").unwrap();
            } else {
                hop.append_header("Authorization", "Bearer for-b").unwrap();
            }
            assert_eq!(
                hop.request().header("authorization"),
                Some(&b"Bearer for-b"[..]),
                "{name}"
            );
            assert_eq!(listed(&hop), [], "{name} set={set}");
            // Removed again: listed again, as the caller's removal.
            hop.remove_header("Authorization");
            assert_eq!(hop.request().header("authorization"), None, "{name}");
            assert!(!listed(&hop).is_empty(), "{name} set={set}");
        }
    }
}

#[test]
fn caller_host_header_does_not_follow_to_another_origin() {
    let r = req(Method::Get, "http://a.test/")
        .header("Host", "v.test")
        .unwrap();
    let mut s = Chain::new(r);
    s.redirect("HTTP/1.1 302 F\r\nLocation: http://b.test/\r\n\r\n", |r| {
        let head = String::from_utf8(r.request().to_head()).unwrap();
        assert_eq!(head, "GET / HTTP/1.1\r\nHost: b.test\r\n\r\n");
    });
}

/// curl with an HSTS host a.test: a `Cookie` set for https://a.test; a redirect to
/// http://a.test/x is upgraded to https://a.test/x, the origin the cookie was set for.
/// curl (`Curl_auth_allowed_to_host`: host, port and protocol of the connection it makes)
/// sends it; the machine compares with http://a.test and leaves it out.
#[test]
fn curl_credentials_follow_the_upgraded_url() {
    let policy = redirects::Policy::curl()
        .with_hsts_host("a.test", false)
        .unwrap();
    let req = redirects::Request::get("https://a.test/")
        .unwrap()
        .header("Cookie", "sid=1")
        .unwrap();
    let (url, headers, _) = walk(
        policy,
        req,
        &[b"HTTP/1.1 302 Found\r\nLocation: http://a.test/x\r\n\r\n"],
    );
    assert_eq!(url, "https://a.test/x");
    assert_eq!(field(&headers, "cookie"), Some("sid=1"));
}
