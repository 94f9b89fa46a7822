//! Side by side with reqwest 0.13's own redirect handling (`redirect::Policy::default()`:
//! up to 10 redirects, its sensitive-header rule, its `Referer`), against the same reqwest
//! client with `redirect::Policy::none()` under this crate's middleware with
//! `Policy::fetch()`. Both talk to the same in-test hyper servers on 127.0.0.1 (two
//! servers are two origins; `localhost` names a different host than `127.0.0.1`).
//!
//! Each table is printed (`cargo test -p redirects-reqwest --test side_by_side --
//! --nocapture`), every cell is asserted, and the tables must appear verbatim in the
//! crate's README.

#[path = "../../redirects-tower/tests/common/mod.rs"]
mod common;

use common::{Received, Route, Server};
use redirects::Policy;
use redirects_reqwest::FollowRedirects;

const THEIRS: &str = "reqwest 0.13, its redirect policy";
const OURS: &str = "redirects-reqwest, `Policy::fetch()`";

/// Which client runs a chain.
#[derive(Debug, Clone, Copy)]
enum Client {
    Reqwest,
    Ours,
}

const CLIENTS: [Client; 2] = [Client::Reqwest, Client::Ours];

fn client(which: Client, cookies: bool) -> reqwest_middleware::ClientWithMiddleware {
    client_with(which, cookies, reqwest::Client::builder())
}

/// `b.test` resolves to `server`'s address (reqwest's DNS override): a host that is not
/// loopback by name, so not a potentially trustworthy URL over `http`.
fn resolving_b_test(server: &Server) -> reqwest::ClientBuilder {
    reqwest::Client::builder().resolve("b.test", server.addr)
}

fn client_with(
    which: Client,
    cookies: bool,
    builder: reqwest::ClientBuilder,
) -> reqwest_middleware::ClientWithMiddleware {
    let builder = builder.no_proxy().cookie_store(cookies);
    match which {
        Client::Reqwest => {
            reqwest_middleware::ClientBuilder::new(builder.build().expect("client")).build()
        }
        Client::Ours => {
            let inner = builder
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            reqwest_middleware::ClientBuilder::new(inner)
                .with(FollowRedirects::new(Policy::fetch()))
                .build()
        }
    }
}

/// One row: what, then a cell per client.
type Row = (String, [String; 2]);

fn table(what: &str, rows: &[Row]) -> String {
    let mut out = format!("| {what} | {THEIRS} | {OURS} |\n|---|---|---|\n");
    for (field, [a, b]) in rows {
        out.push_str(&format!("| {field} | {a} | {b} |\n"));
    }
    out
}

fn assert_rows(rows: &[Row], want: &[(&str, [&str; 2])]) {
    assert_eq!(rows.len(), want.len());
    for ((field, cells), (want_field, want_cells)) in rows.iter().zip(want) {
        assert_eq!(field, want_field);
        assert_eq!(cells, want_cells, "{field}");
    }
}

/// `-` for "not received"; header values in backticks.
fn cell(received: Option<&Received>, field: &str) -> String {
    let Some(r) = received else {
        return "(no request)".into();
    };
    let value = match field {
        "method" => r.method.clone(),
        "body" => r.body_text(),
        name => r.header(name),
    };
    match value.as_str() {
        "-" => "-".into(),
        "" => "(empty)".into(),
        v => format!("`{v}`"),
    }
}

fn in_readme(table: &str) {
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(table),
        "redirects-reqwest/README.md does not have this table:\n{table}"
    );
}

/// `http://localhost:PORT/path` for a server: another host than `127.0.0.1` (for cookies).
fn localhost(server: &Server, path: &str) -> String {
    format!("http://localhost:{}{path}", server.addr.port())
}

/// The chain of Go CVE-2024-45336: A -> B drops the credentials (another origin); B -> B'
/// (B's origin, another path) must not bring them back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_on_a_to_b_to_b_prime() {
    let mut seen = Vec::new();
    for which in CLIENTS {
        let (a, b) = (Server::start().await, Server::start().await);
        a.redirect("/start", 302, &b.url("/one"));
        b.redirect("/one", 302, "/other-path");
        let res = client(which, false)
            .get(a.url("/start"))
            .header("authorization", "Bearer s3cret")
            .header("cookie", "sid=a-only")
            .send()
            .await
            .expect("chain");
        assert_eq!(res.status(), 200, "{which:?}");
        let at_b = b.received_at("/one").first().cloned();
        let at_b_prime = b.received_at("/other-path").first().cloned();
        seen.push([at_b, at_b_prime]);
    }
    let mut rows = Vec::new();
    for (hop, pick) in [("B", 0), ("B'", 1)] {
        for (name, label) in [("authorization", "Authorization"), ("cookie", "Cookie")] {
            let cells = [0, 1].map(|c| cell(seen[c][pick].as_ref(), name));
            rows.push((format!("{hop}: `{label}`"), cells));
        }
    }
    let printed = table("what reached", &rows);
    println!("\nA -> 302 -> B -> 302 -> B'\n\n{printed}");
    // reqwest builds every redirect from the first request's headers and removes the
    // sensitive ones only when the hop changes host, port or scheme: B -> B' does not, so
    // A's credentials go to B'. The machine never sends them again once removed.
    assert_rows(
        &rows,
        &[
            ("B: `Authorization`", ["-", "-"]),
            ("B: `Cookie`", ["-", "-"]),
            ("B': `Authorization`", ["`Bearer s3cret`", "-"]),
            ("B': `Cookie`", ["`sid=a-only`", "-"]),
        ],
    );
    in_readme(&printed);
}

