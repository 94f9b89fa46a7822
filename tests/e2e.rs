//! End to end: the example client (`examples/common/driver.rs` with the blocking runtime,
//! `examples/common/blocking.rs`) over real sockets.
//!
//! - Always: the loopback demo chains (`examples/common/demo.rs`), checked request by
//!   request, and the unit tests of `examples/common` (driver, arguments, trace).
//! - Ignored unless asked for, because they need two httpbin servers (two origins) named
//!   by `HTTPBIN_URL` and `HTTPBIN_URL2`, and `curl`: `bash .ci/e2e.sh` starts the servers
//!   and runs them with `cargo test --test e2e -- --include-ignored`. They follow httpbin's
//!   redirect endpoints with GET, POST, PUT and DELETE, check each case against the Fetch
//!   rules through httpbin's echo endpoints, then run it with `curl -L` and compare field
//!   by field (final URL, status, redirect count, final method, body and headers that
//!   arrived). Every difference from curl must be declared in the case with its reason; an
//!   undeclared difference fails, and so does a declared one that does not happen.
//!   The headers a redirect rewrites are among the fields: `Referer` after a same-origin,
//!   a cross-origin and a downgrading hop, `Origin` after A -> B and A -> B -> A, a
//!   caller-set `Host` on the same and on another authority.
//!   The `curl` policy is compared too, where libcurl decides by where the body comes from:
//!   `-X PUT -d`, `-X DELETE -d` and `-X POST` without a body on 301, 302 and
//!   303, the machine told the command line with `Request::curl` (or left to assume it),
//!   with no difference from curl allowed.
//! - Ignored too, with their own servers: a redirect to a port of Fetch's bad-port list
//!   (a listener the test binds there counts connections: none from the machine's client,
//!   one from `curl -L`), and a real `101 Switching Protocols` (`UPGRADE_URL`, the WebSocket
//!   handshake server `.ci/e2e_upgrade_server.py` that `.ci/e2e.sh` starts), final with or
//!   without a redirect before it and whatever `Location` it carries.
//! - Ignored too: a redirect into a private network. The `follow` and tokio
//!   example programs themselves (`cargo run`) follow httpbin under the name `public.test`
//!   (`--resolve`d to its 127.0.0.1, declared public with `--start-space public`) to
//!   `internal.test`, which `--resolve` maps to 127.0.0.1 where a listener counts
//!   connections: with private targets blocked the program exits with `private_target`
//!   and the listener sees none; with the policy off it is followed to the listener's 200;
//!   `curl -L` follows it too.
//! - Ignored too: cookies. The `follow` program with `-b FILE -c FILE` and
//!   `curl -L -b FILE -c FILE` (each its own file) run the same commands: `/cookies/set`
//!   through a 302, the file's cookies on the next command, the two servers as two hosts
//!   (`127.0.0.1` and `localhost`: cookies ignore ports) with redirects between them, and
//!   `/cookies/delete`; final URL, status, cookies received and the cookie file must
//!   match (one declared difference: curl 7.88 writes a deleted cookie of its `-b` file
//!   back).
//!
//! An httpbin test never passes without its servers: run without the variables, without
//! `curl` or with a server that does not answer, it fails.

#[path = "../examples/common/mod.rs"]
mod common;
#[path = "support/httpbin.rs"]
mod httpbin;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::blocking;
use common::demo::{self, DemoServer};
use common::driver::{ClientError, Options, Outcome};
use httpbin::{NEEDS_HTTPBIN, Observed, enc, observe_body};
use redirects::{CurlBody, CurlRequest, Method, Policy};

// ---------------------------------------------------------------------------------------
// Always run: the loopback demo.

#[test]
fn demo_chain_over_loopback() {
    let server = DemoServer::start().expect("bind 127.0.0.1");
    let (mut outcomes, mut traces) = (Vec::new(), Vec::new());
    for (title, opts) in demo::chains(&server.url_a()) {
        let mut trace = Vec::new();
        let outcome = blocking::run(&opts, &mut trace);
        let trace = String::from_utf8_lossy(&trace).into_owned();
        println!("=== {title}\n{trace}");
        outcomes.push(outcome.unwrap_or_else(|e| panic!("{title}: {e}\n{trace}")));
        traces.push(trace);
    }
    let (title, opts) = demo::private_chain(server.a, server.b);
    let mut trace = Vec::new();
    let refused = blocking::run(&opts, &mut trace).err();
    let trace = String::from_utf8_lossy(&trace).into_owned();
    println!("=== {title}\n{trace}");
    assert!(
        trace.contains("refused, no connection made"),
        "{title}: {refused:?}\n{trace}"
    );
    let failed: Vec<_> = demo::check(
        &server.received(),
        &outcomes,
        refused.as_ref(),
        server.b.port(),
    )
    .into_iter()
    .filter(|(ok, _)| !ok)
    .map(|(_, what)| what)
    .collect();
    assert!(failed.is_empty(), "demo checks failed: {failed:#?}");
    let sent: Vec<_> = outcomes[1]
        .sent
        .iter()
        .map(|s| s.method.as_str().to_owned())
        .collect();
    assert_eq!(sent, ["POST", "GET", "GET"]);
    // The trace shows each request as sent, body included, and says when a body is a
    // replay instead of showing it again.
    assert!(
        traces[1].contains("> Content-Length: 30\n> \n> {\"make\":\"Volvo\",\"model\":\"240\"}\n"),
        "{}",
        traces[1]
    );
    assert_eq!(traces[2].matches("> a photo of a Volvo 240").count(), 1);
    assert!(
        traces[2].contains("* body: 22 bytes, a replay of the first request's body"),
        "{}",
        traces[2]
    );
}

// ---------------------------------------------------------------------------------------
// httpbin and curl.

/// The two httpbin base URLs (`httpbin::servers`), and `curl`, which every comparison
/// here runs: a test that needs them must not pass without them.
fn servers() -> (String, String) {
    let curl = Command::new("curl").arg("--version").output();
    assert!(
        curl.is_ok_and(|o| o.status.success()),
        "`curl` does not run: {NEEDS_HTTPBIN}"
    );
    httpbin::servers()
}

