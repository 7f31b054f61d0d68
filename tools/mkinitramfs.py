#!/usr/bin/python3
"""Build the Linux test guest's initramfs: a newc cpio, gzip-compressed.

    tools/mkinitramfs.py --busybox build/linux/busybox --init tests/linux/init \\
                         -o build/linux/initramfs.cpio.gz [--add SRC:DEST ...]

Written directly (Documentation/driver-api/early-userspace/buffer-format.rst),
so no `cpio` is needed, and reproducibly: every entry owned by root with
mtime 0, in a fixed order, gzip without a time stamp. It holds

  /bin/busybox       Debian's busybox-static; /bin/sh links to it and /init
                     makes the other applets' links (busybox --install -s)
  /init              the test init (tests/linux/init)
  /dev/console       character device 5:1, for init's first stdin/stdout,
                     before devtmpfs is mounted; /dev/null 1:3
  /proc /sys /tmp /root /etc /sbin /usr/bin /usr/sbin   empty directories

and any further file given with --add SRC:DEST (mode kept).
"""
import argparse
import gzip
import os
import stat
import sys

DIRS = ["bin", "dev", "etc", "proc", "root", "sbin", "sys", "tmp", "usr", "usr/bin", "usr/sbin"]
# (path, major, minor, mode)
DEVICES = [("dev/console", 5, 1, 0o600), ("dev/null", 1, 3, 0o666)]
SYMLINKS = [("bin/sh", "busybox")]


class Newc:
    """A newc ("070701") cpio archive written into a byte array."""

    def __init__(self):
        self.data = bytearray()
        self.ino = 1

    def _pad(self):
        self.data += b"\0" * (-len(self.data) % 4)

    def entry(self, name, mode, body=b"", rdev=(0, 0), nlink=1):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(body), 0, 0, rdev[0], rdev[1],
                  len(name_b), 0]
        self.ino += 1
        self.data += b"070701" + b"".join(b"%08X" % f for f in fields)
        self.data += name_b
        self._pad()
        self.data += body
        self._pad()

    def directory(self, name, perm=0o755):
        self.entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, body, perm):
        self.entry(name, stat.S_IFREG | perm, body)

    def symlink(self, name, target):
        self.entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm):
        self.entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def trailer(self):
        self.ino = 0
        self.entry("TRAILER!!!", 0)
        return bytes(self.data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--busybox", required=True, help="a static arm64 busybox")
    ap.add_argument("--init", required=True, help="the /init script")
    ap.add_argument("--add", action="append", default=[], metavar="SRC:DEST",
                    help="one more file, at DEST in the archive (mode kept)")
    ap.add_argument("--no-gzip", action="store_true", help="write the cpio uncompressed")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    busybox = read(args.busybox)
    if busybox[:4] != b"\x7fELF" or busybox[18:20] != b"\xb7\x00":   # EM_AARCH64
        sys.exit(f"mkinitramfs: {args.busybox} is not an arm64 ELF")

    cpio = Newc()
    for d in DIRS:
        cpio.directory(d)
    for name, major, minor, perm in DEVICES:
        cpio.chardev(name, major, minor, perm)
    cpio.file("bin/busybox", busybox, 0o755)
    for name, target in SYMLINKS:
        cpio.symlink(name, target)
    cpio.file("init", read(args.init), 0o755)
    for spec in args.add:
        src, _, dest = spec.partition(":")
        if not dest:
            sys.exit(f"mkinitramfs: --add {spec}: want SRC:DEST")
        cpio.file(dest.lstrip("/"), read(src), stat.S_IMODE(os.stat(src).st_mode))
    entries = cpio.ino - 1
    data = cpio.trailer()

    tmp = args.output + ".tmp"
    if args.no_gzip:
        with open(tmp, "wb") as f:
            f.write(data)
    else:
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                    filename="") as f:
            f.write(data)
    os.replace(tmp, args.output)
    print(f"mkinitramfs: {args.output}: {entries} entries, "
          f"{len(data)} bytes of cpio, {os.path.getsize(args.output)} bytes written")


if __name__ == "__main__":
    main()
