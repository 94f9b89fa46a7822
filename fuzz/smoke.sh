#!/usr/bin/env bash
# Fuzz smoke for CI: runs every cargo-fuzz target for a short time on nightly.
#
#   bash fuzz/smoke.sh [SECONDS_PER_TARGET]     (default 30)
#
# Installs cargo-fuzz if it is missing. Each target starts from its committed seeds
# (fuzz/seeds/<target>, read-only) plus the git-ignored working corpus fuzz/corpus/<target>
# (new inputs go there). On a crash, a failed invariant or a timeout it stops, prints the
# artifact path (fuzz/artifacts/<target>/...) and exits non-zero.
set -euo pipefail

secs="${1:-30}"
case "$secs" in
  '' | *[!0-9]*) echo "usage: $0 [seconds per target]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz/smoke.sh: the nightly toolchain is needed (cargo +nightly)" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz/smoke.sh: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# Every [[bin]] of fuzz/Cargo.toml, so a new target is smoked without editing this file.
mapfile -t targets < <(cargo +nightly fuzz list)
if [ "${#targets[@]}" -eq 0 ]; then
  echo "fuzz/smoke.sh: cargo fuzz list found no target" >&2
  exit 1
fi

# Build first, so a build failure is not mistaken for a finding.
cargo +nightly fuzz build

for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  marker="$(mktemp)"
  echo "=== fuzz/smoke.sh: $t for ${secs}s"
  set +e
  # -timeout: one input taking over 10 s breaks the linear-time promise; it is a finding.
  corpora=("fuzz/corpus/$t")
  if [ -d "fuzz/seeds/$t" ]; then corpora+=("fuzz/seeds/$t"); fi
  cargo +nightly fuzz run "$t" "${corpora[@]}" -- \
    -max_total_time="$secs" -timeout=10 -dict=fuzz/http.dict -print_final_stats=1 2>&1 |
    grep -Ev '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)[[:space:]]|^[[:space:]]+NEW_FUNC|^".*" # Uses: [0-9]+$'
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "=== fuzz/smoke.sh: $t FAILED (exit $status)" >&2
    found="$(find "fuzz/artifacts/$t" -type f -newer "$marker" 2>/dev/null || true)"
    if [ -n "$found" ]; then
      echo "artifact(s), reproduce with: cargo +nightly fuzz run $t <artifact>" >&2
      echo "$found" | sed 's/^/  /' >&2
    fi
    rm -f "$marker"
    exit 1
  fi
  rm -f "$marker"
done
echo "=== fuzz/smoke.sh: all targets ran ${secs}s without a finding"
