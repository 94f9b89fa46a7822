//! Side by side with tower-http's `FollowRedirect` with its default `Standard` policy, in
//! the version reqwest 0.13 uses (its manifest says `tower-http = "0.6.8"`; the lockfile
//! resolves that to the newest 0.6, 0.6.11, as a new reqwest 0.13 project does). Both
//! layers wrap hyper-util's client and run against the same in-test servers: what each
//! sends.
//!
//! Each table is printed (`cargo test -p redirects-tower --test side_by_side --
//! --nocapture`), every cell is asserted, and the tables must appear verbatim in the
//! crate's README.

mod common;

use bytes::Bytes;
use common::{Proto, Received, Server, client, request};
use http_body_util::Full;
use redirects::Policy;
use tower::{ServiceBuilder, ServiceExt};

const THEIRS: &str = "tower-http 0.6 `FollowRedirect`";
const OURS: &str = "redirects-tower, `Policy::fetch()`";

/// Which layer runs a chain.
#[derive(Debug, Clone, Copy)]
enum Layer {
    TowerHttp,
    Ours,
}

/// Runs one request through a layer over hyper-util's HTTP/1.1 client; returns the final
/// status.
async fn run(layer: Layer, req: http::Request<Full<Bytes>>) -> u16 {
    let client = client::<Full<Bytes>>(Proto::Http1);
    match layer {
        Layer::TowerHttp => {
            let svc = ServiceBuilder::new()
                .layer(tower_http::follow_redirect::FollowRedirectLayer::new())
                .service(client);
            svc.oneshot(req)
                .await
                .expect("tower-http chain")
                .status()
                .as_u16()
        }
        Layer::Ours => {
            let svc = ServiceBuilder::new()
                .layer(redirects_tower::FollowRedirectLayer::new(Policy::fetch()))
                .service(client);
            svc.oneshot(req).await.expect("our chain").status().as_u16()
        }
    }
}

/// A markdown table: a header row of `what` and both layers, then one row per field.
fn table(what: &str, rows: &[(String, String, String)]) -> String {
    let mut out = format!("| {what} | {THEIRS} | {OURS} |\n|---|---|---|\n");
    for (field, theirs, ours) in rows {
        out.push_str(&format!("| {field} | {theirs} | {ours} |\n"));
    }
    out
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
    for layer in [Layer::TowerHttp, Layer::Ours] {
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
        seen.push((at_b, at_b_prime));
    }
    let (theirs, ours) = (&seen[0], &seen[1]);
    let mut rows = Vec::new();
    for (hop, pick) in [("B", 0), ("B'", 1)] {
        for name in ["authorization", "cookie"] {
            let get = |s: &(Option<Received>, Option<Received>)| {
                cell(
                    if pick == 0 {
                        s.0.as_ref()
                    } else {
                        s.1.as_ref()
                    },
                    name,
                )
            };
            let field = format!(
                "{hop}: `{}`",
                if name == "cookie" {
                    "Cookie"
                } else {
                    "Authorization"
                }
            );
            rows.push((field, get(theirs), get(ours)));
        }
    }
    let printed = table("what reached", &rows);
    println!(
        "\nA -> 302 -> B -> 302 -> B' (GET; the caller set Authorization and Cookie; B and B' \
         are one origin, A another)\n\n{printed}"
    );
    // Both drop them on the hop to B.
    assert_eq!(
        rows[0],
        ("B: `Authorization`".into(), "-".into(), "-".into())
    );
    assert_eq!(rows[1], ("B: `Cookie`".into(), "-".into(), "-".into()));
    // tower-http filters each request against the one before it, from the first
    // request's headers: the same-origin hop B -> B' sends them again. Ours never does.
    assert_eq!(
        rows[2],
        (
            "B': `Authorization`".into(),
            "`Bearer s3cret`".into(),
            "-".into()
        )
    );
    assert_eq!(
        rows[3],
        ("B': `Cookie`".into(), "`sid=a-only`".into(), "-".into())
    );
    in_readme(&printed);
}

/// POST with a body and its headers, answered 303: what each layer sends to the 303's
/// target.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_then_303() {
    let mut seen = Vec::new();
    for layer in [Layer::TowerHttp, Layer::Ours] {
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
    let rows: Vec<_> = fields
        .iter()
        .map(|(name, label)| {
            (
                label.to_string(),
                cell(seen[0].as_ref(), name),
                cell(seen[1].as_ref(), name),
            )
        })
        .collect();
    let printed = table("sent to the 303's target", &rows);
    println!(
        "\nPOST (Content-Type, Content-Language, X-Custom, a 20-byte body) -> 303 -> \
         target\n\n{printed}"
    );
    let want = [
        ("method", "`GET`", "`GET`"),
        ("body", "(empty)", "(empty)"),
        ("`Content-Type`", "-", "-"),
        ("`Content-Length`", "-", "-"),
        // Fetch drops every request-body header with the body; tower-http drops
        // Content-Type, Content-Length, Content-Encoding and Transfer-Encoding only.
        ("`Content-Language`", "`en`", "-"),
        ("`X-Custom`", "`kept`", "`kept`"),
    ];
    for (row, (field, theirs, ours)) in rows.iter().zip(want) {
        assert_eq!(
            (row.0.as_str(), row.1.as_str(), row.2.as_str()),
            (field, theirs, ours)
        );
    }
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
    for layer in [Layer::TowerHttp, Layer::Ours] {
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
    let mut rows = vec![(
        "status returned".to_owned(),
        statuses[0].to_string(),
        statuses[1].to_string(),
    )];
    for (name, label) in [("method", "method"), ("body", "body")] {
        rows.push((
            format!("{label} at the 307's target"),
            cell(seen[0].as_ref(), name),
            cell(seen[1].as_ref(), name),
        ));
    }
    let printed = table("POST -> 307", &rows);
    println!("\nPOST (a 9-byte `Full` body) -> 307 -> target\n\n{printed}");
    assert_eq!(statuses, [307, 200]);
    assert!(seen[0].is_none());
    assert_eq!(rows[1].2, "`POST`");
    assert_eq!(rows[2].2, "`replay me`");
    in_readme(&printed);
}
