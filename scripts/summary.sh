#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# summary.sh CHECKRESULT RUNRESULT CHECK_STATUS RUN_STATUS [KUNITTOOLRESULT KUNITTOOL_STATUS]
#
# The end of "make test" (and of "make test-debug", which has no check
# stage: CHECKRESULT "-"): report the outcome of check (CHECKRESULT, exit
# status CHECK_STATUS) and of the main job (RUNRESULT, from parse-log.sh;
# exit status RUN_STATUS), then print the one summary line
#   N passed, N failed, N skipped
# and exit non-zero if anything failed.  Its tests are every check of
# check-patches.sh (checkpatch of a patch, a W=1 build, a static analysis
# tool: check_passed/check_failed of CHECKRESULT), every kselftest and KUnit
# case of the guest, and the guest run itself where it failed with no case
# to show it (a splat, a time-out, a guest that never booted).  So the line
# says "0 failed" exactly when the exit status is 0: whatever failed
# without a count of its own (a check or run that died before writing its
# result) counts as one failed test.  With KUNITTOOLRESULT (kunit-tool.sh,
# exit status KUNITTOOL_STATUS), the cases kunit.py ran count too.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || [ $# -eq 6 ] ||
	die "usage: summary.sh CHECKRESULT RUNRESULT CHECK_STATUS RUN_STATUS [KUNITTOOLRESULT KUNITTOOL_STATUS]"
checkres=$1 runres=$2 crc=$3 rrc=$4 ktres=${5:-} ktrc=${6:-0}
kunit_tool_passed=0 kunit_tool_failed=0 kunit_tool_skipped=0
passed=0 failed=0 skipped=0 ok=true
kunit_passed=0 kunit_failed=0 kunit_skipped=0
check_passed=0 check_failed=0 extra_failed=0

echo
echo "==== summary ===="
failures=
if [ "$checkres" = - ]; then
	:
elif [ -f "$checkres" ]; then
	read_result "$checkres"
fi
if [ "$checkres" = - ]; then
	echo "check: not run"
elif [ "$crc" -eq 0 ] && [ -f "$checkres" ] && [ "$check_failed" -eq 0 ]; then
	echo "check: pass ($check_passed checks)"
else
	ok=false
	if [ ! -f "$checkres" ]; then
		failures="check did not finish (exit $crc)"
	fi
	echo "check: FAIL${failures:+: $failures} ($check_passed passed, $check_failed failed)"
	[ "$check_failed" -gt 0 ] || extra_failed=$((extra_failed + 1))
fi
if [ -f "$runres" ]; then
	status='' reasons='' collections=''
	read_result "$runres"
	echo "run: $status${reasons:+: $reasons}"
	# kselftest collections apart (the 32-bit build of x86_64 guests)
	[ -z "$collections" ] || echo "  ${collections//;/; }"
else
	status=fail
	echo "run: FAIL: the guest did not run (see the output above)"
fi
if [ "$status" != pass ] || [ "$rrc" -ne 0 ]; then
	ok=false
	# A failed run that no failed case explains is one failed test.
	[ $((failed + kunit_failed)) -gt 0 ] || extra_failed=$((extra_failed + 1))
fi
tparts=
if [ -n "$ktres" ]; then
	status=fail
	[ ! -f "$ktres" ] || read_result "$ktres"
	if [ "$status" = pass ] && [ "$ktrc" -eq 0 ]; then
		echo "kunit.py: pass"
	else
		ok=false
		echo "kunit.py: FAIL (see out/log/kunit-tool-*.log)"
		[ "$kunit_tool_failed" -gt 0 ] || extra_failed=$((extra_failed + 1))
	fi
	tparts="; kunit.py: $kunit_tool_passed passed, $kunit_tool_failed failed, $kunit_tool_skipped skipped"
fi
parts=
[ "$checkres" = - ] || parts="check: $check_passed passed, $check_failed failed; "
echo "${parts}kselftest: $passed passed, $failed failed, $skipped skipped;" \
     "KUnit: $kunit_passed passed, $kunit_failed failed, $kunit_skipped skipped$tparts"
[ "$extra_failed" -eq 0 ] || echo "failed without a test of its own: $extra_failed"
echo "$((check_passed + passed + kunit_passed + kunit_tool_passed)) passed," \
     "$((check_failed + failed + kunit_failed + kunit_tool_failed + extra_failed)) failed," \
     "$((skipped + kunit_skipped + kunit_tool_skipped)) skipped"
$ok
