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

# The line the guest's /init prints last, with the exit code of the tests
# ("KSELFTEST-RUN-COMPLETE rc=N"): mkinitramfs.sh writes it into /init,
# parse-log.sh reads the exit code from it.
# shellcheck disable=SC2034 # for the scripts that source this file
end_marker=KSELFTEST-RUN-COMPLETE

# The git identity of the commits the tooling makes in trees of its own
# (the pristine base, check's clone), and of "make apply" for a user
# without one.
# shellcheck disable=SC2034 # for the scripts that source this file
tooling_name="dma-buf exporter tooling"
# shellcheck disable=SC2034
tooling_email="tooling@localhost"

msg() { echo "$prog: $*"; }
die() { echo "$prog: error: $*" >&2; exit 1; }

# need_space DIR MIB WHAT: die, saying how much is missing, unless the
# file system of DIR (or of its nearest existing parent) has MIB MiB free
# for WHAT.  A kernel tree runs out of space a thousand files in, with a
# thousand "unable to write file" lines and a half-made tree: better to
# stop before.  NEED_SPACE=0 (environment) skips the check.
need_space() {
	local dir=$1 mib=$2 free
	[ "${NEED_SPACE:-1}" != 0 ] || return 0
	while [ ! -d "$dir" ]; do dir=$(dirname "$dir"); done
	free=$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')
	[ -z "$free" ] || [ "$free" -ge "$mib" ] ||
		die "$3 needs about $mib MiB free in $dir, which has $free MiB (NEED_SPACE=0 to try anyway)"
}

# kernel_fragments TOP ARCH KSFTDIR TARGETS: the configuration fragments
# of a guest kernel, in the order they are merged on top of "make
# tinyconfig" (make-config.sh): the guest's (TOP/configs/guest.config,
# then TOP/configs/ARCH.config), KSFTDIR/TARGET/config for each kselftest
# target of TARGETS (space-separated) that has one (what "make
# kselftest-merge" merges; KSFTDIR is a tree's tools/testing/selftests),
# then TOP/Kconfig.snippet (what only our tooling adds).  One a line.
kernel_fragments() {
	local top=$1 arch=$2 ksft=$3 t
	printf '%s\n' "$top/configs/guest.config" "$top/configs/$arch.config"
	for t in $4; do
		[ ! -f "$ksft/$t/config" ] || printf '%s\n' "$ksft/$t/config"
	done
	printf '%s\n' "$top/Kconfig.snippet"
}

# load_qemu_config TOP ARCH: source TOP/configs/qemu-ARCH (the QEMU and
# kernel image settings of ARCH: KERNEL_TARGET, QEMU_BIN, CROSS_COMPILE
# and the rest), or die if ARCH has none.
load_qemu_config() {
	local cfg=$1/configs/qemu-$2
	[ -r "$cfg" ] || die "no $cfg: ARCH=$2 is not supported"
	# shellcheck source=../configs/qemu-x86_64
	. "$cfg"
}

# kernel_arch ARCH: the kernel's ARCH= for the tooling's ARCH: the
# KERNEL_ARCH of configs/qemu-ARCH (riscv for riscv64), else ARCH itself
# (x86_64 and arm64 are names the kernel's Makefile takes).
kernel_arch() {
	local cfg
	cfg=$(dirname "${BASH_SOURCE[0]}")/../configs/qemu-$1
	(KERNEL_ARCH=$1; [ ! -r "$cfg" ] || . "$cfg"; echo "$KERNEL_ARCH")
}

# use_ccache OUTDIR: compile through ccache (Debian's package, which
# scripts/deps.sh installs) with its cache in OUTDIR/ccache, so that a
# build directory made again (after "make clean", a mutant's, one that
# "make test" could not seed from check's) compiles only what changed.
# .ci/run turns it off (CCACHE_DISABLE): its cache is empty every time,
# and a cold x86_64 bzImage took 286 and 291 s through it, 271 and 279 s
# without (its inode cache: 291 and 292 s).
# Masquerade mode: OUTDIR/ccache/bin, first in PATH, holds "gcc" and the
# cross compiler ($CROSS_COMPILE, from configs/qemu-ARCH) as links to
# ccache, so that the kernel's command lines and CC (which Kconfig
# records) stay as they are.  The kernel's command lines hold the source
# tree's absolute path; with CCACHE_BASEDIR=OUTDIR ccache makes them
# relative to the build directory, which is the same for two trees laid
# out alike (out/build/linux-V-ARCH and out/work/linux-V; check's
# build/CFG and work/linux-V): their objects are shared.  The absolute
# -fmacro-prefix-map the kernel adds cannot match the relative paths
# (__FILE__ becomes "../../work/linux-V/..." in both) and is left out of
# the hash.  Depend mode: a miss is compiled once, with the dependency
# list the kernel's -Wp,-MMD already asks gcc for, instead of being
# preprocessed for the hash first (a cold x86_64 bzImage: 475 s in the
# default mode, 346 s in depend mode, 325 s without ccache).  Without
# ccache, does nothing.
use_ccache() {
	local dir=$1/ccache cc ccache
	ccache=$(command -v ccache) || return 0
	mkdir -p "$dir/bin"
	for cc in gcc "${CROSS_COMPILE:-}gcc"; do
		[ "$(readlink "$dir/bin/$cc" 2> /dev/null)" = "$ccache" ] ||
			ln -sfn "$ccache" "$dir/bin/$cc"
	done
	export PATH=$dir/bin:$PATH
	export CCACHE_DIR=$dir/cache CCACHE_BASEDIR=$1 CCACHE_NOHASHDIR=true
	export CCACHE_IGNOREOPTIONS='-fmacro-prefix-map=*' CCACHE_DEPEND=true
	# Four kernels (x86_64, arm64, 6.12, debug) and their check builds.
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
}

