#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh WORKTREE OBJDIR ARCH TARGETS LOGFILE
#
# Build the kernel of WORKTREE in OBJDIR (make O=OBJDIR) for a QEMU guest
# and the kselftests TARGETS (a space-separated list) for it:
#   1. configure: tinyconfig + configs/guest.config + configs/ARCH.config +
#      the kselftests' config of each of TARGETS + Kconfig.snippet + the
#      fragments in $EXTRA_CONFIG, space-separated (the debug one) (see
#      make-config.sh, which fails if a requested value was dropped; a
#      symbol the tree does not define is fatal unless WORKTREE carries
#      no commit on its tag base: with nothing applied, the driver's own
#      symbol cannot be there yet);
#   2. the boot image (configs/qemu-ARCH: KERNEL_TARGET) with W=1, and the
#      modules if the configuration has any, installed (stripped) in
#      OBJDIR/modules-install;
#   3. make headers_install;
#   4. make kselftest-install TARGETS=... with USERLDFLAGS=-static (lib.mk's
#      hook for extra link flags), so the tests run in a busybox initramfs
#      without a C library; installed in OBJDIR/kselftest/kselftest_install.
# With $SEED (environment: "make test" gives check-patches.sh's build of
# the whole series, configured alike), a new OBJDIR starts as a copy of
# that build when its source tree (the build's "source" link) holds
# exactly WORKTREE's files (seed_build, same_tree in lib.sh): make then
# finds it up to date instead of compiling the kernel a second time.
# configs/qemu-ARCH may set CROSS_COMPILE (arm64: aarch64-linux-gnu-); it is
# exported to every make, the kselftests' included.
# Everything is logged to LOGFILE as well.  Uses -j$(nproc), at nice 10
# (yield_to_guests in lib.sh).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: build.sh WORKTREE OBJDIR ARCH TARGETS LOGFILE"
work=$1 obj=$(realpath -m "$2") arch=$3 targets=$4 log=$5
karch=$(kernel_arch "$arch")
top=$(cd "$(dirname "$0")/.." && pwd)
load_qemu_config "$top" "$arch"
# A cross build (configs/qemu-ARCH sets CROSS_COMPILE) must configure with
# the cross compiler too: Kconfig asks the compiler what it supports.
export CROSS_COMPILE=${CROSS_COMPILE:-}
use_ccache "$top/out"
yield_to_guests
[ -e "$work/.git" ] || die "$work is not a git tree: run make apply first"

mkdir -p "$(dirname "$log")"
exec > >(tee "$log") 2>&1
seed=${SEED:-}
if [ -n "$seed" ] && [ ! -e "$obj" ] && [ -f "$seed/.config" ]; then
	seedsrc=$(readlink "$seed/source" || true)
	if [ -n "$seedsrc" ] && same_tree "$seedsrc" "$work"; then
		seed_build "$(realpath "$seed")" "$obj" "$seedsrc" "$(realpath "$work")"
	else
		msg "not seeding from $seed: its source ${seedsrc:-(none)} differs from $work"
	fi
fi
mkdir -p "$obj"

jobs=$(nproc)
kmake() { make -C "$work" O="$obj" ARCH="$karch" -j"$jobs" "$@"; }

base=$(cat "$(git -C "$work" rev-parse --absolute-git-dir)/exporter-base" 2> /dev/null ||
       echo "unknown (no .git/exporter-base)")
msg "source: $work"
msg "base tree: $base"
applied=$(git -C "$work" log --reverse --format='  %h %s' base..HEAD)
msg "patches on base:"
[ -z "$applied" ] || echo "$applied"
msg "build dir: $obj (ARCH=$arch, -j$jobs)"

allow=-a
[ -z "$applied" ] || allow=
start=$SECONDS
msg "configuring"
mapfile -t frags < <(kernel_fragments "$top" "$arch" "$work/tools/testing/selftests" "$targets")
# shellcheck disable=SC2086 # EXTRA_CONFIG is a list of file names
"$top/scripts/make-config.sh" $allow "$work" "$obj" "$arch" "${frags[@]}" ${EXTRA_CONFIG:-}