#[derive(Clone)]
struct Case {
    name: String,
    method: Method,
    /// The first URL.
    url: String,
    headers: Vec<(&'static str, String)>,
    body: Option<&'static str>,
    /// Fields our outcome must have.
    expect: Vec<(&'static str, String)>,
    /// Fields on which curl differs on purpose, each with the reason.
    curl_differs: Vec<(&'static str, &'static str)>,
    /// The redirect limit, if not the default.
    max_redirects: Option<u32>,
    /// Run under the `curl` policy, with curl's command line built from this (`-X`, `-d`,
    /// `-T`) instead of from the method and body.
    curl_request: Option<CurlRequest>,
    /// Under `curl`: leave the [`CurlRequest`] to the machine (`CurlRequest::assumed`)
    /// instead of telling it with `Request::curl`.
    machine_assumes: bool,
}

impl Case {
    fn new(name: impl Into<String>, method: Method, url: String) -> Case {
        Case {
            name: name.into(),
            method,
            url,
            headers: Vec::new(),
            body: None,
            expect: Vec::new(),
            curl_differs: Vec::new(),
            max_redirects: None,
            curl_request: None,
            machine_assumes: false,
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
    fn differs(mut self, field: &'static str, reason: &'static str) -> Case {
        self.curl_differs.push((field, reason));
        self
    }
    /// Under the `curl` policy, sent by curl as `curl` says; the body (if any) is the
    /// `-d` data or the `-T` file, without a caller `Content-Type` (curl's own form
    /// `Content-Type` for `-d` goes with its POST request kind, and the machine only
    /// models caller headers).
    fn curl_request(mut self, curl: CurlRequest, body: Option<&'static str>) -> Case {
        self.curl_request = Some(curl);
        self.body = body;
        self
    }
}

/// Runs the case with the example client.
fn ours(case: &Case) -> (Observed, Result<Outcome, String>, String) {
    let mut opts = Options::new(case.method, &case.url);
    opts.io_timeout = Duration::from_secs(10);
    opts.deadline = Duration::from_secs(30);
    if let Some(max) = case.max_redirects {
        opts.policy = Policy::fetch().with_max_redirects(max);
    }
    if let Some(curl) = case.curl_request {
        opts.policy = Policy::curl();
        if let Some(max) = case.max_redirects {
            opts.policy = opts.policy.with_max_redirects(max);
        }
        opts.curl = (!case.machine_assumes).then_some(curl);
    }
    for (name, value) in &case.headers {
        opts = opts.header(name, value);
    }
    if let Some(body) = case.body {
        opts = opts.body(body);
    }
    let mut trace = Vec::new();
    let result = blocking::run(&opts, &mut trace);
    let trace = String::from_utf8_lossy(&trace).into_owned();
    let mut obs = Observed::new();
    match &result {
        Ok(outcome) => {
            obs.insert("url", outcome.url.to_string());
            obs.insert("status", outcome.head.status.to_string());
            obs.insert("redirects", outcome.hops.len().to_string());
            obs.insert("error", "-".into());
            observe_body(
                &mut obs,
                outcome.url.as_str(),
                outcome.head.status,
                &outcome.body,
            );
        }
        Err(ClientError::Redirect(e)) => {
            obs.insert("error", e.code().into());
        }
        Err(e) => {
            obs.insert("error", format!("client: {e}"));
        }
    }
    (obs, result.map_err(|e| e.to_string()), trace)
}

/// Runs the same request with `curl -L`, the way a person would type it:
/// `--data-binary` for a POST body, `-T` for a PUT body, `-I` for HEAD, `-X` for other
/// methods. (Not `-X PUT -d`: curl then sends a POST renamed PUT, and on a 301/302 it
/// drops the body as for a POST while `-X` keeps the name, so the PUT arrives empty.) A
/// case with a [`CurlRequest`] names its command line itself: `-X METHOD` when forced,
/// `-d BODY` for [`CurlBody::Data`], `-T FILE` for [`CurlBody::Upload`].
fn curl(case: &Case) -> Observed {
    let dir = std::env::temp_dir();
    let tag = format!(
        "redirects-e2e-{}-{}",
        std::process::id(),
        case.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    let out_path = dir.join(format!("{tag}.out"));
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "-L", "--max-time", "30", "--max-redirs"])
        .arg(case.max_redirects.unwrap_or(50).to_string())
        .arg("-o")
        .arg(&out_path)
        .args(["-w", "%{url_effective}\n%{http_code}\n%{num_redirects}"]);
    for (name, value) in &case.headers {
        // `curl -d` sends this Content-Type by itself, as its own (not a custom) header.
        let form = name.eq_ignore_ascii_case("content-type")
            && value == "application/x-www-form-urlencoded"
            && case.method == Method::Post;
        if !form {
            cmd.arg("-H").arg(format!("{name}: {value}"));
        }
    }
    let mut upload = None;
    let head = case.method == Method::Head;
    let upload_file = |body: &str| {
        let path = dir.join(format!("{tag}.put"));
        std::fs::write(&path, body).expect("temp file");
        path
    };
    if let Some(curl) = case.curl_request {
        // The command line the case names: `-X METHOD` when forced, then `-d` or `-T`.
        if curl.forced_method {
            cmd.arg("-X").arg(case.method.as_str());
        }
        match (curl.body, case.body) {
            (CurlBody::Data, body) => {
                cmd.arg("-d").arg(body.unwrap_or(""));
            }
            (CurlBody::Upload, body) => {
                let path = upload_file(body.unwrap_or(""));
                cmd.arg("-T").arg(&path);
                upload = Some(path);
            }
            (CurlBody::None, None) => {}
            (CurlBody::None, Some(_)) => panic!("{}: a body with no curl body source", case.name),
            (other, _) => panic!("{}: no command line for {other:?}", case.name),
        }
    } else {
        match (case.method, case.body) {
            (Method::Get, None) => {}
            // `-I`, not `-X HEAD`: curl then knows no body follows (it prints the heads).
            (Method::Head, None) => {
                cmd.arg("-I");
            }
            (Method::Post, Some(body)) => {
                cmd.arg("--data-binary").arg(body);
            }
            (Method::Put, Some(body)) => {
                let path = upload_file(body);
                cmd.arg("-T").arg(&path);
                upload = Some(path);
            }
            (method, body) => {
                cmd.arg("-X").arg(method.as_str());
                if let Some(body) = body {
                    cmd.arg("--data-binary").arg(body);
                }
            }
        }
    }
    cmd.arg(&case.url);
    let output = cmd.output().expect("run curl");
    // With -I the output file holds the response heads; a HEAD response has no body.
    let body = if head {
        Vec::new()
    } else {
        std::fs::read(&out_path).unwrap_or_default()
    };
    let _ = std::fs::remove_file(&out_path);
    if let Some(path) = upload {
        let _ = std::fs::remove_file(path);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines = stdout.lines();
    let mut obs = Observed::new();
    let url = lines.next().unwrap_or("").to_owned();
    let status: u16 = lines.next().unwrap_or("0").parse().unwrap_or(0);
    obs.insert("url", url.clone());
    obs.insert("status", status.to_string());
    obs.insert("redirects", lines.next().unwrap_or("?").to_owned());
    let error = match output.status.code() {
        Some(0) => "-".to_owned(),
        code => format!(
            "curl exit {code:?}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    };
    obs.insert("error", error);
    observe_body(&mut obs, &url, status, &body);
    obs
}

/// Runs every case with both clients; returns the failures.
fn run_cases(cases: &[Case]) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let (got, result, trace) = ours(case);
        let mut problems = Vec::new();
        for (field, want) in &case.expect {
            let have = got.get(field).map_or("(none)", String::as_str);
            if have != want {
                problems.push(format!("ours: {field} = {have:?}, want {want:?}"));
            }
        }
        let theirs = curl(case);
        let mut differences = Vec::new();
        let mut whole = Vec::new();
        for (field, mine) in &got {
            let other = theirs.get(field).map_or("(none)", String::as_str);
            let declared = case
                .curl_differs
                .iter()
                .find(|(f, _)| f == field || *f == "*");
            match (mine == other, declared) {
                (true, Some((f, _))) if *f != "*" => problems.push(format!(
                    "declared difference on {field} did not happen ({mine:?})"
                )),
                (false, None) => problems.push(format!(
                    "undeclared difference from curl on {field}: ours {mine:?}, curl {other:?}"
                )),
                (false, Some(("*", _))) => whole.push(format!("{field} {mine:?} vs {other:?}")),
                (false, Some((_, reason))) => {
                    differences.push(format!("{field}: ours {mine:?}, curl {other:?} ({reason})"))
                }
                _ => {}
            }
        }
        if let Some((_, reason)) = case.curl_differs.iter().find(|(f, _)| *f == "*") {
            if whole.is_empty() {
                problems.push("declared difference from curl did not happen".into());
            } else {
                differences.push(format!("ours vs curl: {} ({reason})", whole.join(", ")));
            }
        }
        let verdict = if problems.is_empty() { "ok" } else { "FAILED" };
        let versus = if differences.is_empty() {
            "same as curl".to_owned()
        } else {
            format!("differs from curl on purpose: {}", differences.join("; "))
        };
        let end = got
            .get("url")
            .or(got.get("error"))
            .map_or("", String::as_str);
        eprintln!("e2e {verdict}: {} -> {end}; {versus}", case.name);
        if !problems.is_empty() {
            failures.push(format!(
                "case {}:\n  {}\n  ours: {got:?}\n  curl: {theirs:?}\n  result: {:?}\n--- trace ---\n{trace}",
                case.name,
                problems.join("\n  "),
                result.as_ref().map(|o| o.head.status)
            ));
        }
    }
    failures
}

fn check(cases: &[Case]) {
    let failures = run_cases(cases);
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

const CT_KEPT: &str = "curl keeps a Content-Type given with -H after it turns the request into a \
    body-less GET; Fetch removes the request-body headers with the body";
const X_KEEPS_METHOD: &str = "curl -X names the method of every request it sends: its 303 \
    rule drops the body but keeps the custom method; Fetch's 303 means GET";

/// Fetch's rule for the method and body after one redirect (DESIGN.md), written out.
fn fetch_rule(method: Method, status: u16) -> (Method, bool) {
    match (status, method) {
        (301 | 302, Method::Post) => (Method::Get, false),
        (303, Method::Get | Method::Head) => (method, true),
        (303, _) => (Method::Get, false),
        _ => (method, true),
    }
}

#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn redirect_chains() {
    let (a, _) = servers();
    let mut cases = Vec::new();
    for kind in ["redirect", "relative-redirect", "absolute-redirect"] {
        cases.push(
            Case::new(
                format!("GET /{kind}/3"),
                Method::Get,
                format!("{a}/{kind}/3"),
            )
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
            Method::Get,
            format!("{a}/redirect/20"),
        )
        .expect("redirects", "20")
        .expect("url", format!("{a}/get")),
    );
    cases.push(
        Case::new(
            "GET /redirect/21 (one too many)",
            Method::Get,
            format!("{a}/redirect/21"),
        )
        .expect("error", "too_many_redirects")
        .differs(
            "*",
            "Fetch follows at most 20 redirects; curl's default --max-redirs is 50 \
                 (with --max-redirs 20 curl fails too: next case)",
        ),
    );
    let mut same_limit = Case::new(
        "GET /redirect/21, limit 20 for both",
        Method::Get,
        format!("{a}/redirect/21"),
    )
    .expect("error", "too_many_redirects")
    .differs(
        "error",
        "curl reports its own exit code 47; the machine says too_many_redirects",
    );
    same_limit.max_redirects = Some(20);
    cases.push(same_limit);
    // A Set-Cookie on the redirect is handed to the caller; neither client has a jar here.
    cases.push(
        Case::new(
            "GET /cookies/set?flavour=oat",
            Method::Get,
            format!("{a}/cookies/set?flavour=oat"),
        )
        .expect("url", format!("{a}/cookies"))
        .expect("redirects", "1"),
    );
    // A final body in chunks after a redirect.
    cases.push(
        Case::new(
            "GET -> 302 -> /stream/3 (chunked)",
            Method::Get,
            format!("{a}/redirect-to?url=%2Fstream%2F3"),
        )
        .expect("url", format!("{a}/stream/3"))
        .expect("body", "3 lines, not an echo"),
    );
    check(&cases);
}

#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn set_cookie_and_connection_reuse() {
    let (a, _) = servers();
    let opts = Options::new(Method::Get, &format!("{a}/cookies/set?flavour=oat"));
    let mut trace = Vec::new();
    let outcome = blocking::run(&opts, &mut trace).expect("chain");
    assert_eq!(outcome.hops.len(), 1);
    assert!(
        outcome.hops[0]
            .set_cookies
            .iter()
            .any(|c| c.starts_with("flavour=oat")),
        "{:?}",
        outcome.hops[0].set_cookies
    );

    let opts = Options::new(Method::Get, &format!("{a}/redirect/5"));
    let mut trace = Vec::new();
    let outcome = blocking::run(&opts, &mut trace).expect("chain");
    let trace = String::from_utf8_lossy(&trace);
    assert_eq!(outcome.hops.len(), 5);
    // Each hop went where the machine said: same connection only when it allowed it.
    for (i, hop) in outcome.hops.iter().enumerate() {
        let (before, after) = (&outcome.sent[i], &outcome.sent[i + 1]);
        assert_eq!(
            hop.reuse,
            before.connection == after.connection,
            "hop {}\n{trace}",
            i + 1
        );
    }
    if outcome.hops.iter().all(|h| h.reuse) {
        assert_eq!(outcome.connections, 1, "{trace}");
        eprintln!("e2e ok: /redirect/5 followed on one kept-alive connection");
    } else {
        eprintln!(
            "e2e note: this httpbin closes connections (no keep-alive), so reuse was not \
             exercised; .ci/e2e.sh runs gunicorn with threads, which keeps them alive"
        );
    }
}

#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn methods_and_statuses() {
    let (a, _) = servers();
    let mut cases = Vec::new();
    for status in [301, 302, 303, 307, 308] {
        for (method, body) in [
            (Method::Get, None),
            (Method::Post, Some("hello from POST")),
            (Method::Put, Some("hello from PUT")),
            (Method::Delete, None),
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
            case = case.expect("method", next.as_str());
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
                        .expect("h:content-length", "-")
                        .differs("h:content-type", CT_KEPT);
                }
                (None, _) => case = case.expect("body", "").expect("h:content-length", "-"),
            }
            if status == 303 && method == Method::Delete {
                case = case.differs("method", X_KEEPS_METHOD);
            }
            cases.push(case);
        }
    }
    // HEAD: no echo (no body), but the chain must end at the right place, 303 included,
    // and the client must not wait for the body a HEAD response announces but never sends.
    for status in [302, 303, 307] {
        cases.push(
            Case::new(
                format!("HEAD -> {status}"),
                Method::Head,
                format!("{a}/redirect-to?url=%2Fanything&status_code={status}"),
            )
            .expect("url", format!("{a}/anything"))
            .expect("status", "200")
            .expect("redirects", "1")
            .expect("body", "0 lines, not an echo"),
        );
    }
    // httpbin's method-specific echo endpoints.
    let to =
        |path: &str, status: u16| format!("{a}/redirect-to?url={}&status_code={status}", enc(path));
    cases.push(
        Case::new("POST -> 307 -> /post", Method::Post, to("/post", 307))
            .body("posted")
            .expect("url", format!("{a}/post"))
            .expect("method", "POST")
            .expect("body", "posted"),
    );
    cases.push(
        Case::new("PUT -> 308 -> /put", Method::Put, to("/put", 308))
            .body("put twice")
            .expect("url", format!("{a}/put"))
            .expect("method", "PUT")
            .expect("body", "put twice"),
    );
    cases.push(
        Case::new(
            "DELETE -> 307 -> /delete",
            Method::Delete,
            to("/delete", 307),
        )
        .expect("url", format!("{a}/delete"))
        .expect("method", "DELETE"),
    );
    cases.push(
        Case::new("POST -> 303 -> /get", Method::Post, to("/get", 303))
            .body("dropped")
            .expect("url", format!("{a}/get"))
            .expect("method", "GET")
            .expect("h:content-type", "-")
            .differs("h:content-type", CT_KEPT),
    );
    // `curl -d`'s own form Content-Type goes with the body, as in Fetch: no difference.
    let mut form = Case::new(
        "POST form -> 302 -> GET",
        Method::Post,
        to("/anything", 302),
    )
    .header("Content-Type", "application/x-www-form-urlencoded")
    .expect("method", "GET")
    .expect("h:content-type", "-");
    form.body = Some("a=1&b=2");
    cases.push(form);
    // Statuses Fetch does not follow; curl -L follows any 3xx with a Location.
    for status in [300, 304, 305] {
        cases.push(
            Case::new(format!("GET -> {status}"), Method::Get, to("/get", status))
                .expect("status", status.to_string())
                .expect("redirects", "0")
                .differs(
                    "*",
                    "Fetch follows only 301, 302, 303, 307 and 308 (any other 3xx is final); \
                     curl -L follows every 3xx that has a Location",
                ),
        );
    }
    check(&cases);
}

