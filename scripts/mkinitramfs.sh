#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OBJDIR OUTPUT [ARCH]
#
# Pack the test initramfs OUTPUT (a gzip-compressed cpio archive) for the
# kernel built in OBJDIR by build.sh for ARCH (default x86_64):
#   /bin/busybox           Debian's busybox-static of the guest's
#                          architecture (configs/qemu-ARCH: DEB_ARCH;
#                          scripts/get-busybox.sh fetches a foreign one into
#                          OUTPUT's directory), with a symlink for each
#                          applet (made at pack time; for a foreign busybox,
#                          which cannot run here, by /init at boot);
#   /usr/bin/timeout       a wrapper around busybox's timeout that takes GNU
#                          timeout's --foreground and exit code 124, which
#                          kselftest/runner.sh relies on;
#   /kselftest             OBJDIR/kselftest/kselftest_install;
#   /lib/modules           OBJDIR/modules-install, if the build has modules;
#   /init                  mounts proc, sysfs, devtmpfs, tmpfs on /tmp and
#                          debugfs, creates /dev/fd and /dev/std{in,out,err}
#                          (run_kselftest.sh writes each test's TAP to
#                          /dev/stdout), loads the modules, runs
#                          "./run_kselftest.sh $KSFT_ARGS" in /kselftest
#                          (KSFT_ARGS empty: "-c C" for each collection C
#                          installed, e.g. dmabuf-exporter and its 32-bit
#                          build dmabuf-exporter-m32),
#                          prints the end marker with its exit code and
#                          reboots (QEMU runs with -no-reboot, so it exits).
# With BENCH=PROGRAM (environment; make bench), the archive holds the static
# PROGRAM as /bench/NAME instead of the kselftests, and /init runs it
# instead of run_kselftest.sh, with one TAP result line for it, so that
# parse-log.sh judges the run the same way.
# The archive is made by the kernel's own usr/gen_init_cpio from a file
# list, so device nodes and owners need no root and the archive is the same
# for the same input.  KSFT_ARGS (environment) is baked into /init.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || [ $# -eq 3 ] || die "usage: mkinitramfs.sh OBJDIR OUTPUT [ARCH]"
obj=$(cd "$1" && pwd) out=$2 arch=${3:-x86_64}
inst=$obj/kselftest/kselftest_install
mods=$obj/modules-install
top=$(cd "$(dirname "$0")/.." && pwd)
load_qemu_config "$top" "$arch"
host_arch=$(dpkg --print-architecture)
busybox=$("$top/scripts/get-busybox.sh" "${DEB_ARCH:-$host_arch}" "$(dirname "$out")/busybox")
native=false
[ "${DEB_ARCH:-$host_arch}" != "$host_arch" ] || native=true
ksft_args=${KSFT_ARGS:-}
bench=${BENCH:-}

# What /init runs; it sets rc.
if [ -n "$bench" ]; then
	[ -x "$bench" ] || die "no program $bench"
	name=$(basename "$bench")
	run=$(cat <<EOF
echo "TAP version 13"
echo "1..1"
echo "# selftests: bench: $name"
# The program's own result as nested KTAP, one case (parse-log.sh checks it)
echo "# 1..1"
cd /bench
./$name
rc=\$?
if [ \$rc -eq 0 ]; then
	echo "# ok 1 $name"
	echo "ok 1 selftests: bench: $name"
else
	echo "# not ok 1 $name # exit code \$rc"
	echo "not ok 1 selftests: bench: $name # exit code \$rc"
fi
EOF
)
else
	[ -f "$inst/run_kselftest.sh" ] || die "no kselftests in $inst: run make build first"
	# By default every installed collection, each named with "-c" (as a
	# user selects one), in the order of the list: TARGET, then TARGET-m32.
	if [ -z "$ksft_args" ]; then
		ksft_args=$(cut -d: -f1 "$inst/kselftest-list.txt" | awk '!seen[$0]++ { printf "%s-c %s", sep, $0; sep = " " }')
	fi
	run=$(cat <<EOF
cd /kselftest
echo "init: running ./run_kselftest.sh $ksft_args"
./run_kselftest.sh $ksft_args
rc=\$?
EOF
)
fi
[ -x "$busybox" ] || die "no $busybox: install busybox-static"
if readelf -l "$busybox" 2> /dev/null | grep -q 'program interpreter'; then
	die "$busybox is not static: install busybox-static"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gen=$obj/usr/gen_init_cpio
if [ ! -x "$gen" ]; then
	gcc -O2 -o "$tmp/gen_init_cpio" "$obj/source/usr/gen_init_cpio.c"
	gen=$tmp/gen_init_cpio
