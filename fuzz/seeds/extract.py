#!/usr/bin/env python3
"""Writes the seed corpus of the parse_head and location targets from conformance vectors.

Usage (from the repository root):
    python3 fuzz/seeds/extract.py [VECTOR.json ...]

Without arguments it reads tests/vectors/*.json, and ../shared/vectors/public.json when it
exists. Each `response` string is turned into bytes (every char is one byte: the vectors
write bytes >= 0x80 as \\u00XX), then:
  - seeds/parse_head/vec-<case id>-<step>.bin : the raw response, as is;
  - seeds/location/vec-<case id>-<step>.bin   : one byte choosing a base URL (0, the first
    of checks::BASES) followed by the raw bytes of each Location value in the response.
Files are named after the case, so re-running overwrites instead of duplicating;
identical byte strings are written once.
The machine target's seeds are binary `arbitrary` inputs and are not made here.
"""
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def vector_files(args):
    if args:
        return args
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "*.json")))
    shared = os.path.join(ROOT, "..", "shared", "vectors", "public.json")
    if os.path.exists(shared):
        files.append(shared)
    return files


def to_bytes(text):
    out = bytearray()
    for ch in text:
        cp = ord(ch)
        if cp > 0xFF:
            # Not in the format (one char = one byte); keep the UTF-8 bytes.
            out += ch.encode("utf-8")
        else:
            out.append(cp)
    return bytes(out)


def locations(raw):
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    for line in re.split(rb"\r?\n", head)[1:]:
        name, sep, value = line.partition(b":")
        if sep and name.strip().lower() == b"location":
            yield value.strip(b" \t")


def main():
    seen = {}
    for path in vector_files(sys.argv[1:]):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        for case in data.get("cases", []):
            for i, step in enumerate(case.get("steps", [])):
                if "response" not in step:
                    continue
                raw = to_bytes(step["response"])
                name = re.sub(r"[^A-Za-z0-9_.-]", "_", "vec-%s-%d.bin" % (case["id"], i))
                seen[("parse_head", name)] = raw
                for j, loc in enumerate(locations(raw)):
                    lname = name if j == 0 else name.replace(".bin", "-%d.bin" % j)
                    seen[("location", lname)] = b"\x00" + loc
    written = set()
    for (target, name), raw in sorted(seen.items()):
        if (target, raw) in written:
            continue  # same bytes as an earlier seed
        written.add((target, raw))
        d = os.path.join(HERE, target)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "wb") as f:
            f.write(raw)
    counts = {}
    for target, _ in written:
        counts[target] = counts.get(target, 0) + 1
    print(", ".join("%s: %d seeds" % kv for kv in sorted(counts.items())))


if __name__ == "__main__":
    main()
