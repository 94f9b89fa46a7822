//! Scenario tests of the private-target API through the public surface: the
//! address spaces themselves, what a followed hop reports ([`Redirect::address_spaces`]),
//! a chain whose space the caller declares ([`Request::address_space`]), the error a
//! refusal gives ([`Error::PrivateTarget`]: status, fault, code, text), and
//! [`Follow::check_address`] where the rule lets an address through. The rule's cases are
//! in `tests/vectors/private.json`, the advisories it answers in `tests/security.rs`.

use std::net::IpAddr;

#[path = "support/chain.rs"]
mod chain;

use chain::{OK, expect_error, expect_redirect, profiles, redirect, start};
use redirects::{
    AddressSpace, Error, Event, Fault, Follow, Policy, PrivateTarget, Redirect, Request, Url,
};

use AddressSpace::{Local, Private, Public};

fn ip(s: &str) -> IpAddr {
    s.parse().expect("valid address")
}

/// Feeds a redirect that must be followed, hands its handle to `check`, then follows it.
#[track_caller]
fn follow_hop(follow: &mut Follow, status: u16, location: &str, check: impl FnOnce(&Redirect<'_>)) {
    let response = redirect(status, location);
    let hop = expect_redirect(follow, response.as_bytes());
    check(&hop);
    hop.follow();
}

/// Feeds a redirect that must be refused as a private target, and returns the error.
#[track_caller]
fn refuse_hop(follow: &mut Follow, status: u16, location: &str) -> Error {
    let e = expect_error(follow, redirect(status, location).as_bytes());
    assert!(
        matches!(e, Error::PrivateTarget(_)),
        "{location}: expected private_target, got {e:?}"
    );
    e
}

#[test]
fn profiles_default_and_the_setter() {
    assert!(!Policy::fetch().block_private_targets());
    assert!(!Policy::curl().block_private_targets());
    assert!(Policy::strict().block_private_targets());
    for policy in [Policy::fetch(), Policy::strict(), Policy::curl()] {
        assert!(
            policy
                .clone()
                .with_block_private_targets(true)
                .block_private_targets()
        );
        assert!(
            !policy
                .with_block_private_targets(false)
                .block_private_targets()
        );
    }
}

#[test]
fn spaces_are_ordered_from_the_least_public_and_named() {
    assert!(Local < Private && Private < Public);
    let mut spaces = vec![Public, Local, Private];
    spaces.sort();
    assert_eq!(spaces, [Local, Private, Public]);
    let names: Vec<String> = spaces.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["local", "private", "public"]);
    for space in spaces {
        assert_eq!(space.name(), space.to_string());
    }
}

/// The space of a URL's host is the space of what the URL parser left: the number forms
/// are already addresses, IPv6 literals carry their mapped IPv4 address, names are public
/// unless they are localhost names.
#[test]
fn of_host_classifies_the_parsed_host() {
    let cases = [
        ("http://0x7f.1/", Local),
        ("http://2130706433/", Local),
        ("http://0177.0.0.1/", Local),
        ("http://127.1/", Local),
        ("http://%31%32%37.0.0.1/", Local),
        ("http://[::1]/", Local),
        ("http://[::ffff:127.0.0.1]/", Local),
        ("http://0.0.0.0/", Local),
        ("http://[::]/", Local),
        ("http://localhost/", Local),
        ("http://LOCALHOST./", Local),
        ("http://api.localhost/", Local),
        ("http://a.b.localhost./", Local),
        ("http://0xa9fea9fe/", Private),
        ("http://[::ffff:a9fe:a9fe]/", Private),
        ("http://10.1.2.3/", Private),
        ("http://[fd12::1]/", Private),
        ("http://[fe80::1]/", Private),
        ("http://localhost.example.com/", Public),
        ("http://notlocalhost/", Public),
        ("http://127.0.0.1.nip.io/", Public),
        ("http://metadata.google.internal/", Public),
        ("http://8.8.8.8/", Public),
        ("http://[2606:4700:4700::1111]/", Public),
    ];
    for (url, want) in cases {
        let url = Url::parse(url).expect("valid URL");
        let host = url.host().expect("a host");
        assert_eq!(AddressSpace::of_host(&host), want, "{url}");
    }
}

