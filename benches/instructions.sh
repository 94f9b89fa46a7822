#!/usr/bin/env bash
# Instruction counts of one redirect hop under callgrind (DESIGN.md "Performance").
#
# Wall time drifts 20-40% between runs on a shared machine; instruction counts do not. This
# runs the `instr` bench binary (benches/instr.rs) under plain `valgrind --tool=callgrind`,
# counting only inside its `measured` function (--toggle-collect): the hops themselves, not
# building the machines before them nor dropping what they return. It prints instructions
# per hop for floor, machine and ureq-proto on the small, typical and large responses, the
# large head fed whole / in 64-byte chunks / byte by byte, and the ratios; then
# instructions per whole chain (the first request built, `Follow::new`, one redirect, the
# final response, both heads written, everything dropped) for floor and machine; then
# instructions per request through the 2-hop chain of benches/common/two_hops.rs for the
# tower layers: redirects-tower, tower-http 0.6 and tower-http 0.7; and per request sent
# straight to the final URL (no redirect) through each layer and through the service alone.
# What the floor does: benches/common/inputs.rs, "floor" and "whole chain".
#
# Usage: benches/instructions.sh [-n ITERATIONS] [--annotate] [--ureq-byte]
#   -n N         hops per case (default 200; the count per hop is exact either way)
#   --annotate   also print callgrind_annotate's top functions (self cost, whole run) for
#                floor and machine on each response, for the 64-byte feed, for the
#                typical whole chain and for the tower layers. For costs per
#                source line, build with CARGO_PROFILE_BENCH_DEBUG=line-tables-only and run
#                `callgrind_annotate --auto=yes` on the files in $CARGO_TARGET_DIR/callgrind/.
#   --ureq-byte  also count ureq-proto fed byte by byte (slow under valgrind: ~1 min)
# Environment: CARGO_TARGET_DIR (default target/); the callgrind files go to
# $CARGO_TARGET_DIR/callgrind/ for callgrind_annotate.
set -euo pipefail

cd "$(dirname "$0")/.."
N=200
ANNOTATE=0
UREQ_BYTE=0
while [ $# -gt 0 ]; do
    case "$1" in
        -n) N="$2"; shift 2 ;;
        --annotate) ANNOTATE=1; shift ;;
        --ureq-byte) UREQ_BYTE=1; shift ;;
        *) echo "usage: $0 [-n N] [--annotate] [--ureq-byte]" >&2; exit 2 ;;
    esac
done

command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$TARGET_DIR/callgrind"
mkdir -p "$OUT"

BIN=$(cargo bench -p redirects-benches --no-run --bench instr --message-format=json 2>/dev/null \
    | grep -o '"executable":"[^"]*"' | sed 's/"executable":"//; s/"$//' | grep '/instr-' | tail -n 1)
[ -x "$BIN" ] || { echo "could not build the instr bench (cargo bench -p redirects-benches --no-run --bench instr)" >&2; exit 1; }

# count CASE ITERATIONS -> prints instructions per hop (integer)
count() {
    local case="$1" n="$2" file="$OUT/$1.out"
    valgrind --tool=callgrind --toggle-collect='*measured*' --callgrind-out-file="$file" \
        "$BIN" "$case" "$n" >"$OUT/$case.log" 2>&1 || {
        echo "callgrind failed for $case, see $OUT/$case.log" >&2
        exit 1
    }
    awk -v n="$n" '/^totals:/ { printf "%d\n", $2 / n + 0.5 }' "$file"
}

# The targets (machine / floor) per hop and per whole chain.
declare -A HOP_TARGET=([small]=1.20 [typical]=1.10 [large]=1.15)
declare -A CHAIN_TARGET=([small]=1.60 [typical]=1.40 [large]=1.40)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

declare -A I
for r in small typical large; do
    for k in floor machine ureq; do
        I[$k-$r]=$(count "$k-$r" "$N")
    done
done
for r in small typical large; do
    for k in parsed http parse; do
        I[$k-$r]=$(count "$k-$r" "$N")
    done
