"""A hostile guest against the firmware's interrupts, on real QEMU.

The test guest (GUEST_MODE_HOSTILE, tests/guest/smp.c test_hostile) aims
one write at what the firmware keeps for itself through the guest's
distributor and redistributors (el2/vgic_mmio.c): the console's SPI 33 (enable,
group, priority, active, routing to a vCPU that then goes off), the
firmware's SGI 15 on every redistributor (enable, group, priority), the
distributor's group enables. Then every vCPU spins with DAIF
masked. Each time the break-in key must still stop every vCPU and open the
monitor on the boot vCPU: each case fails if the mask it checks is removed.
"""
import re
import time

import pytest

from rvqemu import LATEST, Qemu, build_path

GUEST_MODE_HOSTILE = 0x1000
GUEST_HOSTILE_SHIFT = 24
BREAKIN = "\x1d"
ATTACKS = ["gicd-icenabler-33", "gicd-igroupr-33", "gicd-ctlr-0", "gicd-ipriorityr-33",
           "gicd-isactiver-33", "gicd-irouter-33-offline", "gicr-icenabler0-sgi15",
           "gicr-ipriorityr-sgi15", "gicr-igroupr0-sgi15"]


@pytest.mark.parametrize("what", range(len(ATTACKS)), ids=ATTACKS)
def test_breakin_survives_a_hostile_guest(what):
    mode = GUEST_MODE_HOSTILE | what << GUEST_HOSTILE_SHIFT
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"), append=f"regvisor.guestarg={mode:#x}",
             smp=2).start()
    try:
        q.expect(rf"INFO: hostile: {re.escape(ATTACKS[what])} done\n", timeout=30)
        m = q.expect(r"INFO: stuck: (\d) vCPUs spinning with DAIF masked\n", timeout=30)
        n = int(m.group(1))
        assert "FAIL:" not in q.output, q.output
        time.sleep(0.2)
        q.send(BREAKIN)
        q.expect(r"regvisor: monitor: break-in: every vCPU stopped", timeout=15)
        q.expect(re.escape(q.PROMPT))
        cpus = q.command("cpus")
        assert re.search(r"^regvisor: vcpu 0 \(selected\): on, .*, at the monitor, cpu 0x0$",
                         cpus, re.M), cpus
        for i in range(1, n):
            assert re.search(rf"^regvisor: vcpu {i}: on, .*, stopped, cpu 0x{i:x}$", cpus, re.M), cpus
        assert "not every vCPU stopped" not in q.output
        q.send("poweroff\r")
        res = q.wait(timeout=30)
        assert res.status == 0, res.output
    finally:
        q.kill()


CPU_ON_THEN_STOP = 9


@pytest.mark.parametrize("attempt", range(4))
def test_a_vcpu_on_its_way_up_stops_for_the_monitor(attempt):
    """vCPU 1's CPU_ON is in flight (ON_PENDING) when the boot vCPU faults
    with regvisor.onfault=monitor: the stop kicks only vCPUs that are ON,
    so vCPU 1 must see the stop itself as it comes up, and park. Before the
    fix it entered the guest and ran while the monitor was open (`cpus`:
    running, or on without a frame while its "vCPU 1 on" line waited for
    the console the prompt held). A race: several attempts."""
    mode = GUEST_MODE_HOSTILE | CPU_ON_THEN_STOP << GUEST_HOSTILE_SHIFT
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"),
             append=f"regvisor.guestarg={mode:#x} regvisor.onfault=monitor", smp=2).start()
    try:
        q.expect(r"regvisor: monitor: guest faulted", timeout=30)
        q.expect(re.escape(q.PROMPT))
        time.sleep(0.5)     # time for a vCPU 1 that did not stop to run
        cpus = q.command("cpus")
        assert re.search(r"^regvisor: vcpu 1: on, pc 0x[0-9a-f]+, EL1, stopped, cpu 0x1$",
                         cpus, re.M), cpus
        assert "not every vCPU stopped" not in q.output
        q.send("poweroff\r")
        res = q.wait(timeout=30)
        assert res.status == 0, res.output
    finally:
        q.kill()


GUEST_MODE_TIMER_RESET = 0x2000


@pytest.mark.parametrize("smp", [1, 2])
def test_timer_pending_in_a_list_register_survives_reset_and_cpu_off(smp):
    """The guest's virtual timer (PPI 27, hardware-linked: EL2 acknowledged
    the physical one) is pending in a list register when the vCPU goes away:
    SYSTEM_RESET (smp 1 and 2), CPU_OFF then CPU_ON (smp 2). Before the fix
    its physical PPI stayed active for good (only an *active* linked list
    register was deactivated, and CPU_OFF dropped them all), and the timer
    never interrupted that vCPU again."""
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"),
             append=f"regvisor.guestarg={GUEST_MODE_TIMER_RESET:#x}", smp=smp).start()
    try:
        res = q.wait(timeout=60)
        assert "FAIL:" not in res.output, res.output
        assert "PASS: timer-reset: the virtual timer interrupts again after the reset" in res.output
        if smp > 1:
            assert "PASS: timer-off: vCPU 1's timer interrupts again after CPU_OFF and CPU_ON" \
                in res.output, res.output
        assert res.status == 0, res.output
    finally:
        q.kill()


GUEST_MODE_MMIO_SIZES = 0x4000


def test_narrow_loads_of_emulated_registers():
    """LDRB/LDRH/LDRSB/LDRSH of GICD_IROUTER<40> and of UARTCR load the
    bytes they name (el2/trap.c el2_mmio, el2/vuart.c). Before the fix an
    LDRB of IROUTER byte 0 put 0x80000000 in a W register (the 32-bit half
    the vGIC returns was never cut to the access size), LDRSB missed its
    sign, and an LDRB of UARTCR byte 1 read byte 0's word. And the GIC's
    identification registers read the same by the loads the exception vector
    answers as by those C takes (tests/guest/smp.c test_mmio_id_loads)."""
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"),
             append=f"regvisor.guestarg={GUEST_MODE_MMIO_SIZES:#x}").start()
    try:
        res = q.wait(timeout=30)
        assert "FAIL:" not in res.output, res.output
        assert res.output.count("PASS: mmio:") == 15, res.output
        assert res.status == 0, res.output
    finally:
        q.kill()
