//! What the httpbin suites share: the core's (`tests/e2e.rs`) and redirects-tower's
//! (`redirects-tower/tests/httpbin.rs`), which runs the same chains through the tower layer
//! and must observe them the same way. Included by both with `#[path]`.

use std::collections::BTreeMap;
use std::time::Duration;

/// Why the httpbin tests are ignored by default.
pub const NEEDS_HTTPBIN: &str = "needs httpbin: run bash .ci/e2e.sh";

/// The two httpbin base URLs. Panics (the test fails) when a variable is not set or a
/// server does not accept connections: a test that needs them must not pass without them.
pub fn servers() -> (String, String) {
    let var = |name| {
        let value = std::env::var(name).ok().filter(|v| !v.is_empty());
        let value = value.unwrap_or_else(|| panic!("{name} is not set: {NEEDS_HTTPBIN}"));
        value.trim_end_matches('/').to_owned()
    };
    let (a, b) = (var("HTTPBIN_URL"), var("HTTPBIN_URL2"));
    for base in [&a, &b] {
        let url = redirects::Url::parse(base).unwrap_or_else(|e| panic!("{base}: {e}"));
        let addr = url
            .socket_addrs(|| None)
            .ok()
            .and_then(|addrs| addrs.into_iter().next())
            .unwrap_or_else(|| panic!("{base}: no address"));
        if let Err(e) = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {
            panic!("httpbin at {base} does not answer ({e}): {NEEDS_HTTPBIN}");
        }
    }
    (a, b)
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for `?url=`).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a chain ended with, as comparable fields:
/// `url`, `status`, `redirects`, `error`, `method`, `body`, and `h:<name>` for the
/// headers that arrived at httpbin (`-` when absent).
pub type Observed = BTreeMap<&'static str, String>;

/// The request headers whose arrival every case records.
pub const WATCHED: [(&str, &str); 8] = [
    ("h:authorization", "Authorization"),
    ("h:cookie", "Cookie"),
    ("h:content-type", "Content-Type"),
    ("h:content-length", "Content-Length"),
    ("h:x-custom", "X-Custom"),
    ("h:referer", "Referer"),
    ("h:origin", "Origin"),
    ("h:host", "Host"),
];

/// Fills the fields that come from httpbin's answer: its JSON echo if there is one.
pub fn observe_body(obs: &mut Observed, url: &str, status: u16, body: &[u8]) {
    let echo: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let echo = echo.filter(|v| v.get("headers").is_some());
    let Some(echo) = echo else {
        let text = String::from_utf8_lossy(body);
        obs.insert("method", "-".into());
        obs.insert(
            "body",
            format!("{} lines, not an echo", text.lines().count()),
        );
        for (field, _) in WATCHED {
            obs.insert(field, "-".into());
        }
        return;
    };
    // `/anything` says the method; `/get`, `/post`, `/put`, `/delete` accept only theirs.
    let path = url.split('?').next().unwrap_or("");
    let method = match echo.get("method").and_then(|m| m.as_str()) {
        Some(m) => m.to_owned(),
        None if status == 200 => path.rsplit('/').next().unwrap_or("").to_uppercase(),
        None => "-".into(),
    };
    obs.insert("method", method);
    let mut body = echo["data"].as_str().unwrap_or("").to_owned();
    if let Some(form) = echo
        .get("form")
        .and_then(|f| f.as_object())
        .filter(|f| !f.is_empty())
    {
        body.push_str(&format!("form:{form:?}"));
    }
    obs.insert("body", body);
    for (field, name) in WATCHED {
        let value = echo["headers"][name].as_str().unwrap_or("-");
        obs.insert(field, value.to_owned());
    }
}