#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn cross_origin_drops_credentials() {
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
            Method::Get,
            to(&format!("{b}/anything"), 302),
        ))
        .expect("url", format!("{b}/anything"))
        .expect("h:authorization", "-")
        .expect("h:cookie", "-")
        .expect("h:x-custom", "kept"),
        creds(Case::new(
            "POST -> 307 -> other port",
            Method::Post,
            to(&format!("{b}/anything"), 307),
        ))
        .body("still here")
        .expect("method", "POST")
        .expect("body", "still here")
        .expect("h:authorization", "-")
        .expect("h:cookie", "-"),
        creds(Case::new(
            "PUT -> 303 -> other port",
            Method::Put,
            to(&format!("{b}/anything"), 303),
        ))
        .body("gone")
        .expect("method", "GET")
        .expect("body", "")
        .expect("h:authorization", "-")
        .expect("h:cookie", "-")
        .expect("h:x-custom", "kept")
        .differs("h:content-type", CT_KEPT),
        creds(Case::new(
            "same origin keeps them",
            Method::Get,
            to(&format!("{a}/anything"), 302),
        ))
        .expect("h:authorization", "Bearer s3cret")
        .expect("h:cookie", "session=42"),
    ];
    // Back to the first origin: Fetch keeps them removed; curl sends them again.
    let back = to(
        &format!("{b}/redirect-to?url={}", enc(&format!("{a}/anything"))),
        302,
    );
    cases.push(
        creds(Case::new("A -> B -> A", Method::Get, back))
            .expect("url", format!("{a}/anything"))
            .expect("redirects", "2")
            .expect("h:authorization", "-")
            .expect("h:cookie", "-")
            .expect("h:x-custom", "kept")
            .differs(
                "h:authorization",
                "curl sends custom credentials whenever the hop's host and port equal the first \
                 request's; Fetch removes them for the rest of the chain after any cross-origin hop",
            )
            .differs("h:cookie", "as for Authorization"),
    );
    // Same server, other host name: another origin too.
    if let Some(local) = a.strip_prefix("http://127.0.0.1:") {
        let resolves = std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80)).is_ok();
        if resolves {
            cases.push(
                creds(Case::new(
                    "127.0.0.1 -> 302 -> localhost",
                    Method::Get,
                    to(&format!("http://localhost:{local}/anything"), 302),
                ))
                .expect("url", format!("http://localhost:{local}/anything"))
                .expect("h:authorization", "-")
                .expect("h:cookie", "-"),
            );
        } else {
            eprintln!("e2e note: `localhost` does not resolve here; host-name case not run");
        }
    }
    check(&cases);
}

