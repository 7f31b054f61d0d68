"""Boot paths, console, crash report and the test guest, on real QEMU."""
import re
import shutil
import subprocess

import pytest

from conftest import boot
from rvqemu import LATEST, UBOOT, Qemu, build_path


def assert_clean_guest_run(res, entered="EL2"):
    out = res.output
    assert not res.timed_out, out
    assert re.search(rf"regvisor: version {LATEST} \(", out), out
    assert re.search(rf"regvisor: running at EL2 \(entered at {entered}\), mmu on", out), out
    assert "regvisor: console pl011 at 0x9000000 (dtb stdout-path)" in out, out
    assert re.search(r"regvisor: memory 0x40000000\.\.0x50000000 \(dtb\)", out), out
    assert "guest: hello from EL1" in out, out
    assert "PASS: hvc: SMCCC_VERSION is 1.1" in out, out
    assert "FAIL:" not in out, out
    assert re.search(r"SUMMARY: \d+ tests, 0 unexpected failures", out), out
    assert "regvisor: guest: PSCI SYSTEM_OFF" in out, out
    assert res.status == 0, out


def test_boot_elf():
    """QEMU -kernel of the ELF: no x0, the DTB sits at the start of RAM."""
    res = boot(image="elf")
    assert_clean_guest_run(res)
    assert "regvisor: dtb at 0x40000000" in res.output
    assert res.returncode == 0


def test_boot_image_bin():
    """QEMU -kernel of the .bin: an arm64 Image, DTB address in x0."""
    res = boot(image="bin")
    assert_clean_guest_run(res)
    m = re.search(r"regvisor: dtb at (0x[0-9a-f]+)", res.output)
    assert m and int(m.group(1), 16) != 0x40000000, res.output
    assert res.returncode == 0


def test_boot_from_el3():
    """Started at EL3 (secure=on): the firmware drops to EL2 itself."""
    res = boot(image="elf", secure=True)
    assert_clean_guest_run(res, entered="EL3")
    assert "regvisor: no PSCI firmware to power off; halting here" in res.output


def test_boot_through_uboot(tmp_path):
    """Debian's U-Boot for QEMU loads nothing itself: the firmware and the
    guest image are preloaded into RAM (as U-Boot's `load` would on a board),
    the bootargs name the guest and its command line, and booti starts the
    firmware with U-Boot's DTB. The guest is entered as an arm64 Image, gets
    the command line after ' -- ' in its DTB, and passes."""
    from test_loader import check_guest_dtb
    q = Qemu(bios=UBOOT, loader=(build_path(LATEST, "regvisor.bin"), 0x44000000),
             append="regvisor.dumpdtb=1", guest_append="console=ttyAMA0 from=u-boot")
    assert "regvisor.guest=0x40400000 -- console=ttyAMA0 from=u-boot" in q.append
    assert any(a.startswith("loader,file=") and "guest.bin,addr=0x40400000" in a
               for a in q.cmd), q.cmd
    q.start()
    try:
        q.expect(r"Hit any key to stop autoboot|=> ", 60)
        q.send("\r")
        q.expect(r"=> ", 30)
        q.send(f"setenv bootargs '{q.append}'\r")
        q.expect(r"=> ", 30)
        q.send("booti 0x44000000 - ${fdtcontroladdr}\r")
        res = q.wait(90)
    finally:
        if q.proc.poll() is None:
            q.proc.kill()
    assert "U-Boot" in res.output
    assert_clean_guest_run(res)
    assert 'regvisor: bootargs "regvisor.dumpdtb=1 regvisor.guest=0x40400000' in res.output
    assert re.search(r"regvisor: guest: arm64 Image at 0x40400000 \(0x[0-9a-f]+ bytes\), "
                     r'dtb at 0x4fff0000, command line "console=ttyAMA0 from=u-boot"',
                     res.output), res.output
    check_guest_dtb(res, tmp_path, "console=ttyAMA0 from=u-boot", None)


def test_started_at_el1_says_so_and_fails():
    """Without virtualization=on the CPU starts at EL1: a clear message, status 2, no hang."""
    res = boot(virtualization=False)
    assert not res.timed_out, res.output
    assert "regvisor: FATAL: started at EL1: this CPU gives regvisor no EL2" in res.output
    assert res.status == 2
    assert "guest:" not in res.output


