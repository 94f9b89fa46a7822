#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh here as the ClusterFuzzLite / OSS-Fuzz builder runs it (no
# Docker): SRC holds the checkout as $SRC/redirects, OUT and WORK are empty directories,
# SANITIZER=address, FUZZING_ENGINE=libfuzzer, FUZZING_LANGUAGE=rust, ARCHITECTURE=x86_64,
# CARGO_BUILD_TARGET the host's triple. Then checks what landed in $OUT: for every target
# of `cargo fuzz list`, the binary, T_seed_corpus.zip and T.dict are there, and the binary
# runs each seed once (-runs=0 over the unzipped corpus, with the dictionary).
#
#   bash fuzz/oss-fuzz-local.sh [DIR]     (DIR: where SRC, OUT and WORK go; default a
#                                          temporary directory, removed at the end)
#
# The build goes to fuzz/target-oss-fuzz (git-ignored), so it does not rebuild over
# fuzz/smoke.sh's build (`cargo fuzz build` without -O) in fuzz/target.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz/oss-fuzz-local.sh: the nightly toolchain is needed (cargo +nightly)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz/oss-fuzz-local.sh: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

if [ -n "${1:-}" ]; then
  base="$1"
  mkdir -p "$base"
  keep=1
else
  base="$(mktemp -d)"
  keep=0
fi
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$base"; fi; }
trap cleanup EXIT

export SRC="$base/src" OUT="$base/out" WORK="$base/work"
rm -rf "$SRC" "$OUT" "$WORK"
mkdir -p "$SRC" "$OUT" "$WORK"
ln -s "$root" "$SRC/redirects"
export SANITIZER=address FUZZING_ENGINE=libfuzzer FUZZING_LANGUAGE=rust ARCHITECTURE=x86_64
export CARGO_BUILD_TARGET="$(rustc +nightly -vV | sed -n 's/^host: //p')"
export CARGO_TARGET_DIR="$root/fuzz/target-oss-fuzz"
# The builder image's `cargo` is nightly.
export RUSTUP_TOOLCHAIN=nightly

echo "=== oss-fuzz-local: build.sh (SRC=$SRC OUT=$OUT WORK=$WORK)"
(cd "$SRC" && bash -eu "$SRC/redirects/.clusterfuzzlite/build.sh")

targets=$(cargo fuzz list)
failed=0
for t in $targets; do
  for f in "$t" "${t}_seed_corpus.zip" "$t.dict"; do
    if [ ! -s "$OUT/$f" ]; then
      echo "oss-fuzz-local: \$OUT/$f is missing" >&2
      failed=1
    fi
  done
  [ -x "$OUT/$t" ] || { echo "oss-fuzz-local: \$OUT/$t is not executable" >&2; failed=1; continue; }
  seeds="$WORK/seeds/$t"
  mkdir -p "$seeds"
  if [ -s "$OUT/${t}_seed_corpus.zip" ]; then
    if command -v unzip >/dev/null 2>&1; then
      unzip -q -o "$OUT/${t}_seed_corpus.zip" -d "$seeds"
    else
      python3 -m zipfile -e "$OUT/${t}_seed_corpus.zip" "$seeds"
    fi
  fi
  n=$(find "$seeds" -type f | wc -l)
  printf '=== oss-fuzz-local: %s: %s seeds, -runs=0 ... ' "$t" "$n"
  if (cd "$WORK" && "$OUT/$t" -runs=0 -timeout=10 -dict="$OUT/$t.dict" "$seeds" >"$WORK/$t.log" 2>&1); then
    echo "ok ($(grep -Eo 'INITED cov: [0-9]+ ft: [0-9]+' "$WORK/$t.log" | head -1 || true))"
  else
    echo "FAILED"
    tail -30 "$WORK/$t.log" >&2
    failed=1
  fi
done
echo "=== oss-fuzz-local: \$OUT holds:"
ls -l "$OUT"
if [ "$failed" -ne 0 ]; then
  echo "=== oss-fuzz-local: FAILED" >&2
  exit 1
fi
echo "=== oss-fuzz-local: every target, its seed corpus and dictionary are in \$OUT and run"
