//! Conformance runner for the redirect vectors (format 1, `tests/vectors/FORMAT.md`).
//!
//! Runs every `tests/vectors/*.json` plus every file named in `REDIRECT_VECTORS`
//! (colon-separated paths). Each case runs twice, feeding every response whole and then one
//! byte at a time; both runs must meet every expectation and give the same trace. Unknown
//! profiles, policy keys or fields fail the case: a vector never passes by being ignored.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use redirects::{Body, Error, Event, Follow, Method, Policy, Request, Rules};
use serde_json::{Map, Value};

/// What the machine did with one response.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Next {
        method: String,
        url: String,
        send_body: bool,
        headers: Vec<(String, Vec<u8>)>,
    },
    Done {
        status: u16,
        url: String,
        redirects: u32,
    },
    Error(&'static str),
    /// The response bytes ended before the head did.
    NeedData,
}

#[derive(Clone, Copy, Debug)]
enum Feed {
    Whole,
    Bytewise,
}

fn str_field<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    obj.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing or non-string `{key}`"))
}

fn check_keys(obj: &Map<String, Value>, known: &[&str], what: &str) -> Result<(), String> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(format!("unknown key `{k}` in {what}")),
        None => Ok(()),
    }
}

/// JSON string -> bytes: each char is one byte (latin-1), per FORMAT.md.
fn latin1(s: &str) -> Result<Vec<u8>, String> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("char {c:?} is not a byte")))
        .collect()
}

fn policy_for(case: &Map<String, Value>) -> Result<Policy, String> {
    let name = match case.get("profile") {
        None => "fetch",
        Some(v) => v.as_str().ok_or("`profile` is not a string")?,
    };
    let rules = Rules::from_name(name).ok_or_else(|| format!("unknown profile `{name}`"))?;
    let mut policy = Policy::new(rules);
    let Some(overrides) = case.get("policy") else {
        return Ok(policy);
    };
    let overrides = overrides.as_object().ok_or("`policy` is not an object")?;
    for (key, value) in overrides {
        policy = match key.as_str() {
            "max_redirects" => {
                let n = value.as_u64().ok_or("max_redirects is not a count")?;
                policy.with_max_redirects(u32::try_from(n).map_err(|e| e.to_string())?)
            }
            "allow_downgrade" => {
                policy.with_allow_downgrade(value.as_bool().ok_or("allow_downgrade not a bool")?)
            }
            "allowed_schemes" => {
                let list = value.as_array().ok_or("allowed_schemes is not a list")?;
                let names: Option<Vec<&str>> = list.iter().map(Value::as_str).collect();
                let names = names.ok_or("allowed_schemes has a non-string")?;
                policy
                    .with_allowed_schemes(names)
                    .map_err(|e| e.to_string())?
            }
            other => return Err(format!("unknown policy key `{other}`")),
        };
    }
    Ok(policy)
}

fn request_for(case: &Map<String, Value>) -> Result<(Request, Option<String>), String> {
    let req = case
        .get("request")
        .and_then(Value::as_object)
        .ok_or("missing `request`")?;
    check_keys(
        req,
        &["method", "url", "headers", "body", "body_replayable"],
        "request",
    )?;
    let method = Method::parse(str_field(req, "method")?).map_err(|e| e.to_string())?;
    let mut request = Request::new(method, str_field(req, "url")?).map_err(|e| e.to_string())?;
    if let Some(headers) = req.get("headers") {
        for pair in headers.as_array().ok_or("`headers` is not a list")? {
            let pair = pair
                .as_array()
                .filter(|p| p.len() == 2)
                .ok_or("bad header pair")?;
            let (Some(n), Some(v)) = (pair[0].as_str(), pair[1].as_str()) else {
                return Err("header pair is not two strings".into());
            };
            request = request.header(n, latin1(v)?).map_err(|e| e.to_string())?;
        }
    }
    let body = match req.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("`body` is neither a string nor null".into()),
    };
    let replayable = match req.get("body_replayable") {
        None => true,
        Some(v) => v.as_bool().ok_or("`body_replayable` is not a bool")?,
    };
    let disposition = match (&body, replayable) {
        (None, _) => Body::None,
        (Some(_), true) => Body::Replayable,
        (Some(_), false) => Body::Streamed,
    };
    Ok((request.body(disposition), body))
}

fn outcome(result: Result<Event<'_>, Error>) -> Outcome {
    match result {
        Ok(Event::NeedData) => Outcome::NeedData,
        Ok(Event::Redirect(r)) => {
            let next = r.request();
            Outcome::Next {
                method: next.method().to_string(),
                url: next.url().to_string(),
                send_body: next.send_body(),
                headers: next
                    .headers()
                    .map(|(n, v)| (n.to_string(), v.to_vec()))
                    .collect(),
            }
        }
        Ok(Event::Final(f)) => Outcome::Done {
            status: f.response().status(),
            url: f.url().to_string(),
            redirects: f.redirects(),
        },
        Err(e) => Outcome::Error(e.code()),
    }
}

