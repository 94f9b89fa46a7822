//! End to end against two httpbin servers (two origins, `HTTPBIN_URL` and `HTTPBIN_URL2`,
//! which `bash .ci/e2e.sh` starts on 127.0.0.1): the chains of the core's e2e suite
//! (`tests/e2e.rs`: `redirect_chains`, `methods_and_statuses`,
//! `cross_origin_drops_credentials`, `referer_origin_and_host_across_hops`,
//! `bad_port_refused_before_any_connection`), run through hyper-util's client wrapped in
//! the layer, must end as the core's suite expects them to: final URL, status, redirect
//! count, error, and what httpbin echoes (method, body, headers).
//!
//! Ignored in a plain `cargo test`; `.ci/e2e.sh` runs them with `--include-ignored`.
//! Without the servers they fail: they never pass without having run.
//!
//! With the feature `cookie-store` (`.ci/e2e.sh` turns it on), cookies through a shared
//! `CookieStoreJar`, compared with `curl -L -b FILE -c FILE`.
//!
//! Not here: the other comparisons with `curl -L` (the core's suite makes them), the private
//! network test (it runs the example programs with curl-style `--resolve`), the `101`
//! upgrade server (hyper's client answers an unrequested `101` with an error of its own,
//! before any layer sees it) and the connection-reuse trace (the pool is hyper-util's).

mod common;
#[path = "../../tests/support/httpbin.rs"]
mod shared;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use common::{Proto, client};
use http_body_util::{BodyExt, Full};
use redirects::Policy;
use redirects_tower::{FollowRedirectLayer, RedirectChain};
use shared::{Observed, enc, observe_body, servers};
use tower::{ServiceBuilder, ServiceExt};

#[derive(Clone)]
struct Case {
    name: String,
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<&'static str>,
    expect: Vec<(&'static str, String)>,
    max_redirects: Option<u32>,
}

impl Case {
    fn new(name: impl Into<String>, method: &'static str, url: String) -> Case {
        Case {
            name: name.into(),
            method,
            url,
            headers: Vec::new(),
            body: None,
            expect: Vec::new(),
            max_redirects: None,
        }
    }
    fn header(mut self, name: &'static str, value: impl Into<String>) -> Case {
        self.headers.push((name, value.into()));
        self
    }
    fn body(mut self, body: &'static str) -> Case {
        self.body = Some(body);
        self.header("Content-Type", "text/plain")
    }
    fn expect(mut self, field: &'static str, value: impl Into<String>) -> Case {
        self.expect.push((field, value.into()));
        self
    }
}

/// Runs a case through hyper-util's HTTP/1.1 client wrapped in the layer.
async fn ours(case: &Case) -> Observed {
    let mut policy = Policy::fetch();
    if let Some(max) = case.max_redirects {
        policy = policy.with_max_redirects(max);
    }
    let svc = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(policy))
        .service(client::<Full<Bytes>>(Proto::Http1));
    let mut req = http::Request::builder().method(case.method).uri(&case.url);
    for (name, value) in &case.headers {
        req = req.header(*name, value);
    }
    let body = case.body.map_or_else(Full::default, Full::from);
    let req = req.body(body).expect("valid request");
    let mut obs = Observed::new();
    let call = tokio::time::timeout(Duration::from_secs(30), svc.oneshot(req));
    match call.await {
        Err(_) => {
            obs.insert("error", "client: timed out".into());
        }
        Ok(Err(redirects_tower::Error::Redirect(e))) => {
            obs.insert("error", e.code().into());
        }
        Ok(Err(e)) => {
            obs.insert("error", format!("client: {e}"));
        }
        Ok(Ok(res)) => {
            let chain = res
                .extensions()
                .get::<RedirectChain>()
                .expect("a RedirectChain")
                .clone();
            let status = res.status().as_u16();
            let body = res.into_body().collect().await.expect("body").to_bytes();
            obs.insert("url", chain.url().to_string());
            obs.insert("status", status.to_string());
            obs.insert("redirects", chain.redirects().to_string());
            obs.insert("error", "-".into());
            observe_body(&mut obs, chain.url().as_str(), status, &body);
        }
    }
    obs
}

async fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        let got = ours(case).await;
        let problems: Vec<_> = case
            .expect
            .iter()
            .filter_map(|(field, want)| {
                let have = got.get(field).map_or("(none)", String::as_str);
                (have != want).then(|| format!("{field} = {have:?}, want {want:?}"))
            })
            .collect();
        let verdict = if problems.is_empty() { "ok" } else { "FAILED" };
        let end = got
            .get("url")
            .or(got.get("error"))
            .map_or("", String::as_str);
        eprintln!("e2e tower {verdict}: {} -> {end}", case.name);
        if !problems.is_empty() {
            failures.push(format!(
                "case {}:\n  {}\n  got: {got:?}",
                case.name,
                problems.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Fetch's rule for the method and body after one redirect.
fn fetch_rule(method: &'static str, status: u16) -> (&'static str, bool) {
    match (status, method) {
        (301 | 302, "POST") => ("GET", false),
        (303, "GET" | "HEAD") => (method, true),
        (303, _) => ("GET", false),
        _ => (method, true),
    }
}

#[tokio::test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
async fn redirect_chains() {
    let (a, _) = servers();
    let mut cases = Vec::new();
    for kind in ["redirect", "relative-redirect", "absolute-redirect"] {
        cases.push(
            Case::new(format!("GET /{kind}/3"), "GET", format!("{a}/{kind}/3"))
                .header("X-Custom", "kept")
                .expect("url", format!("{a}/get"))
                .expect("status", "200")
                .expect("redirects", "3")
                .expect("method", "GET")
                .expect("h:x-custom", "kept"),
        );
    }
    cases.push(
        Case::new(
            "GET /redirect/20 (the limit)",
            "GET",
            format!("{a}/redirect/20"),
        )
        .expect("redirects", "20")
        .expect("url", format!("{a}/get")),
    );
    cases.push(
        Case::new(
            "GET /redirect/21 (one too many)",
            "GET",
            format!("{a}/redirect/21"),
        )
        .expect("error", "too_many_redirects"),
    );
    let mut same_limit = Case::new(
        "GET /redirect/21, limit 20",
        "GET",
        format!("{a}/redirect/21"),
    )
    .expect("error", "too_many_redirects");
    same_limit.max_redirects = Some(20);
    cases.push(same_limit);
    cases.push(
        Case::new(
            "GET /cookies/set?flavour=oat",
            "GET",
            format!("{a}/cookies/set?flavour=oat"),
        )
        .expect("url", format!("{a}/cookies"))
        .expect("redirects", "1"),
    );
    cases.push(
        Case::new(
            "GET -> 302 -> /stream/3 (chunked)",
            "GET",
            format!("{a}/redirect-to?url=%2Fstream%2F3"),
        )
        .expect("url", format!("{a}/stream/3"))
        .expect("body", "3 lines, not an echo"),
    );
    check(&cases).await;
}

#[tokio::test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
async fn methods_and_statuses() {
    let (a, _) = servers();
    let mut cases = Vec::new();
    for status in [301, 302, 303, 307, 308] {
        for (method, body) in [
            ("GET", None),
            ("POST", Some("hello from POST")),
            ("PUT", Some("hello from PUT")),
            ("DELETE", None),
        ] {
            let url = format!("{a}/redirect-to?url=%2Fanything&status_code={status}");
            let mut case = Case::new(format!("{method} -> {status}"), method, url)
                .header("X-Custom", "kept")
                .expect("url", format!("{a}/anything"))
                .expect("status", "200")
                .expect("redirects", "1")
                .expect("h:x-custom", "kept");
            if let Some(body) = body {
                case = case.body(body);
            }
            let (next, keeps_body) = fetch_rule(method, status);
            case = case.expect("method", next);
            match (body, keeps_body) {
                (Some(body), true) => {
                    case = case
                        .expect("body", body)
                        .expect("h:content-type", "text/plain")
                        .expect("h:content-length", body.len().to_string());
                }
                (Some(_), false) => {
                    case = case
                        .expect("body", "")
                        .expect("h:content-type", "-")
                        .expect("h:content-length", "-");
                }
                (None, _) => case = case.expect("body", "").expect("h:content-length", "-"),
            }
            cases.push(case);
        }
    }
    for status in [302, 303, 307] {
        cases.push(
            Case::new(
                format!("HEAD -> {status}"),
                "HEAD",
                format!("{a}/redirect-to?url=%2Fanything&status_code={status}"),
            )
            .expect("url", format!("{a}/anything"))
            .expect("status", "200")
            .expect("redirects", "1")
            .expect("body", "0 lines, not an echo"),
        );
    }
    let to =
        |path: &str, status: u16| format!("{a}/redirect-to?url={}&status_code={status}", enc(path));
    cases.push(
        Case::new("POST -> 307 -> /post", "POST", to("/post", 307))
            .body("posted")
            .expect("url", format!("{a}/post"))
            .expect("method", "POST")
            .expect("body", "posted"),
    );
    cases.push(
        Case::new("PUT -> 308 -> /put", "PUT", to("/put", 308))
            .body("put twice")
            .expect("url", format!("{a}/put"))
            .expect("method", "PUT")
            .expect("body", "put twice"),
    );
    cases.push(
        Case::new("DELETE -> 307 -> /delete", "DELETE", to("/delete", 307))
            .expect("url", format!("{a}/delete"))
            .expect("method", "DELETE"),
    );
    cases.push(
        Case::new("POST -> 303 -> /get", "POST", to("/get", 303))
            .body("dropped")
            .expect("url", format!("{a}/get"))
            .expect("method", "GET")
            .expect("h:content-type", "-"),
    );
    let mut form = Case::new("POST form -> 302 -> GET", "POST", to("/anything", 302))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .expect("method", "GET")
        .expect("h:content-type", "-");
    form.body = Some("a=1&b=2");
    cases.push(form);
    for status in [300, 304, 305] {
        cases.push(
            Case::new(format!("GET -> {status}"), "GET", to("/get", status))
                .expect("status", status.to_string())
                .expect("redirects", "0"),
        );
    }
    check(&cases).await;
}

#[tokio::test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
async fn cross_origin_drops_credentials() {
    let (a, b) = servers();
    let to =
        |url: &str, status: u16| format!("{a}/redirect-to?url={}&status_code={status}", enc(url));
    let creds = |case: Case| {
        case.header("Authorization", "Bearer s3cret")
            .header("Cookie", "session=42")
            .header("X-Custom", "kept")
    };
    let mut cases = vec![
        creds(Case::new(
            "GET -> 302 -> other port",
            "GET",
            to(&format!("{b}/anything"), 302),
        ))
        .expect("url", format!("{b}/anything"))
        .expect("h:authorization", "-")
        .expect("h:cookie", "-")
        .expect("h:x-custom", "kept"),
        creds(Case::new(
            "POST -> 307 -> other port",
            "POST",
            to(&format!("{b}/anything"), 307),
        ))
        .body("still here")
        .expect("method", "POST")
        .expect("body", "still here")
        .expect("h:authorization", "-")
        .expect("h:cookie", "-"),
        creds(Case::new(
            "PUT -> 303 -> other port",
            "PUT",
            to(&format!("{b}/anything"), 303),
        ))
        .body("gone")
        .expect("method", "GET")
        .expect("body", "")
        .expect("h:authorization", "-")
        .expect("h:cookie", "-")
        .expect("h:x-custom", "kept"),
        creds(Case::new(
            "same origin keeps them",
            "GET",
            to(&format!("{a}/anything"), 302),
        ))
        .expect("h:authorization", "Bearer s3cret")
        .expect("h:cookie", "session=42"),
    ];
    let back = to(
        &format!("{b}/redirect-to?url={}", enc(&format!("{a}/anything"))),
        302,
    );
    cases.push(
        creds(Case::new("A -> B -> A", "GET", back))
            .expect("url", format!("{a}/anything"))
            .expect("redirects", "2")
            .expect("h:authorization", "-")
            .expect("h:cookie", "-")
            .expect("h:x-custom", "kept"),
    );
    // A -> B -> B' (B's origin, another path): not restored either.
    let b_prime = to(
        &format!("{b}/redirect-to?url={}", enc("/anything/other-path")),
        302,
    );
    cases.push(
        creds(Case::new("A -> B -> B'", "GET", b_prime))
            .expect("url", format!("{b}/anything/other-path"))
            .expect("redirects", "2")
            .expect("h:authorization", "-")
            .expect("h:cookie", "-")
            .expect("h:x-custom", "kept"),
    );
    if let Some(local) = a.strip_prefix("http://127.0.0.1:") {
        if std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80)).is_ok() {
            cases.push(
                creds(Case::new(
                    "127.0.0.1 -> 302 -> localhost",
                    "GET",
                    to(&format!("http://localhost:{local}/anything"), 302),
                ))
                .expect("url", format!("http://localhost:{local}/anything"))
                .expect("h:authorization", "-")
                .expect("h:cookie", "-"),
            );
        }
    }
    check(&cases).await;
}

#[tokio::test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
async fn referer_origin_and_host_across_hops() {
    let (a, b) = servers();
    let to =
        |url: &str, status: u16| format!("{a}/redirect-to?url={}&status_code={status}", enc(url));
    let page = format!("{a}/page?token=e2e-SECRET-page");
    let secure = "https://app.example/page?token=e2e-SECRET-https";
    let b_authority = b.trim_start_matches("http://").to_owned();
    let b_port = b_authority.rsplit(':').next().unwrap_or("").to_owned();
    let mut cases = vec![
        Case::new(
            "Referer: same-origin hop, the whole referrer",
            "GET",
            to(&format!("{a}/anything"), 302),
        )
        .header("Referer", page.clone())
        .expect("h:referer", page.clone()),
        Case::new(
            "Referer: cross-origin hop, the origin only",
            "GET",
            to(&format!("{b}/anything"), 307),
        )
        .header("Referer", page.clone())
        .expect("url", format!("{b}/anything"))
        .expect("h:referer", format!("{a}/")),
        Case::new(
            "Referer from an https page: cross-origin hop, the origin only",
            "GET",
            to(&format!("{b}/anything"), 307),
        )
        .header("Referer", secure)
        .expect("h:referer", "https://app.example/"),
    ];
    let mapped = format!("[::ffff:7f00:1]:{b_port}");
    let connects = mapped.parse::<std::net::SocketAddr>().is_ok_and(|addr| {
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_ok()
    });
    if connects {
        cases.push(
            Case::new(
                "Referer from an https page: downgrading hop, none",
                "GET",
                to(&format!("http://{mapped}/anything"), 307),
            )
            .header("Referer", secure)
            .expect("url", format!("http://{mapped}/anything"))
            .expect("h:host", mapped.clone())
            .expect("h:referer", "-"),
        );
    } else {
        eprintln!("e2e note: {mapped} does not connect here; the downgrading Referer case not run");
    }
    cases.push(
        Case::new(
            "Origin: A -> B keeps it",
            "GET",
            to(&format!("{b}/anything"), 307),
        )
        .header("Origin", a.clone())
        .expect("h:origin", a.clone()),
    );
    let back = to(
        &format!("{b}/redirect-to?url={}", enc(&format!("{a}/anything"))),
        307,
    );
    cases.push(
        Case::new("Origin: A -> B -> A is null", "GET", back)
            .header("Origin", a.clone())
            .expect("url", format!("{a}/anything"))
            .expect("redirects", "2")
            .expect("h:origin", "null"),
    );
    cases.push(
        Case::new(
            "Host: same authority keeps the caller's",
            "GET",
            to(&format!("{a}/anything"), 302),
        )
        .header("Host", "vhost.internal")
        .expect("h:host", "vhost.internal"),
    );
    cases.push(
        Case::new(
            "Host: same host name, other port, the URL's",
            "GET",
            to(&format!("{b}/anything"), 302),
        )
        .header("Host", "vhost.internal")
        .expect("h:host", b_authority.clone()),
    );
    if let Some(port) = a.strip_prefix("http://127.0.0.1:") {
        if std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80)).is_ok() {
            cases.push(
                Case::new(
                    "Host: other host name, the URL's",
                    "GET",
                    to(&format!("http://localhost:{port}/anything"), 302),
                )
                .header("Host", "vhost.internal")
                .expect("h:host", format!("localhost:{port}")),
            );
        }
    }
    check(&cases).await;
}

