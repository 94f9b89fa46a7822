//! Redirect advisories of other HTTP clients, replayed against this crate.
//!
//! An advisory whose replay is a chain and what each hop must give (followed to this URL
//! without the planted secrets, kept on the same origin, refused with this error) is a row
//! of [`ADVISORIES`]: its id, what leaked, where it was read, the secrets, the chains. One
//! test drives every row and names the row that fails. An advisory that needs code of its
//! own (a body, the referrer, `Origin`, `Host`, the caller's jar, a rule switched on and
//! off) is a test function named after it (or, where there is none, after the rule it
//! checks). Every replay holds under every policy [`policies`] builds: the three profiles
//! (`fetch`, `strict`, `curl`) times both credential rules (`SameOrigin`,
//! `SameOriginOrHttpsUpgrade`), each with and without an unrelated trusted origin. The
//! private-target advisories run each of those with the rule on
//! (`with_block_private_targets(true)`), as the profile has it, and off, so they state what
//! `fetch` and `curl` do without the rule too.
//!
//! "Nothing leaks" is checked on what would go on the wire: the header list
//! ([`OutgoingRequest::headers`], name compared without case) and the written head bytes
//! ([`OutgoingRequest::to_head`], searched for each secret value), after every hop, and
//! again after the caller edits the proposed request (appends, sets and removes unrelated
//! headers). The first request of every replay must carry every planted secret, so a secret
//! that is missing later was removed by the machine, not never planted. A hop the machine
//! refuses (an error, or the 3xx handed back as final) sends nothing and is safe.
//!
//! `Referer` and `Origin` are rewritten, not removed: their tests check the values that go
//! out instead (the planted token is in no head, `Origin` is exactly `null`), before and
//! after the caller's edits, and what the machine reports about them
//! ([`Redirect::referrer_decision`], [`Redirect::removed_headers`]). Where the `curl`
//! profile does what curl does (a `-H` or `--referer` value on every request, `Origin`
//! forwarded as it is), the test asserts exactly that: it says what curl does rather than
//! skipping it.

use std::net::IpAddr;

#[path = "support/chain.rs"]
mod chain;

use chain::{contains, expect_redirect, redirect, redirect_with, request, values};