// ---------------------------------------------------------------------------------------
// The headers a redirect rewrites, bad ports and 101: httpbin, curl, and servers of their
// own.

const CURL_REFERER: &str = "curl sends a -H Referer value as it is on every request; Fetch \
    recomputes it on each hop with the referrer policy (strict-origin-when-cross-origin)";
const CURL_ORIGIN: &str = "curl forwards a -H Origin value as it is; Fetch sends `null` once \
    the chain is redirect-tainted (a hop from an origin other than the request's own to yet \
    another origin)";
const CURL_HOST: &str = "curl before 8.21.0 keeps a custom Host on any redirect to the same \
    host name, another port included; the machine keeps it on the same authority only";

/// The `curl` in use, as (major, minor, patch).
fn curl_version() -> (u32, u32, u32) {
    let out = Command::new("curl")
        .arg("--version")
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.split_whitespace().nth(1).unwrap_or("");
    let mut parts = version.split('.').map(|p| {
        p.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0)
    });
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

/// `Referer`, `Origin` and a caller-set `Host` as httpbin receives them after real hops, with
/// the default `fetch` policy, compared with `curl -L` given the same `-H` headers.
///
/// There is no TLS server here (and the example client speaks plain `http` only), so the
/// https page is the referrer the caller gives: `https://app.example/page?token=...`. Every
/// loopback host is "potentially trustworthy" (Secure Contexts: `127.0.0.0/8`, `::1`,
/// `localhost`), so a hop from that https referrer to `127.0.0.1` is not a downgrade (the
/// origin is sent); the downgrade is a hop to `[::ffff:7f00:1]`, the IPv4-mapped IPv6 form
/// of 127.0.0.1, which is not in those ranges and reaches the same server through the
/// kernel (skipped, with a note, where it does not connect).
#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn referer_origin_and_host_across_hops() {
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
            Method::Get,
            to(&format!("{a}/anything"), 302),
        )
        .header("Referer", page.clone())
        .expect("h:referer", page.clone()),
        Case::new(
            "Referer: cross-origin hop, the origin only",
            Method::Get,
            to(&format!("{b}/anything"), 307),
        )
        .header("Referer", page.clone())
        .expect("url", format!("{b}/anything"))
        .expect("h:referer", format!("{a}/"))
        .differs("h:referer", CURL_REFERER),
        Case::new(
            "Referer from an https page: cross-origin hop, the origin only",
            Method::Get,
            to(&format!("{b}/anything"), 307),
        )
        .header("Referer", secure)
        .expect("h:referer", "https://app.example/")
        .differs("h:referer", CURL_REFERER),
    ];
    let mapped = format!("[::ffff:7f00:1]:{b_port}");
    let connects = mapped
        .parse::<std::net::SocketAddr>()
        .is_ok_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_ok());
    if connects {
        cases.push(
            Case::new(
                "Referer from an https page: downgrading hop, none",
                Method::Get,
                to(&format!("http://{mapped}/anything"), 307),
            )
            .header("Referer", secure)
            .expect("url", format!("http://{mapped}/anything"))
            .expect("h:host", mapped.clone())
            .expect("h:referer", "-")
            .differs("h:referer", CURL_REFERER),
        );
    } else {
        eprintln!("e2e note: {mapped} does not connect here; the downgrading Referer case not run");
    }
    // Origin, set for the first URL's own origin (no referrer: the request's origin is A).
    cases.push(
        Case::new(
            "Origin: A -> B keeps it",
            Method::Get,
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
        Case::new("Origin: A -> B -> A is null", Method::Get, back)
            .header("Origin", a.clone())
            .expect("url", format!("{a}/anything"))
            .expect("redirects", "2")
            .expect("h:origin", "null")
            .differs("h:origin", CURL_ORIGIN),
    );
    // A caller-set Host.
    cases.push(
        Case::new(
            "Host: same authority keeps the caller's",
            Method::Get,
            to(&format!("{a}/anything"), 302),
        )
        .header("Host", "vhost.internal")
        .expect("h:host", "vhost.internal"),
    );
    let mut other_port = Case::new(
        "Host: same host name, other port, the URL's",
        Method::Get,
        to(&format!("{b}/anything"), 302),
    )
    .header("Host", "vhost.internal")
    .expect("h:host", b_authority.clone());
    if curl_version() < (8, 21, 0) {
        other_port = other_port.differs("h:host", CURL_HOST);
    }
    cases.push(other_port);
    if let Some(port) = a.strip_prefix("http://127.0.0.1:") {
        if std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80)).is_ok() {
            cases.push(
                Case::new(
                    "Host: other host name, the URL's",
                    Method::Get,
                    to(&format!("http://localhost:{port}/anything"), 302),
                )
                .header("Host", "vhost.internal")
                .expect("h:host", format!("localhost:{port}")),
            );
        }
    }
    check(&cases);
}

