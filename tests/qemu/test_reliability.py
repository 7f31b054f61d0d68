"""Attacks on the firmware's `load`, on real QEMU: every corrupt blob gets
one clear error, the stopped guest's state is untouched (a `save` after it
gives the same blob as before), and a correct blob is taken afterwards
without a reboot. Also the soak: thousands of checkpoint cycles in one run."""
import os
import re
import struct

import pytest

from blobpy import FWREGS, SYSREGS, Blob, frame, unframe
from migrate import boot_source, resume, send_blob
from rvqemu import LATEST, Qemu, build_path, n_registers

SCTLR, TPIDR_EL0 = 0x603000000013C080, 0x603000000013DE82
PFR0, WA2 = 0x603000000013C020, 0x6030000000140002


def with_entry(blob, rid, value=None, drop=None, remove=False, typ=SYSREGS):
    b = Blob(blob)
    ents = b.entries(typ)
    for e in ents:
        if e[0] == rid:
            if remove:
                ents.remove(e)
            else:
                e[1] = e[1] if value is None else value(e[1])
                e[2] = e[2] if drop is None else drop
            return b.encode()
    raise AssertionError(hex(rid))


def add_entry(blob, rid, value, drop=0):
    b = Blob(blob)
    ents = b.entries(FWREGS if (rid >> 16) & 0xFFF in (0x14, 0x16) else SYSREGS)
    ents.append([rid, value, drop])
    ents.sort()
    return b.encode()


def with_pstate(blob, pstate):
    b = Blob(blob)
    core = next(s for s in b.sections if s[0] == 1)
    core[2] = core[2][:32 * 8] + pstate.to_bytes(8, "little")
    return b.encode()


def raw_sysregs(blob, payload):
    return Blob(blob).encode(entries_raw=payload)


CORE, FPSIMD = 1, 2


def core_of(raw):
    """x0..x30, PC, PSTATE and V0 (both halves) of a blob, as one tuple."""
    b = Blob(raw)
    core = next(s[2] for s in b.sections if s[0] == CORE)
    fp = next(s[2] for s in b.sections if s[0] == FPSIMD)
    return struct.unpack_from("<33Q", core) + struct.unpack_from("<2Q", fp)


def with_other_core(raw):
    """The blob with every one of x0..x30, PC and V0 changed: a `load` that
    wrote any of them before its checks would show in the next `save`."""
    b = Blob(raw)
    core = next(s for s in b.sections if s[0] == CORE)
    fp = next(s for s in b.sections if s[0] == FPSIMD)
    regs = list(struct.unpack_from("<33Q", core[2]))
    for i in range(31):
        regs[i] ^= 0xA5C3_0000_0000_0000 | (i + 1)
    regs[31] ^= 0x1000                              # PC, still word-aligned
    core[2] = struct.pack("<33Q", *regs) + core[2][33 * 8:]
    v0 = struct.unpack_from("<2Q", fp[2])
    fp[2] = struct.pack("<2Q", v0[0] ^ 0x5A5A_5A5A_5A5A_5A5A, v0[1] ^ 0x3C3C_3C3C_3C3C_3C3C) \
        + fp[2][16:]
    out = b.encode()
    old, new = core_of(raw), core_of(out)
    assert all(o != n for i, (o, n) in enumerate(zip(old, new)) if i != 32), "x0..x30, PC, V0"
    return out


def decode_error(text):
    """The whole line the firmware prints when the blob's decoder refuses it."""
    return rf"regvisor: load: error: {re.escape(text)} \(at 0x[0-9a-f]+\); nothing loaded"


def frame_error(text):
    """The whole line for a frame refused before its blob is looked at."""
    return rf"regvisor: load: error: {re.escape(text)} \(frame line \d+\); nothing loaded"


def policy_error(name, rid, text, detail=""):
    """The whole line for a register the import check refuses."""
    return (rf"regvisor: load: error: vcpu 0: {re.escape(name)} \(0x{rid:016x}\): "
            rf"{re.escape(text)}" + detail)


PSTATE_ERROR = r"regvisor: load: error: vcpu 0: " + re.escape(
    "PSTATE is not an AArch64 EL0/EL1 state the guest can return to") + ": 0x%x"


