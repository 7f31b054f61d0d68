"""A second, independent reading of vmstate/FORMAT.md in Python, for tests
that craft broken blobs: parse a blob (format 1.0 or 2.0) into sections
and entries, change them, write them back with correct or deliberately
wrong lengths and CRCs, and frame them for the UART.

A section is [type, flags, payload or entries, owner]: the owner is 2.0's
vCPU index or OWNER_VM (0 in 1.0, where the field is reserved)."""
import base64
import struct

_T = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ (0x82F63B78 if _c & 1 else 0)
    _T.append(_c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _T[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


BASE = 0x6030000000000000
CORE, FPSIMD, SYSREGS, FWREGS, TIMER, VCPU, DEVREGS = 1, 2, 3, 4, 5, 6, 7
ENTRY_SECTIONS = (SYSREGS, FWREGS, DEVREGS)
OWNER_VM = 0xFFFF
POWER = {0: "on", 1: "off", 2: "on_pending"}


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def read_varint(b, off):
    v = shift = 0
    while True:
        x = b[off]
        off += 1
        v |= (x & 0x7F) << shift
        shift += 7
        if not x & 0x80:
            return v, off


class Blob:
    def __init__(self, raw):
        self.header = bytearray(raw[:16])
        self.sections = []          # [type, flags, payload or entries, owner]
        off = 16
        while off < len(raw) - 4:
            typ, flags, owner, length = struct.unpack_from("<BBHI", raw, off)
            payload = raw[off + 8:off + 8 + length]
            if typ in ENTRY_SECTIONS:
                self.sections.append([typ, flags, self._entries(payload), owner])
            else:
                self.sections.append([typ, flags, bytes(payload), owner])
            off += 8 + length

    @property
    def major(self):
        return self.header[4]

    @property
    def vcpus(self):
        """The vCPU count (2.0); a 1.0 blob holds one."""
        return struct.unpack_from("<H", self.header, 10)[0] if self.major >= 2 else 1

    def vcpu(self, owner):
        """vCPU owner's record (2.0): mpidr, power name, entry, context."""
        p = self.section(VCPU, owner)[2]
        mpidr, power, _, entry, context = struct.unpack("<QB7sQQ", p)
        return {"mpidr": mpidr, "power": POWER.get(power, power), "entry": entry,
                "context": context}

    def section(self, typ, owner=None):
        return next(s for s in self.sections if s[0] == typ and (owner is None or s[3] == owner))

    @staticmethod
    def _entries(p):
        count, off = read_varint(p, 0)
        prev, out = BASE, []
        for _ in range(count):
            delta, off = read_varint(p, off)
            flags = p[off]
            n = flags & 0xF
            value = int.from_bytes(p[off + 1:off + 1 + n], "little")
            off += 1 + n
            prev += delta
            out.append([prev, value, flags & 0x10])
        return out

    def entries(self, typ=SYSREGS, owner=None):
        return self.section(typ, owner)[2]

    def encode(self, entries_raw=None, fix_crc=True, length=None):
        """entries_raw replaces the first SYSREGS section's payload."""
        body = bytearray()
        raw_done = False
        for typ, flags, data, owner in self.sections:
            if typ in ENTRY_SECTIONS:
                if entries_raw is not None and typ == SYSREGS and not raw_done:
                    raw_done = True
                    payload = entries_raw
                else:
                    payload = bytearray(varint(len(data)))
                    prev = BASE
                    for rid, value, drop in data:
                        n = (value.bit_length() + 7) // 8
                        payload += varint((rid - prev) % (1 << 64)) + bytes([n | drop])
                        payload += value.to_bytes(n, "little")
                        prev = rid
            else:
                payload = data
            body += struct.pack("<BBHI", typ, flags, owner, len(payload)) + payload
        out = bytearray(self.header) + body
        struct.pack_into("<I", out, 12, length if length is not None else len(out) + 4)
        out += struct.pack("<I", crc32c(out) if fix_crc else crc32c(out) ^ 1)
        return bytes(out)


def frame(raw, length=None, crc=None, body_lines=None):
    """The UART framing of vmstate/frame.h, with optional wrong fields."""
    b64 = base64.b64encode(raw).decode()
    lines = body_lines if body_lines is not None else \
        [b64[i:i + 64] for i in range(0, len(b64), 64)]
    text_crc = crc32c(b64.encode())       # the CRC covers the base64 text
    return "\n".join(["-----BEGIN REGVISOR VMSTATE-----",
                      f"Length: {len(raw) if length is None else length}",
                      f"CRC32C: 0x{text_crc if crc is None else crc:08x}", *lines,
                      "-----END REGVISOR VMSTATE-----"]) + "\n"


def unframe(text):
    lines = text.replace("\r", "").split("\n")
    i = lines.index("-----BEGIN REGVISOR VMSTATE-----")
    j = lines.index("-----END REGVISOR VMSTATE-----", i)
    return base64.b64decode("".join(lines[i + 3:j]))
