#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# send-prep.sh SRCTREE SENDDIR PATCHDIR COVER
#
# Get the series ready to mail with b4, without sending anything:
#   - the sender is the caller's own git identity (git config user.name
#     and user.email, as b4 takes them, or GIT_AUTHOR_NAME and
#     GIT_AUTHOR_EMAIL); the patches in the repository carry a placeholder
#     author, whose name and Signed-off-by the sender's replace in every
#     patch (From: and Signed-off-by:, as b4 writes a mail of one's own
#     patch), and in the series' MAINTAINERS entry (M:).  Refused: no identity, or an address of a reserved domain
#     that cannot receive mail (*.example, *.invalid, *.test,
#     *.localhost, RFC 2606), such as the placeholder's own;
#   - SENDDIR/linux: a clone of the base tree SRCTREE (tag base) of its
#     own, with the sender's identity;
#   - "b4 prep -n NAME -f base" makes the prep branch b4/NAME (NAME: $NAME,
#     default dma-buf-exporter; an old one is replaced), the patches of the
#     series ($SERIES, else PATCHDIR/series) are applied on it with git am,
#     and the cover letter becomes the text of COVER (first line: the
#     subject, without "[PATCH 0/N]"; b4 adds that, and the base-commit);
#   - "b4 prep --auto-to-cc" fills To: and Cc: from scripts/get_maintainer.pl
#     and the tree's MAINTAINERS (with the series' own entry);
#   - "b4 send -o SENDDIR/mails --no-sign" writes the cover letter and the
#     patch mails there, to be read;
#   - checkpatch.pl --strict on each patch mail (0 errors, warnings and
#     checks), and scripts/get_maintainer.pl on the series into
#     SENDDIR/get_maintainer.txt, which must name the maintainers (M:) and
#     lists (L:) of DMA BUFFER SHARING FRAMEWORK and of the MAINTAINERS
#     entries the series adds.
# Exits non-zero if any of that fails.  Sending is one command away, in
# SENDDIR/linux on the prep branch: b4 send (see README.md).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: send-prep.sh SRCTREE SENDDIR PATCHDIR COVER"
src=$(cd "$1" && pwd) pdir=$(cd "$3" && pwd) cover=$(readlink -f "$4")
mkdir -p "$2"
send=$(cd "$2" && pwd)
name=${NAME:-dma-buf-exporter}
tree=$send/linux mails=$send/mails
[ -f "$cover" ] || die "no cover letter $cover"
mapfile -t patches < <(series_patches "$pdir")
[ "${#patches[@]}" -gt 0 ] || die "$(series_file "$pdir") lists no patches"
# checkpatch's SPDX check and b4 want Debian's python3 and its modules.
export PATH=/usr/bin:$PATH
# b4's cache (~/.cache/b4 by default) goes under SENDDIR with the rest.
export XDG_CACHE_HOME=$send/cache

# The tree: the base and nothing else; b4 keeps its state in the branch.
if [ ! -d "$tree/.git" ]; then
	msg "cloning $src to $tree"
	git clone -q "$src" "$tree"
fi
git -C "$tree" fetch -q --tags "$src"
author=$(git mailinfo /dev/null /dev/null < "${patches[0]}")
old_user=$(sed -n 's/^Author: //p' <<< "$author")
old_email=$(sed -n 's/^Email: //p' <<< "$author")
{ [ -n "$old_user" ] && [ -n "$old_email" ]; } || die "no author in ${patches[0]}"
# The sender, as git itself resolves the identity (GIT_AUTHOR_* first).
ident=$(git var GIT_AUTHOR_IDENT 2> /dev/null) ||
	die "no git identity: git config --global user.name 'Your Name'; git config --global user.email you@example.org"
user=${ident% <*}
email=${ident#*<}
email=${email%%>*}
case "${email##*@}" in
*.example|example|*.invalid|invalid|*.test|test|*.localhost|localhost|'')
	die "the git identity <$email> cannot receive mail (RFC 2606 domain): set user.name and user.email to your own";;
esac
msg "sender: $user <$email> (replaces $old_user <$old_email>)"
git -C "$tree" config user.name "$user"
git -C "$tree" config user.email "$email"
# b4 --edit-cover runs core.editor on a file holding the cover letter.
git -C "$tree" config core.editor "cp '$cover'"
git -C "$tree" am --abort > /dev/null 2>&1 || true
git -C "$tree" reset -q --hard
git -C "$tree" clean -q -fdx
# b4 forks from a branch that holds the fork point.
git -C "$tree" checkout -q -B mainline base
git -C "$tree" branch -q -D "b4/$name" > /dev/null 2>&1 || true

