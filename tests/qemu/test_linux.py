"""Debian's own arm64 kernel, unmodified, with the busybox initramfs of
`make linux` (tests/linux/init prints the markers checked here).

The baseline boots it directly on QEMU at EL1, without regvisor: it proves
the kernel, the initramfs and these checks, and it is what regvisor's boot
is compared with. The regvisor boots follow issue 12's tests: every CPU,
the GICv3, the timer, the console, the ID view, U-Boot, break-in.

One boot per configuration, shared by its assertions (module fixtures).
"""
import re
import time

import pytest

import linuxguest as lg
from migrate import reframe, send_blob
from rvqemu import UBOOT

SMP = 2
BREAKIN = "\x1d"                      # Ctrl-]
MONITOR_PROMPT = "regvisor> "


@pytest.fixture(scope="module")
def built():
    lg.ensure_built()


class Session:
    """A Linux boot to its shell, a command typed there, then `poweroff -f`."""

    def __init__(self, q, timeout=180):
        self.q = q
        t0 = time.monotonic()
        q.start()
        try:
            m = q.expect(re.escape(lg.SHELL_READY) + "|" + lg.PANIC, timeout=timeout)
            self.init_seconds = time.monotonic() - t0
            if m.group(0) == lg.PANIC:
                self.shell_output = None
                self.res = q.wait(2)
                return
            self.shell_output = lg.shell(q, "echo rv-shell $((6 * 7))")
            q.send("poweroff -f\n")
            self.res = q.wait(60)
        except (TimeoutError, EOFError):
            self.shell_output = None
            self.res = q.wait(1)
        finally:
            q.kill()
        self.output = self.res.output


# --- the baseline: QEMU's own EL1, no regvisor ---------------------------------

@pytest.fixture(scope="module")
def direct(built):
    return Session(lg.qemu_direct(smp=SMP, mode=None))


def test_direct_reaches_init(direct):
    out = direct.output
    assert "CPU: All CPU(s) started at EL1" in out, out
    assert lg.INIT_OK in out, out
    assert lg.SLEEP_OK in out, out       # `sleep 1` returned: the timer ticks


def test_direct_every_cpu_online(direct):
    info = lg.info(direct.output)
    assert info["nproc"] == str(SMP), direct.output
    assert info["online"] == f"0-{SMP - 1}", direct.output
    assert info["cpuinfo-processors"] == str(SMP), direct.output


def test_direct_gicv3_and_timer(direct):
    out = direct.output
    for cpu in range(SMP):
        assert f"GICv3: CPU{cpu}: found redistributor" in out, out
    m = re.search(r"^\s*\d+:((?:\s+\d+){%d})\s+GICv3\s+27 Level\s+arch_timer" % SMP, out, re.M)
    assert m, out
    assert all(int(n) > 0 for n in m.group(1).split()), m.group(0)


def test_direct_shell_and_poweroff(direct):
    assert direct.shell_output is not None, direct.output
    assert "rv-shell 42" in direct.shell_output, direct.output
    assert "reboot: Power down" in direct.output, direct.output
    assert not direct.res.timed_out and direct.res.returncode == 0, direct.output


# --- under regvisor (issue 12) --------------------------------------------------

def assert_booted(s, smp):
    out = s.output
    assert "CPU: All CPU(s) started at EL1" in out, out
    assert lg.INIT_OK in out, out
    info = lg.info(out)
    assert info.get("nproc") == str(smp), out
    assert info.get("online") == f"0-{smp - 1}", out
    assert "GICv3: CPU0: found redistributor" in out, out
    assert lg.SLEEP_OK in out, out
    assert s.shell_output is not None and "rv-shell 42" in s.shell_output, out
    assert s.res.status == 0, out


@pytest.fixture(scope="module")
def regvisor2(built):
    return Session(lg.qemu_regvisor(smp=2, mode=None))


def test_regvisor_smp2(regvisor2):
    assert_booted(regvisor2, 2)


def test_regvisor_smp4(built):
    assert_booted(Session(lg.qemu_regvisor(smp=4, mode=None)), 4)