fn feed(follow: &mut Follow, bytes: &[u8], mode: Feed) -> Outcome {
    match mode {
        Feed::Whole => outcome(follow.handle_response(bytes)),
        Feed::Bytewise => {
            for end in 1..bytes.len() {
                let o = outcome(follow.handle_response(&bytes[..end]));
                if o != Outcome::NeedData {
                    return o;
                }
            }
            outcome(follow.handle_response(bytes))
        }
    }
}

fn check(expect: &Map<String, Value>, got: &Outcome, body: Option<&str>) -> Result<(), String> {
    if expect.len() != 1 {
        return Err("`expect` must have exactly one of next/done/error".into());
    }
    let mismatch = |what: &str, want: &dyn std::fmt::Debug, have: &dyn std::fmt::Debug| {
        Err(format!(
            "{what}: expected {want:?}, got {have:?} (outcome {got:?})"
        ))
    };
    if let Some(next) = expect.get("next") {
        let next = next.as_object().ok_or("`next` is not an object")?;
        check_keys(
            next,
            &[
                "method",
                "url",
                "body",
                "headers_include",
                "headers_exclude",
            ],
            "expect.next",
        )?;
        let Outcome::Next {
            method,
            url,
            send_body,
            headers,
        } = got
        else {
            return mismatch("outcome", &"next request", got);
        };
        if let Some(m) = next.get("method") {
            if m.as_str() != Some(method.as_str()) {
                return mismatch("method", m, method);
            }
        }
        if let Some(u) = next.get("url") {
            if u.as_str() != Some(url.as_str()) {
                return mismatch("url", u, url);
            }
        }
        match next.get("body") {
            None => {}
            Some(Value::Null) if *send_body => return mismatch("body", &"none", &"re-sent"),
            Some(Value::String(s)) if !*send_body || body != Some(s.as_str()) => {
                let sent = if *send_body { body } else { None };
                return mismatch("body", s, &sent);
            }
            Some(Value::Null | Value::String(_)) => {}
            Some(other) => return Err(format!("bad expected body {other}")),
        }
        for pair in next
            .get("headers_include")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let pair = pair
                .as_array()
                .filter(|p| p.len() == 2)
                .ok_or("bad include pair")?;
            let (Some(n), Some(v)) = (pair[0].as_str(), pair[1].as_str()) else {
                return Err("include pair is not two strings".into());
            };
            let v = latin1(v)?;
            if !headers
                .iter()
                .any(|(hn, hv)| hn.eq_ignore_ascii_case(n) && *hv == v)
            {
                return mismatch("header present", &pair, headers);
            }
        }
        for name in next
            .get("headers_exclude")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().ok_or("exclude name is not a string")?;
            if headers.iter().any(|(hn, _)| hn.eq_ignore_ascii_case(name)) {
                return mismatch("header absent", &name, headers);
            }
        }
        Ok(())
    } else if let Some(done) = expect.get("done") {
        let done = done.as_object().ok_or("`done` is not an object")?;
        check_keys(done, &["status", "url", "redirects"], "expect.done")?;
        let Outcome::Done {
            status,
            url,
            redirects,
        } = got
        else {
            return mismatch("outcome", &"final response", got);
        };
        if let Some(s) = done.get("status") {
            if s.as_u64() != Some(u64::from(*status)) {
                return mismatch("status", s, status);
            }
        }
        if let Some(u) = done.get("url") {
            if u.as_str() != Some(url.as_str()) {
                return mismatch("url", u, url);
            }
        }
        if let Some(r) = done.get("redirects") {
            if r.as_u64() != Some(u64::from(*redirects)) {
                return mismatch("redirects", r, redirects);
            }
        }
        Ok(())
    } else if let Some(error) = expect.get("error") {
        let want = error.as_str().ok_or("`error` is not a string")?;
        const KINDS: [&str; 8] = [
            "too_many_redirects",
            "invalid_location",
            "conflicting_location",
            "scheme_not_allowed",
            "body_not_replayable",
            "insecure_redirect",
            "malformed_response",
            "head_too_large",
        ];
        if !KINDS.contains(&want) {
            return Err(format!("unknown error kind `{want}`"));
        }
        match got {
            Outcome::Error(code) if *code == want => Ok(()),
            _ => mismatch("error", &want, got),
        }
    } else {
        Err(format!(
            "unknown expectation {:?}",
            expect.keys().collect::<Vec<_>>()
        ))
    }
}

