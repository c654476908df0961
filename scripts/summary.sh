#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# summary.sh CHECKRESULT RUNRESULT CHECK_STATUS RUN_STATUS
#
# The end of "make test": report the outcome of check (CHECKRESULT, exit
# status CHECK_STATUS) and of the main job (RUNRESULT, from parse-log.sh;
# exit status RUN_STATUS), then print the one summary line
#   N passed, N failed, N skipped
# (kselftest and KUnit cases run in the guest together; all zero if the
# guest never ran) and exit non-zero if anything failed.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: summary.sh CHECKRESULT RUNRESULT CHECK_STATUS RUN_STATUS"
checkres=$1 runres=$2 crc=$3 rrc=$4
passed=0 failed=0 skipped=0 ok=true
kunit_passed=0 kunit_failed=0 kunit_skipped=0

echo
echo "==== make test ===="
if [ "$crc" -eq 0 ] && [ -f "$checkres" ]; then
	echo "check: pass"
else
	ok=false
	failures=
	# shellcheck disable=SC1090
	[ ! -f "$checkres" ] || . "$checkres"
	echo "check: FAIL${failures:+: $failures}"
fi
if [ -f "$runres" ]; then
	status='' reasons=''
	# shellcheck disable=SC1090
	. "$runres"
	echo "run: $status${reasons:+: $reasons}"
	[ "$status" = pass ] || ok=false
else
	echo "run: FAIL: the guest did not run (see the output above)"
	ok=false
fi
[ "$rrc" -eq 0 ] || ok=false
echo "kselftest: $passed passed, $failed failed, $skipped skipped;" \
     "KUnit: $kunit_passed passed, $kunit_failed failed, $kunit_skipped skipped"
echo "$((passed + kunit_passed)) passed, $((failed + kunit_failed)) failed," \
     "$((skipped + kunit_skipped)) skipped"
$ok