def corrupt_cases(good):
    """(name, framed text, the whole error line the firmware must print).

    Every blob carries x0..x30, PC and V0 other than the stopped guest's, so
    a partial write before the checks cannot go unseen."""
    raw = with_other_core(good)
    flipped = bytearray(raw)
    flipped[400] ^= 0x10
    magic = bytearray(raw)
    magic[0:4] = b"XVST"
    major = bytearray(raw)
    major[4] = 3     # this reader knows 1.0 and 2.0
    framed = frame(raw).split("\n")
    return [
        ("truncated", frame(raw[:700]), decode_error("blob truncated")),
        ("flipped bit", frame(bytes(flipped)), decode_error("CRC-32C mismatch")),
        ("wrong frame CRC", frame(raw, crc=0x12345678), frame_error("frame CRC-32C mismatch")),
        ("wrong magic", frame(Blob(bytes(magic)).encode()),
         decode_error("bad magic (not a regvisor state blob)")),
        ("future major version", frame(Blob(bytes(major)).encode()),
         decode_error("format major version newer than this reader")),
        ("garbage in the frame", "\n".join(framed[:5] + ["hello, world"] + framed[5:]),
         frame_error("malformed frame line")),
        ("oversized length", frame(raw, length=10 ** 9), frame_error("blob larger than the limit")),
        ("frame length lies", frame(raw, length=len(raw) + 3),
         frame_error("frame length does not match its data")),
        ("line longer than the buffer", "\n".join(framed[:4] + ["A" * 300] + framed[4:]),
         frame_error("malformed frame line")),
        ("duplicate id", frame(raw_sysregs(raw, bytes([2, 0x80, 0x81, 0x4F, 0, 0, 0]))),
         decode_error("duplicate register id")),
        ("unsorted ids", frame(raw_sysregs(raw, bytes([2, 0x80, 0x81, 0x4F, 0]) +
                                                bytes([0xFF] * 9 + [0x01, 0]))),
         decode_error("register ids not in increasing order")),
        ("unknown id", frame(add_entry(raw, 0x6030000000150123, 7)),
         policy_error("?", 0x6030000000150123, "register unknown to this firmware",
                      ": value 0x7, not marked droppable")),
        ("value outside writable bits", frame(with_entry(raw, WA2, lambda v: 0x11, typ=FWREGS)),
         policy_error("SMCCC_ARCH_WORKAROUND_2", WA2,
                      "value outside the register's writable bits", ": 0x11, writable 0x10")),
        ("ID register this firmware cannot offer",
         frame(with_entry(raw, PFR0, lambda v: v | (1 << 32))),
         policy_error("ID_AA64PFR0_EL1", PFR0, "guest saw a feature this firmware cannot offer",
                      r": field\[35:32\] is 1, this firmware offers 0")),
        ("required register missing", frame(with_entry(raw, SCTLR, remove=True)),
         policy_error("SCTLR_EL1", SCTLR, "register missing from the blob")),
        ("PSTATE naming EL2", frame(with_pstate(raw, 0x3C9)), PSTATE_ERROR % 0x3C9),
        ("PSTATE naming AArch32", frame(with_pstate(raw, 0x3D0)), PSTATE_ERROR % 0x3D0),
    ]


@pytest.mark.parametrize("version", sorted({2, LATEST}))
def test_corrupt_blobs_over_the_uart_lose_nothing(version):
    src = boot_source(version, "regvisor.load_timeout=1")
    try:
        before = src.command("save")
        raw = unframe(before)
        cases = corrupt_cases(raw)
        lost = []
        for name, text, error in cases:
            out = send_blob(src, text)
            errors = [l for l in out.splitlines() if ": error: " in l]
            # One error line, naming this problem and no other.
            assert len(errors) == 1 and re.fullmatch(error, errors[0]), (name, error, out)
            last = out.splitlines()[-2] if out.endswith(Qemu.PROMPT) else out.splitlines()[-1]
            assert re.fullmatch(r"regvisor: load: (refused, )?nothing loaded|" + error, last), \
                (name, out)
            after = src.command("save")
            if unframe(after) != raw:
                lost.append(name)
        assert not lost, f"a refused blob changed the guest's state: {lost}"
        # A frame that never ends: the idle timeout, then the prompt again.
        start = len(src.output)
        src.send("load\r")
        src.send("\n".join(frame(raw).split("\n")[:6]) + "\n")
        src.expect(r"\nregvisor: load: error: frame never ended \(no input for 1 s\); "
                   r"nothing loaded\n", 20, start)
        src.expect(r"regvisor> ", 5, start)
        assert unframe(src.command("save")) == raw
        cases_run = len(cases) + 1
        print(f"\ncorrupt-input campaign: {cases_run} cases, {len(lost)} lost state")
        # The correct blob is taken without a reboot, and the guest carries on.
        out = send_blob(src, frame(raw))
        assert f"{n_registers(version)} registers loaded from a v{version} blob, 0 dropped" \
            in out, out
        res = resume(src)
        assert "PASS: checkpoint: x1..x30 came back unchanged" in res.output
        assert res.status == 0, res.output
    finally:
        src.kill()


