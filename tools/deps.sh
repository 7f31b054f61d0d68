#!/bin/sh
# Install what regvisor needs from Debian's packages, only what is absent.
# Runs apt-get update at most once; uses sudo when not root.
# `make linux` needs nothing more: apt-get download and dpkg-deb (Debian's
# own tools) fetch the arm64 kernel and busybox once arm64 is added here.
set -eu

PKGS="gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu picolibc-aarch64-linux-gnu
libfdt-dev:arm64 qemu-system-arm u-boot-qemu libcmocka-dev python3-pytest
pkg-config make gcc libc6-dev clang libclang-rt-14-dev valgrind device-tree-compiler"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
case "$missing" in
*:arm64*)
	dpkg --print-foreign-architectures | grep -qx arm64 || $SUDO dpkg --add-architecture arm64 ;;
esac
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