/// A redirect to a port of Fetch's bad-port list where a listener does listen: refused
/// with `blocked_port`, and the listener sees no connection.
#[tokio::test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
async fn bad_port_refused_before_any_connection() {
    let (a, _) = servers();
    let (listener, port) = redirects::BAD_PORTS
        .into_iter()
        .filter(|&p| p > 1024)
        .find_map(|p| TcpListener::bind(("127.0.0.1", p)).ok().map(|l| (l, p)))
        .expect("a free port of the bad-port list above 1024");
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.read(&mut [0u8; 4096]);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    let target = format!("http://127.0.0.1:{port}/");
    let url = format!("{a}/redirect-to?url={}&status_code=302", enc(&target));
    let svc = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::fetch()))
        .service(client::<Full<Bytes>>(Proto::Http1));
    let req = http::Request::get(&url).body(Full::default()).unwrap();
    let err = svc.oneshot(req).await.expect_err("blocked");
    match err {
        redirects_tower::Error::Redirect(e) => {
            assert_eq!(e, redirects::Error::BlockedPort { status: 302, port });
        }
        other => panic!("not blocked_port: {other:?}"),
    }
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "connected to the bad port"
    );
    eprintln!("e2e tower ok: 302 to port {port} refused with blocked_port, no connection");
}