def test_crash_report():
    """An unexpected exception at EL2 gives the full report and a failure status."""
    res = boot(append="regvisor.fault=el2")
    out = res.output
    assert not res.timed_out, out
    assert "regvisor: CRASH: unexpected exception: EL2 sync, DABT_CUR" in out, out
    assert "crash: far  = 0x0000000100000000" in out, out
    for name in ["esr ", "elr ", "spsr", "sp  "]:
        assert re.search(rf"^crash: {name} = 0x[0-9a-f]{{16}}$", out, re.M), name
    for i in range(31):
        assert re.search(rf"^crash: x{i:<3} = 0x[0-9a-f]{{16}}$", out, re.M), f"x{i}"
    assert res.status == 3
    assert "guest: hello" not in out


def test_run_wrapper_exit_code(tmp_path):
    """tools/regvisor-qemu (what make run uses) exits with the firmware's status."""
    import subprocess
    import os
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    tool = os.path.join(root, "tools", "regvisor-qemu")
    ok = subprocess.run([tool, "--bin", build_path(LATEST, "regvisor.bin"), "--timeout", "60"],
                        capture_output=True, text=True, timeout=90)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    el1 = subprocess.run([tool, "--bin", build_path(LATEST, "regvisor.bin"), "--no-el2",
                          "--timeout", "60"], capture_output=True, text=True, timeout=90)
    assert el1.returncode == 2, el1.stdout + el1.stderr


def test_failing_guest_gives_a_failure_status():
    """A guest that reports a failure makes the run fail: status 1, and the
    wrapper (what make run uses) exits 1."""
    import os
    import subprocess
    res = boot(append="regvisor.guestarg=1")
    assert "FAIL: deliberate failure (regvisor.guestarg=1)" in res.output
    assert re.search(r"SUMMARY: \d+ tests, 1 unexpected failures", res.output), res.output
    assert res.status == 1
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    r = subprocess.run([os.path.join(root, "tools", "regvisor-qemu"), "--bin",
                        build_path(LATEST, "regvisor.bin"), "--append", "regvisor.guestarg=1"],
                       capture_output=True, text=True, timeout=90)
    assert r.returncode == 1, r.stdout[-2000:]


def test_stack_overflow_hits_the_guard_page():
    """The page below each stack is unmapped: an overflow is a crash report."""
    import subprocess
    res = boot(append="regvisor.fault=stack")
    assert "regvisor: CRASH: unexpected exception: EL2 sync, DABT_CUR" in res.output, res.output
    far = int(re.search(r"crash: far  = (0x[0-9a-f]+)", res.output).group(1), 16)
    nm = subprocess.run(["aarch64-linux-gnu-nm", build_path(LATEST, "regvisor.elf")],
                        capture_output=True, text=True, check=True).stdout
    guard = int(re.search(r"^([0-9a-f]+) B stack_guard_boot$", nm, re.M).group(1), 16)
    assert guard <= far < guard + 4096, (hex(far), hex(guard))
    assert res.status == 3


def test_secondary_cpus_parked():
    """Started at EL3 with two CPUs (no PSCI to hold the second back), the
    secondary parks and the boot CPU runs the guest."""
    q = Qemu(kernel=build_path(LATEST, "regvisor.elf"), secure=True, extra=["-smp", "2"])
    res = q.run(timeout=60)
    assert_clean_guest_run(res, entered="EL3")
    assert res.output.count(f"regvisor: version {LATEST} (") == 1


def edited_dtb(tmp_path, edit):
    """QEMU's own DTB for the firmware's machine, as dts text through edit(), back to a DTB."""
    dtc = shutil.which("dtc")
    assert dtc, "dtc missing: make deps installs device-tree-compiler"
    plain, changed = tmp_path / "virt.dtb", tmp_path / "board.dtb"
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"), extra=["-machine", f"dumpdtb={plain}"])
    subprocess.run(q.cmd, capture_output=True, timeout=60, check=True)
    dts = subprocess.run([dtc, "-q", "-I", "dtb", "-O", "dts", str(plain)], capture_output=True,
                         text=True, check=True).stdout
    assert 'stdout-path = "/pl011@9000000";' in dts, dts
    subprocess.run([dtc, "-q", "-I", "dts", "-O", "dtb", "-o", str(changed)], input=edit(dts),
                   text=True, capture_output=True, check=True)
    return changed


