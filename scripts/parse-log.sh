#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# parse-log.sh CONSOLELOG RESULTFILE [STATUS [ACCEL [SECONDS]]]
#
# Judge a guest console log written by run-vm.sh and write the verdict to
# RESULTFILE (data, see write_result in lib.sh: passed failed skipped
# kunit_passed kunit_failed kunit_skipped binaries status reasons, and the
# ACCEL and SECONDS it was given as accel and guest_seconds).  Test cases are counted from the kselftest_harness "# Totals:"
# line of each test binary (nested one level in run_kselftest.sh's TAP;
# xfail counts as passed, error and xpass as failed); a binary without such
# a line counts as one case with its top-level result.  The run fails if:
#   - STATUS is "timeout" (run-vm.sh killed the guest), or the end marker
#     of the initramfs' /init is missing (the guest did not finish);
#   - run_kselftest.sh reports a test binary "not ok" (failed, crashed,
#     timed out), or a test case failed;
#   - no test ran;
#   - the kernel printed a splat (BUG, WARNING, Oops, panic, KASAN, UBSAN,
#     lockdep, DMA-API debug, kmemleak, GPF, call trace...): each such
#     line is printed;
#   - KUNIT_TOOL (environment) names the tree's kunit.py, because the
#     kernel has built-in KUnit suites, and "kunit.py parse" on the boot
#     part of the log (before /init) fails: a case failed, or no KUnit
#     output was found.  Its report is kept next to CONSOLELOG (.kunit).
# Exit status 0 only if the run passed.  Can be run again on an old log.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: parse-log.sh CONSOLELOG RESULTFILE [STATUS [ACCEL [SECONDS]]]"
log=$1 result=$2 status=${3:-finished} accel=${4:-} secs=${5:-}
[ -f "$log" ] || die "no console log $log"

clean=$(mktemp)
trap 'rm -f "$clean"' EXIT
tr -d '\r' < "$log" > "$clean"

# Kernel splats.  Informational lines that contain a pattern are excluded:
# the DMA-API debug banner, kmemleak's start-up lines and RCU's lockdep
# banner.
splat_re='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|lockdep|DMA-API:|kmemleak:|unreferenced object|general protection fault|Call Trace|detected stalls? on CPU|blocked for more than [0-9]+ seconds'
benign_re='DMA-API: preallocated [0-9]+ debug entries|DMA-API: debugging enabled by kernel config|kmemleak: Kernel memory leak detector initialized|kmemleak: Automatic memory scanning thread started|rcu:[[:space:]]+RCU lockdep checking is enabled'
splats=$(grep -anE "$splat_re" "$clean" | grep -avE "$benign_re" || true)

# Test counts, per run_kselftest.sh's TAP.
read -r pass fail skip bins binfail <<< "$(awk '
	function result(line, rest) {
		# top-level "ok N selftests: ..." / "not ok N ..."
		if (line ~ /^not ok /) return "fail"
		if (line ~ /# *SKIP/) return "skip"
		return "pass"
	}
	/^# selftests: / { totals = 0; next }
	/^# # Totals: pass:/ {
		for (i = 1; i <= NF; i++) {
			split($i, kv, ":")
			if (kv[1] == "pass" || kv[1] == "xfail") p += kv[2]
			else if (kv[1] == "fail" || kv[1] == "error" || kv[1] == "xpass") f += kv[2]
			else if (kv[1] == "skip") s += kv[2]
		}
		totals = 1
		next
	}
	/^(not )?ok [0-9]+ selftests: / {
		bins++
		r = result($0)
		if (r == "fail") bf++
		if (!totals) {
			if (r == "pass") p++
			else if (r == "fail") f++
			else s++
		}
		totals = 0
	}
	END { printf "%d %d %d %d %d\n", p, f, s, bins, bf }' "$clean")"

rc=$(sed -n "s/.*$end_marker rc=\([0-9]*\).*/\1/p" "$clean" | tail -n 1)

# KUnit: built-in suites run before /init; kunit.py parses their KTAP.
kunit_tool=${KUNIT_TOOL:-}
kpass=0 kfail=0 kskip=0 kunit_ok=true kunit_line=''
if [ -n "$kunit_tool" ]; then
	kreport=${log%.log}.kunit
	if [ ! -f "$kunit_tool" ]; then
		kunit_ok=false kunit_line="no $kunit_tool"
	else
		# Only KTAP: other drivers' messages can land inside it (an
		# input device probed on the other CPU, between a suite's
		# "KTAP version" and "# Subtest" lines, once made kunit.py see
		# an unnamed test with no results).  KTAP's own lines are
		# indented or start with a KTAP keyword; printk lines do not.
		sed '/Run \/init as init process/q' "$clean" |
			sed -E 's/^\[ *[0-9]+\.[0-9]+\] ?//' |
			grep -a -E '^([[:space:]]|KTAP version |TAP version |[0-9]+\.\.[0-9]|ok |not ok |#)' |
			python3 "$kunit_tool" parse > "$kreport" 2>&1 || kunit_ok=false
		kunit_line=$(sed 's/\x1b\[[0-9;]*m//g' "$kreport" |
			     grep -a 'Testing complete\.' | tail -n 1 || true)
		kpass=$(grep -o 'passed: [0-9]*' <<< "$kunit_line" | grep -o '[0-9]*' || echo 0)
		kfail=$(grep -o 'failed: [0-9]*' <<< "$kunit_line" | grep -o '[0-9]*' || echo 0)
		kskip=$(grep -o 'skipped: [0-9]*' <<< "$kunit_line" | grep -o '[0-9]*' || echo 0)
		kerr=$(grep -o 'errors: [0-9]*' <<< "$kunit_line" | grep -o '[0-9]*' || echo 0)
		kfail=$((kfail + kerr))
		[ -n "$kunit_line" ] || kunit_ok=false
		# kunit.py parse exits 0 on a parse error; a failure is a failure.
		[ "$kfail" -eq 0 ] || kunit_ok=false
	fi
fi

reasons=()
[ "$status" != timeout ] || reasons+=("timeout")
[ -n "$rc" ] || reasons+=("no end marker: the guest did not finish")
[ "$binfail" -eq 0 ] || reasons+=("$binfail test binaries not ok")
[ "$fail" -eq 0 ] || reasons+=("$fail test cases failed")
[ $((pass + fail + skip)) -gt 0 ] || reasons+=("no test ran")
[ -z "$rc" ] || [ "$rc" -eq 0 ] || reasons+=("run_kselftest.sh exited with $rc")
if [ -n "$splats" ]; then
	reasons+=("kernel splat: $(grep -c . <<< "$splats") lines")
fi
$kunit_ok || reasons+=("KUnit: ${kunit_line:-no result} (see $kreport)")

echo
echo "==== results ($log) ===="
grep -aE '^(not )?ok [0-9]+ selftests: ' "$clean" | sed 's/^/  /' || true
if [ -n "$splats" ]; then
	echo "kernel splat lines (line:text):"
	sed 's/^/  /' <<< "$splats"
fi
joined=
if [ "${#reasons[@]}" -gt 0 ]; then
	joined=$(printf '%s; ' "${reasons[@]}")
	joined=${joined%; }
fi
echo "test binaries: $bins ($binfail not ok); test cases: $pass passed, $fail failed, $skip skipped"
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
	"accel=$accel" "guest_seconds=$secs"
[ "$verdict" = pass ]