/// With the rule on, every followed hop says which space it goes to and which the chain
/// started in; with it off, nothing.
#[test]
fn a_followed_hop_reports_both_spaces_only_when_the_rule_is_on() {
    let mut f = start("http://a.test/", Policy::fetch());
    follow_hop(&mut f, 302, "http://127.0.0.1/", |r| {
        assert_eq!(r.address_spaces(), None)
    });

    let mut f = start("http://a.test/", Policy::strict());
    follow_hop(&mut f, 302, "http://b.test/", |r| {
        assert_eq!(r.address_spaces(), Some((Public, Public)))
    });
    follow_hop(&mut f, 307, "http://8.8.8.8/x", |r| {
        assert_eq!(r.address_spaces(), Some((Public, Public)))
    });

    // A local chain may go anywhere, and says so.
    let on = Policy::fetch().with_block_private_targets(true);
    let mut f = start("http://127.0.0.1:8080/", on.clone());
    follow_hop(&mut f, 302, "http://10.0.0.1/", |r| {
        assert_eq!(r.address_spaces(), Some((Private, Local)))
    });
    follow_hop(&mut f, 302, "http://[::1]/", |r| {
        assert_eq!(r.address_spaces(), Some((Local, Local)))
    });
    follow_hop(&mut f, 302, "http://a.test/", |r| {
        assert_eq!(r.address_spaces(), Some((Public, Local)))
    });

    // The chain's space is the first URL's, hop after hop; a relative Location stays.
    let mut f = start("http://10.0.0.5/a", on);
    follow_hop(&mut f, 302, "/b", |r| {
        assert_eq!(r.request().url().as_str(), "http://10.0.0.5/b");
        assert_eq!(r.address_spaces(), Some((Private, Private)));
    });
    follow_hop(&mut f, 302, "http://8.8.8.8/", |r| {
        assert_eq!(r.address_spaces(), Some((Public, Private)))
    });
    follow_hop(&mut f, 302, "http://10.0.0.7/", |r| {
        assert_eq!(r.address_spaces(), Some((Private, Private)))
    });
    let err = refuse_hop(&mut f, 302, "http://127.0.0.1/");
    let Error::PrivateTarget(p) = err else {
        unreachable!()
    };
    assert_eq!((p.space, p.chain), (Local, Private));
}

/// An intranet client names its chain's space: private targets are then fine, the host
/// itself is not.
#[test]
fn a_declared_private_chain_reaches_private_addresses_not_local_ones() {
    let intranet = || {
        Request::get("http://wiki.corp.example/")
            .expect("valid URL")
            .address_space(Private)
    };
    let mut f = Follow::new(intranet(), Policy::strict()).expect("valid first request");
    follow_hop(&mut f, 302, "http://10.0.0.6/", |r| {
        assert_eq!(r.address_spaces(), Some((Private, Private)))
    });
    follow_hop(&mut f, 302, "http://[fd00::6]/", |r| {
        assert_eq!(r.address_spaces(), Some((Private, Private)))
    });
    let err = refuse_hop(&mut f, 302, "http://localhost:9000/");
    assert_eq!(
        err,
        Error::PrivateTarget(Box::new(PrivateTarget {
            host: "localhost".into(),
            address: None,
            space: Local,
            chain: Private,
            status: Some(302),
        }))
    );
    assert_eq!(f.url().as_str(), "http://[fd00::6]/");

    // Without the declaration the name is public, and 10.0.0.6 is refused.
    let mut f = start("http://wiki.corp.example/", Policy::strict());
    let err = refuse_hop(&mut f, 302, "http://10.0.0.6/");
    assert!(matches!(&err, Error::PrivateTarget(p) if p.chain == Public && p.space == Private));

    // Declared local: nothing is less public.
    let tool = Request::get("http://dev.example/")
        .expect("valid URL")
        .address_space(Local);
    let mut f = Follow::new(tool, Policy::strict()).expect("valid first request");
    follow_hop(&mut f, 302, "http://127.0.0.1:3000/", |r| {
        assert_eq!(r.address_spaces(), Some((Local, Local)))
    });
    assert!(f.check_address(ip("::1")).is_ok());

    // A declaration changes nothing with the rule off.
    let mut f = Follow::new(intranet(), Policy::fetch()).expect("valid first request");
    follow_hop(&mut f, 302, "http://127.0.0.1/", |r| {
        assert_eq!(r.address_spaces(), None)
    });
    assert!(f.check_address(ip("127.0.0.1")).is_ok());
}