/// POST with a body and its headers, answered 303.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_then_303() {
    let mut seen = Vec::new();
    for which in CLIENTS {
        let a = Server::start().await;
        a.redirect("/form", 303, "/result");
        let res = client(which, false)
            .post(a.url("/form"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("content-language", "en")
            .header("x-custom", "kept")
            .body("make=Volvo&model=240")
            .send()
            .await
            .expect("chain");
        assert_eq!(res.status(), 200, "{which:?}");
        seen.push(a.received_at("/result").first().cloned());
    }
    let fields = [
        ("method", "method"),
        ("body", "body"),
        ("content-type", "`Content-Type`"),
        ("content-length", "`Content-Length`"),
        ("content-language", "`Content-Language`"),
        ("x-custom", "`X-Custom`"),
    ];
    let rows: Vec<Row> = fields
        .iter()
        .map(|(name, label)| {
            let cells = [0, 1].map(|c| cell(seen[c].as_ref(), name));
            (label.to_string(), cells)
        })
        .collect();
    let printed = table("sent to the 303's target", &rows);
    println!("\nPOST -> 303 -> target\n\n{printed}");
    assert_rows(
        &rows,
        &[
            ("method", ["`GET`", "`GET`"]),
            ("body", ["(empty)", "(empty)"]),
            ("`Content-Type`", ["-", "-"]),
            ("`Content-Length`", ["-", "-"]),
            // Fetch drops every request-body header with the body; reqwest drops
            // Content-Type, Content-Length, Content-Encoding and Transfer-Encoding.
            ("`Content-Language`", ["`en`", "-"]),
            ("`X-Custom`", ["`kept`", "`kept`"]),
        ],
    );
    in_readme(&printed);
}

/// POST answered 307: with a body reqwest can copy (bytes), and with a streamed one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_then_307() {
    let mut rows: Vec<Row> = Vec::new();
    let mut bytes_seen = Vec::new();
    let mut bytes_status = Vec::new();
    let mut streamed = Vec::new();
    for which in CLIENTS {
        let a = Server::start().await;
        a.redirect("/upload", 307, "/moved");
        let res = client(which, false)
            .post(a.url("/upload"))
            .header("content-type", "text/plain")
            .body("replay me")
            .send()
            .await
            .expect("chain");
        bytes_status.push(res.status().as_u16().to_string());
        bytes_seen.push(a.received_at("/moved").first().cloned());

        let b = Server::start().await;
        b.redirect("/upload", 307, "/moved");
        let chunks: Vec<Result<&'static str, std::io::Error>> = vec![Ok("streamed ")];
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
        let outcome = match client(which, false)
            .post(b.url("/upload"))
            .body(body)
            .send()
            .await
        {
            Ok(res) => res.status().as_u16().to_string(),
            Err(e) => match redirects_reqwest::Error::of(&e) {
                Some(redirects_reqwest::Error::Redirect(e)) => format!("`Err({e:?})`"),
                _ => format!("other error: {e}"),
            },
        };
        assert!(b.received_at("/moved").is_empty(), "{which:?}");
        streamed.push(outcome);
    }
    rows.push((
        "bytes body: status returned".into(),
        [0, 1].map(|c| bytes_status[c].clone()),
    ));
    for name in ["method", "body"] {
        rows.push((
            format!("bytes body: {name} at the 307's target"),
            [0, 1].map(|c| cell(bytes_seen[c].as_ref(), name)),
        ));
    }
    rows.push((
        "streamed body: the answer".into(),
        [0, 1].map(|c| streamed[c].clone()),
    ));
    let printed = table("POST -> 307", &rows);
    println!("\nPOST -> 307 -> target\n\n{printed}");
    assert_rows(
        &rows,
        &[
            ("bytes body: status returned", ["200", "200"]),
            (
                "bytes body: method at the 307's target",
                ["`POST`", "`POST`"],
            ),
            (
                "bytes body: body at the 307's target",
                ["`replay me`", "`replay me`"],
            ),
            (
                "streamed body: the answer",
                ["307", "`Err(BodyNotReplayable { status: 307 })`"],
            ),
        ],
    );
    in_readme(&printed);
}

