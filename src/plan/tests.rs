//! The decision as a table, with no machine: one row per check, in Fetch's order. Each row
//! sets up a head that more than one check would refuse and names the check that fires
//! first; the last rows follow.

use alloc::format;
use alloc::string::String;

use super::*;
use crate::policy::UnreplayableBody;

/// One row: the chain so far and the head, each as the default below with what differs.
struct Row {
    /// What the row shows.
    name: &'static str,
    policy: Policy,
    url: &'static str,
    method: Method,
    body: Body,
    redirects: u32,
    mode: Option<RequestMode>,
    learned: &'static [&'static str],
    status: u16,
    location: LocationValue<'static>,
    sts: Option<&'static [u8]>,
    /// `final`, `follow <url>` (with ` hsts` and ` <method>` when upgraded or rewritten),
    /// or the error's code.
    expect: &'static str,
}

impl Default for Row {
    fn default() -> Row {
        Row {
            name: "",
            policy: Policy::fetch(),
            url: "https://a.test/x#frag",
            method: Method::Get,
            body: Body::None,
            redirects: 0,
            mode: None,
            learned: &[],
            status: 302,
            location: LocationValue::One(b"https://b.test/y"),
            sts: None,
            expect: "",
        }
    }
}

fn u(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// Runs one row through [`plan`] and describes the outcome as `expect` does.
fn outcome(row: &Row) -> String {
    let url = u(row.url);
    let mut learned = HstsHosts::default();
    for host in row.learned {
        let from = u(&format!("https://{host}/"));
        learned.learn(&from, Some(b"max-age=100"), 64);
    }
    let curl = CurlRequest::assumed(row.method, row.body != Body::None);
    let chain = ChainFacts {
        url: &url,
        method: row.method,
        body: row.body,
        curl,
        redirects: row.redirects,
        space: Some(AddressSpace::of_url(&url)),
        learned: &learned,
        mode: row.mode.map(|mode| ModeFacts {
            mode,
            origin: RequestOrigin::Of(&url),
            cors_tainting: false,
        }),
    };
    let head = HeadFacts {
        status: row.status,
        location: row.location,
        sts: row.sts,
    };
    match plan(&row.policy, &chain, &head) {
        Ok(Plan::Final) => "final".into(),
        Ok(Plan::Follow(hop)) => {
            let mut s = format!("follow {}", hop.next);
            if hop.hsts.is_some() {
                s.push_str(" hsts");
            }
            if let Some((method, _)) = hop.rewrite {
                s.push_str(&format!(" {}", method.as_str()));
            }
            s
        }
        Err(e) => e.code().into(),
    }
}

#[test]
fn fetch_order_of_checks() {
    let rows = [
        // curl refuses different `Location` fields before it looks at the status.
        Row {
            name: "conflict on any status (curl)",
            policy: Policy::curl(),
            status: 200,
            location: LocationValue::Conflict,
            expect: "conflicting_location",
            ..Row::default()
        },
        Row {
            name: "a status not followed is final, whatever its Location",
            status: 300,
            location: LocationValue::Conflict,
            expect: "final",
            ..Row::default()
        },
        Row {
            name: "no Location: final, even at the limit",
            location: LocationValue::Absent,
            redirects: 20,
            expect: "final",
            ..Row::default()
        },
        Row {
            name: "different Locations on a followed status, even at the limit",
            location: LocationValue::Conflict,
            redirects: 20,
            expect: "conflicting_location",
            ..Row::default()
        },
        Row {
            name: "the Location is parsed before the limit is looked at",
            location: LocationValue::One(b"http://[::1"),
            redirects: 20,
            expect: "invalid_location",
            ..Row::default()
        },
        Row {
            name: "the scheme before the limit",
            location: LocationValue::One(b"ftp://b.test/"),
            redirects: 20,
            expect: "scheme_not_allowed",
            ..Row::default()
        },
        Row {
            name: "an HSTS upgrade (this head's own header) comes before the downgrade check",
            policy: Policy::strict(),
            location: LocationValue::One(b"http://a.test/z"),
            sts: Some(b"max-age=100"),
            expect: "follow https://a.test/z#frag hsts",
            ..Row::default()
        },
        Row {
            name: "a learned host upgrades too",
            policy: Policy::strict(),
            location: LocationValue::One(b"http://c.test/"),
            learned: &["c.test"],
            expect: "follow https://c.test/#frag hsts",
            ..Row::default()
        },
        Row {
            name: "this head's max-age=0 forgets the host before the upgrade",
            policy: Policy::strict(),
            location: LocationValue::One(b"http://a.test/"),
            learned: &["a.test"],
            sts: Some(b"max-age=0"),
            expect: "insecure_redirect",
            ..Row::default()
        },
        Row {
            name: "the downgrade before the limit",
            policy: Policy::strict(),
            location: LocationValue::One(b"http://b.test/"),
            redirects: 10,
            expect: "insecure_redirect",
            ..Row::default()
        },
        Row {
            name: "the limit before the credentials and the body",
            location: LocationValue::One(b"https://user:pw@b.test/"),
            mode: Some(RequestMode::Cors),
            body: Body::Streamed,
            method: Method::Put,
            redirects: 20,
            expect: "too_many_redirects",
            ..Row::default()
        },
        Row {
            name: "a cors request's credentials in Location before the body",
            location: LocationValue::One(b"https://user:pw@b.test/"),
            mode: Some(RequestMode::Cors),
            body: Body::Streamed,
            method: Method::Put,
            status: 307,
            expect: "credentials_in_location",
            ..Row::default()
        },
        Row {
            name: "a streamed body before the port",
            location: LocationValue::One(b"https://b.test:6666/"),
            body: Body::Streamed,
            method: Method::Put,
            status: 307,
            expect: "body_not_replayable",
            ..Row::default()
        },
        Row {
            name: "a streamed body, the policy making it final",
            policy: Policy::fetch().with_unreplayable_body(UnreplayableBody::Final),
            body: Body::Streamed,
            method: Method::Put,
            status: 307,
            expect: "final",
            ..Row::default()
        },
        Row {
            name: "a 303 drops the streamed body: followed as GET",
            body: Body::Streamed,
            method: Method::Put,
            status: 303,
            expect: "follow https://b.test/y#frag GET",
            ..Row::default()
        },
        Row {
            name: "the bad port before the private target",
            policy: Policy::strict(),
            location: LocationValue::One(b"https://127.0.0.1:6666/"),
            expect: "blocked_port",
            ..Row::default()
        },
        Row {
            name: "the private target before the same-origin mode",
            policy: Policy::strict(),
            location: LocationValue::One(b"https://127.0.0.1/"),
            mode: Some(RequestMode::SameOrigin),
            expect: "private_target",
            ..Row::default()
        },
        Row {
            name: "a same-origin request to another origin",
            mode: Some(RequestMode::SameOrigin),
            expect: "cross_origin_redirect",
            ..Row::default()
        },
        Row {
            name: "every check passes: the fragment is inherited",
            expect: "follow https://b.test/y#frag",
            ..Row::default()
        },
        Row {
            name: "curl inherits no fragment and follows a 300",
            policy: Policy::curl(),
            status: 300,
            expect: "follow https://b.test/y",
            ..Row::default()
        },
        Row {
            name: "a POST on 302 becomes a GET",
            method: Method::Post,
            body: Body::Replayable,
            expect: "follow https://b.test/y#frag GET",
            ..Row::default()
        },
    ];
    for row in &rows {
        assert_eq!(outcome(row), row.expect, "{}", row.name);
    }
}

/// The decision changes nothing: the same facts give the same plan again, and what a
/// head's `Strict-Transport-Security` teaches is handed back, not learned.
#[test]
fn deciding_learns_nothing() {
    let url = u("https://a.test/");
    let learned = HstsHosts::default();
    let chain = ChainFacts {
        url: &url,
        method: Method::Get,
        body: Body::None,
        curl: CurlRequest::assumed(Method::Get, false),
        redirects: 0,
        space: Some(AddressSpace::Public),
        learned: &learned,
        mode: None,
    };
    let head = HeadFacts {
        status: 301,
        location: LocationValue::One(b"http://a.test/next"),
        sts: Some(b"max-age=100; includeSubDomains"),
    };
    for _ in 0..2 {
        let Ok(Plan::Follow(hop)) = plan(&Policy::fetch(), &chain, &head) else {
            panic!("followed");
        };
        assert_eq!(hop.next.as_str(), "https://a.test/next");
        assert_eq!(
            hop.location.as_deref().map(Url::as_str),
            Some("http://a.test/next")
        );
        assert!(hop.lesson.is_some());
        assert!(learned.is_empty());
    }
    // Over http the field teaches nothing (RFC 6797 §8.1).
    let plain = u("http://a.test/");
    let chain = ChainFacts {
        url: &plain,
        ..chain
    };
    let Ok(Plan::Follow(hop)) = plan(&Policy::fetch(), &chain, &head) else {
        panic!("followed");
    };
    assert!(hop.lesson.is_none() && hop.hsts.is_none());
}