/// The error of a refusal: its status (the redirect's, or none before any redirect), whose
/// fault it is, its code, and a text that names the host (and address) and both spaces.
#[test]
fn a_private_target_error_gives_status_fault_code_and_text() {
    let mut f = start("http://a.test/", Policy::strict());
    // The buffer is kept: the refused 3xx is read again from it below.
    let buf = redirect(302, "http://127.0.0.1:8080/admin");
    let err = expect_error(&mut f, buf.as_bytes());
    assert_eq!(
        err,
        Error::PrivateTarget(Box::new(PrivateTarget {
            host: "127.0.0.1".into(),
            address: None,
            space: Local,
            chain: Public,
            status: Some(302),
        }))
    );
    assert_eq!(err.status(), Some(302));
    assert_eq!(err.fault(), Fault::Peer);
    assert_eq!(err.code(), "private_target");
    assert_eq!(
        err.to_string(),
        "302 redirect to 127.0.0.1 goes into a local address, less public than the public \
         space the chain started in"
    );
    let source: &dyn std::error::Error = &err;
    assert!(source.to_string().contains("127.0.0.1"));
    assert_eq!(err.clone(), err);
    // The refused 3xx is still there to hand to the user, read from the very buffer that
    // completed it; a copy of it is not read.
    let last = f.last_response(buf.as_bytes()).expect("the 302");
    assert_eq!(last.status(), 302);
    assert_eq!(
        last.header("location"),
        Some(&b"http://127.0.0.1:8080/admin"[..])
    );
    assert!(f.last_response(buf.clone().as_bytes()).is_none());

    // An IPv6 host keeps its brackets.
    let mut f = start("http://a.test/", Policy::strict());
    let err = refuse_hop(&mut f, 308, "http://[fe80::1]/");
    assert_eq!(
        err.to_string(),
        "308 redirect to [fe80::1] goes into a private address, less public than the public \
         space the chain started in"
    );

    // From check_address before any redirect: no status, the address named.
    let f = start("http://a.test/", Policy::strict());
    let err = f.check_address(ip("10.0.0.1")).unwrap_err();
    assert_eq!(
        err,
        Error::PrivateTarget(Box::new(PrivateTarget {
            host: "a.test".into(),
            address: Some(ip("10.0.0.1")),
            space: Private,
            chain: Public,
            status: None,
        }))
    );
    assert_eq!(err.status(), None);
    assert_eq!(err.fault(), Fault::Peer);
    assert_eq!(
        err.to_string(),
        "request to a.test (resolved to 10.0.0.1) goes into a private address, less public \
         than the public space the chain started in"
    );

    // From check_address after a 307: the redirect's status, the new host.
    let mut f = start("http://a.test/", Policy::strict());
    follow_hop(&mut f, 307, "http://b.test/x", |_| {});
    let err = f.check_address(ip("::ffff:169.254.169.254")).unwrap_err();
    assert_eq!(err.status(), Some(307));
    assert_eq!(
        err.to_string(),
        "307 redirect to b.test (resolved to ::ffff:169.254.169.254) goes into a private \
         address, less public than the public space the chain started in"
    );
}

/// `check_address` lets through what is not less public than the chain's space, and
/// everything when the rule is off.
#[test]
fn check_address_allows_what_is_not_less_public() {
    let all = [
        "127.0.0.1",
        "::1",
        "10.0.0.1",
        "169.254.169.254",
        "fd00::1",
        "8.8.8.8",
        "2606:4700:4700::1111",
    ];
    for policy in [
        Policy::fetch(),
        Policy::curl(),
        Policy::strict().with_block_private_targets(false),
    ] {
        let f = start("http://a.test/", policy);
        for address in all {
            assert!(f.check_address(ip(address)).is_ok(), "{address}");
        }
    }
    // A local chain (the first URL is loopback): everything.
    let f = start("http://127.0.0.1:8080/", Policy::strict());
    for address in all {
        assert!(f.check_address(ip(address)).is_ok(), "{address}");
    }
    // A private chain: private and public, not local.
    let f = start("http://10.0.0.5/", Policy::strict());
    for (address, ok) in [
        ("10.0.0.6", true),
        ("192.168.0.1", true),
        ("fe80::1", true),
        ("8.8.8.8", true),
        ("127.0.0.1", false),
        ("::1", false),
        ("::ffff:127.0.0.2", false),
    ] {
        assert_eq!(f.check_address(ip(address)).is_ok(), ok, "{address}");
    }
}

