#!/usr/bin/env bash
# End-to-end suite: the example client against two local httpbin servers, compared with
# `curl -L` (tests/e2e.rs, whose httpbin tests are #[ignore]d in a plain `cargo test` and
# run here with --include-ignored: without their servers they fail), plus both examples
# run with a URL. A third server, .ci/e2e_upgrade_server.py (Python's http.server doing a
# WebSocket handshake), answers 101 Switching Protocols, which httpbin cannot. The
# private-network test (issue 13) runs both example programs itself (`cargo run`; they are
# built before the tests) against httpbin under names given with --resolve, and a listener
# of its own that counts connections. Last, examples/minimal.rs (the client to copy) runs
# against httpbin and .ci/e2e_chunked_server.py (a redirect with a chunked body), and its
# trace and output are checked line by line.
#
# Installs what it needs: curl (apt, only if missing), and httpbin + gunicorn from PyPI into
# a virtualenv (target/e2e-venv, reused when present). Every server listens on 127.0.0.1
# only, on a free port, and is always stopped on exit. Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${E2E_VENV:-target/e2e-venv}
LOGS=target/e2e-logs
mkdir -p "$LOGS"

apt_install() {
    echo "e2e: apt-get install $*"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v curl >/dev/null || apt_install curl
command -v python3 >/dev/null || apt_install python3 python3-venv

if ! "$VENV/bin/python" -c 'import httpbin, gunicorn' 2>/dev/null; then
    echo "e2e: creating $VENV with httpbin and gunicorn"
    rm -rf "$VENV"
    python3 -m venv "$VENV" || { apt_install python3-venv && rm -rf "$VENV" && python3 -m venv "$VENV"; }
    "$VENV/bin/pip" install --quiet --disable-pip-version-check httpbin==0.10.4 gunicorn==27.0.1
fi

# gunicorn >= 25 opens a control socket in ~/.gunicorn; two servers must not share it.
GUNICORN_OPTS=(-k gthread --threads 4 --keep-alive 5 --workers 1 --timeout 30)
if "$VENV/bin/gunicorn" --help 2>/dev/null | grep -q -- --no-control-socket; then
    GUNICORN_OPTS+=(--no-control-socket)
fi

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # gunicorn stops its worker and exits on SIGTERM; don't wait forever.
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts one httpbin on 127.0.0.1 and prints its base URL once it answers (a few tries in
# case another process takes the port between the probe and the bind).
start_httpbin() {
    local name=$1 port pid
    for _ in 1 2 3; do
        port=$(free_port)
        "$VENV/bin/gunicorn" "${GUNICORN_OPTS[@]}" --bind "127.0.0.1:$port" httpbin:app \
            >"$LOGS/$name.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        for _ in $(seq 150); do # 30 s at most
            if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/get"; then
                echo "e2e: $name is http://127.0.0.1:$port (pid $pid)" >&2
                URL="http://127.0.0.1:$port"
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        echo "e2e: $name did not come up on port $port:" >&2
        tail -n 20 "$LOGS/$name.log" >&2 || true
        kill "$pid" 2>/dev/null || true
    done
    return 1
}

# Starts the 101 server and sets UPGRADE_URL once it answers (its 426 to a plain GET).
start_upgrade_server() {
    local port pid code
    for _ in 1 2 3; do
        port=$(free_port)
        "$VENV/bin/python" .ci/e2e_upgrade_server.py "$port" >"$LOGS/upgrade.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        for _ in $(seq 50); do # 10 s at most
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/" || true)
            if [ "$code" = 426 ]; then
                echo "e2e: upgrade server is http://127.0.0.1:$port (pid $pid)" >&2
                UPGRADE_URL="http://127.0.0.1:$port"
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        echo "e2e: the upgrade server did not come up on port $port:" >&2
        tail -n 20 "$LOGS/upgrade.log" >&2 || true
        kill "$pid" 2>/dev/null || true
    done
    return 1
}

# Starts the chunked-redirect server (.ci/e2e_chunked_server.py) and sets CHUNKED_URL once
# it answers.
start_chunked_server() {
    local port pid
    for _ in 1 2 3; do
        port=$(free_port)
        "$VENV/bin/python" .ci/e2e_chunked_server.py "$port" >"$LOGS/chunked.log" 2>&1 &
        pid=$!
        PIDS+=("$pid")
        for _ in $(seq 50); do # 10 s at most
            if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/done"; then
                echo "e2e: chunked-redirect server is http://127.0.0.1:$port (pid $pid)" >&2
                CHUNKED_URL="http://127.0.0.1:$port"
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        echo "e2e: the chunked-redirect server did not come up on port $port:" >&2
        tail -n 20 "$LOGS/chunked.log" >&2 || true
        kill "$pid" 2>/dev/null || true
    done
    return 1
}

URL=
start_httpbin httpbin1
HTTPBIN_URL=$URL
start_httpbin httpbin2
HTTPBIN_URL2=$URL
UPGRADE_URL=
start_upgrade_server
CHUNKED_URL=
start_chunked_server
export HTTPBIN_URL HTTPBIN_URL2 UPGRADE_URL

echo "e2e: curl is $(curl --version | head -n 1)"
# The private-network test runs both example programs with `cargo run`: build them first,
# so that no compilation happens while the tests' timeouts run.
timeout 600 cargo build --quiet --example follow
timeout 600 cargo build --quiet -p redirects-example-tokio
timeout 600 cargo test --test e2e -- --include-ignored --nocapture
# The same chains through hyper-util's client wrapped in the tower layer (redirects-tower).
timeout 600 cargo test -p redirects-tower --features cookie-store --test httpbin -- --include-ignored --nocapture
# The same chains through reqwest's client under the middleware (redirects-reqwest), and
# through ureq's agent with the machine's loop (redirects-ureq).
timeout 600 cargo test -p redirects-reqwest --test httpbin -- --include-ignored --nocapture
timeout 600 cargo test -p redirects-ureq --test httpbin -- --include-ignored --nocapture

echo "e2e: the examples with a URL"
timeout 120 cargo run --quiet --example follow -- \
    -d 'make=Volvo' -H 'Authorization: Bearer s3cret' \
    "$HTTPBIN_URL/redirect-to?url=$HTTPBIN_URL2/anything&status_code=303" >"$LOGS/follow.out"
grep -q '"method": "GET"' "$LOGS/follow.out"
if grep -q Authorization "$LOGS/follow.out"; then
    echo "e2e: Authorization reached the other origin" >&2
    exit 1
fi
timeout 120 cargo run --quiet -p redirects-example-tokio -- "$HTTPBIN_URL/redirect/3" >"$LOGS/tokio.out"
grep -q "\"url\": \"$HTTPBIN_URL/get\"" "$LOGS/tokio.out"

# examples/minimal.rs, the client to copy: its trace (stderr) and final body (stdout).
echo "e2e: examples/minimal.rs"
timeout 600 cargo build --quiet --example minimal
# minimal NAME ARGS...: runs it, output in $LOGS/minimal-NAME.{out,err}.
minimal() {
    local name=$1
    shift
    if ! timeout 60 cargo run --quiet --example minimal -- "$@" \
        >"$LOGS/minimal-$name.out" 2>"$LOGS/minimal-$name.err"; then
        echo "e2e: minimal $name failed:" >&2
        cat "$LOGS/minimal-$name.err" >&2
        exit 1
    fi
}
# expect NAME FILE COUNT PATTERN: PATTERN (grep -E) is on COUNT lines of the run's FILE.
expect() {
    local got
    got=$(grep -cE -- "$4" "$LOGS/minimal-$1.$2" || true)
    if [ "$got" != "$3" ]; then
        echo "e2e: minimal $1: $2 has $got lines matching '$4', not $3:" >&2
        cat "$LOGS/minimal-$1.err" "$LOGS/minimal-$1.out" >&2
        exit 1
    fi
}
# Three redirects and the final GET, all on one kept connection.
minimal redirect3 "$HTTPBIN_URL/redirect/3"
expect redirect3 err 4 '^> GET '
expect redirect3 err 1 '^\* new connection'
expect redirect3 err 3 '^\* drained [0-9]+ bytes, connection kept'
expect redirect3 out 1 "\"url\": \"$HTTPBIN_URL/get\""
# POST -> 307: POST again with its body (and the Content-Length it set).
minimal post307 -d make=Volvo "$HTTPBIN_URL/redirect-to?url=/anything&status_code=307"
expect post307 out 1 '"method": "POST"'
expect post307 out 1 '"data": "make=Volvo"'
expect post307 out 1 '"Content-Length": "10"'
# POST -> 302: GET without the body.
minimal post302 -d make=Volvo "$HTTPBIN_URL/redirect-to?url=/anything&status_code=302"
expect post302 out 1 '"method": "GET"'
expect post302 out 0 'Volvo|Content-Length'
# Another port: a new connection, no Authorization; the same origin keeps it.
minimal other_port -H 'Authorization: Bearer s3cret' "$HTTPBIN_URL/redirect-to?url=$HTTPBIN_URL2/anything"
expect other_port err 2 '^\* new connection'
expect other_port out 1 "\"url\": \"$HTTPBIN_URL2/anything\""
expect other_port out 0 'Authorization|s3cret'
minimal same_origin -H 'Authorization: Bearer s3cret' "$HTTPBIN_URL/redirect-to?url=/anything"
expect same_origin out 1 '"Authorization": "Bearer s3cret"'
# A chunked redirect body (extension, trailer) drained, the connection reused.
minimal chunked "$CHUNKED_URL/hop"
expect chunked err 1 '^\* drained 5 bytes, connection kept'
expect chunked out 1 '^connection [0-9]+ request 2$'
# A chunked final body (httpbin streams /stream/N), read through the drainer.
minimal stream "$HTTPBIN_URL/redirect-to?url=/stream/3"
expect stream out 3 '"id": [0-2]'
echo "e2e: done"
