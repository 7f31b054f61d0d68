"""One vCPU per CPU, PSCI for the guest (issue 11), on real QEMU.

The test guest counts its vCPUs with AFFINITY_INFO, starts each secondary
by PSCI CPU_ON, and each secondary reports what it saw through memory
(the boot vCPU prints): its MPIDR view, EL, context id, a trapped ID
register and a register of its own. Then it turns itself off with CPU_OFF
and the boot vCPU starts vCPU 1 again.
"""
import re

import pytest

from conftest import boot

GUEST_MODE_RESET = 0x20


def assert_passed(res):
    assert not res.timed_out, res.output
    assert "FAIL:" not in res.output, res.output
    assert re.search(r"^SUMMARY: \d+ tests, 0 unexpected failures$", res.output, re.M), res.output
    assert res.status == 0, res.output


@pytest.mark.parametrize("smp,append", [(1, ""), (2, ""), (4, ""), (8, ""),
                                        (2, "regvisor.traplog=1")])
def test_every_cpu_runs_a_vcpu(smp, append):
    """regvisor.traplog=1: every trap through C, the IPIs too (the vector takes them otherwise)."""
    res = boot(smp=smp, append=append)
    assert_passed(res)
    cpus = " ".join(f"0x{i:x}" for i in range(smp))
    plural = "" if smp == 1 else "s"
    assert f"regvisor: guest: {smp} vCPU{plural} on CPUs {cpus}\n" in res.output, res.output
    assert f"INFO: smp: {smp} vCPU{plural}\n" in res.output
    # Every secondary was started once by the firmware's own CPU_ON, vCPU 1 twice.
    for i in range(1, smp):
        on = re.findall(rf"^regvisor: guest: vCPU {i} on \(CPU 0x{i:x}\), entering EL1 at 0x[0-9a-f]+$",
                        res.output, re.M)
        off = re.findall(rf"^regvisor: guest: vCPU {i} off \(PSCI CPU_OFF\)$", res.output, re.M)
        runs = 2 if i == 1 else 1
        ons = 3 if i == 1 else 1        # vCPU 1: twice, then as the IPI test's receiver
        assert len(on) == ons and len(off) == ons, res.output
        assert f"PASS: smp: vCPU {i} sees MPIDR_EL1 0x{0x80000000 | i:x}\n" in res.output
        assert f"PASS: smp: vCPU {i} ran (run {runs}) and is OFF again\n" in res.output
        assert f"PASS: smp: vCPU {i} keeps its own TPIDR_EL1\n" in res.output
        assert f"PASS: smp: CPU_ON of vCPU {i} while it runs is ALREADY_ON (0xfffffffffffffffc)\n" \
            in res.output
    assert f"PASS: smp: CPU_ON of a missing MPIDR 0x{smp:x} is INVALID_PARAMETERS\n" in res.output
    assert "PASS: smp: CPU_ON of the running boot vCPU is ALREADY_ON" in res.output
    # IPIs to itself: into its list registers by the vector (by C under traplog=1).
    assert "PASS: ipi-self: an SGI to itself under PMR stays pending (0 taken)\n" in res.output
    assert "PASS: ipi-self: sent three times it arrives once, sent while active once more " \
        "after its EOI (1, 0, 1 taken)\n" in res.output, res.output
    assert "PASS: ipi-self: 8 SGIs at once, more than list registers, arrive each once " \
        "(8 taken, mask 0xff)\n" in res.output, res.output
    if smp > 1:
        assert "PASS: ipi: vCPU 1 took the 16 SGI 2 vCPU 0 sent it, one by one (16, 0 others)" \
            in res.output, res.output
        assert "PASS: smp: CPU_ON with an entry outside guest RAM is INVALID_ADDRESS" in res.output
        assert "PASS: smp: CPU_ON with a misaligned entry is INVALID_ADDRESS\n" in res.output
    # The boot vCPU's own view is unchanged by the others.
    assert "PASS: id: MPIDR_EL1 is vCPU 0 (0x80000000)\n" in res.output


def test_firmware_lines_never_interleave():
    """Lines printed by the firmware on different CPUs stay whole."""
    res = boot(smp=8)
    assert_passed(res)
    for line in res.output.splitlines():
        # A firmware line starts at the beginning of a line and has only one prefix.
        assert line.count("regvisor: ") <= 1 or line.startswith("regvisor: bootargs"), line


@pytest.mark.parametrize("smp", [1, 2])
def test_system_reset_restarts_the_guest(smp):
    """SYSTEM_RESET with a secondary spinning on HVCs: it is stopped, the guest starts again."""
    res = boot(smp=smp, append=f"regvisor.guestarg={GUEST_MODE_RESET:#x}")
    assert_passed(res)
    assert res.output.count("regvisor: guest: system reset (from vCPU 0)\n") == 1, res.output
    assert res.output.count("guest: hello from EL1") == 2, res.output
    assert "PASS: reset: the guest started again after PSCI SYSTEM_RESET\n" in res.output
    if smp > 1:
        assert re.search(r"^PASS: reset: the secondary that was spinning \(\d+ HVCs\) is OFF$",
                         res.output, re.M), res.output
