#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apply.sh SRCTREE WORKTREE PATCHDIR
#
# Make WORKTREE a git clone of SRCTREE (the pristine tree from get-tree.sh,
# tag base) with every patch of the series applied in order with "git am",
# and print which patches were applied.  The series is the file $SERIES
# (environment; the Makefile passes the top-level "series"), or else
# PATCHDIR/series, and names patches relative to PATCHDIR.
#
# WORKTREE is where developers edit, so it is never thrown away if it holds
# work that PATCHDIR does not: an existing WORKTREE whose commits since base
# are exactly the series and that has no uncommitted changes is reused as
# it is; one whose commits are all in the series (the series grew) is reset
# to base in place (so unchanged files keep their timestamps and builds stay
# incremental) and the series applied again; anything else (a commit that
# no patch holds, an uncommitted or untracked file) makes this script
# refuse, unless FORCE=1 is set in the environment, which resets it all the
# same.
#
# With $BACKPORTS (environment: a directory backports/VERSION, for a kernel
# other than the series' base; see backports/README.md), the series is
# applied with the "git am" options of BACKPORTS/am-options, tag upstream
# marks its last commit, and the backport patches of BACKPORTS/series
# follow; .git/exporter-upstream records what was applied below upstream
# (see backport_state in lib.sh).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || die "usage: apply.sh SRCTREE WORKTREE PATCHDIR"
src=$1 work=$2 pdir=$3
[ -d "$src/.git" ] || die "$src is not a git tree: run make tree first"
series_patches "$pdir" > /dev/null	# dies on a missing patch file
mapfile -t patches < <(series_patches "$pdir")
bp=${BACKPORTS:-}
amopts=() backports=()
if [ -n "$bp" ]; then
	read_backports "$bp"
	bp=$(cd "$bp" && pwd)
fi

show_series() {
	if [ "${#patches[@]}" -eq 0 ]; then
		msg "no patches applied ($(series_file "$pdir") is empty or missing)"
	else
		git -C "$work" log --reverse --format='  %h %s' base..HEAD
	fi
}

fresh=true
if [ -e "$work" ]; then
	[ -d "$work/.git" ] || die "$work exists but is not a git tree; remove it"
	state=$(tree_state "$work" "$pdir")
	same_base=false
	[ "$(git -C "$work" rev-parse -q --verify base || true)" != "$(git -C "$src" rev-parse base)" ] ||
		same_base=true
	if [ "$state" = clean ] && ! $same_base; then
		state=stale	# the base tree was fetched anew
	fi
	case "$state" in
	clean)
		msg "$work already holds the series; reusing it"
		show_series
		exit 0
		;;
	stale)
		msg "$work holds nothing that $pdir lacks; applying the series again"
		;;
	*)
		if [ "${FORCE:-0}" = 1 ]; then
			msg "FORCE=1: discarding $work, which has ${state#dirty: }"
		else
			cat >&2 <<-EOF
			$prog: error: $work has work that is not in $pdir/:
			  ${state#dirty: }
			Refusing to overwrite it.  Either
			  - commit your changes there and run "make export" to write the
			    commits back to $pdir/ (then "make" again), or
			  - remove $work, or run again with FORCE=1 to recreate it
			    from $pdir/ (this discards those changes).
			EOF
			exit 1
		fi
		;;
	esac
	if $same_base; then
		# Reset in place rather than clone again: only the files that
		# the old and new series touch change, so builds stay
		# incremental.
		fresh=false
		git -C "$work" am --abort > /dev/null 2>&1 || true
		git -C "$work" checkout -q -f -B dma-buf-exporter base
		git -C "$work" clean -q -fd
		git -C "$work" tag -d upstream > /dev/null 2>&1 || true
		msg "reset $work to tag base"
	else
		rm -rf "$work"
	fi
fi

if $fresh; then
	msg "cloning $src to $work"
	mkdir -p "$(dirname "$work")"
	need_space "$work" 2000 "a checkout of $src"	# 7.3: 1.7 GiB
	git clone -q -c gc.auto=0 "$src" "$work"  # see get-tree.sh
	git -C "$work" checkout -q -B dma-buf-exporter base
	name=$(git config --global user.name || echo "$tooling_name")
	email=$(git config --global user.email || echo "$tooling_email")
	git -C "$work" config user.name "$name"
	git -C "$work" config user.email "$email"
fi
cp "$src/.git/exporter-base" "$work/.git/exporter-base"
rm -f "$work/.git/exporter-upstream"

# am PATCH [OPTION...]: git am one patch, or stop with what is applied.
am() {
	local p=$1
	shift
	if ! git -C "$work" am -q "$@" "$(readlink -f "$p")"; then
		git -C "$work" am --abort || true
		die "$p does not apply on $(cat "$src/.git/exporter-base")" \
		    "(the patches before it are applied in $work)"
	fi
}

for p in "${patches[@]}"; do
	am "$p" "${amopts[@]}"
done
msg "applied ${#patches[@]} patch(es) from $(series_file "$pdir") on tag base ($(cat "$work/.git/exporter-base"))${amopts[*]:+ with git am ${amopts[*]}}"
if [ -n "$bp" ]; then
	git -C "$work" tag upstream
	for p in "${backports[@]}"; do
		am "$p"
	done
	printf 'backports %s\nfingerprint %s\nbackport-fingerprint %s\nhead %s\n' \
		"$bp" "$(upstream_fingerprint "$pdir" "$bp")" \
		"$(backport_fingerprint "$bp")" "$(git -C "$work" rev-parse HEAD)" \
		> "$work/.git/exporter-upstream"
	msg "then ${#backports[@]} backport patch(es) from $bp/series (tag upstream: the series' end)"
fi
show_series
