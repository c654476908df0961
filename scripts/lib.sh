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
# the next), tree_state (whether a work tree holds anything that
# patches/ does not) and what it needs for backport trees (another kernel
# than the series' base, with backports/VERSION: upstream_fingerprint,
# backport_state).

prog=$(basename "$0" .sh)

# The scripts run make on the kernel themselves: make state inherited from
# the top-level Makefile (its command-line variables such as BUILD= or
# CHECK=, which mean other things to the kernel's and the kselftests'
# Makefiles, or a jobserver) must not leak into those runs.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

msg() { echo "$prog: $*"; }
die() { echo "$prog: error: $*" >&2; exit 1; }

# debian_uris: every archive URI of the machine's own apt sources
# (deb822 and one-line format), in order.
debian_uris() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f"
	done
}

# debian_uri: the Debian archive URI the private apt configurations of
# get-tree.sh, get-busybox.sh and get-sparse.sh are built from: the first
# of the machine's own that is not a security mirror.  Read each time,
# never written into a file of the repository.  Dies if there is none.
debian_uri() {
	local uri
	uri=$(debian_uris | grep -v -- '-security' | grep '/debian/*$' | head -n 1 || true)
	[ -n "$uri" ] || die "no Debian archive URI in the apt sources (/etc/apt/sources.list*)"
	echo "$uri"
}

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
# A backport tree (tag upstream, see backport_state) is judged by
# backport_state instead.  Reads the tree only: no index refresh, no lock.
tree_state() {
	local work=$1 dir=$2 status
	local -a want=()
	status=$(git -C "$work" --no-optional-locks status --porcelain) ||
		{ echo "dirty: git status failed"; return 0; }
	if [ -n "$status" ]; then
		echo "dirty: uncommitted changes:"
		sed 's/^/    /' <<< "$status"
		return 0
	fi
	git -C "$work" rev-parse -q --verify base > /dev/null ||
		{ echo "dirty: no tag base"; return 0; }
	if git -C "$work" rev-parse -q --verify refs/tags/upstream > /dev/null; then
		backport_state "$work" "$dir"
		return 0
	fi
	mapfile -t want < <(series_patches "$dir")
	range_state "$work" base..HEAD "$(series_file "$dir")" "${want[@]}"
}

# range_state WORKTREE RANGE NAME PATCH...: compare the commits of RANGE
# with the PATCHes (the patch files of the series file NAME): clean,
# stale or "dirty: WHY", as tree_state says.
range_state() {
	local work=$1 range=$2 name=$3 tmp i p found same=true
	local -a have=() want=()
	shift 3
	tmp=$(mktemp -d)
	git -C "$work" format-patch -q --no-signature --zero-commit \
		-o "$tmp/have" "$range" > /dev/null
	mkdir -p "$tmp/want"
	i=0
	for p; do
		i=$((i + 1))
		normalize_patch "$p" > "$tmp/want/$i"
		want+=("$tmp/want/$i")
	done
	mapfile -t have < <(find "$tmp/have" -name '*.patch' 2> /dev/null | sort)
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
			echo "dirty: commit $((i + 1)) of $range ($(basename "${have[$i]}")), which no patch in $name holds"
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

# A backport tree (another kernel than the series' base, with a directory
# backports/VERSION: see backports/README.md) holds the series applied
# with the "git am" options of BPDIR/am-options, tag upstream on its last
# commit, then the backport patches of BPDIR/series.  scripts/apply.sh
# writes BPDIR and the fingerprint of what it applied below upstream to
# the tree's .git/exporter-upstream:
#   backports BPDIR
#   fingerprint SHA256
#   backport-fingerprint SHA256
#   head COMMIT
# (head: the commit HEAD was when it finished).
# upstream_fingerprint PATCHDIR BPDIR: that fingerprint: the series'
# patches (normalized) and the am-options they were applied with.
upstream_fingerprint() {
	{
		normalize_patches "$1"
		cat "$2/am-options" 2> /dev/null || true
	} | sha256sum | cut -d' ' -f1
}

# backport_fingerprint BPDIR: the same for the backport patches of
# BPDIR/series.
backport_fingerprint() {
	SERIES='' normalize_patches "$1" | sha256sum | cut -d' ' -f1
}

# normalize_patches PATCHDIR: every patch of the series, normalized.
normalize_patches() {
	local p
	while read -r p; do
		normalize_patch "$p"
	done < <(series_patches "$1")
}

# backport_state WORKTREE PATCHDIR: tree_state of a backport tree.  The
# commits base..upstream are the series as scripts/apply.sh applied it:
# current if the fingerprint matches, and never edited in this tree (edit
# the series in the base kernel's tree); the commits upstream..HEAD are
# compared with the patches of BPDIR/series as tree_state compares a
# mainline tree's commits with patches/.
backport_state() {
	local work=$1 dir=$2 rec bp state
	local -a want=()
	rec=$(git -C "$work" rev-parse --absolute-git-dir)/exporter-upstream
	# The backport directory: the caller's ($BACKPORTS, as scripts/apply.sh
	# gets it), else the one the tree was made from.
	bp=${BACKPORTS:-$(sed -n 's/^backports //p' "$rec" 2> /dev/null || true)}
	[ -n "$bp" ] || { echo "dirty: tag upstream but no backports line in $rec"; return 0; }
	git -C "$work" merge-base --is-ancestor upstream HEAD ||
		{ echo "dirty: the series' commits (base..upstream) are not below HEAD any more"; return 0; }
	# A tree still at the commit scripts/apply.sh left holds nothing of
	# its own.  Its backport commits are not compared with their files:
	# a backport that applied at an offset (the series moved under it)
	# formats back with other line numbers than its file.
	if [ "$(git -C "$work" rev-parse HEAD)" = "$(sed -n 's/^head //p' "$rec")" ]; then
		if [ -d "$bp" ] &&
		   [ "$(sed -n 's/^fingerprint //p' "$rec")" = "$(upstream_fingerprint "$dir" "$bp")" ] &&
		   [ "$(sed -n 's/^backport-fingerprint //p' "$rec")" = "$(backport_fingerprint "$bp")" ]; then
			echo clean
		else
			echo stale
		fi
		return 0
	fi
	if [ -d "$bp" ]; then
		mapfile -t want < <(SERIES='' series_patches "$bp")
	fi
	state=$(range_state "$work" upstream..HEAD "$bp/series" "${want[@]}")
	if [ "$state" = clean ] &&
	   [ "$(sed -n 's/^fingerprint //p' "$rec")" != "$(upstream_fingerprint "$dir" "$bp")" ]; then
		state=stale	# the series or its am-options changed
	fi
	echo "$state"
}
