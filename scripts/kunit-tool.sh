#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit-tool.sh WORKTREE ARCH BUILDDIR LOG RESULT
#
# Run the KUnit suites of drivers/dma-buf the way a kernel developer does,
# with the kernel's own runner, in WORKTREE (the series applied):
#   ./tools/testing/kunit/kunit.py run --kunitconfig=drivers/dma-buf \
#       --arch=ARCH --build_dir=BUILDDIR
# kunit.py configures and builds its own small kernel and boots it in
# QEMU.  It asks QEMU for "-accel kvm -accel hvf -accel tcg", so where
# /dev/kvm exists but its guests never run (nested or broken KVM: see
# ACCEL in run-vm.sh, whose out/kvm-silent this reads), it would wait
# until killed; there kunit.py runs in a mount namespace of its own with
# /dev/null over /dev/kvm, and QEMU falls back to TCG.  With working KVM
# it needs nothing.  The output goes to LOG; RESULT gets status and the
# counts kunit.py printed (kunit_tool_passed, _failed, _skipped), for
# summary.sh.  Exits 1 if kunit.py failed or printed no counts.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: kunit-tool.sh WORKTREE ARCH BUILDDIR LOG RESULT"
work=$1 arch=$2 dir=$3 log=$4 result=$5
top=$(cd "$(dirname "$0")/.." && pwd)
accel=${ACCEL:-auto}
rm -f "$result"
mkdir -p "$dir" "$(dirname "$log")"

cmd=(python3 ./tools/testing/kunit/kunit.py run --kunitconfig=drivers/dma-buf
     --arch="$(kernel_arch "$arch")" --build_dir="$(realpath "$dir")" --jobs="$(nproc)")
if [ "$arch" != "$(uname -m)" ]; then
	load_qemu_config "$top" "$arch"
	cmd+=(--cross_compile="$CROSS_COMPILE")
fi

# KVM only where run-vm.sh would use it: asked for, or usable and not
# known to stay silent on this boot.
mask=true
boot_id=$(cat /proc/sys/kernel/random/boot_id 2> /dev/null || echo unknown)
case "$accel" in
kvm) mask=false ;;
auto)
	if [ "$arch" = "$(uname -m)" ] && [ -c /dev/kvm ] &&
	   [ "$(cat "$top/out/kvm-silent" 2> /dev/null)" != "$boot_id" ]; then
		mask=false
	fi
	;;
esac
[ -c /dev/kvm ] || mask=false

msg "kunit.py --arch=$arch in $work (build: $dir; log: $log)${mask:+}"
rc=0
if $mask; then
	msg "/dev/kvm masked for kunit.py's QEMU: TCG"
	(cd "$work" && timeout -k 30 1800 unshare -m sh -c \
		'mount --bind /dev/null /dev/kvm && exec "$@"' sh "${cmd[@]}") \
		> "$log" 2>&1 || rc=$?
else
	(cd "$work" && timeout -k 30 1800 "${cmd[@]}") > "$log" 2>&1 || rc=$?
fi

# "Testing complete. Ran 88 tests: passed: 82, skipped: 6"
line=$(grep -o 'Testing complete\. Ran [0-9]* tests:.*' "$log" | tail -n 1 || true)
count() {
	sed -n "s/.*[:,] $1: \([0-9]*\).*/\1/p" <<< "$line"
}
p=$(count passed) f=$(count failed) s=$(count skipped)
p=${p:-0} f=${f:-0} s=${s:-0}
status=pass
if [ -z "$line" ] || [ "$rc" -ne 0 ] || [ "$f" -gt 0 ]; then
	status=fail
	tail -n 20 "$log"
fi
msg "kunit.py: ${line:-no result (exit $rc)}"
write_result "$result" "status=$status" "kunit_tool_passed=$p" \
	"kunit_tool_failed=$f" "kunit_tool_skipped=$s"
[ "$status" = pass ]
