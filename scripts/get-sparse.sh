#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# get-sparse.sh OUTDIR
#
# Make OUTDIR/sparse a sparse that the kernel accepts (C=1 runs
# scripts/checker-valid.sh and silently skips the check if sparse cannot
# parse __typeof_unqual__, which bookworm's sparse 0.6.4 cannot).  The
# source is Debian sid's sparse package (0.6.5~rc1 or later, its upstream
# tarball without the Debian patches, which pin gcc-16), fetched with
# "apt-get source" through a private apt configuration (removed after), and
# built with the machine's gcc; sid's binary package needs a newer glibc.
# Kept between runs: nothing is fetched when OUTDIR/sparse already exists.
# Needs dpkg-dev (dpkg-source).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: get-sparse.sh OUTDIR"
mkdir -p "$1"
out=$(cd "$1" && pwd)
if [ -x "$out/sparse" ]; then
	exit 0
fi

uri=$(debian_uri)

tmp=$(mktemp -d "$out/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
apt=$tmp/apt
private_apt "$apt" /var/lib/dpkg/status
echo "deb-src [signed-by=$debian_keyring] $uri sid main" > "$apt/sources.list"

msg "fetching the source of sid's sparse"
apt-get "${aptopts[@]}" update -qq
(cd "$tmp" && apt-get "${aptopts[@]}" source --download-only -qq sparse) ||
	die "no source package of sparse in sid on this machine's Debian archive" \
	    "(needs deb-src for sid there; or put a sparse >= 0.6.5 at $out/sparse)"
dsc=$(ls "$tmp"/sparse_*.dsc)
# apt checked the files against the signed archive index; dpkg-source
# only warns that it has no key for the maintainer's signature.
dpkg-source -x --skip-patches "$dsc" "$tmp/sparse" > "$tmp/unpack.log" 2>&1 ||
	{ cat "$tmp/unpack.log"; die "unpacking $dsc failed"; }
msg "building $(basename "$dsc" .dsc)"
make -C "$tmp/sparse" -s -j"$(nproc)" sparse > "$tmp/build.log" 2>&1 ||
	{ tail -n 20 "$tmp/build.log"; die "building sparse failed"; }
cp "$tmp/sparse/sparse" "$out/sparse.tmp"
mv "$out/sparse.tmp" "$out/sparse"
basename "$dsc" .dsc > "$out/sparse.version"
msg "$out/sparse: $(cat "$out/sparse.version")"
