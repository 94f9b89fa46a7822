#!/bin/bash -eu
# Builds every cargo-fuzz target of fuzz/Cargo.toml (`cargo fuzz list`) with `cargo fuzz
# build -O` and puts into $OUT, for each target T: the binary T, T_seed_corpus.zip (the
# committed seeds fuzz/seeds/T/) and T.dict (fuzz/http.dict, or fuzz/dicts/T.dict when it
# exists), plus T.options (libFuzzer's -timeout, as fuzz/smoke.sh uses).
#
# Run by ClusterFuzzLite and OSS-Fuzz inside their builder image (SRC, OUT, WORK set by it);
# fuzz/oss-fuzz-local.sh runs it here with the same variables and checks what lands in $OUT.
# CARGO_BUILD_TARGET (default x86_64-unknown-linux-gnu) and CARGO_TARGET_DIR (default
# fuzz/target) may be set to build elsewhere.

cd "$SRC/redirects"

triple="${CARGO_BUILD_TARGET:-x86_64-unknown-linux-gnu}"
target_dir="${CARGO_TARGET_DIR:-$PWD/fuzz/target}"

cargo fuzz build -O --target "$triple" --target-dir "$target_dir"

targets=$(cargo fuzz list)
if [ -z "$targets" ]; then
  echo "build.sh: cargo fuzz list found no target" >&2
  exit 1
fi

zip_dir() { # zip_dir ZIP DIR: every file of DIR at the top of ZIP
  rm -f "$1"
  if command -v zip >/dev/null 2>&1; then
    (cd "$2" && zip -q -X -r "$1" .)
  else
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
out, src = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if os.path.isfile(path):
            z.write(path, name)
PY
  fi
}

for t in $targets; do
  cp "$target_dir/$triple/release/$t" "$OUT/$t"
  if [ -d "fuzz/seeds/$t" ]; then
    zip_dir "$OUT/${t}_seed_corpus.zip" "$PWD/fuzz/seeds/$t"
  else
    echo "build.sh: no fuzz/seeds/$t: $t starts from an empty corpus" >&2
  fi
  if [ -f "fuzz/dicts/$t.dict" ]; then
    cp "fuzz/dicts/$t.dict" "$OUT/$t.dict"
  else
    cp fuzz/http.dict "$OUT/$t.dict"
  fi
  printf '[libfuzzer]\ntimeout = 10\n' >"$OUT/$t.options"
done
