#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# parse-log.sh RESULTFILE [ACCEL] < CONSOLE
#
# Judge a guest's serial console, read from standard input as it streams
# (run-vm.sh pipes QEMU's output here, line by line; an old log can be
# judged again with "parse-log.sh RESULTFILE < console.log"), and write the
# verdict to RESULTFILE (data, see write_result in lib.sh: passed failed
# skipped kunit_passed kunit_failed kunit_skipped binaries status reasons,
# ACCEL as accel, and guest_seconds: the seconds from this script's start
# to the end of the stream).  The console is read once, by one awk
# program; carriage returns are dropped.  Test cases are counted from the
# kselftest_harness "# Totals:" line of each test binary (nested one level
# in run_kselftest.sh's TAP; xfail counts as passed, error and xpass as
# failed); a binary without such a line counts as one case with its
# top-level result.  The run fails if:
#   - the end marker of the initramfs' /init is missing (the guest did not
#     finish, or run-vm.sh killed it at its timeout);
#   - run_kselftest.sh reports a test binary "not ok" (failed, crashed,
#     timed out), or a test case failed;
#   - no test ran;
#   - the driver still holds a buffer after every test (its debugfs
#     "buffers", which /init prints between two markers), unless a test
#     case reported that buffer, by its inode number, as a "known importer
#     leak" (another subsystem's bug the case found), or its total still
#     charged ("# total N bytes") is more than the buffers it lists;
#   - a binary's nested KTAP, what KernelCI and LKFT parse, is malformed:
#     no plan, not as many "ok K NAME"/"not ok K NAME" lines as the plan
#     says, numbered out of order, or two cases of one name;
#   - the kernel printed a splat (BUG, WARNING, Oops, panic, KASAN, UBSAN,
#     lockdep, DMA-API debug, kmemleak, GPF, call trace...): each such
#     line is printed;
#   - KUNIT_TOOL (environment) names the tree's kunit.py, because the
#     kernel has built-in KUnit suites, and "kunit.py parse", fed the boot
#     part of the console (before /init) as it arrives, fails: a case
#     failed, or no KUnit output was found.  Its report is kept in
#     RESULTFILE.kunit.
# Exit status 0 only if the run passed.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

case $# in 1 | 2) ;; *) die "usage: parse-log.sh RESULTFILE [ACCEL] < CONSOLE" ;; esac
result=$1 accel=${2:-}
mkdir -p "$(dirname "$result")"
rm -f "$result"

# Kernel splats.  Informational lines that contain a pattern are excluded:
# the DMA-API debug banner, kmemleak's start-up lines and RCU's lockdep
# banner.
splat_re='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|lockdep|DMA-API:|kmemleak:|unreferenced object|general protection fault|Call Trace|detected stalls? on CPU|blocked for more than [0-9]+ seconds'
benign_re='DMA-API: preallocated [0-9]+ debug entries|DMA-API: debugging enabled by kernel config|kmemleak: Kernel memory leak detector initialized|kmemleak: Automatic memory scanning thread started|rcu:[[:space:]]+RCU lockdep checking is enabled'

# KUnit: built-in suites run before /init; kunit.py parses their KTAP.
kunit_tool=${KUNIT_TOOL:-} kreport=$result.kunit kunit_cmd=''
if [ -n "$kunit_tool" ]; then
	[ -f "$kunit_tool" ] || die "no $kunit_tool"
	rm -f "$kreport"
	kunit_cmd="python3 '$kunit_tool' parse > '$kreport' 2>&1"
fi

