//! Conformance runner for the redirect vectors (formats 1, 2 and 3, `tests/vectors/FORMAT.md`).
//!
//! Runs every `tests/vectors/*.json` plus every file named in `REDIRECT_VECTORS`
//! (colon-separated paths). Each case runs twice, feeding every response whole and then one
//! byte at a time; both runs must meet every expectation and give the same trace. Unknown
//! profiles, policy keys or fields fail the case: a vector never passes by being ignored. A
//! format-1 file that uses a format-2 key fails the case too, and a format-1 or format-2
//! file that uses a format-3 key. Every format-2 key maps to the crate's API; of the
//! format-3 keys, those of [`FORMAT3_KEYS`] (the curl options `policy.post_redirect` and
//! `policy.auto_referer`, `request.origin`, `request.mode`, `first` and the `cookie`
//! checks, the errors `cross_origin_redirect` and `credentials_in_location`); any other
//! format-3 key fails its case as unknown.
//!
//! FORMAT.md's last rule: every case also runs a third time through
//! [`Follow::handle_head`], the entry point for a head the caller's own stack parsed. The
//! runner plays that stack: it parses each response with `httparse` (obsolete line folds
//! allowed, then unfolded to one space as RFC 9112 §5.2 asks a recipient to), gives interim
//! `1xx` heads and then the final one as version, status and fields, and demands the same
//! trace as the whole feed, `reuse_connection` included. A response the runner's own
//! parser refuses or finds incomplete never reaches the crate: that step must be one where
//! the byte path also answered a malformed, too large or incomplete head, and the summary
//! counts such steps.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use redirects::{
    Body, CredentialRule, CurlBody, CurlRequest, Error, Event, Follow, Method, Policy,
    PostRedirect, ReferrerPolicy, Request, Rules, Version,
};
use serde_json::{Map, Value};

#[path = "../fuzz/src/unfold.rs"]
mod unfold;
use unfold::unfold;

/// The format a vector file declares. Format 2 is format 1 plus the keys marked (2) in
/// FORMAT.md; format 3 is format 2 plus the keys marked (3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Format {
    V1 = 1,
    V2 = 2,
    V3 = 3,
}

impl Format {
    fn from_doc(doc: &Value) -> Option<Format> {
        match doc.get("format").and_then(Value::as_u64) {
            Some(1) => Some(Format::V1),
            Some(2) => Some(Format::V2),
            Some(3) => Some(Format::V3),
            _ => None,
        }
    }
}

/// The keys of each object, per format: (format-1 keys, keys format 2 adds).
const CASE_KEYS: (&[&str], &[&str]) = (
    &["id", "source", "profile", "policy", "request", "steps"],
    &[],
);
/// `curl_body` and `curl_forced_method` are this crate's extension (FORMAT.md "Crate
/// extension"), accepted in both formats: vector files observed from libcurl come in
/// either.
const REQUEST_KEYS: (&[&str], &[&str]) = (
    &[
        "method",
        "url",
        "headers",
        "body",
        "body_replayable",
        "curl_body",
        "curl_forced_method",
    ],
    &["referrer"],
);
const STEP_KEYS: (&[&str], &[&str]) = (&["response", "expect"], &[]);
const NEXT_KEYS: (&[&str], &[&str]) = (
    &[
        "method",
        "url",
        "body",
        "headers_include",
        "headers_exclude",
    ],
    &["reuse_connection"],
);
const DONE_KEYS: (&[&str], &[&str]) = (&["status", "url", "redirects"], &[]);
const POLICY_KEYS: (&[&str], &[&str]) = (
    &["max_redirects", "allow_downgrade", "allowed_schemes"],
    &[
        "referrer_policy",
        "blocked_ports",
        "credential_rule",
        "trusted_origins",
        "credential_headers",
        "hsts_hosts",
        "max_header_fields",
        "block_private_targets",
    ],
);
const ERROR_KINDS: (&[&str], &[&str]) = (
    &[
        "too_many_redirects",
        "invalid_location",
        "conflicting_location",
        "scheme_not_allowed",
        "body_not_replayable",
        "insecure_redirect",
        "malformed_response",
        "head_too_large",
    ],
    &["blocked_port", "too_many_headers", "private_target"],
);

/// The format-3 keys this runner knows, as (object, key): the object is `what` of
/// [`known_in`] (`policy`, `request`, `expect.next` ...). One row per key, so that keys
/// added by other work merge as lines; a format-3 key not listed here fails its case.
const FORMAT3_KEYS: &[(&str, &str)] = &[
    // curl options: the curl profile only.
    ("policy", "post_redirect"),
    ("policy", "auto_referer"),
    // The request's origin, for redirect taint.
    ("request", "origin"),
    // The request mode and the checks on the first request.
    ("request", "mode"),
    ("case", "first"),
    ("first", "headers_include"),
    ("first", "headers_exclude"),
    ("first", "cookie"),
    ("expect.next", "cookie"),
    ("expect.done", "cookie"),
    ("policy", "cookie_jar"),
    ("request", "cookies"),
    ("expect.error", "cross_origin_redirect"),
    ("expect.error", "credentials_in_location"),
];

/// `first` (3) has only format-3 keys: its rows of [`FORMAT3_KEYS`].
const FIRST_KEYS: (&[&str], &[&str]) = (&[], &[]);

