//! Side by side with ureq 3's own redirect rules (`ureq-proto`), with its default
//! `RedirectAuthHeaders::Never` and with `SameHost`, against an agent with
//! `max_redirects(0)` under this crate's loop with `Policy::fetch()`. All talk to the same
//! in-test hyper servers on 127.0.0.1 (two servers are two origins: two ports).
//!
//! Each table is printed (`cargo test -p redirects-ureq --test side_by_side --
//! --nocapture`), every cell is asserted, and the tables must appear verbatim in the
//! crate's README.

#[path = "../../redirects-tower/tests/common/mod.rs"]
mod common;

use common::{Received, Route, Server};
use redirects::Policy;
use redirects_ureq::FollowRedirects;
use ureq::config::RedirectAuthHeaders;

const COLUMNS: [&str; 3] = [
    "ureq 3 (its rules)",
    "ureq 3, `SameHost`",
    "redirects-ureq, `Policy::fetch()`",
];

#[derive(Debug, Clone, Copy)]
enum Client {
    Ureq,
    UreqSameHost,
    Ours,
}

const CLIENTS: [Client; 3] = [Client::Ureq, Client::UreqSameHost, Client::Ours];

/// Sends one request as `which` does (blocking, on tokio's blocking pool); the final
/// status, or the error.
async fn send(
    which: Client,
    method: &'static str,
    url: String,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<&'static str>,
) -> Result<u16, String> {
    tokio::task::spawn_blocking(move || {
        let mut req = http::Request::builder().method(method).uri(&url);
        for (name, value) in headers {
            req = req.header(name, value);
        }
        let body = body.unwrap_or_default();
        let req = req.body(body).expect("request");
        match which {
            Client::Ureq | Client::UreqSameHost => {
                let auth = match which {
                    Client::Ureq => RedirectAuthHeaders::Never,
                    _ => RedirectAuthHeaders::SameHost,
                };
                let agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .proxy(None) // the servers are local, whatever the environment says
                    .redirect_auth_headers(auth)
                    .build()
                    .new_agent();
                let res = if body.is_empty() {
                    let (parts, _) = req.into_parts();
                    agent.run(http::Request::from_parts(parts, ()))
                } else {
                    agent.run(req)
                };
                res.map(|r| r.status().as_u16()).map_err(|e| e.to_string())
            }
            Client::Ours => {
                let agent = ureq::Agent::config_builder()
                    .max_redirects(0)
                    .http_status_as_error(false)
                    .proxy(None)
                    .build()
                    .new_agent();
                FollowRedirects::new(Policy::fetch())
                    .run(&agent, req)
                    .map(|r| r.status().as_u16())
                    .map_err(|e| match e {
                        redirects_ureq::Error::Redirect(e) => format!("{e:?}"),
                        e => e.to_string(),
                    })
            }
        }
    })
    .await
    .expect("no panic")
}

type Row = (String, [String; 3]);

fn table(what: &str, rows: &[Row]) -> String {
    let [a, b, c] = COLUMNS;
    let mut out = format!("| {what} | {a} | {b} | {c} |\n|---|---|---|---|\n");
    for (field, [a, b, c]) in rows {
        out.push_str(&format!("| {field} | {a} | {b} | {c} |\n"));
    }
    out
}

fn assert_rows(rows: &[Row], want: &[(&str, [&str; 3])]) {
    assert_eq!(rows.len(), want.len());
    for ((field, cells), (want_field, want_cells)) in rows.iter().zip(want) {
        assert_eq!(field, want_field);
        assert_eq!(cells, want_cells, "{field}");
    }
}

fn header(received: Option<&Received>, name: &str) -> String {
    match received.map(|r| r.header(name)) {
        None => "(no request)".into(),
        Some(v) if v == "-" => "-".into(),
        Some(v) => format!("`{v}`"),
    }
}

fn in_readme(table: &str) {
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(table),
        "redirects-ureq/README.md does not have this table:\n{table}"
    );
}

