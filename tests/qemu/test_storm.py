"""A guest fault storm (its exception entry faults again and again: SP_EL1
or VBAR_EL1 in the firmware's memory) is stopped at the monitor with one
line, and repeated abort lines are counted, not printed for ever."""
import os

import pytest

from rvqemu import ROOT, Qemu

KERNEL = os.path.join(ROOT, "build", "regvisor.bin")


@pytest.mark.parametrize("mode,reg", [(0x200, "SP_EL1 0x402"), (0x400, "VBAR_EL1 0x40210000")])
def test_fault_storm_stops_at_the_monitor(mode, reg):
    q = Qemu(kernel=KERNEL, append=f"regvisor.guestarg={mode:#x}").start()
    try:
        m = q.expect(r"regvisor: guest: fault storm on vcpu 0: 64 aborts in a row in its "
                     r"exception entry \(.*\): it cannot take an exception; stopped\n", 30)
        assert reg in m.group(0), m.group(0)
        q.expect(r"regvisor: monitor: guest fault storm", 10)
        q.expect(Qemu.PROMPT, 10)
        out = q.output
        aborts = [l for l in out.splitlines() if " abort at ipa " in l]
        assert len(aborts) == 3, out
        assert "regvisor: guest: the last abort repeated 61 more times" in out
        # Stopped: nothing more comes while the monitor waits.
        n = len(q.output)
        with pytest.raises(TimeoutError):
            q.expect(r"abort at ipa", 1.5, n)
        # Resumed, it storms again and stops again: never an endless log.
        q.send("resume\r")
        q.expect(r"fault storm on vcpu 0", 30, n)
        q.expect(Qemu.PROMPT, 10, n)
        q.send("poweroff\r")
        res = q.wait(30)
        assert res.status == 0 and len(res.output.splitlines()) < 400, res.output[-3000:]
    finally:
        q.kill()
