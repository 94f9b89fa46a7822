#!/usr/bin/env bash
# A fuzz campaign: every target (or the ones named) for SECONDS each, one after the other,
# one process each at the lowest priority, on the throughput build: `cargo fuzz build -O
# -s none --no-trace-compares` (no debug assertions; no AddressSanitizer, the crate is
# `forbid(unsafe_code)`; no compare tracing, fuzz/http.dict gives the tokens), about ten
# times the executions per second of the default build. ClusterFuzzLite / OSS-Fuzz and
# fuzz/smoke.sh run the same targets with ASan and compare tracing. Set
# CAMPAIGN_BUILD_FLAGS to build otherwise (e.g. "-O -s none"). Each target grows its
# git-ignored corpus fuzz/corpus/<target> (from it and the committed seeds), which is then
# minimised with `cargo fuzz cmin`. Set CAMPAIGN_RUNS=N to stop a target after N
# executions (libFuzzer's -runs) if that comes before SECONDS. Set CAMPAIGN_JOBS=N to run
# N processes per target at once (default 1), each at `nice -n 19` on the same working
# corpus directory (libFuzzer reloads it every second, so each takes up what the others
# found; its own log), CAMPAIGN_RUNS split between them: a machine's free cores. Prints
# one table row per target: the seconds it ran, executions, exec/s, libFuzzer's cov:/ft:
# when the corpus was loaded (INITED) and at the end, corpus size, and the result; with
# N > 1, executions summed over the processes, exec/s that sum over the seconds the run
# took, cov/ft at start the first process's, at the end the highest ft reached (with its
# cov). The logs go to fuzz/campaign-logs/ (git-ignored).
#
#   bash fuzz/campaign.sh SECONDS [TARGET...]
#
# A finding stops that target's run (every process of it) and is written to
# fuzz/artifacts/<target>/; the script goes on with the next target and exits non-zero
# at the end.
set -euo pipefail

secs="${1:-}"
case "$secs" in
  '' | *[!0-9]*) echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2 ;;
esac
shift

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target_dir="${CAMPAIGN_TARGET_DIR:-$root/fuzz/target-campaign}"
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
runs="${CAMPAIGN_RUNS:-}"
case "$runs" in
  *[!0-9]*) echo "CAMPAIGN_RUNS must be a number: $runs" >&2; exit 2 ;;
esac
jobs="${CAMPAIGN_JOBS:-1}"
case "$jobs" in
  '' | *[!0-9]* | 0) echo "CAMPAIGN_JOBS must be a number from 1: $jobs" >&2; exit 2 ;;
esac
read -r -a flags <<<"${CAMPAIGN_BUILD_FLAGS:--O -s none --no-trace-compares}"
flags+=(--target-dir "$target_dir")

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build "${flags[@]}"

logs=fuzz/campaign-logs
mkdir -p "$logs"
failed=0
printf '| target | seconds | executions | exec/s | cov/ft at start | cov/ft at end | corpus after cmin | result |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  corpora=("fuzz/corpus/$t")
  if [ -d "fuzz/seeds/$t" ]; then corpora+=("fuzz/seeds/$t"); fi
  stamp="$t-$(date -u +%Y%m%dT%H%M%SZ)"
  log="$logs/$stamp.log"
  began=$(date +%s)
  if [ "$jobs" -eq 1 ]; then
    limit=()
    if [ -n "$runs" ]; then limit=(-runs="$runs"); fi
    set +e
    nice -n 19 "$target_dir/$triple/release/$t" "${corpora[@]}" \
      -max_total_time="$secs" -timeout=10 -dict=fuzz/http.dict -print_final_stats=1 \
      -artifact_prefix="fuzz/artifacts/$t/" "${limit[@]}" >"$log" 2>&1
    status=$?
    set -e
  else
    joblogs=()
    # The processes not waited for yet (only those are signalled: a reaped id may be
    # another process's by then).
    live=()
    trap 'kill "${live[@]}" 2>/dev/null; exit 130' INT TERM
    for j in $(seq 1 "$jobs"); do
      joblogs+=("$logs/$stamp-job$j.log")
      limit=()
      # CAMPAIGN_RUNS split between the processes, the first taking the remainder.
      if [ -n "$runs" ]; then
        limit=(-runs="$((runs / jobs + (j == 1 ? runs % jobs : 0)))")
      fi
      nice -n 19 "$target_dir/$triple/release/$t" "${corpora[@]}" \
        -max_total_time="$secs" -timeout=10 -dict=fuzz/http.dict -print_final_stats=1 \
        -artifact_prefix="fuzz/artifacts/$t/" "${limit[@]}" >"${joblogs[-1]}" 2>&1 &
      live+=("$!")
    done
    # The first process to exit non-zero (a finding) stops the others.
    status=0
    set +e
    while [ "${#live[@]}" -gt 0 ]; do
      wait -n -p finished "${live[@]}" 2>/dev/null
      code=$?
      if [ -z "${finished:-}" ]; then
        # Reaped together with the one before (bash then keeps their statuses for `wait
        # ID`, not for `wait -n`).
        for pid in "${live[@]}"; do
          wait "$pid"
          code=$?
          if [ "$code" -ne 0 ] && [ "$status" -eq 0 ]; then status=$code; fi
        done
        break
      fi
      for i in "${!live[@]}"; do
        if [ "${live[$i]}" = "$finished" ]; then unset 'live[i]'; fi
      done
      live=("${live[@]}")
      if [ "$code" -ne 0 ] && [ "$status" -eq 0 ]; then
        status=$code
        if [ "${#live[@]}" -gt 0 ]; then kill "${live[@]}" 2>/dev/null; fi
      fi
    done
    set -e
    trap - INT TERM
  fi
  took=$(($(date +%s) - began))
  result=clean
  if [ "$status" -ne 0 ]; then
    shown="$log"
    if [ "$jobs" -gt 1 ]; then shown="$logs/$stamp-job*.log"; fi
    result="FINDING (exit $status, see $shown)"
    failed=1
  fi
  if [ "$jobs" -eq 1 ]; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    start=$(grep -m1 'INITED' "$log" | grep -Eo 'cov: [0-9]+ ft: [0-9]+' || true)
    end=$(grep -E '^#[0-9]+' "$log" | grep -Eo 'cov: [0-9]+ ft: [0-9]+' | tail -1 || true)
  else
    execs=$(cat "${joblogs[@]}" | sed -n 's/^stat::number_of_executed_units: *//p' |
      awk '{ n += $1 } END { if (NR) print n }')
    rate=
    if [ -n "$execs" ] && [ "$took" -gt 0 ]; then rate=$((execs / took)); fi
    start=$(grep -m1 'INITED' "${joblogs[0]}" | grep -Eo 'cov: [0-9]+ ft: [0-9]+' || true)
    end=$(for l in "${joblogs[@]}"; do
      grep -E '^#[0-9]+' "$l" | grep -Eo 'cov: [0-9]+ ft: [0-9]+' | tail -1 || true
    done | sort -t' ' -k4,4n | tail -1)
  fi
  nice -n 19 cargo +nightly fuzz cmin "${flags[@]}" "$t" "fuzz/corpus/$t" -- -dict=fuzz/http.dict \
    >"$log.cmin" 2>&1 || echo "cmin of $t failed: $log.cmin" >&2
  size=$(find "fuzz/corpus/$t" -type f | wc -l)
  printf '| `%s` | %s | %s | %s | %s | %s | %s inputs | %s |\n' \
    "$t" "$took" "${execs:-?}" "${rate:-?}" "${start:-?}" "${end:-?}" "$size" "$result"
done
exit "$failed"
