"""tools/regvisor-qemu (what `make run` uses) on a terminal: interactive,
the terminal restored afterwards, QEMU's exit key, the firmware's status."""
import os
import select
import subprocess
import termios
import time

from rvqemu import LATEST, ROOT

WRAPPER = os.path.join(ROOT, "tools", "regvisor-qemu")
KERNEL = os.path.join(ROOT, "build", "regvisor.bin")


def on_a_terminal(append):
    master, slave = os.openpty()
    before = termios.tcgetattr(slave)
    p = subprocess.Popen([WRAPPER, "--bin", KERNEL, "--append", append],
                         stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    return p, master, slave, before


def read_until(master, text, timeout=30):
    out = b""
    end = time.monotonic() + timeout
    while text.encode() not in out:
        left = end - time.monotonic()
        assert left > 0, f"{text!r} not seen: {out.decode(errors='replace')[-2000:]}"
        r, _, _ = select.select([master], [], [], min(left, 0.5))
        if r:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
    return out.decode(errors="replace")


def test_interactive_monitor_and_status():
    p, master, slave, before = on_a_terminal("regvisor.guestarg=2")
    try:
        read_until(master, "interactive console: Ctrl-] breaks in, Ctrl-A x quits QEMU")
        read_until(master, "regvisor> ")
        os.write(master, b"version\r")
        out = read_until(master, "regvisor> ")
        assert f"regvisor: version {LATEST}" in out, out
        # Raw: lines end with CR LF on the terminal, not a staircase.
        assert f"\r\nregvisor: version {LATEST}" in out, repr(out)
        os.write(master, b"poweroff\r")
        read_until(master, "regvisor: poweroff status=0")
        assert p.wait(30) == 0
        assert termios.tcgetattr(slave) == before
    finally:
        p.kill()
        os.close(master)
        os.close(slave)


def test_status_of_a_failing_guest_and_ctrl_a_x():
    p, master, slave, before = on_a_terminal("regvisor.guestarg=1")
    try:
        read_until(master, "regvisor: poweroff status=1")
        assert p.wait(30) == 1
    finally:
        p.kill()
        os.close(master)
        os.close(slave)
    p, master, slave, before = on_a_terminal("regvisor.guestarg=2")
    try:
        read_until(master, "regvisor> ")
        os.write(master, b"\x01x")
        assert p.wait(30) == 125
        assert termios.tcgetattr(slave) == before
    finally:
        p.kill()
        os.close(master)
        os.close(slave)


def test_make_run_says_the_status():
    r = subprocess.run(["make", "-s", "run", "BOOTARGS=regvisor.guestarg=1"], cwd=ROOT,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert "regvisor: poweroff status=1" in r.stdout
    assert r.returncode == 2 and "make run: status 1 from tools/regvisor-qemu" in r.stderr, r.stderr