/// A listener on 127.0.0.1 that answers every request `200` with its body and counts the
/// connections.
struct CountingListener {
    port: u16,
    accepted: Arc<AtomicUsize>,
}

impl CountingListener {
    /// Listens on `port` (0: one the OS chooses).
    fn bind(port: u16, body: &'static [u8]) -> std::io::Result<CountingListener> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let port = listener.local_addr()?.port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&accepted);
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let (mut head, mut chunk) = (Vec::new(), [0u8; 4096]);
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&chunk[..n]),
                    }
                }
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(body);
            }
        });
        Ok(CountingListener { port, accepted })
    }

    /// A listener on a port of Fetch's bad-port list above 1024 (no privilege needed).
    fn on_bad_port() -> CountingListener {
        for port in redirects::BAD_PORTS.into_iter().filter(|&p| p > 1024) {
            if let Ok(listener) = CountingListener::bind(port, b"reached the bad port\n") {
                return listener;
            }
        }
        panic!("no port of the bad-port list above 1024 is free on 127.0.0.1");
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// httpbin redirects to a bad port where a server does listen: the machine refuses the
/// redirect (`blocked_port`) and its client never connects there; `curl -L`, which has no
/// bad-port list, connects and gets the listener's answer.
#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn bad_port_refused_before_any_connection() {
    let (a, _) = servers();
    let bad = CountingListener::on_bad_port();
    let target = format!("http://127.0.0.1:{}/", bad.port);
    let url = format!("{a}/redirect-to?url={}&status_code=302", enc(&target));
    let opts = Options::new(Method::Get, &url);
    let mut trace = Vec::new();
    let result = blocking::run(&opts, &mut trace);
    let trace = String::from_utf8_lossy(&trace);
    match result {
        Err(ClientError::Redirect(e)) => {
            let want = redirects::Error::BlockedPort {
                status: 302,
                port: bad.port,
            };
            assert_eq!(e, want, "{trace}");
            assert_eq!(e.code(), "blocked_port");
        }
        Err(e) => panic!("not blocked_port: {e}\n{trace}"),
        Ok(outcome) => panic!("followed to {}\n{trace}", outcome.url),
    }
    assert_eq!(trace.matches("* Connecting to").count(), 1, "{trace}");
    assert_eq!(
        bad.accepted(),
        0,
        "the client connected to the bad port:\n{trace}"
    );
    eprintln!(
        "e2e ok: 302 to port {} refused with blocked_port; one connection (httpbin), none to \
         the bad port",
        bad.port
    );

    let out = Command::new("curl")
        .args(["-sS", "-L", "--max-time", "30", "-o", "/dev/null"])
        .args(["-w", "%{http_code} %{num_redirects} %{url_effective}"])
        .arg(&url)
        .output()
        .expect("run curl");
    let got = String::from_utf8_lossy(&out.stdout);
    assert_eq!(got, format!("200 1 {target}"), "curl -L");
    assert_eq!(bad.accepted(), 1, "curl -L did not connect to the bad port");
    eprintln!(
        "e2e ok: curl -L followed the same redirect to port {} (differs on purpose: curl has \
         no bad-port list)",
        bad.port
    );
}

/// The example programs, run as a user runs them (`cargo run`, from this package's
/// directory; `CARGO_TARGET_DIR` is inherited).
#[derive(Debug, Clone, Copy)]
enum Example {
    /// `cargo run --example follow`.
    Follow,
    /// `cargo run -p redirects-example-tokio`.
    Tokio,
}

impl Example {
    fn run(self, args: &[String]) -> Output {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["run", "--quiet"]);
        match self {
            Example::Follow => cmd.args(["--example", "follow"]),
            Example::Tokio => cmd.args(["-p", "redirects-example-tokio"]),
        };
        cmd.arg("--").args(args);
        cmd.output()
            .unwrap_or_else(|e| panic!("cargo run {self:?}: {e}"))
    }
}

