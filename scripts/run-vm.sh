#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh OBJDIR INITRD ARCH CONSOLELOG RESULTFILE
#
# Boot the kernel built in OBJDIR with the test initramfs INITRD in QEMU
# (settings from configs/qemu-ARCH: memory, CPUs, serial console, no
# reboot), stream the console to the terminal and into CONSOLELOG, then
# check the log with parse-log.sh, which writes RESULTFILE and decides the
# exit code.  When the kernel has CONFIG_KUNIT=y, its built-in KUnit suites
# run at boot and parse-log.sh judges them with the tree's kunit.py.
#
# Environment:
#   ACCEL=auto|kvm|tcg  auto (default): KVM if /dev/kvm is usable and the
#                       guest is of the host's architecture, but if
#                       the console shows no "Linux version" line within
#                       KVM_PROBE seconds (default 8), QEMU is killed and
#                       the guest is booted again with TCG;
#   TIMEOUT=SECONDS     the whole boot and test run (default 1200): QEMU is
#                       killed after it and the run fails;
#   KCMDLINE=ARGS       appended to the kernel command line of
#                       configs/qemu-ARCH (make test-debug: panic_on_warn=1).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: run-vm.sh OBJDIR INITRD ARCH CONSOLELOG RESULTFILE"
obj=$1 initrd=$2 arch=$3 log=$4 result=$5
accel=${ACCEL:-auto}
timeout=${TIMEOUT:-1200}
probe=${KVM_PROBE:-8}
top=$(cd "$(dirname "$0")/.." && pwd)
load_qemu_config "$top" "$arch"
image=$obj/$KERNEL_IMAGE
[ -f "$image" ] || die "no kernel image $image: run make build first"
[ -f "$initrd" ] || die "no initramfs $initrd: run make initramfs first"
command -v "$QEMU_BIN" > /dev/null || die "no $QEMU_BIN: run make deps"

# KVM runs only guests of the host's own kind (configs/qemu-ARCH:
# QEMU_KVM_ARCH, the uname -m of such a host; default: this host's).
kvm_usable() {
	[ "${QEMU_KVM_ARCH:-$(uname -m)}" = "$(uname -m)" ] &&
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}
case "$accel" in
auto) if kvm_usable; then accel=kvm; fallback=true; else accel=tcg; fallback=false; fi ;;
kvm) kvm_usable || die "ACCEL=kvm, but /dev/kvm is not usable for an $arch guest on $(uname -m)"; fallback=false ;;
tcg) fallback=false ;;
*) die "ACCEL must be auto, kvm or tcg, not $accel" ;;
esac

mkdir -p "$(dirname "$log")" "$(dirname "$result")"
rm -f "$result"
qpid='' tpid=''
stop() {
	local pid
	for pid in $qpid $tpid; do
		kill "$pid" 2> /dev/null || true
	done
	sleep 1
	for pid in $qpid $tpid; do
		kill -9 "$pid" 2> /dev/null || true
		wait "$pid" 2> /dev/null || true
	done
	qpid='' tpid=''
}
trap stop EXIT
trap 'stop; exit 130' INT TERM

# boot ACCEL: start QEMU in the background, its console going to $log
# (truncated) and, through tail, to the terminal.
boot() {
	local a=$1 cpu
	if [ "$a" = kvm ]; then cpu=$QEMU_CPU_KVM; else cpu=$QEMU_CPU_TCG; fi
	local cmd=("$QEMU_BIN" -machine "$QEMU_MACHINE" -accel "$a" -cpu "$cpu"
		   -m "$QEMU_MEM" -smp "$QEMU_SMP" -kernel "$image" -initrd "$initrd"
		   -append "console=$QEMU_CONSOLE $QEMU_CMDLINE${KCMDLINE:+ $KCMDLINE}"
		   -serial "file:$log")
	# shellcheck disable=SC2206
	cmd+=($QEMU_EXTRA)
	: > "$log"
	msg "booting with $a: ${cmd[*]}"
	"${cmd[@]}" < /dev/null &
	qpid=$!
	tail -n +1 -f --pid="$qpid" "$log" &
	tpid=$!
	started=$SECONDS
}

# kvm_dead: the KVM guest shows no life (QEMU gone, or silent for $probe s).
kvm_dead() {
	! grep -aq 'Linux version' "$log" &&
	{ ! kill -0 "$qpid" 2> /dev/null || [ $((SECONDS - started)) -ge "$probe" ]; }
}

start=$SECONDS
boot "$accel"
status=finished
init_seen=''
while :; do
	if $fallback && [ "$accel" = kvm ]; then
		if kvm_dead; then
			fallback=false
			how=exited
			! kill -0 "$qpid" 2> /dev/null || how="still silent"
			stop
			msg "no console output from the KVM guest after $((SECONDS - started)) s" \
			    "(QEMU $how): falling back to TCG"
			accel=tcg
			boot "$accel"
			continue
		elif grep -aq 'Linux version' "$log"; then
			fallback=false
		fi
	fi
	if [ -z "$init_seen" ] && grep -aq 'Run /init as init process' "$log"; then
		init_seen=$((SECONDS - started))
	fi
	kill -0 "$qpid" 2> /dev/null || break
	if [ $((SECONDS - start)) -ge "$timeout" ]; then
		stop
		msg "TIMEOUT: the guest did not finish within $timeout s; killed QEMU"
		status=timeout
		break
	fi
	sleep 1
done
if [ -n "$qpid" ]; then
	wait "$qpid" && qrc=0 || qrc=$?
	wait "$tpid" 2> /dev/null || true
	qpid='' tpid=''
	[ "$qrc" -eq 0 ] || msg "QEMU exited with status $qrc"
fi
msg "guest ran $((SECONDS - start)) s in all; with $accel, /init started ${init_seen:-?} s after QEMU did; console log: $log"

kunit_tool=''
if grep -q '^CONFIG_KUNIT=y' "$obj/.config"; then
	# O= builds link "source" to the tree they were built from.
	kunit_tool=$obj/source/tools/testing/kunit/kunit.py
fi
KUNIT_TOOL=$kunit_tool "$top/scripts/parse-log.sh" "$log" "$result" "$status" "$accel" $((SECONDS - start))
