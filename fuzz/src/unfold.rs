//! How a stack that parses heads itself hands over a value with obsolete line folds: each
//! fold (OWS CRLF RWS) replaced by one space (RFC 9112 §5.2). Written apart from the crate's
//! own unfolding (`src/head/parse.rs`), which it checks; shared by the `agree` fuzz target and the
//! conformance runner (`tests/conformance.rs` includes this file).

/// `value` with its obsolete line folds replaced by one space each.
pub fn unfold(value: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if matches!(value[i], b'\r' | b'\n') {
            while out.last().is_some_and(|b| matches!(b, b' ' | b'\t')) {
                out.pop();
            }
            while i < value.len() && matches!(value[i], b'\r' | b'\n' | b' ' | b'\t') {
                i += 1;
            }
            out.push(b' ');
        } else {
            out.push(value[i]);
            i += 1;
        }
    }
    out
}