/// Private targets blocked, end to end. httpbin, under the name `public.test`, answers `302` to
/// `http://internal.test:<port>/get`; both names are `--resolve`d to 127.0.0.1 (httpbin's
/// address, and a listener that counts connections), and the chain is declared public
/// (`--start-space public`: `public.test`'s own `--resolve` address is then taken as
/// public). Each example program, run with its command line:
///
/// - `--block-private`, and `--profile strict`: exits with `private_target`, a message
///   naming `internal.test`, 127.0.0.1 and both spaces, and one connection (httpbin's):
///   the listener sees none;
/// - `--block-private` without `--start-space`: `public.test`'s own 127.0.0.1 is checked
///   too, and refused before any connection;
/// - the policy off: followed to the listener's `200`.
///
/// `curl -L` with the same `--resolve` follows it too (differs on purpose: curl has no
/// address-space rule).
#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn private_network_redirect_refused_by_the_examples() {
    let (a, _) = servers();
    let a = redirects::Url::parse(&a).expect("HTTPBIN_URL");
    let (ip_a, port_a) = match (a.host(), a.port()) {
        (Some(url::Host::Ipv4(ip)), Some(port)) if ip.is_loopback() => (ip, port),
        _ => panic!("{a}: this test wants httpbin on 127.0.0.0/8 with a port"),
    };
    let internal = CountingListener::bind(0, b"reached internal.test\n").expect("bind 127.0.0.1");
    let target = format!("http://internal.test:{}/get", internal.port);
    let url = format!(
        "http://public.test:{port_a}/redirect-to?url={}&status_code=302",
        enc(&target)
    );
    let resolve = [
        "--resolve".to_owned(),
        format!("public.test:{port_a}:{ip_a}"),
        "--resolve".to_owned(),
        format!("internal.test:{}:127.0.0.1", internal.port),
    ];
    let command = |before: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = before.iter().map(|s| s.to_string()).collect();
        args.extend(resolve.iter().cloned());
        args.push(url.clone());
        args
    };
    let refusal = "error: 302 redirect to internal.test (resolved to 127.0.0.1) goes into a \
        local address, less public than the public space the chain started in [private_target]";
    for example in [Example::Follow, Example::Tokio] {
        for on in [
            &["--block-private", "--start-space", "public"][..],
            &["--profile", "strict", "--start-space", "public"],
        ] {
            let (args, before) = (command(on), internal.accepted());
            let out = example.run(&args);
            let (stdout, stderr) = (
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
            );
            let context = format!("{example:?} {args:?}\n{stderr}");
            assert_eq!(out.status.code(), Some(1), "{context}");
            assert!(stderr.contains(refusal), "{context}");
            assert!(
                stderr.contains(
                    "* 127.0.0.1: a local address, less public than the public space the chain \
                     started in: refused, no connection made"
                ),
                "{context}"
            );
            assert!(stderr.contains("< HTTP/1.1 302"), "{context}");
            assert_eq!(stderr.matches("* Connecting to").count(), 1, "{context}");
            assert!(stdout.is_empty(), "{context}");
            assert_eq!(internal.accepted(), before, "{context}");
            eprintln!(
                "e2e ok: {example:?} {}: the 302 to internal.test (127.0.0.1) refused with \
                 private_target; one connection (httpbin), none to internal.test",
                on.join(" ")
            );
        }

        // Without --start-space, public.test's own 127.0.0.1 is checked: refused at once.
        let (args, before) = (command(&["--block-private"]), internal.accepted());
        let out = example.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let context = format!("{example:?} {args:?}\n{stderr}");
        assert_eq!(out.status.code(), Some(1), "{context}");
        assert!(
            stderr.contains(
                "error: request to public.test (resolved to 127.0.0.1) goes into a local \
                 address, less public than the public space the chain started in \
                 [private_target]"
            ),
            "{context}"
        );
        assert_eq!(stderr.matches("* Connecting to").count(), 0, "{context}");
        assert_eq!(internal.accepted(), before, "{context}");
        eprintln!(
            "e2e ok: {example:?} --block-private without --start-space: public.test's own \
             127.0.0.1 refused before any connection"
        );

        // The policy off: followed to the end.
        let before = internal.accepted();
        let args = command(&["--start-space", "public"]);
        let out = example.run(&args);
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        let context = format!("{example:?} {args:?}\n{stderr}");
        assert_eq!(out.status.code(), Some(0), "{context}");
        assert_eq!(stdout, "reached internal.test\n", "{context}");
        assert!(
            stderr.contains(&format!("* Final: 200 OK at {target} after 1 redirect(s)")),
            "{context}"
        );
        let said = |l: &str| l.starts_with("* 127.0.0.1:") || l.starts_with("*   address space");
        assert!(
            !stderr.lines().any(said),
            "nothing said when off:\n{context}"
        );
        assert_eq!(internal.accepted(), before + 1, "{context}");
        eprintln!("e2e ok: {example:?} with the policy off: followed to internal.test's 200");
    }

    let before = internal.accepted();
    let out = Command::new("curl")
        .args(["-sS", "-L", "--max-time", "30", "-o", "/dev/null"])
        .args(["-w", "%{http_code} %{num_redirects} %{url_effective}"])
        .args(&resolve)
        .arg(&url)
        .output()
        .expect("run curl");
    let got = String::from_utf8_lossy(&out.stdout);
    assert_eq!(got, format!("200 1 {target}"), "curl -L");
    assert_eq!(
        internal.accepted(),
        before + 1,
        "curl -L did not reach internal.test"
    );
    eprintln!(
        "e2e ok: curl -L --resolve followed the same redirect to internal.test (differs on \
         purpose: curl has no address-space rule)"
    );
}

/// The 101 server's base URL (`UPGRADE_URL`, started by `.ci/e2e.sh`). Panics when it is not
/// set or does not answer.
fn upgrade_server() -> String {
    let url = std::env::var("UPGRADE_URL").ok().filter(|v| !v.is_empty());
    let url = url.unwrap_or_else(|| panic!("UPGRADE_URL is not set: {NEEDS_HTTPBIN}"));
    let url = url.trim_end_matches('/').to_owned();
    let addr = redirects::Url::parse(&url)
        .ok()
        .and_then(|u| u.socket_addrs(|| None).ok())
        .and_then(|addrs| addrs.into_iter().next())
        .unwrap_or_else(|| panic!("{url}: no address"));
    if let Err(e) = TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {
        panic!("the upgrade server at {url} does not answer ({e}): {NEEDS_HTTPBIN}");
    }
    url
}

