#!/usr/bin/env bash
# Proves that `redirects` works in `no_std`: builds the `#![no_std]` `#![no_main]` binary in
# this directory (the crate with `default-features = false`) in release, runs it (it drives a
# real cross-origin 307 hop and exits non-zero on any failed check), and prints its size.
# If `std` sneaks into the dependency graph, the build fails (duplicate `panic_impl` lang item).
#
# x86_64 Linux only. There is no embedded target or `rust-src` here, so the proof is a host
# binary that brings its own `_start` (`-nostartfiles`, see build.rs and src/main.rs) and
# calls glibc for memory, `write` and `exit`: the entry point and the link arguments are
# those of x86_64 Linux. Elsewhere this script stops with a clear message rather than
# failing to link.
set -euo pipefail

if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
    echo "no_std check: runs on x86_64 Linux only (this is $(uname -s) $(uname -m)); see the top of $0" >&2
    exit 1
fi

cd "$(dirname "${BASH_SOURCE[0]}")"
export CARGO_TARGET_DIR="$PWD/target"

cargo build --release
bin="$CARGO_TARGET_DIR/release/redirects-no-std-check"

status=0
"$bin" || status=$?
if [ "$status" -ne 0 ]; then
    echo "no_std check FAILED: the binary exited with $status (the number of the failed check)" >&2
    exit 1
fi

echo "release binary size: $(stat -c %s "$bin") bytes"
