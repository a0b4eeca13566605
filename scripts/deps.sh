#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install what building and testing chunk_heap needs on Debian 12, for
# every configuration of the test matrix: arm64 is cross-built, and its
# test programs link json-c for arm64 (multiarch).
set -euo pipefail

pkgs=(build-essential flex bison bc libelf-dev libssl-dev ccache
      qemu-system-x86 busybox-static cpio kmod xz-utils rsync python3
      linux-source-6.12 libjson-c-dev libdrm-dev jq perl python3-jsonschema
      dkms lintian bash-completion file mmdebstrap qemu-utils e2fsprogs
      linux-source-6.1 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      qemu-system-arm libjson-c-dev:arm64 device-tree-compiler)

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

dpkg --print-foreign-architectures | grep -qx arm64 ||
	$sudo dpkg --add-architecture arm64
echo "==> installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
	"${missing[@]}" >/dev/null
