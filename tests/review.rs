//! The findings of the outside review of issue 18, one regression test each, named after
//! the finding, run under every profile where it applies (`fetch`, `strict`, `curl`; where
//! a profile does something else on purpose, the test asserts what that profile does).
//!
//! Findings 4 and 5 are the tower layer's: `redirects-tower/tests/`. Finding 8 (curl's
//! `--post30x` and `;auto`) is the `curl-options.json` vector file.

use core::net::IpAddr;

use redirects::{
    AddressSpace, Body, Error, Event, Follow, InvalidRequest, Method, Policy, RemovalReason,
    Request, Version,
};

fn profiles() -> [(&'static str, Policy); 3] {
    [
        ("fetch", Policy::fetch()),
        ("strict", Policy::strict()),
        ("curl", Policy::curl()),
    ]
}

/// The request the first redirect of `bytes` proposes, as (method, body sent, `Origin`).
fn first_hop(request: Request, policy: Policy, bytes: &[u8]) -> (Method, bool, Option<String>) {
    let mut follow = Follow::new(request, policy).unwrap();
    let Ok(Event::Redirect(hop)) = follow.handle_response(bytes) else {
        panic!("no redirect for {}", String::from_utf8_lossy(bytes));
    };
    let r = hop.request();
    let origin = r
        .header("origin")
        .map(|v| String::from_utf8_lossy(v).into_owned());
    (r.method(), r.sends_body(), origin)
}

/// Finding 1: `Origin: https://app.test` on a request to `https://api.test`, which answers
/// 307 to `https://evil.test/`. The request's origin is the one its `Origin` names, so the
/// hop goes from a URL foreign to it to another origin: redirect-tainted, `Origin: null`
/// (Fetch). The confused-deputy form: api.test sends the POST back to app.test's own
/// admin URL, which must not see app.test's own `Origin`. Under `curl` a caller's `Origin`
/// is a custom header, forwarded as it is (curl has no redirect taint).
#[test]
fn finding_1_caller_set_origin_is_the_request_origin_for_redirect_taint() {
    let to = |location: &str| {
        format!(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
        )
    };
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

/// Finding 2: two `Content-Length` fields with different values, or a list of different
/// values, make the request's length ambiguous (RFC 9110 §8.6, RFC 9112 §6.3 item 5): the
/// first request is refused, and so is a per-hop edit that would make it so, changing
/// nothing. The same length repeated, or a replacement, stays possible.
#[test]
fn finding_2_differing_content_length_values_are_an_invalid_request() {
    let cl = InvalidRequest::ContentLength;
    for (name, policy) in profiles() {
        let first = |values: &[&str]| {
            let mut r = Request::new(Method::Put, "http://a.test/x")
                .unwrap()
                .body(Body::Replayable);
            for v in values {
                r = r.header("Content-Length", v).unwrap();
            }
            Follow::new(r, policy.clone()).map(|_| ())
        };
        for values in [&["5", "6"][..], &["5, 6"], &["5", "5, 6"], &["x"], &["-5"]] {
            assert_eq!(
                first(values),
                Err(Error::InvalidRequest(cl)),
                "{name} {values:?}"
            );
        }
        for values in [&["5"][..], &["5", "5"], &["5, 5"]] {
            assert_eq!(first(values), Ok(()), "{name} {values:?}");
        }

        let r = Request::new(Method::Put, "http://a.test/x")
            .unwrap()
            .header("Content-Length", "5")
            .unwrap()
            .body(Body::Replayable);
        let mut follow = Follow::new(r, policy.clone()).unwrap();
        let bytes = b"HTTP/1.1 307 T\r\nLocation: /y\r\nContent-Length: 0\r\n\r\n";
        let Ok(Event::Redirect(mut hop)) = follow.handle_response(bytes) else {
            panic!("{name}: no redirect");
        };
        assert_eq!(hop.append_header("Content-Length", "6"), Err(cl), "{name}");
        assert_eq!(
            hop.append_header("content-length", "5, 6"),
            Err(cl),
            "{name}"
        );
        assert_eq!(hop.set_header("Content-Length", "6, 7"), Err(cl), "{name}");
        // Refused edits changed nothing.
        let lengths: Vec<&[u8]> = hop
            .request()
            .headers()
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(lengths, [&b"5"[..]], "{name}");
        assert_eq!(hop.append_header("Content-Length", "05"), Ok(()), "{name}");
        assert_eq!(hop.set_header("Content-Length", "6"), Ok(()), "{name}");
        assert_eq!(hop.request().header("content-length"), Some(&b"6"[..]));
    }
}

/// Finding 3: a peer that answers with `103` heads without end. On the wire they count
/// against the head size limit and end in `HeadTooLarge`; through `handle_head` they must
/// too, after as many heads as on the wire (the wire also needs room for the final head's
/// status line, so it may stop one head sooner), never waiting for ever.
#[test]
fn finding_3_interim_heads_through_handle_head_count_against_the_head_size_limit() {
    let link = ("Link", "</style.css>; rel=preload; as=style");
    let wire_head = format!("HTTP/1.1 103\r\n{}: {}\r\n\r\n", link.0, link.1);
    for (name, policy) in profiles() {
        for limit in [256, 1024, policy.max_head_size()] {
            let policy = policy.clone().with_max_head_size(limit).unwrap();
            let start = || Follow::new(Request::get("http://a.test/").unwrap(), policy.clone());
            let mut parsed = start().unwrap();
            let mut heads = 0usize;
            let err = loop {
                heads += 1;
                assert!(
                    heads <= limit,
                    "{name} {limit}: still waiting after {heads} heads"
                );
                match parsed.handle_head(Version::Http11, 103, [link]) {
                    Ok(Event::NeedData) => {}
                    Ok(_) => panic!("{name}: an interim head ended the response"),
                    Err(e) => break e,
                }
            };
            assert_eq!(err, Error::HeadTooLarge { limit }, "{name} {limit}");
            assert!(parsed.is_finished(), "{name} {limit}");
            // The same heads on the wire: within the limit before, too large with them.
            let wire = |n: usize| {
                let mut f = start().unwrap();
                f.handle_response(wire_head.repeat(n).as_bytes())
                    .map(|_| ())
            };
            assert_eq!(
                wire(heads - 2),
                Ok(()),
                "{name} {limit}: wire, {} heads",
                heads - 2
            );
            assert_eq!(
                wire(heads),
                Err(Error::HeadTooLarge { limit }),
                "{name} {limit}: wire, {heads} heads"
            );
            // A response with fewer interim heads still ends normally.
            let mut f = start().unwrap();
            for _ in 0..heads - 2 {
                assert!(matches!(
                    f.handle_head(Version::Http11, 103, [link]),
                    Ok(Event::NeedData)
                ));
            }
            let none: [(&str, &str); 0] = [];
            assert!(
                matches!(
                    f.handle_head(Version::Http11, 200, none),
                    Ok(Event::Final(_))
                ),
                "{name} {limit}"
            );
        }
    }
}

/// Finding 6: A -> B removes `Authorization`; the caller then sets one for B on the
/// handle. The request carries it, so `removed_headers()` must not list it: the list is
/// every header the next request does not carry, after every edit.
#[test]
fn finding_6_removed_headers_omits_a_header_the_caller_set_again() {
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

/// Finding 7: `64:ff9b::a00:5` is NAT64's well-known prefix around 10.0.0.5: on an
/// IPv6-only network with DNS64/NAT64 it reaches that private host. Every IPv6 form that
/// carries an IPv4 address a translator or tunnel delivers to is as private as that
/// address, for `check_address` under every profile with private targets blocked.
#[test]
fn finding_7_check_address_unwraps_nat64_6to4_and_teredo() {
    let cases: &[(&str, AddressSpace)] = &[
        ("64:ff9b::a00:5", AddressSpace::Private),
        ("64:ff9b::7f00:1", AddressSpace::Local),
        ("64:ff9b:1::a9fe:a9fe", AddressSpace::Local), // /48 place: 0.0.x.x
        ("64:ff9b:1:808:808:808:a9fe:a9fe", AddressSpace::Private),
        ("2002:a9fe:a9fe::1", AddressSpace::Private),
        ("2001:0:808:808::f5ff:fffa", AddressSpace::Private), // client 10.0.0.5
    ];
    for (name, policy) in profiles() {
        let policy = policy.with_block_private_targets(true);
        let follow = Follow::new(
            Request::get("http://public.example/").unwrap(),
            policy.clone(),
        )
        .unwrap();
        for &(ip, space) in cases {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(AddressSpace::of_ip(ip), space, "{ip}");
            let Err(Error::PrivateTarget(p)) = follow.check_address(ip) else {
                panic!("{name}: {ip} passed");
            };
            assert_eq!((p.address, p.space), (Some(ip), space), "{name} {ip}");
        }
        // The same prefixes around public addresses pass.
        for ip in ["64:ff9b::808:808", "2002:808:808::1", "2001:db8::1"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(follow.check_address(ip).is_ok(), "{name} {ip}");
        }
    }
}