fi

cat > "$tmp/timeout" <<'EOF'
#!/bin/sh
# GNU timeout as kselftest/runner.sh uses it ("timeout --foreground SECS
# CMD"), on top of busybox's timeout: drop --foreground, and report a
# timeout (the command killed by SIGTERM) with GNU's exit code 124.
[ "$1" = --foreground ] && shift
/bin/busybox timeout "$@"
rc=$?
[ "$rc" -eq 143 ] && rc=124
exit "$rc"
EOF

cat > "$tmp/init" <<EOF
#!/bin/sh
# /init of the kselftest initramfs (made by scripts/mkinitramfs.sh).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb
# A busybox of another architecture than the packing machine's has only
# /bin/sh: the other applet links are made here.
[ -e /bin/mount ] || /bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2> /dev/null
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/shm /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t devpts devpts /dev/pts 2> /dev/null
if grep -qw debugfs /proc/filesystems; then
	mount -t debugfs debugfs /sys/kernel/debug
fi
if grep -qw cgroup2 /proc/filesystems; then
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
fi
# run_kselftest.sh sends each test's output to /dev/stdout: without these
# links every test's TAP would be lost.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
echo "init: \$(uname -a)"
order=/lib/modules/\$(uname -r)/modules.order
if [ -f "\$order" ]; then
	for m in \$(sed 's,.*/,,; s,\.ko\$,,' "\$order"); do
		echo "init: modprobe \$m"
		modprobe "\$m" || echo "init: modprobe \$m failed"
	done
fi
$run
cd /
# What the driver still holds once every test has ended: its debugfs
# "buffers" file (the total, then one line a live buffer), which
# parse-log.sh reads after this marker.  A test that leaves a buffer
# alive past its own end, or a leak in the driver's accounting, fails the
# run.
for f in /sys/kernel/debug/dma_buf_exporter/buffers; do
	[ -r "\$f" ] || continue
	echo "init: \$f after the tests:"
	cat "\$f"
	echo "init: end of \$f"
done
# A debug kernel: ask kmemleak for what the tests leaked.  It reports only
# objects older than 5 s, hence the wait; a report fails the run.
if [ -w /sys/kernel/debug/kmemleak ]; then
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	echo "init: kmemleak scan done"
	cat /sys/kernel/debug/kmemleak
fi
sync
echo "$end_marker rc=\$rc"
reboot -f
# Not reached unless reboot failed; a panic ends QEMU too (panic=-1).
echo o > /proc/sysrq-trigger 2> /dev/null
exit 1
EOF

# The file list for gen_init_cpio: "dir|file|slink|nod NAME ... MODE UID GID".
list=$tmp/list
{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /proc /sys /tmp /root \
		 /etc /lib; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "file /bin/busybox $busybox 0755 0 0"
	if $native; then
		"$busybox" --list-full
	else
		echo bin/sh
	fi | while read -r applet; do
		case "$applet" in
		bin/busybox | usr/bin/timeout) ;;
		*) echo "slink /$applet /bin/busybox 0777 0 0" ;;
		esac
	done
	echo "file /usr/bin/timeout $tmp/timeout 0755 0 0"
	echo "file /init $tmp/init 0755 0 0"
	# A tree copied as it is: directories, files (with their mode),
	# symlinks.
	tree() {
		local from=$1 to=$2 type path mode target
		(cd "$from" && find . -mindepth 1 -printf '%y %P %m %l\n') |
		while read -r type path mode target; do
			case "$type" in
			d) echo "dir $to/$path $mode 0 0" ;;
			f) echo "file $to/$path $from/$path $mode 0 0" ;;
			l) echo "slink $to/$path $target 0777 0 0" ;;
			esac
		done
	}
	if [ -n "$bench" ]; then
		echo "dir /bench 0755 0 0"
		echo "file /bench/$name $bench 0755 0 0"
	else
		echo "dir /kselftest 0755 0 0"
		tree "$inst" /kselftest
	fi
	if [ -d "$mods/lib/modules" ]; then
		echo "dir /lib/modules 0755 0 0"
		tree "$mods/lib/modules" /lib/modules
	fi
} > "$list"

mkdir -p "$(dirname "$out")"
"$gen" -t 0 "$list" | gzip -9 -n > "$out.tmp"
mv "$out.tmp" "$out"
if [ -n "$bench" ]; then
	what="benchmark: /bench/$name"
else
	what="tests: $(tr '\n' ' ' < "$inst/kselftest-list.txt")"
fi
msg "$out: $(du -k "$out" | cut -f1) KiB, $(grep -c '^file' "$list") files, $what"
