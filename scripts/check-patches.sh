#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-patches.sh SRCTREE CHECKDIR ARCH PATCHDIR LOGDIR RESULTFILE
#
# Check each patch of the series ($SERIES, else PATCHDIR/series; names
# relative to PATCHDIR) on its own:
#   (a) scripts/checkpatch.pl --strict of the base tree must
#       report 0 errors, 0 warnings and 0 checks;
#   (b) with patches 1..k applied, for every k (on another kernel than the
#       series' base, CHECK_TAG set: only the whole series), the kernel must build with
#       W=1 and no new warning, configured as build.sh does (with the
#       kselftests' config of the whole series), once with the driver
#       built in (=y, as that config says) and once as a module (=m,
#       "make modules" too).  A new warning is a compiler "warning:"
#       naming a file that patches 1..k touch, any "WARNING: modpost"
#       line, or any error.  A patch that changes no file the kernel's
#       build reads recompiles only its own files.  The
#       kselftests (TARGETS, environment, default dmabuf-exporter) are
#       built in the =y configuration as soon as their directory exists,
#       under the same rule;
#   (c) on the whole series (the top patch), scripts/static-check.sh:
#       sparse, a clang W=1 build, kernel-doc -Wall, the UAPI header test,
#       coccicheck and the Sphinx build of our documents must report 0
#       findings in the files the series touches (one line per tool in
#       the summary; logs LOGDIR/check-static-*.log).
# The patches are applied with "git am" in $CHECK_WORK (environment;
# default CHECKDIR/work/linux-VERSION), a clone of SRCTREE kept between
# runs (only the files the series touches change from one run to the
# next) and shared by the checks of every ARCH (the Makefile gives all of
# them out/check/work/linux-VERSION: a checkout is 1.7 GiB; a lock on
# $CHECK_WORK.lock makes a second check wait for the first), built in CHECKDIR/build/y and
# CHECKDIR/build/m (the first =m build starts from a copy of the =y one,
# seed_build in lib.sh), so later runs and the =m builds rebuild little
# (through ccache, use_ccache in lib.sh); the files the series touches are touched
# before each build so their warnings show up again.  Build logs go to
# LOGDIR/check-*.log; RESULTFILE gets status=pass|fail.  Uses -j$(nproc), at
# nice 10 (yield_to_guests in lib.sh).
#
# With $BACKPORTS (environment: backports/VERSION, for a kernel other than
# the series' base; see backports/README.md), the patches of the series
# only build there with the backport on top: checkpatch --strict runs on
# the series' patches and on the backport patches of BACKPORTS/series, and
# one =y and one =m build (CHECKDIR/build/VERSION-{y,m}, logs
# LOGDIR/check-VERSION-{y,m}.log) of the series, applied with the "git am"
# options of BACKPORTS/am-options, plus the backport, takes the place of
# the builds patch by patch.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 6 ] || die "usage: check-patches.sh SRCTREE CHECKDIR ARCH PATCHDIR LOGDIR RESULTFILE"
src=$(cd "$1" && pwd) checkdir=$2 arch=$3 pdir=$4 logdir=$5 result=$6
karch=$(kernel_arch "$arch")
targets=${TARGETS:-dmabuf-exporter}
sym=${DRIVER_CONFIG:-CONFIG_DMABUF_EXPORTER}
top=$(cd "$(dirname "$0")/.." && pwd)
load_qemu_config "$top" "$arch"
export CROSS_COMPILE=${CROSS_COMPILE:-}	# set for a cross build (arm64)
use_ccache "$top/out"
yield_to_guests

series_patches "$pdir" > /dev/null	# dies on a missing patch file
mapfile -t patches < <(series_patches "$pdir")
bp=${BACKPORTS:-}
amopts=() backports=()
# $CHECK_TAG (environment; the Makefile's CHECKTAG): "" for the series'
# base kernel, "VERSION-" for any other, prefixed to the names of the
# builds, configs and logs so that no two kernels share one.  Without it,
# a backport kernel is tagged.
tag=${CHECK_TAG-}
if [ -n "$bp" ]; then
	read_backports "$bp"
	[ -n "${CHECK_TAG+set}" ] || tag=$(basename "$src" | sed 's/^linux-//')-
