//! Property tests on the stable toolchain: the fuzz targets' invariants, checked by the
//! same code (`fuzz/src/checks.rs`, `fuzz/src/scenario.rs`, included below) on a bounded
//! number of generated cases per run, plus the committed fuzz seeds replayed. The
//! regressions the campaigns found are filed with their rules (`tests/README.md`).
//!
//! `PROPTEST_CASES=N` changes the number of cases per property (default 1024).

// `fuzz/src/scenario.rs` derives `arbitrary::Arbitrary` under the fuzz crate's feature.
#![allow(unexpected_cfgs)]

#[allow(dead_code)]
#[path = "../fuzz/src/checks.rs"]
mod checks;
#[allow(dead_code)]
#[path = "../fuzz/src/scenario.rs"]
mod scenario;

use std::path::PathBuf;

use proptest::collection::vec;
use proptest::prelude::*;
use redirects::{Body, Method, Rules};

use checks::{BASES, Case, Decision, Outcome};
use scenario::{Extras, FieldPiece, Resp, Scenario};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    ProptestConfig {
        cases,
        // Failures are reported with the shrunk input; regressions are written as tests
        // here by hand, not persisted in files.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

// ----- strategies: the machine grammar, weighted towards long chains ----------------------

fn location_piece() -> impl Strategy<Value = FieldPiece> {
    // kind 0: `Location: <form picked by arg>` (see `scenario::location`); kind 168: a
    // Location to a host an HSTS list may name, with a port (bad ones among them; see
    // `scenario::target_location`).
    let kind = prop_oneof![4 => Just(0u8), 1 => Just(168u8)];
    (kind, any::<u8>(), vec(any::<u8>(), 0..8)).prop_map(|(kind, arg, raw)| FieldPiece {
        kind,
        arg,
        raw,
    })
}

/// The scenario extras (referrer, `Referrer-Policy`, HSTS, flags, extra headers): none at
/// all in a third of the chains, anything in the rest.
fn extras() -> impl Strategy<Value = Extras> {
    prop_oneof![
        1 => Just(Extras::default()),
        2 => (any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()).prop_map(
            |(referrer, referrer_policy, hsts, flags, headers)| Extras {
                referrer,
                referrer_policy,
                hsts,
                flags,
                headers,
            }
        ),
    ]
}

fn other_piece() -> impl Strategy<Value = FieldPiece> {
    // Mostly framing and ordinary fields, `Referrer-Policy` (160) and
    // `Strict-Transport-Security` (164); sometimes anything (duplicates, obs-fold,
    // garbage).
    let kind = prop_oneof![
        6 => proptest::sample::select(vec![5u8, 7, 8, 9, 10, 11, 12, 19]),
        2 => proptest::sample::select(vec![160u8, 164]),
        1 => any::<u8>(),
    ];
    (kind, any::<u8>(), vec(any::<u8>(), 0..8)).prop_map(|(kind, arg, raw)| FieldPiece {
        kind,
        arg,
        raw,
    })
}

fn resp() -> impl Strategy<Value = Resp> {
    let fields = (
        proptest::option::weighted(0.9, location_piece()),
        vec(other_piece(), 0..4),
    )
        .prop_map(|(loc, mut rest)| {
            if let Some(l) = loc {
                rest.insert(0, l);
            }
            rest
        });
    (
        prop_oneof![8 => Just(0u8), 1 => 1u8..4],
        prop_oneof![4 => 0u8..160, 1 => any::<u8>()],
        // Bits 0x28 together make the head garbage or cut short: rarely.
        prop_oneof![9 => any::<u8>().prop_map(|s| s & !0x20), 1 => any::<u8>()],
        fields,
        vec(any::<u8>(), 0..12),
        any::<u8>(),
    )
        .prop_map(|(interim, status, style, fields, raw, action)| Resp {
            interim,
            status,
            style,
            fields,
            raw,
            action,
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    prop_oneof![any_scenario(), long_chain()]
}

/// Anything the grammar makes.
fn any_scenario() -> impl Strategy<Value = Scenario> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        vec(any::<u8>(), 0..6),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        vec(resp(), 0..24),
        extras(),
    )
        .prop_map(
            |(method, origin, path, headers, body, policy, options, responses, extras)| Scenario {
                method,
                origin,
                path,
                headers,
                body,
                policy,
                options,
                responses,
                extras,
            },
        )
}

/// Chains that go on: redirect statuses with a usable Location, well-formed heads, a
/// replayable body or none, the profile's own limit (20 or 10), so the limit is reached.
fn long_chain() -> impl Strategy<Value = Scenario> {
    // Location forms (see `scenario::location`): relative, absolute, scheme-relative,
    // query, fragment, back to the first origin, padded with whitespace.
    let forms = proptest::sample::select(vec![0u8, 1, 2, 6, 7, 9, 11]);
    let arg = (0u8..19, forms).prop_map(|(k, form)| k * 13 + form);
    // Or a Location to a host of the HSTS lists, without a port or with a port that is
    // not bad (`scenario::TARGET_PORTS` 0, 5, 6, 7, 11, 15), so the chain goes on.
    let target = (
        0u8..16,
        proptest::sample::select(vec![0u8, 5, 6, 7, 11, 15]),
    )
        .prop_map(|(host, port)| (168u8, port << 4 | host));
    let location = prop_oneof![5 => arg.prop_map(|a| (0u8, a)), 1 => target];
    let benign = proptest::sample::select(vec![5u8, 7, 9, 10, 11, 12, 19, 160, 164]);
    let fields = (location, vec((benign, any::<u8>()), 0..3)).prop_map(|((kind, arg), rest)| {
        let mut f = vec![FieldPiece {
            kind,
            arg,
            raw: Vec::new(),
        }];
        f.extend(rest.into_iter().map(|(kind, arg)| FieldPiece {
            kind,
            arg,
            raw: Vec::new(),
        }));
        f
    });
    // Mostly follow; a caller action (edits, stop, refuse, a late byte; see
    // `scenario::Resp::action`) on one redirect in six, so chains still reach the limit.
    let action = prop_oneof![5 => 0u8..200, 1 => 200u8..=255];
    let resp =
        (0u8..160, any::<u8>(), fields, action).prop_map(|(status, style, fields, action)| Resp {
            interim: 0,
            status,
            style: style & !0x28,
            fields,
            raw: Vec::new(),
            action,
        });
    (
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        vec(any::<u8>(), 0..6),
        0u8..2,
        any::<u8>(),
        any::<u8>(),
        vec(resp, 8..24),
        extras(),
    )
        .prop_map(
            |(method, origin, path, headers, body, policy, options, responses, extras)| {
                Scenario {
                    method,
                    origin,
                    path,
                    headers,
                    body,
                    // The profile's own limit (bits 2-4 at 3 or more).
                    policy: policy | 0x0c,
                    options,
                    responses,
                    extras,
                }
            },
        )
}

/// Response bytes: a grammar-built response, a committed seed with a few bytes spliced in,
/// or raw bytes. The last two bytes also pick the split point (see `checks::head_params`).
fn head_bytes() -> impl Strategy<Value = Vec<u8>> {
    let parse_head_seeds: Vec<Vec<u8>> = seeds("parse_head").into_iter().map(|(_, b)| b).collect();
    let n = parse_head_seeds.len().max(1);
    prop_oneof![
        (resp(), any::<u16>()).prop_map(|(r, split)| {
            let mut b = r.render("http://a.test/start");
            b.extend_from_slice(&split.to_le_bytes());
            b
        }),
        (0..n, any::<usize>(), vec(any::<u8>(), 0..4), any::<u16>()).prop_map(
            move |(i, at, splice, split)| {
                let mut b = parse_head_seeds.get(i).cloned().unwrap_or_default();
                let at = at % (b.len() + 1);
                b.splice(at..at, splice);
                b.extend_from_slice(&split.to_le_bytes());
                b
            }
        ),
        vec(any::<u8>(), 0..64),
    ]
}

fn location_bytes() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&'static [u8]> = vec![
        b"/",
        b"..",
        b"./",
        b"//",
        b"?",
        b"#",
        b"%",
        b"%2e",
        b"@",
        b":",
        b":80",
        b":8080",
        b"http:",
        b"https:",
        b"ftp:",
        b"javascript:",
        b"a.test",
        b"b.test",
        b"[::1]",
        b"\\",
        b"\t",
        b" ",
        b"\xc3\xa9",
        b"\xff",
        b"\x80",
        b"xn--",
        b"x",
        b"\r\n",
        b"\r\n ",
        b"\0",
    ];
    prop_oneof![
        vec(proptest::sample::select(pieces.clone()), 0..10).prop_map(|p| p.concat()),
        // Path-absolute values, the ones `resolve_location` resolves through the setters.
        vec(proptest::sample::select(pieces), 0..10)
            .prop_map(|p| [&[b'/'][..], &p.concat()].concat()),
        vec(any::<u8>(), 0..24),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// parse_head: no panic, head_len within the input, same outcome whole, split and
    /// byte by byte.
    #[test]
    fn head_outcome_is_split_independent(data in head_bytes()) {
        let _ = checks::check_head(&data);
    }

    /// location: followed URLs are http(s), re-parse to themselves, keep the fragment, and
    /// agree with `resolve_location`.
    #[test]
    fn location_follows_only_reparsable_http_urls(base in 0..BASES.len(), raw in location_bytes()) {
        let mut data = vec![base as u8];
        data.extend_from_slice(&raw);
        checks::check_location(&data);
    }

    /// machine: limit, credentials, method and body rules on every hop; same outcomes fed
    /// byte by byte.
    #[test]
    fn machine_invariants_hold_on_every_hop(s in scenario()) {
        let _ = checks::check_machine(&s.render());
    }
}