/// POST, PUT and DELETE with a body, answered 307 or 308: followed with the body, or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_on_307_and_308() {
    let mut rows = Vec::new();
    for (method, status) in [("POST", 307), ("PUT", 308), ("DELETE", 307)] {
        let mut cells = Vec::new();
        for which in CLIENTS {
            let a = Server::start().await;
            a.redirect("/upload", status, "/moved");
            let result = send(
                which,
                method,
                a.url("/upload"),
                vec![("content-type", "text/plain")],
                Some("replay me"),
            )
            .await;
            let cell = match (result, a.received_at("/moved").first()) {
                (Ok(200), Some(r)) => format!("followed: `{}` `{}`", r.method, r.body_text()),
                (Ok(code), None) => format!("{code} returned"),
                (Err(e), _) => format!("error: {e}"),
                (other, _) => format!("{other:?}"),
            };
            cells.push(cell);
        }
        rows.push((
            format!("{method} + body -> {status}"),
            [cells[0].clone(), cells[1].clone(), cells[2].clone()],
        ));
    }
    let printed = table("request", &rows);
    println!("\n{printed}");
    assert_rows(
        &rows,
        &[
            (
                "POST + body -> 307",
                [
                    "error: redirect failed",
                    "error: redirect failed",
                    "followed: `POST` `replay me`",
                ],
            ),
            (
                "PUT + body -> 308",
                [
                    "error: redirect failed",
                    "error: redirect failed",
                    "followed: `PUT` `replay me`",
                ],
            ),
            (
                "DELETE + body -> 307",
                [
                    "error: redirect failed",
                    "error: redirect failed",
                    "followed: `DELETE` `replay me`",
                ],
            ),
        ],
    );
    in_readme(&printed);
}

/// `Cookie` and `Authorization` set by the caller, on a same-origin hop A -> A' and then a
/// hop to another port of the same host (another origin); and a cookie set on a 302, with
/// ureq's cookie jar (feature `cookies`, on in every agent here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_and_cookies() {
    let mut seen = Vec::new();
    let mut jar = Vec::new();
    for which in CLIENTS {
        let (a, b) = (Server::start().await, Server::start().await);
        a.redirect("/start", 302, "/same-origin");
        a.redirect("/same-origin", 302, &b.url("/other-port"));
        let result = send(
            which,
            "GET",
            a.url("/start"),
            vec![("authorization", "Bearer s3cret"), ("cookie", "sid=caller")],
            None,
        )
        .await;
        assert_eq!(result, Ok(200), "{which:?}");
        seen.push([
            a.received_at("/same-origin").first().cloned(),
            b.received_at("/other-port").first().cloned(),
        ]);

        let c = Server::start().await;
        c.route(
            "/login",
            Route {
                status: 302,
                location: Some("/home".into()),
                headers: vec![("set-cookie".into(), "sid=from-302; Path=/".into())],
                body_len: 0,
            },
        );
        assert_eq!(
            send(which, "GET", c.url("/login"), vec![], None).await,
            Ok(200)
        );
        jar.push(c.received_at("/home").first().cloned());
    }
    let mut rows: Vec<Row> = Vec::new();
    for (label, pick) in [("A' (A's origin)", 0), ("B (A's host, another port)", 1)] {
        for (name, title) in [("authorization", "Authorization"), ("cookie", "Cookie")] {
            rows.push((
                format!("caller's `{title}` at {label}"),
                [0, 1, 2].map(|c| header(seen[c][pick].as_ref(), name)),
            ));
        }
    }
    rows.push((
        "jar's `Cookie` (set on the 302) at its target".into(),
        [0, 1, 2].map(|c| header(jar[c].as_ref(), "cookie")),
    ));
    let printed = table("what reached", &rows);
    println!("\n{printed}");
    assert_rows(
        &rows,
        &[
            (
                "caller's `Authorization` at A' (A's origin)",
                ["-", "`Bearer s3cret`", "`Bearer s3cret`"],
            ),
            (
                "caller's `Cookie` at A' (A's origin)",
                ["-", "-", "`sid=caller`"],
            ),
            (
                "caller's `Authorization` at B (A's host, another port)",
                ["-", "`Bearer s3cret`", "-"],
            ),
            (
                "caller's `Cookie` at B (A's host, another port)",
                ["-", "-", "-"],
            ),
            (
                "jar's `Cookie` (set on the 302) at its target",
                ["`sid=from-302`", "`sid=from-302`", "`sid=from-302`"],
            ),
        ],
    );
    in_readme(&printed);
}