def test_dtb_console_by_alias_and_gic_under_a_bus(tmp_path):
    """QEMU's own DTB, changed the way real boards' are: stdout-path names an
    alias with options ("serial0:115200n8", /aliases giving the path), and the
    GICv3 sits under a bus node whose cells are one each, not the root's two.
    The firmware reads the tree in one walk: it must still find the console
    (through the alias) and read the GIC's reg in its parent's cells, or the
    guest runs without a vGIC and its GIC checks fail."""
    def edit(dts):
        start = dts.index("\tintc@8000000 {")
        end = dts.index("\n\t};\n", start) + len("\n\t};\n")
        gic = dts[start:end]
        wide = "reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0xf60000>;"
        assert wide in gic, gic
        gic = gic.replace(wide, "reg = <0x8000000 0x10000 0x80a0000 0xf60000>;")
        bus = ('\tsoc {\n\t\tcompatible = "simple-bus";\n\t\t#address-cells = <0x01>;\n'
               '\t\t#size-cells = <0x01>;\n\t\tranges = <0x00 0x00 0x00 0x40000000>;\n\n' +
               "".join("\t" + line if line else line for line in gic.splitlines(True)) +
               '\t};\n\n\taliases {\n\t\tserial0 = "/pl011@9000000";\n\t};\n\n')
        dts = dts[:start] + dts[end:]
        dts = dts.replace("\tchosen {", bus + "\tchosen {", 1)
        return dts.replace('stdout-path = "/pl011@9000000";', 'stdout-path = "serial0:115200n8";')

    res = Qemu(kernel=build_path(LATEST, "regvisor.bin"),
               extra=["-dtb", str(edited_dtb(tmp_path, edit))]).run(timeout=60)
    assert "no GICv3 found" not in res.output, res.output
    assert_clean_guest_run(res)


def test_dtb_aliases_naming_each_other(tmp_path):
    """A DTB from outside whose stdout-path names an alias that names another,
    which names the first: libfdt would follow them without end (the stack
    overflows). An alias' value must be a full path (the devicetree spec): the
    firmware takes the console at its default and runs the guest."""
    def edit(dts):
        dts = dts.replace("\tchosen {", '\taliases {\n\t\tserial0 = "serial1";\n'
                          '\t\tserial1 = "serial0";\n\t};\n\n\tchosen {', 1)
        return dts.replace('stdout-path = "/pl011@9000000";', 'stdout-path = "serial0";')

    res = Qemu(kernel=build_path(LATEST, "regvisor.bin"),
               extra=["-dtb", str(edited_dtb(tmp_path, edit))]).run(timeout=60)
    out = res.output
    assert "regvisor: console pl011 at 0x9000000 (default)" in out, out
    assert "CRASH" not in out and "guest: hello from EL1" in out, out
    assert re.search(r"SUMMARY: \d+ tests, 0 unexpected failures", out), out
    assert res.status == 0, out


def test_gicv2_board_runs_the_guest_without_interrupts():
    """A GICv2 board (QEMU virt,gic-version=2): the DTB names no GICv3 and the
    CPU has no GIC system registers, so there is no vGIC. The firmware says
    so and runs the guest, its console passed through, without touching a
    GICv3 register (it used to probe the defaults' redistributor and crash).
    The test guest's own GICv3 checks then fail (its ICC_* accesses are
    UNDEF, as on any GICv2 CPU): status 1, the guest's, not a crash's 3."""
    q = Qemu(kernel=build_path(LATEST, "regvisor.bin"), extra=["-M", "gic-version=2"])
    res = q.run(timeout=60)
    out = res.output
    assert not res.timed_out, out
    assert "regvisor: gic: no GICv3 found: the guest gets no interrupts, its console passed " \
        "through\n" in out, out
    assert "CRASH" not in out, out
    assert "guest: hello from EL1" in out, out
    assert "PASS: hvc: SMCCC_VERSION is 1.1 (0x10001)" in out, out
    assert re.search(r"^SUMMARY: \d+ tests, \d+ unexpected failures$", out, re.M), out
    assert res.status == 1, out
