#!/usr/bin/env python3
"""Ratio table for the hop benchmarks (issue 6, DESIGN.md "Performance").

Reads criterion's JSON written by `cargo bench -p redirects-benches --bench hop` and
prints, per response, the floor / machine / ureq-proto times and the ratios machine/floor
and ureq_proto/machine, then the large head fed whole / in 64-byte pieces / byte by byte
with chunk64/whole and byte/whole, each against its target; then the whole chains (the
first request built, Follow::new, one redirect, the final response, everything dropped)
for floor and machine, and machine/floor (no target).

Usage: python3 benches/report.py [TARGET_DIR] [--stat median|mean|min]
  TARGET_DIR  cargo's target directory (default: $CARGO_TARGET_DIR, else target/);
              the data is under TARGET_DIR/criterion/.
  --stat      which figure of each benchmark to compare (default median; `min` is the
              fastest sample's time per iteration, the least disturbed by other load).
A missed target is reported (MISSED in its row, and a last line naming it), not an error:
the times drift 20-40% between runs on a shared machine.
Exit status: 0 when the tables are printed (targets met or not), 2 if data is missing.
"""

import json
import os
import signal
import sys
from pathlib import Path

RESPONSES = ["small", "typical", "large"]
TARGET_MACHINE_FLOOR = 1.3
TARGET_CHUNK64 = 2.0
TARGET_BYTE = 40.0


def load(root: Path, group: str, bench: str, stat: str):
    d = root / group / bench / "new"
    try:
        if stat == "min":
            s = json.loads((d / "sample.json").read_text())
            return min(t / n for t, n in zip(s["times"], s["iters"]))
        e = json.loads((d / "estimates.json").read_text())
        return e[stat]["point_estimate"]
    except (OSError, KeyError, ValueError):
        return None


def fmt_ns(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e4:
        return f"{ns / 1e3:.1f} us"
    return f"{ns:,.0f} ns"


def ratio(a, b):
    return None if a is None or b is None else a / b


def fmt_r(r):
    return "-" if r is None else f"{r:.2f}"


def verdict(r, target):
    if r is None:
        return "no data"
    return "ok" if r <= target else "MISSED"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    stat = "median"
    if "--stat" in argv:
        i = argv.index("--stat")
        stat = argv[i + 1]
        args = [a for a in args if a != stat]
        if stat not in ("median", "mean", "min"):
            print(f"unknown --stat {stat}", file=sys.stderr)
            return 2
    target = Path(args[0]) if args else Path(os.environ.get("CARGO_TARGET_DIR", "target"))
    root = target / "criterion"
    if not root.is_dir():
        print(f"no criterion data under {root}: run `cargo bench -p redirects-benches --bench hop` first", file=sys.stderr)
        return 2

    missed = []  # the targets missed, by name
    missing = False
    print(f"Hop time ({stat} per hop, criterion data in {root})")
    print()
    print("| response | floor | machine | ureq_proto | machine/floor | ureq_proto/machine | target machine/floor <= 1.3 |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for r in RESPONSES:
        g = f"hop_{r}"
        f, m, u = (load(root, g, b, stat) for b in ("floor", "machine", "ureq_proto"))
        mf, um = ratio(m, f), ratio(u, m)
        v = verdict(mf, TARGET_MACHINE_FLOOR)
        if v == "MISSED":
            missed.append(f"{r} machine/floor {mf:.2f} > {TARGET_MACHINE_FLOOR:g}")
        missing |= mf is None
        print(f"| {r} | {fmt_ns(f)} | {fmt_ns(m)} | {fmt_ns(u)} | {fmt_r(mf)} | {fmt_r(um)} | {v} |")

    print()
    print("Large head fed to the machine")
    print()
    print("| feed | time | x whole | target |")
    print("|---|---:|---:|---|")
    g = "incremental_large"
    w, c, b = (load(root, g, x, stat) for x in ("whole", "chunk64", "byte"))
    uw, ub = load(root, g, "ureq_proto_whole", stat), load(root, g, "ureq_proto_byte", stat)
    cw, bw = ratio(c, w), ratio(b, w)
    vc, vb = verdict(cw, TARGET_CHUNK64), verdict(bw, TARGET_BYTE)
    if vc == "MISSED":
        missed.append(f"chunk64/whole {cw:.2f} > {TARGET_CHUNK64:g}")
    if vb == "MISSED":
        missed.append(f"byte/whole {bw:.2f} > {TARGET_BYTE:g}")
    missing |= cw is None or bw is None
    print(f"| whole | {fmt_ns(w)} | 1.00 | |")
    print(f"| chunk64 | {fmt_ns(c)} | {fmt_r(cw)} | <= {TARGET_CHUNK64:g}: {vc} |")
    print(f"| byte | {fmt_ns(b)} | {fmt_r(bw)} | <= {TARGET_BYTE:g}: {vb} |")
    if uw is not None or ub is not None:
        print(f"| ureq_proto whole | {fmt_ns(uw)} | | |")
        print(f"| ureq_proto byte | {fmt_ns(ub)} | {fmt_r(ratio(ub, uw))} (x ureq_proto whole) | |")

    print()
    print("Parsed-head entry point beside the byte path (time per hop); 'byte - parse' is the")
    print("byte path less the httparse parse measured alone in the same run")
    print()
    print("| response | byte path | parse | byte - parse | handle_head | handle_http_parts | handle_head/byte | http_parts/byte |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in RESPONSES:
        g = f"parsed_{r}"
        bp, ph, hp, po = (load(root, g, x, stat) for x in ("byte_path", "parsed_head", "http_parts", "parse_only"))
        if bp is None or ph is None:
            print(f"| {r} | no data | | | | | | |")
            continue
        less = None if po is None else bp - po
        print(f"| {r} | {fmt_ns(bp)} | {fmt_ns(po)} | {fmt_ns(less)} | {fmt_ns(ph)} | {fmt_ns(hp)} | {fmt_r(ratio(ph, bp))} | {fmt_r(ratio(hp, bp))} |")

    print()
    print("Whole chain: request built, Follow::new, the redirect, the final 200, all dropped")
    print()
    print("| redirect | floor | machine | machine/floor |")
    print("|---|---:|---:|---:|")
    chain_rows = []
    for r in RESPONSES:
        g = f"chain_{r}"
        f, m = (load(root, g, x, stat) for x in ("floor", "machine"))
        missing |= f is None or m is None
        chain_rows.append(fmt_r(ratio(m, f)))
        print(f"| {r} | {fmt_ns(f)} | {fmt_ns(m)} | {chain_rows[-1]} |")

    print()
    print("Summary (ratios):")
    print("| ratio | small | typical | large |")
    print("|---|---:|---:|---:|")
    rows = {"machine/floor": [], "ureq_proto/machine": []}
    for r in RESPONSES:
        g = f"hop_{r}"
        f, m, u = (load(root, g, x, stat) for x in ("floor", "machine", "ureq_proto"))
        rows["machine/floor"].append(fmt_r(ratio(m, f)))
        rows["ureq_proto/machine"].append(fmt_r(ratio(u, m)))
    for k, v in rows.items():
        print(f"| {k} | " + " | ".join(v) + " |")
    print(f"| chunk64/whole (large) | | | {fmt_r(cw)} |")
    print(f"| byte/whole (large) | | | {fmt_r(bw)} |")
    print("| whole chain machine/floor | " + " | ".join(chain_rows) + " |")

    if missed:
        print()
        print("MISSED: " + ", ".join(missed))
    return 2 if missing else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` is fine
    sys.exit(main(sys.argv[1:]))