cd "$tree"
msg "b4 prep -n $name -f base"
b4 prep -n "$name" -f base
git am -q "${patches[@]}"
# The sender's authorship and sign-off instead of the placeholder's.
export old_email user email
export old_ident="$old_user <$old_email>" new_ident="$user <$email>"
export old_sob="Signed-off-by: $old_ident" new_sob="Signed-off-by: $new_ident"
# The series' MAINTAINERS entry names the placeholder as its maintainer
# too: the sender, who sends it, maintains it.
FILTER_BRANCH_SQUELCH_WARNING=1 git filter-branch -f \
	--index-filter 'if git cat-file -e "$GIT_COMMIT:MAINTAINERS" 2> /dev/null; then
			sha=$(git cat-file blob "$GIT_COMMIT:MAINTAINERS" |
			      perl -pe '\''s/\Q$ENV{old_ident}\E/$ENV{new_ident}/g'\'' |
			      git hash-object -w --stdin)
			git update-index --cacheinfo "100644,$sha,MAINTAINERS"
		fi' \
	--env-filter 'if [ "$GIT_AUTHOR_EMAIL" = "$old_email" ]; then
			export GIT_AUTHOR_NAME=$user GIT_AUTHOR_EMAIL=$email
		fi
		export GIT_COMMITTER_NAME=$user GIT_COMMITTER_EMAIL=$email' \
	--msg-filter 'perl -pe '\''s/^\Q$ENV{old_sob}\E$/$ENV{new_sob}/'\' \
	base..HEAD > /dev/null
git update-ref -d "refs/original/refs/heads/b4/$name" 2> /dev/null || true
if git log --format='%an <%ae>%n%B' base..HEAD | grep -qF "$old_email"; then
	die "the placeholder <$old_email> is still in the series"
fi
b4 prep --edit-cover
b4 prep --auto-to-cc

rm -rf "$mails"
# Without an SMTP server in the git configuration, b4 picks the kernel.org
# web endpoint in a kernel tree, and that needs signed mails.  For this
# one command only (GIT_CONFIG_* reach every "git config" b4 runs), name an
# SMTP "server" that cannot send: -o only writes the mails anyway.
GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=sendemail.smtpserver GIT_CONFIG_VALUE_0=/bin/false \
	b4 send -o "$mails" --no-sign
mapfile -t written < <(find "$mails" -type f | sort)
[ "${#written[@]}" -eq $((${#patches[@]} + 1)) ] ||
	die "b4 wrote ${#written[@]} mails to $mails, not $((${#patches[@]} + 1))"

status=0
echo
echo "==== the mails in $mails ===="
for m in "${written[@]}"; do
	subject=$(git mailinfo /dev/null /dev/null < "$m" | sed -n 's/^Subject: //p')
	echo "$(basename "$m"): $subject"
done
echo
# The To: and Cc: b4 chose, unfolded (every mail has the same).
# shellcheck disable=SC2016 # awk's $0, not the shell's
awk '/^$/ { exit } /^[ \t]/ { h = h $0; next } { if (h ~ /^(To|Cc): /) print h; h = $0 }
     END { if (h ~ /^(To|Cc): /) print h }' "${written[0]}" | sed 's/  */ /g'
# The cover letter has no diff: checkpatch is for the patch mails.
for m in "${written[@]:1}"; do
	if out=$(checkpatch_strict . "$m"); then
		echo "$(basename "$m"): checkpatch --strict clean"
	else
		echo "$out"
		echo "$(basename "$m"): checkpatch --strict: $(grep '^total:' <<< "$out" | tail -n 1)"
		status=1
	fi
done
if grep -qF "$old_email" "${written[@]}"; then
	echo "the placeholder <$old_email> is in a mail"
	status=1
fi
if grep -q 'PLACEHOLDER' "${written[0]}"; then
	echo "warning: the cover letter still has placeholders to fill ($cover):"
	grep -n 'PLACEHOLDER' "$cover" | sed 's/^/    /'
fi

# get_maintainer.pl on the patches, and who it must name.
gm=$send/get_maintainer.txt
./scripts/get_maintainer.pl "${written[@]:1}" > "$gm"
echo
echo "==== scripts/get_maintainer.pl on the series ($gm) ===="
cat "$gm"
# shellcheck disable=SC2016 # awk's $0, not the shell's
mapfile -t sections < <(git diff base HEAD -- MAINTAINERS |
	awk '/^\+[A-Z0-9][^:]*$/ && !/^\+\+\+/ { sub(/^\+/, ""); print }')
sections=("DMA BUFFER SHARING FRAMEWORK" "${sections[@]}")
for s in "${sections[@]}"; do
	mapfile -t want < <(awk -v s="$s" '
		$0 == s { f = 1; next }
		f && /^$/ { exit }
		f && /^[ML]:/ { sub(/^[ML]:[ \t]*/, ""); sub(/ \(.*\)$/, ""); if (match($0, /<[^>]*>/)) $0 = substr($0, RSTART + 1, RLENGTH - 2); print }' MAINTAINERS)
	[ "${#want[@]}" -gt 0 ] || { echo "MAINTAINERS has no entry \"$s\" with M: or L:"; status=1; }
	for w in "${want[@]}"; do
		if ! grep -qF "$w" "$gm"; then
			echo "get_maintainer.pl does not name $w ($s)"
			status=1
		fi
	done
	echo "get_maintainer.pl names the ${#want[@]} maintainers and lists of \"$s\""
done
echo
echo "prep branch: b4/$name in $tree (base: $(git rev-parse --short base))"
echo "to send for real, after reading $mails: cd $tree && b4 send"
exit "$status"
