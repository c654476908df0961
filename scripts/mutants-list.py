#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mutants-list.py LIST

Reads the mutant list (mutants/exporter.txt: "key: value" paragraphs, see
its head), checks it, and writes each mutant's name, class, file, from, to
and note as NUL-terminated fields (from and to with \\n and \\t expanded),
for scripts/mutants.sh.  As a module, read_list() gives the mutants as
dicts (scripts/mutants-table.py).
"""
import sys

KEYS = ("name", "class", "file", "from", "to", "note")


def read_list(path):
    mutants, cur = [], {}
    lines = open(path).read().splitlines() + [""]
    for lineno, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        if not line.strip():
            if cur:
                mutants.append(cur)
            cur = {}
            continue
        key, sep, val = line.partition(": ")
        if not sep or key not in KEYS:
            sys.exit(f"{path}:{lineno}: not 'key: value' with a key of {KEYS}")
        cur[key] = val
    names = set()
    for m in mutants:
        for k in KEYS[:5]:
            if k not in m:
                sys.exit(f"{path}: mutant {m.get('name', '?')} has no {k}")
        if m["name"] in names:
            sys.exit(f"{path}: mutant {m['name']} twice")
        names.add(m["name"])
        for k in ("from", "to"):
            m[k] = m[k].replace("\\n", "\n").replace("\\t", "\t")
    return mutants


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: mutants-list.py LIST")
    for m in read_list(sys.argv[1]):
        sys.stdout.write("\0".join(m.get(k, "") for k in KEYS) + "\0")
