//! curl_diff: a chain chosen by the fuzzer (`curl_diff::Input`: the body source `-d`, `-T`
//! or none, `-X`, `-I`, `-u`, a `Cookie` or `Authorization` given with `-H`,
//! `--location-trusted`, `--max-redirs`, `--referer` and `;auto`; up to eight responses,
//! each a status and a `Location` form) played to real libcurl (built from the source
//! `curl-sys` bundles) against a loopback server started inside the target, and to the
//! machine under `Policy::curl()`.
//!
//! Invariant: hop by hop, libcurl sent what the machine says (method, request target and
//! `Host`, body, `Authorization`, `Cookie`, `Referer`, `Content-Length`), made as many
//! requests, and the chain ended the same way; the documented differences (URL parsing)
//! are declared in `curl_diff::DECLARED`. See `curl_diff::check_curl`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redirects_fuzz::curl_diff::{Input, check_curl};

fuzz_target!(|input: Input| {
    check_curl(&input);
});
