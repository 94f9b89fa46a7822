//! agree: the two entry points, `Follow::handle_response` (bytes) and
//! `Follow::handle_head` (a head the caller's stack parsed), over whole chains from a
//! `machine` scenario (`agree::Input`: the scenario after four bytes that set the field and
//! size limits, odd fields put into one response, and HTTP/2 or HTTP/3 for the third
//! machine).
//!
//! Invariant: the harness parses every response itself with `httparse` (the crate's
//! configuration, obsolete folds unfolded) and gives each interim head then the final one
//! to `handle_head`; the answers, the caller's turn (edits, stop, refuse, pending
//! redirects) and the machines' states are equal to the byte path's at every step. The
//! declared exceptions, each with its reason, are in `agree`'s module docs:
//! `Response::head_len` and `reason` (0 and empty on the parsed path), folded values
//! compared unfolded, `HeadTooLarge` (counted differently: the case stops), and heads the
//! harness's parser refuses or finds incomplete (the byte path must have answered a head
//! error or `NeedData`; the case stops). The same heads as HTTP/2 or HTTP/3 follow the
//! documented rules: a connection-specific field or a `101` is malformed, otherwise the
//! HTTP/1.1 answer with the body to the end of the stream (or its `Content-Length`),
//! keep-alive, and reuse by origin alone. See `agree::check_agree`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redirects_fuzz::agree::{Input, check_agree};

fuzz_target!(|input: Input| {
    check_agree(&input);
});
