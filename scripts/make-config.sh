#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make-config.sh [-a] SRCDIR OBJDIR ARCH FRAGMENT...
#
# Configure the kernel build directory OBJDIR for the source tree SRCDIR:
# "make tinyconfig", then scripts/kconfig/merge_config.sh -m with the
# FRAGMENTs in order (a later one overrides an earlier one), then "make
# olddefconfig".  Then check that every value the fragments ask for is in
# the final .config: a value that Kconfig dropped (unmet dependency, typo,
# wrong type) is an error.  A symbol that no Kconfig file of SRCDIR defines
# is an error too, unless -a is given, in which case it is only reported
# (the driver's symbol before the series is applied).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

allow_missing=false
if [ "${1:-}" = -a ]; then
	allow_missing=true
	shift
fi
[ $# -ge 4 ] || die "usage: make-config.sh [-a] SRCDIR OBJDIR ARCH FRAGMENT..."
src=$1 obj=$2 arch=$3
karch=$(kernel_arch "$arch")
shift 3
frags=()
for f in "$@"; do
	[ -r "$f" ] || die "no config fragment $f"
	frags+=("$(readlink -f "$f")")
done

mkdir -p "$obj"
obj=$(cd "$obj" && pwd)
make -C "$src" O="$obj" ARCH="$karch" -s tinyconfig
"$src/scripts/kconfig/merge_config.sh" -Q -m -O "$obj" "$obj/.config" "${frags[@]}"
make -C "$src" O="$obj" ARCH="$karch" -s olddefconfig

# What the fragments ask for, the last word winning: "SYM value", where
# value is the right-hand side or "n" for "# CONFIG_X is not set".
wanted=$(awk '
	/^CONFIG_[A-Za-z0-9_]+=/ {
		i = index($0, "="); sym = substr($0, 1, i - 1)
		if (!(sym in val)) order[++n] = sym
		val[sym] = substr($0, i + 1); next
	}
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ {
		sym = $2
		if (!(sym in val)) order[++n] = sym
		val[sym] = "n"
	}
	END { for (i = 1; i <= n; i++) print order[i], val[order[i]] }' "${frags[@]}")

# Every symbol any Kconfig file of the tree defines.
# shellcheck disable=SC2016 # awk's $1, not the shell's
known=$(cd "$src" && find . -name 'Kconfig*' -type f -print0 |
	xargs -0 awk '$1 == "config" || $1 == "menuconfig" { print "CONFIG_" $2 }' | sort -u)

errors=0 missing=0
while read -r sym value; do
	[ -n "$sym" ] || continue
	if ! grep -qx "$sym" <<< "$known"; then
		if $allow_missing; then
			msg "note: $sym=$value requested, but the tree has no such symbol (yet)"
		else
			msg "ERROR: $sym=$value requested, but no Kconfig file defines it"
			errors=$((errors + 1))
		fi
		missing=$((missing + 1))
		continue
	fi
	got=$(grep -E "^$sym=" "$obj/.config" | cut -d= -f2- || true)
	[ -n "$got" ] || got=n
	if [ "$got" != "$value" ]; then
		msg "ERROR: $sym=$value requested, but .config has $sym=$got"
		errors=$((errors + 1))
	fi
done <<< "$wanted"

total=$(grep -c . <<< "$wanted" || true)
if [ "$errors" -ne 0 ]; then
	msg "$errors of $total requested config values did not make it into $obj/.config"
	msg "(see the merge_config.sh warnings above; check the symbols' dependencies)"
	exit 1
fi
note=
[ "$missing" -eq 0 ] || note=" ($missing more unknown to the tree)"
msg "all $((total - missing)) requested config values are in $obj/.config$note"