# One pass over the stream.  Its output is data, a keyword a line:
#   counts PASSED FAILED SKIPPED BINARIES BINARIES_NOT_OK
#   rc N                 the exit code in the end marker (none: missing)
#   kunit_rc N           kunit.py parse's exit code (with KUNIT_TOOL)
#   binary LINE          run_kselftest.sh's result line of a test binary
#   splat NUMBER:LINE    a splat line and its line number
start=$SECONDS
scan=$(SPLAT="$splat_re" BENIGN="$benign_re" MARKER="$end_marker rc=" KUNIT="$kunit_cmd" awk '
	BEGIN {
		splat = ENVIRON["SPLAT"]; benign = ENVIRON["BENIGN"]
		marker = ENVIRON["MARKER"]; kunit = ENVIRON["KUNIT"]
		booting = kunit != ""
	}
	function result(line) {
		# top-level "ok N selftests: ..." / "not ok N ..."
		if (line ~ /^not ok /) return "fail"
		if (line ~ /# *SKIP/) return "skip"
		return "pass"
	}
	function kunit_done() {
		booting = 0
		print "kunit_rc", close(kunit)
	}
	{ gsub(/\r/, "") }
	# Only KTAP goes to kunit.py: other drivers messages can land inside
	# it (an input device probed on the other CPU, between a suite
	# "KTAP version" and "# Subtest" lines, once made kunit.py see an
	# unnamed test with no results).  KTAP lines, once the printk time
	# is dropped, are indented or start with a KTAP keyword.
	booting {
		if (/Run \/init as init process/) {
			kunit_done()
		} else {
			line = $0
			sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "", line)
			if (line ~ /^([[:space:]]|KTAP version |TAP version |[0-9]+\.\.[0-9]|ok |not ok |#)/)
				print line | kunit
		}
	}
	$0 ~ splat && $0 !~ benign { print "splat " NR ":" $0 }
	# Buffers the driver still holds after every test (/init prints its
	# debugfs "buffers" between two markers); a case that reports a known
	# importer leak by inode number excuses that buffer.
	/known importer leak: ino [0-9]+/ {
		k = $0; sub(/.*known importer leak: ino /, "", k); sub(/[^0-9].*/, "", k)
		known[k] = 1
	}
	/^init: .*buffers after the tests:$/ { leftover = 1; print "buffers_listed"; next }
	/^init: end of / { leftover = 0 }
	# Field 22 is the buffer a range is of: a range holds no charge.
	leftover && /^[0-9]+ [0-9]+ / { print "left", $1, $2, (($1 in known) ? "excused" : "unexcused"); if (!$22) lsum += $2 }
	leftover && /^# total [0-9]+ bytes/ { print "left_total", $3, lsum + 0 }
	index($0, marker) {
		rc = substr($0, index($0, marker) + length(marker))
		sub(/[^0-9].*/, "", rc)
	}
	# KTAP of each binary, nested one level ("# "): what KernelCI and
	# LKFT parse.  It must hold a plan "1..N" and N result lines "ok K
	# NAME" / "not ok K NAME", numbered 1 to N in order, each with a
	# name of its own; a binary that breaks this is reported.
	function ktap_check(bin,   why) {
		why = ""
		if (kplan == "") why = "no plan"
		else if (kn != kplan) why = "plan 1.." kplan ", " kn " result lines"
		else if (kbad != "") why = kbad
		if (why != "") print "ktap", bin ": " why
		kcases += kn
	}
	/^# selftests: / {
		totals = 0; kplan = ""; kn = 0; kbad = ""; delete knames
		coll = $3; sub(/:$/, "", coll)
		next
	}
	/^# 1\.\.[0-9]+/ { kplan = $2; sub(/^1\.\./, "", kplan); kplan += 0 }
	/^# (not )?ok [0-9]+/ {
		line = substr($0, 3)
		sub(/^not /, "", line)
		num = $3; if ($2 == "not") num = $4
		name = line; sub(/^ok [0-9]+ ?/, "", name); sub(/ *#.*/, "", name)
		kn++
		if (kbad == "" && num + 0 != kn) kbad = "result " kn " numbered " num
		else if (kbad == "" && name == "") kbad = "result " kn " has no name"
		else if (kbad == "" && (name in knames)) kbad = "two results named " name
		knames[name] = 1
	}
	/^# # Totals: pass:/ {
		for (i = 1; i <= NF; i++) {
			split($i, kv, ":")
			if (kv[1] == "pass" || kv[1] == "xfail") { p += kv[2]; cp[coll] += kv[2] }
			else if (kv[1] == "fail" || kv[1] == "error" || kv[1] == "xpass") { f += kv[2]; cf[coll] += kv[2] }
			else if (kv[1] == "skip") { s += kv[2]; cs[coll] += kv[2] }
		}
		totals = 1
		next
	}
	/^(not )?ok [0-9]+ selftests: / {
		print "binary", $0
		bins++
		r = result($0)
		if (r == "fail") bf++
		if (!totals) {
			if (r == "pass") { p++; cp[coll]++ }
			else if (r == "fail") { f++; cf[coll]++ }
			else { s++; cs[coll]++ }
		}
		if (!(coll in seen)) { seen[coll] = 1; colls[++ncolls] = coll }
		bin = $0; sub(/^(not )?ok [0-9]+ selftests: /, "", bin); sub(/ *#.*/, "", bin)
		ktap_check(bin)
		totals = 0
	}
	END {
		if (booting) kunit_done()
		printf "counts %d %d %d %d %d\n", p, f, s, bins, bf
		for (i = 1; i <= ncolls; i++)
			printf "collection %s %d %d %d\n", colls[i], cp[colls[i]], cf[colls[i]], cs[colls[i]]
		print "ktap_cases", kcases + 0
		if (rc != "") print "rc", rc
	}')
secs=$((SECONDS - start))

pass=0 fail=0 skip=0 bins=0 binfail=0 rc='' krc=0 splats=() binaries=()
collections=() ktap=() ktap_cases=0 listed=false left=() excused=()
left_total=0 left_sum=0
while IFS= read -r entry; do
	case "$entry" in
	counts\ *) read -r _ pass fail skip bins binfail <<< "$entry" ;;
	rc\ *) rc=${entry#rc } ;;
	kunit_rc\ *) krc=${entry#kunit_rc } ;;
	binary\ *) binaries+=("${entry#binary }") ;;
	collection\ *)
		read -r _ c cpass cfail cskip <<< "$entry"
		collections+=("$c: $cpass passed, $cfail failed, $cskip skipped") ;;
	ktap\ *) ktap+=("${entry#ktap }") ;;
	ktap_cases\ *) ktap_cases=${entry#ktap_cases } ;;
	buffers_listed) listed=true ;;
	left_total\ *) read -r _ left_total left_sum <<< "$entry" ;;
	left\ *)
		read -r _ ino size how <<< "$entry"
		if [ "$how" = excused ]; then
			excused+=("ino $ino, $size bytes")
		else
			left+=("ino $ino, $size bytes")
		fi ;;
	splat\ *) splats+=("${entry#splat }") ;;
	esac
