#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# distclean.sh OUTDIR PATCHDIR [PATH...]
#
# Remove OUTDIR (everything the tooling fetched and built), or only the
# PATHs in it (make clean-tree: one kernel's), but refuse if a work tree
# OUTDIR/work/linux-* to be removed holds work that PATCHDIR does not (a
# commit no patch holds, uncommitted or untracked files), unless FORCE=1.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: distclean.sh OUTDIR PATCHDIR [PATH...]"
out=$1 pdir=$2
shift 2
[ -d "$out" ] || exit 0
paths=("$@")
[ $# -gt 0 ] || paths=("$out")
for work in "$out"/work/linux-*; do
	[ -d "$work/.git" ] || continue
	gone=false
	for p in "${paths[@]}"; do
		case "$(realpath -m "$work")/" in "$(realpath -m "$p")"/*) gone=true ;; esac
	done
	$gone || continue
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
for p in "${paths[@]}"; do
	case "$(realpath -m "$p")/" in
	"$(realpath -m "$out")"/*) ;;
	*) die "$p is not in $out" ;;
	esac
done
for p in "${paths[@]}"; do
	[ -e "$p" ] || continue
	rm -rf "$p"
	msg "removed $p"
done
