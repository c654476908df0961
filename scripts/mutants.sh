#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh WORKTREE MUTDIR ARCH LIST LOGDIR NAME
#
# The mutation check of issue 14 (outside the patch series and CI): how
# many one-line breaks of the driver the tests notice.
#   1. a git worktree MUTDIR/tree at WORKTREE's HEAD (the series applied),
#      built with build.sh in MUTDIR/build (the configuration of "make",
#      or of "make test-debug" with EXTRA_CONFIG), so that the tests' own
#      tree, build and logs are left alone;
#   2. the unmutated tree is built, booted and run first: it must pass;
#   3. for each mutant of LIST (format: the head of mutants/exporter.txt):
#      its text is replaced
#      in its file (the text must occur exactly once, or the list is out
#      of date and the run stops), the kernel rebuilt (incremental), the
#      guest booted with the kselftests and the KUnit suite as in
#      "make run", and the file restored.  A mutant is "killed" when the
#      run fails (a test, a splat, a panic or TIMEOUT), "survived" when it
#      passes, "stillborn" when it does not build.
# Prints a table of the whole list (LOGDIR/mutants-NAME.txt, and .csv):
# name, class, the verdict and what killed it (the first failed test
# cases, or the reason) or the list's note, then the count.  A mutant that
# ONLY= left out keeps its row of the last table (that .csv, or else the
# committed mutants/result-NAME.csv), or is "not run"; this run's rows
# alone go to LOGDIR/mutants-NAME.run.csv.  Consoles:
# LOGDIR/mutants-NAME/MUTANT.log.
#
# Environment: ACCEL, KCMDLINE as for run-vm.sh; TIMEOUT per guest run
# (default 240 s, four times a normal guest run: a mutant that hangs the
# guest is killed by it; the debug guest needs more);
# EXTRA_CONFIG as for build.sh; ONLY=NAME[,NAME...] runs only those;
# LIST_ONLY=1 only checks that every mutant applies (no build, no guest).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 6 ] || die "usage: mutants.sh WORKTREE MUTDIR ARCH LIST LOGDIR NAME"
work=$1 mutdir=$2 arch=$3 list=$4 logdir=$5 name=$6
top=$(cd "$(dirname "$0")/.." && pwd)
[ -e "$work/.git" ] || die "$work is not a git tree: run make apply first"
[ -r "$list" ] || die "no mutant list $list"
export TIMEOUT=${TIMEOUT:-240}
only=${ONLY:-}

mkdir -p "$mutdir" "$logdir"
mutdir=$(cd "$mutdir" && pwd) logdir=$(cd "$logdir" && pwd)
tree=$mutdir/tree obj=$mutdir/build
initrd=$mutdir/initramfs.cpio.gz
clog=$logdir/mutants-$name
table=$logdir/mutants-$name.txt csv=$logdir/mutants-$name.csv
mkdir -p "$clog"

# The mutants' tree: a worktree of the work tree's repository at its HEAD.
head=$(git -C "$work" rev-parse HEAD)
if [ ! -e "$tree/.git" ]; then
	git -C "$work" worktree add -f --detach "$tree" "$head" > /dev/null 2>&1 ||
		die "cannot make the worktree $tree"
else
	git -C "$tree" checkout -q -f --detach "$head"
fi
msg "tree: $tree at $(git -C "$tree" log -1 --format='%h %s')"

# The list, parsed once: NUL-separated records of name, class, file, from,
# to and note.
records=$(mktemp)
trap 'rm -f "$records"; git -C "$tree" checkout -q -f -- . 2> /dev/null || true' EXIT
python3 "$top/scripts/mutants-list.py" "$list" > "$records"

# apply_mutant FILE FROM TO: replace the one occurrence of FROM in FILE.
apply_mutant() {
	python3 - "$@" << 'EOF'
import sys
path, old, new = sys.argv[1:4]
s = open(path).read()
n = s.count(old)
if n != 1:
    sys.exit(f"'{old}' occurs {n} times in {path}, not once: the list is out of date")
open(path, "w").write(s.replace(old, new, 1))
EOF
}

