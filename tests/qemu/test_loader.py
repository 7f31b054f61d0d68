"""The guest loader on real QEMU: every refusal (one error line, status 6,
no guest started), the arm64 Image and raw-binary paths, and the guest DTB
the firmware builds (printed with regvisor.dumpdtb=1, decoded here).

Bad images are built here: a 64-byte arm64 Image header
(Documentation/arch/arm64/booting.rst) followed by a few instructions that
power the machine off by PSCI. Should a check be lost and such an image be
entered, the run ends at once with status 0, and the test fails."""
import re
import shutil
import struct
import os
import subprocess

import pytest

from fdtpy import Fdt, dumped_dtb
from rvqemu import GUEST_ADDR, LATEST, ROOT, Qemu, build_path, guest_image_for

FIRMWARE = build_path(LATEST, "regvisor.bin")
TEST_GUEST = guest_image_for(FIRMWARE)
EXIT_GUEST_IMAGE = 6

IMAGE_MAGIC = 0x644D5241            # "ARM\x64" at offset 56
FLAGS_LE_4K_ANYWHERE = 0xA          # bit 0 LE, bits 1-2 4 KiB pages, bit 3 anywhere
RAM_END = 0x50000000                # QEMU virt, -m 256M
GUEST_RAM_END = RAM_END             # 2 MiB aligned already
GUEST_DTB = GUEST_RAM_END - 0x10000  # the guest DTB's 64 KiB at the top of guest RAM
FW_BASE = 0x40200000                # the firmware (linker.ld)

# After the header: x0 = PSCI SYSTEM_OFF (0x84000008), hvc #0, then spin.
POWEROFF_CODE = struct.pack("<4I", 0x52800100,    # movz w0, #0x8
                            0x72B08000,           # movk w0, #0x8400, lsl #16
                            0xD4000002,           # hvc  #0
                            0x14000000)           # b    .


def image(text_offset=0, image_size=0x10000, flags=FLAGS_LE_4K_ANYWHERE, magic=IMAGE_MAGIC):
    """An arm64 Image: header (code0 branches over it) and POWEROFF_CODE."""
    hdr = struct.pack("<IIQQQQQQII", 0x14000010, 0,   # code0: b +64; code1
                      text_offset, image_size, flags, 0, 0, 0, magic, 0)
    assert len(hdr) == 64
    return hdr + POWEROFF_CODE


def write(tmp_path, data, name="guest.img"):
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def run(guest=None, guest_addr=GUEST_ADDR, append="", **kw):
    """Boot the firmware; guest=None loads nothing and names no address."""
    return Qemu(kernel=FIRMWARE, guest=guest, guest_addr=guest_addr, append=append,
                **kw).run(timeout=60)


def error_lines(out):
    return [l for l in out.splitlines() if re.search(r"error", l, re.I)]


def assert_refused(res, pattern):
    """One error line matching pattern, status 6, no guest, no crash."""
    out = res.output
    assert not res.timed_out, out
    errs = error_lines(out)
    assert len(errs) == 1, out
    assert re.search(pattern, errs[0]), (pattern, errs[0])
    assert "CRASH" not in out and "PANIC" not in out, out
    assert "entering EL1" not in out and "guest: hello" not in out, out
    assert res.status == EXIT_GUEST_IMAGE, out
    assert out.rstrip().endswith(f"regvisor: poweroff status={EXIT_GUEST_IMAGE}"), out


def assert_guest_passed(res):
    out = res.output
    assert not res.timed_out, out
    assert "guest: hello from EL1" in out, out
    assert "FAIL:" not in out and not error_lines(out), out
    assert re.search(r"SUMMARY: \d+ tests, 0 unexpected failures", out), out
    assert res.status == 0, out


# ---- refusals: the image ----

def test_no_image_named():
    res = run(guest=None)
    assert_refused(res, r"^regvisor: guest: error: no guest image: give regvisor\.guest=ADDR")


