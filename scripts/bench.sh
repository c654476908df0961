#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh OBJDIR ARCH INITRD LOGDIR NAME
#
# Benchmark the exporter against every in-tree peer that does the same
# job (issue 17; outside the patch series) in the test guest:
#   1. build bench/dmabuf_bench.c statically against OBJDIR's installed
#      UAPI headers (OBJDIR/usr/include, from build.sh's headers_install),
#      with configs/qemu-ARCH's CROSS_COMPILE if any, into OBJDIR/bench;
#   2. pack INITRD with it (mkinitramfs.sh, BENCH=...): /init runs it
#      instead of the kselftests;
#   3. boot it BENCH_RUNS times (default 3) with run-vm.sh (same kernel,
#      QEMU settings and accelerator choice as the tests; ACCEL, TIMEOUT
#      from the environment), with cma=768M on the command line for the
#      CMA heap; consoles in LOGDIR/bench-console-NAME-RUN.log, verdicts
#      (the program's exit code, splats, KUnit at boot) in
#      LOGDIR/bench-result-NAME-RUN;
#   4. scripts/bench-report.py: from the boots' CSVs, LOGDIR/bench-NAME.csv
#      (a line per row: each exporter's median, ours' IQR, ours / the best
#      peer and / the memset floor, and the spread of the ratio over the
#      boots), LOGDIR/bench-NAME.txt (how it was run, the table and the
#      targets) and LOGDIR/bench-NAME.png (gnuplot, bench/bench.gp); the
#      table and the targets are printed last.
# BENCH_MODE=icount (default) or wall: with TCG, icount runs QEMU with
# "-icount shift=0,sleep=off", so the guest's clock counts its
# instructions (1 ns each) and load on the host drops out of the numbers;
# wall is the plain, wall-clock TCG guest.  KVM ignores it.
# With bench_profile= in KCMDLINE (make bench PROFILE=1), the program
# profiles rows instead of timing them (see bench/dmabuf_bench.c):
# LOGDIR/bench-NAME-RUN.txt (NAME ends in -profile), and no report.
# A missed target is reported, not a failure: the exit code is the first
# failing boot's run-vm.sh's.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: bench.sh OBJDIR ARCH INITRD LOGDIR NAME"
obj=$1 arch=$2 initrd=$3 logdir=$4 name=$5
top=$(cd "$(dirname "$0")/.." && pwd)
load_qemu_config "$top" "$arch"
[ -d "$obj/usr/include/linux" ] || die "no headers in $obj/usr/include: run make build first"
command -v gnuplot > /dev/null || die "no gnuplot: run make deps"

runs=${BENCH_RUNS:-3}
mode=${BENCH_MODE:-icount}
case "$runs" in ''|*[!0-9]*|0) die "BENCH_RUNS must be a positive number, not $runs" ;; esac
case "$mode" in
icount) tcg_args="-icount shift=0,sleep=off" ;;
wall) tcg_args='' ;;
*) die "BENCH_MODE must be icount or wall, not $mode" ;;
esac
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

rc=0 csvs=() secs=() accel=''
for ((run = 1; run <= runs; run++)); do
	console=$logdir/bench-console-$name-$run.log
	result=$logdir/bench-result-$name-$run
	msg "boot $run of $runs ($mode)"
	r=0
	KCMDLINE="cma=768M${KCMDLINE:+ $KCMDLINE}" TCG_ARGS=$tcg_args \
		"$top/scripts/run-vm.sh" "$obj" "$initrd" "$arch" "$console" "$result" || r=$?
	[ "$rc" -ne 0 ] || rc=$r
	# The accelerator and the guest's time, from run-vm.sh's result file.
	guest_seconds=''
	[ ! -f "$result" ] || read_result "$result"
	secs+=("${guest_seconds:-?}")
	if [[ "${KCMDLINE:-}" == *bench_profile=* ]]; then
		# make bench PROFILE=1: the profiles, no timings to report
		tr -d '\r' < "$console" | sed -n 's/^bench-prof: //p' > "$base-$run.txt"
		[ -s "$base-$run.txt" ] || die "no profile in $console"
		msg "written: $base-$run.txt"
		continue
	fi
	tr -d '\r' < "$console" | sed -n 's/^bench-csv: //p' > "$base-$run.csv"
	[ "$(wc -l < "$base-$run.csv")" -gt 1 ] || die "no results in $console"
	csvs+=("$base-$run.csv")
done
[ ${#csvs[@]} -gt 0 ] || exit "$rc"
[ "$accel" = tcg ] || mode=''
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

{
	echo "kernel: $release ($tree; series up to: $head)"
	echo "guest: $arch, $QEMU_MACHINE, -cpu $cpu, $QEMU_MEM, $QEMU_SMP CPUs, cma=768M, accelerator ${accel:-unknown}${mode:+, $mode mode}; $runs boot(s), guest ran ${secs[*]} s"
	echo "host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	tr -d '\r' < "$console" | sed -n 's/^bench: //p'
	python3 "$top/scripts/bench-report.py" "$base.csv" "${csvs[@]}"
} > "$base.txt"

gnuplot -e "csv='$base.csv'; png='$base.png'; subtitle='Linux $release, $arch guest ($QEMU_MEM, $QEMU_SMP CPUs, ${accel:-unknown}${mode:+ $mode}), $runs boot(s), $(date -u +%Y-%m-%d)'" \
	"$top/bench/bench.gp"

echo
echo "==== benchmark ($base.txt) ===="
cat "$base.txt"
msg "written: $base.csv $base.txt $base.png"
exit "$rc"
