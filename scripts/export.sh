#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# export.sh WORKTREE PATCHDIR
#
# Write the commits base..HEAD of WORKTREE to PATCHDIR with git
# format-patch, named as their subjects give, and rewrite the series file
# ($SERIES, else PATCHDIR/series) to list them in order.  --zero-commit and
# --no-signature make a re-export of the same commits byte-identical, and
# files whose content did not change are not rewritten.  With three commits
# the files get the series' three agreed names, in order, whatever the
# subjects say.  Patches that the old
# series listed and the new one does not are removed; other files in
# PATCHDIR are left alone.
#
# A backport tree (tag upstream: see backports/README.md) exports only its
# backport commits, upstream..HEAD, to the backport directory it was made
# from, and that directory's series file; the series itself is edited and
# exported in the base kernel's tree, never from a backport tree.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: export.sh WORKTREE PATCHDIR"
work=$1 pdir=$2
expected=(
	0001-dma-buf-add-exporter-driver.patch
	0002-uapi-add-exporter-ioctls.patch
	0003-selftests-dma-buf-exporter.patch
)
[ -d "$work/.git" ] || die "$work is not a git tree: run make apply first"
git -C "$work" rev-parse -q --verify base > /dev/null || die "$work has no tag base"
range=base..HEAD
if git -C "$work" rev-parse -q --verify refs/tags/upstream > /dev/null; then
	rec=$(git -C "$work" rev-parse --absolute-git-dir)/exporter-upstream
	pdir=$(sed -n 's/^backports //p' "$rec" 2> /dev/null || true)
	[ -n "$pdir" ] || die "$work has tag upstream but $rec names no backport directory"
	git -C "$work" merge-base --is-ancestor upstream HEAD ||
		die "$work: the series' commits (base..upstream) were changed;" \
		    "edit the series in the base kernel's tree, and only the backport here"
	range=upstream..HEAD
	expected=()
	SERIES=''
	msg "$work is a backport tree: exporting $range to $pdir"
fi

status=$(git -C "$work" --no-optional-locks status --porcelain)
if [ -n "$status" ]; then
	msg "warning: $work has uncommitted changes, which are NOT exported:"
	sed 's/^/    /' <<< "$status"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --abbrev=9: the blob abbreviations of the index lines do not change
# with how many objects the tree's repository happens to hold.
git -C "$work" format-patch -q --no-signature --zero-commit --abbrev=9 \
	-o "$tmp" "$range" > /dev/null
mapfile -t new < <(cd "$tmp" && find . -name '*.patch' | sed 's,^\./,,' | sort)
[ "${#new[@]}" -gt 0 ] || die "$work has no commits in $range: nothing to export"
# The series' patch files keep their names (users and scripts know them)
# whatever the subjects, which follow the subsystem's conventions: the
# k-th commit is written to the k-th expected name.
if [ "${#new[@]}" -eq "${#expected[@]}" ] && [ "${new[*]}" != "${expected[*]}" ]; then
	for i in "${!new[@]}"; do
		[ "${new[$i]}" = "${expected[$i]}" ] || mv "$tmp/${new[$i]}" "$tmp/${expected[$i]}"
	done
	new=("${expected[@]}")
fi

mkdir -p "$pdir"
mapfile -t old < <(series_patches "$pdir" 2> /dev/null | sed 's,.*/,,' || true)
for o in "${old[@]}"; do
	case " ${new[*]} " in
	*" $o "*) ;;
	*) rm -f "$pdir/$o"; msg "removed $o" ;;
	esac
done
for n in "${new[@]}"; do
	if cmp -s "$tmp/$n" "$pdir/$n"; then
		msg "unchanged $n"
	else
		cp "$tmp/$n" "$pdir/$n"
		msg "wrote $n"
	fi
done
series=$(series_file "$pdir")
printf '%s\n' "${new[@]}" > "$tmp/series"
cmp -s "$tmp/series" "$series" || cp "$tmp/series" "$series"
msg "$series: ${#new[@]} patches from $work ($range)"
