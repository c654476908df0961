#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# get-busybox.sh DEBARCH OUTDIR
#
# Print the path of a static busybox for the Debian architecture DEBARCH
# (the guest's userspace, e.g. arm64), fetching it once if needed:
#   - DEBARCH is the machine's own architecture: /bin/busybox of the
#     installed busybox-static package;
#   - otherwise: Debian's busybox-static:DEBARCH package, downloaded with
#     "apt-get download" through a private apt configuration in OUTDIR/apt
#     (its own sources list, package lists, cache and an empty dpkg status,
#     for DEBARCH only; the machine's suite and Debian URI come from its
#     own apt sources, as in get-tree.sh) and unpacked with dpkg-deb -x in
#     OUTDIR/DEBARCH.  The machine's dpkg and apt state is never touched
#     (no dpkg --add-architecture).  A later run reuses the unpacked copy.
# Messages go to standard error; the path alone to standard output.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: get-busybox.sh DEBARCH OUTDIR"
arch=$1 out=$2
pkg=busybox-static

if [ "$arch" = "$(dpkg --print-architecture)" ]; then
	echo /bin/busybox
	exit 0
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
dest=$out/$arch
if [ -x "$dest/bin/busybox" ]; then
	msg "$pkg:$arch $(cat "$dest/version" 2> /dev/null || echo '?') (cached)" >&2
	echo "$dest/bin/busybox"
	exit 0
fi

apt=$out/apt
private_apt "$apt" "$apt/status" -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
mkdir -p "$apt/deb"
: > "$apt/status"

uri=$(debian_uri)
# The machine's own suite (bookworm): the busybox the x86_64 and arm64
# guests get.  An architecture that suite does not have (riscv64 became
# a release architecture after bookworm) gets sid's: a static program,
# unpacked for the guest, never installed here.
# shellcheck source=/dev/null
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || die "cannot tell the machine's Debian suite"
version=
for s in "$suite" sid; do
	echo "deb [arch=$arch signed-by=$debian_keyring] $uri $s main" > "$apt/sources.list"
	msg "updating a private $arch package list ($s main)" >&2
	apt-get "${aptopts[@]}" update -qq >&2
	version=$(apt-cache "${aptopts[@]}" policy "$pkg" | awk '$1 == "Candidate:" { print $2 }')
	[ -z "$version" ] || [ "$version" = "(none)" ] || break
	version=
	msg "no $pkg for $arch in $s" >&2
done
[ -n "$version" ] || die "no $pkg for $arch in $suite or sid"
msg "downloading $pkg:$arch=$version" >&2
rm -f "$apt/deb"/*.deb
(cd "$apt/deb" && apt-get "${aptopts[@]}" download "$pkg:$arch=$version" >&2)
deb=$(ls "$apt/deb"/"$pkg"_*.deb)

rm -rf "$dest.tmp"
dpkg-deb -x "$deb" "$dest.tmp"
# sid's package has it in /usr/bin (merged /usr); the path printed is
# DEST/bin/busybox either way.
if [ ! -e "$dest.tmp/bin/busybox" ] && [ -x "$dest.tmp/usr/bin/busybox" ]; then
	mkdir -p "$dest.tmp/bin"
	mv "$dest.tmp/usr/bin/busybox" "$dest.tmp/bin/busybox"
fi
[ -x "$dest.tmp/bin/busybox" ] || die "$deb holds no bin/busybox"
if readelf -l "$dest.tmp/bin/busybox" | grep -q 'program interpreter'; then
	die "$deb: bin/busybox is not static"
fi
echo "$version" > "$dest.tmp/version"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
rm -f "$deb"
msg "$pkg:$arch $version unpacked in $dest" >&2
echo "$dest/bin/busybox"
