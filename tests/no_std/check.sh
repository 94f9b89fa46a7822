#!/usr/bin/env bash
# Proves that `redirects` works in `no_std`: builds the `#![no_std]` `#![no_main]` binary in
# this directory (the crate with `default-features = false`) in release, runs it (it drives a
# real cross-origin 307 hop and exits non-zero on any failed check), and prints its size.
# If `std` sneaks into the dependency graph, the build fails (duplicate `panic_impl` lang item).
set -euo pipefail

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