done
I[feed-whole]=$(count feed-whole "$N")
I[feed-chunk64]=$(count feed-chunk64 "$N")
BYTE_N=$(( N / 10 > 2 ? N / 10 : 2 ))
I[feed-byte]=$(count feed-byte "$BYTE_N")
if [ "$UREQ_BYTE" = 1 ]; then
    I[ureq-byte]=$(count ureq-byte 2)
fi
for r in small typical large; do
    for k in floor machine; do
        I[chain-$k-$r]=$(count "chain-$k-$r" "$N")
    done
done
TOWER=(ours http06 http07)
for k in "${TOWER[@]}"; do
    I[tower-$k]=$(count "tower-$k" "$N")
done
for k in "${TOWER[@]}" bare; do
    I[direct-$k]=$(count "direct-$k" "$N")
done

echo
echo "Instructions per hop (callgrind, $N hops per case; $BIN)"
echo
printf '| %-8s | %8s | %8s | %8s | %13s | %13s | %s\n' \
    response floor machine ureq machine/floor ureq/machine "target machine/floor"
printf '|----------|----------|----------|----------|---------------|---------------|\n'
for r in small typical large; do
    f=${I[floor-$r]} m=${I[machine-$r]} u=${I[ureq-$r]}
    mf=$(ratio "$m" "$f")
    t=${HOP_TARGET[$r]}
    ok=$(awk -v x="$mf" -v t="$t" 'BEGIN { print (x <= t) ? "ok" : "MISSED" }')
    printf '| %-8s | %8d | %8d | %8d | %13s | %13s | <= %s: %s\n' "$r" "$f" "$m" "$u" "$mf" "$(ratio "$u" "$m")" "$t" "$ok"
done
echo
w=${I[feed-whole]} c=${I[feed-chunk64]} b=${I[feed-byte]}
c_ok=$(awk -v x="$(ratio "$c" "$w")" 'BEGIN { print (x <= 2) ? "ok" : "MISSED" }')
b_ok=$(awk -v x="$(ratio "$b" "$w")" 'BEGIN { print (x <= 40) ? "ok" : "MISSED" }')
echo "Large head fed to the machine (instructions per hop):"
printf '| %-14s | %9s | %8s | %s\n' feed instr "x whole" target
printf '|----------------|-----------|----------|\n'
printf '| %-14s | %9d | %8s | %s\n' whole "$w" 1.00 ""
printf '| %-14s | %9d | %8s | %s\n' chunk64 "$c" "$(ratio "$c" "$w")" "<= 2: $c_ok"
printf '| %-14s | %9d | %8s | %s\n' byte "$b" "$(ratio "$b" "$w")" "<= 40: $b_ok"
if [ "$UREQ_BYTE" = 1 ]; then
    printf '| %-14s | %9d | %8s | %s\n' "ureq-proto byte" "${I[ureq-byte]}" "$(ratio "${I[ureq-byte]}" "${I[ureq-large]}")" "(x ureq-proto whole)"
fi

echo
echo "Parsed-head entry point (Follow::handle_head, the head parsed beforehand) beside the"
echo "byte path (Follow::handle_response), and the httparse parse alone (instructions per hop)."
echo "handle_head checks every name and value as httparse would; handle_http_parts takes http"
echo "types, whose names and values are already checked to the same byte sets."
printf '| %-8s | %9s | %8s | %12s | %11s | %10s | %11s | %s\n' \
    response "byte path" parse "byte - parse" parsed-head http-parts "parsed/byte" "target <= byte - parse (parsed, http)"
printf '|----------|-----------|----------|--------------|-------------|------------|-------------|\n'
for r in small typical large; do
    m=${I[machine-$r]} p=${I[parsed-$r]} t=${I[http-$r]} h=${I[parse-$r]}
    okp=$(awk -v p="$p" -v m="$m" -v h="$h" 'BEGIN { print (p <= m - h) ? "ok" : "MISSED" }')
    okt=$(awk -v p="$t" -v m="$m" -v h="$h" 'BEGIN { print (p <= m - h) ? "ok" : "MISSED" }')
    printf '| %-8s | %9d | %8d | %12d | %11d | %10d | %11s | %s, %s\n' "$r" "$m" "$h" $(( m - h )) "$p" "$t" "$(ratio "$p" "$m")" "$okp" "$okt"
done