// ----- the committed seeds, replayed ------------------------------------------------------

#[test]
fn parse_head_seeds_hold() {
    let all = seeds("parse_head");
    assert!(!all.is_empty());
    for (name, bytes) in all {
        let r = std::panic::catch_unwind(|| checks::check_head(&bytes));
        assert!(r.is_ok(), "seed fuzz/seeds/parse_head/{name}");
    }
}

#[test]
fn location_seeds_hold() {
    let all = seeds("location");
    assert!(!all.is_empty());
    for (name, bytes) in all {
        let r = std::panic::catch_unwind(|| checks::check_location(&bytes));
        assert!(r.is_ok(), "seed fuzz/seeds/location/{name}");
    }
}

// ----- every caller action, on a fixed chain ---------------------------------------------

/// Every form of caller action the `machine` grammar has (`scenario::Resp::action`, bytes
/// 200 to 255), under every profile, on each redirect of one chain that crosses origins
/// and rewrites the method: POST with credentials, body headers and a replayable body;
/// 302 to another origin, 307 back, 303, then 200. The model checks the edits, follow,
/// stop, refuse, `pending_redirect` after an empty feed, and a byte of the next response
/// fed before the redirect is followed (`RedirectNotFollowed`, nothing changed).
#[test]
fn every_caller_action_on_a_fixed_chain() {
    let responses: [&[u8]; 4] = [
        b"HTTP/1.1 302 Found\r\nLocation: http://b.test/two\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://a.test/three\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 303 See Other\r\nLocation: /four\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    ];
    let headers: [(&str, &[u8]); 6] = [
        ("Authorization", b"Bearer s3cret"),
        ("Cookie", b"sid=1"),
        ("Accept", b"*/*"),
        ("Content-Type", b"text/plain"),
        ("Content-Length", b"5"),
        ("X-Hop", b"0"),
    ];
    let mut decisions = Vec::new();
    for rules in Rules::ALL {
        for method in [Method::Post, Method::Put] {
            for byte in 200..=255u8 {
                for at in 0..3 {
                    let mut c = Case::fetch(
                        method,
                        "http://a.test/one",
                        &headers,
                        Body::Replayable,
                        &responses,
                    );
                    c.rules = rules;
                    let resp = Resp {
                        action: byte,
                        ..Resp::default()
                    };
                    let action = resp.action();
                    decisions.push(action.decision);
                    c.actions = vec![Default::default(); 3];
                    c.actions[at] = action;
                    let out = checks::check_machine(&c);
                    assert!(
                        !out.is_empty(),
                        "{} {method} action {byte} on redirect {at}",
                        rules.name()
                    );
                }
            }
        }
    }
    for d in [
        Decision::Follow,
        Decision::Stop,
        Decision::Refuse,
        Decision::LateByte,
    ] {
        assert!(decisions.contains(&d), "{d:?} never taken");
    }
}

// ----- regressions found by the campaigns -------------------------------------------------

/// Found by `machine` (seed `fuzz/seeds/machine/regression-streamed-body-303-get.bin`):
/// a GET (or HEAD) whose body was streamed (`Body::Streamed`, not replayable) is answered
/// by a 303; the machine follows it with `sends_body() == true`, asking for a body the
/// caller said it cannot send again. For any other status it is `BodyNotReplayable`.
/// (Fixed by "303 always drops the body".)
#[test]
fn streamed_body_is_not_resent_after_303_to_get() {
    for method in [Method::Get, Method::Head] {
        let c = Case::fetch(
            method,
            "http://a.test/",
            &[],
            Body::Streamed,
            &[
                b"HTTP/1.1 303 See Other\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
            ],
        );
        let out = checks::check_machine(&c);
        if let Some(Outcome::Redirect { next, .. }) = out.first() {
            assert!(
                !next.send_body,
                "{method}: streamed body asked for again after a 303"
            );
        }
    }
}

/// An empty `Location` field is ignored wherever it stands: before or after a non-empty
/// one, the redirect is followed, never `ConflictingLocation` (seed
/// `fuzz/seeds/location/regression-empty-location-field-order.bin`).
#[test]
fn empty_location_field_is_order_independent() {
    let base = redirects::Url::parse("http://a.test/start").unwrap();
    let before = checks::decision(&checks::redirect_with(&base, &[b"", b"/next"]));
    let after = checks::decision(&checks::redirect_with(&base, &[b"/next", b""]));
    assert_eq!(
        before, after,
        "`Location:` (empty) then `Location: /next`, vs the other order"
    );
}

// ----- Every hop rule is reached -----

/// The machine grammar reaches every rule beyond method, body and credentials: each kind of referrer decision
/// (sent, why, a policy a `Referrer-Policy` header set), an HSTS upgrade from the policy's
/// list and from a learned host, each new removal reason, `Origin: null`, `blocked_port`,
/// and a redirect to a bad port while blocking is off. (2,000 scenarios from a fixed seed,
/// each checked by the oracle.)
#[test]
fn the_grammar_reaches_every_hop_rule() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
    use redirects::{HstsSource, ReferrerSent, ReferrerWhy, RemovalReason};

    let mut runner = TestRunner::new_with_rng(
        ProptestConfig::default(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let mut seen: Vec<String> = Vec::new();
    let mut note = |what: String| {
        if !seen.contains(&what) {
            seen.push(what);
        }
    };
    for _ in 0..2000 {
        let s = scenario().new_tree(&mut runner).unwrap().current();
        let case = s.render();
        let configured = case.referrer_policy.unwrap_or_default();
        for out in checks::check_machine(&case) {
            match out {
                Outcome::Redirect {
                    referrer,
                    hsts,
                    removed,
                    next,
                    ..
                } => {
                    if let Some(d) = referrer {
                        note(format!("sent {:?}", d.sent));
                        note(format!("why {:?}", d.why));
                        if d.policy != configured && !case.rules.name().contains("curl") {
                            note("policy from Referrer-Policy".into());
                        }
                    }
                    if let Some(h) = hsts {
                        note(format!("hsts {:?}", h.source));
                    }
                    for (_, reason, _, _) in removed {
                        note(format!("removed {reason:?}"));
                    }
                    if next
                        .headers
                        .iter()
                        .any(|(n, v)| n == "Origin" && v == b"null")
                    {
                        note("Origin: null".into());
                    }
                    let url = redirects::Url::parse(&next.url).unwrap();
                    if checks::bad_port(&url).is_some() {
                        note("followed to a bad port".into());
                    }
                }
                Outcome::Error(redirects::Error::BlockedPort { .. }) => note("blocked_port".into()),
                _ => {}
            }
        }
    }
    let mut want: Vec<String> = Vec::new();
    for s in [ReferrerSent::Url, ReferrerSent::Origin, ReferrerSent::None] {
        want.push(format!("sent {s:?}"));
    }
    for w in [
        ReferrerWhy::Policy,
        ReferrerWhy::SameOrigin,
        ReferrerWhy::CrossOrigin,
        ReferrerWhy::Downgrade,
        ReferrerWhy::TooLong,
        ReferrerWhy::Earlier,
        ReferrerWhy::CurlAuto,
    ] {
        want.push(format!("why {w:?}"));
    }
    for h in [HstsSource::Policy, HstsSource::Learned] {
        want.push(format!("hsts {h:?}"));
    }
    for r in [
        RemovalReason::Recomputed,
        RemovalReason::RedirectTainted,
        RemovalReason::OtherAuthority,
    ] {
        want.push(format!("removed {r:?}"));
    }
    for w in [
        "policy from Referrer-Policy",
        "Origin: null",
        "blocked_port",
        "followed to a bad port",
    ] {
        want.push(w.into());
    }
    let missing: Vec<&String> = want.iter().filter(|w| !seen.contains(w)).collect();
    assert!(missing.is_empty(), "never reached: {missing:?}");
}
