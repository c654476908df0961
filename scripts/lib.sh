# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh: helpers shared by the tooling scripts; source it, don't run it.
#
#   . "$(dirname "$0")/lib.sh"
#
# Provides msg/die (messages prefixed with the calling script's name),
# series_file/series_patches (the series and the patch files it lists),
# normalize_patch (a patch without the parts that change from one export to
# the next) and tree_state (whether a work tree holds anything that
# patches/ does not).

prog=$(basename "$0" .sh)

# The scripts run make on the kernel themselves: make state inherited from
# the top-level Makefile (its command-line variables such as BUILD= or
# CHECK=, which mean other things to the kernel's and the kselftests'
# Makefiles, or a jobserver) must not leak into those runs.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

msg() { echo "$prog: $*"; }
die() { echo "$prog: error: $*" >&2; exit 1; }

# series_file PATCHDIR: the series file: $SERIES if set (the Makefile sets
# it to the repository's top-level "series"), else PATCHDIR/series; quilt
# looks in the same two places.
series_file() {
	echo "${SERIES:-$1/series}"
}

# series_patches PATCHDIR: print the path of every patch named in the
# series file, in order.  Quilt's format: one name per line, relative to
# PATCHDIR, optionally followed by options such as -p1; '#' starts a
# comment.  A missing series file is an empty series.
series_patches() {
	local dir=$1 name file
	file=$(series_file "$dir")
	[ -f "$file" ] || return 0
	while read -r name _; do
		case "$name" in
		'' | '#'*) continue ;;
		esac
		[ -f "$dir/$name" ] || die "$file names $name, which is not in $dir"
		echo "$dir/$name"
	done < "$file"
}

# normalize_patch FILE: the patch without its first "From <sha> <date>"
# line, without the "[PATCH n/m]" subject prefix (m is the length of the
# series it was exported with), without blob ids on "index" lines (their abbreviation depends on
# the repository) and without the trailing "-- " signature block.
normalize_patch() {
	sed -e '1{/^From [0-9a-f]\{40\} /d}' \
	    -e 's/^Subject: \[PATCH[^]]*\] /Subject: /' \
	    -e 's/^index [0-9a-f]*\.\.[0-9a-f]*/index/' "$1" |
		awk '{ line[NR] = $0 }
		     END {
			n = NR
			for (i = NR; i > 0; i--)
				if (line[i] == "-- ") { n = i - 1; break }
			# Only a signature at the very end counts: a "-- "
			# line followed by at most two lines (version, blank).
			if (NR - n > 3) n = NR
			for (i = 1; i <= n; i++) print line[i]
		     }'
}

# tree_state WORKTREE PATCHDIR: say what recreating WORKTREE from tag base
# and the patches of the series would lose.  Prints one of
#   clean          its commits since base are exactly those patches, in
#                  order, and nothing is uncommitted: nothing to redo;
#   stale          nothing uncommitted and every commit is one of those
#                  patches (the series grew or was reordered): safe to redo;
#   dirty: WHY     uncommitted changes (untracked files count) or a commit
#                  that no patch holds: recreating would lose work.
# Reads the tree only: no index refresh, no lock.
tree_state() {
	local work=$1 dir=$2 tmp status i p found
	local -a have=() want=()
	status=$(git -C "$work" --no-optional-locks status --porcelain) ||
		{ echo "dirty: git status failed"; return 0; }
	if [ -n "$status" ]; then
		echo "dirty: uncommitted changes:"
		sed 's/^/    /' <<< "$status"
		return 0
	fi
	git -C "$work" rev-parse -q --verify base > /dev/null ||
		{ echo "dirty: no tag base"; return 0; }
	tmp=$(mktemp -d)
	git -C "$work" format-patch -q --no-signature --zero-commit \
		-o "$tmp/have" base..HEAD > /dev/null
	mkdir -p "$tmp/want"
	i=0
	while read -r p; do
		i=$((i + 1))
		normalize_patch "$p" > "$tmp/want/$i"
		want+=("$tmp/want/$i")
	done < <(series_patches "$dir")
	mapfile -t have < <(find "$tmp/have" -name '*.patch' 2> /dev/null | sort)
	local same=true
	[ "${#have[@]}" -eq "${#want[@]}" ] || same=false
	for i in "${!have[@]}"; do
		normalize_patch "${have[$i]}" > "${have[$i]}.n"
		if $same && ! cmp -s "${have[$i]}.n" "${want[$i]}"; then
			same=false
		fi
		found=false
		for p in "${want[@]}"; do
			if cmp -s "${have[$i]}.n" "$p"; then
				found=true
				break
			fi
		done
		if ! $found; then
			echo "dirty: commit $((i + 1)) ($(basename "${have[$i]}")), which no patch in $(series_file "$dir") holds"
			rm -rf "$tmp"
			return 0
		fi
	done
	rm -rf "$tmp"
	if $same; then
		echo clean
	else
		echo stale
	fi
}
