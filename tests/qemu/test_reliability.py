"""Attacks on the firmware's `load`, on real QEMU: every corrupt blob gets
one clear error, the stopped guest's state is untouched (a `save` after it
gives the same blob as before), and a correct blob is taken afterwards
without a reboot. Also the soak: thousands of checkpoint cycles in one run."""
import os
import re

import pytest

from blobpy import FWREGS, SYSREGS, Blob, frame, unframe
from conftest import boot
from migrate import boot_source, resume, send_blob

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


def corrupt_cases(raw):
    """(name, framed text, error text the firmware must print)."""
    flipped = bytearray(raw)
    flipped[400] ^= 0x10
    magic = bytearray(raw)
    magic[0:4] = b"XVST"
    major = bytearray(raw)
    major[4] = 2
    framed = frame(raw).split("\n")
    return [
        ("truncated", frame(raw[:700]), "blob truncated"),
        ("flipped bit", frame(bytes(flipped)), "CRC-32C mismatch"),
        ("wrong frame CRC", frame(raw, crc=0x12345678), "frame CRC-32C mismatch"),
        ("wrong magic", frame(Blob(bytes(magic)).encode()), "bad magic"),
        ("future major version", frame(Blob(bytes(major)).encode()),
         "format major version newer than this reader"),
        ("garbage in the frame", "\n".join(framed[:5] + ["hello, world"] + framed[5:]),
         "malformed frame line"),
        ("oversized length", frame(raw, length=10 ** 9), "blob larger than the limit"),
        ("frame length lies", frame(raw, length=len(raw) + 3), "frame length does not match"),
        ("line longer than the buffer", "\n".join(framed[:4] + ["A" * 300] + framed[4:]),
         "malformed frame line"),
        ("duplicate id", frame(raw_sysregs(raw, bytes([2, 0x80, 0x81, 0x4F, 0, 0, 0]))),
         "duplicate register id"),
        ("unsorted ids", frame(raw_sysregs(raw, bytes([2, 0x80, 0x81, 0x4F, 0]) +
                                                bytes([0xFF] * 9 + [0x01, 0]))),
         "register ids not in increasing order"),
        ("unknown id", frame(add_entry(raw, 0x6030000000150123, 7)),
         "register unknown to this firmware"),
        ("value outside writable bits", frame(with_entry(raw, WA2, lambda v: 0x11, typ=FWREGS)),
         "value outside the register's writable bits"),
        ("ID register this firmware cannot offer",
         frame(with_entry(raw, PFR0, lambda v: v | (1 << 32))),
         "guest saw a feature this firmware cannot offer"),
        ("required register missing", frame(with_entry(raw, SCTLR, remove=True)),
         "register missing from the blob"),
        ("PSTATE naming EL2", frame(with_pstate(raw, 0x3C9)),
         "PSTATE is not an AArch64 EL0/EL1 state the guest can return to"),
        ("PSTATE naming AArch32", frame(with_pstate(raw, 0x3D0)),
         "PSTATE is not an AArch64 EL0/EL1 state the guest can return to"),
    ]


def test_corrupt_blobs_over_the_uart_lose_nothing():
    src = boot_source(2, "regvisor.load_timeout=2")
    try:
        before = src.command("save")
        raw = unframe(before)
        cases = corrupt_cases(raw)
        lost = 0
        for name, text, error in cases:
            out = send_blob(src, text)
            errors = [l for l in out.splitlines() if ": error: " in l]
            assert errors and error in errors[0], (name, out)
            assert "nothing loaded" in out, (name, out)
            after = src.command("save")
            if unframe(after) != raw:
                lost += 1
        # A frame that never ends: the idle timeout, then the prompt again.
        start = len(src.output)
        src.send("load\r")
        src.send("\n".join(frame(raw).split("\n")[:6]) + "\n")
        src.expect(r"frame never ended \(no input for 2 s\); nothing loaded", 20, start)
        src.expect(r"regvisor> ", 5, start)
        assert unframe(src.command("save")) == raw
        cases_run = len(cases) + 1
        print(f"\ncorrupt-input campaign: {cases_run} cases, {lost} lost state")
        assert lost == 0
        # The correct blob is taken without a reboot, and the guest carries on.
        out = send_blob(src, frame(raw))
        assert "57 registers loaded from a v2 blob, 0 dropped" in out, out
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
        assert "APIAKEYLO_EL1 (0x603000000013c108) holds 0xa1a1a1a1a1a1a1a1" in out, out
        assert "compat 1 refused; nothing changed" in out
    finally:
        src.kill()


def test_compat_at_the_monitor():
    src = boot_source(2, "regvisor.cpu=1")      # no pointer auth in view: keys unused
    try:
        assert "guest world v1, cpu model v1" in src.command("compat 1")
        assert re.search(r"regvisor: save: 45 registers \(12 hidden left out\)", src.command("save"))
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
    res = boot(append=f"regvisor.checkpoint=cycle regvisor.guestarg={(SOAK << 16) | 0x10}",
               timeout=600)
    assert f"PASS: soak: {SOAK} checkpoint, export, import, resume cycles" in res.output, \
        res.output[-3000:]
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
    from rvqemu import Qemu, build_path
    q = Qemu(kernel=build_path(2, "regvisor.bin"), unix_socket=True,
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