/// A real `101 Switching Protocols` (a WebSocket opening handshake with Python's HTTP
/// server) ends the chain: it is the final response, not a redirect (a `Location` on it is
/// not followed), with no HTTP body (the WebSocket bytes after the head are not read as
/// one); after a 307 too, from the same origin (the 101 comes on the kept connection) and
/// from another one (`localhost`). A final response has no `can_reuse_connection` to ask: the
/// caller hands the connection to the new protocol. (httpbin cannot be the redirecting hop:
/// Werkzeug answers 400 to any request carrying `Upgrade: websocket` outside a WebSocket
/// route.) Not compared with curl, whose `-L` has no WebSocket handshake to run here.
#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn upgrade_101_is_final_not_a_redirect() {
    let up = upgrade_server();
    // RFC 6455 §1.3: this nonce's Sec-WebSocket-Accept.
    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
    const ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    let handshake = |url: &str| {
        Options::new(Method::Get, url)
            .header("Connection", "Upgrade")
            .header("Upgrade", "websocket")
            .header("Sec-WebSocket-Key", KEY)
            .header("Sec-WebSocket-Version", "13")
    };
    let run = |opts: &Options| {
        let mut trace = Vec::new();
        let outcome = blocking::run(opts, &mut trace);
        let trace = String::from_utf8_lossy(&trace).into_owned();
        (outcome.unwrap_or_else(|e| panic!("{e}\n{trace}")), trace)
    };

    let direct = format!("{up}/ws-with-location");
    let (outcome, trace) = run(&handshake(&direct));
    assert_eq!(outcome.head.status, 101, "{trace}");
    assert_eq!(outcome.url.as_str(), direct, "{trace}");
    assert_eq!(
        outcome.hops.len(),
        0,
        "a Location on a 101 is followed:\n{trace}"
    );
    assert_eq!(
        outcome.head.header("Location").as_deref(),
        Some("/not-a-redirect")
    );
    assert_eq!(
        outcome.head.header("Sec-WebSocket-Accept").as_deref(),
        Some(ACCEPT)
    );
    assert!(outcome.body.is_empty(), "{trace}");
    assert_eq!((outcome.sent.len(), outcome.connections), (1, 1), "{trace}");
    eprintln!("e2e ok: 101 with a Location is final, nothing followed");

    // After a 307 from the same origin, and from another one.
    let mut cases = vec![(format!("{up}/redirect?to=%2Fws"), format!("{up}/ws"), true)];
    match up.strip_prefix("http://127.0.0.1:") {
        Some(port) if std::net::ToSocketAddrs::to_socket_addrs(&("localhost", 80)).is_ok() => {
            let other = format!("http://localhost:{port}/ws");
            cases.push((format!("{up}/redirect?to={}", enc(&other)), other, false));
        }
        _ => eprintln!("e2e note: `localhost` does not resolve here; cross-origin 101 not run"),
    }
    for (url, end, same_origin) in cases {
        let (outcome, trace) = run(&handshake(&url));
        assert_eq!(outcome.head.status, 101, "{trace}");
        assert_eq!(outcome.url.as_str(), end, "{trace}");
        assert_eq!(outcome.hops.len(), 1, "{trace}");
        assert_eq!(outcome.hops[0].reuse, same_origin, "{trace}");
        let sent = &outcome.sent[1].headers;
        let has = |name: &str, value: &str| sent.iter().any(|(n, v)| n == name && v == value);
        assert!(
            has("Sec-WebSocket-Key", KEY) && has("Upgrade", "websocket"),
            "{trace}"
        );
        assert_eq!(
            outcome.head.header("Sec-WebSocket-Accept").as_deref(),
            Some(ACCEPT)
        );
        assert!(outcome.body.is_empty(), "{trace}");
        let connections = if same_origin { 1 } else { 2 };
        assert_eq!(outcome.connections, connections, "{trace}");
        eprintln!("e2e ok: 307 to {end}, then the 101 is final ({connections} connection(s))");
    }
}

/// The `curl` policy against real `curl -L`, for the command lines whose redirects libcurl
/// decides by where the body comes from: `-X PUT -d`, `-X DELETE -d` and
/// `-X POST` without a body, on 301, 302 and 303, then httpbin's `/anything` echo. curl
/// keeps the `-X` method on every one; the `-d` body is dropped ("Stick to PUT instead of
/// GET"), and with it `Content-Length` and curl's own form `Content-Type`. The machine is
/// told each command line with `Request::curl`, and for `-X DELETE -d` it is also left to
/// assume it (`CurlRequest::assumed`: a DELETE with a body is `-X DELETE -d`). No
/// difference from curl is declared: any is a failure.
#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn curl_profile_decides_by_body_source() {
    let (a, _) = servers();
    let data = CurlRequest {
        body: CurlBody::Data,
        forced_method: true,
    };
    let no_body = CurlRequest {
        body: CurlBody::None,
        forced_method: true,
    };
    let mut cases = Vec::new();
    for status in [301, 302, 303] {
        let url = format!("{a}/redirect-to?url=%2Fanything&status_code={status}");
        let lines = [
            (
                "-X PUT -d make=Volvo",
                Method::Put,
                data,
                Some("make=Volvo"),
                false,
            ),
            (
                "-X DELETE -d make=Volvo",
                Method::Delete,
                data,
                Some("make=Volvo"),
                false,
            ),
            (
                "DELETE with a body, assumed",
                Method::Delete,
                data,
                Some("make=Volvo"),
                true,
            ),
            ("-X POST (no body)", Method::Post, no_body, None, false),
        ];
        for (line, method, curl, body, assumed) in lines {
            let mut case = Case::new(format!("curl {line} -> {status}"), method, url.clone())
                .header("X-Custom", "kept")
                .curl_request(curl, body)
                .expect("url", format!("{a}/anything"))
                .expect("status", "200")
                .expect("redirects", "1")
                .expect("method", method.as_str())
                .expect("body", "")
                .expect("h:content-length", "-")
                .expect("h:content-type", "-")
                .expect("h:x-custom", "kept");
            case.machine_assumes = assumed;
            cases.push(case);
        }
    }
    check(&cases);
}

/// A listener and the connections queued on it, never accepted.
type Held = (socket2::Socket, Vec<TcpStream>);

/// Binds `n` listeners on the same free port of 127.0.0.1, 127.0.0.2, ... (all loopback)
/// with a backlog of 0, and fills each one's accept queue with a connection it never
/// accepts: the kernel then drops every new SYN, so a connect to any of them hangs until
/// its timeout. Returns the port, the addresses, and what must stay open meanwhile.
fn silent_listeners(n: u8) -> (u16, Vec<std::net::IpAddr>, Vec<Held>) {
    use socket2::{Domain, Socket, Type};
    use std::net::{IpAddr, Ipv4Addr, SocketAddr};
    'port: for _ in 0..20 {
        let mut held = Vec::new();
        let mut port = 0;
        let mut ips = Vec::new();
        for i in 1..=n {
            let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, i));
            let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
            if socket.bind(&SocketAddr::new(ip, port).into()).is_err() {
                continue 'port; // that port is taken on this address: another one
            }
            socket.listen(0).expect("listen");
            let addr = socket.local_addr().unwrap().as_socket().unwrap();
            port = addr.port();
            // One queued connection fills a backlog of 0; stop at the first that hangs.
            let mut queued = Vec::new();
            while let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
                queued.push(s);
                assert!(queued.len() < 64, "the backlog does not fill");
            }
            ips.push(ip);
            held.push((socket, queued));
        }
        return (port, ips, held);
    }
    panic!("no port free on 127.0.0.1-{n}");
}

