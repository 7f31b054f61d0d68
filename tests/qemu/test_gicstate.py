"""The guest's GIC state travels (issue 13): the test guest's gicstate mode
(regvisor.guestarg=0x800, tests/guest/gicstate.c) configures SPIs, PPIs and
an SGI, takes the virtual timer's interrupt (active, not EOIed, in a
hardware-linked list register, with an SGI and an SPI pending behind it),
and checkpoints; the blob is loaded into a fresh firmware on another QEMU.
The guest's readings of its distributor, redistributor and CPU interface
before and after must be the same, and every interrupt must arrive after
(the timer again once EOIed)."""
import re

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
