"""Two firmware builds on two QEMUs, each UART on its own socket: the guest
checkpoints on the source, its state goes out of one UART, through the host
tool's framing code, into the other, and the guest resumes there."""
import os
import subprocess
import tempfile

from rvqemu import ROOT, Qemu, build_path

TOOL = os.path.join(ROOT, "build", "regvisor-state")
CHECKPOINT = 0x2


def boot_source(version, append="", mode=CHECKPOINT, smp=1):
    q = Qemu(kernel=build_path(version, "regvisor.bin"), unix_socket=True, smp=smp,
             append=f"{append} regvisor.guestarg={mode}".strip()).start()
    q.expect(r"regvisor: monitor: guest stopped at its checkpoint call", 60)
    q.expect(Qemu.PROMPT, 10)
    return q


def boot_destination(version, append="", smp=1):
    q = Qemu(kernel=build_path(version, "regvisor.bin"), unix_socket=True, smp=smp,
             append=f"{append} regvisor.incoming=uart".strip()).start()
    q.expect(r"waiting for incoming guest state", 60)
    q.expect(Qemu.PROMPT, 10)
    return q


def reframe(console_text):
    """The blob in a console capture, checked and framed again by the host tool."""
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write(console_text)
    try:
        r = subprocess.run([TOOL, "frame", f.name], capture_output=True, text=True, timeout=30)
    finally:
        os.unlink(f.name)
    assert r.returncode == 0, r.stderr
    return r.stdout


def send_blob(dst, framed):
    """`load` on the destination, then the framed lines; returns what it printed."""
    start = len(dst.output)
    dst.send("load\r")
    m = dst.expect(r"regvisor: load: send the framed blob.*\n", 10, start)
    for line in framed.splitlines():
        dst.send(line + "\r\n")
    dst.expect(r"regvisor: load: (?!send).*\n(.|\n)*?" + Qemu.PROMPT, 60, m.end())
    return dst.output[start:]


def resume(dst, timeout=60):
    dst.send("resume\r")
    return dst.wait(timeout)
