#!/usr/bin/env bash
# Proves that `redirects` works in `no_std`: builds the `#![no_std]` `#![no_main]` binary in
# this directory (the crate with `default-features = false`) in release, runs it (it drives a
# real cross-origin 307 hop, checks which hosts a `Location` may name, and exits non-zero on
# any failed check), and prints its size. If `std` sneaks into the dependency graph, the
# build fails (duplicate `panic_impl` lang item).
#
# It does so twice, with the same source and profiles, each with its own committed lockfile
# (then it prints the heap per instance, examples/memory.rs):
#   1. this directory, Cargo.lock: `idna_adapter` as resolved (1.2.x, ICU4X Unicode
#      tables); non-ASCII hosts are mapped to their A-labels;
#   2. ascii-hosts/, its Cargo.lock pinned to `idna_adapter` 1.0 (no Unicode tables), what
#      firmware can choose (README, "Firmware"); the binary checks that non-ASCII hosts are
#      refused. That lockfile must be this one plus the pin, nothing else: checked first.
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
here=$PWD

# The version of `idna_adapter` in a lockfile.
idna_adapter() {
    awk '/^name = "idna_adapter"$/ { getline; gsub(/version = |"/, ""); print }' "$1"
}
# The `[[package]]` entries of a lockfile, one line each, sorted.
entries() {
    awk -v RS= '{ gsub(/\n/, " "); print }' "$1" | sort
}

# The pinned lockfile is this one with the pin and nothing else: every entry but
# `idna_adapter`'s is one of this lockfile's (`--locked` below catches a missing one).
pinned=$(idna_adapter ascii-hosts/Cargo.lock)
stale=$(comm -23 <(entries ascii-hosts/Cargo.lock | grep -v '^\[\[package\]\] name = "idna_adapter" ') \
                 <(entries Cargo.lock))
if [ "$pinned" != 1.0.0 ] || [ -n "$stale" ]; then
    echo "no_std check: ascii-hosts/Cargo.lock is not Cargo.lock with idna_adapter pinned to 1.0.0" >&2
    [ -z "$stale" ] || printf 'entries not in Cargo.lock:\n%s\n' "$stale" >&2
    echo "regenerate it: cp $here/Cargo.lock $here/ascii-hosts/ && (cd $here/ascii-hosts && cargo update -p idna_adapter --precise 1.0.0)" >&2
    exit 1
fi
if ! cmp -s <(sed -n '/^\[profile/,$p' Cargo.toml) <(sed -n '/^\[profile/,$p' ascii-hosts/Cargo.toml); then
    echo "no_std check: the profiles of Cargo.toml and ascii-hosts/Cargo.toml differ (the sizes would not compare)" >&2
    exit 1
fi

# Builds (with the committed lockfile as is), runs and measures the binary of the package
# in directory $1 with target directory $2; prints its size as "$3: N bytes".
check() {
    local bin="$2/release/redirects-no-std-check" status=0
    (cd "$1" && CARGO_TARGET_DIR="$2" cargo build --release --locked) || {
        echo "no_std check FAILED: $1 does not build (with --locked: after a dependency change, update its Cargo.lock)" >&2
        exit 1
    }
    "$bin" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "no_std check FAILED ($3): the binary exited with $status (the number of the failed check)" >&2
        exit 1
    fi
    sizes+=("$3: $(stat -c %s "$bin") bytes")
}

sizes=()
check "$here" "$here/target" "idna_adapter $(idna_adapter Cargo.lock) (Cargo.lock)"
check "$here/ascii-hosts" "$here/target/ascii-hosts" "idna_adapter $pinned (ascii-hosts/Cargo.lock, ASCII-only hosts)"

echo "release binary sizes:"
printf '  %s\n' "${sizes[@]}"

# The heap per instance for the capacities the README's table lists: the same crate build,
# in a `std` program that counts allocations (examples/memory.rs).
echo
CARGO_TARGET_DIR="$here/target" cargo run --quiet --release --locked --example memory