# run_tree LABEL: build the tree as it is and run the tests; sets verdict
# and why.
run_tree() {
	local label=$1 console=$clog/$1.log result=$clog/$1.result
	rm -f "$result"
	if ! "$top/scripts/build.sh" "$tree" "$obj" "$arch" dmabuf-exporter \
		"$clog/$label.build.log" > /dev/null 2>&1; then
		verdict=stillborn why="does not build (see $clog/$label.build.log)"
		return
	fi
	"$top/scripts/mkinitramfs.sh" "$obj" "$initrd" "$arch" > /dev/null
	if "$top/scripts/run-vm.sh" "$obj" "$initrd" "$arch" "$console" "$result" \
		> "$clog/$label.run.log" 2>&1; then
		verdict=survived why=
		return
	fi
	verdict=killed
	# The first failed cases, kselftest ("# not ok N name") and KUnit
	# ("not ok N name" in the console),
	why=$(tr -d '\r' < "$console" |
	      sed -n 's/^.*not ok [0-9]* \([^ #]*\).*/\1/p' |
	      grep -v -e '^selftests:' -e '^dma_buf_exporter$' |
	      sort -u | head -n 3 | paste -sd ' ' -) 2> /dev/null || why=
	# else the first splat line (a WARN under panic_on_warn ends the
	# guest before any case reports), else parse-log.sh's reasons.
	if [ -z "$why" ]; then
		why=$(tr -d '\r' < "$console" |
		      sed -n 's/^\[[ 0-9.]*\] //; /\(WARNING\|BUG\|Oops\):/{s/^/splat: /p;q}' |
		      cut -c 1-120) 2> /dev/null || why=
	fi
	if [ -z "$why" ]; then
		why=$(sed -n 's/^reasons=\(..*\)$/\1/p' "$result" |
		      head -c 120) 2> /dev/null || why=
	fi
	[ -n "$why" ] || why="run failed (see $clog/$label.run.log)"
}

if [ "${LIST_ONLY:-0}" = 1 ]; then
	n=0
	while IFS= read -r -d '' mname && IFS= read -r -d '' mclass &&
	      IFS= read -r -d '' mfile && IFS= read -r -d '' mfrom &&
	      IFS= read -r -d '' mto && IFS= read -r -d '' mnote; do
		apply_mutant "$tree/$mfile" "$mfrom" "$mto" || die "mutant $mname"
		git -C "$tree" checkout -q -f -- "$mfile"
		n=$((n + 1))
	done < "$records"
	msg "all $n mutants of $list apply to $tree"
	exit 0
fi

msg "baseline: the unmutated tree"
run_tree baseline
[ "$verdict" = survived ] || die "the unmutated tree does not pass ($verdict: $why)"

# This run's rows; then the whole list's table, where a mutant not run
# this time keeps its row of the last table (out/log, or else the
# committed mutants/result-NAME.csv), so that ONLY= runs add up.
runcsv=$logdir/mutants-$name.run.csv
echo "name,class,verdict,why" > "$runcsv"
killed=0 survived=0 stillborn=0 total=0
while IFS= read -r -d '' mname && IFS= read -r -d '' mclass &&
      IFS= read -r -d '' mfile && IFS= read -r -d '' mfrom &&
      IFS= read -r -d '' mto && IFS= read -r -d '' mnote; do
	if [ -n "$only" ] && [[ ",$only," != *",$mname,"* ]]; then
		continue
	fi
	apply_mutant "$tree/$mfile" "$mfrom" "$mto" >&2 || exit 1
	start=$SECONDS
	run_tree "$mname"
	git -C "$tree" checkout -q -f -- "$mfile"
	total=$((total + 1))
	case $verdict in
	killed) killed=$((killed + 1)) ;;
	survived) survived=$((survived + 1)); why=$mnote ;;
	stillborn) stillborn=$((stillborn + 1)) ;;
	esac
	echo "mutants: $mname: $verdict in $((SECONDS - start)) s${why:+ ($why)}" >&2
	printf '%s,"%s",%s,"%s"\n' "$mname" "$mclass" "$verdict" "${why//\"/\'}" >> "$runcsv"
done < "$records"
msg "this run: $killed of $((killed + survived)) killed ($survived survived, $stillborn stillborn)"

prev=$csv
[ -r "$prev" ] || prev=$top/mutants/result-$name.csv
python3 - "$records" "$runcsv" "$prev" "$csv" << 'EOF' | tee "$table"
import csv, os, sys
records, runcsv, prev, out = sys.argv[1:5]
fields = open(records).read().split("\0")[:-1]
mutants = [fields[i:i + 6] for i in range(0, len(fields), 6)]
def rows(path):
    if not os.path.exists(path):
        return {}
    return {r["name"]: r for r in csv.DictReader(open(path))}
old, new = rows(prev), rows(runcsv)
count = {}
with open(out, "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["name", "class", "verdict", "why"])
    print(f"{'mutant':28} {'class':22} {'verdict':10} killed by / note")
    for name, cls, _, _, _, note in mutants:
        r = dict(new.get(name) or old.get(name) or {"verdict": "not run"})
        if r["verdict"] != "killed":
            r["why"] = note  # the list's reason, as it is now
        w.writerow([name, cls, r["verdict"], r["why"]])
        count[r["verdict"]] = count.get(r["verdict"], 0) + 1
        print(f"{name:28} {cls:22} {r['verdict']:10} {r['why']}")
k, s, b = (count.get(v, 0) for v in ("killed", "survived", "stillborn"))
print(f"{k} of {k + s} killed ({s} survived, {b} stillborn, "
      f"{count.get('not run', 0)} of {len(mutants)} not run)")
EOF