/// The cookies httpbin echoes in a body (`{"cookies": {...}}`), as JSON text; `-` for none.
#[cfg(feature = "cookie-store")]
fn echoed_cookies(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("cookies").cloned())
        .map_or("-".into(), |c| c.to_string())
}

/// One chain through the layer with `jar`: final URL, status and the cookies echoed.
#[cfg(feature = "cookie-store")]
async fn with_jar(jar: &redirects_tower::CookieStoreJar, url: &str) -> (String, u16, String) {
    let svc = ServiceBuilder::new()
        .layer(FollowRedirectLayer::new(Policy::fetch()).cookie_jar(jar.clone()))
        .service(client::<Full<Bytes>>(Proto::Http1));
    let req = http::Request::get(url)
        .body(Full::<Bytes>::default())
        .expect("valid request");
    let res = tokio::time::timeout(Duration::from_secs(30), svc.oneshot(req))
        .await
        .unwrap_or_else(|_| panic!("{url}: timed out"))
        .unwrap_or_else(|e| panic!("{url}: {e:?}"));
    let chain = res.extensions().get::<RedirectChain>().expect("a chain");
    let end = chain.url().to_string();
    let status = res.status().as_u16();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (end, status, echoed_cookies(&body))
}

/// `curl -sS -L -b FILE -c FILE URL`: final URL, status and the cookies echoed.
#[cfg(feature = "cookie-store")]
fn curl_with_jar(file: &std::path::Path, url: &str) -> (String, u16, String) {
    let body = file.with_extension("body");
    let out = std::process::Command::new("curl")
        .args(["-sS", "-L", "--max-time", "30", "-b"])
        .arg(file)
        .arg("-c")
        .arg(file)
        .arg("-o")
        .arg(&body)
        .args(["-w", "%{url_effective}\n%{http_code}", url])
        .output()
        .expect("curl runs");
    assert!(out.status.success(), "curl {url}: {out:?}");
    let w = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut w = w.lines();
    let end = w.next().unwrap_or("").to_owned();
    let status = w.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (
        end,
        status,
        echoed_cookies(&std::fs::read(&body).unwrap_or_default()),
    )
}

