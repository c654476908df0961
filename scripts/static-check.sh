#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# static-check.sh WORKTREE CHECKDIR ARCH LOGDIR SUMMARY
#
# The static analysis part of "make check", run by check-patches.sh on the
# whole series (WORKTREE at its top patch, tag base below it) after its
# builds, whose directories CHECKDIR/build/y and CHECKDIR/build/m (and
# CHECKDIR/driver-m.config) it reuses.  "Our files" are the files the
# series touches (git diff base HEAD); the driver's directories are those
# of its C files outside tools/.  Each tool counts findings in our files
# only; what it reports elsewhere is noted, not counted:
#   sparse            make C=2 on the driver's directories, =y and =m, with
#                     a sparse the kernel accepts (scripts/get-sparse.sh);
#   clang             make LLVM=-19 W=1 of the driver's directories, =y and
#                     =m (CHECKDIR/clang-y, CHECKDIR/clang-m);
#   kernel-doc        scripts/kernel-doc -none -Wall on our C files and
#                     headers (not tools/);
#   uapi-header-test  the kernel's UAPI header compile test
#                     (CONFIG_UAPI_HEADER_TEST's usr/include/) for our
#                     include/uapi headers;
#   coccicheck        make coccicheck MODE=report M=<driver directory>;
#   htmldocs          make htmldocs with SPHINXDIRS= the directories of our
#                     .rst files and Sphinx's include_patterns limited to
#                     them and their index.rst (the kernel's conf.py and
#                     extensions, kernel-doc directives included), in
#                     CHECKDIR/docs; a full "make htmldocs" takes far longer.
# Writes one line per tool, "TOOL: N findings (...) [T s]", and a total to
# SUMMARY, prints them, and exits 1 if the total is not 0.  Logs:
# LOGDIR/check-static-TOOL.log.  With CHECK_TAG (environment, see
# check-patches.sh), the builds, configs and logs above carry that prefix
# (CHECKDIR/build/TAGy, LOGDIR/check-static-TAGTOOL.log).  Uses
# -j$(nproc).  STATIC_TOOLS="TOOL..."
# in the environment runs only those (by hand; make check runs all).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: static-check.sh WORKTREE CHECKDIR ARCH LOGDIR SUMMARY"
tag=${CHECK_TAG:-}
work=$(cd "$1" && pwd) checkdir=$(cd "$2" && pwd) arch=$3 logdir=$4 summary=$5
karch=$(kernel_arch "$arch")
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
# clang-19 from bookworm (7.3 needs clang 17 or later); LLVM=-19 makes
# kbuild use clang-19, ld.lld-19, llvm-ar-19 and the rest.
llvm=-19
# Upper bounds in seconds, so that a tool that hangs cannot stall make check.
limit_build=1800 limit_tool=900
# Kernel scripts (kernel-doc, Sphinx, spatch's Python) want Debian's
# python3 and its modules, not another python3 first in PATH.
export PATH=/usr/bin:$PATH
mkdir -p "$logdir"
rm -f "$summary"