def test_regvisor_through_uboot(built, tmp_path):
    """U-Boot boots the firmware (booti), which starts Linux with the initrd
    named by regvisor.initrd= (preloaded, as U-Boot's `load` would)."""
    import os
    from rvqemu import ROOT
    initrd_addr = 0x48000000
    size = os.path.getsize(lg.INITRD)
    q = lg.Qemu(bios=UBOOT, loader=(os.path.join(ROOT, "build", "regvisor.bin"), 0x44000000),
                guest=lg.IMAGE, append=f"regvisor.initrd={initrd_addr:#x},{size}",
                guest_append=lg.cmdline(None), smp=2, mem=lg.MEM,
                extra=["-device", f"loader,file={lg.INITRD},addr={initrd_addr:#x},force-raw=on"])
    q.start()
    try:
        q.expect(r"Hit any key to stop autoboot|=> ", 60)
        q.send("\r")
        q.expect(r"=> ", 30)
        q.send(f"setenv bootargs '{q.append}'\r")
        q.expect(r"=> ", 30)
        q.send("booti 0x44000000 - ${fdtcontroladdr}\r")
        q.expect(re.escape(lg.SHELL_READY), 180)
        out = lg.shell(q, "echo rv-shell $((6 * 7))")
        q.send("poweroff -f\n")
        res = q.wait(60)
    finally:
        q.kill()
    assert "rv-shell 42" in out, q.output
    assert res.status == 0, q.output


@pytest.mark.parametrize("cpu,has_pac", [(1, False), (2, True)])
def test_regvisor_id_view_reaches_linux(built, cpu, has_pac):
    """regvisor.cpu=1 hides pointer authentication, version 2 shows it; what
    the table hides (SVE, SME, MTE) never appears."""
    res = lg.boot_regvisor(smp=2, mode="smoke", fw_append=f"regvisor.cpu={cpu}")
    assert re.search(lg.DONE_RE, res.output), res.output
    features = lg.info(res.output)["features"].split()
    assert ("paca" in features and "pacg" in features) == has_pac, features
    for hidden in ("sve", "sve2", "sme", "mte", "mte3"):
        assert hidden not in features, features
    assert res.status == 0, res.output


def stop_at_monitor(q, mode):
    """Start q, wait for the init's mode to be running, break in (Ctrl-]) and
    wait for the monitor's prompt with every vCPU stopped."""
    q.start()
    q.expect(rf"REGVISOR-{mode.upper()}-START", 180)
    time.sleep(3)
    q.send(BREAKIN)
    q.expect(r"regvisor: monitor: break-in: every vCPU stopped", 30)
    q.expect(re.escape(MONITOR_PROMPT), 30)


def resume_to_the_end(q, mode):
    """`resume`, then the mode ends with no kernel-log trouble and power-off status 0."""
    try:
        q.send("resume\r")
        q.expect(rf"REGVISOR-{mode.upper()}-OK", 120)
        res = q.wait(60)
    finally:
        q.kill()
    out = res.output
    assert "REGVISOR-KLOG bad=0" in out, out
    assert re.search(lg.DONE_RE, out), out
    assert res.status == 0, out


@pytest.mark.parametrize("mode", ["busy", "idle"])
def test_regvisor_breakin(built, mode):
    """Ctrl-] while Linux spins on every CPU, and while it idles: the monitor
    lists every vCPU, shows the kernel's VBAR_EL1/TTBR1_EL1, resumes; Linux
    finishes with no RCU stall, clocksource warning or lost timer."""
    q = lg.qemu_regvisor(smp=2, mode=mode, secs=20)
    try:
        stop_at_monitor(q, mode)
        cpus = q.command("cpus")
        for n in range(2):
            assert re.search(rf"^regvisor: vcpu {n}( \(selected\))?: on, pc 0x[0-9a-f]+, EL[01]"
                             rf"(, in WFI)?, (at the monitor|stopped), cpu 0x{n:x}$", cpus, re.M), cpus
        assert "not every vCPU stopped" not in q.output
        for n in range(2):
            q.command(f"vcpu {n}")
            regs = q.command("regs context")
            # The kernel's own: its vector table and its page tables for the upper half.
            vbar = re.search(r"^VBAR_EL1 +0x[0-9a-f]{16}  0x([0-9a-f]{16})", regs, re.M)
            ttbr1 = re.search(r"^TTBR1_EL1 +0x[0-9a-f]{16}  0x([0-9a-f]{16})", regs, re.M)
            assert vbar and vbar.group(1).startswith("ffff"), regs
            assert ttbr1 and int(ttbr1.group(1), 16) != 0, regs
    except BaseException:
        q.kill()
        raise
    resume_to_the_end(q, mode)


