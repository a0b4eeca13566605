#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch.sh PACKAGE...: download Debian packages of trixie and
# trixie-backports (the newer kernels: linux-source-7.3, ...) into
# $CHUNK_HEAP_CACHE/debian/debs and unpack each into
# $CHUNK_HEAP_CACHE/debian/root/<package>, without touching the machine's
# apt sources: apt-get runs on lists of its own, in the cache.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dir=$CACHE/debian
mkdir -p "$dir/lists/partial" "$dir/cache" "$dir/debs" "$dir/root"
# make check fetches beside the kernel builds; a kernel that needs the
# source meanwhile waits here, then finds it unpacked.
exec 9>"$dir/.lock"
flock 9
cat >"$dir/sources.list" <<EOS
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOS
apt=(-q -o Dir::Etc::sourcelist="$dir/sources.list"
     -o Dir::Etc::sourceparts=/nonexistent -o Dir::State::Lists="$dir/lists"
     -o Dir::Cache="$dir/cache" -o APT::Sandbox::User=root)

updated=
for pkg in "$@"; do
	[ -f "$dir/root/$pkg/.unpacked" ] && continue
	if [ -z "$updated" ]; then
		say "apt-get update (trixie, trixie-backports) in $dir"
		apt-get "${apt[@]}" update >/dev/null
		updated=1
	fi
	say "downloading $pkg"
	(cd "$dir/debs" && apt-get "${apt[@]}" download "$pkg" >/dev/null)
	rm -rf "$dir/root/$pkg"
	dpkg-deb -x "$(ls -t "$dir/debs/${pkg}"_*.deb | head -1)" "$dir/root/$pkg"
	touch "$dir/root/$pkg/.unpacked"
done
