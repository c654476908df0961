#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# get-tree.sh VERSION OUTDIR
#
# Fetch Debian's linux-source-VERSION package and turn it into a git
# repository with one base commit (tag base) at OUTDIR/linux-VERSION/.git,
# and no checkout: nothing builds or edits in it, it is only what
# "make apply" (apply.sh), "make check" (check-patches.sh) and "make
# send-prep" clone, with hard links, so its objects take the disk once and
# each clone's files are the only other copy (a checkout is 1.7 GiB of a
# 7.3 tree; a CI run on a machine with about 12 GiB free ran out of space
# with one per tree and clone).  Packages outside the
# machine's own suites (sid, experimental) are fetched with a private apt
# configuration built from the Debian URI in the machine's apt sources, so
# the machine's own package state is never touched.  A second run finds the
# tree and does nothing.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ver=${1:?usage: get-tree.sh VERSION OUTDIR}
out=${2:?usage: get-tree.sh VERSION OUTDIR}
tree=$out/linux-$ver
pkg=linux-source-$ver

if [ -f "$tree/.git/exporter-base" ]; then
	echo "get-tree: $tree at $(cat "$tree/.git/exporter-base") (cached)"
	exit 0
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
# The package, its tarball and the extracted tree at once (7.3: 0.2, 0.2
# and 1.7 GiB, then 0.6 GiB of loose objects).
need_space "$out" 3000 "fetching $pkg"
apt=$out/apt
dl=$out/deb
mkdir -p "$dl"
private_apt "$apt" /var/lib/dpkg/status

uri=$(debian_uri)
# The security archive: the machine's own, else Debian's usual place for
# it beside the main archive ("debian" -> "debian-security").
securi=$(debian_uris | grep '/debian-security/*$' | head -n 1 || true)
[ -n "$securi" ] || securi=${uri%/}-security

# The package may sit in the machine's own suite, in its security suite
# (linux-source-6.12 comes to bookworm as a security update), in sid, or in
# experimental; a private list of all four finds it wherever it is.
suites=$(awk '/^Suites:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$suites" ] || suites=bookworm
{
	for s in "$suites" sid experimental; do
		echo "deb [signed-by=$debian_keyring] $uri $s main"
	done
	echo "deb [signed-by=$debian_keyring] $securi $suites-security main"
} > "$apt/sources.list"

echo "get-tree: updating a private package list for $pkg"
apt-get "${aptopts[@]}" update -qq

# Highest version across the suites (experimental outranks nothing by
# default pin, so ask for the candidate list and sort it ourselves).
version=$(apt-cache "${aptopts[@]}" madison "$pkg" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' |
	  sort -V | tail -n 1)
[ -n "$version" ] || die "$pkg is in none of: $suites $suites-security sid experimental"

echo "get-tree: downloading $pkg=$version"
(cd "$dl" && apt-get "${aptopts[@]}" download "$pkg=$version")
deb=$(ls "$dl"/"${pkg}"_*.deb | head -n 1)

tmp=$(mktemp -d "$out/extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/*.tar.*'
tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.* | head -n 1)
echo "get-tree: extracting $(basename "$tarball")"
rm -rf "$tree"
mkdir -p "$tree"
tar -xf "$tarball" -C "$tree" --strip-components=1

cd "$tree"
git init -q
# No automatic gc, here or in the clones (apply.sh, check-patches.sh): the
# ~100,000 loose objects of the base commit would be packed in the
# background after the first commit or "git am" of each repository, a
# minute or more of CPU each, beside the builds (seen in a CI run: both
# source trees packed, and a check clone made before its source was).
# A tree is a scratch copy; loose objects cost disk only.
git config gc.auto 0
git config user.name "$tooling_name"
git config user.email "$tooling_email"
# Debian's tarball ships a .gitignore that ignores its top level: force the
# add, then drop Debian's block so that new files of the series show up in
# git status as they would in a mainline clone.
git add -f -A .
sed -i '/^# Debian packaging/,$d' .gitignore
sed -i '${/^#$/d}' .gitignore
git add -f .gitignore
# A fixed date makes the base commit's id depend on the tree alone, so the
# same package gives the same base on every machine.
GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
	git commit -q -m "$pkg $version (Debian)"
git tag base
echo "$pkg $version" > .git/exporter-base
rm -f "$deb"
# Drop the checkout (see the top): a bare repository in .git, so that git
# -C OUTDIR/linux-VERSION still finds it and a stray "git status" there
# says there is no work tree rather than that every file was deleted.
find . -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
git config core.bare true
echo "get-tree: $tree at $pkg $version"
