"""Run regvisor under real QEMU and read its serial console.

Shared by the pytest suites (tests/qemu/) and tools/regvisor-qemu.
"""
import os
import re
import select
import socket
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
# The firmware's own status line: a whole line (the firmware prefixes any guest
# line that could pass for one, so only the firmware's starts a line this way).
STATUS_RE = re.compile(r"^regvisor: poweroff status=(-?\d+)$", re.M)
# The firmware's last line when nothing below it can power the machine off.
HALT_RE = re.compile(r"^regvisor: .*; halting here\n", re.M)
# Where the tests put the guest image (the start of guest RAM on QEMU virt).
GUEST_ADDR = 0x40400000
TEST_GUEST = "test"


def guest_image_for(kernel):
    """The test guest built beside a firmware image (build/[vN/]guest/guest.bin)."""
    base = os.path.dirname(kernel) if kernel else os.path.join(ROOT, "build")
    return os.path.join(base, "guest", "guest.bin")


def _latest_version():
    """The newest firmware version, from the one place it is written (the Makefile)."""
    with open(os.path.join(ROOT, "Makefile")) as f:
        return int(re.search(r"^FW_VERSION_LATEST := (\d+)$", f.read(), re.M).group(1))


LATEST = _latest_version()
VERSIONS = list(range(1, LATEST + 1))


_TABLES = {}


def table(version=LATEST):
    """The register table's rows in VERSION as (name, id, class, since), in
    table order: the host tool's manifest, built from sysreg/sysregs.def, so
    counts and names in expectations follow the table instead of being written
    down (class is context, id or firmware)."""
    if version not in _TABLES:
        tool = os.path.join(ROOT, "build", "regvisor-state")
        out = subprocess.run([tool, "manifest", "--version", str(version)], capture_output=True,
                             text=True, check=True, timeout=30).stdout
        rows = []
        for line in out.splitlines()[1:]:
            if line.strip():
                name, rid, cls, since = line.split()
                rows.append((name, int(rid, 16), cls, int(since)))
        _TABLES[version] = rows
    return _TABLES[version]


def n_registers(version=LATEST, cls=None):
    """How many registers VERSION's table has (of class CLS: context, id, firmware)."""
    return sum(1 for row in table(version) if cls is None or row[2] == cls)


def build_path(version, name):
    """build/NAME for the newest version, build/vN/NAME for older ones."""
    base = os.path.join(ROOT, "build")
    if version != LATEST:
        base = os.path.join(base, f"v{version}")
    return os.path.join(base, name)


class Result:
    def __init__(self, output, returncode, timed_out):
        self.output = output
        self.returncode = returncode
        self.timed_out = timed_out
        m = STATUS_RE.findall(output)
        self.status = int(m[-1]) if m else None

    def lines(self, prefix):
        return [l[len(prefix):].strip() for l in self.output.splitlines()
                if l.startswith(prefix)]

    def __str__(self):
        return self.output