def test_monitor_input_errors():
    src = boot_source(2)
    try:
        assert "unknown command 'frobnicate'" in src.command("frobnicate 1 2")
        assert "line longer than 127 characters, refused" in src.command("x" * 300)
        assert "cpu V takes a CPU model version from 1 to 2" in src.command("cpu 9")
        assert "unknown register 'NOPE'; nothing changed" in src.command("hide TCR_EL1 NOPE")
        assert "0 hidden" in src.command("hidden")
        assert "no register class 'bogus'" in src.command("regs bogus")
        # Backspace edits the line before it is taken.
        assert "regvisor: version 2" in src.command("versiox\x7fn")
        table = src.command("regs firmware")
        assert re.search(r"^VENDOR_HYP_BMAP +0x6030000000160002  0x0+7  -$", table, re.M), table
        assert "TCR_EL1" in src.command("hide TCR_EL1")
        assert re.search(r"^TCR_EL1 +0x603000000013c102  0x0+  hidden$", src.command("regs context"),
                         re.M)
        # The guest uses its pointer-auth keys: leaving version 2's world would lose them.
        out = src.command("compat 1")
        assert re.search(r"APIAKEYLO_EL1 \(0x603000000013c108\) holds 0x[0-9a-f]*[1-9a-f][0-9a-f]*, "
                         r"not its default 0x0", out), out
        assert "compat 1 refused; nothing changed" in out
    finally:
        src.kill()


def test_compat_at_the_monitor():
    src = boot_source(2, "regvisor.cpu=1")      # no pointer auth in view: keys unused
    try:
        assert "guest world v1, cpu model v1" in src.command("compat 1")
        hidden = n_registers(2) - n_registers(1)
        assert re.search(rf"regvisor: save: {n_registers(1)} registers \({hidden} hidden left out\)",
                         src.command("save"))
    finally:
        src.kill()


def test_compat_refused_when_a_v2_register_is_in_use():
    src = boot_source(2, "", 0x2 | 0x4)         # the guest left WORKAROUND_2 enabled
    try:
        out = src.command("compat 1")
        assert "SMCCC_ARCH_WORKAROUND_2 (0x6030000000140002) holds 0x10, not its default 0x0" in out
        assert "compat 1 refused; nothing changed" in out
        assert "world v2" in src.command("version")
    finally:
        src.kill()


SOAK = int(os.environ.get("SOAK_CYCLES", "2000"))


def test_soak_checkpoint_cycles():
    """Thousands of checkpoint -> export -> import -> resume cycles in one run.
    The firmware wipes the live registers between each export and import, so
    the guest's checks after every cycle see only what the import put back.
    A guest that lost its registers cannot always say so (its stack and
    vectors are gone): its first fault ends the run at once."""
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"),
             append=f"regvisor.checkpoint=cycle regvisor.guestarg={(SOAK << 16) | 0x10}").start()
    try:
        start = q.expect(rf"guest: soak: {SOAK} checkpoint cycles\n", 60).end()
        m = q.expect(r"PASS: soak: .*\n|FAIL: .*\n|regvisor: guest: .*abort.*\n|"
                     r"regvisor: (crash|panic).*\n|regvisor: poweroff status=.*\n",
                     60 + SOAK // 100, start)
        assert m.group(0).startswith(f"PASS: soak: {SOAK} checkpoint, export, import, resume "
                                     f"cycles"), q.output[-3000:]
        res = q.wait(60)
    finally:
        q.kill()
    m = re.search(r"regvisor: stats: (\d+) checkpoint cycles, EL2 trap stack high-water (\d+) of "
                  r"(\d+) bytes, state buffers (\d+) bytes \(static\), image header intact",
                  res.output)
    assert m and int(m.group(1)) == SOAK, res.output[-2000:]
    assert int(m.group(2)) < int(m.group(3)) // 2
    print(f"\nsoak: {m.group(0)}")
    assert res.status == 0


def test_fault_stops_at_the_monitor():
    """regvisor.onfault=monitor: a guest access outside its memory stops at the
    monitor; its state can be read and saved; on resume the guest gets its abort."""
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"), unix_socket=True,
             append="regvisor.onfault=monitor").start()
    try:
        q.expect(r"regvisor: monitor: guest faulted \(the abort is delivered on resume\)", 60)
        q.expect(Qemu.PROMPT, 10)
        assert "BEGIN REGVISOR VMSTATE" in q.command("save")
        q.send("resume\r")
        q.expect(r"monitor: guest faulted", 30, q.output.rindex("resume"))   # the second access
        q.expect(Qemu.PROMPT, 10, q.output.rindex("guest faulted"))
        q.send("resume\r")
        res = q.wait(60)
        assert "PASS: isolation: a write to the firmware's image is a data abort" in res.output
        assert res.status == 0, res.output[-2000:]
    finally:
        q.kill()