# seed_build FROM TO [FROMSRC TOSRC]: make the kernel build directory TO
# (which must not exist) a copy of FROM, so that make in TO rebuilds only
# what differs instead of everything.  kbuild's command and dependency
# files, and the host tools' (objtool's), hold the build directory's
# absolute path, and the source tree's: in every text file of the copy,
# FROM becomes TO and, when given, FROMSRC (the tree FROM was built from)
# becomes TOSRC, or make would take every command for changed.
#   Without FROMSRC, the copy keeps every file's mtime (check-patches.sh:
#   the =m build of the same tree as the =y one).
#   With FROMSRC, the caller has made sure TOSRC holds exactly FROMSRC's
#   files (same_tree), but its files are newer than FROM's objects (a
#   checkout of its own): every file of the copy gets one time, now,
#   later than all of TOSRC's, so that make finds each target as new as
#   what it was made from, and later changes of TOSRC newer still.
seed_build() {
	local from=$1 to=$2 now
	[ ! -e "$to" ] || die "seed_build: $to exists"
	msg "seeding $to from $from"
	rm -rf "$to.tmp"
	mkdir -p "$(dirname "$to")"
	cp -a "$from" "$to.tmp"
	# The tools' dependency files (objtool's) also name the build
	# directory relative to the source directory they were made in
	# ("../../../../build/y/..."): with FROMSRC, that form is rewritten
	# too; it is the same but for the last component when FROM and TO
	# lie alike next to their source trees (check-patches.sh's layout).
	local -a pairs=("$from" "$to")
	[ -z "${3:-}" ] || pairs+=("$3" "$4"
		"$(realpath -m --relative-to="$3" "$from")/" "$(realpath -m --relative-to="$4" "$to")/")
	# One process for the few thousand files; os.utime keeps the
	# nanoseconds that make compares.
	local -a patterns=() i
	for ((i = 0; i < ${#pairs[@]}; i += 2)); do
		patterns+=(-e "${pairs[i]}")
	done
	grep -rlIZF "${patterns[@]}" "$to.tmp" |
		python3 -c '
import os, sys
pairs = [(a.encode(), b.encode()) for a, b in zip(sys.argv[1::2], sys.argv[2::2])]
for name in sys.stdin.buffer.read().split(b"\0"):
	if not name:
		continue
	st = os.lstat(name)
	with open(name, "rb") as f:
		data = f.read()
	for a, b in pairs:
		data = data.replace(a, b)
	with open(name + b".seed", "wb") as f:
		f.write(data)
	os.chmod(name + b".seed", st.st_mode & 0o7777)
	os.utime(name + b".seed", ns=(st.st_atime_ns, st.st_mtime_ns))
	os.replace(name + b".seed", name)
'  "${pairs[@]}"
	if [ -n "${3:-}" ]; then
		now=$(date +%s.%N)
		find "$to.tmp" -exec touch -h -d "@$now" {} +
	fi
	mv "$to.tmp" "$to"
}

# same_tree A B: whether the git work trees A and B hold the same files:
# the same tree at HEAD, and nothing tracked changed (B: nothing untracked
# either, so nothing the build might read is left out of the comparison;
# A may hold what a check left, which no build reads).
same_tree() {
	[ "$(git -C "$1" rev-parse -q --verify 'HEAD^{tree}' 2> /dev/null)" = \
	  "$(git -C "$2" rev-parse -q --verify 'HEAD^{tree}' 2> /dev/null)" ] &&
	[ -z "$(git -C "$1" status --porcelain --untracked-files=no)" ] &&
	[ -z "$(git -C "$2" status --porcelain)" ]
}

# yield_to_guests: run this build script and all it starts at nice 10, so
# that a TCG guest beside it (another job's: make test ARCH=arm64 beside
# make test, which the layout allows) keeps the CPU time it needs: the
# guest's kselftests have timeouts (the harness's 30 s a case), the builds
# none.  A build alone loses nothing by it.
yield_to_guests() {
	renice -n 10 -p $$ > /dev/null 2>&1 || true
}

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

# The keyring of Debian's archive (package debian-archive-keyring), which
# every private apt configuration trusts.
# shellcheck disable=SC2034 # for the scripts that source this file
debian_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# private_apt DIR STATUS [OPTION...]: a private apt configuration in DIR
# (its own sources list DIR/sources.list, which the caller writes, package
# lists and cache), so that "apt-get download/source" can reach suites the
# machine does not use while the machine's apt and dpkg state stay as
# they are.  STATUS is the dpkg status file apt solves against
# (/var/lib/dpkg/status, or an empty file for another architecture).
# Sets the array aptopts to the options for apt-get and apt-cache, with
# the OPTIONs ("-o" "KEY=VALUE" pairs) at the end.
private_apt() {
	local dir=$1 status=$2
	shift 2
	mkdir -p "$dir/parts" "$dir/lists/partial" "$dir/cache/archives/partial"
	# shellcheck disable=SC2034 # for the caller
	aptopts=(-o "Dir::Etc::SourceList=$dir/sources.list"
		 -o "Dir::Etc::SourceParts=$dir/parts"
		 -o "Dir::State::Lists=$dir/lists"
		 -o "Dir::State::Status=$status"
		 -o "Dir::Cache=$dir/cache"
		 -o "APT::Default-Release="
		 -o "APT::Sandbox::User=root"
		 "$@")
}

# read_backports BPDIR: the backport directory BPDIR (backports/VERSION,
# see backports/README.md): sets the array amopts to the "git am" options
# of BPDIR/am-options (one a line, '#' comments), and the array backports
# to the backport patches of BPDIR/series.  Dies if BPDIR or a patch its
# series names is missing.
read_backports() {
	[ -d "$1" ] || die "no backport directory $1"
	# shellcheck disable=SC2034 # for the caller
	amopts=()
	if [ -f "$1/am-options" ]; then
		# shellcheck disable=SC2034 # for the caller
		mapfile -t amopts < <(grep -Ev '^[[:space:]]*(#|$)' "$1/am-options")
	fi
	SERIES='' series_patches "$1" > /dev/null
	# shellcheck disable=SC2034 # for the caller
	mapfile -t backports < <(SERIES='' series_patches "$1")
}

# checkpatch_strict TREE PATCH: scripts/checkpatch.pl --strict of TREE on
# PATCH.  Clean (0 errors, 0 warnings, 0 checks): prints nothing and
# returns 0; else prints checkpatch's output, whose last "total:" line
# sums it up, and returns 1.  Its SPDX check runs scripts/spdxcheck.py
# with "env python3", which needs Debian's python3-ply and python3-git:
# Debian's python3 comes first in PATH, in case another python3 (pyenv, a
# virtualenv) does.
checkpatch_strict() {
	local out
	out=$(cd "$1" && { PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --color=never "$2" 2>&1 || true; })
	grep -q '^total: 0 errors, 0 warnings, 0 checks' <<< "$out" && return 0
	printf '%s\n' "$out"
	grep -q '^total:' <<< "$out" || echo "total: no result"
	return 1
}

# A result file (parse-log.sh's of a guest run, check-patches.sh's of
# make check) is data: one KEY=VALUE a line, KEY a lower-case name, VALUE
# anything but a newline, unquoted.  It is never sourced.
# write_result FILE KEY=VALUE...: write one.
write_result() {
	local f=$1
	shift
	printf '%s\n' "${@//$'\n'/ }" > "$f"
}

# read_result FILE: set the shell variable KEY to VALUE for each line of
# FILE (a line that is not "name=value" is an error).
read_result() {
	local line
	while IFS= read -r line; do
		[[ $line =~ ^([a-z_][a-z0-9_]*)=(.*)$ ]] || die "$1: not KEY=VALUE: $line"
		printf -v "${BASH_REMATCH[1]}" '%s' "${BASH_REMATCH[2]}"
	done < "$1"
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
# series it was exported with), without blob ids on "index" lines (their
# abbreviation depends on the repository), without the line numbers and
# function names of hunk headers (the series applies at other offsets to
# another kernel, 7.2, with the same changes) and without the trailing
# "-- " signature block.
normalize_patch() {
	sed -e '1{/^From [0-9a-f]\{40\} /d}' \
	    -e 's/^Subject: \[PATCH[^]]*\] /Subject: /' \
	    -e 's/^index [0-9a-f]*\.\.[0-9a-f]*/index/' \
	    -e 's/^@@ -[0-9][0-9,]* +[0-9][0-9,]* @@.*/@@/' "$1" |
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
	git -C "$work" format-patch -q --no-signature --zero-commit --abbrev=9 \
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