mapfile -t touched < <(git -C "$work" diff --name-only base HEAD)
mapfile -t added < <(git -C "$work" diff --name-only --diff-filter=A base HEAD)
csrc=() dirs=() uapi=() docs=() olddocs=()
for f in "${touched[@]}"; do
	[ -f "$work/$f" ] || continue	# deleted by the series
	case "$f" in
	tools/*) ;;
	*.c) csrc+=("$f"); dirs+=("$(dirname "$f")") ;;
	include/uapi/*.h) csrc+=("$f"); uapi+=("${f#include/uapi/}") ;;
	*.h) csrc+=("$f") ;;
	Documentation/*/index.rst) ;;	# toctrees: see htmldocs below
	Documentation/*.rst)
		docs+=("$f")
		printf '%s\n' "${added[@]}" | grep -qxF "$f" || olddocs+=("$f")
		;;
	esac
done
mapfile -t dirs < <(printf '%s\n' "${dirs[@]}" | sort -u | sed '/^$/d')
ours=("${csrc[@]}" "${docs[@]}")

lines=() total=0 start=$SECONDS

# report TOOL N DETAIL T0: record the result of one tool.
report() {
	local line
	line="$1: $2 findings ($3) [$((SECONDS - $4)) s]"
	lines+=("$line")
	total=$((total + $2))
	msg "$line"
}

# findings LOG: print the lines of LOG that report a problem (compiler,
# sparse, Sphinx, docutils or kernel-doc style) at a location in one of our
# files.  Absolute paths are made relative to WORKTREE first.
findings() {
	OURS=$(printf '%s\n' "${ours[@]}") awk -v tree="$work/" '
		BEGIN { n = split(ENVIRON["OURS"], o, "\n") }
		!/(warning|error|WARNING|ERROR|SEVERE|CRITICAL|Warning)[: ]/ { next }
		{
			l = $0
			while ((i = index(l, tree)) > 0)
				l = substr(l, 1, i - 1) substr(l, i + length(tree))
			for (i = 1; i <= n; i++) {
				if (o[i] == "")
					continue
				p = index(l, o[i] ":")
				if (p == 1 || (p > 1 && substr(l, p - 1, 1) ~ /[ \/]/)) {
					print l
					next
				}
			}
		}' "$1"
}

# elsewhere LOG: how many located problems LOG reports in other files.
elsewhere() {
	local all mine
	all=$(grep -cE '^[^ :]+:[0-9]+(:[0-9-]+)?: (warning|error|WARNING|ERROR|SEVERE|CRITICAL)' "$1" || true)
	mine=$(findings "$1" | grep -cE '^[^ :]+:[0-9]+(:[0-9-]+)?: ' || true)
	echo $((all - mine))
}

# touch_ours: make kbuild recompile our files, so their warnings show again.
touch_ours() {
	local f
	for f in "${csrc[@]}"; do
		touch "$work/$f"
	done
}

if [ "${#csrc[@]}" -eq 0 ]; then
	msg "the series touches no C file: nothing to analyse but its documents"
fi

# sparse: C=2 checks every file of the directories whether or not it is
# rebuilt; W=1 as in the builds of check-patches.sh, so that nothing is
# rebuilt for a changed command line.  sparse prints no [-Wflag] after its
# messages, gcc (which recompiles our touched files) does: only sparse's
# lines count.
run_sparse() {
	t0=$SECONDS n=0 other=0 detail='' allmine=''
	if [ "${#dirs[@]}" -gt 0 ]; then
		"$top/scripts/get-sparse.sh" "$checkdir/tools"
		for cfg in y m; do
			log=$logdir/check-static-${tag}sparse-$cfg.log
			obj=$checkdir/build/$tag$cfg
			rc=0
			if [ ! -f "$obj/.config" ]; then
				echo "no $obj/.config: check-patches.sh builds it first" > "$log"
				rc=1
			else
				timeout -k 30 "$limit_tool" make -C "$work" O="$obj" ARCH="$karch" \
					-j"$jobs" W=1 C=2 CHECK="$checkdir/tools/sparse" \
					"${dirs[@]/%//}" > "$log" 2>&1 || rc=$?
			fi
			mine=$(findings "$log" | grep -v '\]$' || true)
			[ -z "$mine" ] || echo "$mine"
			allmine+=$mine$'\n'
			other=$((other + $(grep -E '^[^ :]+:[0-9]+:[0-9]+: (warning|error): ' "$log" |
				grep -cv '\]$' || true) - $(grep -c . <<< "$mine" || true)))
			# The kernel skips the check silently, with only a make
			# warning, if it does not accept the checker.  Kbuild
			# names the file relative to the tree or, as 7.2 does
			# with this layout, by its absolute path.
			for f in "${csrc[@]}"; do
				case "$f" in *.c) ;; *) continue ;; esac
				if ! grep -qxF -e "  CHECK   $f" -e "  CHECK   $work/$f" "$log"; then
					echo "sparse did not check $f with =$cfg (see $log)"
					n=$((n + 1))
				fi
			done
			if [ "$rc" -ne 0 ]; then
				tail -n 20 "$log"
				n=$((n + 1))
			fi
		done
		# What both configurations report counts once.
		n=$((n + $(sort -u <<< "$allmine" | grep -c . || true)))
		detail="C=2 on ${dirs[*]}, =y and =m; $other elsewhere, not counted"
		report sparse "$n" "$detail" "$t0"
	else
		report sparse 0 "no C files" "$t0"
	fi
}

# clang: the driver's directories with LLVM=-19 and W=1, in build
# directories of their own (configured like check-patches.sh's).
run_clang() {
	t0=$SECONDS n=0 other=0 allmine=''
	if [ "${#dirs[@]}" -gt 0 ]; then
		touch_ours
		for cfg in y m; do
			log=$logdir/check-static-${tag}clang-$cfg.log
			mapfile -t frags < <(kernel_fragments "$top" "$arch" \
				"$work/tools/testing/selftests" "${TARGETS:-dmabuf-exporter}")
			[ "$cfg" = y ] || frags+=("$checkdir/${tag}driver-m.config")
			# Configuring with clang takes a minute on 2 CPUs: only when
			# the fragments or the tree changed since the last run.
			obj=$checkdir/${tag}clang-$cfg
			id=$({ cat "${frags[@]}"; git -C "$work" rev-parse 'HEAD^{tree}'; echo "$arch $llvm"; } | sha256sum)
			rc=0
			{
				if [ -f "$obj/.config" ] && [ "$(cat "$obj/.static-config-id" 2> /dev/null)" = "$id" ]; then
					echo "$obj/.config is up to date"
				else
					rm -f "$obj/.static-config-id"
					LLVM=$llvm "$top/scripts/make-config.sh" "$work" "$obj" "$arch" "${frags[@]}" &&
					echo "$id" > "$obj/.static-config-id"
				fi &&
				timeout -k 30 "$limit_build" make -C "$work" O="$obj" ARCH="$karch" \
					LLVM=$llvm -j"$jobs" W=1 "${dirs[@]/%//}"
			} > "$log" 2>&1 || rc=$?
			mine=$(findings "$log")
			[ -z "$mine" ] || echo "$mine"
			allmine+=$mine$'\n'
			other=$((other + $(elsewhere "$log")))
			if [ "$rc" -ne 0 ]; then
				tail -n 20 "$log"
				n=$((n + 1))
			fi
		done
		n=$((n + $(sort -u <<< "$allmine" | grep -c . || true)))
		report clang "$n" "LLVM=$llvm W=1 ${dirs[*]}, =y and =m; $other elsewhere, not counted" "$t0"
	else
		report clang 0 "no C files" "$t0"
	fi
}

# kernel-doc: every warning about our sources and headers counts.
run_kernel_doc() {
	t0=$SECONDS
	log=$logdir/check-static-${tag}kernel-doc.log
	rc=0
	if [ "${#csrc[@]}" -gt 0 ]; then
		(cd "$work" && ./scripts/kernel-doc -none -Wall "${csrc[@]}") > "$log" 2>&1 || rc=$?
	else
		: > "$log"
	fi
	# kernel-doc prints some warnings twice: count each once.
	n=$(grep -iE 'warning|error' "$log" | sort -u | grep -c . || true)
	[ "$n" -eq 0 ] || cat "$log"
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		cat "$log"
		n=1
	fi
	report kernel-doc "$n" "-none -Wall on ${#csrc[@]} files" "$t0"
}

# The UAPI header test: usr/include/'s Makefile compiles every installed
# header on its own (C90, twice for the include guard, and as C++) and runs
# headers_check.pl.  It is a subdirectory of usr/ only with
# CONFIG_UAPI_HEADER_TEST, which our configurations do not set: it is
# given on the command line for this one target.  The other headers'
# results are kept from run to run; ours are tested again every time.
run_uapi_header_test() {
	t0=$SECONDS n=0
	log=$logdir/check-static-${tag}uapi-header-test.log
	obj=$checkdir/build/${tag}y
	if [ "${#uapi[@]}" -gt 0 ]; then
		for h in "${uapi[@]}"; do
			rm -f "$obj/usr/include/${h%.h}.hdrtest" "$obj/usr/include/.${h%.h}.hdrtest.cmd"
		done
		rc=0
		# W=1 as the builds have it: the target goes through prepare,
		# which would otherwise remake its objects for a changed
		# command line, and build.sh's copy of this build (SEED) with
		# them.
		{
			make -C "$work" O="$obj" ARCH="$karch" -j"$jobs" W=1 headers &&
			timeout -k 30 "$limit_tool" make -C "$work" O="$obj" ARCH="$karch" \
				-j"$jobs" -k W=1 CONFIG_UAPI_HEADER_TEST=y usr/include/
		} > "$log" 2>&1 || rc=$?
		for h in "${uapi[@]}"; do
			m=$(grep -F "usr/include/$h" "$log" | grep -E 'warning|error' || true)
			if [ -n "$m" ]; then
				echo "$m"
				n=$((n + $(grep -c . <<< "$m")))
			elif [ ! -f "$obj/usr/include/${h%.h}.hdrtest" ]; then
				echo "usr/include/$h: header test did not pass (see $log)"
				n=$((n + 1))
			fi
		done
		failed=$(grep '^make.*\.hdrtest\] Error' "$log" |
			grep -cvF "$(printf 'usr/include/%s\n' "${uapi[@]}" | sed 's/\.h$/.hdrtest]/')" || true)
		report uapi-header-test "$n" "${uapi[*]}; $failed other headers failed, not counted" "$t0"
	else
		report uapi-header-test 0 "no UAPI headers" "$t0"
	fi
}

# coccicheck: every SmPL script of scripts/coccinelle in report mode, on
# the driver's directories (about 2 minutes for drivers/dma-buf on 2 CPUs).
run_coccicheck() {
	t0=$SECONDS n=0 other=0
	log=$logdir/check-static-${tag}coccicheck.log
	: > "$log"
	for d in "${dirs[@]}"; do
		rc=0
		# Findings are printed relative to the directory: "./file.c:L:C-C: ...".
		timeout -k 30 "$limit_tool" make -C "$work" O="$checkdir/build/${tag}y" ARCH="$karch" \
			coccicheck MODE=report M="$d" J="$jobs" 2>&1 |
			sed "s|^\./|$d/|" >> "$log" || rc=$?
		if [ "$rc" -ne 0 ] || grep -q '^coccicheck failed' "$log"; then
			tail -n 20 "$log"
			n=$((n + 1))
		fi
	done
	# Coccinelle's own messages carry no "warning:" tag: take every located line.
	mine=$(OURS=$(printf '%s\n' "${csrc[@]}") awk '
		BEGIN { n = split(ENVIRON["OURS"], o, "\n"); for (i = 1; i <= n; i++) if (o[i] != "") mine[o[i]] = 1 }
		/^[^ :]+:[0-9]+:[0-9-]+: / { f = $0; sub(/:.*/, "", f); if (f in mine) print }' "$log")
	all=$(grep -cE '^[^ :]+:[0-9]+:[0-9-]+: ' "$log" || true)
	[ -z "$mine" ] || echo "$mine"
	n=$((n + $(grep -c . <<< "$mine" || true)))
	other=$((all - $(grep -c . <<< "$mine" || true)))
	if [ "${#dirs[@]}" -gt 0 ]; then
		report coccicheck "$n" "MODE=report M=${dirs[*]}; $other elsewhere, not counted" "$t0"
	else
		report coccicheck 0 "no C files" "$t0"
	fi
}