/// Whether `name` is one of `known` (or a [`FORMAT3_KEYS`] row of `what`) under `format`:
/// `Err` names what is wrong (unknown, or a key of a later format than the file's).
fn known_in(
    name: &str,
    known: (&[&str], &[&str]),
    format: Format,
    what: &str,
) -> Result<(), String> {
    let needs = if known.0.contains(&name) {
        Format::V1
    } else if known.1.contains(&name) {
        Format::V2
    } else if FORMAT3_KEYS.contains(&(what, name)) {
        Format::V3
    } else {
        return Err(format!("unknown key `{name}` in {what}"));
    };
    if needs <= format {
        Ok(())
    } else {
        Err(format!(
            "`{name}` in {what} needs format {} (this file is format {})",
            needs as u8, format as u8
        ))
    }
}

/// `policy.max_header_fields` (the header field limit).
fn with_max_header_fields(policy: Policy, n: usize) -> Result<Policy, String> {
    policy.with_max_header_fields(n).map_err(|e| e.to_string())
}

/// `policy.block_private_targets` (private-network targets).
fn with_block_private_targets(policy: Policy, block: bool) -> Result<Policy, String> {
    Ok(policy.with_block_private_targets(block))
}

/// `policy.post_redirect` and `policy.auto_referer` (3): curl's `--post301/302/303` and
/// `--referer ';auto'`. FORMAT.md gives them to the `curl` profile; the other profiles'
/// rules ignore them, so a case using them elsewhere fails rather than pass by being
/// ignored.
fn curl_option(policy: Policy, key: &str, value: &Value) -> Result<Policy, String> {
    if policy.rules() != &Rules::CURL {
        return Err(format!(
            "policy.{key} is a curl option: the case's profile must be `curl`"
        ));
    }
    Ok(match key {
        "post_redirect" => {
            let list = value.as_array().ok_or("post_redirect is not a list")?;
            let statuses = list
                .iter()
                .map(|v| {
                    v.as_u64()
                        .and_then(|n| u16::try_from(n).ok())
                        .ok_or_else(|| format!("post_redirect has a non-status {v}"))
                })
                .collect::<Result<Vec<u16>, String>>()?;
            let keep = PostRedirect::of(&statuses).map_err(|e| e.to_string())?;
            policy.with_post_redirect(keep)
        }
        _ => policy.with_auto_referer(value.as_bool().ok_or("auto_referer is not a bool")?),
    })
}

/// What the machine did with one response.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Next {
        method: String,
        url: String,
        send_body: bool,
        /// Name and value, the value's bytes as latin-1 chars (as vectors write them).
        headers: Vec<(String, String)>,
        /// [`redirects::Redirect::can_reuse_connection`].
        reuse: bool,
    },
    Done {
        status: u16,
        url: String,
        redirects: u32,
        /// The `Cookie` the chain's jar gives a further request to `url`, when it has one.
        cookie: Option<String>,
    },
    Error(&'static str),
    /// The response bytes ended before the head did.
    NeedData,
    /// Parsed-head feed only: the runner's own parser refused the bytes (`syntax`), or
    /// found the head incomplete, so nothing was given to the crate.
    Unparsed(&'static str),
}

#[derive(Clone, Copy, Debug)]
enum Feed {
    Whole,
    Bytewise,
    /// Parsed by the runner, given to [`Follow::handle_head`].
    Parsed,
}

fn str_field<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    obj.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing or non-string `{key}`"))
}

fn check_keys(
    obj: &Map<String, Value>,
    known: (&[&str], &[&str]),
    format: Format,
    what: &str,
) -> Result<(), String> {
    obj.keys()
        .try_for_each(|k| known_in(k, known, format, what))
}

/// A list of strings.
fn str_list<'a>(value: &'a Value, what: &str) -> Result<Vec<&'a str>, String> {
    let list = value
        .as_array()
        .ok_or_else(|| format!("`{what}` is not a list"))?;
    list.iter()
        .map(|v| {
            v.as_str()
                .ok_or_else(|| format!("`{what}` has a non-string"))
        })
        .collect()
}

/// JSON string -> bytes: each char is one byte (latin-1), per FORMAT.md. (Header values the
/// machine sends are turned back into such strings, so expected values compare as strings.)
fn latin1(s: &str) -> Result<Vec<u8>, String> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("char {c:?} is not a byte")))
        .collect()
}

