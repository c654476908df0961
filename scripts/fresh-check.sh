#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fresh-check.sh ROOT REV COMMAND
#
# Run COMMAND (a bash command line, e.g. "make test") in a clean clone of
# this repository at REV (a commit: what a user or CI would get, not the
# work tree) inside ROOT, a Debian chroot made with debootstrap
# --variant=minbase from the machine's own suite, apt sources and apt
# configuration: a system
# on which nothing was ever installed by hand.  Every package a stage needs
# must then come from scripts/deps.sh, which COMMAND has to run first
# ("make" and "make test" do, through "make deps"); a green run on a
# developer's machine can no longer hide an install step done by hand.
#
# The minimal system is made once and kept as base.tar beside ROOT; every run
# starts from a new copy of it, unless KEEP=1 (environment) reuses ROOT as
# the last run left it, with what it installed and built (to repeat a run
# on the same system, warm).  COMMAND runs with CI=true and no standard
# input, as .ci/run does, in private mount and PID namespaces with /proc,
# /sys, /dev (QEMU's /dev/kvm) and /dev/pts: the mounts and every process
# of the run go away with it, also when fresh-check.sh is killed.  Output also
# goes to ROOT.log.  Exits with COMMAND's status.  Needs root.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || die "usage: fresh-check.sh ROOT REV COMMAND"
root=$1 rev=$2 cmd=$3
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mount)"
command -v debootstrap > /dev/null || die "no debootstrap: run make deps"
commit=$(git -C "$top" rev-parse --verify "$rev^{commit}")
mkdir -p "$(dirname "$root")"
root=$(cd "$(dirname "$root")" && pwd)/$(basename "$root")
base=$(dirname "$root")/base.tar
log=$root.log

if [ ! -f "$base" ]; then
	# shellcheck source=/dev/null
	suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
	msg "debootstrap --variant=minbase $suite into $base.d"
	rm -rf "$base.d"
	debootstrap --variant=minbase "$suite" "$base.d" "$(debian_uri)" \
		> "$base.log" 2>&1 ||
		{ tail -n 20 "$base.log"; die "debootstrap failed"; }
	# The machine's own apt sources (its suites, security included) and
	# configuration, as a new machine of its kind has them (an archive
	# snapshot may need its Release files' Valid-Until ignored, say).
	rm -f "$base.d/etc/apt/sources.list"
	cp -a /etc/apt/sources.list.d/. "$base.d/etc/apt/sources.list.d/"
	cp -a /etc/apt/apt.conf.d/. "$base.d/etc/apt/apt.conf.d/"
	[ ! -f /etc/apt/sources.list ] || cp /etc/apt/sources.list "$base.d/etc/apt/"
	tar -C "$base.d" -cf "$base.tmp" .
	mv "$base.tmp" "$base"
	rm -rf "$base.d"
fi

if [ "${KEEP:-0}" = 1 ] && [ -d "$root/root/repo" ]; then
	msg "KEEP=1: reusing $root as the last run left it"
	git -C "$root/root/repo" fetch -q "$top" "$commit"
	git -C "$root/root/repo" checkout -q --detach "$commit"
else
	msg "a new minimal system in $root (from $base)"
	rm -rf "$root"
	mkdir -p "$root"
	tar -C "$root" -xf "$base"
	git clone -q --no-local "$top" "$root/root/repo"
	git -C "$root/root/repo" checkout -q --detach "$commit"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2> /dev/null || true

msg "running \"$cmd\" at $(git -C "$top" log -1 --format='%h %s' "$commit")"
msg "in $root (log: $log)"
start=$SECONDS
rc=0
# shellcheck disable=SC2016 # expanded in the namespace's shell
unshare --mount --propagation private --pid --fork --kill-child bash -c '
	set -e
	root=$1 cmd=$2
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --bind /dev "$root/dev"
	mount --bind /dev/pts "$root/dev/pts"
	mount -t tmpfs tmpfs "$root/dev/shm"
	exec env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 TERM=dumb CI=true \
		chroot "$root" /bin/bash -c "cd /root/repo && $cmd" < /dev/null
' fresh "$root" "$cmd" > >(tee "$log") 2>&1 &
upid=$!
# Killed, take the run down with us: unshare blocks SIGTERM, but its
# death kills the namespace (--kill-child), and every process in it.
trap 'kill -KILL "$upid" 2> /dev/null' INT TERM HUP
wait "$upid" || rc=$?
msg "\"$cmd\": exit $rc, $((SECONDS - start)) s (log: $log)"
exit "$rc"
