#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vng.sh WORKTREE OBJDIR TARGETS LOG RESULT
#
# The tests the way a kernel developer runs them, with virtme-ng (vng):
# a kernel configured from defconfig, booted with the host's own root
# filesystem, and "make kselftest" run in it.
#   1. virtme-ng: sid's virtme-ng package (Architecture: all, Python),
#      fetched with "apt-get download" through a private apt configuration
#      and unpacked in OUT/vng/root (OUT: OBJDIR's parent's parent), never
#      installed; its bookworm dependencies are in scripts/deps.sh.
#      bookworm has no virtme-ng.
#   2. configure (in OBJDIR, x86_64): "vng --kconfig --config FRAGMENT"
#      (make defconfig, virtme-ng's options: virtio, 9p/virtiofs,
#      overlayfs..., and the kselftest config of each of TARGETS), each
#      value of the fragments then checked in .config;
#   3. build: the kernel, its headers, and the kselftests of TARGETS
#      (make kselftest-all), so that the guest only runs them;
#   4. run: vng --run OBJDIR --exec "make O=OBJDIR kselftest
#      TARGETS=..." in WORKTREE, with 2 CPUs and 6 GiB, and
#      --disable-kvm where run-vm.sh found KVM guests silent on this boot
#      (out/kvm-silent) or there is no /dev/kvm; the kernel command line
#      gets what configs/qemu-x86_64 gives our own guests (vivid's
#      instances); then parse-log.sh judges the console (KTAP, counts,
#      splats) into RESULT.
# Everything is logged to LOG.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: vng.sh WORKTREE OBJDIR TARGETS LOG RESULT"
work=$(cd "$1" && pwd) obj=$(realpath -m "$2") targets=$3 log=$4 result=$5
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/out
arch=x86_64
load_qemu_config "$top" "$arch"
[ "$(uname -m)" = "$arch" ] || die "vng.sh runs on an x86_64 host only"
rm -f "$result"
mkdir -p "$(dirname "$log")" "$(dirname "$result")"
exec > >(tee "$log") 2>&1
yield_to_guests
start=$SECONDS

# 1. virtme-ng
vroot=$out/vng/root
if [ ! -x "$vroot/usr/bin/vng" ]; then
	apt=$out/vng/apt
	private_apt "$apt" "$apt/status"
	mkdir -p "$apt/deb"
	: > "$apt/status"
	echo "deb [signed-by=$debian_keyring] $(debian_uri) sid main" > "$apt/sources.list"
	msg "updating a private package list (sid main) for virtme-ng"
	apt-get "${aptopts[@]}" update -qq
	rm -f "$apt/deb"/*.deb
	(cd "$apt/deb" && apt-get "${aptopts[@]}" download virtme-ng)
	rm -rf "$vroot.tmp"
	dpkg-deb -x "$apt/deb"/virtme-ng_*.deb "$vroot.tmp"
	rm -rf "$vroot"
	mv "$vroot.tmp" "$vroot"
fi
# Debian's python3 and the unpacked modules; vng runs its helpers
# (virtme-run, virtme-configkernel) from PATH.
export PATH=$vroot/usr/bin:/usr/bin:/usr/sbin:/bin:/sbin
export PYTHONPATH=$vroot/usr/lib/python3/dist-packages
msg "$(vng --version)"

# 2. configure
jobs=$(nproc)
# No ARCH=: the guest's "make kselftest" is a native make without it, and
# a different ARCH in include/config/auto.conf.cmd would make it
# reconfigure the tree.
kmake() { make -C "$work" O="$obj" -j"$jobs" "$@"; }
mkdir -p "$obj"
frags=() cfgargs=()
for t in $targets; do
	f=$work/tools/testing/selftests/$t/config
	[ ! -f "$f" ] || { frags+=("$f"); cfgargs+=(--config "$f"); }
done
t0=$SECONDS
msg "configuring $obj: vng --kconfig ${cfgargs[*]} (defconfig + virtme-ng's options + the kselftests' fragments)"
rm -f "$obj/.config"
(cd "$work" && KBUILD_OUTPUT=$obj vng --kconfig --force "${cfgargs[@]}")
missing=0
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		if ! grep -qxF "$line" "$obj/.config"; then
			msg "ERROR: $line of $f is not in $obj/.config"
			missing=$((missing + 1))
		fi
	done < "$f"
done
[ "$missing" -eq 0 ] || die "$missing requested config values dropped"
msg "configured in $((SECONDS - t0)) s: $(grep -c '^CONFIG_.*=' "$obj/.config") options set"

# 3. build
t0=$SECONDS
kmake bzImage modules
kmake -s headers
kmake TARGETS="$targets" kselftest-all
msg "built in $((SECONDS - t0)) s"

# 4. run
# The host's file system is read-only in the guest but for OBJDIR, where
# "make kselftest" writes (headers, programs, its temporary files).
vngargs=(--run "$obj" --rwdir "$obj" --cpus 2 --memory 6G --verbose
	 --append "${QEMU_CMDLINE#panic=-1 oops=panic }")
boot_id=$(cat /proc/sys/kernel/random/boot_id 2> /dev/null || echo unknown)
if [ ! -c /dev/kvm ] || [ "${ACCEL:-auto}" = tcg ] ||
   { [ "${ACCEL:-auto}" = auto ] && [ "$(cat "$out/kvm-silent" 2> /dev/null)" = "$boot_id" ]; }; then
	vngargs+=(--disable-kvm)
	accel=tcg
else
	accel=kvm
fi
console=$(dirname "$log")/console-vng.log
msg "vng ${vngargs[*]} --exec 'make O=$obj kselftest TARGETS=$targets' ($accel)"
t0=$SECONDS
rc=0
# The kernel's messages stay off the console while the tests run (dmesg
# -n 1: printed there, they cut TAP lines in two) and are printed after
# them with dmesg, for parse-log.sh's splat check.
# vng's own exit status is 255 here whatever the guest's command returned
# (it gets that status through virtiofsd, and bookworm's fails to start:
# virtme-ng falls back to 9p).  The marker's rc is the result, and
# parse-log.sh fails a console without it (a time-out, a crash).
{
	(cd "$work" && timeout -k 30 "${TIMEOUT:-1800}" vng "${vngargs[@]}" \
		--exec "dmesg -n 1; make -s O='$obj' TARGETS='$targets' kselftest; rc=\$?; dmesg; echo '$end_marker rc='\$rc") \
		< /dev/null 2>&1
	echo "vng: exit status $?"
} | tee "$console" | "$top/scripts/parse-log.sh" "$result" "$accel" || rc=$?
msg "vng ran $((SECONDS - t0)) s; all $((SECONDS - start)) s; console: $console"
exit "$rc"
