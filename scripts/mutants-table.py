#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""mutants-table.py LIST CSV [CSV...]

The README's table of the mutation check: one row per mutant of LIST
(mutants/exporter.txt), one verdict column per table of "make mutants"
(mutants/result-NAME.csv: the normal guest, the debug guest, another
architecture; empty where that table did not run it), and the reason:
what killed it first, or the list's note.
A mutant counts as killed when any of the tables has it killed, as
"make test" and "make test-debug" together would.  The count comes last.
"""
import csv
import importlib.util
import os
import sys

# The list parser of scripts/mutants.sh, mutants-list.py.
_spec = importlib.util.spec_from_file_location(
    "mutants_list", os.path.join(os.path.dirname(os.path.abspath(__file__)), "mutants-list.py"))
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
read_list = _mod.read_list


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[0])
    mutants = read_list(sys.argv[1])
    tables = []
    for path in sys.argv[2:]:
        name = os.path.basename(path)[len("result-"):-len(".csv")]
        tables.append((name, {r["name"]: r for r in csv.DictReader(open(path))}))

    print("| mutant | class | " + " | ".join(n for n, _ in tables) +
          " | killed by (first failed cases) / why it survives |")
    print("| --- | --- | " + " | ".join("---" for _ in tables) + " | --- |")
    killed = 0
    for m in mutants:
        rows = [t.get(m["name"]) for _, t in tables]
        verdicts = [r["verdict"] if r else "not run" for r in rows]
        first = next((r for r in rows if r and r["verdict"] == "killed"), None)
        killed += first is not None
        why = first["why"] if first else m.get("note", "")
        cells = [{"killed": "killed", "not run": ""}.get(v, f"**{v}**")
                 for v in verdicts]
        print(f"| `{m['name']}` | {m['class']} | " + " | ".join(cells) +
              f" | {why.replace('|', '/')} |")
    print()
    print(f"{killed} of {len(mutants)} killed ({100 * killed / len(mutants):.1f} %)")


if __name__ == "__main__":
    main()