# top_functions FILE: callgrind_annotate's function table for FILE, its first 30 lines. awk
# reads the listing to its end: `| head` would exit first and kill the writers with SIGPIPE,
# which `set -o pipefail` turns into the script's exit status (141).
top_functions() {
    callgrind_annotate --threshold=99 "$1" 2>/dev/null \
        | awk '/file:function/ { on = 1 } on && shown < 30 { print; shown++ }'
}

echo
echo "Whole chain (instructions per chain): request built, Follow::new (policy fetch), first"
echo "head written, the redirect read and the next head written, the final 200 read, all dropped."
echo "'- hop' is the chain less the hop above: what the chain costs outside the redirect."
echo
printf '| %-8s | %8s | %8s | %13s | %11s | %13s | %s\n' \
    redirect floor machine machine/floor "floor - hop" "machine - hop" "target machine/floor"
printf '|----------|----------|----------|---------------|-------------|---------------|\n'
for r in small typical large; do
    f=${I[chain-floor-$r]} m=${I[chain-machine-$r]}
    mf=$(ratio "$m" "$f")
    t=${CHAIN_TARGET[$r]}
    ok=$(awk -v x="$mf" -v t="$t" 'BEGIN { print (x <= t) ? "ok" : "MISSED" }')
    printf '| %-8s | %8d | %8d | %13s | %11d | %13d | <= %s: %s\n' "$r" "$f" "$m" "$mf" \
        $(( f - I[floor-$r] )) $(( m - I[machine-$r] )) "$t" "$ok"
done

echo
echo "Tower layers (instructions per request): the 2-hop chain of benches/common/two_hops.rs"
echo "(302 -> 307 -> 200, in-process service): the request built, the layer's future driven"
echo "to the final response, the response dropped."
echo
o=${I[tower-ours]}
printf '| %-40s | %8s | %13s | %s\n' layer instr "ours / layer" "target ours <= tower-http"
printf '|------------------------------------------|----------|---------------|\n'
printf '| %-40s | %8d | %13s |\n' "redirects-tower (Policy::fetch())" "$o" 1.00
for k in http06 http07; do
    t=${I[tower-$k]}
    ok=$(awk -v o="$o" -v t="$t" 'BEGIN { print (o <= t) ? "ok" : "MISSED" }')
    printf '| %-40s | %8d | %13s | %s\n' "tower-http 0.${k#http0} FollowRedirect (Standard)" "$t" "$(ratio "$o" "$t")" "$ok"
done

echo
echo "The same request sent to /end (no redirect, the path most requests take): instructions"
echo "per request, and over the service alone (what the layer adds)."
echo
b=${I[direct-bare]}
printf '| %-40s | %8s | %14s\n' layer instr "over the service"
printf '|------------------------------------------|----------|----------------|\n'
printf '| %-40s | %8d | %14s\n' "the service alone (TwoHops)" "$b" 0
printf '| %-40s | %8d | %14d\n' "redirects-tower (Policy::fetch())" "${I[direct-ours]}" $(( I[direct-ours] - b ))
for k in http06 http07; do
    printf '| %-40s | %8d | %14d\n' "tower-http 0.${k#http0} FollowRedirect (Standard)" "${I[direct-$k]}" $(( I[direct-$k] - b ))
done

if [ "$ANNOTATE" = 1 ]; then
    for r in small typical large; do
        for k in floor machine; do
            echo
            echo "=== $k-$r: top functions by self cost, whole run of $N hops ==="
            top_functions "$OUT/$k-$r.out"
        done
    done
    for r in small typical large; do
        echo
        echo "=== parsed-$r: top functions by self cost, whole run of $N hops ==="
        top_functions "$OUT/parsed-$r.out"
    done
    echo
    echo "=== feed-chunk64 ==="
    top_functions "$OUT/feed-chunk64.out"
    for k in floor machine; do
        echo
        echo "=== chain-$k-typical: top functions by self cost, whole run of $N chains ==="
        top_functions "$OUT/chain-$k-typical.out"
    done
    for k in "${TOWER[@]}"; do
        echo
        echo "=== tower-$k: top functions by self cost, whole run of $N requests ==="
        top_functions "$OUT/tower-$k.out"
    done
fi