done <<< "$scan"

kpass=0 kfail=0 kskip=0 kunit_ok=true kunit_line=''
if [ -n "$kunit_tool" ]; then
	kunit_line=$(sed 's/\x1b\[[0-9;]*m//g' "$kreport" |
		     grep -a 'Testing complete\.' | tail -n 1 || true)
	kpass=$(grep -o 'passed: [0-9]*' <<< "$kunit_line" | grep -o '[0-9]*' || echo 0)
	kfail=$(grep -o 'failed: [0-9]*' <<< "$kunit_line" | grep -o '[0-9]*' || echo 0)
	kskip=$(grep -o 'skipped: [0-9]*' <<< "$kunit_line" | grep -o '[0-9]*' || echo 0)
	kerr=$(grep -o 'errors: [0-9]*' <<< "$kunit_line" | grep -o '[0-9]*' || echo 0)
	kfail=$((kfail + kerr))
	[ "$krc" -eq 0 ] || kunit_ok=false
	[ -n "$kunit_line" ] || kunit_ok=false
	# kunit.py parse exits 0 on a parse error; a failure is a failure.
	[ "$kfail" -eq 0 ] || kunit_ok=false
fi

reasons=()
[ -n "$rc" ] || reasons+=("no end marker: the guest did not finish")
[ "$binfail" -eq 0 ] || reasons+=("$binfail test binaries not ok")
[ "$fail" -eq 0 ] || reasons+=("$fail test cases failed")
[ $((pass + fail + skip)) -gt 0 ] || reasons+=("no test ran")
[ -z "$rc" ] || [ "$rc" -eq 0 ] || reasons+=("run_kselftest.sh exited with $rc")
[ "${#splats[@]}" -eq 0 ] || reasons+=("kernel splat: ${#splats[@]} lines")
[ "${#ktap[@]}" -eq 0 ] || reasons+=("KTAP of ${#ktap[@]} binaries malformed")
[ "${#left[@]}" -eq 0 ] || reasons+=("${#left[@]} buffers left after the tests")
# The driver's total (bytes charged to max_total_size) is the sum of the
# buffers it still lists: more is charge that nothing holds.
[ "$left_total" -eq "$left_sum" ] ||
	reasons+=("$left_total bytes still charged after the tests, $left_sum in live buffers")
$kunit_ok || reasons+=("KUnit: ${kunit_line:-no result} (see $kreport)")

echo
echo "==== results ===="
[ "${#binaries[@]}" -eq 0 ] || printf '  %s\n' "${binaries[@]}"
if [ "${#splats[@]}" -gt 0 ]; then
	echo "kernel splat lines (line:text):"
	printf '  %s\n' "${splats[@]}"
fi
joined=
if [ "${#reasons[@]}" -gt 0 ]; then
	joined=$(printf '%s; ' "${reasons[@]}")
	joined=${joined%; }
fi
if [ "${#ktap[@]}" -gt 0 ]; then
	echo "malformed KTAP (binary: what):"
	printf '  %s\n' "${ktap[@]}"
fi
echo "test binaries: $bins ($binfail not ok); test cases: $pass passed, $fail failed, $skip skipped"
[ "${#collections[@]}" -eq 0 ] || printf '  %s\n' "${collections[@]}"
echo "KTAP: $ktap_cases result lines of cases, ${#ktap[@]} binaries malformed"
if $listed; then
	echo "buffers left after the tests: ${#left[@]}${left[*]:+ (${left[*]})}; known importer leaks excused: ${#excused[@]}${excused[*]:+ (${excused[*]})}; total still charged: $left_total bytes"
fi
if [ -n "$kunit_tool" ]; then
	echo "KUnit (kunit.py parse): $kpass passed, $kfail failed, $kskip skipped${kunit_line:+ [$kunit_line]}"
fi
if [ "${#reasons[@]}" -eq 0 ]; then
	verdict=pass
	echo "run: PASS${accel:+ ($accel, ${secs}s)}"
else
	verdict=fail
	echo "run: FAIL: $joined"
fi
write_result "$result" "passed=$pass" "failed=$fail" "skipped=$skip" \
	"kunit_passed=$kpass" "kunit_failed=$kfail" "kunit_skipped=$kskip" \
	"binaries=$bins" "status=$verdict" "reasons=$joined" \
	"collections=$(IFS=';'; echo "${collections[*]}")" "ktap_cases=$ktap_cases" \
	"buffers_left=${#left[@]}" "known_leaks=${#excused[@]}" \
	"accel=$accel" "guest_seconds=$secs"
[ "$verdict" = pass ]