msg "building $KERNEL_TARGET (W=1)"
kmake W=1 "$KERNEL_TARGET"
rm -rf "$obj/modules-install"
if grep -q '=m$' "$obj/.config"; then
	msg "building modules (W=1)"
	kmake W=1 modules
	kmake INSTALL_MOD_PATH="$obj/modules-install" INSTALL_MOD_STRIP=1 -s modules_install
fi
msg "kernel built in $((SECONDS - start)) s: $obj/$KERNEL_IMAGE ($(du -k "$obj/$KERNEL_IMAGE" | cut -f1) KiB)"

msg "installing headers"
kmake -s headers_install

msg "building kselftests: $targets"
inst=$obj/kselftest/kselftest_install
rm -rf "$inst"
kmake TARGETS="$targets" USERLDFLAGS=-static kselftest-install
if [ -n "${KSFT_M32_CFLAGS:-}" ]; then
	# The same tests built 32-bit (configs/qemu-ARCH), through lib.mk's
	# USERCFLAGS/USERLDFLAGS hooks, in a build directory of their own
	# (BUILD), then installed as collection "TARGET-m32": one
	# run_kselftest.sh runs both, each case named apart in the TAP, and
	# "-c TARGET-m32" selects the 32-bit one alone.
	msg "building 32-bit kselftests ($KSFT_M32_CFLAGS): $targets"
	m32=$obj/kselftest/m32
	rm -rf "$m32"
	mkdir -p "$m32"
	kmake -C "$work/tools/testing/selftests" BUILD="$m32/build" \
		TARGETS="$targets" USERCFLAGS="$KSFT_M32_CFLAGS" \
		USERLDFLAGS="-static $KSFT_M32_CFLAGS" \
		INSTALL_PATH="$m32/install" install 2>&1 | tee "$m32/build.log"
	# kselftest_harness.h's ASSERT/EXPECT cast what they compare to
	# uintmax_t, which warns for every pointer (MAP_FAILED) in a 32-bit
	# build: the harness's, not ours.  A warning anywhere else fails.
	harness=$(grep -c 'kselftest_harness\.h:[0-9:]* warning:' "$m32/build.log" || true)
	if grep 'warning:' "$m32/build.log" | grep -v 'kselftest_harness\.h:[0-9:]* warning:'; then
		die "warnings in the 32-bit build of the kselftests (above)"
	fi
	msg "32-bit kselftests built: $harness warnings, all of kselftest_harness.h (pointers cast to uintmax_t)"
	for t in $targets; do
		mv "$m32/install/$t" "$inst/$t-m32"
	done
	sed 's/^\([^:]*\):/\1-m32:/' "$m32/install/kselftest-list.txt" >> "$inst/kselftest-list.txt"
	while IFS= read -r -d '' f; do
		if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		   ! readelf -h "$f" | grep -q 'Class:[[:space:]]*ELF32'; then
			die "${f#"$inst"/} is not a 32-bit program"
		fi
	done < <(find "$inst" -path "$inst/*-m32/*" -type f -perm -u+x -print0)
fi
# The initramfs has no C library: every test program must be static.
dynamic=0
while IFS= read -r -d '' f; do
	if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] &&
	   readelf -l "$f" 2> /dev/null | grep -q 'program interpreter'; then
		msg "ERROR: ${f#"$inst"/} is dynamically linked"
		dynamic=$((dynamic + 1))
	fi
done < <(find "$inst" -type f -perm -u+x -print0)
[ "$dynamic" -eq 0 ] || die "$dynamic test program(s) not statically linked"
[ -s "$inst/kselftest-list.txt" ] || die "no tests installed for TARGETS=$targets"
msg "kselftests installed in $inst:"
sed 's/^/  /' "$inst/kselftest-list.txt"
msg "done in $((SECONDS - start)) s (base tree: $base)"
