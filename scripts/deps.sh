#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh
#
# Make sure the Debian packages that fetching, building, booting and
# testing the series need are installed.  Missing ones are installed with
# apt-get (one "apt-get update" first) when running as root; otherwise the
# apt-get command line to run is printed and the script fails.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

pkgs=(
	# get-tree.sh: apt-get download, dpkg-deb, tar, the archive key
	apt dpkg tar xz-utils debian-archive-keyring
	# the tree and patch handling; checkpatch.pl's SPDX check
	# (scripts/spdxcheck.py) needs python3-ply and python3-git
	git patch python3-ply python3-git
	# kernel build (Documentation/process/changes.rst)
	make gcc libc6-dev binutils flex bison bc perl python3 libelf-dev
	libssl-dev cpio kmod dwarves zstd gzip rsync
	# a build directory made again compiles little (use_ccache in
	# lib.sh)
	ccache
	# make check's static analysis (static-check.sh): clang 19 for the
	# LLVM=-19 build (7.3 needs clang 17 or later), coccinelle for
	# coccicheck and ocaml-nox (ocamlopt) for its rules with OCaml
	# scripts (scripts/coccinelle/api/check_bq27xxx_data.cocci: spatch
	# compiles them, and coccicheck fails without a compiler) and
	# libpython3-dev for its rules with Python scripts (spatch loads
	# libpython3.11.so, which only the -dev package provides: without
	# it the first such rule, api/alloc/alloc_cast.cocci, fails), Sphinx
	# (and PyYAML for the kernel's conf.py) for the documents, dpkg-dev
	# to build sparse from sid's source (get-sparse.sh)
	clang-19 lld-19 llvm-19 coccinelle ocaml-nox libpython3-dev
	python3-sphinx python3-yaml dpkg-dev
	# make send-prep: b4 (prep, send -o)
	b4
	# the guest: QEMU and a static busybox for the initramfs
	qemu-system-x86 busybox-static
	# make bench: the chart (gnuplot without X; it has pngcairo)
	gnuplot-nox
	# make vng: what sid's virtme-ng package (unpacked by scripts/vng.sh,
	# not installed) depends on
	python3-argcomplete python3-requests util-linux-extra kbd iproute2
	file
	# make fresh-check: the minimal system it runs the commands on
	debootstrap
	# ARCH=arm64 (CI runs both architectures, so they are always
	# installed): QEMU's "virt" machine, the cross compiler, and the C
	# library the static kselftests link; the guest's busybox is
	# fetched by get-busybox.sh, not installed
	qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	# ARCH=riscv64 the same way; qemu-system-misc's data package ships
	# the OpenSBI firmware QEMU boots first (-bios default)
	qemu-system-misc gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
	# the 32-bit kselftests of the x86_64 guest (gcc -m32, static):
	# gcc's 32-bit libgcc and crt files, glibc's 32-bit static library.
	# Not gcc-multilib, which pulls in the same two: it conflicts with
	# every cross compiler (gcc-12-aarch64-linux-gnu above) for the
	# /usr/include/asm link it adds, which the selftests do not need
	# (they take asm/ from the tree's headers_install)
	lib32gcc-12-dev libc6-dev-i386
)

command -v dpkg-query > /dev/null ||
	die "not a Debian system: install the equivalent of: ${pkgs[*]}"

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2> /dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
	msg "all ${#pkgs[@]} needed packages are installed"
	exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "$prog: missing packages: ${missing[*]}" >&2
	echo "$prog: as root, run: apt-get update && $cmd" >&2
	exit 1
fi

msg "installing missing packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" < /dev/null
msg "installed: ${missing[*]}"