/// `Referer` on a same-origin and a cross-origin hop, from a URL with a query: with no
/// referrer, and with one the caller gives (an `https` page). An `https` server is not run
/// (reqwest would need a TLS backend and the servers a certificate): the downgrade shown
/// is from the caller's `https` referrer to `http://b.test`, a name reqwest resolves to
/// the second server. `http://127.0.0.1` is loopback, potentially trustworthy (Secure
/// Contexts 3.1): going there from `https` is no downgrade.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referer() {
    let mut seen = Vec::new();
    for which in CLIENTS {
        let mut per_client = Vec::new();
        for given in [None, Some("https://app.example/search?q=s3cret")] {
            let (a, b) = (Server::start().await, Server::start().await);
            a.redirect("/page?token=s3cret", 302, "/same-origin");
            let b_test = format!("http://b.test:{}/cross-origin", b.addr.port());
            a.redirect("/same-origin", 302, &b_test);
            let mut req =
                client_with(which, false, resolving_b_test(&b)).get(a.url("/page?token=s3cret"));
            if let Some(referer) = given {
                req = req.header("referer", referer);
            }
            let res = req.send().await.expect("chain");
            assert_eq!(res.status(), 200, "{which:?}");
            // The ports are random: A and B in the table.
            let mask = |r: Option<Received>| {
                let r = r?;
                let value = r.header("referer");
                Some(
                    value
                        .replace(&a.addr.port().to_string(), "A")
                        .replace(&b.addr.port().to_string(), "B"),
                )
            };
            per_client.push([
                mask(a.received_at("/same-origin").first().cloned()),
                mask(b.received_at("/cross-origin").first().cloned()),
            ]);
        }
        seen.push(per_client);
    }
    let show = |v: &Option<String>| match v.as_deref() {
        None => "(no request)".to_owned(),
        Some("-") => "-".to_owned(),
        Some(v) => format!("`{v}`"),
    };
    let mut rows: Vec<Row> = Vec::new();
    for (g, given) in ["none", "`https://app.example/search?q=s3cret`"]
        .iter()
        .enumerate()
    {
        for (label, pick) in [("A' (A's origin)", 0), ("`http://b.test:B`", 1)] {
            let cells = [0, 1].map(|c| show(&seen[c][g][pick]));
            rows.push((format!("referrer {given}: at {label}"), cells));
        }
    }
    let printed = table("`Referer` sent", &rows);
    println!("\nGET http://127.0.0.1:A/page?token=s3cret -> 302 -> A' -> 302 -> B\n\n{printed}");
    // reqwest sends the URL that answered with the redirect (without credentials and
    // fragment), over the caller's. The machine sends the request's referrer under its
    // referrer policy (strict-origin-when-cross-origin by default): none when there is
    // none (a client's first request has no referrer page), the origin to another origin,
    // none from https to a URL that is not potentially trustworthy.
    assert_rows(
        &rows,
        &[
            (
                "referrer none: at A' (A's origin)",
                ["`http://127.0.0.1:A/page?token=s3cret`", "-"],
            ),
            (
                "referrer none: at `http://b.test:B`",
                ["`http://127.0.0.1:A/same-origin`", "-"],
            ),
            (
                "referrer `https://app.example/search?q=s3cret`: at A' (A's origin)",
                [
                    "`http://127.0.0.1:A/page?token=s3cret`",
                    "`https://app.example/`",
                ],
            ),
            (
                "referrer `https://app.example/search?q=s3cret`: at `http://b.test:B`",
                ["`http://127.0.0.1:A/same-origin`", "-"],
            ),
        ],
    );
    in_readme(&printed);
}

/// Cookies set on a 302, with reqwest's cookie store: the jar serves every hop in both
/// (the middleware runs above the client, which adds the jar's cookies to each request).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_on_a_302() {
    let mut seen = Vec::new();
    for which in CLIENTS {
        let a = Server::start().await;
        a.route(
            "/login",
            Route {
                status: 302,
                location: Some("/home".into()),
                headers: vec![("set-cookie".into(), "sid=from-302; Path=/".into())],
                body_len: 0,
            },
        );
        a.redirect("/home", 302, &localhost(&a, "/elsewhere"));
        let res = client(which, true)
            .get(a.url("/login"))
            .send()
            .await
            .expect("chain");
        assert_eq!(res.status(), 200, "{which:?}");
        let home = a.received_at("/home").first().cloned();
        let elsewhere = a.received_at("/elsewhere").first().cloned();
        seen.push([home, elsewhere]);
    }
    let rows: Vec<Row> = [
        ("/home (the 302's target, 127.0.0.1)", 0),
        ("/elsewhere (then a 302 to localhost)", 1),
    ]
    .iter()
    .map(|(label, pick)| {
        let cells = [0, 1].map(|c| cell(seen[c][*pick].as_ref(), "cookie"));
        (format!("`Cookie` at {label}"), cells)
    })
    .collect();
    let printed = table("302 with `Set-Cookie: sid=from-302`", &rows);
    println!("\nGET /login -> 302 (Set-Cookie) -> /home -> 302 -> localhost\n\n{printed}");
    assert_rows(
        &rows,
        &[
            (
                "`Cookie` at /home (the 302's target, 127.0.0.1)",
                ["`sid=from-302`", "`sid=from-302`"],
            ),
            (
                "`Cookie` at /elsewhere (then a 302 to localhost)",
                ["-", "-"],
            ),
        ],
    );
    in_readme(&printed);
}
