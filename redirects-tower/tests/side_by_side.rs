//! Side by side with tower-http's `FollowRedirect` with its default `Standard` policy, in
//! the version reqwest 0.13 uses (its manifest says `tower-http = "0.6.8"`; the lockfile
//! resolves that to the newest 0.6, 0.6.11, as a new reqwest 0.13 project does) and in
//! 0.7 (0.7.1: extensions forwarded, dropped cross-origin; header filtering cumulative,
//! tower-http #706). The three layers wrap hyper-util's client and run against the same
//! in-test servers: what each sends.
//!
//! Each table is printed (`cargo test -p redirects-tower --test side_by_side --
//! --nocapture`), every cell is asserted, and the tables must appear verbatim in the
//! crate's README.

mod common;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use common::{Proto, Received, Server, client, request};
use http_body_util::Full;
use redirects::Policy;
use tower::{ServiceBuilder, ServiceExt};

const COLUMNS: [&str; 3] = [
    "tower-http 0.6 `FollowRedirect`",
    "tower-http 0.7 `FollowRedirect`",
    "redirects-tower, `Policy::fetch()`",
];

/// Which layer runs a chain.
#[derive(Debug, Clone, Copy)]
enum Layer {
    TowerHttp06,
    TowerHttp07,
    Ours,
}

const LAYERS: [Layer; 3] = [Layer::TowerHttp06, Layer::TowerHttp07, Layer::Ours];

/// A request extension, to see which requests of a chain carry it.
#[derive(Debug, Clone, PartialEq)]
struct Tag(&'static str);

/// For each request the inner client was given: its URL and whether it had the [`Tag`].
type Seen = Arc<Mutex<Vec<(String, bool)>>>;

/// Runs one request through a layer over hyper-util's HTTP/1.1 client (behind a service
/// that records which requests carry the [`Tag`] extension, which the wire does not show);
/// returns the final status.
async fn run_seen(layer: Layer, req: http::Request<Full<Bytes>>, seen: Seen) -> u16 {
    let client = client::<Full<Bytes>>(Proto::Http1);
    let inner = tower::service_fn(move |req: http::Request<Full<Bytes>>| {
        seen.lock().unwrap().push((
            req.uri().to_string(),
            req.extensions().get::<Tag>().is_some(),
        ));
        client.clone().oneshot(req)
    });
    match layer {
        Layer::TowerHttp06 => {
            let svc = ServiceBuilder::new()
                .layer(tower_http::follow_redirect::FollowRedirectLayer::new())
                .service(inner);
            let res = svc.oneshot(req).await.expect("tower-http 0.6 chain");
            res.status().as_u16()
        }
        Layer::TowerHttp07 => {
            let svc = ServiceBuilder::new()
                .layer(tower_http_07::follow_redirect::FollowRedirectLayer::new())
                .service(inner);
            let res = svc.oneshot(req).await.expect("tower-http 0.7 chain");
            res.status().as_u16()
        }
        Layer::Ours => {
            let svc = ServiceBuilder::new()
                .layer(redirects_tower::FollowRedirectLayer::new(Policy::fetch()))
                .service(inner);
            svc.oneshot(req).await.expect("our chain").status().as_u16()
        }
    }
}

async fn run(layer: Layer, req: http::Request<Full<Bytes>>) -> u16 {
    run_seen(layer, req, Seen::default()).await
}

/// One row: what, then a cell per layer.
type Row = (String, [String; 3]);

/// A markdown table: a header row of `what` and the layers, then one row per field.
fn table(what: &str, rows: &[Row]) -> String {
    let [a, b, c] = COLUMNS;
    let mut out = format!("| {what} | {a} | {b} | {c} |\n|---|---|---|---|\n");
    for (field, [a, b, c]) in rows {
        out.push_str(&format!("| {field} | {a} | {b} | {c} |\n"));
    }
    out
}

/// Asserts rows against `(field, [0.6, 0.7, ours])`.
fn assert_rows(rows: &[Row], want: &[(&str, [&str; 3])]) {
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

/// The tables must be in the README as printed.
fn in_readme(table: &str) {
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(table),
        "redirects-tower/README.md does not have this table:\n{table}"
    );
}

/// The chain of Go CVE-2024-45336 (tests/security.rs): A -> B drops the credentials
/// (another origin); B -> B' (B's origin, another path) must not bring them back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_on_a_to_b_to_b_prime() {
    let mut seen = Vec::new();
    for layer in LAYERS {
        let (a, b) = (Server::start().await, Server::start().await);
        a.redirect("/start", 302, &b.url("/one"));
        b.redirect("/one", 302, "/other-path");
        let req = request(
            "GET",
            &a.url("/start"),
            &[("authorization", "Bearer s3cret"), ("cookie", "sid=a-only")],
            Full::default(),
        );
        assert_eq!(run(layer, req).await, 200, "{layer:?}");
        let at_b = b.received_at("/one").first().cloned();
        let at_b_prime = b.received_at("/other-path").first().cloned();
        seen.push([at_b, at_b_prime]);
    }
    let mut rows = Vec::new();
    for (hop, pick) in [("B", 0), ("B'", 1)] {
        for (name, label) in [("authorization", "Authorization"), ("cookie", "Cookie")] {
            let cells = [0, 1, 2].map(|l| cell(seen[l][pick].as_ref(), name));
            rows.push((format!("{hop}: `{label}`"), cells));
        }
    }
    let printed = table("what reached", &rows);
    println!(
        "\nA -> 302 -> B -> 302 -> B' (GET; the caller set Authorization and Cookie; B and B' \
         are one origin, A another)\n\n{printed}"
    );
    // All drop them on the hop to B. tower-http 0.6 filters each request against the one
    // before it, from the first request's headers: the same-origin hop B -> B' sends them
    // again. 0.7's filtering is cumulative (tower-http #706), as ours always was.
    assert_rows(
        &rows,
        &[
            ("B: `Authorization`", ["-", "-", "-"]),
            ("B: `Cookie`", ["-", "-", "-"]),
            ("B': `Authorization`", ["`Bearer s3cret`", "-", "-"]),
            ("B': `Cookie`", ["`sid=a-only`", "-", "-"]),
        ],
    );
    in_readme(&printed);
}