def test_nothing_loaded_at_the_address():
    """regvisor.guest names an address where nothing was loaded: RAM reads zero."""
    res = run(append="regvisor.guest=0x41000000")
    assert_refused(res, r"guest image at 0x41000000\.\.0x41000040: nothing there")


def test_all_zero_file_loaded(tmp_path):
    res = run(guest=write(tmp_path, bytes(4096)))
    assert_refused(res, r"guest image at 0x40400000\.\.0x40400040: nothing there")


def test_device_tree_is_no_guest(tmp_path):
    """A device tree where the image should be (QEMU puts its own there with
    -m 8M) is not taken for a raw binary."""
    res = run(guest=write(tmp_path, struct.pack(">II", 0xD00DFEED, 0x1000) + bytes(120)))
    assert_refused(res, r"guest image at 0x40400000\.\.0x40400040: holds a device tree")
    res = Qemu(kernel=FIRMWARE, guest=None, append="regvisor.guest=0x40400000",
               extra=["-m", "8M"]).run(timeout=60)
    assert "regvisor: dtb at 0x40400000" in res.output, res.output
    assert_refused(res, r"guest image at 0x40400000\.\.0x40400040: holds a device tree")


def test_image_beyond_ram():
    res = run(append="regvisor.guest=0x60000000")
    assert_refused(res, r"guest image at 0x60000000\.\.0x60000040: lies beyond the end of "
                        r"guest RAM")


def test_image_below_guest_ram():
    """RAM below the firmware is not the guest's: a real guest loaded there is refused."""
    res = run(guest=TEST_GUEST, guest_addr=0x40100000)
    assert_refused(res, r"guest image at 0x40100000\.\.0x40100040: starts below guest RAM")


def test_image_overlapping_the_firmware():
    res = run(append=f"regvisor.guest={FW_BASE + 0x1000:#x}")
    assert_refused(res, rf"guest image at {FW_BASE + 0x1000:#x}\.\.0x[0-9a-f]+: overlaps "
                        r"the firmware")


def test_image_misaligned(tmp_path):
    res = run(guest=TEST_GUEST, guest_addr=GUEST_ADDR + 2)
    assert_refused(res, r"guest image at 0x40400002\.\.0x40400042: entry not 4-byte aligned")


def test_image_big_endian(tmp_path):
    res = run(guest=write(tmp_path, image(flags=FLAGS_LE_4K_ANYWHERE | 1)))
    assert_refused(res, r"arm64 Image at 0x40400000\.\.0x40410000: big-endian kernel")


def test_image_text_offset_2m_or_more(tmp_path):
    """text_offset 2 MiB, placed where it would add up (0x40400000 + 2 MiB)."""
    res = run(guest=write(tmp_path, image(text_offset=0x200000)), guest_addr=0x40600000)
    assert_refused(res, r"arm64 Image at 0x40600000\.\.0x40610000: text_offset of 2 MiB or more")


def test_image_not_text_offset_above_2m_boundary(tmp_path):
    res = run(guest=write(tmp_path, image()), guest_addr=0x40410000)
    assert_refused(res, r"arm64 Image at 0x40410000: must lie text_offset 0x0 above a 2 MiB "
                        r"boundary \(e\.g\. at 0x40600000\)")


def test_image_with_text_offset_misplaced(tmp_path):
    """text_offset 0x80000 at a 2 MiB boundary: off by text_offset."""
    res = run(guest=write(tmp_path, image(text_offset=0x80000)))
    assert_refused(res, r"arm64 Image at 0x40400000: must lie text_offset 0x80000 above a "
                        r"2 MiB boundary \(e\.g\. at 0x40480000\)")


def test_image_size_beyond_ram(tmp_path):
    res = run(guest=write(tmp_path, image(image_size=0x20000000)))
    assert_refused(res, r"arm64 Image at 0x40400000\.\.0x60400000: runs past the end of "
                        r"guest RAM")


def test_image_size_wraps(tmp_path):
    res = run(guest=write(tmp_path, image(image_size=(1 << 64) - 0x1000)))
    assert_refused(res, r"arm64 Image at 0x40400000\.\.0x[0-9a-f]+: runs past the end of "
                        r"guest RAM")