fi
export CHECK_TAG=$tag
mkdir -p "$logdir" "$checkdir"
checkdir=$(cd "$checkdir" && pwd)
rm -f "$result"
jobs=$(nproc)
# Every check is one test of "make test"'s summary line: passes and
# failures name them (checkpatch:PATCH, build-y:PATCH, static:TOOL...).
passes=()
failures=()
report=()

finish() {
	echo
	echo "==== check summary ===="
	if [ "${#report[@]}" -gt 0 ]; then
		printf '  %s\n' "${report[@]}"
	fi
	if [ "${#failures[@]}" -eq 0 ]; then
		echo "check: PASS (${#patches[@]} patches, ${#passes[@]} checks)"
	else
		echo "check: FAIL: ${failures[*]} (${#passes[@]} of $((${#passes[@]} + ${#failures[@]})) checks passed)"
	fi
	local status=pass
	[ "${#failures[@]}" -eq 0 ] || status=fail
	write_result "$result" "status=$status" "check_passed=${#passes[@]}" \
		"check_failed=${#failures[@]}" "failures=${failures[*]}"
	[ "${#failures[@]}" -eq 0 ] || exit 1
	exit 0
}

if [ "${#patches[@]}" -eq 0 ]; then
	msg "$(series_file "$pdir") lists no patches: nothing to check"
	report+=("no patches")
	finish
fi

# (b) builds, one patch more at a time.
# "make test"'s main build starts from a copy of build/y (seed_build in
# lib.sh rewrites the paths its files hold).  For x86_64 the clone and the
# build directories are laid out as the main build's (out/work/linux-V,
# out/build/linux-V-ARCH), so that ccache also shares the objects of the
# two (use_ccache in lib.sh); another ARCH's builds, in CHECKDIR beside
# the shared clone, share fewer.  Directories of older layouts
# (CHECKDIR/linux-V, CHECKDIR/build-CFG, an unshared clone) are removed.
version=$(basename "$src" | sed 's/^linux-//')
work=${CHECK_WORK:-$checkdir/work/linux-$version}
for old in "$checkdir/linux-$version" "$checkdir"/build-*; do
	[ ! -e "$old" ] || { msg "removing $old (older layout)"; rm -rf "$old"; }
done
# A clone of an older layout: one per CHECKDIR, not shared.
old=$checkdir/work/linux-$version
if [ "$(realpath -m "$old")" != "$(realpath -m "$work")" ] && [ -e "$old" ]; then
	msg "removing $old (older layout: $work is shared now)"
	rm -rf "$old"
fi
mkdir -p "$checkdir/build" "$(dirname "$work")"
exec {lock}> "$work.lock"
if ! flock -n "$lock"; then
	msg "waiting for the other check that uses $work"
	flock "$lock"
fi
if [ ! -d "$work/.git" ]; then
	msg "cloning $src to $work"
	need_space "$work" 2000 "a checkout of $src"	# 7.3: 1.7 GiB
	git clone -q -c gc.auto=0 "$src" "$work"  # see get-tree.sh
fi
git -C "$work" fetch -q --tags "$src"
git -C "$work" config user.name "$tooling_name"
git -C "$work" config user.email "$tooling_email"
git -C "$work" am --abort > /dev/null 2>&1 || true
git -C "$work" reset -q --hard
git -C "$work" clean -q -fdx
git -C "$work" checkout -q --detach base

