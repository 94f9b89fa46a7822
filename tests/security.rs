//! Redirect advisories of other HTTP clients, replayed against this crate.
//!
//! Each test is named after one published advisory, replays the redirect chain that leaked
//! there, and checks every request the machine then asks to send. A test holds under every
//! policy [`policies`] builds: the three profiles (`fetch`, `strict`, `curl`) times both
//! credential rules (`SameOrigin`, `SameOriginOrHttpsUpgrade`), each with and without an
//! unrelated trusted origin.
//!
//! "Nothing leaks" is checked on what would go on the wire: the header list
//! ([`OutgoingRequest::headers`], name compared without case) and the written head bytes
//! ([`OutgoingRequest::to_head`], searched for each secret value), after every hop, and
//! again after the caller edits the proposed request (appends, sets and removes unrelated
//! headers). The first request of every replay must carry every planted secret, so a secret
//! that is missing later was removed by the machine, not never planted. A hop the machine
//! refuses (an error, or the 3xx handed back as final) sends nothing and is safe.

use redirects::{
    Body, CredentialRule, Event, Follow, Method, OutgoingRequest, Policy, Redirect, Request, Rules,
};

/// An origin no chain below ever reaches: trusting it must change nothing.
const UNRELATED_TRUSTED: &str = "https://trusted.unrelated.example:8443";

/// Every policy the advisories are replayed under, with a label for failure messages.
fn policies() -> Vec<(String, Policy)> {
    let mut all = Vec::new();
    for profile in Rules::ALL {
        for (rule_name, rule) in [
            ("same-origin", CredentialRule::SameOrigin),
            ("https-upgrade", CredentialRule::SameOriginOrHttpsUpgrade),
        ] {
            let policy = Policy::new(profile).with_credential_rule(rule);
            all.push((format!("{}/{rule_name}", profile.name()), policy.clone()));
            let trusted = policy
                .with_trusted_origin(UNRELATED_TRUSTED)
                .expect("valid origin");
            all.push((format!("{}/{rule_name}+trusted", profile.name()), trusted));
        }
    }
    all
}

/// Runs `f` once per policy of [`policies`].
fn for_every_policy(mut f: impl FnMut(&str, Policy)) {
    let all = policies();
    assert_eq!(all.len(), 12);
    for (label, policy) in all {
        f(&label, policy);
    }
}

fn is_upgrade_rule(policy: &Policy) -> bool {
    policy.credential_rule() == CredentialRule::SameOriginOrHttpsUpgrade
}

