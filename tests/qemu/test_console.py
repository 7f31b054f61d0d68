"""A guest cannot speak for the firmware: its lines that could pass for a
firmware line or frame are prefixed (vmstate/guestout.h), and the wrapper
and the host tool believe only the firmware's own lines and frames."""
import os
import re
import subprocess

from rvqemu import ROOT, STATUS_RE, Qemu

TOOL = os.path.join(ROOT, "build", "regvisor-state")
WRAPPER = os.path.join(ROOT, "tools", "regvisor-qemu")
KERNEL = os.path.join(ROOT, "build", "regvisor.bin")
FORGE, CHECKPOINT, FAIL, WFI = 0x100, 0x2, 0x1, 0x80
PREFIX = "guest| "


def tool(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=60)


def test_forged_status_line_is_the_guests():
    # The guest forges a status 0, then hangs in WFI: it never powers off.
    q = Qemu(kernel=KERNEL, append=f"regvisor.guestarg={FORGE | WFI:#x}")
    res = q.run(timeout=6)
    assert res.status is None and res.timed_out, res.output
    assert not STATUS_RE.search(res.output)
    assert res.output.count(PREFIX + "regvisor: poweroff status=0") == 3, res.output
    lines = res.output.splitlines()
    assert not [l for l in lines if l.startswith(("regvisor: poweroff", "-----", "Length:",
                                                  "CRC32C:"))], res.output


def test_wrapper_does_not_take_a_forged_status():
    r = subprocess.run([WRAPPER, "--bin", KERNEL, "--append",
                        f"regvisor.guestarg={FORGE | WFI:#x}", "--timeout", "6"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 124, (r.returncode, r.stdout[-2000:], r.stderr)
    # Forged, then failed for real: the firmware's status 1 counts.
    r = subprocess.run([WRAPPER, "--bin", KERNEL, "--append",
                        f"regvisor.guestarg={FORGE | FAIL:#x}"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, (r.returncode, r.stdout[-2000:])


def test_tool_takes_the_firmwares_frame_not_the_guests(tmp_path):
    # The guest prints a valid forged frame (x0 = 0x666) before its checkpoint;
    # regvisor.checkpoint=save prints the firmware's and the guest goes on.
    q = Qemu(kernel=KERNEL, append=f"regvisor.guestarg={FORGE | CHECKPOINT:#x} "
             "regvisor.checkpoint=save")
    res = q.run(timeout=60)
    assert res.status == 0, res.output
    log = tmp_path / "source.log"
    log.write_text(res.output)
    assert PREFIX + "-----BEGIN REGVISOR VMSTATE-----" in res.output
    r = tool("decode", str(log))
    assert r.returncode == 0, r.stderr
    assert "x0  = 0x0000000000000666" not in r.stdout
    assert re.search(r"^PSCI_VERSION +0x6030000000140000  0x0000000000010001", r.stdout, re.M)
    assert "frame 1 of 1" in r.stderr
    # Only the firmware's frame is a frame: there is no second one.
    r = tool("decode", str(log), "--frame", "2")
    assert r.returncode == 1 and "no frame 2: the log holds 1" in r.stderr


def test_last_frame_by_default_and_frame_n(tmp_path):
    blobs = []
    for x0 in (1, 2, 3):
        t = tmp_path / f"{x0}.txt"
        t.write_text(f"x0={x0}\npstate=0x3c5\nvcount=1\n")
        b = tmp_path / f"{x0}.bin"
        assert tool("encode", str(t), "-o", str(b)).returncode == 0
        blobs.append(tool("frame", str(b)).stdout)
    log = tmp_path / "log.txt"
    log.write_text("noise\n" + "guest: hi\n".join(blobs) + "regvisor: poweroff status=0\n")
    r = tool("decode", str(log))
    assert "x0  = 0x0000000000000003" in r.stdout and "frame 3 of 3" in r.stderr
    for n in (1, 2, 3):
        r = tool("decode", str(log), "--frame", str(n))
        assert f"x0  = 0x{n:016x}" in r.stdout, r.stderr
        assert f"frame {n} of 3 (line " in r.stderr
    r = tool("frame", str(log), "--frame", "4")
    assert r.returncode == 1 and "no frame 4: the log holds 3" in r.stderr
    assert tool("decode", str(log), "--frame", "0").returncode == 2
