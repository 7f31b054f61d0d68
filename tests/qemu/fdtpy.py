"""The guest DTB as the firmware prints it (regvisor.dumpdtb=1): unframed,
checked and read by a small parser of the flattened device tree format
(devicetree specification, chapter 5), independent of libfdt."""
import base64
import re
import struct

from blobpy import crc32c


class Fdt:
    """A small reading of the flattened device tree format (devicetree spec 5)."""

    def __init__(self, blob):
        magic, total, off_struct, off_strings, _, version = struct.unpack(">6I", blob[:24])
        assert magic == 0xD00DFEED and total == len(blob) and version == 17
        self.blob, self.strings = blob, off_strings
        self.rsv = []
        off = struct.unpack(">I", blob[16:20])[0]
        while True:
            a, s = struct.unpack(">QQ", blob[off:off + 16])
            off += 16
            if not a and not s:
                break
            self.rsv.append((a, s))
        self.nodes = {}                 # path -> {prop: bytes}
        self._parse(off_struct)

    def _parse(self, off):
        b, stack = self.blob, []
        while True:
            tok = struct.unpack(">I", b[off:off + 4])[0]
            off += 4
            if tok == 1:                            # BEGIN_NODE
                end = b.index(b"\0", off)
                name = b[off:end].decode()
                off = (end + 4) & ~3
                stack.append(name)
                self.nodes["/" + "/".join(stack[1:])] = {}
            elif tok == 3:                          # PROP
                ln, nameoff = struct.unpack(">II", b[off:off + 8])
                off += 8
                s = self.strings + nameoff
                pname = b[s:b.index(b"\0", s)].decode()
                self.nodes["/" + "/".join(stack[1:])][pname] = b[off:off + ln]
                off = (off + ln + 3) & ~3
            elif tok == 2:                          # END_NODE
                stack.pop()
            elif tok == 4:                          # NOP
                pass
            elif tok == 9:                          # END
                return
            else:
                raise AssertionError(f"bad token {tok:#x}")

    def str(self, path, prop):
        return self.nodes[path][prop].rstrip(b"\0").decode()

    def strs(self, path, prop):
        return self.nodes[path][prop].rstrip(b"\0").decode().split("\0")

    def cells(self, path, prop):
        v = self.nodes[path][prop]
        return list(struct.unpack(f">{len(v) // 4}I", v))

    def children(self, path):
        pre = path.rstrip("/") + "/"
        return [p for p in self.nodes if p.startswith(pre) and "/" not in p[len(pre):]]


def dumped_dtb(out):
    """The framed guest DTB: base64 between the markers, Length and CRC32C checked."""
    m = re.search(r"^-----BEGIN REGVISOR DTB-----\nLength: (\d+)\nCRC32C: 0x([0-9a-f]{8})\n"
                  r"(.*?)\n-----END REGVISOR DTB-----$", out, re.M | re.S)
    assert m, out
    text = m.group(3).replace("\n", "")
    assert crc32c(text.encode()) == int(m.group(2), 16)
    blob = base64.b64decode(text, validate=True)
    assert len(blob) == int(m.group(1))
    return blob