/// A redirect response with an empty body.
fn redirect(status: u16, location: &str) -> String {
    format!("HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A planted secret: the header name as the caller wrote it, and a value that occurs nowhere
/// else in any head of the chain.
type Secret = (&'static str, &'static str);

/// Panics unless `request` carries none of `secrets`, by name (any case) or by value
/// (anywhere in the head bytes).
#[track_caller]
fn assert_clean(label: &str, request: &OutgoingRequest<'_>, secrets: &[Secret]) {
    let head = request.to_head();
    for (name, value) in secrets {
        assert!(
            request.header(name).is_none(),
            "{label}: `{name}` is sent to {}:\n{}",
            request.url(),
            String::from_utf8_lossy(&head)
        );
        assert!(
            !contains(&head, value.as_bytes()),
            "{label}: the value of `{name}` is in the head for {}:\n{}",
            request.url(),
            String::from_utf8_lossy(&head)
        );
    }
}

/// What one response did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// The machine proposed the next request.
    Followed,
    /// The response was handed back as final: nothing more is sent.
    Final(u16),
    /// The chain ended with this error kind: nothing more is sent.
    Refused(&'static str),
}

/// One chain under one policy.
struct Replay {
    label: String,
    follow: Follow,
    secrets: Vec<Secret>,
    hop: u32,
}

impl Replay {
    /// Starts the chain; the first request must carry every secret.
    #[track_caller]
    fn start(label: &str, policy: Policy, request: Request, secrets: &[Secret]) -> Replay {
        let follow = Follow::new(request, policy).expect("valid first request");
        let first = follow.request();
        let head = first.to_head();
        for (name, value) in secrets {
            assert!(
                first
                    .headers()
                    .any(|(n, v)| n == *name && v == value.as_bytes()),
                "{label}: the first request must carry `{name}: {value}`"
            );
            assert!(
                contains(&head, value.as_bytes()),
                "{label}: `{name}` planted"
            );
        }
        Replay {
            label: label.to_owned(),
            follow,
            secrets: secrets.to_vec(),
            hop: 0,
        }
    }

    /// Feeds one response. If the machine follows it and `must_be_clean`, the next request
    /// carries no secret, also after caller edits, and every secret it lacks is reported in
    /// `removed_headers`.
    #[track_caller]
    fn respond(&mut self, response: &str, must_be_clean: bool) -> Outcome {
        self.hop += 1;
        let label = format!("{} hop {}", self.label, self.hop);
        let hop = self.hop;
        let outcome = match self.follow.handle_response(response.as_bytes()) {
            Ok(Event::Redirect(mut r)) => {
                if must_be_clean {
                    assert_clean(&label, &r.request(), &self.secrets);
                    for (name, _) in &self.secrets {
                        assert!(
                            r.removed_headers()
                                .any(|h| h.name.eq_ignore_ascii_case(name)),
                            "{label}: `{name}` is not sent but not reported removed"
                        );
                    }
                }
                edit(&mut r, hop, &label);
                Outcome::Followed
            }
            Ok(Event::Final(f)) => Outcome::Final(f.response().status()),
            Ok(Event::NeedData) => panic!("{label}: the response head is complete"),
            Err(e) => Outcome::Refused(e.code()),
        };
        if outcome == Outcome::Followed && must_be_clean {
            assert_clean(
                &format!("{label} after caller edits"),
                &self.follow.request(),
                &self.secrets,
            );
        }
        outcome
    }

    fn request(&self) -> OutgoingRequest<'_> {
        self.follow.request()
    }
}

/// Caller edits that must not bring back a removed credential.
fn edit(r: &mut Redirect<'_>, hop: u32, label: &str) {
    r.append_header("X-Request-Id", format!("hop-{hop}"))
        .unwrap_or_else(|e| panic!("{label}: append_header: {e}"));
    r.set_header("Accept", "application/json")
        .unwrap_or_else(|e| panic!("{label}: set_header: {e}"));
    assert_eq!(r.remove_header("X-Not-There"), 0, "{label}: remove_header");
}

/// Builds a request with `headers`.
fn request(method: Method, url: &str, headers: &[(&str, &str)]) -> Request {
    let mut r = Request::new(method, url).expect("valid URL");
    for (n, v) in headers {
        r = r.header(n, v).expect("valid header");
    }
    r
}

fn get(url: &str, secrets: &[Secret]) -> Request {
    let mut headers = vec![("Accept", "*/*"), ("X-Trace", "t-1")];
    headers.extend_from_slice(secrets);
    request(Method::Get, url, &headers)
}

/// The checks themselves must catch a forwarded credential: a request that still carries
/// one (here the first request, and a hop to an origin the policy trusts) fails them.
#[test]
fn leak_check_catches_a_forwarded_credential() {
    let secrets: &[Secret] = &[("Authorization", "Bearer self-test-token")];
    let follow = Follow::new(get("http://a.test/", secrets), Policy::fetch()).unwrap();
    let caught = std::panic::catch_unwind(|| assert_clean("self-test", &follow.request(), secrets));
    assert!(caught.is_err(), "assert_clean let a credential through");

    let policy = Policy::fetch()
        .with_trusted_origin("http://b.test")
        .unwrap();
    let caught = std::panic::catch_unwind(move || {
        let mut r = Replay::start("self-test", policy, get("http://a.test/", secrets), secrets);
        r.respond(&redirect(302, "http://b.test/"), true);
    });
    assert!(caught.is_err(), "Replay::respond let a credential through");
}

/// **curl CVE-2018-1000007** (curl 6.0 to 7.57.0), "HTTP authentication leak in redirects":
/// a custom `Authorization:` header given with `-H` was sent to every host the redirects led
/// to, not just the host of the first URL.
///
/// Read: curl-www `docs/CVE-2018-1000007.md`; curl `tests/data/test317` ("HTTP with custom
/// Authorization: and redirect to new host": `http://first.host.it.is/we/want/that/page/317`
/// with `-H "Authorization: s3cr3t"`, redirected to `http://goto.second.host.now/3170002`,
/// whose request must have no `Authorization`). Replayed for every redirect status, since
/// other clients (superagent) stripped on 301/302/303 only.
#[test]
fn curl_cve_2018_1000007_custom_authorization_not_sent_to_the_next_host() {
    let secrets: &[Secret] = &[("Authorization", "s3cr3t-cve-2018-1000007")];
    for_every_policy(|label, policy| {
        for status in [301, 302, 303, 307, 308] {
            let mut r = Replay::start(
                &format!("{label} {status}"),
                policy.clone(),
                get("http://first.host.it.is/we/want/that/page/317", secrets),
                secrets,
            );
            let then = r.respond(
                &redirect(status, "http://goto.second.host.now/3170002"),
                true,
            );
            assert_eq!(then, Outcome::Followed, "{label} {status}");
            assert_eq!(r.request().url().host_str(), Some("goto.second.host.now"));
        }
    });
}

/// **curl CVE-2022-27774** (curl 4.9 to 7.82.0), "Credential leak on redirect": the user name
/// and password given for a URL (`-u`, or user info in the URL, sent as `Authorization:
/// Basic`) were passed on to redirects that kept the host name but changed the protocol
/// (HTTP(S) to FTP and others) or the port number.
///
/// Read: curl-www `docs/CVE-2022-27774.md`. Nearest here: this crate never turns URL user
/// info into `Authorization` (the caller does), so the test plants both the header a
/// `-u joe:secret` would produce and the user info in the first URL, then redirects to the
/// same host on another port, on plain HTTP, and on FTP. Port and scheme hops must carry
/// neither the header nor the user info (not in the head, not in the next URL); the FTP hop
/// must not be followed at all (the machine writes HTTP heads only).
#[test]
fn curl_cve_2022_27774_credentials_not_sent_to_another_port_or_protocol() {
    let secrets: &[Secret] = &[("Authorization", "Basic am9lOnNlY3JldA==")];
    for_every_policy(|label, policy| {
        let start = "https://joe:secret@a.example.com/auth/27774";
        let hops = [
            ("https://a.example.com:8443/port", Some(Outcome::Followed)),
            ("http://a.example.com/protocol", None),
            ("http://a.example.com:443/protocol-same-port", None),
            (
                "ftp://a.example.com/file",
                Some(Outcome::Refused("scheme_not_allowed")),
            ),
            (
                "ftps://a.example.com/file",
                Some(Outcome::Refused("scheme_not_allowed")),
            ),
        ];
        for (location, want) in hops {
            let label = format!("{label} -> {location}");
            let mut r = Replay::start(&label, policy.clone(), get(start, secrets), secrets);
            let got = r.respond(&redirect(302, location), true);
            let want = want.unwrap_or(if policy.rules() == &Rules::STRICT {
                Outcome::Refused("insecure_redirect")
            } else {
                Outcome::Followed
            });
            assert_eq!(got, want, "{label}");
            if got == Outcome::Followed {
                let next = r.request();
                assert_eq!(
                    next.url().username(),
                    "",
                    "{label}: user name in the next URL"
                );
                assert_eq!(
                    next.url().password(),
                    None,
                    "{label}: password in the next URL"
                );
                let head = next.to_head();
                assert!(!contains(&head, b"joe"), "{label}: user info in the head");
                assert!(!contains(&head, b"secret"), "{label}: password in the head");
            }
        }
    });
}

/// **curl CVE-2022-27776** (curl 4.9 to 7.82.0), "Auth/cookie leak on redirect": custom
/// `Authorization:` and `Cookie:` headers were sent on to a redirect to the same host name
/// on another port number or URL scheme.
///
/// Read: curl-www `docs/CVE-2022-27776.md`; curl `tests/data/test898` ("HTTP with custom
/// auth and cookies redirected to HTTP on a diff port": `http://firsthost.com` with
/// `-H "Authorization: Basic ..." -H "Cookie: userpwd=..."`, 301 to
/// `http://firsthost.com:9999/a/path/8980002`, whose request has neither). Scheme changes:
/// https -> http is stripped (or refused by `strict`) under every rule; http -> https on the
/// default ports is the one documented exemption of `SameOriginOrHttpsUpgrade` (asserted
/// exactly, so it cannot widen), and with a non-default port it is stripped under every rule.
#[test]
fn curl_cve_2022_27776_auth_and_cookie_not_sent_to_another_port_or_scheme() {
    let secrets: &[Secret] = &[
        ("Authorization", "Basic am9lOnNlY3JldA=="),
        ("Cookie", "userpwd=am9lOnNlY3JldA=="),
    ];
    for_every_policy(|label, policy| {
        // test898, verbatim chain.
        let mut r = Replay::start(
            label,
            policy.clone(),
            get("http://firsthost.com", secrets),
            secrets,
        );
        let then = r.respond(
            &redirect(301, "http://firsthost.com:9999/a/path/8980002"),
            true,
        );
        assert_eq!(then, Outcome::Followed, "{label}");
        assert_eq!(r.request().url().port(), Some(9999));

        // Port change the other way, and scheme changes.
        let cases = [
            ("http://firsthost.com:9999/", "http://firsthost.com/back"),
            ("https://firsthost.com/", "http://firsthost.com/down"),
            (
                "http://firsthost.com:8080/",
                "https://firsthost.com/up-from-8080",
            ),
            (
                "http://firsthost.com/",
                "https://firsthost.com:8443/up-to-8443",
            ),
        ];
        for (start, location) in cases {
            let label = format!("{label} {start} -> {location}");
            let mut r = Replay::start(&label, policy.clone(), get(start, secrets), secrets);
            let downgrade = location.starts_with("http:") && start.starts_with("https:");
            let got = r.respond(&redirect(302, location), true);
            if downgrade && policy.rules() == &Rules::STRICT {
                assert_eq!(got, Outcome::Refused("insecure_redirect"), "{label}");
            } else {
                assert_eq!(got, Outcome::Followed, "{label}");
            }
        }

        // http -> https, same host, default ports: stripped, except under the upgrade rule.
        let label = format!("{label} http -> https default ports");
        let mut r = Replay::start(
            &label,
            policy.clone(),
            get("http://firsthost.com/", secrets),
            secrets,
        );
        let upgrade = is_upgrade_rule(&policy);
        assert_eq!(
            r.respond(&redirect(302, "https://firsthost.com/up"), !upgrade),
            Outcome::Followed
        );
        if upgrade {
            for (name, value) in secrets {
                assert_eq!(r.request().header(name), Some(value.as_bytes()), "{label}");
            }
        }
    });
}

/// **Go CVE-2023-45289** (net/http, net/http/cookiejar; Go issue 65065), "incorrect
/// forwarding of sensitive headers and cookies on HTTP redirect": `Authorization` and
/// `Cookie` are forwarded to the initial domain and its subdomains, and the subdomain test
/// matched the zone of an IPv6 literal, so `http://[::1%25.foo.com]/` counted as a
/// subdomain of `foo.com` and received them. Go's list of such headers
/// (`shouldCopyHeaderOnRedirect`) is `Authorization`, `Www-Authenticate`, `Cookie`,
/// `Cookie2`: all four are planted.
///
/// Read: golang/vulndb issue 2600 and golang/go issue 65065 (advisory text); Go's
/// `src/net/http/client_test.go` `TestShouldCopyHeaderOnRedirect` row (read through a code
/// search excerpt)
/// `{"authorization", "http://foo.com/", "http://[::1%25.foo.com]/", false}` and
/// `src/net/http/cookiejar/jar_test.go` "IPv6 zone is not treated as a host."
/// (`https://example.com/` -> `https://[::1%25.example.com]:80/`). This crate compares
/// whole origins, never suffixes: the zone literal is not even a valid WHATWG host, and every
/// suffix, prefix and user-info look-alike of the first host, subdomains included, is
/// another origin.
#[test]
fn go_cve_2023_45289_ipv6_zone_and_suffix_lookalikes_get_no_credentials() {
    let secrets: &[Secret] = &[
        ("Authorization", "Bearer go-45289-token"),
        ("Cookie", "session=go-45289-cookie"),
        ("Www-Authenticate", "Basic realm=\"go-45289\""),
        ("Cookie2", "$Version=\"1\"; go-45289"),
    ];
    for_every_policy(|label, policy| {
        let zone = [
            ("http://foo.com/", "http://[::1%25.foo.com]/"),
            ("https://example.com/", "https://[::1%25.example.com]:80/"),
            ("http://foo.com/", "http://[fe80::1%25foo.com]/"),
        ];
        for (start, location) in zone {
            let label = format!("{label} {start} -> {location}");
            let mut r = Replay::start(&label, policy.clone(), get(start, secrets), secrets);
            let got = r.respond(&redirect(302, location), true);
            assert_eq!(got, Outcome::Refused("invalid_location"), "{label}");
        }
        let lookalikes = [
            "http://sub.foo.com/",
            "http://notfoo.com/",
            "http://foo.com.evil.test/",
            "http://foo.comevil.test/",
            "http://foo.com@evil.test/",
            "http://evil.test\\@foo.com/",
            "http://evil.test#@foo.com/",
            "http://foo.com./",
            "http://[::1]/",
            "http://127.0.0.1/",
        ];
        for location in lookalikes {
            let label = format!("{label} -> {location}");
            let mut r = Replay::start(
                &label,
                policy.clone(),
                get("http://foo.com/", secrets),
                secrets,
            );
            assert_eq!(
                r.respond(&redirect(302, location), true),
                Outcome::Followed,
                "{label}"
            );
            assert_ne!(r.request().url().host_str(), Some("foo.com"), "{label}");
        }
    });
}

/// **Go CVE-2024-45336** (net/http; Go issue 70530), "sensitive headers incorrectly sent
/// after cross-domain redirect": after a redirect `a.com/` -> `b.com/1` had dropped
/// `Authorization`, a further same-domain redirect `b.com/1` -> `b.com/2` restored it and
/// sent it to `b.com`.
///
/// Read: golang/vulndb issue 3420 (advisory text, the `a.com` -> `b.com/1` -> `b.com/2`
/// chain). Replayed with every sensitive header this crate knows, for each redirect status
/// on the second hop, and with caller edits at `b.com`.
#[test]
fn go_cve_2024_45336_credentials_not_restored_on_same_domain_hop_after_cross_domain() {
    let secrets: &[Secret] = &[
        ("Authorization", "Bearer go-45336-token"),
        ("Cookie", "sid=go-45336"),
        ("Proxy-Authorization", "Basic Z28tNDUzMzY="),
    ];
    for_every_policy(|label, policy| {
        for status in [301, 302, 303, 307, 308] {
            let label = format!("{label} {status}");
            let mut r = Replay::start(
                &label,
                policy.clone(),
                get("http://a.com/", secrets),
                secrets,
            );
            assert_eq!(
                r.respond(&redirect(302, "http://b.com/1"), true),
                Outcome::Followed
            );
            assert_eq!(r.respond(&redirect(status, "/2"), true), Outcome::Followed);
            assert_eq!(r.request().url().as_str(), "http://b.com/2", "{label}");
            assert_eq!(
                r.respond(&redirect(status, "http://b.com/3"), true),
                Outcome::Followed
            );
        }

        // The caller's cookie jar adds its own cookie for b.com at b.com/1: it stays on
        // b.com, the a.com secrets do not come back beside it, and it does not go on to c.com.
        let label = format!("{label} jar cookie for b.com");
        let mut f = Follow::new(get("http://a.com/", secrets), policy.clone()).unwrap();
        let feed = |f: &mut Follow, location: &str| {
            let response = redirect(302, location);
            let followed = matches!(
                f.handle_response(response.as_bytes()),
                Ok(Event::Redirect(_))
            );
            assert!(followed, "{label}: {location} is followed");
            f.request().to_head()
        };
        feed(&mut f, "http://b.com/1");
        let response = redirect(302, "http://b.com/1");
        f.pending_redirect(response.as_bytes())
            .expect("b.com/1 is still proposed")
            .set_header("Cookie", "jar=for-b-only")
            .unwrap();
        for location in ["/2", "http://b.com/3"] {
            let head = feed(&mut f, location);
            assert!(
                contains(&head, b"\r\nCookie: jar=for-b-only\r\n"),
                "{label}"
            );
            for (name, value) in secrets {
                assert!(
                    !contains(&head, value.as_bytes()),
                    "{label}: {name} came back"
                );
            }
        }
        let head = feed(&mut f, "http://c.com/");
        assert!(
            !contains(&head, b"for-b-only"),
            "{label}: b.com's cookie sent to c.com"
        );
        assert!(f.request().header("Cookie").is_none(), "{label}");
    });
}

/// **Go CVE-2025-4673** (net/http; Go issue 73816), "sensitive headers not cleared on
/// cross-origin redirect": `Proxy-Authorization` and `Proxy-Authenticate` set on a request
/// were kept on cross-origin redirects.
///
/// Read: golang/vulndb issue 3751 and golang/go issue 73816 (advisory text; the fix itself
/// was reviewed privately). The sensitive list of `makeHeadersCopier` in
/// `src/net/http/client.go` after the fix, `"Authorization", "Www-Authenticate", "Cookie",
/// "Cookie2", "Proxy-Authorization", "Proxy-Authenticate"`, was read in code that copies it
/// (prometheus/common pull 924 says so); the stored golang/go snapshot predates the fix.
/// Replayed cross-host, cross-port and cross-scheme with both names the advisory gives.
#[test]
fn go_cve_2025_4673_proxy_authorization_and_proxy_authenticate_cleared_cross_origin() {
    let secrets: &[Secret] = &[
        ("Proxy-Authorization", "Basic Z28tNDY3My1wcm94eQ=="),
        ("Proxy-Authenticate", "Basic realm=\"go-4673-realm\""),
    ];
    for_every_policy(|label, policy| {
        for location in [
            "http://b.example/",
            "http://a.example:8080/",
            "https://a.example:8443/",
        ] {
            let label = format!("{label} -> {location}");
            let mut r = Replay::start(
                &label,
                policy.clone(),
                get("http://a.example/", secrets),
                secrets,
            );
            assert_eq!(
                r.respond(&redirect(302, location), true),
                Outcome::Followed,
                "{label}"
            );
        }
    });
}

/// **requests CVE-2018-18074** (requests before 2.20.0): `Authorization` was sent to an
/// `http` URI after a same-host `https` -> `http` redirect.
///
/// Read: psf/requests `HISTORY.md` 2.20.0 ("Requests removes Authorization header from
/// requests redirected from https to http on the same hostname. (CVE-2018-18074)");
/// `Session.should_strip_auth` in `src/requests/sessions.py`; tests
/// `test_auth_is_stripped_on_http_downgrade` and `test_should_strip_auth_http_downgrade`
/// (`https://example.com/foo` -> `http://example.com/bar`). `strict` refuses the downgrade;
/// every other policy follows it without credentials.
#[test]
fn requests_cve_2018_18074_authorization_not_sent_after_https_to_http_same_host() {
    let secrets: &[Secret] = &[
        ("Authorization", "Basic dXNlcjpwYXNz"),
        ("Cookie", "requests-18074=1"),
    ];
    for_every_policy(|label, policy| {
        let cases = [
            ("https://example.com/foo", "http://example.com/bar"),
            ("https://example.com:443/foo", "http://example.com:80/bar"),
            ("https://example.com/foo", "//example.com:80/bar"),
        ];
        for (start, location) in cases {
            let label = format!("{label} {start} -> {location}");
            let mut r = Replay::start(&label, policy.clone(), get(start, secrets), secrets);
            let want = if policy.rules() == &Rules::STRICT {
                // `//example.com:80/bar` stays https (port 80): not a downgrade.
                if location.starts_with("//") {
                    Outcome::Followed
                } else {
                    Outcome::Refused("insecure_redirect")
                }
            } else {
                Outcome::Followed
            };
            assert_eq!(r.respond(&redirect(302, location), true), want, "{label}");
        }
        // The downgrade in the middle of a chain that had upgraded first.
        let label = format!("{label} https -> https -> http");
        let mut r = Replay::start(
            &label,
            policy.clone(),
            get("https://example.com/foo", secrets),
            secrets,
        );
        assert_eq!(
            r.respond(&redirect(301, "/moved"), false),
            Outcome::Followed
        );
        let got = r.respond(&redirect(302, "http://example.com/bar"), true);
        if policy.rules() != &Rules::STRICT {
            assert_eq!(got, Outcome::Followed, "{label}");
        }
    });
}

/// **requests CVE-2023-32681** (requests 2.3.0 to 2.30.0): on a redirect, requests rebuilt
/// `Proxy-Authorization` and attached it to a request for an `https` URL, where it travels
/// inside the TLS tunnel to the destination server instead of to the proxy.
///
/// Read: psf/requests `HISTORY.md` 2.31.0 and GHSA-j8r2-6x86-q33q; the fix in
/// `Session.rebuild_proxies` (`src/requests/sessions.py`) deletes `Proxy-Authorization` on
/// every redirect and never adds it to an `https` request
/// (`test_proxy_authorization_not_appended_to_https_request`). Nearest here: the caller
/// sends `Proxy-Authorization` to its forward proxy with an `http` request; no redirect to
/// an `https` URL (whose head goes through a tunnel to the destination) may carry it, the
/// same-host upgrade included, whatever the credential rule.
#[test]
fn requests_cve_2023_32681_proxy_authorization_not_forwarded_to_https_redirect() {
    let secrets: &[Secret] = &[("Proxy-Authorization", "Basic dGVzdDpwYXNz")];
    for_every_policy(|label, policy| {
        for location in [
            "https://example.com/",
            "https://example.com/other",
            "https://other.example/",
        ] {
            let label = format!("{label} -> {location}");
            let mut r = Replay::start(
                &label,
                policy.clone(),
                get("http://example.com/", secrets),
                secrets,
            );
            assert_eq!(
                r.respond(&redirect(301, location), true),
                Outcome::Followed,
                "{label}"
            );
            assert_eq!(r.request().url().scheme(), "https");
        }
    });
}

/// **urllib3 CVE-2018-20060** (urllib3 before 1.23): `Authorization` was not removed on a
/// cross-origin redirect (one that differs in host, port or scheme), exposing it to other
/// hosts or sending it in clear text. urllib3 1.24.2 then also made the removal
/// case-insensitive ("Remove Authorization header regardless of case when redirecting to
/// cross-site", issue 1510).
///
/// Read: urllib3 `CHANGES.rst` 1.23 and 1.24.2; `test_redirect_cross_host_remove_headers`
/// in `test/with_dummyserver/test_poolmanager.py` (`base_url/redirect` ->
/// `base_url_alt/headers`, i.e. `localhost` -> `127.0.0.1`, with both spellings of the
/// header name). Replayed for host, port and scheme, with four spellings of the name.
#[test]
fn urllib3_cve_2018_20060_authorization_removed_cross_host_port_and_scheme() {
    let spellings: [Secret; 4] = [
        ("Authorization", "foo-urllib3-20060-a"),
        ("authorization", "foo-urllib3-20060-b"),
        ("AUTHORIZATION", "foo-urllib3-20060-c"),
        ("aUtHoRiZaTiOn", "foo-urllib3-20060-d"),
    ];
    for_every_policy(|label, policy| {
        for secret in spellings {
            let secrets = [secret];
            for location in [
                "http://127.0.0.1:8081/headers",
                "http://localhost:8082/headers",
                "https://localhost:8081/headers",
            ] {
                let label = format!("{label} {} -> {location}", secret.0);
                let mut r = Replay::start(
                    &label,
                    policy.clone(),
                    get("http://localhost:8081/redirect", &secrets),
                    &secrets,
                );
                assert_eq!(r.respond(&redirect(303, location), true), Outcome::Followed);
            }
        }
    });
}

/// **urllib3 CVE-2023-43804** (urllib3 before 1.26.17 and 2.0.6): a `Cookie` header set on
/// the request was not stripped on a cross-origin redirect.
///
/// Read: urllib3 `CHANGES.rst` 2.0.6 / 1.26.17 ("Added the `Cookie` header to the list of
/// headers to strip from requests when redirecting to a different host"), commit of
/// GHSA-v845-jxx5-vc9f; `test_redirect_cross_host_remove_headers` (`Cookie: foo=bar`, then
/// `cookie: foo=bar`). Replayed with both spellings and with two `Cookie` fields.
#[test]
fn urllib3_cve_2023_43804_cookie_removed_cross_origin() {
    let cases: [&[Secret]; 3] = [
        &[("Cookie", "foo=bar-urllib3-43804")],
        &[("cookie", "foo=baz-urllib3-43804")],
        &[("Cookie", "a=one-43804"), ("COOKIE", "b=two-43804")],
    ];
    for_every_policy(|label, policy| {
        for secrets in cases {
            for location in [
                "http://127.0.0.1:8081/headers",
                "http://localhost:9999/headers",
                "https://localhost:8081/headers",
            ] {
                let label = format!("{label} -> {location}");
                let mut r = Replay::start(
                    &label,
                    policy.clone(),
                    get("http://localhost:8081/redirect", secrets),
                    secrets,
                );
                assert_eq!(r.respond(&redirect(302, location), true), Outcome::Followed);
            }
        }
    });
}

/// **urllib3 CVE-2023-45803** (urllib3 before 1.26.18 and 2.0.7): after a redirect changed
/// the method to GET (303 "See Other", and 301/302 from POST), the request body was still
/// sent with the GET, possibly to another origin.
///
/// Read: urllib3 `CHANGES.rst` 2.0.7 / 1.26.18 ("Made body stripped from HTTP requests
/// changing the request method to GET after HTTP 303"), GHSA-g4mx-q9vg-27p4 (also 301/302);
/// `test_303_redirect_makes_request_lose_body` in
/// `test/with_dummyserver/test_connectionpool.py` (POST form fields to `/redirect`, 303 to
/// `/headers_and_params`: no params, no `Content-Type`). Asserted: no body is sent, and no
/// framing header (`Content-Length`, `Transfer-Encoding`) describes one. `fetch` and
/// `strict` also drop `Content-Type`; `curl` keeps a custom `Content-Type` on purpose (as
/// `curl -H` does) but never the body. Under `curl` a 303 answering an extension method
/// (`-X DELETE`) keeps the method but must drop the body all the same. The body is framed
/// once by `Content-Length` and once by `Transfer-Encoding` (never both: that request is
/// refused, see `first_request_validation` in `tests/scenarios.rs`).
#[test]
fn urllib3_cve_2023_45803_body_dropped_when_redirect_turns_request_into_get() {
    let framings = [("Content-Length", "31"), ("Transfer-Encoding", "chunked")];
    for_every_policy(|label, policy| {
        let cases = [
            (Method::Post, 303, "/headers_and_params"),
            (
                Method::Post,
                303,
                "http://elsewhere.example/headers_and_params",
            ),
            (Method::Post, 301, "/headers_and_params"),
            (
                Method::Post,
                302,
                "http://elsewhere.example/headers_and_params",
            ),
            (Method::Put, 303, "/headers_and_params"),
            (
                Method::Delete,
                303,
                "http://elsewhere.example/headers_and_params",
            ),
        ];
        for (method, status, location) in cases {
            for (body, framing) in [Body::Replayable, Body::Streamed]
                .into_iter()
                .flat_map(|b| framings.map(|f| (b, f)))
            {
                let label = format!(
                    "{label} {method} {status} {body:?} {} -> {location}",
                    framing.0
                );
                let headers = [
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    framing,
                ];
                let req = request(method, "http://localhost:8081/redirect", &headers).body(body);
                let mut r = Replay::start(&label, policy.clone(), req, &[]);
                assert!(
                    r.request().send_body(),
                    "{label}: the first request has a body"
                );
                let got = r.respond(&redirect(status, location), true);
                // Fetch checks the body before the rewrite: a streamed body on a 301/302
                // ends the chain (nothing is sent), where curl switches to GET first.
                let curl = policy.rules() == &Rules::CURL;
                if body == Body::Streamed && status != 303 && !curl {
                    assert_eq!(got, Outcome::Refused("body_not_replayable"), "{label}");
                    continue;
                }
                assert_eq!(got, Outcome::Followed, "{label}");
                let next = r.request();
                assert!(!next.send_body(), "{label}: the body is sent again");
                let head = next.to_head();
                for name in ["Content-Length", "Transfer-Encoding"] {
                    assert!(next.header(name).is_none(), "{label}: {name} kept");
                    assert!(!contains(&head, name.as_bytes()), "{label}");
                }
                if !curl {
                    assert!(next.header("Content-Type").is_none(), "{label}");
                }
                let want = if curl && method == Method::Delete {
                    Method::Delete
                } else {
                    Method::Get
                };
                assert_eq!(next.method(), want, "{label}");
            }
        }
    });
}

/// **urllib3 CVE-2024-37891** (urllib3 before 1.26.19 and 2.2.2): a `Proxy-Authorization`
/// header set by hand (not through urllib3's proxy support) was not stripped on a
/// cross-origin redirect.
///
/// Read: urllib3 `CHANGES.rst` 2.2.2 / 1.26.19, GHSA-34jh-p97f-mpxf (advisory text in
/// nlohmann/json issue 4426 quoting it); `test_redirect_cross_host_remove_headers`
/// (`Proxy-Authorization: bar`, then `proxy-authorization: baz`).
#[test]
fn urllib3_cve_2024_37891_proxy_authorization_removed_cross_origin() {
    let cases: [&[Secret]; 2] = [
        &[("Proxy-Authorization", "bar-urllib3-37891")],
        &[("proxy-authorization", "baz-urllib3-37891")],
    ];
    for_every_policy(|label, policy| {
        for secrets in cases {
            for location in [
                "http://127.0.0.1:8081/headers",
                "http://localhost:8082/headers",
                "https://localhost:8081/headers",
            ] {
                let label = format!("{label} -> {location}");
                let mut r = Replay::start(
                    &label,
                    policy.clone(),
                    get("http://localhost:8081/redirect", secrets),
                    secrets,
                );
                assert_eq!(r.respond(&redirect(302, location), true), Outcome::Followed);
            }
        }
    });
}

/// **follow-redirects CVE-2022-0155** (follow-redirects before 1.14.7): the `Cookie` header
/// was kept on a redirect to another domain (only `Authorization` was dropped).
///
/// Read: follow-redirects commit 8b347cb "Drop Cookie header across domains." (fixes issue
/// 183; `index.js` `removeMatchingHeaders(/^(?:authorization|cookie)$/i, ...)`) and its tests
/// in `test/test.js` "drops the header when redirected to a different host"
/// (`http://localhost:3600/a` -> `http://127.0.0.1:3600/b`). follow-redirects keeps the
/// header on subdomains by design; this crate does not, which is also asserted.
#[test]
fn follow_redirects_cve_2022_0155_cookie_dropped_across_domains() {
    let secrets: &[Secret] = &[("Cookie", "the-header-value-0155")];
    for_every_policy(|label, policy| {
        for (start, location) in [
            ("http://localhost:3600/a", "http://127.0.0.1:3600/b"),
            ("http://127.0.0.1:3600/a", "http://localhost:3600/b"),
            ("http://localhost:3600/a", "http://sub.localhost:3600/b"),
        ] {
            let label = format!("{label} {start} -> {location}");
            let mut r = Replay::start(&label, policy.clone(), get(start, secrets), secrets);
            assert_eq!(r.respond(&redirect(302, location), true), Outcome::Followed);
        }
    });
}

/// **follow-redirects CVE-2022-0536** (follow-redirects before 1.14.8): `Authorization` and
/// `Cookie` were kept on a redirect to another scheme on the same host, so an `https` ->
/// `http` redirect sent them in clear text.
///
/// Read: follow-redirects commit 62e546a "Drop confidential headers across schemes."
/// (`index.js`, `test/test.js` "drops the header when redirected to a different scheme":
/// `https://localhost:3601/a` -> `http://localhost:3601/b`); GHSA-pw2r-vq6v-hr8c (github
/// advisory-database pull 7473: "the scheme-downgrade leak"). follow-redirects later kept
/// the headers on http -> https (commit 2ec9b0b); here that happens only under
/// `SameOriginOrHttpsUpgrade` with default ports, so on port 3601 never.
#[test]
fn follow_redirects_cve_2022_0536_credentials_dropped_across_schemes() {
    let secrets: &[Secret] = &[
        ("Authorization", "the-header-value-0536"),
        ("Cookie", "c=the-header-value-0536"),
    ];
    for_every_policy(|label, policy| {
        let label_down = format!("{label} https -> http");
        let mut r = Replay::start(
            &label_down,
            policy.clone(),
            get("https://localhost:3601/a", secrets),
            secrets,
        );
        let got = r.respond(&redirect(302, "http://localhost:3601/b"), true);
        let want = if policy.rules() == &Rules::STRICT {
            Outcome::Refused("insecure_redirect")
        } else {
            Outcome::Followed
        };
        assert_eq!(got, want, "{label_down}");

        let label_up = format!("{label} http -> https, port 3601");
        let mut r = Replay::start(
            &label_up,
            policy.clone(),
            get("http://localhost:3601/a", secrets),
            secrets,
        );
        assert_eq!(
            r.respond(&redirect(302, "https://localhost:3601/b"), true),
            Outcome::Followed
        );
    });
}

/// **follow-redirects CVE-2024-28849** (follow-redirects before 1.15.6): `Proxy-Authorization`
/// was kept on a redirect to another host (only `Authorization` and `Cookie` were dropped).
///
/// Read: follow-redirects commit c4f847f "Drop Proxy-Authorization across hosts."
/// (`/^(?:(?:proxy-)?authorization|cookie)$/i`, test list gains "Proxy-Authorization");
/// the report's proof of concept (quoted in HeyPuter/puter pull 334) sends
/// `'AuThorization'`, `'ProXy-AuthoriZation'` and `'coOkie'` to `http://127.0.0.1:10081/`,
/// which redirects cross-domain. Replayed with those exact mixed-case names.
#[test]
fn follow_redirects_cve_2024_28849_proxy_authorization_dropped_across_hosts() {
    let secrets: &[Secret] = &[
        ("AuThorization", "Rear Test-28849-a"),
        ("ProXy-AuthoriZation", "Rear Test-28849-p"),
        ("coOkie", "t=1-28849"),
    ];
    for_every_policy(|label, policy| {
        for location in ["http://localhost:10081/", "http://attacker.example/"] {
            let label = format!("{label} -> {location}");
            let mut r = Replay::start(
                &label,
                policy.clone(),
                get("http://127.0.0.1:10081/", secrets),
                secrets,
            );
            assert_eq!(r.respond(&redirect(302, location), true), Outcome::Followed);
        }
    });
}

/// **undici CVE-2023-45143** (undici before 5.26.2), "Cookie header not cleared on
/// cross-origin redirect in fetch": undici's `fetch` removed `Authorization` on a
/// cross-origin redirect but kept `Cookie` (a forbidden header in browsers, so the Fetch
/// standard never needed to remove it). The fix also removes `Host`.
///
/// Read: nodejs/undici commit e041de3 (GHSA-wqq4-5wpv-mx2g): `lib/fetch/index.js`
/// `httpRedirectFetch` deletes `cookie` and `host`; `test/fetch/redirect-cross-origin-header.js`
/// (server 2 at `http://localhost:P2` echoes the request headers in a 302 to
/// `http://localhost:P1`, a different port, whose request must have neither header). A
/// caller-set `Host` is planted too: it must not follow the request to the new origin.
#[test]
fn undici_cve_2023_45143_cookie_and_host_cleared_cross_origin() {
    let secrets: &[Secret] = &[
        ("Authorization", "test-45143"),
        ("Cookie", "ddd=dddd-45143"),
        ("Host", "origin-p2.internal"),
    ];
    for_every_policy(|label, policy| {
        let mut r = Replay::start(
            label,
            policy.clone(),
            get("http://localhost:41002/", secrets),
            secrets,
        );
        let echo = "HTTP/1.1 302 Found\r\nauthorization: test-45143\r\ncookie: ddd=dddd-45143\r\n\
                    host: origin-p2.internal\r\nLocation: http://localhost:41001\r\n\
                    Content-Length: 0\r\n\r\n";
        assert_eq!(r.respond(echo, true), Outcome::Followed, "{label}");
        let head = r.request().to_head();
        assert!(
            contains(&head, b"\r\nHost: localhost:41001\r\n"),
            "{label}: the Host is the new URL's:\n{}",
            String::from_utf8_lossy(&head)
        );
    });
}

/// **undici CVE-2024-24758** (undici before 5.28.3 and 6.6.1), "Proxy-Authorization header
/// not cleared on cross-origin redirect in fetch".
///
/// Read: nodejs/undici commit d3aa574 (GHSA-3787-6prv-h9w3): `httpRedirectFetch` also
/// deletes `proxy-authorization`; `test/fetch/redirect-cross-origin-header.js` adds
/// `'Proxy-Authorization': 'test'` to the same `localhost:P2` -> `localhost:P1` chain. The
/// follow-up GHSA-m4v8-wqvr-p9f7 (CVE-2024-30260) is the same leak in `undici.request()`.
#[test]
fn undici_cve_2024_24758_proxy_authorization_cleared_cross_origin() {
    let secrets: &[Secret] = &[
        ("Authorization", "test-24758-a"),
        ("Cookie", "ddd=dddd-24758"),
        ("Proxy-Authorization", "test-24758-p"),
    ];
    for_every_policy(|label, policy| {
        for location in ["http://localhost:41001", "https://localhost:41001/"] {
            let label = format!("{label} -> {location}");
            let mut r = Replay::start(
                &label,
                policy.clone(),
                get("http://localhost:41002/", secrets),
                secrets,
            );
            assert_eq!(r.respond(&redirect(302, location), true), Outcome::Followed);
        }
    });
}

/// The chain A -> B (credentials stripped) -> B/other-path: the credentials must not come
/// back on B, whatever the status of the second hop, and whatever the caller edits. Back on
/// A, `fetch` and `strict` keep them removed for good, while `curl` sends them again, as
/// curl does (credentials follow the first origin): both asserted exactly.
///
/// Read: the same shape as Go CVE-2024-45336 (above); WHATWG Fetch "HTTP-redirect fetch"
/// (credentials removed on a cross-origin hop stay removed); curl `lib/vauth/vauth.c`
/// `Curl_auth_allowed_to_origin` (compares the current origin with the initial one).
#[test]
fn credential_stripped_at_b_never_returns_on_b_other_path() {
    let secrets: &[Secret] = &[
        ("Authorization", "Bearer a-only-token"),
        ("Cookie", "a-only=1"),
        ("Proxy-Authorization", "Basic YS1vbmx5"),
        ("Host", "a-only.internal"),
    ];
    for_every_policy(|label, policy| {
        for status in [301, 302, 303, 307, 308] {
            let label = format!("{label} {status}");
            let mut r = Replay::start(
                &label,
                policy.clone(),
                get("https://a.test/start", secrets),
                secrets,
            );
            assert_eq!(
                r.respond(&redirect(307, "https://b.test/one"), true),
                Outcome::Followed
            );
            assert_eq!(
                r.respond(&redirect(status, "/other-path"), true),
                Outcome::Followed
            );
            assert_eq!(
                r.respond(&redirect(status, "?q=again"), true),
                Outcome::Followed
            );
            assert_eq!(
                r.request().url().as_str(),
                "https://b.test/other-path?q=again"
            );

            // Back to the first origin.
            let back = r.respond(&redirect(302, "https://a.test/back"), false);
            assert_eq!(back, Outcome::Followed);
            let restored = policy.rules() == &Rules::CURL;
            for (name, value) in secrets {
                let sent = r.request().header(name);
                if restored {
                    assert_eq!(
                        sent,
                        Some(value.as_bytes()),
                        "{label}: curl restores {name}"
                    );
                } else {
                    assert_eq!(sent, None, "{label}: {name} came back");
                }
            }
        }
    });
}

/// **Reuse after an early 307** (okhttp issue 3252, "Expect 100-continue and connection
/// reuse", 2017; hyper issue 2791): a request announced `Expect: 100-continue` and held its
/// body back; the server answered with a final status before any `100 Continue`, and the
/// client skipped the body and reused the connection. The server may still be reading the
/// announced body, so the next request's head is taken as body bytes and what follows as a
/// request of the attacker's making (a desync). RFC 9110 §10.1.1: a server answering before
/// the content may go on reading it; the client must either send it or close.
///
/// Read: the issue text (it quotes Jamie Lokier's 2004 libcurl mail on the same question),
/// RFC 9110 §10.1.1 and RFC 9112 §9.3. Asserted under every policy: a 307 (or a 303, which
/// drops the body for the next request but not for this connection) arriving before any
/// `100` never allows reuse; after a `100 Continue` interim head the body was asked for and
/// sent, and a same-origin 307 may reuse the connection (another origin never).
#[test]
fn reuse_after_an_early_307_to_an_expect_100_continue_request() {
    let upload = || {
        request(
            Method::Post,
            "http://a.test/upload",
            &[("Expect", "100-continue"), ("Content-Length", "5")],
        )
        .body(Body::Replayable)
    };
    let interim = "HTTP/1.1 100 Continue\r\n\r\n";
    let cases = [
        (redirect(307, "/upload2"), false),
        (redirect(303, "/done"), false),
        (format!("{interim}{}", redirect(307, "/upload2")), true),
        (format!("{interim}{}", redirect(308, "/upload2")), true),
        (
            format!("{interim}{}", redirect(307, "http://b.test/upload")),
            false,
        ),
    ];
    for_every_policy(|label, policy| {
        for (response, want) in &cases {
            let label = format!("{label} {response:?}");
            for bytewise in [false, true] {
                let mut follow = Follow::new(upload(), policy.clone()).expect("valid request");
                assert!(
                    follow.request().send_body(),
                    "{label}: the body is announced"
                );
                let bytes = response.as_bytes();
                let start = if bytewise { 1 } else { bytes.len() };
                let mut reuse = None;
                for end in start..=bytes.len() {
                    match follow.handle_response(&bytes[..end]) {
                        Ok(Event::NeedData) => continue,
                        Ok(Event::Redirect(r)) => {
                            // The connection itself can carry another request only once the
                            // body was asked for; reuse also needs the same origin.
                            let continued = response.starts_with(interim);
                            assert_eq!(r.response().keep_alive(), continued, "{label}");
                            reuse = Some(r.reuse_connection());
                        }
                        other => panic!("{label}: {other:?}"),
                    }
                    break;
                }
                assert_eq!(
                    reuse,
                    Some(*want),
                    "{label} (bytewise {bytewise}): reuse_connection"
                );
            }
        }
    });
}