# Every build is configured with the kselftests' config of the whole
# series (the last patch adds it), so that patch 1 is built with the
# driver enabled as patch 3 is: CHECKDIR/ksft/TARGET/config, taken from a
# first "git am" of the whole series, and of the backport, which may
# adapt that config to its kernel (CHECKDIR/VERSION-ksft for a backport
# kernel, which shares CHECKDIR with the base kernel's check and may run
# beside it; likewise driver-m.config).
rm -rf "$checkdir/${tag}ksft"
if git -C "$work" am -q "${amopts[@]}" "${patches[@]}" > /dev/null 2>&1 &&
   { [ ${#backports[@]} -eq 0 ] ||
     git -C "$work" am -q "${backports[@]}" > /dev/null 2>&1; }; then
	for t in $targets; do
		f=tools/testing/selftests/$t/config
		[ ! -f "$work/$f" ] || install -D -m 644 "$work/$f" "$checkdir/${tag}ksft/$t/config"
	done
else
	git -C "$work" am --abort > /dev/null 2>&1 || true
fi
git -C "$work" checkout -q --detach base

# (a) checkpatch.pl --strict, from the base tree (the clone, at base).
for p in "${patches[@]}" "${backports[@]}"; do
	p=$(readlink -f "$p")
	name=$(basename "$p")
	if out=$(checkpatch_strict "$work" "$p"); then
		report+=("[$((${#report[@]} + 1))] $name: checkpatch --strict clean")
		passes+=("checkpatch:$name")
	else
		echo "$out"
		report+=("[$((${#report[@]} + 1))] $name: checkpatch --strict: $(grep '^total:' <<< "$out" | tail -n 1)")
		failures+=("checkpatch:$name")
	fi
done

mapfile -t frags_y < <(kernel_fragments "$top" "$arch" "$checkdir/${tag}ksft" "$targets")

frag_m=$checkdir/${tag}driver-m.config
# The driver and its own tristate options (its KUnit suite) become
# modules; its test interface option is a bool and stays =y.
cat "${frags_y[@]:2}" |
	sed -E "/^${sym}_TEST=y\$/!s/^($sym(_[A-Z0-9_]+)?)=y\$/\1=m/" |
	grep -E "^$sym(_[A-Z0-9_]+)?=m\$" > "$frag_m" || true
grep -q "^$sym=m\$" "$frag_m" || echo "$sym=m" >> "$frag_m"

# build_one K CFG LOG: configure and build CHECKDIR/build-CFG; print the
# new warnings; return 1 if there are any or the build failed.
build_one() {
	local k=$1 cfg=$2 log=$3 obj=$checkdir/build/$tag$2 allow=-a rc=0
	local -a frags=("${frags_y[@]}")
	[ "$cfg" = y ] || frags+=("$frag_m")
	[ "$k" -lt "${#patches[@]}" ] || allow=
	{
		"$top/scripts/make-config.sh" $allow "$work" "$obj" "$arch" "${frags[@]}" &&
		make -C "$work" O="$obj" ARCH="$karch" -j"$jobs" W=1 "$KERNEL_TARGET" &&
		if [ "$cfg" = m ]; then
			make -C "$work" O="$obj" ARCH="$karch" -j"$jobs" W=1 modules
		fi &&
		if [ "$cfg" = y ] && [ -d "$work/tools/testing/selftests/$targets" ]; then
			make -C "$work" O="$obj" ARCH="$karch" -j"$jobs" -s headers_install &&
			make -C "$work" O="$obj" ARCH="$karch" -j"$jobs" \
				TARGETS="$targets" USERLDFLAGS=-static kselftest-all
		fi
	} > "$log" 2>&1 || rc=$?
	# Warnings naming a touched file, or reported while compiling one
	# (gcc's "FILE: In function ..." context line; a warning in a macro
	# may name <command-line> or a header).  O= builds print absolute
	# paths: they are made relative to the tree before comparing.
	local new
	# shellcheck disable=SC2016 # awk's $0, not the shell's
	new=$(TOUCHED=$touched awk -v tree="$work/" '
		BEGIN { n = split(ENVIRON["TOUCHED"], t, "\n"); for (i = 1; i <= n; i++) mine[t[i]] = 1 }
		function rel(f) {
			if (index(f, tree) == 1) f = substr(f, length(tree) + 1)
			while (f ~ /^\.\.\//) sub(/^\.\.\//, "", f)
			sub(/^\.\//, "", f)
			return f
		}
		function touched(f,   x) {
			for (x in mine)
				if (f == x || (length(f) > length(x) && substr(f, length(f) - length(x)) == "/" x))
					return 1
			return 0
		}
		/WARNING: modpost/ || /: error: / || /: fatal error: / { print; next }
		/^[^ ]+: (In function|In member function|At top level|In static function)/ {
			f = $0; sub(/: (In|At) .*/, "", f); ctx = rel(f); next
		}
		/^  [A-Z]+ / { ctx = "" }	# kbuild "  CC  file": next file
		/: warning: / {
			f = $0; sub(/:[0-9]+(:[0-9]+)?: warning: .*/, "", f)
			sub(/: warning: .*/, "", f)
			if (touched(rel(f)) || (ctx != "" && touched(ctx))) print
		}' "$log" | sort -u)
	if [ -n "$new" ]; then
		echo "$new"
		return 1
	fi
	if [ "$rc" -ne 0 ]; then
		tail -n 30 "$log"
		return 1
	fi
	return 0
}

# check_build K NAME: build patches 1..K (touched: the files they touch;
# retouch: those to recompile) with the driver =y and =m; NAME is what the
# report calls them.
check_build() {
	local k=$1 name=$2 cfg log t out
	for cfg in y m; do
		# Recompile the files even when nothing changed since the last
		# run, so that their warnings are seen.
		(cd "$work" && while read -r f; do
			[ ! -f "$f" ] || touch "$f"
		done <<< "$retouch")
		# One build of a backport kernel (the series and the backport),
		# one per patch elsewhere.
		if [ -n "$bp" ]; then
			log=$logdir/check-$tag$cfg.log
		else
			log=$logdir/check-$tag$k-$cfg.log
		fi
		# A first =m build starts from a copy of the =y one: the two
		# differ in a few objects, not in the whole kernel.
		if [ "$cfg" = m ] && [ ! -e "$checkdir/build/${tag}m" ] &&
		   [ -f "$checkdir/build/${tag}y/$KERNEL_IMAGE" ]; then
			seed_build "$checkdir/build/${tag}y" "$checkdir/build/${tag}m"
		fi
		msg "[$k/${#patches[@]}] $name: building with $sym=$cfg (log: $log)"
		t=$SECONDS
		if out=$(build_one "$k" "$cfg" "$log"); then
			report+=("[$k] $name: $sym=$cfg: W=1 build clean ($((SECONDS - t)) s)")
			passes+=("build-$cfg:$name")
		else
			echo "$out"
			report+=("[$k] $name: $sym=$cfg: FAILED, new warnings or errors (see $log)")
			failures+=("build-$cfg:$name")
		fi
	done
}

# apply_one K PATCH [OPTION...]: git am PATCH, or report it and finish.
apply_one() {
	local k=$1 p
	p=$(readlink -f "$2")
	shift 2
	if ! git -C "$work" am -q "$@" "$p"; then
		git -C "$work" am --abort || true
		report+=("[$k] $(basename "$p"): does not apply")
		failures+=("apply:$(basename "$p")")
		finish
	fi
}

# Another kernel than the series' base (a tag), with a backport or not:
# the whole series built once, =y and =m.  That each patch builds on its
# own is checked on the base kernel; on another, the same patches apply
# to the same code, and CI's time goes to what differs there.
if [ -n "$bp" ] || [ -n "$tag" ]; then
	for p in "${patches[@]}"; do
		apply_one "${#patches[@]}" "$p" "${amopts[@]}"
	done
	for p in "${backports[@]}"; do
		apply_one "${#patches[@]}" "$p"
	done
	touched=$(git -C "$work" diff --name-only base HEAD)
	retouch=$touched
	check_build "${#patches[@]}" "series${bp:+ + $(basename "$bp") backport}"
	# A backport tree's static analysis would judge the backport's
	# code: it runs on the series' own base.
	[ -z "$bp" ] || finish
fi

[ -n "$tag" ] || for i in "${!patches[@]}"; do
	k=$((i + 1))
	apply_one "$k" "${patches[$i]}"
	touched=$(git -C "$work" diff --name-only base HEAD)
	# A patch that changes no file the kernel's build reads (only
	# tools/, Documentation/, MAINTAINERS) cannot change what the builds
	# of patch K-1 compiled and checked: only its own files are
	# recompiled, and the kernel part of its builds has nothing to do.
	retouch=$touched
	own=$(git -C "$work" diff --name-only HEAD~1 HEAD)
	grep -qvE '^(tools/|Documentation/|MAINTAINERS$)' <<< "$own" || retouch=$own
	check_build "$k" "$(basename "${patches[$i]}")"
done

# (c) static analysis of the whole series.
msg "static analysis of the series (logs: $logdir/check-static-*.log)"
static=$checkdir/${tag}static.summary
"$top/scripts/static-check.sh" "$work" "$checkdir" "$arch" "$logdir" "$static" || true
if [ -f "$static" ]; then
	mapfile -t lines < "$static"
	report+=("${lines[@]}")
	mapfile -t good < <(sed -n 's/^\([a-z-]*\): 0 findings .*/static:\1/p' "$static")
	mapfile -t bad < <(sed -n 's/^\([a-z-]*\): [1-9][0-9]* findings .*/static:\1/p' "$static")
	passes+=("${good[@]}")
	failures+=("${bad[@]}")
else
	report+=("static analysis: did not finish")
	failures+=("static")
fi
finish