def test_image_over_the_guest_dtb(tmp_path):
    res = run(guest=write(tmp_path, image(image_size=GUEST_DTB - GUEST_ADDR + 0x1000)))
    assert_refused(res, r"arm64 Image at 0x40400000\.\.0x4fff1000: overlaps the guest DTB")


# ---- refusals: the initrd (with the real test guest, which would pass) ----

@pytest.mark.parametrize("initrd,why", [
    ("0x60000000,0x1000", r"lies beyond the end of guest RAM"),
    ("0x4ffff000,0x2000", r"runs past the end of guest RAM"),
    (f"{FW_BASE + 0x10000:#x},0x1000", r"overlaps the firmware"),
    ("0x40000000,0x1000", r"starts below guest RAM"),
    (f"{GUEST_DTB + 0x8000:#x},0x1000", r"overlaps the guest DTB"),
    ("0x40401000,0x1000", r"overlaps the guest image"),
])
def test_initrd_refused(initrd, why):
    res = run(guest=TEST_GUEST, append=f"regvisor.initrd={initrd}")
    a, n = (int(v, 16) for v in initrd.split(","))
    assert_refused(res, rf"^regvisor: guest: error: initrd at {a:#x}\.\.{a + n:#x}: {why}")


# ---- refusals: the boot arguments themselves ----

@pytest.mark.parametrize("arg,want", [
    ("regvisor.guest=0x4040zz00", r"want ADDR"),
    ("regvisor.guest=0", r"want ADDR"),
    ("regvisor.guest=", r"want ADDR"),
    ("regvisor.guest", r"want ADDR"),
    ("regvisor.initrd=0x48000000", r"want ADDR,SIZE"),
    ("regvisor.initrd=0x48000000,0", r"want ADDR,SIZE"),
    ("regvisor.initrd=0x48000000,zz", r"want ADDR,SIZE"),
    ("regvisor.initrd=0xffffffffffff0000,0x10000", r"want ADDR,SIZE"),
    ("regvisor.initrd", r"want ADDR,SIZE"),
])
def test_bad_loader_argument(arg, want):
    """A bad location is not skipped: the guest it named would be missing (the
    test guest is loaded and named after it, and would pass)."""
    res = run(guest=TEST_GUEST, append=arg)
    assert_refused(res, rf"^regvisor: bootargs: error: {re.escape(arg)}=?.*: {want}.*the guest "
                        r"is not started$")


# ---- the image paths ----

def test_test_guest_is_an_arm64_image():
    """tests/guest carries an arm64 Image header: entered by the Image path,
    its image_size (BSS and stack included) reported."""
    with open(TEST_GUEST, "rb") as f:
        hdr = f.read(64)
    code0, _, off, size, flags, _, _, _, magic, _ = struct.unpack("<IIQQQQQQII", hdr)
    assert magic == IMAGE_MAGIC and off == 0 and flags == FLAGS_LE_4K_ANYWHERE
    res = run(guest=TEST_GUEST)
    assert_guest_passed(res)
    assert f"regvisor: guest: arm64 Image at 0x40400000 ({size:#x} bytes)" in res.output, \
        res.output


def test_raw_binary_guest(tmp_path):
    """The same guest with the magic cleared is a raw binary, entered at its first byte."""
    data = bytearray(open(TEST_GUEST, "rb").read())
    data[56:60] = bytes(4)
    res = run(guest=write(tmp_path, bytes(data)))
    assert_guest_passed(res)
    assert "regvisor: guest: raw binary at 0x40400000, dtb at" in res.output, res.output


# ---- the guest DTB ----