/// Request extensions (which never reach the wire): on a same-origin hop A -> A' and then a
/// cross-origin hop A' -> B, which requests the inner client gets carry the caller's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extensions_on_same_and_cross_origin_hops() {
    let mut all = Vec::new();
    for layer in LAYERS {
        let (a, b) = (Server::start().await, Server::start().await);
        a.redirect("/start", 302, "/same-origin");
        a.redirect("/same-origin", 302, &b.url("/cross-origin"));
        let mut req = request("GET", &a.url("/start"), &[], Full::default());
        req.extensions_mut().insert(Tag("mine"));
        let seen = Seen::default();
        assert_eq!(run_seen(layer, req, seen.clone()).await, 200, "{layer:?}");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3, "{layer:?}: {seen:?}");
        assert!(seen[0].0.ends_with("/start") && seen[2].0.ends_with("/cross-origin"));
        all.push(seen);
    }
    let labels = ["first request (A)", "A' (A's origin)", "B (another origin)"];
    let rows: Vec<Row> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let cells = [0, 1, 2].map(|l| if all[l][i].1 { "kept" } else { "-" }.to_owned());
            (label.to_string(), cells)
        })
        .collect();
    let printed = table("request extension at", &rows);
    println!(
        "\nA -> 302 -> A' -> 302 -> B (GET with a request extension; what the inner service \
         gets)\n\n{printed}"
    );
    // 0.6 drops every extension on a redirected request; 0.7 forwards them, and its Standard
    // policy drops them cross-origin (tower-http #706); ours keeps the caller's extensions on
    // every hop (they are the caller's, not the server's: no origin sees them).
    assert_rows(
        &rows,
        &[
            ("first request (A)", ["kept", "kept", "kept"]),
            ("A' (A's origin)", ["-", "kept", "kept"]),
            ("B (another origin)", ["-", "-", "kept"]),
        ],
    );
    in_readme(&printed);
}

/// POST with a body and its headers, answered 303: what each layer sends to the 303's
/// target.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_then_303() {
    let mut seen = Vec::new();
    for layer in LAYERS {
        let a = Server::start().await;
        a.redirect("/form", 303, "/result");
        let req = request(
            "POST",
            &a.url("/form"),
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("content-language", "en"),
                ("x-custom", "kept"),
            ],
            Full::from("make=Volvo&model=240"),
        );
        assert_eq!(run(layer, req).await, 200, "{layer:?}");
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
            let cells = [0, 1, 2].map(|l| cell(seen[l].as_ref(), name));
            (label.to_string(), cells)
        })
        .collect();
    let printed = table("sent to the 303's target", &rows);
    println!(
        "\nPOST (Content-Type, Content-Language, X-Custom, a 20-byte body) -> 303 -> \
         target\n\n{printed}"
    );
    assert_rows(
        &rows,
        &[
            ("method", ["`GET`", "`GET`", "`GET`"]),
            ("body", ["(empty)", "(empty)", "(empty)"]),
            ("`Content-Type`", ["-", "-", "-"]),
            ("`Content-Length`", ["-", "-", "-"]),
            // Fetch drops every request-body header with the body; tower-http drops
            // Content-Type, Content-Length, Content-Encoding and Transfer-Encoding only.
            ("`Content-Language`", ["`en`", "`en`", "-"]),
            ("`X-Custom`", ["`kept`", "`kept`", "`kept`"]),
        ],
    );
    in_readme(&printed);
}

/// POST with a body answered 307: the method and body must be sent again. tower-http's
/// `Standard` policy copies no body (`Policy::clone_body` is `None` unless configured,
/// as reqwest does with its own policy), so it returns the 307 itself; ours replays the
/// `Clone` body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_then_307() {
    let mut seen = Vec::new();
    let mut statuses = Vec::new();
    for layer in LAYERS {
        let a = Server::start().await;
        a.redirect("/upload", 307, "/moved");
        let req = request(
            "POST",
            &a.url("/upload"),
            &[("content-type", "text/plain")],
            Full::from("replay me"),
        );
        statuses.push(run(layer, req).await);
        seen.push(a.received_at("/moved").first().cloned());
    }
    let mut rows: Vec<Row> = vec![(
        "status returned".to_owned(),
        [0, 1, 2].map(|l| statuses[l].to_string()),
    )];
    for name in ["method", "body"] {
        rows.push((
            format!("{name} at the 307's target"),
            [0, 1, 2].map(|l| cell(seen[l].as_ref(), name)),
        ));
    }
    let printed = table("POST -> 307", &rows);
    println!("\nPOST (a 9-byte `Full` body) -> 307 -> target\n\n{printed}");
    assert_rows(
        &rows,
        &[
            ("status returned", ["307", "307", "200"]),
            (
                "method at the 307's target",
                ["(no request)", "(no request)", "`POST`"],
            ),
            (
                "body at the 307's target",
                ["(no request)", "(no request)", "`replay me`"],
            ),
        ],
    );
    in_readme(&printed);
}
