"""Break-in: Ctrl-] on the console stops every vCPU and opens the monitor,
whatever the guest does (issue 12), on real QEMU.

The test guest puts every vCPU in a state nothing but EL2 can leave:
spinning with DAIF masked, or asleep in WFI with DAIF masked. The
firmware owns the physical interrupts (HCR_EL2.IMO), so the console's
interrupt still reaches it, and its own SGI brings every other CPU in.
"""
import re
import time

import pytest

from rvqemu import LATEST, Qemu, build_path

GUEST_MODE_SPIN = 0x40
GUEST_MODE_WFI = 0x80
BREAKIN = "\x1d"


@pytest.mark.parametrize("mode,smp", [(GUEST_MODE_SPIN, 1), (GUEST_MODE_SPIN, 4),
                                      (GUEST_MODE_WFI, 1), (GUEST_MODE_WFI, 4)])
def test_breakin_reaches_a_stuck_guest(mode, smp):
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"), append=f"regvisor.guestarg={mode:#x}",
             smp=smp).start()
    try:
        how = "in WFI" if mode == GUEST_MODE_WFI else "spinning"
        q.expect(rf"INFO: stuck: {smp} vCPUs {how} with DAIF masked\n", timeout=30)
        time.sleep(0.2)     # the boot vCPU's last instructions before it is stuck too
        q.send(BREAKIN)
        q.expect(r"regvisor: monitor: break-in: every vCPU stopped; `help` lists the commands",
                 timeout=30)
        q.expect(re.escape(q.PROMPT))
        # How long the stop took, for make bench: every vCPU counted.
        assert re.search(rf"^regvisor: monitor: break-in: {smp} vCPUs stopped, their state in "
                         rf"memory, \d+ counter ticks \(\d+ us\) after the key's interrupt$",
                         q.output, re.M), q.output[-2000:]
        cpus = q.command("cpus")
        wfi = ", in WFI" if mode == GUEST_MODE_WFI else ""
        for i in range(smp):
            state = "at the monitor" if i == 0 else "stopped"
            assert re.search(rf"^regvisor: vcpu {i}( \(selected\))?: on, pc 0x[0-9a-f]+, EL1"
                             rf"{wfi}, {state}, cpu 0x{i:x}$", cpus, re.M), cpus
        assert "not every vCPU stopped" not in q.output
        if smp > 1:
            assert "vcpu 1 selected" in q.command("vcpu 1")
            regs = q.command("regs context")
            assert re.search(r"^pc  = 0x[0-9a-f]{16}  pstate = 0x[0-9a-f]{13}3c5$", regs, re.M), regs
            assert re.search(r"^VBAR_EL1 +0x[0-9a-f]+ +0x0000000040[0-9a-f]{6} ", regs, re.M), regs
            # The stack pointer in use (EL1h: SP_EL1), the same as the SP_EL1 row.
            sp = re.search(r"^sp  = 0x([0-9a-f]{16})  \(SP_EL1\)$", regs, re.M)
            row = re.search(r"^SP_EL1 +0x[0-9a-f]{16}  0x([0-9a-f]{16}) ", regs, re.M)
            assert sp and row and sp.group(1) == row.group(1), regs
        # And again: the guest went on after the first and is stopped once more.
        q.send("resume\r")
        q.expect(r"regvisor: monitor: resuming the guest", timeout=10)
        start = len(q.output)
        q.send(BREAKIN)
        q.expect(r"regvisor: monitor: break-in", timeout=30, start=start)
        q.expect(re.escape(q.PROMPT), start=start)
        q.send("poweroff\r")
        res = q.wait(timeout=30)
        assert res.status == 0, res.output
        assert re.search(r"^regvisor: exits: vcpu0 \d+ \(.*irq-console", res.output, re.M), res.output
    finally:
        q.kill()


def test_breakin_key_can_be_turned_off():
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"),
             append=f"regvisor.guestarg={GUEST_MODE_SPIN:#x} regvisor.breakin=off").start()
    try:
        q.expect(r"INFO: stuck: 1 vCPUs spinning", timeout=30)
        q.send(BREAKIN)
        with pytest.raises(TimeoutError):
            q.expect(r"regvisor: monitor: break-in", timeout=3)
    finally:
        q.kill()
