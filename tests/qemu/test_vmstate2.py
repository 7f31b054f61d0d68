"""State format 2.0 on the firmware: a blob of every vCPU, decoded and
checked as a whole. Until the firmware's own version reads 2.0 (version 3)
it writes 1.0 for itself, so these blobs are made from a real 1.0 save by
blobpy (a second reading of vmstate/FORMAT.md), then loaded."""
import re
import struct

from blobpy import (CORE, FPSIMD, FWREGS, OWNER_VM, SYSREGS, TIMER, VCPU, Blob, frame,
                    unframe)
from migrate import boot_destination, boot_source, reframe, resume, send_blob
from rvqemu import Qemu, build_path
from test_migrate import assert_resumed_and_passed

MPIDR_EL1 = 0x603000000013C005


def to_v2(raw, vcpus=1, power=(0,), owner_fix=None):
    """A 1.0 blob as 2.0: its one vCPU copied to every index (vMPIDR and
    MPIDR_EL1 that index's), TIMER the VM's."""
    old = Blob(raw)
    b = Blob(raw)
    b.header[4] = 2
    struct.pack_into("<HH", b.header, 8, 3, vcpus)
    b.sections = [[TIMER, 0, old.section(TIMER)[2], OWNER_VM]]
    for i in range(vcpus):
        p = power[i] if i < len(power) else 0
        b.sections.append([VCPU, 0, struct.pack("<QB7xQQ", 0x80000000 | i, p, 0, 0), i])
        for typ in (CORE, FPSIMD, SYSREGS, FWREGS):
            data = old.section(typ)[2]
            if typ == SYSREGS:
                data = [[rid, (0x80000000 | i) if rid == MPIDR_EL1 else v, d]
                        for rid, v, d in data]
            b.sections.append([typ, 0, data, i])
    return b


def saved_v1_blob():
    src = boot_source(2)
    try:
        return unframe(reframe(src.command("save")))
    finally:
        src.kill()


def test_v2_blob_of_one_vcpu_loads_and_the_guest_goes_on():
    raw = to_v2(saved_v1_blob()).encode()
    dst = boot_destination(2)
    try:
        loaded = send_blob(dst, frame(raw))
        assert re.search(r"regvisor: load: 57 registers loaded from a v3 blob, 0 dropped "
                         r"\(format 2\.0, 1 vCPU\)", loaded), loaded
        assert_resumed_and_passed(resume(dst), 1)
    finally:
        dst.kill()


def test_v2_blob_refusals_on_the_uart():
    good = saved_v1_blob()
    cases = [
        ("two vCPUs into one", to_v2(good, 2).encode(),
         "regvisor: load: error: vCPU count differs from this machine's: the blob has 2 "
         "vCPUs, this machine has 1"),
        ("vCPU off, none on", to_v2(good, 1, (1,)).encode(),
         "regvisor: load: error: no vCPU is on: every one of the blob's 1 vCPUs is off or "
         "on_pending"),
    ]
    b = to_v2(good)
    b.section(CORE, 0)[3] = OWNER_VM
    cases.append(("CORE owned by the VM", b.encode(),
                  "regvisor: load: error: section owner wrong for its type (at 0x"))
    b = to_v2(good)
    b.section(VCPU, 0)[2] = struct.pack("<QB7xQQ", 0x80000000, 0, 0x40400000, 0)
    cases.append(("on with an entry", b.encode(),
                  "regvisor: load: error: vcpu 0: vCPU record no firmware could have written: "
                  "entry must be 0 unless the vCPU is on_pending: 0x40400000"))
    b = to_v2(good)
    b.sections = [s for s in b.sections if s[0] != VCPU]
    cases.append(("no VCPU record", b.encode(),
                  "regvisor: load: error: required section missing (vcpu 0's VCPU); "
                  "nothing loaded"))
    dst = boot_destination(2)
    try:
        for name, raw, want in cases:
            out = send_blob(dst, frame(raw))
            assert want in out, (name, out)
            assert "nothing loaded" in out, (name, out)
        # Refused five times, the destination still takes a good one.
        out = send_blob(dst, frame(to_v2(good).encode()))
        assert "(format 2.0, 1 vCPU)" in out, out
    finally:
        dst.kill()


def test_two_vcpu_blob_into_two_vcpus():
    """vCPU 1 off in the blob and on the destination: the machine's size matches."""
    raw = to_v2(saved_v1_blob(), 2, (0, 1)).encode()
    dst = Qemu(kernel=build_path(2, "regvisor.bin"), unix_socket=True, smp=2,
               append="regvisor.incoming=uart").start()
    try:
        dst.expect(r"waiting for incoming guest state", 60)
        dst.expect(Qemu.PROMPT, 10)
        loaded = send_blob(dst, frame(raw))
        assert "114 registers loaded from a v3 blob, 0 dropped (format 2.0, 2 vCPUs)" in loaded, \
            loaded
    finally:
        dst.kill()