class Qemu:
    """One QEMU virt machine with the firmware's UART on a pipe."""

    def __init__(self, kernel=None, append="", virtualization=True, secure=False,
                 bios=None, loader=None, echo=False, extra=(), unix_socket=False, pty=False,
                 guest=TEST_GUEST, guest_addr=GUEST_ADDR, initrd=None, guest_append=None,
                 smp=1, mem="256M", socket_log=False, interactive=False):
        """guest: an image file loaded at guest_addr and named by regvisor.guest=
        (TEST_GUEST: the test guest built beside kernel; None: no guest).
        interactive: the UART's input is this process's terminal (stdin), with
        QEMU's Ctrl-A escapes (mon:stdio: Ctrl-A x quits, Ctrl-A h lists them);
        QEMU puts the terminal in raw mode (so Ctrl-C and Ctrl-] reach the
        firmware) and restores it as it exits; its output is read as usual.
        socket_log: the UART on a unix socket nobody holds (server=on,wait=off:
        the host tool connects), and everything it says in a log file QEMU
        writes (logfile=), which is what is read here: no output is lost
        whoever is connected."""
        machine = "virt,gic-version=3"
        if virtualization:
            machine += ",virtualization=on"
        if secure:
            machine += ",secure=on"
        self.sock = None
        self.sock_path = None
        self.pty_fd = None
        self.pty_path = None
        self.log_path = None
        self.log_fd = None
        self.sock_client = None
        self.use_pty = pty
        self.interactive = interactive
        if interactive:
            serial = ["-serial", "mon:stdio"]
        elif pty:
            # The UART on a pseudo-terminal, as `screen /dev/pts/N` would use it.
            serial = ["-serial", "pty"]
        elif socket_log:
            self.sock_dir = tempfile.mkdtemp(prefix="regvisor-")
            self.listen_path = os.path.join(self.sock_dir, "uart.sock")
            self.log_path = os.path.join(self.sock_dir, "uart.log")
            serial = ["-chardev", f"socket,id=uart,path={self.listen_path},server=on,wait=off,"
                      f"logfile={self.log_path}", "-serial", "chardev:uart"]
        elif unix_socket:
            # The UART on its own socket, as a person would attach a terminal.
            self.sock_dir = tempfile.mkdtemp(prefix="regvisor-")
            self.sock_path = os.path.join(self.sock_dir, "uart.sock")
            serial = ["-chardev", f"socket,id=uart,path={self.sock_path},server=on,wait=on",
                      "-serial", "chardev:uart"]
        else:
            serial = ["-serial", "stdio"]
        self.cmd = [QEMU, "-M", machine, "-cpu", "max,pauth-impdef=on", "-m", mem,
                    "-nodefaults", "-nic", "none", "-display", "none", "-no-reboot",
                    "-monitor", "none"] + serial
        if kernel:
            self.cmd += ["-kernel", kernel]
        if guest == TEST_GUEST:
            guest = guest_image_for(kernel)
        if guest:
            self.cmd += ["-device", f"loader,file={guest},addr={guest_addr:#x},force-raw=on"]
            append = f"{append} regvisor.guest={guest_addr:#x}".strip()
        if initrd:
            self.cmd += ["-initrd", initrd]
        if guest_append is not None:
            append = f"{append} -- {guest_append}"
        if smp != 1:
            self.cmd += ["-smp", str(smp)]
        self.append = append
        if append and kernel:   # with -bios, the bootloader sets the bootargs
            self.cmd += ["-append", append]
        if bios:
            self.cmd += ["-bios", bios]
        if loader:
            path, addr = loader
            self.cmd += ["-device", f"loader,file={path},addr={addr:#x},force-raw=on"]
        self.cmd += list(extra)
        self.echo = echo
        self.proc = None
        self.output = ""

    def start(self):
        stdin = None if self.interactive else subprocess.PIPE
        self.proc = subprocess.Popen(self.cmd, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0)
        if self.use_pty:
            line = b""
            while b"char device redirected to" not in line:
                line = self.proc.stdout.readline()
                if not line:
                    raise RuntimeError("QEMU gave no pty")
            self.pty_path = re.search(rb"(/dev/pts/\d+)", line).group(1).decode()
            self.pty_fd = os.open(self.pty_path, os.O_RDWR | os.O_NOCTTY)
        if self.sock_path:
            deadline = time.monotonic() + 10
            while True:
                try:
                    self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    self.sock.connect(self.sock_path)
                    break
                except OSError:
                    self.sock.close()
                    if time.monotonic() > deadline or self.proc.poll() is not None:
                        raise RuntimeError("QEMU's UART socket never came up: "
                                           + self.proc.stdout.read().decode())
                    time.sleep(0.05)
        return self

    def _read_log(self, wait):
        # A connected client must be read, or QEMU blocks writing to it; the log has it all.
        if self.sock_client is not None:
            try:
                while self.sock_client.recv(65536, socket.MSG_DONTWAIT):
                    pass
            except (BlockingIOError, InterruptedError):
                pass
        if self.log_fd is None:
            if not os.path.exists(self.log_path):
                time.sleep(wait)
                return True
            self.log_fd = os.open(self.log_path, os.O_RDONLY)
        data = os.read(self.log_fd, 65536)
        if not data:
            if self.proc.poll() is not None:
                return None
            time.sleep(min(wait, 0.05))
            return False
        text = data.decode("utf-8", "replace").replace("\r", "")
        self.output += text
        if self.echo:
            print(text, end="", flush=True)
        return True

    def send_socket(self, text):
        """Type into a socket_log machine's UART. The connection stays open
        (QEMU drops what a client sent but the UART had not taken yet when
        it hangs up); a tool that needs the socket must run before this."""
        if self.sock_client is None:
            self.sock_client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock_client.connect(self.listen_path)
        self.sock_client.sendall(text.encode())

    def _read_some(self, wait):
        if self.log_path:
            return self._read_log(wait)
        src = self.sock or self.pty_fd or self.proc.stdout
        r, _, _ = select.select([src], [], [], wait)
        if not r:
            return False
        if self.sock:
            data = self.sock.recv(65536)
        else:
            try:
                data = os.read(src if self.pty_fd else src.fileno(), 65536)
            except OSError:
                data = b""
        if not data:
            return None
        raw = data.decode("utf-8", "replace")
        text = raw.replace("\r", "")
        self.output += text
        if self.echo:
            # A raw terminal (interactive) needs the CRs: it moves no carriage by itself.
            print(raw if self.interactive else text, end="", flush=True)
        return True

    def expect(self, pattern, timeout=30.0, start=0):
        """Wait until pattern (a regex) appears in the output after offset
        start; returns the match."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.output, start)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{pattern!r} not seen in {timeout} s; output:\n{self.output}")
            if self._read_some(min(left, 0.5)) is None:
                raise EOFError(f"QEMU exited before {pattern!r}; output:\n{self.output}")

    def send(self, text):
        if self.log_path:
            self.send_socket(text)
        elif self.sock:
            self.sock.sendall(text.encode())
        elif self.pty_fd:
            os.write(self.pty_fd, text.encode())
        else:
            self.proc.stdin.write(text.encode())
            self.proc.stdin.flush()

    def drain(self):
        """Read whatever the machine has written by now, without waiting."""
        while self._read_some(0):
            pass

    def idle(self, seconds):
        """Let the machine run for a while, reading its console all along: a
        console nobody reads fills its socket and stalls the guest's output in
        QEMU, while the guest's clock, which is the host's, runs on."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._read_some(min(left, 0.1))

    PROMPT = "regvisor> "

    def command(self, line, timeout=30.0):
        """Type a monitor command; return what it printed before the next prompt."""
        start = len(self.output)
        self.send(line + "\r")
        deadline = time.monotonic() + timeout
        while True:
            # The prompt that follows the end of the echoed line.
            nl = self.output.find("\n", start)
            i = self.output.find(self.PROMPT, nl) if nl >= 0 else -1
            if i >= 0:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no prompt after {line!r}:\n{self.output[start:]}")
            if self._read_some(min(left, 0.5)) is None:
                break
        return self.output[start:i if i >= 0 else len(self.output)]

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def wait(self, timeout, grace=3.0):
        """Read until QEMU exits or timeout (None: no limit); returns a Result.

        A firmware that printed its status line and then its halt line
        (no PSCI below it to power off) is stopped at once; one that printed
        its status line and neither exits nor halts, after `grace` seconds.
        """
        deadline = time.monotonic() + (timeout if timeout is not None else 10 ** 9)
        timed_out = False
        while True:
            left = deadline - time.monotonic()
            status = STATUS_RE.search(self.output)
            if status:
                if HALT_RE.search(self.output, status.end()):
                    break       # halted in a loop: nothing more will come
                left = min(left, grace)
                deadline = min(deadline, time.monotonic() + grace)
            if left <= 0:
                timed_out = not STATUS_RE.search(self.output)
                break
            if self._read_some(min(left, 0.5)) is None:
                break
        if self.proc.poll() is None:
            self.proc.kill()
        rc = self.proc.wait()
        return Result(self.output, rc, timed_out)

    def run(self, timeout=60.0):
        self.start()
        return self.wait(timeout)
