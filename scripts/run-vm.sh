#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh OBJDIR INITRD ARCH CONSOLELOG RESULTFILE
#
# Boot the kernel built in OBJDIR with the test initramfs INITRD in QEMU
# (settings from configs/qemu-ARCH: memory, CPUs, serial console, no
# reboot) and stream its serial console, as QEMU prints it, to the
# terminal, to CONSOLELOG and into parse-log.sh, which judges the run as
# it goes, writes RESULTFILE and decides the exit code.  When the kernel
# has CONFIG_KUNIT=y, its built-in KUnit suites run at boot and
# parse-log.sh has the tree's kunit.py parse them.
#
# Environment:
#   ACCEL=auto|kvm|tcg  auto (default): KVM if /dev/kvm is usable and the
#                       guest is of the host's architecture, but if
#                       the console shows no "Linux version" line within
#                       KVM_PROBE seconds (default 8), QEMU is killed and
#                       the guest is booted again with TCG, and later
#                       runs until the host reboots go to TCG at once
#                       (out/kvm-silent holds the host's boot id; remove
#                       it to probe again);
#   TIMEOUT=SECONDS     the whole boot and test run (default 1200): QEMU is
#                       killed after it and the run fails (exit 1), even
#                       if every test had reported;
#   KCMDLINE=ARGS       appended to the kernel command line of
#                       configs/qemu-ARCH (make test-debug: panic_on_warn=1);
#   TCG_ARGS=ARGS       extra QEMU arguments (word-split) for a TCG boot
#                       only (make bench: "-icount shift=0,sleep=off").
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
# A host whose KVM guests stayed silent once (a nested or broken KVM)
# does so until it reboots: its boot id, kept here, saves every later run
# the probe.
silent=$top/out/kvm-silent
boot_id=$(cat /proc/sys/kernel/random/boot_id 2> /dev/null || echo unknown)
kvm_silent() {
	[ "$(cat "$silent" 2> /dev/null)" = "$boot_id" ]
}
case "$accel" in
auto)
	if kvm_usable && ! kvm_silent; then
		accel=kvm fallback=true
	else
		! kvm_usable || msg "KVM guests stayed silent on this host since it booted ($silent): using TCG"
		accel=tcg fallback=false
	fi
	;;
kvm) kvm_usable || die "ACCEL=kvm, but /dev/kvm is not usable for an $arch guest on $(uname -m)"; fallback=false ;;
tcg) fallback=false ;;
*) die "ACCEL must be auto, kvm or tcg, not $accel" ;;
esac

mkdir -p "$(dirname "$log")" "$(dirname "$result")"
rm -f "$result"

kunit_tool=''
if grep -q '^CONFIG_KUNIT=y' "$obj/.config"; then
	# O= builds link "source" to the tree they were built from.
	kunit_tool=$obj/source/tools/testing/kunit/kunit.py
fi

qpid='' qfd='' jpid='' jfd=''
stop() {
	[ -z "$qpid" ] || kill "$qpid" 2> /dev/null || true
	[ -z "$qfd" ] || exec {qfd}<&-
	if [ -n "$qpid" ]; then
		sleep 1
		kill -9 "$qpid" 2> /dev/null || true
		wait "$qpid" 2> /dev/null || true
	fi
	qpid='' qfd=''
}
trap stop EXIT
trap 'stop; exit 130' INT TERM

# boot ACCEL: start QEMU, its serial console on the pipe qfd.
boot() {
	local a=$1 cpu
	if [ "$a" = kvm ]; then cpu=$QEMU_CPU_KVM; else cpu=$QEMU_CPU_TCG; fi
	local cmd=("$QEMU_BIN" -machine "$QEMU_MACHINE" -accel "$a" -cpu "$cpu"
		   -m "$QEMU_MEM" -smp "$QEMU_SMP" -kernel "$image" -initrd "$initrd"
		   -append "console=$QEMU_CONSOLE $QEMU_CMDLINE${KCMDLINE:+ $KCMDLINE}"
		   -serial stdio)
	# shellcheck disable=SC2206
	cmd+=($QEMU_EXTRA)
	# shellcheck disable=SC2206
	[ "$a" = kvm ] || cmd+=(${TCG_ARGS:-})
	msg "booting with $a: ${cmd[*]}"
	exec {qfd}< <(exec "${cmd[@]}" < /dev/null)
	qpid=$!
	started=$SECONDS
}

# judge: from now on, the console also goes to CONSOLELOG and parse-log.sh.
judge() {
	exec {jfd}> >(tee "$log" | KUNIT_TOOL=$kunit_tool "$top/scripts/parse-log.sh" "$result" "$accel")
	jpid=$!
}

start=$SECONDS
boot "$accel"
# Until the KVM probe is decided, the console is only kept here: the
# judge must see one boot only.
held=''
$fallback || judge
status=finished
init_seen=''
line=''
while :; do
	# A line, or what came of one within a second (a guest that stops
	# mid-line still shows it, and the clock is read at least once a
	# second).  read's status: 0 a line, above 128 the time ran out,
	# otherwise the end of the console (QEMU exited).
	eol=$'\n' rc=0
	IFS= read -r -t 1 -u "$qfd" part || rc=$?
	[ "$rc" -eq 0 ] || eol=''
	if [ -n "$part$eol" ]; then
		if [ -n "$jfd" ]; then
			printf '%s%s' "$part" "$eol" >&"$jfd"
		else
			held+=$part$eol
		fi
		printf '%s%s' "$part" "$eol"
		line+=$part
	fi
	if [ -n "$eol" ]; then
		case "$line" in
		*'Run /init as init process'*) [ -n "$init_seen" ] || init_seen=$((SECONDS - started)) ;;
		esac
		if [ -z "$jfd" ] && [[ $line == *'Linux version'* ]]; then
			# The KVM guest is alive: it is the run.
			fallback=false
			judge
			printf '%s' "$held" >&"$jfd"
			held=''
		fi
		line=''
	fi
	ended=false
	[ "$rc" -eq 0 ] || [ "$rc" -gt 128 ] || ended=true
	if $fallback && { $ended || [ $((SECONDS - started)) -ge "$probe" ]; }; then
		how=exited
		$ended || how="still silent"
		stop
		fallback=false
		msg "no console output from the KVM guest after $((SECONDS - started)) s" \
		    "(QEMU $how): falling back to TCG"
		mkdir -p "$(dirname "$silent")"
		echo "$boot_id" > "$silent"
		accel=tcg held='' line=''
		boot "$accel"
		judge
		continue
	fi
	$ended && break
	if [ $((SECONDS - start)) -ge "$timeout" ]; then
		stop
		msg "TIMEOUT: the guest did not finish within $timeout s; killed QEMU"
		status=timeout
		break
	fi
done
[ -z "$line" ] || echo	# the terminal's next line starts afresh
if [ -n "$qpid" ]; then
	qrc=0
	wait "$qpid" || qrc=$?
	exec {qfd}<&-
	qpid='' qfd=''
	[ "$qrc" -eq 0 ] || msg "QEMU exited with status $qrc"
fi
msg "guest ran $((SECONDS - start)) s in all; with $accel, /init started ${init_seen:-?} s after QEMU did; console log: $log"
# The end of the console: parse-log.sh prints its results and verdict.
exec {jfd}>&-
verdict=0
wait "$jpid" || verdict=$?
# A guest killed at the timeout fails even if its tests had all reported.
[ "$status" != timeout ] || exit 1
exit "$verdict"
