"""The guest's GIC state travels (issue 13): the test guest's gicstate mode
(regvisor.guestarg=0x800, tests/guest/gicstate.c) configures SPIs, PPIs and
an SGI, takes the virtual timer's interrupt (active, not EOIed, in a
hardware-linked list register, with an SGI and an SPI pending behind it),
and checkpoints; the blob is loaded into a fresh firmware on another QEMU.
The guest's readings of its distributor, redistributor and CPU interface
before and after must be the same, and every interrupt must arrive after
(the timer again once EOIed)."""
import re

from blobpy import DEVREGS, Blob, frame, unframe
from migrate import boot_destination, boot_source, reframe, resume, send_blob
from rvqemu import LATEST

GICSTATE = 0x800


def readings(text, when):
    return dict(re.findall(rf"gicstate: {when} (\S+) = (0x[0-9a-f]+)", text))


def run_move(blob_edit=None):
    """Source to a fresh destination; returns (source output, load output, resumed result)."""
    src = boot_source(LATEST, mode=GICSTATE)
    dst = boot_destination(LATEST)
    try:
        out = src.command("save")
        assert "-----END REGVISOR VMSTATE-----" in out, out
        framed = reframe(out)
        if blob_edit:
            framed = blob_edit(framed)
        loaded = send_blob(dst, framed)
        res = resume(dst) if "registers loaded" in loaded else None
        return src.output, loaded, res
    finally:
        src.kill()
        dst.kill()


def test_gic_state_travels_to_a_fresh_firmware():
    source, loaded, res = run_move()
    assert "PASS: gicstate: the timer's interrupt taken first (27)" in source, source
    assert "FAIL:" not in source, source
    assert re.search(r"regvisor: load: \d+ registers loaded", loaded), loaded
    before, after = readings(source, "before"), readings(res.output, "after")
    assert len(before) == 28, before
    diff = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
    assert not diff, f"GIC readings changed across the move (before, after): {diff}"
    out = res.output
    assert not res.timed_out, out
    tail = out[out.index("guest: gicstate: resumed after checkpoint"):]
    assert "FAIL:" not in tail, tail
    for check in ["the timer's PPI is active after the load",
                  "the timer EOIed fires again", "the SGI pending behind the timer arrives",
                  "the hardware-linked SPI pending behind it arrives",
                  "its EOI deactivated the physical SPI",
                  "the SPI held pending in the distributor arrives once enabled",
                  "the PPI held pending in the redistributor arrives once enabled",
                  "nothing else pending"]:
        assert f"PASS: gicstate: {check}" in tail, (check, tail)
    assert res.status == 0, tail


def edit_devregs(owner, change):
    """A blob_edit for run_move: change(entries) on owner's DEVREGS section."""
    def edit(framed):
        b = Blob(unframe(framed))
        change(b.entries(DEVREGS, owner))
        return frame(b.encode())
    return edit


GICR_ISACTIVER0 = 0x6030000000f10300
IRQ = 0x6030000000f20000


def test_hardware_link_without_its_active_physical_interrupt_is_refused():
    """The timer's list register without PPI 27 active in the redistributor:
    loaded, the guest's EOI would deactivate nothing (FORMAT.md)."""
    def drop_active(entries):
        entries[:] = [e for e in entries if e[0] != GICR_ISACTIVER0]
    _, loaded, res = run_move(edit_devregs(0, drop_active))
    assert res is None, loaded
    assert (f"regvisor: load: error: vcpu 0: vINTID 27 (0x{IRQ | 27:016x}): device register "
            "this firmware does not take: value 0xb020001b0000001b: hardware-linked, but its "
            "physical interrupt is not active in the blob's distributor or redistributor "
            "state") in loaded, loaded
    assert "regvisor: load: refused, nothing loaded" in loaded


def test_firmware_interrupt_in_flight_is_refused():
    """The maintenance PPI (25) is the firmware's: never carried, never taken."""
    def add_25(entries):
        entries.append([IRQ | 25, (1 << 62) | (1 << 60) | 25, 0])
        entries.sort()
    _, loaded, res = run_move(edit_devregs(0, add_25))
    assert res is None, loaded
    assert f"vINTID 25 (0x{IRQ | 25:016x})" in loaded and "the firmware's own interrupt" in loaded, \
        loaded
    assert "regvisor: load: refused, nothing loaded" in loaded
