#!/bin/sh
# The layers, one way (README "Design: layers"):
#   lib/  <-  sysreg/, vmstate/ (the portable core)  <-  plat/  <-  el2/  <-  boot/
# A file may include only from its own layer and those to its left
# (plat/ sees lib/ and vmstate/: the guest output filter; el2/ everything but boot/). And hardware access
# (inline assembly, MMIO through an integer address) lives only in
# *_hw.c / *_hw.h files and *.S.
set -e
cd "$(dirname "$0")/.."
bad=0

allowed() {	# allowed DIR -> the include prefixes DIR may use
	case "$1" in
	lib) echo "lib" ;;
	sysreg|vmstate) echo "lib sysreg vmstate" ;;
	plat) echo "lib vmstate plat" ;;
	el2) echo "lib sysreg vmstate plat el2" ;;
	boot) echo "lib sysreg vmstate plat el2 boot" ;;
	tools) echo "lib sysreg vmstate tools" ;;
	esac
}

for dir in lib sysreg vmstate plat el2 boot tools; do
	ok=$(allowed $dir)
	for f in $(find "$dir" -maxdepth 1 \( -name '*.[chS]' -o -name '*.def' \) | sort); do
		for inc in $(sed -n 's/^#include "\([a-z0-9_]*\)\/.*/\1/p' "$f" | sort -u); do
			case " $ok " in
			*" $inc "*) ;;
			*) echo "layering: $f includes from $inc/ ($dir/ may use: $ok)"; bad=1 ;;
			esac
		done
	done
done

hw=$(find lib sysreg vmstate plat el2 boot -maxdepth 1 -name '*.[ch]' | sort |
	grep -v '_hw\.[ch]$' |
	xargs grep -lE '__asm__|\basm *\(|\(volatile [a-z0-9_]+ \*\) *\(uintptr_t\)' || true)
if [ -n "$hw" ]; then
	echo "hardware access outside the *_hw files:" $hw
	bad=1
fi
exit $bad
