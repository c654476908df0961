#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# distclean.sh OUTDIR PATCHDIR
#
# Remove OUTDIR (everything the tooling fetched and built), but refuse if
# a work tree OUTDIR/work/linux-* holds work that PATCHDIR does not (a
# commit no patch holds, uncommitted or untracked files), unless FORCE=1.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: distclean.sh OUTDIR PATCHDIR"
out=$1 pdir=$2
[ -d "$out" ] || exit 0
for work in "$out"/work/linux-*; do
	[ -d "$work/.git" ] || continue
	state=$(tree_state "$work" "$pdir")
	case "$state" in
	clean | stale) ;;
	*)
		if [ "${FORCE:-0}" = 1 ]; then
			msg "FORCE=1: discarding $work, which has ${state#dirty: }"
		else
			echo "$prog: error: $work has work that is not in $pdir/:" >&2
			echo "  ${state#dirty: }" >&2
			die "run \"make export\" first, or FORCE=1 to discard it"
		fi
		;;
	esac
done
rm -rf "$out"
msg "removed $out"