/// Cookies through the layer with the `cookie_store` crate's store (reqwest's), one store
/// shared by a run of chains, as the core's `cookie_jar_files_match_curl` runs them:
/// `/cookies/set?a=1` (a `302` with `Set-Cookie` to `/cookies`) ends showing `a=1`; the two
/// httpbin servers are two hosts (`127.0.0.1` and `localhost`: cookies ignore ports), and
/// a cookie set by one never reaches the other across a redirect either way;
/// `/cookies/delete?a` deletes. Each chain must end as `curl -L -b FILE -c FILE` ends it
/// (final URL, status, the cookies httpbin echoes), and as expected.
#[cfg(feature = "cookie-store")]
#[tokio::test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
async fn cookie_store_chains_match_curl() {
    let (a, b) = servers();
    let b = b.replacen("127.0.0.1", "localhost", 1);
    assert!(
        b.contains("localhost"),
        "HTTPBIN_URL2 {b} is not on 127.0.0.1"
    );
    let file = std::env::temp_dir().join(format!(
        "redirects-tower-e2e-{}-cookies.txt",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&file);
    let jar = redirects_tower::CookieStoreJar::default();
    let runs = [
        // A 302 that sets a cookie: the target gets it.
        (
            format!("{a}/cookies/set?a=1"),
            format!("{a}/cookies"),
            r#"{"a":"1"}"#,
        ),
        // A to B: B sets its own, never sees A's.
        (
            format!(
                "{a}/redirect-to?url={}",
                enc(&format!("{b}/cookies/set?b=2"))
            ),
            format!("{b}/cookies"),
            r#"{"b":"2"}"#,
        ),
        // B to A: A sees only its own.
        (
            format!("{b}/redirect-to?url={}", enc(&format!("{a}/cookies"))),
            format!("{a}/cookies"),
            r#"{"a":"1"}"#,
        ),
        // The store outlives the chains: A's cookie on a chain's first request.
        (
            format!("{a}/cookies"),
            format!("{a}/cookies"),
            r#"{"a":"1"}"#,
        ),
        // Deleted through a 302.
        (
            format!("{a}/cookies/delete?a"),
            format!("{a}/cookies"),
            "{}",
        ),
        (
            format!("{b}/cookies"),
            format!("{b}/cookies"),
            r#"{"b":"2"}"#,
        ),
    ];
    let mut failures = Vec::new();
    for (url, end, cookies) in &runs {
        let ours = with_jar(&jar, url).await;
        let theirs = curl_with_jar(&file, url);
        let want = (end.clone(), 200, (*cookies).to_owned());
        let verdict = if ours == want && theirs == want {
            "ok"
        } else {
            "FAILED"
        };
        eprintln!("{verdict}: {url}\n  ours  {ours:?}\n  curl  {theirs:?}\n  want  {want:?}");
        if verdict != "ok" {
            failures.push(url.clone());
        }
    }
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(file.with_extension("body"));
    // Only A's host has `a` (deleted now); B's `b` stays.
    let a_url = redirects::Url::parse(&a).unwrap();
    let b_url = redirects::Url::parse(&b).unwrap();
    let store = jar.read();
    assert_eq!(store.get_request_values(&a_url).count(), 0);
    let on_b: Vec<_> = store.get_request_values(&b_url).collect();
    assert_eq!(on_b, [("b", "2")]);
    assert!(failures.is_empty(), "failed: {failures:?}");
}