fn policy_for(case: &Map<String, Value>, format: Format) -> Result<Policy, String> {
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
    let err = |e: Error| e.to_string();
    for (key, value) in overrides {
        known_in(key, POLICY_KEYS, format, "policy")
            .map_err(|e| e.replace("unknown key", "unknown policy key"))?;
        policy = match key.as_str() {
            "max_redirects" => {
                let n = value.as_u64().ok_or("max_redirects is not a count")?;
                policy.with_max_redirects(u32::try_from(n).map_err(|e| e.to_string())?)
            }
            "allow_downgrade" => {
                policy.with_allow_downgrade(value.as_bool().ok_or("allow_downgrade not a bool")?)
            }
            "allowed_schemes" => policy
                .with_allowed_schemes(str_list(value, "allowed_schemes")?)
                .map_err(err)?,
            "referrer_policy" => {
                let token = value.as_str().ok_or("referrer_policy is not a string")?;
                let p = ReferrerPolicy::from_token(token.as_bytes())
                    .ok_or_else(|| format!("unknown referrer_policy `{token}`"))?;
                policy.with_referrer_policy(p)
            }
            "blocked_ports" => {
                policy.with_blocked_ports(value.as_bool().ok_or("blocked_ports not a bool")?)
            }
            "credential_rule" => policy.with_credential_rule(match value.as_str() {
                Some("same_origin") => CredentialRule::SameOrigin,
                Some("same_origin_or_https_upgrade") => CredentialRule::SameOriginOrHttpsUpgrade,
                _ => return Err(format!("unknown credential_rule {value}")),
            }),
            "trusted_origins" => str_list(value, "trusted_origins")?
                .into_iter()
                .try_fold(policy, |p, origin| p.with_trusted_origin(origin))
                .map_err(err)?,
            "credential_headers" => str_list(value, "credential_headers")?
                .into_iter()
                .try_fold(policy, |p, name| p.with_credential_header(name))
                .map_err(err)?,
            "hsts_hosts" => {
                let pairs = value.as_array().ok_or("`hsts_hosts` is not a list")?;
                let mut p = policy;
                for pair in pairs {
                    let Some([Value::String(host), Value::Bool(include)]) =
                        pair.as_array().map(Vec::as_slice)
                    else {
                        return Err(format!("hsts_hosts entry {pair} is not [host, bool]"));
                    };
                    p = p.with_hsts_host(host, *include).map_err(err)?;
                }
                p
            }
            "max_header_fields" => {
                let n = value.as_u64().ok_or("max_header_fields is not a count")?;
                with_max_header_fields(policy, usize::try_from(n).map_err(|e| e.to_string())?)?
            }
            "block_private_targets" => with_block_private_targets(
                policy,
                value.as_bool().ok_or("block_private_targets not a bool")?,
            )?,
            "post_redirect" | "auto_referer" => curl_option(policy, key, value)?,
            // The jar is the chain's (`jar_for`), not the policy's.
            "cookie_jar" => policy,
            other => return Err(format!("unknown policy key `{other}`")),
        };
    }
    Ok(policy)
}

/// `request.curl_body` and `request.curl_forced_method` (crate extension): how curl sent
/// the first request. Either key may be absent: it then comes from
/// [`CurlRequest::assumed`] for the method and whether a body is given. `None` when neither
/// is given (the machine then assumes the command line itself). The values are checked
/// under every profile; the caller applies them under `curl` only.
fn curl_request_for(
    req: &Map<String, Value>,
    method: Method,
    has_body: bool,
) -> Result<Option<CurlRequest>, String> {
    let body = match req.get("curl_body") {
        None => None,
        Some(v) => Some(match v.as_str() {
            Some("data") => CurlBody::Data,
            Some("upload") => CurlBody::Upload,
            Some("none") => CurlBody::None,
            _ => return Err(format!("unknown curl_body {v} (data, upload or none)")),
        }),
    };
    let forced = match req.get("curl_forced_method") {
        None => None,
        Some(v) => Some(v.as_bool().ok_or("curl_forced_method is not a bool")?),
    };
    if body.is_none() && forced.is_none() {
        return Ok(None);
    }
    let assumed = CurlRequest::assumed(method, has_body);
    Ok(Some(CurlRequest {
        body: body.unwrap_or(assumed.body),
        forced_method: forced.unwrap_or(assumed.forced_method),
    }))
}

fn request_for(
    case: &Map<String, Value>,
    format: Format,
) -> Result<(Request, Option<String>), String> {
    let req = case
        .get("request")
        .and_then(Value::as_object)
        .ok_or("missing `request`")?;
    check_keys(req, REQUEST_KEYS, format, "request")?;
    let method = Method::parse(str_field(req, "method")?).map_err(|e| e.to_string())?;
    let mut request = Request::new(method, str_field(req, "url")?).map_err(|e| e.to_string())?;
    if let Some(referrer) = req.get("referrer") {
        let referrer = referrer.as_str().ok_or("`referrer` is not a string")?;
        request = request.referrer(referrer).map_err(|e| e.to_string())?;
    }
    if let Some(mode) = req.get("mode") {
        let mode = mode.as_str().ok_or("`mode` is not a string")?;
        let mode = redirects::RequestMode::from_name(mode)
            .ok_or_else(|| format!("unknown mode {mode:?} (cors, no-cors, same-origin)"))?;
        // The curl rules have no request mode: a case that gives one there fails.
        if case.get("profile").and_then(Value::as_str) == Some("curl") {
            return Err("request.mode under the curl profile (curl has no request mode)".into());
        }
        request = request.mode(mode);
    }
    if let Some(origin) = req.get("origin") {
        let origin = origin.as_str().ok_or("`origin` is not a string")?;
        request = request.origin(origin).map_err(|e| e.to_string())?;
    }
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
    // `"curl_body": "data"` with `"body": null` is `-d ''`: a form post without bytes (the
    // disposition stays none).
    let curl = curl_request_for(req, method, body.is_some())?;
    if let Some(curl) = curl.filter(|_| case.get("profile").and_then(Value::as_str) == Some("curl"))
    {
        request = request.curl(curl);
    }
    Ok((request.body(disposition), body))
}