use redirects::{
    AddressSpace, Body, CredentialRule, Error, Event, Fault, Follow, HstsSource, HstsUpgrade,
    Method, OutgoingRequest, Policy, PrivateTarget, Redirect, ReferrerPolicy, ReferrerSent,
    ReferrerWhy, RemovalReason, Request, Rules,
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
        self.respond_then(response, must_be_clean, |_, _| {})
    }

    /// As [`Replay::respond`]; when the machine follows, `inspect` is given the label and
    /// the proposed redirect first, before the caller's edits (what it reports: removed
    /// headers, the referrer decision, the HSTS upgrade).
    #[track_caller]
    fn respond_then(
        &mut self,
        response: &str,
        must_be_clean: bool,
        inspect: impl FnOnce(&str, &Redirect<'_>),
    ) -> Outcome {
        self.hop += 1;
        let label = format!("{} hop {}", self.label, self.hop);
        let hop = self.hop;
        let outcome = match self.follow.handle_response(response.as_bytes()) {
            Ok(Event::Redirect(mut r)) => {
                inspect(&label, &r);
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
                r.follow();
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
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert_clean("self-test", &follow.request(), secrets)
    }));
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
/// refused, see `first_request_validation` in `tests/request.rs`).
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
                    r.request().sends_body(),
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
                assert!(!next.sends_body(), "{label}: the body is sent again");
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

// ---------------------------------------------------------------------------------------
// The credential advisories whose replay is a chain and its expectations: one row each,
// driven by `replay_advisory` under every policy.

/// What one hop of an advisory's chain must give, under the policy it is replayed with.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// Followed to exactly this URL, with none of the planted secrets (each reported in
    /// `removed_headers`).
    Stripped(&'static str),
    /// Followed to exactly this URL (the same origin), with every planted secret as planted.
    Kept(&'static str),
    /// Refused with this error code under every policy: nothing more is sent.
    Refused(&'static str),
    /// An `https` -> `http` hop: refused (`insecure_redirect`) where the policy allows no
    /// downgrade (`strict`), otherwise as [`Want::Stripped`].
    Downgrade(&'static str),
    /// A hop from a public name to a less public one: refused (`private_target`) where the
    /// policy blocks private targets (`strict`), otherwise as [`Want::Stripped`].
    Private(&'static str),
    /// `http` -> `https` on the same host and default ports: as [`Want::Kept`] under
    /// `SameOriginOrHttpsUpgrade`, the one exemption it makes, and as [`Want::Stripped`]
    /// under `SameOrigin`.
    Upgrade(&'static str),
    /// Back on the first origin after another one: as [`Want::Kept`] under `curl` (curl
    /// sends credentials to the first origin again), as [`Want::Stripped`] under `fetch` and
    /// `strict` (removed for good).
    Back(&'static str),
}

/// One hop: the redirect's status (`None`: the chain is replayed once for each of 301,
/// 302, 303, 307 and 308), its `Location`, extra field lines, and what it must give.
#[derive(Debug, Clone, Copy)]
struct Hop {
    status: Option<u16>,
    location: &'static str,
    extra: &'static str,
    want: Want,
}

const fn at(status: u16, location: &'static str, want: Want) -> Hop {
    Hop {
        status: Some(status),
        location,
        extra: "",
        want,
    }
}

const fn each(location: &'static str, want: Want) -> Hop {
    Hop {
        status: None,
        location,
        extra: "",
        want,
    }
}

const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

/// A published advisory replayed as data: every set of `plants` on every chain, under
/// every policy of [`policies`].
struct Advisory {
    /// The advisory, as published.
    id: &'static str,
    /// What leaked there.
    leak: &'static str,
    /// What was read to build the replay: the advisory, the fix, the test that reproduces
    /// it.
    source: &'static str,
    /// The secrets planted on the first request; each set is replayed on its own.
    plants: &'static [&'static [Secret]],
    /// Text that no request after the first may carry anywhere in its head.
    never: &'static [&'static str],
    /// Each chain: the first URL (a `GET`), then the hops in order.
    chains: &'static [(&'static str, &'static [Hop])],
}

/// The advisories replayed by [`replay_advisory`]. Those whose replay needs code of its
/// own (a body, the referrer, `Origin`, `Host`, the caller's jar, a rule switched per
/// policy) are test functions of their own in this file.
const ADVISORIES: &[Advisory] = &[
    Advisory {
        id: "curl CVE-2018-1000007",
        leak: "a custom `Authorization:` given with `-H` was sent to every host the \
               redirects led to (curl 6.0 to 7.57.0); replayed for every status, since \
               other clients (superagent) stripped on 301/302/303 only",
        source: "curl-www docs/CVE-2018-1000007.md; curl tests/data/test317",
        plants: &[&[("Authorization", "s3cr3t-cve-2018-1000007")]],
        never: &[],
        chains: &[(
            "http://first.host.it.is/we/want/that/page/317",
            &[each(
                "http://goto.second.host.now/3170002",
                Want::Stripped("http://goto.second.host.now/3170002"),
            )],
        )],
    },
    Advisory {
        id: "curl CVE-2022-27774",
        leak: "the user name and password given for a URL (`-u`, or user info, sent as \
               `Authorization: Basic`) went on to redirects that kept the host but changed \
               the port or the protocol (curl 4.9 to 7.82.0); this crate never turns user \
               info into `Authorization` (the caller does), so both are planted; the FTP \
               hop is not followed at all (HTTP heads only)",
        source: "curl-www docs/CVE-2022-27774.md",
        plants: &[&[("Authorization", "Basic am9lOnNlY3JldA==")]],
        never: &["joe", "secret"],
        chains: &[
            (
                "https://joe:secret@a.example.com/auth/27774",
                &[at(
                    302,
                    "https://a.example.com:8443/port",
                    Want::Stripped("https://a.example.com:8443/port"),
                )],
            ),
            (
                "https://joe:secret@a.example.com/auth/27774",
                &[at(
                    302,
                    "http://a.example.com/protocol",
                    Want::Downgrade("http://a.example.com/protocol"),
                )],
            ),
            (
                "https://joe:secret@a.example.com/auth/27774",
                &[at(
                    302,
                    "http://a.example.com:443/protocol-same-port",
                    Want::Downgrade("http://a.example.com:443/protocol-same-port"),
                )],
            ),
            (
                "https://joe:secret@a.example.com/auth/27774",
                &[at(
                    302,
                    "ftp://a.example.com/file",
                    Want::Refused("scheme_not_allowed"),
                )],
            ),
            (
                "https://joe:secret@a.example.com/auth/27774",
                &[at(
                    302,
                    "ftps://a.example.com/file",
                    Want::Refused("scheme_not_allowed"),
                )],
            ),
        ],
    },
    Advisory {
        id: "curl CVE-2022-27776",
        leak: "custom `Authorization:` and `Cookie:` headers went on to a redirect to the \
               same host on another port or scheme (curl 4.9 to 7.82.0); http -> https on \
               the default ports is `SameOriginOrHttpsUpgrade`'s one exemption, with a \
               non-default port it is stripped under every rule",
        source: "curl-www docs/CVE-2022-27776.md; curl tests/data/test898 (the first chain, \
                 verbatim)",
        plants: &[&[
            ("Authorization", "Basic am9lOnNlY3JldA=="),
            ("Cookie", "userpwd=am9lOnNlY3JldA=="),
        ]],
        never: &[],
        chains: &[
            (
                "http://firsthost.com",
                &[at(
                    301,
                    "http://firsthost.com:9999/a/path/8980002",
                    Want::Stripped("http://firsthost.com:9999/a/path/8980002"),
                )],
            ),
            (
                "http://firsthost.com:9999/",
                &[at(
                    302,
                    "http://firsthost.com/back",
                    Want::Stripped("http://firsthost.com/back"),
                )],
            ),
            (
                "https://firsthost.com/",
                &[at(
                    302,
                    "http://firsthost.com/down",
                    Want::Downgrade("http://firsthost.com/down"),
                )],
            ),
            (
                "http://firsthost.com:8080/",
                &[at(
                    302,
                    "https://firsthost.com/up-from-8080",
                    Want::Stripped("https://firsthost.com/up-from-8080"),
                )],
            ),
            (
                "http://firsthost.com/",
                &[at(
                    302,
                    "https://firsthost.com:8443/up-to-8443",
                    Want::Stripped("https://firsthost.com:8443/up-to-8443"),
                )],
            ),
            (
                "http://firsthost.com/",
                &[at(
                    302,
                    "https://firsthost.com/up",
                    Want::Upgrade("https://firsthost.com/up"),
                )],
            ),
        ],
    },
    Advisory {
        id: "Go CVE-2023-45289",
        leak: "`Authorization` and `Cookie` went to the first domain and its subdomains, and \
               the subdomain test matched the zone of an IPv6 literal \
               (`http://[::1%25.foo.com]/`); this crate compares whole origins, never \
               suffixes: the zone literal is no valid host, and every look-alike is another \
               origin; Go's four sensitive names are planted",
        source: "golang/vulndb issue 2600, golang/go issue 65065; Go \
                 src/net/http/client_test.go TestShouldCopyHeaderOnRedirect and \
                 src/net/http/cookiejar/jar_test.go \"IPv6 zone is not treated as a host.\"",
        plants: &[&[
            ("Authorization", "Bearer go-45289-token"),
            ("Cookie", "session=go-45289-cookie"),
            ("Www-Authenticate", "Basic realm=\"go-45289\""),
            ("Cookie2", "$Version=\"1\"; go-45289"),
        ]],
        never: &[],
        chains: &[
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://[::1%25.foo.com]/",
                    Want::Refused("invalid_location"),
                )],
            ),
            (
                "https://example.com/",
                &[at(
                    302,
                    "https://[::1%25.example.com]:80/",
                    Want::Refused("invalid_location"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://[fe80::1%25foo.com]/",
                    Want::Refused("invalid_location"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://sub.foo.com/",
                    Want::Stripped("http://sub.foo.com/"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://notfoo.com/",
                    Want::Stripped("http://notfoo.com/"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://foo.com.evil.test/",
                    Want::Stripped("http://foo.com.evil.test/"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://foo.comevil.test/",
                    Want::Stripped("http://foo.comevil.test/"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://foo.com@evil.test/",
                    Want::Stripped("http://foo.com@evil.test/"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://evil.test\\@foo.com/",
                    Want::Stripped("http://evil.test/@foo.com/"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://evil.test#@foo.com/",
                    Want::Stripped("http://evil.test/#@foo.com/"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://foo.com./",
                    Want::Stripped("http://foo.com./"),
                )],
            ),
            (
                "http://foo.com/",
                &[at(302, "http://[::1]/", Want::Private("http://[::1]/"))],
            ),
            (
                "http://foo.com/",
                &[at(
                    302,
                    "http://127.0.0.1/",
                    Want::Private("http://127.0.0.1/"),
                )],
            ),
        ],
    },
    Advisory {
        id: "Go CVE-2024-45336",
        leak: "after `a.com/` -> `b.com/1` had dropped `Authorization`, a further same-domain \
               redirect `b.com/1` -> `b.com/2` restored it and sent it to `b.com`; replayed \
               with every sensitive header this crate knows, each status on the later hops \
               (the caller's own cookie for b.com: \
               `go_cve_2024_45336_a_cookie_the_caller_sets_for_b_stays_on_b`)",
        source: "golang/vulndb issue 3420 (the a.com -> b.com/1 -> b.com/2 chain)",
        plants: &[&[
            ("Authorization", "Bearer go-45336-token"),
            ("Cookie", "sid=go-45336"),
            ("Proxy-Authorization", "Basic Z28tNDUzMzY="),
        ]],
        never: &[],
        chains: &[(
            "http://a.com/",
            &[
                at(302, "http://b.com/1", Want::Stripped("http://b.com/1")),
                each("/2", Want::Stripped("http://b.com/2")),
                each("http://b.com/3", Want::Stripped("http://b.com/3")),
            ],
        )],
    },
    Advisory {
        id: "Go CVE-2024-45336, back on the first origin",
        leak: "the same shape: A -> B (stripped) -> B/other-path must not bring the \
               credentials back on B whatever the later statuses; back on A, `fetch` and \
               `strict` keep them removed for good and `curl` sends them again, as curl \
               does (credentials follow the first origin)",
        source: "golang/vulndb issue 3420; WHATWG Fetch \"HTTP-redirect fetch\"; curl \
                 lib/vauth/vauth.c Curl_auth_allowed_to_origin",
        plants: &[&[
            ("Authorization", "Bearer a-only-token"),
            ("Cookie", "a-only=1"),
            ("Proxy-Authorization", "Basic YS1vbmx5"),
            ("Host", "a-only.internal"),
        ]],
        never: &[],
        chains: &[(
            "https://a.test/start",
            &[
                at(
                    307,
                    "https://b.test/one",
                    Want::Stripped("https://b.test/one"),
                ),
                each("/other-path", Want::Stripped("https://b.test/other-path")),
                each(
                    "?q=again",
                    Want::Stripped("https://b.test/other-path?q=again"),
                ),
                at(
                    302,
                    "https://a.test/back",
                    Want::Back("https://a.test/back"),
                ),
            ],
        )],
    },
    Advisory {
        id: "Go CVE-2025-4673",
        leak: "`Proxy-Authorization` and `Proxy-Authenticate` set on a request were kept on \
               cross-origin redirects; replayed cross-host, cross-port and cross-scheme \
               with both names",
        source: "golang/vulndb issue 3751, golang/go issue 73816; the sensitive list of \
                 makeHeadersCopier in src/net/http/client.go after the fix, read in code \
                 that copies it (prometheus/common pull 924)",
        plants: &[&[
            ("Proxy-Authorization", "Basic Z28tNDY3My1wcm94eQ=="),
            ("Proxy-Authenticate", "Basic realm=\"go-4673-realm\""),
        ]],
        never: &[],
        chains: &[
            (
                "http://a.example/",
                &[at(
                    302,
                    "http://b.example/",
                    Want::Stripped("http://b.example/"),
                )],
            ),
            (
                "http://a.example/",
                &[at(
                    302,
                    "http://a.example:8080/",
                    Want::Stripped("http://a.example:8080/"),
                )],
            ),
            (
                "http://a.example/",
                &[at(
                    302,
                    "https://a.example:8443/",
                    Want::Stripped("https://a.example:8443/"),
                )],
            ),
        ],
    },
    Advisory {
        id: "requests CVE-2018-18074",
        leak: "`Authorization` was sent to an `http` URI after a same-host `https` -> `http` \
               redirect (requests before 2.20.0); `//example.com:80/bar` keeps `https` (on \
               port 80), so it is no downgrade",
        source: "psf/requests HISTORY.md 2.20.0; Session.should_strip_auth in \
                 src/requests/sessions.py; test_auth_is_stripped_on_http_downgrade, \
                 test_should_strip_auth_http_downgrade",
        plants: &[&[
            ("Authorization", "Basic dXNlcjpwYXNz"),
            ("Cookie", "requests-18074=1"),
        ]],
        never: &[],
        chains: &[
            (
                "https://example.com/foo",
                &[at(
                    302,
                    "http://example.com/bar",
                    Want::Downgrade("http://example.com/bar"),
                )],
            ),
            (
                "https://example.com:443/foo",
                &[at(
                    302,
                    "http://example.com:80/bar",
                    Want::Downgrade("http://example.com/bar"),
                )],
            ),
            (
                "https://example.com/foo",
                &[at(
                    302,
                    "//example.com:80/bar",
                    Want::Stripped("https://example.com:80/bar"),
                )],
            ),
            (
                "https://example.com/foo",
                &[
                    at(301, "/moved", Want::Kept("https://example.com/moved")),
                    at(
                        302,
                        "http://example.com/bar",
                        Want::Downgrade("http://example.com/bar"),
                    ),
                ],
            ),
        ],
    },
    Advisory {
        id: "requests CVE-2023-32681",
        leak: "on a redirect, `Proxy-Authorization` was attached to a request for an \
               `https` URL, where it travels inside the TLS tunnel to the destination \
               (requests 2.3.0 to 2.30.0); no redirect to `https` may carry it, the \
               same-host upgrade included, whatever the credential rule",
        source: "psf/requests HISTORY.md 2.31.0, GHSA-j8r2-6x86-q33q; \
                 Session.rebuild_proxies in src/requests/sessions.py; \
                 test_proxy_authorization_not_appended_to_https_request",
        plants: &[&[("Proxy-Authorization", "Basic dGVzdDpwYXNz")]],
        never: &[],
        chains: &[
            (
                "http://example.com/",
                &[at(
                    301,
                    "https://example.com/",
                    Want::Stripped("https://example.com/"),
                )],
            ),
            (
                "http://example.com/",
                &[at(
                    301,
                    "https://example.com/other",
                    Want::Stripped("https://example.com/other"),
                )],
            ),
            (
                "http://example.com/",
                &[at(
                    301,
                    "https://other.example/",
                    Want::Stripped("https://other.example/"),
                )],
            ),
        ],
    },
    Advisory {
        id: "urllib3 CVE-2018-20060",
        leak: "`Authorization` was not removed on a cross-origin redirect (urllib3 before \
               1.23), and then only in one spelling (1.24.2, issue 1510); four spellings, \
               each planted alone, for host, port and scheme",
        source: "urllib3 CHANGES.rst 1.23 and 1.24.2; \
                 test_redirect_cross_host_remove_headers in \
                 test/with_dummyserver/test_poolmanager.py",
        plants: &[
            &[("Authorization", "foo-urllib3-20060-a")],
            &[("authorization", "foo-urllib3-20060-b")],
            &[("AUTHORIZATION", "foo-urllib3-20060-c")],
            &[("aUtHoRiZaTiOn", "foo-urllib3-20060-d")],
        ],
        never: &[],
        chains: URLLIB3_CROSS_ORIGIN_303,
    },
    Advisory {
        id: "urllib3 CVE-2023-43804",
        leak: "a `Cookie` header set on the request was not stripped on a cross-origin \
               redirect (urllib3 before 1.26.17 and 2.0.6); both spellings, and two fields",
        source: "urllib3 CHANGES.rst 2.0.6 / 1.26.17, GHSA-v845-jxx5-vc9f; \
                 test_redirect_cross_host_remove_headers",
        plants: &[
            &[("Cookie", "foo=bar-urllib3-43804")],
            &[("cookie", "foo=baz-urllib3-43804")],
            &[("Cookie", "a=one-43804"), ("COOKIE", "b=two-43804")],
        ],
        never: &[],
        chains: &[
            (
                "http://localhost:8081/redirect",
                &[at(
                    302,
                    "http://127.0.0.1:8081/headers",
                    Want::Stripped("http://127.0.0.1:8081/headers"),
                )],
            ),
            (
                "http://localhost:8081/redirect",
                &[at(
                    302,
                    "http://localhost:9999/headers",
                    Want::Stripped("http://localhost:9999/headers"),
                )],
            ),
            (
                "http://localhost:8081/redirect",
                &[at(
                    302,
                    "https://localhost:8081/headers",
                    Want::Stripped("https://localhost:8081/headers"),
                )],
            ),
        ],
    },
    Advisory {
        id: "urllib3 CVE-2024-37891",
        leak: "a `Proxy-Authorization` header set by hand was not stripped on a \
               cross-origin redirect (urllib3 before 1.26.19 and 2.2.2)",
        source: "urllib3 CHANGES.rst 2.2.2 / 1.26.19, GHSA-34jh-p97f-mpxf; \
                 test_redirect_cross_host_remove_headers",
        plants: &[
            &[("Proxy-Authorization", "bar-urllib3-37891")],
            &[("proxy-authorization", "baz-urllib3-37891")],
        ],
        never: &[],
        chains: URLLIB3_CROSS_ORIGIN_302,
    },
    Advisory {
        id: "follow-redirects CVE-2022-0155",
        leak: "the `Cookie` header was kept on a redirect to another domain (before 1.14.7); \
               follow-redirects keeps it on subdomains by design, this crate does not",
        source: "follow-redirects commit 8b347cb (issue 183); test/test.js \"drops the \
                 header when redirected to a different host\"",
        plants: &[&[("Cookie", "the-header-value-0155")]],
        never: &[],
        chains: &[
            (
                "http://localhost:3600/a",
                &[at(
                    302,
                    "http://127.0.0.1:3600/b",
                    Want::Stripped("http://127.0.0.1:3600/b"),
                )],
            ),
            (
                "http://127.0.0.1:3600/a",
                &[at(
                    302,
                    "http://localhost:3600/b",
                    Want::Stripped("http://localhost:3600/b"),
                )],
            ),
            (
                "http://localhost:3600/a",
                &[at(
                    302,
                    "http://sub.localhost:3600/b",
                    Want::Stripped("http://sub.localhost:3600/b"),
                )],
            ),
        ],
    },
    Advisory {
        id: "follow-redirects CVE-2022-0536",
        leak: "`Authorization` and `Cookie` were kept on a redirect to another scheme on the \
               same host, so https -> http sent them in clear text (before 1.14.8); the \
               http -> https exemption needs the default ports, so on port 3601 never",
        source: "follow-redirects commit 62e546a (test/test.js \"drops the header when \
                 redirected to a different scheme\"), GHSA-pw2r-vq6v-hr8c; commit 2ec9b0b",
        plants: &[&[
            ("Authorization", "the-header-value-0536"),
            ("Cookie", "c=the-header-value-0536"),
        ]],
        never: &[],
        chains: &[
            (
                "https://localhost:3601/a",
                &[at(
                    302,
                    "http://localhost:3601/b",
                    Want::Downgrade("http://localhost:3601/b"),
                )],
            ),
            (
                "http://localhost:3601/a",
                &[at(
                    302,
                    "https://localhost:3601/b",
                    Want::Stripped("https://localhost:3601/b"),
                )],
            ),
        ],
    },
    Advisory {
        id: "follow-redirects CVE-2024-28849",
        leak: "`Proxy-Authorization` was kept on a redirect to another host (before \
               1.15.6); replayed with the report's mixed-case names",
        source: "follow-redirects commit c4f847f; the report's proof of concept (quoted in \
                 HeyPuter/puter pull 334)",
        plants: &[&[
            ("AuThorization", "Rear Test-28849-a"),
            ("ProXy-AuthoriZation", "Rear Test-28849-p"),
            ("coOkie", "t=1-28849"),
        ]],
        never: &[],
        chains: &[
            (
                "http://127.0.0.1:10081/",
                &[at(
                    302,
                    "http://localhost:10081/",
                    Want::Stripped("http://localhost:10081/"),
                )],
            ),
            (
                "http://127.0.0.1:10081/",
                &[at(
                    302,
                    "http://attacker.example/",
                    Want::Stripped("http://attacker.example/"),
                )],
            ),
        ],
    },
    Advisory {
        id: "undici CVE-2023-45143",
        leak: "`fetch` removed `Authorization` on a cross-origin redirect but kept `Cookie` \
               (before 5.26.2); the fix also removes `Host`; the redirect echoes the \
               request's fields, and the next `Host` is the new URL's",
        source: "nodejs/undici commit e041de3, GHSA-wqq4-5wpv-mx2g: lib/fetch/index.js \
                 httpRedirectFetch; test/fetch/redirect-cross-origin-header.js",
        plants: &[&[
            ("Authorization", "test-45143"),
            ("Cookie", "ddd=dddd-45143"),
            ("Host", "origin-p2.internal"),
        ]],
        never: &[],
        chains: &[(
            "http://localhost:41002/",
            &[Hop {
                status: Some(302),
                location: "http://localhost:41001",
                extra: "authorization: test-45143\r\ncookie: ddd=dddd-45143\r\n\
                        host: origin-p2.internal\r\n",
                want: Want::Stripped("http://localhost:41001/"),
            }],
        )],
    },
    Advisory {
        id: "undici CVE-2024-24758",
        leak: "`Proxy-Authorization` was not cleared on a cross-origin redirect in `fetch` \
               (before 5.28.3 and 6.6.1); GHSA-m4v8-wqvr-p9f7 (CVE-2024-30260) is the same \
               leak in `undici.request()`",
        source: "nodejs/undici commit d3aa574, GHSA-3787-6prv-h9w3; \
                 test/fetch/redirect-cross-origin-header.js",
        plants: &[&[
            ("Authorization", "test-24758-a"),
            ("Cookie", "ddd=dddd-24758"),
            ("Proxy-Authorization", "test-24758-p"),
        ]],
        never: &[],
        chains: &[
            (
                "http://localhost:41002/",
                &[at(
                    302,
                    "http://localhost:41001",
                    Want::Stripped("http://localhost:41001/"),
                )],
            ),
            (
                "http://localhost:41002/",
                &[at(
                    302,
                    "https://localhost:41001/",
                    Want::Stripped("https://localhost:41001/"),
                )],
            ),
        ],
    },
];

/// urllib3's cross-origin test (`test_redirect_cross_host_remove_headers`): from
/// `localhost:8081` to another host, port and scheme, by a 302.
const URLLIB3_CROSS_ORIGIN_302: &[(&str, &[Hop])] = &[
    (
        "http://localhost:8081/redirect",
        &[at(
            302,
            "http://127.0.0.1:8081/headers",
            Want::Stripped("http://127.0.0.1:8081/headers"),
        )],
    ),
    (
        "http://localhost:8081/redirect",
        &[at(
            302,
            "http://localhost:8082/headers",
            Want::Stripped("http://localhost:8082/headers"),
        )],
    ),
    (
        "http://localhost:8081/redirect",
        &[at(
            302,
            "https://localhost:8081/headers",
            Want::Stripped("https://localhost:8081/headers"),
        )],
    ),
];

/// As [`URLLIB3_CROSS_ORIGIN_302`], by a 303 (`Authorization`'s replay).
const URLLIB3_CROSS_ORIGIN_303: &[(&str, &[Hop])] = &[
    (
        "http://localhost:8081/redirect",
        &[at(
            303,
            "http://127.0.0.1:8081/headers",
            Want::Stripped("http://127.0.0.1:8081/headers"),
        )],
    ),
    (
        "http://localhost:8081/redirect",
        &[at(
            303,
            "http://localhost:8082/headers",
            Want::Stripped("http://localhost:8082/headers"),
        )],
    ),
    (
        "http://localhost:8081/redirect",
        &[at(
            303,
            "https://localhost:8081/headers",
            Want::Stripped("https://localhost:8081/headers"),
        )],
    ),
];

/// Replays every chain of `advisory` with every set of its plants under `policy`; a
/// failure names the advisory, the policy, the chain and the hop.
#[track_caller]
fn replay_advisory(advisory: &Advisory, label: &str, policy: &Policy) {
    let curl = policy.rules() == &Rules::CURL;
    for secrets in advisory.plants {
        for (first, hops) in advisory.chains {
            let per_status = hops.iter().any(|h| h.status.is_none());
            let statuses: &[u16] = if per_status { &REDIRECT_STATUSES } else { &[0] };
            for &status in statuses {
                let mut label = format!("{} [{label}] {first}", advisory.id);
                if per_status {
                    label += &format!(" (`each` hops {status})");
                }
                let mut r = Replay::start(&label, policy.clone(), get(first, secrets), secrets);
                for (i, hop) in hops.iter().enumerate() {
                    let status = hop.status.unwrap_or(status);
                    let label = format!("{label} -> {status} {}", hop.location);
                    let (url, kept) = match hop.want {
                        Want::Refused(code) => (Err(code), false),
                        Want::Downgrade(_) if !policy.allow_downgrade() => {
                            (Err("insecure_redirect"), false)
                        }
                        Want::Private(_) if policy.block_private_targets() => {
                            (Err("private_target"), false)
                        }
                        Want::Stripped(url) | Want::Downgrade(url) | Want::Private(url) => {
                            (Ok(url), false)
                        }
                        Want::Kept(url) => (Ok(url), true),
                        Want::Upgrade(url) => (Ok(url), is_upgrade_rule(policy)),
                        Want::Back(url) => (Ok(url), curl),
                    };
                    let response = redirect_with(status, hop.location, hop.extra);
                    let got = r.respond(&response, !kept);
                    let url = match url {
                        Err(code) => {
                            assert_eq!(got, Outcome::Refused(code), "{label}");
                            assert_eq!(i + 1, hops.len(), "{label}: a refused hop ends the row");
                            break;
                        }
                        Ok(url) => url,
                    };
                    assert_eq!(got, Outcome::Followed, "{label}");
                    let next = r.request();
                    assert_eq!(next.url().as_str(), url, "{label}");
                    if kept {
                        for (name, value) in *secrets {
                            assert_eq!(
                                next.header(name),
                                Some(value.as_bytes()),
                                "{label}: `{name}` is kept"
                            );
                        }
                    }
                    if next.header("Host").is_none() {
                        let authority = match next.url().port() {
                            Some(port) => format!("{}:{port}", next.url().host_str().unwrap()),
                            None => next.url().host_str().unwrap().to_owned(),
                        };
                        assert_line(&label, &next, &format!("Host: {authority}"));
                    }
                    for needle in advisory.never {
                        assert_not_in_head(&label, &next, needle);
                    }
                }
            }
        }
    }
}

/// Every row of [`ADVISORIES`], under every policy.
#[test]
fn advisories_replayed_from_the_table() {
    for advisory in ADVISORIES {
        assert!(
            !advisory.leak.is_empty() && !advisory.source.is_empty(),
            "{}: say what leaked and where it was read",
            advisory.id
        );
        for_every_policy(|label, policy| replay_advisory(advisory, label, &policy));
    }
}

/// The table's driver fails on a row whose expectation is wrong, and names that row: a
/// cross-origin hop said to keep its credentials, and a followed hop said to be refused.
#[test]
fn a_wrong_row_fails_and_names_its_advisory() {
    const WRONG: [Advisory; 2] = [
        Advisory {
            id: "wrong row: credentials kept cross-origin",
            leak: "self-test",
            source: "self-test",
            plants: &[&[("Authorization", "Bearer self-test")]],
            never: &[],
            chains: &[(
                "http://a.test/",
                &[at(302, "http://b.test/", Want::Kept("http://b.test/"))],
            )],
        },
        Advisory {
            id: "wrong row: a followed hop said refused",
            leak: "self-test",
            source: "self-test",
            plants: &[&[("Authorization", "Bearer self-test")]],
            never: &[],
            chains: &[(
                "http://a.test/",
                &[at(302, "http://b.test/", Want::Refused("invalid_location"))],
            )],
        },
    ];
    for advisory in &WRONG {
        let caught = std::panic::catch_unwind(|| {
            replay_advisory(advisory, "fetch", &Policy::fetch());
        });
        let message = caught.expect_err("a wrong row passed");
        let text = message
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or_default();
        assert!(
            text.contains(advisory.id),
            "the failure does not name the row: {text}"
        );
    }
}

/// **Go CVE-2024-45336**, with the caller's own cookie (the chain itself is a row of
/// [`ADVISORIES`]): the caller's jar adds a cookie for b.com at b.com/1. It stays on b.com,
/// the a.com secrets do not come back beside it, and it does not go on to c.com.
///
/// Read: golang/vulndb issue 3420 (the `a.com` -> `b.com/1` -> `b.com/2` chain).
#[test]
fn go_cve_2024_45336_a_cookie_the_caller_sets_for_b_stays_on_b() {
    let secrets: &[Secret] = &[
        ("Authorization", "Bearer go-45336-token"),
        ("Cookie", "sid=go-45336"),
        ("Proxy-Authorization", "Basic Z28tNDUzMzY="),
    ];
    for_every_policy(|label, policy| {
        let label = format!("{label} jar cookie for b.com");
        let mut f = Follow::new(get("http://a.com/", secrets), policy.clone()).unwrap();
        let feed = |f: &mut Follow, location: &str| {
            expect_redirect(f, redirect(302, location).as_bytes())
                .follow()
                .to_head()
        };
        // The handle dropped, the redirect to b.com/1 is taken back from the buffer that
        // completed it, edited, then followed.
        let response = redirect(302, "http://b.com/1");
        expect_redirect(&mut f, response.as_bytes());
        let mut hop = f
            .pending_redirect(response.as_bytes())
            .expect("b.com/1 is still proposed");
        hop.set_header("Cookie", "jar=for-b-only").unwrap();
        hop.follow();
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

// ---------------------------------------------------------------------------------------
// The headers a redirect rewrites (`Referer`, `Origin`, `Host`), the ports and schemes it
// may go to.

/// No value: what [`values`] gives for a header that is not sent.
const NONE: [&str; 0] = [];

/// Panics if `needle` occurs anywhere in the head of `request`.
#[track_caller]
fn assert_not_in_head(label: &str, request: &OutgoingRequest<'_>, needle: &str) {
    let head = request.to_head();
    assert!(
        !contains(&head, needle.as_bytes()),
        "{label}: `{needle}` is in the head for {}:\n{}",
        request.url(),
        String::from_utf8_lossy(&head)
    );
}

/// Panics unless the head of `request` has the line `line` (without its CRLF).
#[track_caller]
fn assert_line(label: &str, request: &OutgoingRequest<'_>, line: &str) {
    let head = request.to_head();
    assert!(
        contains(&head, format!("\r\n{line}\r\n").as_bytes()),
        "{label}: no `{line}` line in the head for {}:\n{}",
        request.url(),
        String::from_utf8_lossy(&head)
    );
}

/// Why the proposed request lacks the caller's header `name`, if it does.
fn removal_of(hop: &Redirect<'_>, name: &str) -> Option<RemovalReason> {
    hop.removed_headers()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.reason)
}

/// How a test gives the chain its referrer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plant {
    /// [`Request::referrer`] (curl's `--referer URL`).
    Api,
    /// A `Referer` header set by the caller (curl's `-H 'Referer: URL'`).
    Header,
}

fn with_referrer(request: Request, how: Plant, referrer: &str) -> Request {
    match how {
        Plant::Api => request.referrer(referrer).expect("valid referrer"),
        Plant::Header => request.header("Referer", referrer).expect("valid header"),
    }
}

/// **isahc issue 392** (fixed by isahc pull 393), "Bug in auto_referer implementation":
/// among its faults, the `Referer` isahc set on a redirect was the previous URL even when
/// that URL was `https` and the redirect went to `http`, so a query string of a secure
/// page went out in clear text. The fix (`create_referer` in `src/redirect.rs`: "Do not set
/// a Referer header if redirecting to an insecure location from a secure one") follows RFC
/// 7231 §5.5.2, which Go's `refererForURL` (`src/net/http/client.go`) quotes for the same
/// rule; wpull issue 219 ("Referrer is leaked from HTTPS to HTTP requests") is the same leak.
///
/// Here the rule is W3C Referrer Policy's default, `strict-origin-when-cross-origin`: an
/// `https` page's URL carrying `?token=SECRET` is the referrer, given with
/// [`Request::referrer`] or as the caller's own `Referer` header (sent as it is on the
/// first request, to the page's own origin). After a redirect (every status) to an `http`
/// host, `fetch` sends no `Referer` at all and says why (`Downgrade`; a caller-set header is
/// reported `Recomputed`), and once omitted it stays omitted on the next hops, back to
/// `https` included; after a cross-origin `https` hop first, the next request carries the
/// origin only. `strict` refuses the downgrade itself, and with downgrades allowed behaves as
/// `fetch`. `curl` sends the caller's referrer verbatim on every request, the `http` ones
/// included (`--referer` and `-H` values are not recomputed): asserted exactly, token and
/// all, since that is what curl does.
#[test]
fn isahc_392_https_referer_with_token_not_sent_to_http_after_307() {
    const TOKEN: &str = "SECRET-isahc-392";
    const PAGE: &str = "https://a.test/account?token=SECRET-isahc-392";
    for_every_policy(|label, policy| {
        let curl = policy.rules() == &Rules::CURL;
        let mut variants = vec![(label.to_owned(), policy.clone())];
        if policy.rules() == &Rules::STRICT {
            variants.push((
                format!("{label}+allow-downgrade"),
                policy.clone().with_allow_downgrade(true),
            ));
        }
        for (label, policy) in variants {
            let refuses = !policy.allow_downgrade();
            // What each later request carries: curl, the page verbatim; the others, nothing.
            let check = |label: &str, request: &OutgoingRequest<'_>| {
                if curl {
                    assert_eq!(values(request, "Referer"), [PAGE], "{label}");
                } else {
                    assert_eq!(values(request, "Referer"), NONE, "{label}");
                    assert_not_in_head(label, request, TOKEN);
                }
            };
            for how in [Plant::Api, Plant::Header] {
                for status in [301, 302, 303, 307, 308] {
                    let label = format!("{label} {how:?} {status}");
                    let first = with_referrer(get("https://a.test/start", &[]), how, PAGE);
                    let mut r = Replay::start(&label, policy.clone(), first, &[("Referer", PAGE)]);
                    let got = r.respond_then(
                        &redirect(status, "http://b.test/landing"),
                        false,
                        |label, hop| {
                            let decision = hop.referrer_decision();
                            if curl {
                                // curl's `--referer` goes as it is (reported so); a caller's
                                // own `Referer` field is just a header to curl.
                                let want = (how == Plant::Api).then_some(ReferrerWhy::CurlFixed);
                                assert_eq!(decision.map(|d| d.why), want, "{label}: curl");
                            } else {
                                let d = decision.expect("a decision");
                                assert_eq!(
                                    (d.policy, d.sent, d.why),
                                    (
                                        ReferrerPolicy::StrictOriginWhenCrossOrigin,
                                        ReferrerSent::None,
                                        ReferrerWhy::Downgrade
                                    ),
                                    "{label}"
                                );
                                let reported =
                                    (how == Plant::Header).then_some(RemovalReason::Recomputed);
                                assert_eq!(removal_of(hop, "Referer"), reported, "{label}");
                            }
                            check(label, &hop.request());
                        },
                    );
                    if refuses {
                        assert_eq!(got, Outcome::Refused("insecure_redirect"), "{label}");
                        assert_eq!(r.request().url().as_str(), "https://a.test/start");
                        continue;
                    }
                    assert_eq!(got, Outcome::Followed, "{label}");
                    check(&format!("{label} after caller edits"), &r.request());
                    // Then same origin over http, and back to https elsewhere.
                    for location in ["/next", "https://c.test/back"] {
                        let got = r.respond_then(&redirect(302, location), false, |label, hop| {
                            if !curl {
                                let d = hop.referrer_decision().expect("a decision");
                                assert_eq!(
                                    (d.sent, d.why),
                                    (ReferrerSent::None, ReferrerWhy::Earlier)
                                );
                            }
                            check(label, &hop.request());
                        });
                        assert_eq!(got, Outcome::Followed, "{label} -> {location}");
                        check(
                            &format!("{label} -> {location} after caller edits"),
                            &r.request(),
                        );
                    }
                }

                // A cross-origin https hop first: the origin only, then nothing over http.
                let label = format!("{label} {how:?} via https://b.test");
                let first = with_referrer(get("https://a.test/start", &[]), how, PAGE);
                let mut r = Replay::start(&label, policy.clone(), first, &[("Referer", PAGE)]);
                assert_eq!(
                    r.respond(&redirect(307, "https://b.test/one"), false),
                    Outcome::Followed
                );
                let want: &[&str] = if curl { &[PAGE] } else { &["https://a.test/"] };
                assert_eq!(values(&r.request(), "Referer"), want, "{label}");
                let got = r.respond(&redirect(307, "http://c.test/two"), false);
                if refuses {
                    assert_eq!(got, Outcome::Refused("insecure_redirect"), "{label}");
                } else {
                    assert_eq!(got, Outcome::Followed, "{label}");
                    check(&label, &r.request());
                    if !curl {
                        // Not even the origin the https hop was given.
                        assert_not_in_head(&label, &r.request(), "https://a.test");
                    }
                }
            }
        }
    });
}

/// **curl CVE-2021-22876** (fixed in curl 7.76.0), "Automatic referer leaks credentials":
/// with `--referer ';auto'` (`CURLOPT_AUTOREFERER`) curl set `Referer` to the previous URL
/// without removing its user name and password, so they went to the redirect's target.
///
/// Read: curl-www `docs/CVE-2021-22876.md`; curl `tests/data/test2081`
/// ("Automatic referrer credential and anchor stripping check":
/// `http://user:pass@host/we/want/our/2081#anchor --location --referer ';auto'`, a 301 to
/// `data/20810002.txt?coolsite=yes`, whose request has `Referer:
/// http://host/we/want/our/2081`); `Curl_http_follow` in `lib/http.c` (the previous URL
/// without user, password and fragment; no look at the target's scheme; a `-H Referer`
/// wins over it). Replayed with [`Policy::with_auto_referer`]: under `curl` the `Referer` is
/// exactly test2081's, and on an `https` -> `http` hop the previous URL goes too, as in curl;
/// `fetch` and `strict` ignore `;auto` (no referrer given: no `Referer`), and strip user
/// info and fragment from a referrer given with [`Request::referrer`].
#[test]
fn curl_cve_2021_22876_automatic_referer_carries_no_credentials() {
    const FIRST: &str = "http://user:pass@curl.test:8990/we/want/our/2081#anchor";
    const STRIPPED: &str = "http://curl.test:8990/we/want/our/2081";
    let no_userinfo = |label: &str, request: &OutgoingRequest<'_>| {
        for needle in ["user:", "pass@", ":pass", "anchor"] {
            assert_not_in_head(label, request, needle);
        }
    };
    for_every_policy(|label, policy| {
        let curl = policy.rules() == &Rules::CURL;
        let policy = policy.with_auto_referer(true);

        // test2081.
        let mut r = Replay::start(label, policy.clone(), get(FIRST, &[]), &[]);
        let got = r.respond_then(
            &redirect(301, "data/20810002.txt?coolsite=yes"),
            false,
            |label, hop| {
                let why = hop.referrer_decision().map(|d| d.why);
                assert_eq!(why, curl.then_some(ReferrerWhy::CurlAuto), "{label}");
            },
        );
        assert_eq!(got, Outcome::Followed, "{label}");
        let want: &[&str] = if curl { &[STRIPPED] } else { &[] };
        assert_eq!(values(&r.request(), "Referer"), want, "{label}");
        no_userinfo(label, &r.request());

        // curl's `;auto` does not look at the target's scheme.
        let secure = "https://user:pass@curl.test/p?q=1#frag";
        let mut r = Replay::start(label, policy.clone(), get(secure, &[]), &[]);
        let got = r.respond(&redirect(307, "http://other.test/"), false);
        match (curl, policy.allow_downgrade()) {
            (true, _) => {
                assert_eq!(got, Outcome::Followed, "{label}");
                assert_eq!(values(&r.request(), "Referer"), ["https://curl.test/p?q=1"]);
            }
            (false, true) => assert_eq!(values(&r.request(), "Referer"), NONE, "{label}"),
            (false, false) => assert_eq!(got, Outcome::Refused("insecure_redirect"), "{label}"),
        }
        no_userinfo(label, &r.request());

        // A referrer given by the caller: curl sends it as given on the first request (then
        // `;auto` replaces it); fetch and strict strip it on every request.
        let req = get(FIRST, &[]).referrer(FIRST).expect("valid referrer");
        let mut r = Replay::start(label, policy.clone(), req, &[]);
        let first: &[&str] = if curl {
            &["http://user:pass@curl.test:8990/we/want/our/2081#anchor"]
        } else {
            &[STRIPPED]
        };
        assert_eq!(values(&r.request(), "Referer"), first, "{label}");
        assert_eq!(
            r.respond(&redirect(302, "/elsewhere"), false),
            Outcome::Followed
        );
        assert_eq!(values(&r.request(), "Referer"), [STRIPPED], "{label}");
        no_userinfo(label, &r.request());
    });
}

/// A caller-set `Host` goes to its own authority only, whatever the credential rule, the
/// trusted origins or the profile: a trusted origin does not receive `Host: a.test`, and
/// the https-upgrade rule does not send `Host: a.test:80` to `https://a.test`.
///
/// The leak elsewhere: requests issues 4002 and 4665 (a custom `Host` is reused on every
/// redirect, to another host too); curl before 8.21.0 kept a custom `Host` whenever the
/// redirect's host *name* equalled the first one, another port or scheme included (curl
/// pull 20850, "http: restrict custom Host reuse on redirect", proposed host, port and
/// protocol; since commit bc40e09f63 `http_set_aptr_host` in `lib/http.c` requires
/// `Curl_peer_equal(initial_origin, origin)`), and `--location-trusted` never extended it.
///
/// Asserted: `Host: a.test` never reaches `https://b.test`, also when b.test is a trusted
/// origin (which does receive `Authorization`, so the trust is in force) and under the
/// https-upgrade rule, for every status, and is reported `OtherAuthority`; `Host: a.test:80`
/// set for `http://a.test` is not sent to `https://a.test` (the URL's `Host: a.test` is),
/// while the upgrade rule does keep `Authorization` there; the same authority, however the
/// Location writes it, keeps the header; back on the first authority after another one,
/// `fetch` and `strict` have removed it for good and `curl` sends it again (as it does
/// credentials).
#[test]
fn custom_host_never_carried_to_a_trusted_origin_or_an_https_upgrade() {
    let auth = ("Authorization", "Bearer for-a-and-trusted-b");
    for_every_policy(|label, policy| {
        let curl = policy.rules() == &Rules::CURL;
        let upgrade = is_upgrade_rule(&policy);
        let trusting_b = policy
            .clone()
            .with_trusted_origin("https://b.test")
            .expect("valid origin");
        for (label, policy, trusted) in [
            (label.to_owned(), policy.clone(), false),
            (format!("{label}+trusts-b.test"), trusting_b, true),
        ] {
            // To another origin, trusted or not.
            for status in [301, 302, 303, 307, 308] {
                let label = format!("{label} {status}");
                let host: &[Secret] = &[("Host", "a.test")];
                let req = get("https://a.test/start", &[host[0], auth]);
                let mut r = Replay::start(&label, policy.clone(), req, host);
                let got = r.respond_then(
                    &redirect(status, "https://b.test/api"),
                    true,
                    |label, hop| {
                        let reason = removal_of(hop, "Host");
                        assert_eq!(reason, Some(RemovalReason::OtherAuthority), "{label}");
                        let sent = hop.request().header("Authorization").is_some();
                        assert_eq!(sent, trusted, "{label}: Authorization follows the trust");
                    },
                );
                assert_eq!(got, Outcome::Followed, "{label}");
                assert_line(&label, &r.request(), "Host: b.test");
            }

            // http://a.test (port 80) -> https://a.test (port 443): another authority.
            let label80 = format!("{label} http -> https");
            let host: &[Secret] = &[("Host", "a.test:80")];
            let req = get("http://a.test/start", &[host[0], auth]);
            let mut r = Replay::start(&label80, policy.clone(), req, host);
            let got = r.respond_then(
                &redirect(302, "https://a.test/secure"),
                true,
                |label, hop| {
                    let reason = removal_of(hop, "Host");
                    assert_eq!(reason, Some(RemovalReason::OtherAuthority), "{label}");
                    let sent = hop.request().header("Authorization").is_some();
                    assert_eq!(
                        sent, upgrade,
                        "{label}: the upgrade rule keeps Authorization"
                    );
                },
            );
            assert_eq!(got, Outcome::Followed, "{label80}");
            assert_line(&label80, &r.request(), "Host: a.test");

            // The same authority, however the Location writes it, keeps the caller's Host.
            for location in ["/next", "http://a.test:80/next", "//A.TEST/next"] {
                let label = format!("{label} -> {location}");
                let req = get("http://a.test/start", &[("Host", "vhost.internal")]);
                let mut r = Replay::start(&label, policy.clone(), req, &[]);
                assert_eq!(
                    r.respond(&redirect(302, location), false),
                    Outcome::Followed
                );
                assert_eq!(values(&r.request(), "Host"), ["vhost.internal"], "{label}");
                assert_line(&label, &r.request(), "Host: vhost.internal");
                assert_not_in_head(&label, &r.request(), "Host: a.test");
            }

            // Away and back.
            let label = format!("{label} a -> b -> a");
            let req = get("https://a.test/start", &[("Host", "vhost.internal"), auth]);
            let mut r = Replay::start(&label, policy.clone(), req, &[]);
            assert_eq!(
                r.respond(&redirect(302, "https://b.test/"), false),
                Outcome::Followed
            );
            assert_eq!(values(&r.request(), "Host"), NONE, "{label}");
            assert_eq!(
                r.respond(&redirect(302, "https://a.test/back"), false),
                Outcome::Followed
            );
            if curl {
                assert_eq!(values(&r.request(), "Host"), ["vhost.internal"], "{label}");
            } else {
                assert_eq!(values(&r.request(), "Host"), NONE, "{label}");
                assert_line(&label, &r.request(), "Host: a.test");
            }
        }
    });
}

/// Fetch "redirect-taint" (HTTP-redirect fetch; "serializing a request origin"): once a
/// redirect went from a URL whose origin is not the request's origin to yet another origin,
/// the `Origin` header is `null`. A page on A posts to A, which redirects to B (still `Origin:
/// A`, it is A's own redirect), which redirects to C: C must not see a request that claims
/// A as its origin when B chose where it went (the confused deputy `Origin` checks defend
/// against).
///
/// Read: Fetch "HTTP-redirect fetch" and "request has redirect-tainted origin"; WPT
/// `fetch/api/redirect/redirect-origin.any.js` ("Other origin to same origin redirection"
/// expects `null`, "Other origin to other origin" the page's origin) and wpt pull 3427,
/// which corrected that expectation to `null`. Asserted for every status: A -> B keeps the
/// caller's value; B -> C sends exactly one `Origin: null` and no trace of the caller's
/// value, reported `RedirectTainted`; it stays `null` on a same-origin hop after and back
/// on A; A -> B -> A is `null` too; a request made from A's page to B (its referrer on A)
/// is `null` after B -> A and B -> C, and keeps the value after B -> B. `curl` forwards the
/// caller's `Origin` as it is on every request, as curl does with any `-H` header: asserted
/// exactly.
#[test]
fn fetch_redirect_taint_caller_origin_becomes_null_after_a_b_c() {
    const ORIGIN: &str = "https://a.test";
    let planted: &[Secret] = &[("Origin", ORIGIN)];
    let form = |url: &str| {
        request(
            Method::Post,
            url,
            &[
                ("Origin", ORIGIN),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
        )
        .body(Body::Replayable)
    };
    for_every_policy(|label, policy| {
        let curl = policy.rules() == &Rules::CURL;
        let null = if curl { ORIGIN } else { "null" };
        let check = |label: &str, request: &OutgoingRequest<'_>, want: &str| {
            assert_eq!(values(request, "Origin"), [want], "{label}");
            assert_line(label, request, &format!("Origin: {want}"));
            if want == "null" {
                assert_not_in_head(label, request, "Origin: https");
            }
        };
        for status in [301, 302, 303, 307, 308] {
            let label = format!("{label} {status}");
            let mut r = Replay::start(&label, policy.clone(), form("https://a.test/form"), planted);
            let got = r.respond_then(
                &redirect(status, "https://b.test/one"),
                false,
                |label, hop| {
                    assert_eq!(removal_of(hop, "Origin"), None, "{label}");
                    check(label, &hop.request(), ORIGIN);
                },
            );
            assert_eq!(got, Outcome::Followed, "{label}");
            check(&label, &r.request(), ORIGIN);
            let got = r.respond_then(
                &redirect(status, "https://c.test/two"),
                false,
                |label, hop| {
                    let reason = (!curl).then_some(RemovalReason::RedirectTainted);
                    assert_eq!(removal_of(hop, "Origin"), reason, "{label}");
                    check(label, &hop.request(), null);
                },
            );
            assert_eq!(got, Outcome::Followed, "{label}");
            check(&format!("{label} after caller edits"), &r.request(), null);
            for location in ["/same-origin", "https://a.test/back"] {
                let label = format!("{label} -> {location}");
                assert_eq!(
                    r.respond(&redirect(status, location), false),
                    Outcome::Followed
                );
                check(&label, &r.request(), null);
            }

            // A -> B -> A.
            let mut r = Replay::start(&label, policy.clone(), form("https://a.test/form"), planted);
            r.respond(&redirect(status, "https://b.test/one"), false);
            assert_eq!(
                r.respond(&redirect(status, "https://a.test/back"), false),
                Outcome::Followed
            );
            check(&format!("{label} a -> b -> a"), &r.request(), null);
        }

        // A request from A's page to B (WPT redirect-origin.any.js).
        for (location, tainted) in [
            ("https://a.test/inspect", true),
            ("https://c.test/inspect", true),
            ("https://b.test/inspect", false),
        ] {
            let label = format!("{label} page a.test: b.test -> {location}");
            let req = form("https://b.test/redirect")
                .referrer("https://a.test/page")
                .expect("valid referrer");
            let mut r = Replay::start(&label, policy.clone(), req, planted);
            assert_eq!(
                r.respond(&redirect(307, location), false),
                Outcome::Followed
            );
            check(&label, &r.request(), if tainted { null } else { ORIGIN });
        }
    });
}

/// **NAT Slipstreaming** (Samy Kamkar, 2020: an HTTP request to port 5060 that NAT devices
/// read as SIP, opening a port back to the attacker) and **ALPACA** (2021: cross-protocol
/// attacks on TLS servers, FTPS on 989 and 990): browsers refuse Fetch's "bad ports", a
/// redirect included, and the list grew after each (whatwg/fetch issue 1108 and pull 1109,
/// ports 5060 and 5061; pull 1250, ports 989 and 990, citing ALPACA). A redirect is how an
/// attacker points a client at such a port without the caller naming it.
///
/// Read: Fetch "port blocking" (the table is [`redirects::BAD_PORTS`]) and "main fetch"
/// ("should request be blocked due to a bad port"); WPT `fetch/api/request/request-bad-port`.
/// Asserted: under `fetch` and `strict` a redirect to SMTP (25), SIP (5060, 5061), FTPS
/// (989, 990), IRC (6667), port 1, port 0 and 10080 is refused with `blocked_port` and the
/// machine still names the request before it (nothing is sent); ports beside them and the
/// default ports written out are followed. `curl` connects to any port a Location names
/// (the redirect is followed, without the credentials, since the origin changed); the
/// policy value turns the block on and off under every profile.
#[test]
fn nat_slipstreaming_and_alpaca_redirect_to_a_bad_port_is_refused() {
    let secrets: &[Secret] = &[("Authorization", "Bearer bad-port-token")];
    let bad = [
        ("http://a.test:25/", 25),
        ("http://a.test:5060/", 5060),
        ("http://a.test:5061/", 5061),
        ("https://a.test:989/", 989),
        ("https://a.test:990/", 990),
        ("http://b.test:6667/irc", 6667),
        ("//a.test:1/", 1),
        ("http://a.test:0/", 0),
        ("http://a.test:10080/", 10080),
    ];
    let fine = [
        "http://a.test:24/",
        "http://a.test:26/",
        "http://a.test:5062/",
        "http://a.test:8080/",
        "http://a.test:80/",
        "https://a.test:443/",
    ];
    for_every_policy(|label, policy| {
        let by_default = policy.rules() != &Rules::CURL;
        for (label, policy, blocks) in [
            (label.to_owned(), policy.clone(), by_default),
            (
                format!("{label}+ports-allowed"),
                policy.clone().with_blocked_ports(false),
                false,
            ),
            (
                format!("{label}+ports-blocked"),
                policy.clone().with_blocked_ports(true),
                true,
            ),
        ] {
            assert_eq!(policy.blocked_ports(), blocks, "{label}");
            for (location, port) in bad {
                let label = format!("{label} -> {location}");
                let start = get("http://a.test/start", secrets);
                let mut r = Replay::start(&label, policy.clone(), start, secrets);
                let got = r.respond(&redirect(307, location), true);
                if blocks {
                    assert_eq!(got, Outcome::Refused("blocked_port"), "{label}");
                    assert!(r.follow.is_finished(), "{label}");
                    assert_eq!(r.request().url().as_str(), "http://a.test/start");
                } else {
                    assert_eq!(got, Outcome::Followed, "{label}");
                    assert_eq!(r.request().target().port, port, "{label}");
                }
            }
            for location in fine {
                let label = format!("{label} -> {location}");
                let mut r = Replay::start(&label, policy.clone(), get("http://a.test/", &[]), &[]);
                assert_eq!(
                    r.respond(&redirect(302, location), false),
                    Outcome::Followed
                );
            }
        }
    });
    // The error says which status and port, and whose fault it is.
    let mut f = Follow::new(get("http://a.test/", &[]), Policy::strict()).unwrap();
    let err = f
        .handle_response(redirect(302, "http://a.test:25/").as_bytes())
        .unwrap_err();
    assert_eq!(
        err,
        Error::BlockedPort {
            status: 302,
            port: 25
        }
    );
    assert_eq!(err.fault(), Fault::Peer);
}

/// **curl CVE-2022-30115**, "HSTS bypass via trailing dot", and its successors
/// CVE-2022-42916 and CVE-2022-43551 (the last fixed in curl 7.87.0) ("HSTS bypass via IDN": the host written
/// with U+3002 IDEOGRAPHIC FULL STOP, raw or percent-encoded as in the advisory's
/// `http://curl%E3%80%82se`): a host that the HSTS cache held was looked up in another
/// spelling, and the request went out over plain `http`.
///
/// Read: curl-www `docs/CVE-2022-30115.md`, `CVE-2022-42916.md`, `CVE-2022-43551.md`; RFC
/// 6797 §8.2 (congruent and superdomain matching) and §8.3 (port 80 becomes 443, another
/// port is kept). Replayed inside one chain: with `a.test` a known HSTS host including
/// subdomains, a redirect to `http://` on it or a subdomain, in every spelling, is proposed
/// as `https://` and says so (`hsts_upgrade`), under every profile (`strict` follows it: no
/// downgrade is left), and the credentials set for `https://b.test` still stay off it.
/// Look-alike hosts are not upgraded. An `https` redirect's own `Strict-Transport-Security`
/// teaches the rest of the chain under `fetch` and `strict`, not under `curl` (curl learns
/// only with `--hsts`); the header on an `http` response teaches nothing. `https://a.test` ->
/// `http://a.test/next` is upgraded, but the credentials were compared with the Location's
/// `http` URL (Fetch removes them in HTTP-redirect fetch, before main fetch upgrades): they
/// are not sent.
#[test]
fn curl_cve_2022_30115_hsts_upgrade_inside_the_chain_not_bypassed() {
    let secrets: &[Secret] = &[
        ("Authorization", "Bearer hsts-token"),
        ("Cookie", "sid=hsts-cookie"),
    ];
    let upgraded = [
        ("http://sub.a.test/", "https://sub.a.test/"),
        ("http://sub.a.test./", "https://sub.a.test./"),
        ("http://sub.a.test\u{3002}/", "https://sub.a.test./"),
        ("http://sub.a.test%E3%80%82/", "https://sub.a.test./"),
        ("http://SUB.A.Test:80/x", "https://sub.a.test/x"),
        (
            "http://deep.sub.a.test:8080/",
            "https://deep.sub.a.test:8080/",
        ),
        ("http://a.test/", "https://a.test/"),
        ("http://a.test./next", "https://a.test./next"),
    ];
    let not_hsts = [
        "http://xa.test/",
        "http://a.test.evil.example/",
        "http://a-test/",
        "http://127.0.0.1/",
    ];
    let sts = |location: &str| {
        format!(
            "HTTP/1.1 302 Found\r\nStrict-Transport-Security: max-age=31536000; \
             includeSubDomains\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
        )
    };
    for_every_policy(|label, policy| {
        let strict = policy.rules() == &Rules::STRICT;
        let learns = policy.learn_hsts();
        assert_eq!(learns, policy.rules() != &Rules::CURL, "{label}");
        let known = policy
            .clone()
            .with_hsts_host("a.test", true)
            .expect("a domain");
        let from_policy = Some(HstsUpgrade {
            source: HstsSource::Policy,
        });
        for (location, want) in upgraded {
            let label = format!("{label} -> {location}");
            let mut r = Replay::start(
                &label,
                known.clone(),
                get("https://b.test/", secrets),
                secrets,
            );
            let got = r.respond_then(&redirect(302, location), true, |label, hop| {
                assert_eq!(hop.hsts_upgrade(), from_policy, "{label}");
            });
            assert_eq!(got, Outcome::Followed, "{label}");
            assert_eq!(r.request().url().as_str(), want, "{label}");
            assert!(r.request().target().tls, "{label}");
        }
        for location in not_hsts {
            let label = format!("{label} -> {location}");
            let mut r = Replay::start(
                &label,
                known.clone(),
                get("https://b.test/", secrets),
                secrets,
            );
            let got = r.respond_then(&redirect(302, location), true, |label, hop| {
                assert_eq!(hop.hsts_upgrade(), None, "{label}");
            });
            if strict {
                assert_eq!(got, Outcome::Refused("insecure_redirect"), "{label}");
            } else {
                assert_eq!(got, Outcome::Followed, "{label}");
                assert_eq!(r.request().url().scheme(), "http", "{label}");
            }
        }
        // The first request too.
        let f = Follow::new(get("http://sub.a.test/start", &[]), known.clone()).unwrap();
        assert_eq!(
            f.request().url().as_str(),
            "https://sub.a.test/start",
            "{label}"
        );

        // Same host: upgraded. Fetch decides credentials against the Location's URL
        // (http://a.test: another origin, kept off); curl against the connection it makes
        // (https://a.test, their own origin: sent, as `Curl_auth_allowed_to_host` does).
        let curl = policy.rules() == &Rules::CURL;
        let label_same = format!("{label} https://a.test -> http://a.test");
        let mut r = Replay::start(
            &label_same,
            known.clone(),
            get("https://a.test/", secrets),
            secrets,
        );
        assert_eq!(
            r.respond(&redirect(302, "http://a.test/next"), !curl),
            Outcome::Followed
        );
        assert_eq!(r.request().url().as_str(), "https://a.test/next");
        if curl {
            for (name, value) in secrets {
                assert_eq!(
                    r.request().header(name),
                    Some(value.as_bytes()),
                    "{label_same}: {name} to its own origin"
                );
            }
        }

        // Learned from the chain's own https redirect, two hops later.
        let label_learn = format!("{label} learned");
        let mut r = Replay::start(
            &label_learn,
            policy.clone(),
            get("https://learn.test/", secrets),
            secrets,
        );
        assert_eq!(
            r.respond(&sts("https://other.test/"), true),
            Outcome::Followed
        );
        let got = r.respond_then(
            &redirect(302, "http://sub.learn.test/x"),
            true,
            |label, hop| {
                let want = learns.then_some(HstsUpgrade {
                    source: HstsSource::Learned,
                });
                assert_eq!(hop.hsts_upgrade(), want, "{label}");
            },
        );
        assert_eq!(got, Outcome::Followed, "{label_learn}");
        let want = if learns {
            "https://sub.learn.test/x"
        } else {
            "http://sub.learn.test/x"
        };
        assert_eq!(r.request().url().as_str(), want, "{label_learn}");
        // Over http the header teaches nothing.
        let mut r = Replay::start(
            &label_learn,
            policy.clone(),
            get("http://plain.test/", &[]),
            &[],
        );
        assert_eq!(
            r.respond(&sts("http://sub.plain.test/x"), false),
            Outcome::Followed
        );
        assert_eq!(
            r.request().url().as_str(),
            "http://sub.plain.test/x",
            "{label_learn}"
        );
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
                    follow.request().sends_body(),
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
                            reuse = Some(r.can_reuse_connection());
                        }
                        other => panic!("{label}: {other:?}"),
                    }
                    break;
                }
                assert_eq!(
                    reuse,
                    Some(*want),
                    "{label} (bytewise {bytewise}): can_reuse_connection"
                );
            }
        }
    });
}

// ---------------------------------------------------------------------------------------
// Private targets (WICG Private Network Access). The rule is a policy value: each
// advisory below is replayed under every policy of `policies` with it on
// (`with_block_private_targets(true)`), and also as the profile has it (on under `strict`
// only) and with it off, so that each test states both what the rule refuses and what
// `fetch` and `curl` do without it.
// ---------------------------------------------------------------------------------------

/// Every policy of [`policies`] three times: with the private-target rule on, as the
/// profile has it, and off; with whether it blocks.
fn for_every_private_policy(mut f: impl FnMut(&str, Policy, bool)) {
    for_every_policy(|label, policy| {
        let by_default = policy.rules() == &Rules::STRICT;
        assert_eq!(policy.block_private_targets(), by_default, "{label}");
        f(
            &format!("{label}+private-blocked"),
            policy.clone().with_block_private_targets(true),
            true,
        );
        f(&format!("{label} (default)"), policy.clone(), by_default);
        f(
            &format!("{label}+private-allowed"),
            policy.with_block_private_targets(false),
            false,
        );
    });
}

/// What the refusal must say: the target host as the URL serializes it, the target's
/// space and the chain's.
struct Refusal<'a> {
    host: &'a str,
    space: AddressSpace,
    chain: AddressSpace,
}

/// The [`PrivateTarget`] inside `err`, after checking what every private-target error
/// says: its kind, that it is the peer's fault, its status, and that its text names the
/// host and both spaces.
#[track_caller]
fn private_target<'e>(label: &str, err: &'e Error, want: &Refusal<'_>) -> &'e PrivateTarget {
    let Error::PrivateTarget(p) = err else {
        panic!("{label}: not a private target: {err:?}");
    };
    assert_eq!(err.code(), "private_target", "{label}");
    assert_eq!(
        err.fault(),
        Fault::Peer,
        "{label}: the chain the servers built"
    );
    assert_eq!(err.status(), p.status, "{label}");
    assert_eq!(
        (&*p.host, p.space, p.chain),
        (want.host, want.space, want.chain),
        "{label}"
    );
    let text = err.to_string();
    for word in [want.host, want.space.name(), want.chain.name()] {
        assert!(
            text.contains(word),
            "{label}: `{text}` does not name {word}"
        );
    }
    p
}

/// Replays `first` -> `status` `location` under `policy` (which blocks private targets iff
/// `blocks`), planting `secrets`. Blocked: the hop is refused as `want` says, the machine
/// still names the first request and sends nothing more. Not blocked: the hop is followed
/// to `followed_url`, without the secrets (another origin).
#[track_caller]
#[allow(clippy::too_many_arguments)]
fn replay_private_hop(
    label: &str,
    policy: &Policy,
    blocks: bool,
    first: &str,
    status: u16,
    location: &str,
    followed_url: &str,
    want: &Refusal<'_>,
    secrets: &[Secret],
) {
    let label = format!("{label}: {first} -> {status} {location}");
    let mut r = Replay::start(&label, policy.clone(), get(first, secrets), secrets);
    let got = r.respond(&redirect(status, location), true);
    if !blocks {
        assert_eq!(got, Outcome::Followed, "{label}");
        assert_eq!(r.request().url().as_str(), followed_url, "{label}");
        return;
    }
    assert_eq!(got, Outcome::Refused("private_target"), "{label}");
    assert!(r.follow.is_finished(), "{label}");
    assert_eq!(r.follow.redirects(), 0, "{label}");
    assert_eq!(
        r.request().url().as_str(),
        first,
        "{label}: nothing else is sent"
    );
    // The error itself, from the same chain.
    let mut f = Follow::new(get(first, secrets), policy.clone()).expect("valid first request");
    let err = f
        .handle_response(redirect(status, location).as_bytes())
        .unwrap_err();
    let p = private_target(&label, &err, want);
    assert_eq!((p.status, p.address), (Some(status), None), "{label}");
    // The chain is over: no further response is taken, no request proposed.
    assert_eq!(
        f.handle_response(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .unwrap_err(),
        Error::InvalidState,
        "{label}"
    );
    assert_eq!(f.url().as_str(), first, "{label}");
}

/// **Craft CMS CVE-2026-25493** (GHSA for craftcms/cms, fixed in 4.16.18 and 5.8.22): the
/// `saveAsset` GraphQL mutation checked the URL's host and resolved address against a
/// blocklist, then fetched it with Guzzle, which follows redirects: a URL on the
/// attacker's server answering `302 Location: http://169.254.169.254/...` read the AWS
/// IMDSv1 credentials. The same chain is behind every "SSRF via redirect" in webhook and
/// link-preview features (Adminer CVE-2021-21311 used it against the AWS metadata service
/// too).
///
/// Read: the NVD and vendor descriptions of CVE-2026-25493; WICG Private Network Access
/// ("Non-public IP address blocks": 169.254.0.0/16, RFC 3927, private; a private network
/// request from a public client is refused); the AWS EC2 "Instance metadata service"
/// documentation (`http://169.254.169.254/latest/meta-data/`). Asserted under every policy
/// with the rule on: the hop to the metadata endpoint is refused for every redirect status
/// (a webhook `POST` with a body too), on the first hop or after a public one, naming the
/// host and both spaces, and nothing more is sent. With the rule off (`fetch` and `curl` by
/// default) the hop is followed, without the credentials (another origin).
#[test]
fn craft_cms_cve_2026_25493_redirect_to_the_cloud_metadata_endpoint_is_refused() {
    let secrets: &[Secret] = &[("Authorization", "Bearer metadata-token")];
    let meta = "http://169.254.169.254/latest/meta-data/iam/security-credentials/";
    let want = Refusal {
        host: "169.254.169.254",
        space: AddressSpace::Private,
        chain: AddressSpace::Public,
    };
    for_every_private_policy(|label, policy, blocks| {
        for status in [301, 302, 303, 307, 308] {
            replay_private_hop(
                label,
                &policy,
                blocks,
                "http://media.attacker.example/logo.png",
                status,
                meta,
                meta,
                &want,
                secrets,
            );
        }
        // The [::ffff:a9fe:a9fe] spelling of the same address.
        replay_private_hop(
            label,
            &policy,
            blocks,
            "http://media.attacker.example/logo.png",
            302,
            "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
            "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
            &Refusal {
                host: "[::ffff:a9fe:a9fe]",
                ..want
            },
            secrets,
        );

        // A webhook delivery: POST with a JSON body, 307 keeps both.
        let hook = request(
            Method::Post,
            "http://hooks.attacker.example/deliver",
            &[("Content-Type", "application/json"), secrets[0]],
        )
        .body(Body::Replayable);
        let mut r = Replay::start(label, policy.clone(), hook, secrets);
        match r.respond(&redirect(307, meta), true) {
            Outcome::Refused("private_target") if blocks => {
                assert_eq!(r.request().url().path(), "/deliver", "{label}");
            }
            Outcome::Followed if !blocks => {
                assert!(r.request().sends_body(), "{label}: a 307 keeps the body");
                assert_eq!(r.request().url().as_str(), meta, "{label}");
            }
            other => panic!("{label}: webhook 307: {other:?} (blocks {blocks})"),
        }

        // After a public hop: the chain's space is still the first URL's.
        let mut r = Replay::start(
            label,
            policy.clone(),
            get("http://a.attacker.example/", secrets),
            secrets,
        );
        assert_eq!(
            r.respond(&redirect(302, "http://b.attacker.example/x"), true),
            Outcome::Followed,
            "{label}"
        );
        let want_second = if blocks {
            Outcome::Refused("private_target")
        } else {
            Outcome::Followed
        };
        assert_eq!(
            r.respond(&redirect(302, meta), true),
            want_second,
            "{label}"
        );
        let at = if blocks {
            "http://b.attacker.example/x"
        } else {
            meta
        };
        assert_eq!(r.request().url().as_str(), at, "{label}");
    });
}

/// **node `ip` CVE-2023-42282** (GHSA-78xj-cgh5-2h22): `isPublic()` called `0x7F.1` public,
/// so an SSRF guard built on it let a URL with that host reach 127.0.0.1. The WHATWG URL
/// parser (and `inet_aton`) read `0x7f.1`, `2130706433`, `0177.0.0.1`, `127.1` and
/// `017700000001` as 127.0.0.1.
///
/// Read: the advisory; the WHATWG URL IPv4 parser; WICG Private Network Access
/// (127.0.0.0/8 is local). The rule classifies the host the URL parser left, never the
/// Location text. Asserted under every policy with the rule on: a redirect from a public
/// name to `http://0x7f.1/admin` (and each other spelling) is refused, naming `127.0.0.1`,
/// local and public; with the rule off it is followed to `http://127.0.0.1/admin`.
#[test]
fn node_ip_cve_2023_42282_loopback_written_0x7f_1_is_refused() {
    let secrets: &[Secret] = &[("Authorization", "Bearer loopback-token")];
    let want = Refusal {
        host: "127.0.0.1",
        space: AddressSpace::Local,
        chain: AddressSpace::Public,
    };
    for_every_private_policy(|label, policy, blocks| {
        for location in [
            "http://0x7f.1/admin",
            "http://0X7F.1/admin",
            "http://2130706433/admin",
            "http://0177.0.0.1/admin",
            "http://127.1/admin",
            "http://017700000001/admin",
            "//0x7f.1/admin",
        ] {
            replay_private_hop(
                label,
                &policy,
                blocks,
                "http://attacker.example/",
                302,
                location,
                "http://127.0.0.1/admin",
                &want,
                secrets,
            );
        }
    });
}

/// **node `ip` CVE-2024-29415** (GHSA-2p57-rm9w-gvfp, the incomplete fix of CVE-2023-42282):
/// `isPublic()` still called `127.1`, `01200034567`, `012.1.2.3`, `000:0:0000::01` and
/// `::fFFf:127.0.0.1` public.
///
/// Read: the advisory's list; WICG Private Network Access ("determine the IP address
/// space": an IPv4-mapped address, `::ffff:0:0/96`, takes its IPv4 address's space; ::1 is
/// local; 10.0.0.0/8 private); the WHATWG URL IPv4 and IPv6 parsers. Asserted under every
/// policy with the rule on: each form of the list, as a redirect target from a public name,
/// is refused naming the address as the URL serializes it and its space; with the rule off
/// each is followed.
#[test]
fn node_ip_cve_2024_29415_ipv4_mapped_and_short_forms_are_refused() {
    let secrets: &[Secret] = &[("Authorization", "Bearer mapped-token")];
    let forms = [
        (
            "http://[::fFFf:127.0.0.1]/",
            "[::ffff:7f00:1]",
            AddressSpace::Local,
        ),
        (
            "http://[::ffff:127.0.0.1]/",
            "[::ffff:7f00:1]",
            AddressSpace::Local,
        ),
        ("http://[000:0:0000::01]/", "[::1]", AddressSpace::Local),
        ("http://127.1/", "127.0.0.1", AddressSpace::Local),
        ("http://01200034567/", "10.0.57.119", AddressSpace::Private),
        ("http://012.1.2.3/", "10.1.2.3", AddressSpace::Private),
    ];
    for_every_private_policy(|label, policy, blocks| {
        for (location, host, space) in forms {
            replay_private_hop(
                label,
                &policy,
                blocks,
                "http://attacker.example/",
                302,
                location,
                &format!("http://{host}/"),
                &Refusal {
                    host,
                    space,
                    chain: AddressSpace::Public,
                },
                secrets,
            );
        }
    });
}

/// **localhost names** (RFC 6761 §6.3; no single advisory: a public page redirecting to
/// `http://localhost:8080/` is the name form of the loopback SSRF). Name resolution APIs
/// SHOULD answer `localhost` and every name under `.localhost` with the loopback address,
/// so the machine counts them local without resolving them; `localhost.example.com` is an
/// ordinary name.
///
/// Asserted under every policy with the rule on: `localhost:8080`, `LOCALHOST.` and
/// `admin.localhost` are refused (named as the URL serializes them, local, public); with
/// the rule off they are followed; `localhost.example.com` is followed either way.
#[test]
fn rfc_6761_localhost_names_are_the_local_space() {
    let secrets: &[Secret] = &[("Authorization", "Bearer localhost-token")];
    for_every_private_policy(|label, policy, blocks| {
        for (location, host) in [
            ("http://localhost:8080/", "localhost"),
            ("http://LOCALHOST.:8080/", "localhost."),
            ("http://admin.localhost:8080/", "admin.localhost"),
        ] {
            replay_private_hop(
                label,
                &policy,
                blocks,
                "http://attacker.example/",
                302,
                location,
                &format!("http://{host}:8080/"),
                &Refusal {
                    host,
                    space: AddressSpace::Local,
                    chain: AddressSpace::Public,
                },
                secrets,
            );
        }
        replay_private_hop(
            label,
            &policy,
            false,
            "http://attacker.example/",
            302,
            "http://localhost.example.com/",
            "http://localhost.example.com/",
            &Refusal {
                host: "",
                space: AddressSpace::Public,
                chain: AddressSpace::Public,
            },
            secrets,
        );
    });
}

/// **Craft CMS CVE-2026-27127** (a bypass of the CVE-2025-68437 fix): the URL's name was
/// resolved and checked against the blocklist, then the HTTP client resolved it again; the
/// attacker's DNS answered a public address the first time and 169.254.169.254 (or
/// 127.0.0.1) the second (DNS rebinding, a time-of-check to time-of-use race).
///
/// The machine sees names only; the caller resolves them, and
/// [`Follow::check_address`] applies the same rule to the address the caller is about to
/// connect to, for the current request. Asserted under every policy with the rule on, for
/// a public name: an address in a less public space is refused before the first request
/// and after a redirect, naming the host, the address, both spaces and the redirect's
/// status; each call is judged on its own (a public answer first does not let a loopback
/// answer through later); public addresses are fine; the machine's state is the same after
/// every call. A chain declared private may connect to private addresses, not loopback.
/// With the rule off every address is fine.
#[test]
fn craft_cms_cve_2026_27127_dns_rebinding_resolved_address_checked_before_every_connect() {
    let ip = |s: &str| s.parse::<IpAddr>().expect("valid address");
    let less_public = [
        ("127.0.0.1", AddressSpace::Local),
        ("::1", AddressSpace::Local),
        ("::ffff:127.0.0.1", AddressSpace::Local),
        ("0.0.0.0", AddressSpace::Local),
        ("10.0.0.1", AddressSpace::Private),
        ("169.254.169.254", AddressSpace::Private),
        ("::ffff:169.254.169.254", AddressSpace::Private),
        ("192.168.1.1", AddressSpace::Private),
        ("fd00:ec2::254", AddressSpace::Private),
        ("fe80::1", AddressSpace::Private),
    ];
    let public = [
        "93.184.215.14",
        "8.8.8.8",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
    ];

    /// Checks `address` against `follow`, whose state must not change: `Some(want)` is the
    /// refusal expected, `None` means allowed.
    #[track_caller]
    fn check(
        label: &str,
        follow: &Follow,
        address: IpAddr,
        want: Option<(Refusal<'_>, Option<u16>)>,
    ) {
        let before = format!("{follow:?}");
        let head = follow.request().to_head();
        let got = follow.check_address(address);
        assert_eq!(format!("{follow:?}"), before, "{label}: state changed");
        assert_eq!(follow.request().to_head(), head, "{label}: request changed");
        match (got, want) {
            (Ok(()), None) => {}
            (Err(err), Some((want, status))) => {
                let p = private_target(label, &err, &want);
                assert_eq!((p.address, p.status), (Some(address), status), "{label}");
                assert!(
                    err.to_string().contains(&address.to_string()),
                    "{label}: `{err}` does not name {address}"
                );
            }
            (got, want) => panic!(
                "{label}: {address}: got {got:?}, want refused: {}",
                want.is_some()
            ),
        }
    }

    for_every_private_policy(|label, policy, blocks| {
        let secrets: &[Secret] = &[("Authorization", "Bearer rebinding-token")];
        let mut follow = Follow::new(
            get("http://rebind.attacker.example/hook", secrets),
            policy.clone(),
        )
        .expect("valid first request");
        // Before the first request.
        for (address, space) in less_public {
            let want = blocks.then_some((
                Refusal {
                    host: "rebind.attacker.example",
                    space,
                    chain: AddressSpace::Public,
                },
                None,
            ));
            check(
                &format!("{label} first {address}"),
                &follow,
                ip(address),
                want,
            );
        }
        for address in public {
            check(
                &format!("{label} first {address}"),
                &follow,
                ip(address),
                None,
            );
        }
        // Rebinding: public on the first answer, loopback on the next one.
        check(
            &format!("{label} rebind 1"),
            &follow,
            ip("93.184.215.14"),
            None,
        );
        let rebound = blocks.then_some((
            Refusal {
                host: "rebind.attacker.example",
                space: AddressSpace::Local,
                chain: AddressSpace::Public,
            },
            None,
        ));
        check(
            &format!("{label} rebind 2"),
            &follow,
            ip("127.0.0.1"),
            rebound,
        );

        // After a redirect to another public name, followed: the caller is about to
        // connect for the request it gives.
        let hop = redirect(302, "http://cdn.attacker.example/next");
        match follow.handle_response(hop.as_bytes()) {
            Ok(Event::Redirect(r)) => {
                r.follow();
            }
            other => panic!("{label}: {other:?}"),
        }
        for (address, space) in less_public {
            let want = blocks.then_some((
                Refusal {
                    host: "cdn.attacker.example",
                    space,
                    chain: AddressSpace::Public,
                },
                Some(302),
            ));
            check(
                &format!("{label} after 302 {address}"),
                &follow,
                ip(address),
                want,
            );
        }
        for address in public {
            check(
                &format!("{label} after 302 {address}"),
                &follow,
                ip(address),
                None,
            );
        }
        // The checks changed nothing: the chain goes on where it was.
        assert_eq!(
            follow.request().url().as_str(),
            "http://cdn.attacker.example/next"
        );
        assert_clean(label, &follow.request(), secrets);
        let ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        assert!(
            matches!(follow.handle_response(ok.as_bytes()), Ok(Event::Final(_))),
            "{label}"
        );

        // A chain the caller declares private (an intranet name).
        let intranet = Request::get("http://wiki.corp.example/")
            .expect("valid URL")
            .address_space(AddressSpace::Private);
        let follow = Follow::new(intranet, policy.clone()).expect("valid first request");
        for address in ["10.0.0.6", "192.168.7.7", "169.254.1.1", "8.8.8.8"] {
            check(
                &format!("{label} intranet {address}"),
                &follow,
                ip(address),
                None,
            );
        }
        let want = blocks.then_some((
            Refusal {
                host: "wiki.corp.example",
                space: AddressSpace::Local,
                chain: AddressSpace::Private,
            },
            None,
        ));
        check(
            &format!("{label} intranet loopback"),
            &follow,
            ip("127.0.0.1"),
            want,
        );
    });
}

/// The cookie header values each request of a chain carries from the chain's jar, hop by
/// hop: `None` where the machine refused the hop (nothing is sent then).
fn jar_chain(
    policy: Policy,
    first: &str,
    seeds: &[(&str, &str)],
    hops: &[String],
) -> Vec<Option<String>> {
    let mut jar = redirects::Jar::new();
    for (url, set_cookie) in seeds {
        let url = redirects::Url::parse(url).unwrap();
        redirects::CookieJar::store(&mut jar, &url, set_cookie.as_bytes());
    }
    let mut follow = Follow::new(Request::get(first).unwrap(), policy)
        .unwrap()
        .with_cookie_jar(jar)
        .unwrap();
    let cookie = |r: &OutgoingRequest<'_>| {
        r.header("cookie")
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let mut sent = vec![cookie(&follow.request())];
    for hop in hops {
        match follow.handle_response(hop.as_bytes()) {
            Ok(Event::Redirect(r)) => sent.push(cookie(&r.follow())),
            _ => break,
        }
    }
    sent
}

/// hurl #5118 (CVE-2026-63481): jar cookies were not stripped on a cross-host redirect.
/// With the chain's jar, each request carries only what the jar gives for its own URL: a
/// cookie of a.test never reaches b.test, a look-alike host, or a host that merely ends in
/// `a.test`; a `Secure` one never goes over `http`; a cookie a 3xx sets is stored against
/// the URL that answered, never its target (Python requests CVE-2015-2296), and a
/// `Domain` naming the target is ignored. Every policy: the jar's rules are not the
/// credential rule, and no trusted origin or upgrade rule widens them.
#[test]
fn hurl_5118_cve_2026_63481_jar_cookies_do_not_follow_a_cross_host_redirect() {
    let seeds = [
        ("https://a.test/", "sid=jar-secret; Secure"),
        ("https://a.test/", "pref=a-only"),
    ];
    for_every_policy(|label, policy| {
        let hops = [
            redirect(302, "https://b.test/"),
            redirect(302, "https://a.test.evil.test/"),
            redirect(302, "https://xa.test/"),
            redirect(302, "https://a.test/back"),
        ];
        let sent = jar_chain(policy.clone(), "https://a.test/", &seeds, &hops);
        assert_eq!(
            sent[0].as_deref(),
            Some("sid=jar-secret; pref=a-only"),
            "{label}"
        );
        for (i, host) in [(1, "b.test"), (2, "look-alike"), (3, "suffix")] {
            assert_eq!(sent[i], None, "{label}: {host}");
        }
        // Back on a.test: the jar's cookies again (they are a.test's).
        assert_eq!(
            sent[4].as_deref(),
            Some("sid=jar-secret; pref=a-only"),
            "{label}"
        );

        // https -> http on the same host: never the Secure cookie (strict refuses the hop).
        let sent = jar_chain(
            policy.clone(),
            "https://a.test/",
            &seeds,
            &[redirect(302, "http://a.test/plain")],
        );
        match sent.get(1) {
            Some(c) => assert_eq!(c.as_deref(), Some("pref=a-only"), "{label}: http"),
            None => assert_eq!(policy.rules().name(), "strict", "{label}"),
        }

        // A 3xx of a.test that sets a cookie for its target: stored against a.test, the
        // Domain naming b.test ignored.
        let set = "HTTP/1.1 302 Found\r\nSet-Cookie: planted=1; Domain=b.test\r\nSet-Cookie: mine=1\r\nLocation: https://b.test/\r\n\r\n";
        let sent = jar_chain(
            policy.clone(),
            "https://a.test/",
            &[],
            &[set.to_string(), redirect(302, "https://a.test/x")],
        );
        assert_eq!(sent, [None, None, Some("mine=1".to_string())], "{label}");
    });
}