/// Six silent addresses with a connect timeout of 10 s each end at the chain's deadline
/// (30 s), not after 60 s: every wait is cut to what is left of the deadline, not only
/// checked between actions.
#[test]
fn six_silent_addresses_end_at_the_chain_deadline() {
    let (port, ips, _held) = silent_listeners(6);
    let mut opts = Options::new(Method::Get, &format!("http://silent.test:{port}/"));
    opts.resolve.push(common::driver::Resolve {
        host: "silent.test".into(),
        port,
        addrs: ips,
    });
    opts.io_timeout = Duration::from_secs(2);
    opts.deadline = Duration::from_secs(3);
    let started = std::time::Instant::now();
    let mut trace = Vec::new();
    let outcome = blocking::run(&opts, &mut trace);
    let took = started.elapsed();
    let trace = String::from_utf8_lossy(&trace);
    assert!(
        matches!(outcome, Err(ClientError::Deadline)),
        "{outcome:?}\n{trace}"
    );
    // Six addresses at 2 s each would be 12 s.
    assert!(took < Duration::from_secs(5), "took {took:?}\n{trace}");
    assert!(
        took >= Duration::from_millis(2900),
        "took {took:?}\n{trace}"
    );
}

/// A read that times out says so (it read "Resource temporarily unavailable (os error
/// 11)").
#[test]
fn a_read_timeout_says_so() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut opts = Options::new(Method::Get, &format!("http://127.0.0.1:{port}/"));
    opts.io_timeout = Duration::from_millis(500);
    let mut trace = Vec::new();
    let outcome = blocking::run(&opts, &mut trace);
    let Err(ClientError::Io(e)) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
    assert_eq!(e.to_string(), "read timed out (nothing for 0.5 s)");
    drop(listener);
}

// ---------------------------------------------------------------------------------------
// Cookies: the `follow` example's `-b FILE -c FILE` against `curl -L -b -c`.

/// How one command ended: final URL, status, the cookies httpbin's `/cookies` echoed
/// (`-` when the body is no such echo), and the cookie file it wrote (cookie lines only,
/// sorted).
#[derive(Debug, PartialEq)]
struct CookieRun {
    url: String,
    status: String,
    cookies: String,
    file: Vec<String>,
}

fn echoed_cookies(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("cookies").cloned())
        .map_or("-".into(), |c| c.to_string())
}

fn cookie_file(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    common::cookies::lines(&text)
}

/// `cargo run --example follow -- -b FILE -c FILE URL`.
fn follow_with_jar(file: &std::path::Path, url: &str) -> CookieRun {
    let file_arg = file.to_string_lossy().into_owned();
    let args = ["-b", &file_arg, "-c", &file_arg, url].map(String::from);
    let out = Example::Follow.run(&args);
    let trace = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "follow {url}: {trace}");
    let last = |prefix: &str| {
        trace
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or("")
            .to_owned()
    };
    // `* Final: 200 OK at URL after ...`
    let fin = last("* Final: ");
    let status = fin.split(' ').next().unwrap_or("").to_owned();
    let url = fin
        .split(" at ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or("")
        .to_owned();
    CookieRun {
        url,
        status,
        cookies: echoed_cookies(&out.stdout),
        file: cookie_file(file),
    }
}

/// `curl -sS -L -b FILE -c FILE URL`.
fn curl_with_jar(file: &std::path::Path, url: &str) -> CookieRun {
    let body = file.with_extension("body");
    let out = Command::new("curl")
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
    let w = String::from_utf8_lossy(&out.stdout);
    let mut w = w.lines();
    CookieRun {
        url: w.next().unwrap_or("").to_owned(),
        status: w.next().unwrap_or("").to_owned(),
        cookies: echoed_cookies(&std::fs::read(&body).unwrap_or_default()),
        file: cookie_file(file),
    }
}

/// A chain of commands sharing one cookie file, run by the `follow` example and by
/// `curl -L`, each with its own file: after each command the final URL, status, the
/// cookies httpbin received at the end and the cookie file must be the same, and the
/// cookies received must be the expected ones. The two httpbin servers are two hosts here,
/// `127.0.0.1` and `localhost` (cookies ignore ports: two ports of one host would share
/// them): a cookie set by one never reaches the other, across a redirect either way.
#[test]
#[ignore = "needs httpbin: run bash .ci/e2e.sh"]
fn cookie_jar_files_match_curl() {
    let (a, b) = servers();
    let b = b.replacen("127.0.0.1", "localhost", 1);
    assert!(
        b.contains("localhost"),
        "HTTPBIN_URL2 {b} is not on 127.0.0.1"
    );
    let dir = std::env::temp_dir();
    let tag = format!("redirects-e2e-{}-cookies", std::process::id());
    let (ours, theirs) = (
        dir.join(format!("{tag}-follow.txt")),
        dir.join(format!("{tag}-curl.txt")),
    );
    for f in [&ours, &theirs] {
        let _ = std::fs::remove_file(f);
    }
    // (what, first URL, cookies the final /cookies must show, the cookie line curl's file
    // keeps that ours does not)
    let a_line = "127.0.0.1\tFALSE\t/\tFALSE\t0\ta\t1";
    let steps = [
        (
            "a 302 sets a=1, the next hop carries it",
            format!("{a}/cookies/set?a=1"),
            r#"{"a":"1"}"#,
            None,
        ),
        (
            "the file's cookie goes on the first request, b=2 is added",
            format!("{a}/cookies/set?b=2"),
            r#"{"a":"1","b":"2"}"#,
            None,
        ),
        (
            "localhost sets c=3: its own host only",
            format!("{b}/cookies/set?c=3"),
            r#"{"c":"3"}"#,
            None,
        ),
        (
            "127.0.0.1 -> localhost: only localhost's cookie arrives",
            format!("{a}/redirect-to?url={}", enc(&format!("{b}/cookies"))),
            r#"{"c":"3"}"#,
            None,
        ),
        (
            "localhost -> 127.0.0.1: only 127.0.0.1's cookies arrive",
            format!("{b}/redirect-to?url={}", enc(&format!("{a}/cookies"))),
            r#"{"a":"1","b":"2"}"#,
            None,
        ),
        // curl 7.88 deletes it for the rest of the chain (the final /cookies shows no `a`)
        // but writes the -b file's `a=1` back into the -c file (reproduced with two
        // different files too): the deletion is lost for the next command. The RFC says
        // deleted; our file has no `a`.
        (
            "/cookies/delete?a deletes a (Max-Age=0 and a past Expires)",
            format!("{a}/cookies/delete?a"),
            r#"{"b":"2"}"#,
            Some(a_line),
        ),
    ];
    let mut failures = Vec::new();
    for (what, url, want, curl_keeps) in &steps {
        let (mine, mut curl) = (follow_with_jar(&ours, url), curl_with_jar(&theirs, url));
        eprintln!("e2e cookies: {what}\n  follow: {mine:?}\n  curl:   {curl:?}");
        if mine.cookies != *want {
            failures.push(format!("{what}: follow got {}, want {want}", mine.cookies));
        }
        if let Some(line) = curl_keeps {
            let before = curl.file.len();
            curl.file.retain(|l| l != line);
            if curl.file.len() == before {
                failures.push(format!(
                    "{what}: declared difference gone, curl dropped {line:?}"
                ));
            }
        }
        if mine != curl {
            failures.push(format!("{what}: follow {mine:?} != curl {curl:?}"));
        }
    }
    for f in [&ours, &theirs] {
        let _ = std::fs::remove_file(f);
        let _ = std::fs::remove_file(f.with_extension("body"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
