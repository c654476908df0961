#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh OBJDIR ARCH INITRD LOGDIR NAME
#
# Benchmark the exporter against the system heap and udmabuf in the test
# guest (issue 5; outside the patch series):
#   1. build bench/dmabuf_bench.c statically against OBJDIR's installed
#      UAPI headers (OBJDIR/usr/include, from build.sh's headers_install),
#      with configs/qemu-ARCH's CROSS_COMPILE if any, into OBJDIR/bench;
#   2. pack INITRD with it (mkinitramfs.sh, BENCH=...): /init runs it
#      instead of the kselftests;
#   3. boot it with run-vm.sh (same kernel, QEMU settings and accelerator
#      choice as the tests; ACCEL, TIMEOUT from the environment), console
#      in LOGDIR/bench-console-NAME.log, verdict (the program's exit code,
#      splats, KUnit at boot) in LOGDIR/bench-result-NAME;
#   4. from the console: LOGDIR/bench-NAME.csv (one line per row: median,
#      min, quartiles, max of each exporter and of the memset floor, in ns,
#      and the ratios), LOGDIR/bench-NAME.txt (how it was run, the table
#      and the targets of issue 5) and LOGDIR/bench-NAME.png (gnuplot,
#      bench/bench.gp); the table and the targets are printed last.
# A missed target is reported, not a failure: the exit code is run-vm.sh's.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: bench.sh OBJDIR ARCH INITRD LOGDIR NAME"
obj=$1 arch=$2 initrd=$3 logdir=$4 name=$5
top=$(cd "$(dirname "$0")/.." && pwd)
load_qemu_config "$top" "$arch"
[ -d "$obj/usr/include/linux" ] || die "no headers in $obj/usr/include: run make build first"
command -v gnuplot > /dev/null || die "no gnuplot: run make deps"

console=$logdir/bench-console-$name.log
result=$logdir/bench-result-$name
base=$logdir/bench-$name
mkdir -p "$obj/bench" "$logdir"

bin=$obj/bench/dmabuf_bench
cc=${CROSS_COMPILE:-}gcc
msg "building $bin"
# IMPORT's structure is in the kernel tree's drivers/dma-buf/exporter_test.h
# (the test interface is not uAPI); "source" is kbuild's link to the tree.
"$cc" -static -O2 -Wall -isystem "$obj/usr/include" -I "$obj/source/drivers/dma-buf" \
	-o "$bin" "$top/bench/dmabuf_bench.c"

BENCH=$bin "$top/scripts/mkinitramfs.sh" "$obj" "$initrd" "$arch"

rc=0
"$top/scripts/run-vm.sh" "$obj" "$initrd" "$arch" "$console" "$result" || rc=$?

# The accelerator and the guest's time, from run-vm.sh's result file.
accel='' guest_seconds=''
[ ! -f "$result" ] || read_result "$result"
secs=$guest_seconds
if [ "$accel" = kvm ]; then cpu=$QEMU_CPU_KVM; else cpu=$QEMU_CPU_TCG; fi
release=$(sed -n 's/^bench: kernel \([^ ]*\) .*/\1/p' "$console" | tr -d '\r' | head -n 1)
# The Debian source package the tree came from (get-tree.sh), recorded in
# the work tree or in the tree it was cloned from.
tree=unknown
for d in "$(git -C "$obj/source" rev-parse --absolute-git-dir 2> /dev/null)" \
	 "$(git -C "$obj/source" config remote.origin.url 2> /dev/null)/.git"; do
	if [ -f "$d/exporter-base" ]; then
		tree=$(cat "$d/exporter-base")
		break
	fi
done
head=$(git -C "$obj/source" log -1 --format='%h %s' 2> /dev/null || echo unknown)

tr -d '\r' < "$console" | sed -n 's/^bench-csv: //p' > "$base.csv"
[ "$(wc -l < "$base.csv")" -gt 1 ] || die "no results in $console"
{
	echo "kernel: $release ($tree; series up to: $head)"
	echo "guest: $arch, $QEMU_MACHINE, -cpu $cpu, $QEMU_MEM, $QEMU_SMP CPUs, accelerator ${accel:-unknown}; guest ran ${secs:-?} s"
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	tr -d '\r' < "$console" | sed -n 's/^bench: //p'
} > "$base.txt"

gnuplot -e "csv='$base.csv'; png='$base.png'; subtitle='Linux $release, $arch guest ($QEMU_MEM, $QEMU_SMP CPUs, ${accel:-unknown}), $(date -u +%Y-%m-%d)'" \
	"$top/bench/bench.gp"

echo
echo "==== benchmark ($base.txt) ===="
cat "$base.txt"
msg "written: $base.csv $base.txt $base.png"
exit "$rc"