fn outcome(result: Result<Event<'_>, Error>) -> Outcome {
    match result {
        Ok(Event::NeedData) => Outcome::NeedData,
        Ok(Event::Redirect(r)) => {
            // The runner follows every redirect, as a client that sends the next request
            // does: the next step's response is that request's.
            let reuse = r.can_reuse_connection();
            let next = r.follow();
            Outcome::Next {
                method: next.method().to_string(),
                url: next.url().to_string(),
                send_body: next.sends_body(),
                headers: header_list(&next),
                reuse,
            }
        }
        Ok(Event::Final(f)) => Outcome::Done {
            status: f.response().status(),
            url: f.url().to_string(),
            redirects: f.redirects(),
            cookie: None,
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
        Feed::Parsed => feed_parsed(follow, bytes),
    }
}

/// What a stack that parses heads itself gives the crate for `bytes`: each interim head,
/// then the final one, through [`Follow::handle_head`].
fn feed_parsed(follow: &mut Follow, bytes: &[u8]) -> Outcome {
    let mut rest = bytes;
    loop {
        let mut slots = vec![httparse::EMPTY_HEADER; 8_192];
        let mut res = httparse::Response::new(&mut slots);
        let mut config = httparse::ParserConfig::default();
        config.allow_obsolete_multiline_headers_in_responses(true);
        let n = match config.parse_response(&mut res, rest) {
            Ok(httparse::Status::Complete(n)) => n,
            Ok(httparse::Status::Partial) => return Outcome::Unparsed("incomplete"),
            Err(_) => return Outcome::Unparsed("syntax"),
        };
        let version = match res.version {
            Some(0) => Version::Http10,
            _ => Version::Http11,
        };
        let status = res.code.unwrap_or(0);
        let fields: Vec<(&str, Vec<u8>)> = res
            .headers
            .iter()
            .map(|h| (h.name, unfold(h.value)))
            .collect();
        let got = outcome(follow.handle_head(version, status, fields));
        if got == Outcome::NeedData && (100..200).contains(&status) && status != 101 {
            rest = &rest[n..];
            continue;
        }
        return got;
    }
}

fn check(
    expect: &Map<String, Value>,
    got: &Outcome,
    body: Option<&str>,
    format: Format,
) -> Result<(), String> {
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
        check_keys(next, NEXT_KEYS, format, "expect.next")?;
        let Outcome::Next {
            method,
            url,
            send_body,
            headers,
            reuse,
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
        check_headers(next, headers).map_err(|e| format!("{e} (outcome {got:?})"))?;
        match next.get("reuse_connection") {
            None => {}
            Some(Value::Bool(want)) if want == reuse => {}
            Some(Value::Bool(want)) => return mismatch("reuse_connection", want, reuse),
            Some(other) => return Err(format!("bad expected reuse_connection {other}")),
        }
        Ok(())
    } else if let Some(done) = expect.get("done") {
        let done = done.as_object().ok_or("`done` is not an object")?;
        check_keys(done, DONE_KEYS, format, "expect.done")?;
        let Outcome::Done {
            status,
            url,
            redirects,
            cookie,
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
        match done.get("cookie") {
            None => {}
            Some(Value::Null) if cookie.is_none() => {}
            Some(Value::String(w)) if cookie.as_deref() == Some(w.as_str()) => {}
            Some(want @ (Value::Null | Value::String(_))) => {
                return mismatch("cookie", want, cookie);
            }
            Some(other) => return Err(format!("bad expected cookie {other}")),
        }
        Ok(())
    } else if let Some(error) = expect.get("error") {
        let want = error.as_str().ok_or("`error` is not a string")?;
        known_in(want, ERROR_KINDS, format, "expect.error")
            .map_err(|e| e.replace("unknown key", "unknown error kind"))?;
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

/// Runs one case of a `format` file in one feeding mode; returns the trace of outcomes.
/// The header checks of `expect.next` and `first` (`headers_include`, `headers_exclude`,
/// `cookie`) on the header list of a request.
fn check_headers(spec: &Map<String, Value>, headers: &[(String, String)]) -> Result<(), String> {
    for pair in spec
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
        if !headers
            .iter()
            .any(|(hn, hv)| hn.eq_ignore_ascii_case(n) && hv == v)
        {
            return Err(format!(
                "header present: expected {pair:?}, got {headers:?}"
            ));
        }
    }
    for name in spec
        .get("headers_exclude")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = name.as_str().ok_or("exclude name is not a string")?;
        if headers.iter().any(|(hn, _)| hn.eq_ignore_ascii_case(name)) {
            return Err(format!(
                "header absent: expected no {name:?}, got {headers:?}"
            ));
        }
    }
    if let Some(want) = spec.get("cookie") {
        let sent: Vec<&str> = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .map(|(_, v)| v.as_str())
            .collect();
        let ok = match want {
            Value::Null => sent.is_empty(),
            Value::String(w) => sent == [w.as_str()],
            other => return Err(format!("bad expected cookie {other}")),
        };
        if !ok {
            return Err(format!("cookie: expected {want}, got {sent:?}"));
        }
    }
    Ok(())
}

/// The header list of a request as the runner compares it (bytes as latin-1 text).
fn header_list(request: &redirects::OutgoingRequest<'_>) -> Vec<(String, String)> {
    request
        .headers()
        .map(|(n, v)| (n.to_string(), v.iter().map(|&b| char::from(b)).collect()))
        .collect()
}

/// The chain's cookie jar: with `policy.cookie_jar` (3) true or `request.cookies` (3), a
/// [`redirects::Jar`] with each `[url, set_cookie]` of `request.cookies` stored first.
fn jar_for(case: &Map<String, Value>) -> Result<Option<redirects::Jar>, String> {
    let wanted = match case.get("policy").and_then(|p| p.get("cookie_jar")) {
        None => false,
        Some(v) => v.as_bool().ok_or("cookie_jar is not a bool")?,
    };
    let seeds = case.get("request").and_then(|r| r.get("cookies"));
    if !wanted && seeds.is_none() {
        return Ok(None);
    }
    let mut jar = redirects::Jar::new();
    for pair in seeds
        .map(|s| s.as_array().ok_or("`cookies` is not a list"))
        .transpose()?
        .into_iter()
        .flatten()
    {
        let pair = pair
            .as_array()
            .filter(|p| p.len() == 2)
            .ok_or("bad cookies pair")?;
        let (Some(url), Some(set_cookie)) = (pair[0].as_str(), pair[1].as_str()) else {
            return Err("cookies pair is not two strings".into());
        };
        let url = redirects::Url::parse(url).map_err(|e| format!("cookies url: {e}"))?;
        redirects::CookieJar::store(&mut jar, &url, &latin1(set_cookie)?);
    }
    Ok(Some(jar))
}

fn run_case(case: &Map<String, Value>, format: Format, mode: Feed) -> Result<Vec<Outcome>, String> {
    check_keys(case, CASE_KEYS, format, "case")?;
    let policy = policy_for(case, format)?;
    let (request, body) = request_for(case, format)?;
    let mut follow = Follow::new(request, policy).map_err(|e| format!("Follow::new: {e}"))?;
    if let Some(jar) = jar_for(case)? {
        follow = follow
            .with_cookie_jar(jar)
            .map_err(|e| format!("with_cookie_jar: {e}"))?;
    }
    if let Some(first) = case.get("first") {
        let first = first.as_object().ok_or("`first` is not an object")?;
        check_keys(first, FIRST_KEYS, format, "first")?;
        check_headers(first, &header_list(&follow.request())).map_err(|e| format!("first: {e}"))?;
    }
    let steps = case
        .get("steps")
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty())
        .ok_or("missing or empty `steps`")?;
    let mut trace = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let step = step.as_object().ok_or("step is not an object")?;
        check_keys(step, STEP_KEYS, format, "step")?;
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
        let mut got = feed(&mut follow, &bytes, mode);
        if let Outcome::Done { url, cookie, .. } = &mut got {
            if let Some(jar) = follow.cookie_jar_mut() {
                let mut value = Vec::new();
                jar.cookie_header(
                    &redirects::Url::parse(url).expect("a final URL"),
                    &mut value,
                );
                *cookie =
                    (!value.is_empty()).then(|| value.iter().map(|&b| char::from(b)).collect());
            }
        }
        if let Outcome::Unparsed(_) = got {
            // Nothing reached the crate: the comparison with the whole feed judges it.
            trace.push(got);
            break;
        }
        check(expect, &got, body.as_deref(), format)
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
    match serde_json::from_str(&text) {
        Ok(doc) => run_document(&doc),
        Err(e) => (0, vec![format!("not JSON: {e}")]),
    }
}

/// Whether the parsed-head trace is the whole feed's: the same outcome at every step,
/// except that a step the runner's parser could not give to the crate must be one the byte
/// path answered with a head error (or, incomplete, with a wait), and ends the trace.
fn same_as_parsed(whole: &[Outcome], parsed: &[Outcome]) -> bool {
    parsed.len() <= whole.len()
        && whole.iter().zip(parsed).all(|(w, p)| match (w, p) {
            (Outcome::Error(code), Outcome::Unparsed("syntax")) => {
                ["malformed_response", "head_too_large", "too_many_headers"].contains(code)
            }
            (
                Outcome::NeedData | Outcome::Error("head_too_large"),
                Outcome::Unparsed("incomplete"),
            ) => true,
            _ => w == p,
        })
        && (parsed.len() == whole.len() || matches!(parsed.last(), Some(Outcome::Unparsed(_))))
}

/// Runs every case of one vector document: (cases passed, failures).
fn run_document(doc: &Value) -> (usize, Vec<String>) {
    let Some(format) = Format::from_doc(doc) else {
        return (0, vec!["`format` is not 1, 2 or 3".into()]);
    };
    if let Some(k) = doc.as_object().and_then(|o| {
        o.keys()
            .find(|k| !["format", "cases"].contains(&k.as_str()))
    }) {
        return (0, vec![format!("unknown top-level key `{k}`")]);
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
        let whole = run_case(case, format, Feed::Whole);
        let bytewise = run_case(case, format, Feed::Bytewise);
        let parsed = run_case(case, format, Feed::Parsed);
        match (whole, bytewise, parsed) {
            (Ok(a), Ok(b), Ok(c)) if a == b && same_as_parsed(&a, &c) => {
                passed += 1;
                if matches!(c.last(), Some(Outcome::Unparsed(_))) {
                    UNPARSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            (Ok(a), Ok(b), Ok(_)) if a != b => failures.push(format!(
                "{id}: whole and bytewise differ:\n  {a:?}\n  {b:?}"
            )),
            (Ok(a), Ok(_), Ok(c)) => failures.push(format!(
                "{id}: whole and parsed-head feeds differ:\n  {a:?}\n  {c:?}"
            )),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                failures.push(format!("{id}: {e}"));
            }
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

/// Cases whose last step the runner's own parser could not give to the parsed-head entry
/// point (counted, shown in the summary).
static UNPARSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

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
    let _ = writeln!(
        std::io::stderr(),
        "conformance: every case also fed as parsed heads (Follow::handle_head); {} cases \
         end on a response the runner's parser refuses, so their last step never reached it",
        UNPARSED.load(std::sync::atomic::Ordering::Relaxed)
    );
    assert!(failed == 0, "{failed} conformance failures:\n{report}");
}

/// The runner itself must catch a wrong expectation, an unknown profile or key, and a
/// format-2 key in a format-1 file.
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
    let v1 = Format::V1;
    assert!(run_case(&case("fetch", "http://a.test/x"), v1, Feed::Bytewise).is_ok());
    assert!(run_case(&case("fetch", "http://a.test/y"), v1, Feed::Whole).is_err());
    let unknown = run_case(&case("wget", "http://a.test/x"), v1, Feed::Whole).unwrap_err();
    assert!(unknown.contains("unknown profile"), "{unknown}");
    let mut c = case("fetch", "http://a.test/x");
    c.insert("policy".into(), serde_json::json!({"max_hops": 3}));
    assert!(
        run_case(&c, v1, Feed::Whole)
            .unwrap_err()
            .contains("unknown policy key")
    );

    // Format 2: its keys are checked like the others, an unknown one fails, a format-1 file
    // may not use them, and the keys the crate has no API for fail the case.
    // https://a.test/page?q -> the request to https://a.test/ -> 302 to https://b.test/:
    // cross-origin under the default policy, so the origin only.
    let case2 = |referer: &str, extra: Value| -> Map<String, Value> {
        let mut c: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "id": "t", "source": "self-test",
            "request": {"method": "GET", "url": "https://a.test/", "referrer": "https://a.test/page?q"},
            "steps": [{"response": "HTTP/1.1 302 Found\r\nLocation: https://b.test/\r\nContent-Length: 0\r\n\r\n",
                       "expect": {"next": {"url": "https://b.test/",
                                           "headers_include": [["Referer", referer]],
                                           "reuse_connection": false}}}]
        }))
        .unwrap();
        if let Value::Object(extra) = extra {
            c.extend(extra);
        }
        c
    };
    let v2 = Format::V2;
    let ok = case2("https://a.test/", Value::Null);
    assert_eq!(
        run_case(&ok, v2, Feed::Whole),
        run_case(&ok, v2, Feed::Bytewise)
    );
    assert!(run_case(&ok, v2, Feed::Whole).is_ok());
    let fails = |c: &Map<String, Value>, format: Format, needle: &str| {
        for mode in [Feed::Whole, Feed::Bytewise] {
            let err = run_case(c, format, mode).expect_err(needle);
            assert!(err.contains(needle), "{needle:?} not in {err:?}");
        }
    };
    // A wrong Referer expectation.
    fails(
        &case2("https://a.test/page?q", Value::Null),
        v2,
        "header present",
    );
    // A wrong reuse_connection expectation.
    let mut wrong_reuse = ok.clone();
    wrong_reuse["steps"][0]["expect"]["next"]["reuse_connection"] = Value::Bool(true);
    fails(&wrong_reuse, v2, "reuse_connection");
    // An unknown policy key, and a known one with a bad value.
    let policy = |p: Value| serde_json::json!({"policy": p});
    fails(
        &case2(
            "https://a.test/",
            policy(serde_json::json!({"referer_policy": "origin"})),
        ),
        v2,
        "unknown policy key",
    );
    fails(
        &case2(
            "https://a.test/",
            policy(serde_json::json!({"referrer_policy": "Origin"})),
        ),
        v2,
        "unknown referrer_policy",
    );
    // The same policy is right in format 2 with the key.
    let origin = case2(
        "https://a.test/",
        policy(serde_json::json!({"referrer_policy": "origin"})),
    );
    assert!(run_case(&origin, v2, Feed::Whole).is_ok());
    // Format-2 keys in a format-1 file: request.referrer, expect.next.reuse_connection, a
    // policy key, an error kind.
    fails(&ok, v1, "needs format 2");
    let mut no_referrer = ok.clone();
    no_referrer["request"]
        .as_object_mut()
        .unwrap()
        .remove("referrer");
    no_referrer["steps"][0]["expect"]["next"]
        .as_object_mut()
        .unwrap()
        .remove("headers_include");
    assert!(run_case(&no_referrer, v2, Feed::Whole).is_ok());
    fails(
        &no_referrer,
        v1,
        "`reuse_connection` in expect.next needs format 2",
    );
    no_referrer["steps"][0]["expect"]["next"]
        .as_object_mut()
        .unwrap()
        .remove("reuse_connection");
    assert!(run_case(&no_referrer, v1, Feed::Whole).is_ok());
    let mut ports = no_referrer.clone();
    ports.insert("policy".into(), serde_json::json!({"blocked_ports": false}));
    assert!(run_case(&ports, v2, Feed::Whole).is_ok());
    fails(&ports, v1, "`blocked_ports` in policy needs format 2");
    let mut blocked = no_referrer.clone();
    blocked["steps"][0] = serde_json::json!({
        "response": "HTTP/1.1 302 Found\r\nLocation: https://b.test:25/\r\n\r\n",
        "expect": {"error": "blocked_port"}});
    assert!(run_case(&blocked, v2, Feed::Bytewise).is_ok());
    fails(
        &blocked,
        v1,
        "`blocked_port` in expect.error needs format 2",
    );
    blocked["steps"][0]["expect"]["error"] = "blocked_ports".into();
    fails(&blocked, v2, "unknown error kind");
    // A policy value of the wrong type fails the case.
    let mut c = no_referrer.clone();
    c.insert(
        "policy".into(),
        serde_json::json!({"block_private_targets": "yes"}),
    );
    fails(&c, v2, "block_private_targets not a bool");
    // A value the API refuses fails the case with the API's reason.
    let mut c = no_referrer.clone();
    c.insert("policy".into(), serde_json::json!({"max_header_fields": 0}));
    fails(&c, v2, "header field limit");
    // The curl keys (crate extension, both formats): a PUT with a body answered 302. With no
    // keys, curl is assumed to send it as `-T FILE` (method and body kept); `-X PUT -d`
    // keeps the method and drops the body; one key alone takes the other from the assumed
    // command line.
    let put = |profile: &str, keys: Value, method: &str, body: Value| -> Map<String, Value> {
        let mut c: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "id": "t", "source": "self-test", "profile": profile,
            "request": {"method": "PUT", "url": "http://a.test/", "body": "x"},
            "steps": [{"response": "HTTP/1.1 302 Found\r\nLocation: /y\r\n\r\n",
                       "expect": {"next": {"method": method, "body": body}}}]
        }))
        .unwrap();
        if let (Some(req), Value::Object(keys)) = (c["request"].as_object_mut(), keys) {
            req.extend(keys);
        }
        c
    };
    let resent = || Value::String("x".into());
    let data = serde_json::json!({"curl_body": "data", "curl_forced_method": true});
    for format in [v1, v2] {
        // No keys: `-T FILE`, kept.
        let assumed = put("curl", Value::Null, "PUT", resent());
        assert!(run_case(&assumed, format, Feed::Whole).is_ok());
        fails(
            &put("curl", Value::Null, "PUT", Value::Null),
            format,
            "body",
        );
        // `-X PUT -d`: the method stays, the body goes.
        let x_put_d = put("curl", data.clone(), "PUT", Value::Null);
        assert!(run_case(&x_put_d, format, Feed::Bytewise).is_ok());
        fails(&put("curl", data.clone(), "PUT", resent()), format, "body");
        // `curl_body` alone: `-X` as assumed for a PUT with a body (`-T`: not forced), so
        // `-d` on a PUT without `-X`, which turns into a GET.
        let data_only = serde_json::json!({"curl_body": "data"});
        let d = put("curl", data_only.clone(), "GET", Value::Null);
        assert!(run_case(&d, format, Feed::Whole).is_ok());
        fails(
            &put("curl", data_only, "PUT", Value::Null),
            format,
            "method",
        );
        // `curl_forced_method` alone: the body source as assumed (`-T`), kept.
        let forced_only = serde_json::json!({"curl_forced_method": true});
        let x_t = put("curl", forced_only, "PUT", resent());
        assert!(run_case(&x_t, format, Feed::Whole).is_ok());
        // Ignored under the other profiles: Fetch keeps a PUT's method and body on 302.
        assert!(
            run_case(
                &put("fetch", data.clone(), "PUT", resent()),
                format,
                Feed::Whole
            )
            .is_ok()
        );
        // A bad value fails the case, under any profile.
        for profile in ["curl", "fetch"] {
            let bad = serde_json::json!({"curl_body": "form"});
            fails(
                &put(profile, bad, "PUT", resent()),
                format,
                "unknown curl_body",
            );
            let bad = serde_json::json!({"curl_forced_method": "yes"});
            let err = "curl_forced_method is not a bool";
            fails(&put(profile, bad, "PUT", resent()), format, err);
        }
    }
    // A POST without a body: `-X POST` (`"curl_body": "none"`) stays POST on a 302; with no
    // keys it is `-d ''`, which becomes GET; `-X POST -d ''` (forced alone) stays POST.
    let keys = serde_json::json!({"curl_body": "none", "curl_forced_method": true});
    let mut post = put("curl", keys, "POST", Value::Null);
    post["request"]["method"] = "POST".into();
    post["request"]["body"] = Value::Null;
    assert!(run_case(&post, v2, Feed::Whole).is_ok());
    post["request"].as_object_mut().unwrap().remove("curl_body");
    assert!(run_case(&post, v2, Feed::Whole).is_ok());
    post["request"]
        .as_object_mut()
        .unwrap()
        .remove("curl_forced_method");
    fails(&post, v2, "method");
    post["steps"][0]["expect"]["next"]["method"] = "GET".into();
    assert!(run_case(&post, v2, Feed::Whole).is_ok());
    // The document level: formats 2 and 3 run, format 4 and unknown top-level keys do not.
    let doc = |format: u64| serde_json::json!({"format": format, "cases": [ok.clone()]});
    assert_eq!(run_document(&doc(2)), (1, vec![]));
    assert_eq!(run_document(&doc(3)), (1, vec![]));
    let (passed, failures) = run_document(&doc(1));
    assert_eq!(passed, 0);
    assert!(failures[0].contains("needs format 2"), "{failures:?}");
    assert_eq!(run_document(&doc(4)).0, 0);
    let mut extra = doc(2);
    extra["defaults"] = serde_json::json!({});
    assert!(run_document(&extra).1[0].contains("unknown top-level key"));
}

