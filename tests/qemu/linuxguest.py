#!/usr/bin/python3
"""Boot Debian's arm64 kernel with the test initramfs (`make linux`), either
under regvisor or directly under QEMU at EL1 (the baseline: same kernel,
same initramfs, no hypervisor).

Used by tests/qemu/test_linux.py and the benchmarks, and from the shell:

    tests/qemu/linuxguest.py direct   [--smp 2] [--mode smoke] [--interactive]
    tests/qemu/linuxguest.py regvisor [--smp 2] [--mode smoke] [--interactive]

The init script (tests/linux/init) prints REGVISOR-INIT-OK, RV-INFO: lines
and, in a scripted mode (rv.test=MODE), REGVISOR-DONE before `poweroff -f`.
"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rvqemu import GUEST_ADDR, ROOT, Qemu  # noqa: E402

LINUX_DIR = os.path.join(ROOT, "build", "linux")
IMAGE = os.path.join(LINUX_DIR, "Image")
INITRD = os.path.join(LINUX_DIR, "initramfs.cpio.gz")
FIRMWARE = os.path.join(ROOT, "build", "regvisor.bin")
INIT_SCRIPT = os.path.join(ROOT, "tests", "linux", "init")
MEM = "256M"
# panic=-1: a panicking kernel resets at once, and -no-reboot ends QEMU.
APPEND = "console=ttyAMA0 earlycon=pl011,0x9000000 panic=-1"

INIT_OK = "REGVISOR-INIT-OK"
SLEEP_OK = "REGVISOR-SLEEP-OK"
DONE_RE = r"REGVISOR-DONE mode=(\S+)"
SHELL_READY = "REGVISOR-SHELL:"
PANIC = "Kernel panic"


def ensure_built():
    """build/linux/Image and the initramfs, made by `make linux` when either
    is missing or older than what it is made from."""
    srcs = [INIT_SCRIPT, os.path.join(ROOT, "tools", "mkinitramfs.py"),
            os.path.join(ROOT, "tools", "linux-fetch")]
    newest = max(os.path.getmtime(s) for s in srcs)
    if all(os.path.exists(p) and os.path.getmtime(p) >= newest for p in (IMAGE, INITRD)):
        return
    subprocess.run(["make", "-s", "linux"], cwd=ROOT, check=True)


def cmdline(mode=None, secs=None, extra=""):
    """The kernel command line: console, the init's mode (None: a shell)."""
    args = [APPEND]
    if mode:
        args.append(f"rv.test={mode}")
    if secs is not None:
        args.append(f"rv.secs={secs}")
    if extra:
        args.append(extra)
    return " ".join(args)


def qemu_direct(smp=2, mode="smoke", secs=None, extra_append="", mem=MEM, **kw):
    """The baseline: the kernel at EL1 on QEMU's virt (GICv3, PSCI by QEMU)."""
    return Qemu(kernel=IMAGE, append=cmdline(mode, secs, extra_append), virtualization=False,
                guest=None, initrd=INITRD, smp=smp, mem=mem, **kw)


def qemu_regvisor(smp=2, mode="smoke", secs=None, extra_append="", mem=MEM,
                  firmware=FIRMWARE, fw_append="", **kw):
    """The kernel as regvisor's guest at GUEST_ADDR, the initramfs by -initrd
    (regvisor finds it in /chosen), its command line after ' -- '."""
    return Qemu(kernel=firmware, append=fw_append, guest=IMAGE, guest_addr=GUEST_ADDR,
                initrd=INITRD, guest_append=cmdline(mode, secs, extra_append), smp=smp,
                mem=mem, **kw)


def run_timed(q, timeout):
    """Run q to its end; the Result gets init_seconds (wall time from QEMU's
    start to INIT_OK, None if never), seconds (to QEMU's end) and panicked.
    A kernel panic ends the run at once (panic=-1 would reset the guest, and
    a firmware that restarts it would boot it again until the timeout)."""
    t0 = time.monotonic()
    q.start()
    init_seconds = None
    panicked = False
    try:
        m = q.expect(re.escape(INIT_OK) + "|" + PANIC, timeout=timeout)
        if m.group(0) == INIT_OK:
            init_seconds = time.monotonic() - t0
        else:
            panicked = True
    except (TimeoutError, EOFError):
        pass
    left = 2.0 if panicked else max(1.0, timeout - (time.monotonic() - t0))
    res = q.wait(left)
    res.init_seconds = init_seconds
    res.seconds = time.monotonic() - t0
    res.panicked = panicked or PANIC in res.output
    return res


def boot_direct(smp=2, mode="smoke", timeout=120, **kw):
    """Boot the baseline to its end; returns an rvqemu Result (see run_timed)."""
    return run_timed(qemu_direct(smp=smp, mode=mode, **kw), timeout)


def boot_regvisor(smp=2, mode="smoke", timeout=300, **kw):
    """Boot under regvisor to its end; returns an rvqemu Result (see run_timed)."""
    return run_timed(qemu_regvisor(smp=smp, mode=mode, **kw), timeout)


def info(output):
    """The init's `RV-INFO: KEY=VALUE` lines as a dict (first of each key)."""
    out = {}
    for m in re.finditer(r"^RV-INFO: ([\w-]+)=(.*)$", output, re.M):
        out.setdefault(m.group(1), m.group(2).strip())
    return out


def shell(q, line, timeout=30.0):
    """Type a command at the guest's shell and return what it printed, up to
    a marker echoed after it."""
    tag = f"RV-CMD-END-{time.monotonic_ns()}"
    start = len(q.output)
    q.send(f"{line}; echo {tag[:7]}''{tag[7:]}\n")   # the echoed line does not match
    m = q.expect(re.escape(tag), timeout=timeout, start=start)
    text = q.output[start:m.start()]
    return text.split("\n", 1)[1] if "\n" in text else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("how", choices=["direct", "regvisor"])
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", default=MEM)
    ap.add_argument("--mode", default="smoke",
                    help="rv.test mode of the init (smoke, idle, busy; 'shell': none)")
    ap.add_argument("--secs", type=int, help="rv.secs for idle and busy")
    ap.add_argument("--append", default="", help="more kernel command line")
    ap.add_argument("--fw-append", default="", help="regvisor's boot arguments")
    ap.add_argument("--interactive", action="store_true",
                    help="type into the console (Ctrl-A x quits QEMU)")
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args()

    ensure_built()
    mode = None if args.mode == "shell" else args.mode
    kw = dict(smp=args.smp, mode=mode, secs=args.secs, extra_append=args.append,
              mem=args.mem, echo=True, interactive=args.interactive)
    if args.how == "direct":
        q = qemu_direct(**kw)
    else:
        q = qemu_regvisor(fw_append=args.fw_append, **kw)
    print(" ".join(q.cmd), file=sys.stderr)
    res = run_timed(q, args.timeout)
    init = f"{res.init_seconds:.1f} s" if res.init_seconds is not None else "never"
    print(f"\nlinuxguest: {args.how} -smp {args.smp}: init marker after {init}, "
          f"QEMU ended after {res.seconds:.1f} s (exit {res.returncode}"
          f"{', kernel panic' if res.panicked else ', timed out' if res.timed_out else ''}"
          f"{f', firmware status {res.status}' if res.status is not None else ''})",
          file=sys.stderr)
    ok = re.search(DONE_RE, res.output) or (mode is None and not res.timed_out)
    return 0 if ok and res.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