def dtc_ok(tmp_path, blob):
    """dtc reads it back as a device tree without complaint."""
    dtc = shutil.which("dtc")
    assert dtc, "dtc missing: make deps installs device-tree-compiler"
    p = tmp_path / "guest.dtb"
    p.write_bytes(blob)
    r = subprocess.run([dtc, "-I", "dtb", "-O", "dts", str(p)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def reg64(cells):
    return [(cells[i] << 32 | cells[i + 1], cells[i + 2] << 32 | cells[i + 3])
            for i in range(0, len(cells), 4)]


def check_guest_dtb(res, tmp_path, bootargs, initrd, ncpus=1):
    out = res.output
    assert_guest_passed(res)
    blob = dumped_dtb(out)
    dts = dtc_ok(tmp_path, blob)
    fdt = Fdt(blob)
    # The test guest was handed this very tree in x0.
    dtb_at = int(re.search(r"INFO: dtb (0x[0-9a-f]+)", out).group(1), 16)
    assert dtb_at == GUEST_DTB, out
    assert fdt.rsv == []
    root = fdt.nodes["/"]
    assert fdt.cells("/", "#address-cells") == [2] and fdt.cells("/", "#size-cells") == [2]
    # Memory: guest RAM, nothing else.
    mems = [p for p, props in fdt.nodes.items()
            if props.get("device_type", b"").rstrip(b"\0") == b"memory"]
    assert mems == ["/memory@40400000"], mems
    assert reg64(fdt.cells(mems[0], "reg")) == [(GUEST_ADDR, GUEST_RAM_END - GUEST_ADDR)]
    # /chosen: the guest's command line, its initrd, the console.
    chosen = fdt.nodes["/chosen"]
    assert fdt.str("/chosen", "bootargs") == bootargs
    if initrd:
        start, end = initrd
        assert struct.unpack(">Q", chosen["linux,initrd-start"])[0] == start
        assert struct.unpack(">Q", chosen["linux,initrd-end"])[0] == end
    else:
        assert "linux,initrd-start" not in chosen and "linux,initrd-end" not in chosen
    uart = fdt.str("/chosen", "stdout-path")
    assert uart in fdt.nodes, uart
    assert "arm,pl011" in fdt.strs(uart, "compatible")
    assert reg64(fdt.cells(uart, "reg"))[0][0] == 0x9000000
    # PSCI 1.0 by HVC.
    assert fdt.strs("/psci", "compatible")[0] == "arm,psci-1.0"
    assert fdt.str("/psci", "method") == "hvc"
    # /cpus: exactly the vCPUs offered, in order, reg = each one's MPIDR affinity
    # (the boot vCPU's as the firmware prints it, then Aff0 = 1, 2, ...).
    mpidr = int(re.search(r"regvisor: id MPIDR_EL1\s+= (0x[0-9a-f]+)", out).group(1), 16)
    assert mpidr & 0xFFFFFF == 0
    cpus = [p for p in fdt.children("/cpus")
            if fdt.nodes[p].get("device_type", b"").rstrip(b"\0") == b"cpu"]
    assert len(cpus) == ncpus and len(fdt.children("/cpus")) == ncpus, fdt.children("/cpus")
    for i, cpu in enumerate(cpus):
        assert fdt.cells(cpu, "reg") == [i]
        assert cpu == f"/cpus/cpu@{i:x}"
        assert fdt.str(cpu, "enable-method") == "psci"
    # No device the guest does not get.
    for p, props in fdt.nodes.items():
        name = p.rsplit("/", 1)[-1]
        compat = props.get("compatible", b"").decode(errors="replace")
        for bad in ["virtio_mmio", "pcie", "fw-cfg", "flash", "its", "gpio", "pl031", "pl061"]:
            assert not name.startswith(bad), p
        for bad in ["virtio,mmio", "pci-host", "qemu,fw-cfg", "cfi-flash", "arm,gic-v3-its"]:
            assert bad not in compat, (p, compat)
    assert "virtio" not in dts and "pcie" not in dts and "fw-cfg" not in dts
    # What it keeps: the GIC (for the interrupts to come) and the timer.
    assert any("arm,gic-v3" in v.get("compatible", b"").decode() for v in fdt.nodes.values())
    assert any("arm,armv8-timer" in v.get("compatible", b"").decode()
               for v in fdt.nodes.values())
    assert "interrupt-parent" not in root or fdt.cells("/", "interrupt-parent")
    return fdt


GUEST_ARGS = "console=ttyAMA0 earlycon root=/dev/ram0 rv.test=\"a b\""


def test_guest_dtb_with_qemu_initrd(tmp_path):
    """QEMU's -initrd: the bootloader's /chosen initrd passes on to the guest."""
    rd = write(tmp_path, bytes(range(256)) * 20 + b"x", "initrd.img")   # 5121 bytes
    res = run(guest=TEST_GUEST, append="regvisor.dumpdtb=1", initrd=rd, guest_append=GUEST_ARGS)
    m = re.search(r"regvisor: guest: arm64 Image at 0x40400000 \(0x[0-9a-f]+ bytes\), "
                  r"initrd (0x[0-9a-f]+)\.\.(0x[0-9a-f]+), ", res.output)
    assert m, res.output
    start = int(m.group(1), 16)
    # QEMU virt places an Image's initrd half-way into RAM (at most 128 MiB in).
    assert start == 0x48000000
    check_guest_dtb(res, tmp_path, GUEST_ARGS, (start, start + 5121))
    assert int(m.group(2), 16) == start + 5121


def test_guest_dtb_with_regvisor_initrd(tmp_path):
    """regvisor.initrd=ADDR,SIZE over the bootloader's, an empty command line."""
    rd = write(tmp_path, b"\x5a" * 3000, "initrd.img")
    q = Qemu(kernel=FIRMWARE, append="regvisor.dumpdtb=1 regvisor.initrd=0x45000000,3000",
             loader=(rd, 0x45000000))
    res = q.run(timeout=60)
    check_guest_dtb(res, tmp_path, "", (0x45000000, 0x45000000 + 3000))


def test_guest_dtb_without_initrd(tmp_path):
    res = run(guest=TEST_GUEST, append="regvisor.dumpdtb=1", guest_append="quiet")
    check_guest_dtb(res, tmp_path, "quiet", None)


def test_guest_dtb_lists_every_vcpu(tmp_path):
    """-smp 4: four cpu nodes, the guest finds and starts all four."""
    res = run(guest=TEST_GUEST, append="regvisor.dumpdtb=1", guest_append="quiet", smp=4)
    check_guest_dtb(res, tmp_path, "quiet", None, ncpus=4)
    assert "INFO: smp: 4 vCPUs\n" in res.output


def test_no_dtb_dump_unless_asked():
    res = run(guest=TEST_GUEST)
    assert_guest_passed(res)
    assert "REGVISOR DTB" not in res.output


def test_regvisor_qemu_guest_options(tmp_path):
    """tools/regvisor-qemu --guest/--initrd/--guest-append/--append reach the
    firmware and the guest DTB, and its exit status is the firmware's (6 for
    a refused image)."""
    tool = os.path.join(ROOT, "tools", "regvisor-qemu")
    rd = write(tmp_path, b"initrd" * 100, "initrd.img")
    ok = subprocess.run([tool, "--bin", FIRMWARE, "--guest", TEST_GUEST, "--initrd", rd,
                         "--guest-append", "console=ttyAMA0 x=1", "--append",
                         "regvisor.dumpdtb=1", "--timeout", "60"],
                        capture_output=True, text=True, timeout=90)
    assert ok.returncode == 0, ok.stdout[-3000:] + ok.stderr
    fdt = Fdt(dumped_dtb(ok.stdout))
    assert fdt.str("/chosen", "bootargs") == "console=ttyAMA0 x=1"
    start = struct.unpack(">Q", fdt.nodes["/chosen"]["linux,initrd-start"])[0]
    assert struct.unpack(">Q", fdt.nodes["/chosen"]["linux,initrd-end"])[0] == start + 600
    bad = subprocess.run([tool, "--bin", FIRMWARE, "--guest",
                          write(tmp_path, image(flags=1)), "--timeout", "60"],
                         capture_output=True, text=True, timeout=90)
    assert bad.returncode == EXIT_GUEST_IMAGE, bad.stdout[-3000:] + bad.stderr
    assert "arm64 Image at 0x40400000..0x40410000: big-endian kernel" in bad.stdout
