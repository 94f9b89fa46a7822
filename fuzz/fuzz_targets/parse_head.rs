//! parse_head: arbitrary bytes as the response to a GET, through `Follow::handle_response`.
//!
//! Invariant: no panic; `Response::head_len` is never more than the bytes given (nor the
//! head limit); the full outcome (event kind, status, head_len, headers, body length,
//! keep-alive, next request, error value) is identical fed whole, split at a point taken
//! from the input's last two bytes, and one byte at a time; body length, keep-alive and the
//! URL followed agree with the header list; every error is the peer's fault. Those bytes
//! also pick a small head limit sometimes. See `checks::check_head`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redirects_fuzz::checks::check_head;

fuzz_target!(|data: &[u8]| {
    let _ = check_head(data);
});