/// Runs one case in one feeding mode; returns the trace of outcomes.
fn run_case(case: &Map<String, Value>, mode: Feed) -> Result<Vec<Outcome>, String> {
    check_keys(
        case,
        &["id", "source", "profile", "policy", "request", "steps"],
        "case",
    )?;
    let policy = policy_for(case)?;
    let (request, body) = request_for(case)?;
    let mut follow = Follow::new(request, policy).map_err(|e| format!("Follow::new: {e}"))?;
    let steps = case
        .get("steps")
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty())
        .ok_or("missing or empty `steps`")?;
    let mut trace = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let step = step.as_object().ok_or("step is not an object")?;
        check_keys(step, &["response", "expect"], "step")?;
        let bytes = latin1(str_field(step, "response")?)?;
        let expect = step
            .get("expect")
            .and_then(Value::as_object)
            .ok_or("missing `expect`")?;
        if follow.is_finished() {
            return Err(format!(
                "step {i}: the chain already ended before this step"
            ));
        }
        let got = feed(&mut follow, &bytes, mode);
        check(expect, &got, body.as_deref())
            .map_err(|e| format!("step {i} ({mode:?} feed): {e}"))?;
        trace.push(got);
    }
    Ok(trace)
}

fn run_file(path: &Path) -> (usize, Vec<String>) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return (0, vec![format!("cannot read file: {e}")]),
    };
    let doc: Value = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => return (0, vec![format!("not JSON: {e}")]),
    };
    if doc.get("format").and_then(Value::as_u64) != Some(1) {
        return (0, vec!["`format` is not 1".into()]);
    }
    let Some(cases) = doc.get("cases").and_then(Value::as_array) else {
        return (0, vec!["no `cases` list".into()]);
    };
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (n, case) in cases.iter().enumerate() {
        let Some(case) = case.as_object() else {
            failures.push(format!("case #{n}: not an object"));
            continue;
        };
        let id = case.get("id").and_then(Value::as_str).unwrap_or("<no id>");
        if !seen.insert(id.to_string()) {
            failures.push(format!("{id}: duplicate id"));
            continue;
        }
        let whole = run_case(case, Feed::Whole);
        let bytewise = run_case(case, Feed::Bytewise);
        match (whole, bytewise) {
            (Ok(a), Ok(b)) if a == b => passed += 1,
            (Ok(a), Ok(b)) => failures.push(format!(
                "{id}: whole and bytewise differ:\n  {a:?}\n  {b:?}"
            )),
            (Err(e), _) | (_, Err(e)) => failures.push(format!("{id}: {e}")),
        }
    }
    (passed, failures)
}

fn vector_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if let Ok(extra) = std::env::var("REDIRECT_VECTORS") {
        files.extend(
            extra
                .split(':')
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
        );
    }
    files
}

#[test]
fn conformance_vectors() {
    let files = vector_files();
    assert!(!files.is_empty(), "no vector files found");
    let mut report = String::new();
    let mut failed = 0;
    for file in &files {
        let (passed, failures) = run_file(file);
        // Straight to the process's stderr, past the test harness's capture, so the
        // summary shows in every `cargo test` run.
        let _ = writeln!(
            std::io::stderr(),
            "conformance {}: {} passed, {} failed",
            file.display(),
            passed,
            failures.len()
        );
        for f in &failures {
            let _ = writeln!(report, "{}: {f}", file.display());
        }
        failed += failures.len();
        assert!(
            passed + failures.len() > 0,
            "{}: a vector file with no cases",
            file.display()
        );
    }
    assert!(failed == 0, "{failed} conformance failures:\n{report}");
}

/// The runner itself must catch a wrong expectation and an unknown profile.
#[test]
fn runner_rejects_wrong_and_unknown() {
    let case = |profile: &str, url: &str| -> Map<String, Value> {
        serde_json::from_value(serde_json::json!({
            "id": "t", "source": "self-test", "profile": profile,
            "request": {"method": "GET", "url": "http://a.test/", "headers": [], "body": null},
            "steps": [{"response": "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n",
                       "expect": {"next": {"method": "GET", "url": url, "body": null}}}]
        }))
        .unwrap()
    };
    assert!(run_case(&case("fetch", "http://a.test/x"), Feed::Bytewise).is_ok());
    assert!(run_case(&case("fetch", "http://a.test/y"), Feed::Whole).is_err());
    let unknown = run_case(&case("wget", "http://a.test/x"), Feed::Whole).unwrap_err();
    assert!(unknown.contains("unknown profile"), "{unknown}");
    let mut c = case("fetch", "http://a.test/x");
    c.insert("policy".into(), serde_json::json!({"max_hops": 3}));
    assert!(
        run_case(&c, Feed::Whole)
            .unwrap_err()
            .contains("unknown policy key")
    );
}