def test_make_run_linux_walkthrough(built):
    """README walk-through 3, exactly as a person types it: `make run-linux` on a
    terminal, the shell, Ctrl-] to the monitor, `cpus`, `resume`, a command,
    `poweroff -f`; make exits with the firmware's status 0."""
    import os
    import pty
    import select
    from rvqemu import ROOT

    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execvp("make", ["make", "-s", "run-linux"])
    out = b""
    seen = 0        # output before this was matched already

    def expect(pattern, timeout=240):
        nonlocal out, seen
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern.encode(), out[seen:])
            if m:
                seen += m.end()
                return m
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        raise AssertionError(f"{pattern!r} not seen:\n{out[-3000:].decode(errors='replace')}")

    try:
        expect(r"/ # ")
        os.write(fd, b"\x1b[24;80R")        # busybox asks the terminal's size
        time.sleep(0.5)
        os.write(fd, BREAKIN.encode())
        expect(r"regvisor: monitor: break-in: every vCPU stopped")
        expect(re.escape(MONITOR_PROMPT))
        os.write(fd, b"cpus\r")
        expect(r"regvisor: vcpu 1: on, pc 0x[0-9a-f]+, EL[01](, in WFI)?, stopped, cpu 0x1")
        os.write(fd, b"resume\r")
        expect(r"regvisor: monitor: resuming the guest")
        time.sleep(0.5)
        os.write(fd, b"echo rv-$((40 + 2))\r")
        expect(r"rv-42")
        os.write(fd, b"poweroff -f\r")
        expect(r"regvisor: poweroff status=0")
        _, status = os.waitpid(pid, 0)
        pid = 0
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    finally:
        if pid:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)


@pytest.mark.parametrize("mode", ["busy", "idle"])
def test_regvisor_save_wipe_load_resume(built, mode):
    """Issue 13: break into Linux on every CPU, `save` the whole machine, `wipe`
    every vCPU back to its reset values, `load` the blob, `resume`: Linux goes
    on on every CPU without a warning. Only what the blob carries survives the
    wipe (guest memory stays: the guest does not run in between), so this
    proves the blob is every vCPU's whole state."""
    q = lg.qemu_regvisor(smp=SMP, mode=mode, secs=20)
    try:
        stop_at_monitor(q, mode)
        saved = q.command("save")
        assert re.search(rf"regvisor: save: .*format 2\.0, {SMP} vCPUs", saved), saved
        assert "-----END REGVISOR VMSTATE-----" in saved, saved
        wiped = q.command("wipe")
        assert f"regvisor: wipe: {SMP} vCPUs at their reset values" in wiped, wiped
        regs = q.command("regs context")
        assert re.search(r"^VBAR_EL1 +0x[0-9a-f]{16}  0x0{16}", regs, re.M), regs
        assert "no guest state yet" in q.command("resume")
        loaded = send_blob(q, reframe(saved))
        assert re.search(rf"regvisor: load: \d+ registers loaded from a v\d+ blob, 0 dropped "
                         rf"\(format 2\.0, {SMP} vCPUs\)", loaded), loaded
        regs = q.command("regs context")
        assert re.search(r"^VBAR_EL1 +0x[0-9a-f]{16}  0xffff", regs, re.M), regs
    except BaseException:
        q.kill()
        raise
    resume_to_the_end(q, mode)


def test_regvisor_cpu_on_after_a_load(built):
    """A vCPU that is off when the machine is saved and loaded starts at the
    entry the guest's next CPU_ON gives (before the fix it took the loaded
    blob's PC, and Linux's CPU 1 never came back online)."""
    q = lg.qemu_regvisor(smp=SMP, mode="hotplug", secs=6)
    try:
        stop_at_monitor(q, "hotplug")
        assert "REGVISOR-HOTPLUG-START online=0\n" in q.output, q.output
        cpus = q.command("cpus")
        assert re.search(r"^regvisor: vcpu 1: off", cpus, re.M), cpus
        loaded = send_blob(q, reframe(q.command("save")))
        assert re.search(r"regvisor: load: \d+ registers loaded from a v\d+ blob, 0 dropped "
                         r"\(format 2\.0, 2 vCPUs\)", loaded), loaded
    except BaseException:
        q.kill()
        raise
    resume_to_the_end(q, "hotplug")
    assert "REGVISOR-HOTPLUG-OK online=0-1\n" in q.output, q.output[-3000:]