/// Format 3: the curl options run in format-3 files only, under the `curl` profile only,
/// with checked values; the format-3 keys this runner does not implement fail as unknown.
#[test]
fn runner_format_3_keys() {
    let case = serde_json::json!({
        "id": "post302",
        "source": "runner test",
        "profile": "curl",
        "policy": {"post_redirect": [302], "auto_referer": true},
        "request": {"method": "POST", "url": "http://a.test/", "body": "x",
                    "referrer": "not a url"},
        "steps": [{
            "response": "HTTP/1.1 302 Found\r\nLocation: /b\r\n\r\n",
            "expect": {"next": {"method": "POST", "body": "x",
                                "headers_include": [["Referer", "http://a.test/"]]}}
        }]
    });
    let case = case.as_object().unwrap().clone();
    let v3 = Format::V3;
    for mode in [Feed::Whole, Feed::Bytewise, Feed::Parsed] {
        run_case(&case, v3, mode).unwrap();
    }
    let fails = |c: &Map<String, Value>, format: Format, needle: &str| {
        let err = run_case(c, format, Feed::Whole).expect_err(needle);
        assert!(err.contains(needle), "{err} (wanted {needle})");
    };
    fails(
        &case,
        Format::V2,
        "in policy needs format 3 (this file is format 2)",
    );
    fails(&case, Format::V1, "needs format 3");
    let with = |path: &[&str], value: Value| {
        let mut c = Value::Object(case.clone());
        let (last, parents) = path.split_last().unwrap();
        let mut obj = &mut c;
        for p in parents {
            obj = &mut obj[*p];
        }
        obj[*last] = value;
        c.as_object().unwrap().clone()
    };
    // Values: statuses among 301, 302, 303; a bool.
    fails(
        &with(&["policy", "post_redirect"], serde_json::json!([307])),
        v3,
        "post-redirect status 307",
    );
    fails(
        &with(&["policy", "post_redirect"], serde_json::json!(302)),
        v3,
        "not a list",
    );
    fails(
        &with(&["policy", "auto_referer"], serde_json::json!("yes")),
        v3,
        "not a bool",
    );
    // The curl options outside the curl profile would be ignored: they fail instead.
    for profile in ["fetch", "strict"] {
        fails(&with(&["profile"], profile.into()), v3, "curl option");
    }
    // Without the option the 302 switches to GET (the key is not ignored), and without
    // `;auto` the raw referrer stays.
    let mut plain = case.clone();
    plain.remove("policy");
    fails(&plain, v3, "method");
    // Under fetch a referrer that is not a URL is refused when the chain starts.
    let mut fetch = plain.clone();
    fetch["profile"] = "fetch".into();
    fails(
        &fetch,
        v3,
        "Follow::new: invalid request: URL does not parse",
    );
    // A key FORMAT.md does not define fails, never passes ignored.
    for (path, value) in [
        (&["request", "cookie"][..], serde_json::json!([])),
        (&["policy", "cookies"][..], serde_json::json!(true)),
        (&["policy", "mode"][..], serde_json::json!("cors")),
    ] {
        fails(&with(path, value), v3, "unknown");
    }
    // The cookie keys: a jar, seeded, that changes what is sent (not ignored).
    let jar_case = |seed: &str, want: Value| {
        serde_json::json!({
            "id": "jar",
            "source": "runner test",
            "policy": {"cookie_jar": true},
            "request": {"method": "GET", "url": "http://a.test/",
                        "cookies": [["http://a.test/", seed]]},
            "first": {"cookie": want.clone()},
            "steps": [
                {"response": "HTTP/1.1 302 F\r\nSet-Cookie: b=2\r\nLocation: /n\r\n\r\n",
                 "expect": {"next": {"cookie": "a=1; b=2"}}},
                {"response": "HTTP/1.1 200 OK\r\nSet-Cookie: a=; Max-Age=0\r\nContent-Length: 0\r\n\r\n",
                 "expect": {"done": {"status": 200, "cookie": "b=2"}}}
            ]
        })
        .as_object()
        .unwrap()
        .clone()
    };
    for mode in [Feed::Whole, Feed::Bytewise, Feed::Parsed] {
        run_case(&jar_case("a=1", "a=1".into()), v3, mode).unwrap();
    }
    fails(&jar_case("a=1", Value::Null), v3, "first: cookie");
    fails(&jar_case("c=3", "c=3".into()), v3, "cookie");
    // `request.origin`: the request's origin; not a serialized origin fails the case, and
    // it changes what the chain does (the key is not ignored).
    let origin_case = |origin: &str| {
        serde_json::json!({
            "id": "origin",
            "source": "runner test",
            "request": {"method": "GET", "url": "https://api.test/", "origin": origin,
                        "headers": [["Origin", "https://api.test"]]},
            "steps": [{
                "response": "HTTP/1.1 302 Found\r\nLocation: https://evil.test/\r\n\r\n",
                "expect": {"next": {"headers_include": [["Origin", "null"]]}}
            }]
        })
        .as_object()
        .unwrap()
        .clone()
    };
    for mode in [Feed::Whole, Feed::Bytewise, Feed::Parsed] {
        run_case(&origin_case("https://app.test"), v3, mode).unwrap();
    }
    fails(&origin_case("https://api.test"), v3, "Origin");
    fails(&origin_case("https://app.test/"), v3, "origin");
    fails(
        &origin_case("https://app.test"),
        Format::V2,
        "needs format 3",
    );

    // `request.mode` and `first`: the machine owns `Origin`, the first request included.
    let mode_case = |mode: &str, first_origin: &str| {
        serde_json::json!({
            "id": "mode",
            "source": "runner test",
            "request": {"method": "POST", "url": "https://app.test/", "mode": mode, "body": "x"},
            "first": {"headers_include": [["Origin", first_origin]]},
            "steps": [{
                "response": "HTTP/1.1 307 T\r\nLocation: https://u:p@b.test/\r\n\r\n",
                "expect": {"error": "credentials_in_location"}
            }]
        })
        .as_object()
        .unwrap()
        .clone()
    };
    for mode in [Feed::Whole, Feed::Bytewise, Feed::Parsed] {
        run_case(&mode_case("cors", "https://app.test"), v3, mode).unwrap();
    }
    fails(&mode_case("cors", "null"), v3, "first: header present");
    fails(&mode_case("no-cors", "https://app.test"), v3, "error");
    fails(
        &mode_case("navigate", "https://app.test"),
        v3,
        "unknown mode",
    );
    let mut curl = mode_case("cors", "https://app.test");
    curl.insert("profile".into(), "curl".into());
    fails(&curl, v3, "curl has no request mode");
}