# htmldocs: Sphinx on the directories of our documents, each limited to its
# index.rst and our documents in it.  Their toctrees then point at missing
# pages, and a document the series only changes (ioctl-number.rst) may sit
# in no toctree of the partial build and refer to documents left out of
# it: those warnings come from the partial build, not from us.
run_htmldocs() {
	t0=$SECONDS n=0
	log=$logdir/check-static-${tag}htmldocs.log
	if [ "${#docs[@]}" -gt 0 ]; then
		sphinxdirs=() patterns=(index.rst)
		for f in "${docs[@]}"; do
			rest=${f#Documentation/}
			sphinxdirs+=("${rest%%/*}")
			patterns+=("${rest#*/}")
		done
		mapfile -t sphinxdirs < <(printf '%s\n' "${sphinxdirs[@]}" | sort -u)
		# -E: read every document again (there are few), or Sphinx would
		# skip unchanged ones and their warnings with them.
		stamp=$checkdir/docs.stamp
		mkdir -p "$checkdir/docs"
		touch "$stamp"
		rc=0
		timeout -k 30 "$limit_tool" make -C "$work" O="$checkdir/docs" \
			SPHINXDIRS="${sphinxdirs[*]}" \
			SPHINXOPTS="-E -j$jobs -D include_patterns=$(IFS=,; echo "${patterns[*]}")" \
			htmldocs > "$log" 2>&1 || rc=$?
		mine=$(findings "$log")
		partial=0
		for f in "${olddocs[@]}"; do
			re="^$f(:[0-9]+)?: WARNING: (document isn't included in any toctree|unknown document)"
			partial=$((partial + $(grep -cE "$re" <<< "$mine" || true)))
			mine=$(grep -vE "$re" <<< "$mine" || true)
		done
		[ -z "$mine" ] || echo "$mine"
		n=$(grep -c . <<< "$mine" || true)
		for f in "${docs[@]}"; do
			rest=${f#Documentation/}
			html=$checkdir/docs/Documentation/output/${rest%.rst}.html
			if [ ! -f "$html" ] || [ "$html" -ot "$stamp" ]; then
				echo "$f: no HTML page written (see $log)"
				n=$((n + 1))
			fi
		done
		if [ "$rc" -ne 0 ]; then
			tail -n 20 "$log"
			n=$((n + 1))
		fi
		report htmldocs "$n" "SPHINXDIRS=\"${sphinxdirs[*]}\", ${#docs[@]} pages; $partial cross-document warnings of the partial build, not counted" "$t0"
	else
		report htmldocs 0 "no documents" "$t0"
	fi
}

# kselftest-merge: the way KernelCI, LKFT and a developer configure a test
# kernel: "make defconfig" then "make kselftest-merge", which merges the
# config fragment of every kselftest in the tree (ours among some 150,
# merge_config.sh -y -m, in an order of find's).  A value our fragment asks
# for that another fragment overrides, or that Kconfig drops (a missing
# dependency), would leave our tests skipping or failing on their kernels:
# each such value is a finding.  Only the configuration is made.
run_kselftest_merge() {
	local obj cfgs c line sym want have checked=0
	t0=$SECONDS n=0
	log=$logdir/check-static-${tag}kselftest-merge.log
	obj=$checkdir/build/${tag}kselftest-merge
	mapfile -t cfgs < <(printf '%s\n' "${touched[@]}" | grep -E '^tools/testing/selftests/.+/config$' || true)
	if [ "${#cfgs[@]}" -eq 0 ]; then
		report kselftest-merge 0 "the series adds no kselftest config" "$t0"
		return
	fi
	rm -rf "$obj"
	rc=0
	{
		make -C "$work" O="$obj" ARCH="$karch" defconfig &&
		make -C "$work" O="$obj" ARCH="$karch" kselftest-merge
	} > "$log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || [ ! -f "$obj/.config" ]; then
		tail -n 20 "$log"
		report kselftest-merge 1 "make defconfig kselftest-merge failed (see $log)" "$t0"
		return
	fi
	for c in "${cfgs[@]}"; do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=*) sym=${line%%=*} want=$line ;;
			"# CONFIG_"*" is not set") sym=${line#\# } sym=${sym%% *} want=$line ;;
			*) continue ;;
			esac
			checked=$((checked + 1))
			have=$(grep -E "^($sym=|# $sym is not set)" "$obj/.config" || true)
			if [ "$have" != "$want" ] &&
			   ! { [ "$want" = "# $sym is not set" ] && [ -z "$have" ]; }; then
				echo "$c: $want asked for; after kselftest-merge: ${have:-(absent)}" | tee -a "$log"
				n=$((n + 1))
			fi
		done < "$work/$c"
	done
	report kselftest-merge "$n" "ARCH=$karch defconfig + kselftest-merge; $checked values of ${cfgs[*]} checked in $(grep -c '^CONFIG_.*=' "$obj/.config") set" "$t0"
	rm -rf "$obj"
}

# STATIC_TOOLS (environment): a subset, to run by hand.
known_tools="sparse clang kernel-doc uapi-header-test coccicheck htmldocs kselftest-merge"
for tool in ${STATIC_TOOLS:-$known_tools}; do
	case " $known_tools " in
	*" $tool "*) "run_${tool//-/_}" ;;
	*) die "unknown tool $tool in STATIC_TOOLS (known: $known_tools)" ;;
	esac
done

line="static analysis: $total findings in total [$((SECONDS - start)) s]"
lines+=("$line")
printf '%s\n' "${lines[@]}" > "$summary"
echo
echo "==== static analysis ===="
printf '%s\n' "${lines[@]}"
[ "$total" -eq 0 ]