/// The rule only refuses: a hop it lets through is proposed exactly as without it.
#[test]
fn an_allowed_hop_is_the_same_with_the_rule_on_and_off() {
    let chains: [(&str, &[&str]); 4] = [
        (
            "http://a.test/",
            &["http://b.test/x", "/y", "http://8.8.8.8/z"],
        ),
        (
            "http://10.0.0.5/",
            &["http://10.0.0.6/", "http://a.test/", "http://192.168.1.1/"],
        ),
        (
            "http://127.0.0.1/",
            &["http://10.0.0.1/", "http://localhost/", "http://a.test/"],
        ),
        (
            "https://a.test/",
            &["https://b.test/", "https://[2606:4700:4700::1111]/"],
        ),
    ];
    for (first, hops) in chains {
        for base in [Policy::fetch(), Policy::curl(), Policy::strict()] {
            let mut on = start(first, base.clone().with_block_private_targets(true));
            let mut off = start(first, base.with_block_private_targets(false));
            for hop in hops {
                let response = redirect(302, hop);
                let head_on = match on.handle_response(response.as_bytes()) {
                    Ok(Event::Redirect(r)) => r.follow().to_head(),
                    other => panic!("{first} -> {hop} (on): {other:?}"),
                };
                let head_off = match off.handle_response(response.as_bytes()) {
                    Ok(Event::Redirect(r)) => r.follow().to_head(),
                    other => panic!("{first} -> {hop} (off): {other:?}"),
                };
                assert_eq!(head_on, head_off, "{first} -> {hop}");
            }
            for f in [&mut on, &mut off] {
                assert!(matches!(
                    f.handle_response(OK.as_bytes()),
                    Ok(Event::Final(_))
                ));
            }
        }
    }
}

/// `64:ff9b::a00:5` is NAT64's well-known prefix around 10.0.0.5: on an
/// IPv6-only network with DNS64/NAT64 it reaches that private host. Every IPv6 form that
/// carries an IPv4 address a translator or tunnel delivers to is as private as that
/// address, for `check_address` under every profile with private targets blocked.
#[test]
fn check_address_unwraps_nat64_6to4_and_teredo() {
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

/// The chain's space, with and without blocking: the one declared, else the first URL's
/// host's, whatever the chain went through (computed when asked if nothing blocks).
#[test]
fn the_chain_s_space_is_the_first_url_s_or_the_declared_one() {
    for policy in [Policy::fetch(), Policy::strict()] {
        let blocking = policy.block_private_targets();
        let mut follow =
            Follow::new(Request::get("http://127.0.0.1/a").unwrap(), policy.clone()).unwrap();
        assert_eq!(follow.address_space(), Local, "blocking {blocking}");
        follow_hop(&mut follow, 302, "http://127.0.0.2/b", |_| {});
        follow_hop(&mut follow, 302, "/c", |_| {});
        assert_eq!(
            follow.address_space(),
            Local,
            "after two hops, blocking {blocking}"
        );

        let follow = Follow::new(Request::get("http://a.test/").unwrap(), policy.clone()).unwrap();
        assert_eq!(follow.address_space(), Public);
        let declared = Request::get("http://10.0.0.1/")
            .unwrap()
            .address_space(Private);
        let follow = Follow::new(declared, policy.clone()).unwrap();
        assert_eq!(follow.address_space(), Private);
        // A declared space the check compares against when blocking: a loopback address
        // is below it.
        let declared = Request::get("http://10.0.0.1/")
            .unwrap()
            .address_space(Private);
        let follow = Follow::new(declared, policy).unwrap();
        assert_eq!(follow.check_address(ip("127.0.0.1")).is_err(), blocking);
        assert!(follow.check_address(ip("10.0.0.2")).is_ok());
    }
}
