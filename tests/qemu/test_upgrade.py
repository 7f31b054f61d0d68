"""Issue 15: live firmware upgrade under a running guest, over the UART or
from an image a bootloader preloaded (README "Live upgrade").

The two versions are build/ (version 3) and build/v2/ (version 2), both from
this tree; version 2 reads and writes only format 1.0 (one vCPU), so a
guest on several CPUs goes between two builds of version 3 (build/ and
build/peer/, another build id: `make peer`), and the hops between versions
2 and 3 run one vCPU. Every refusal is matched whole and the guest is
shown to run on (or, when the new firmware refuses, nothing to be lost)."""
import base64
import os
import re
import subprocess

import pytest

import linuxguest as lg
from blobpy import crc32c
from rvqemu import ROOT, Qemu, build_path

TOOL = os.path.join(ROOT, "build", "regvisor-state")
V3 = build_path(3, "regvisor.bin")
V2 = build_path(2, "regvisor.bin")
PEER = os.path.join(ROOT, "build", "peer", "regvisor.bin")
# The first release that hosts Linux and hands over: as shipped, never rebuilt.
RELEASED_V3 = os.path.join(ROOT, "tests", "compat", "releases", "v3", "regvisor.bin")
STAGE = 0x40340000
CHECKPOINT = 0x2
KEEP_WA2 = 0x4
BREAKIN = "\x1d"
PROMPT = Qemu.PROMPT
GUEST_PASSES = "SUMMARY: 7 tests, 0 unexpected failures"


def frame_image(raw, length=None):
    """The firmware image framed as `regvisor-state upgrade` frames it."""
    b64 = base64.b64encode(raw).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return "\n".join(["-----BEGIN REGVISOR FIRMWARE-----",
                      f"Length: {len(raw) if length is None else length}",
                      f"CRC32C: 0x{crc32c(b64.encode()):08x}", *lines,
                      "-----END REGVISOR FIRMWARE-----"]) + "\n"


def send_upgrade(q, raw, timeout=120):
    """`upgrade` and the framed image typed into q's console; what it printed
    up to the next prompt or the new firmware's verdict."""
    start = len(q.output)
    q.send("upgrade\r")
    m = q.expect(r"regvisor: upgrade: send the framed firmware image.*\n", 10, start)
    for line in frame_image(raw).splitlines():
        q.send(line + "\r\n")
        q.drain()       # keep the console read: a full socket would stall the firmware's output
    q.expect(r"runs the guest|regvisor: handover: error|nothing changed.*\n(.|\n)*?" + PROMPT,
             timeout, m.end())
    return q.output[start:]


def checkpoint_guest(fw, append="", preload=None, smp=1, mode=0):
    """The test guest stopped at its checkpoint on firmware fw (more guest modes: mode)."""
    extra = ["-device", f"loader,file={preload},addr={STAGE:#x},force-raw=on"] if preload else []
    q = Qemu(kernel=fw, unix_socket=True, smp=smp, extra=extra,
             append=f"{append} regvisor.guestarg={CHECKPOINT | mode}".strip()).start()
    q.expect(r"regvisor: monitor: guest stopped at its checkpoint call", 60)
    q.expect(PROMPT, 10)
    return q


def finish_passing(q, resume=False):
    if resume:
        q.send("resume\r")
    res = q.wait(60)
    assert GUEST_PASSES in res.output, res.output
    assert res.status == 0, res.output
    return res


# --- (1) the test guest: every register checked after each hop -----------------

@pytest.mark.parametrize("src,dst,append,to", [
    (V3, PEER, "", 3),
    (V2, V3, "regvisor.compat=2", 3),        # older -> newer (version 2's world)
    (V3, V2, "regvisor.compat=2", 2),        # newer -> older (version 2's world)
    (RELEASED_V3, PEER, "", 3),              # from the released binary, its own guest
])
def test_checkpoint_guest_upgrade_preloaded(src, dst, append, to):
    q = checkpoint_guest(src, append, preload=dst)
    try:
        out = q.command("upgrade 0x40340000", timeout=60)
        assert re.search(rf"^regvisor: upgrade: image: version {to} \(handover contract 1\), "
                         r"\d+ bytes, CRC-32C 0x[0-9a-f]{8}: checked$", out, re.M), out
        q.expect(rf"regvisor: upgrade: version {to} runs the guest", 60)
        res = finish_passing(q)
    finally:
        q.kill()
    assert "regvisor: handover: from version" in res.output
    assert re.search(r"regvisor: load: \d+ registers loaded from a v\d blob, 0 dropped",
                     res.output), res.output


def test_checkpoint_guest_upgrade_over_uart():
    q = checkpoint_guest(V3)
    try:
        out = send_upgrade(q, open(PEER, "rb").read())
        assert "regvisor: upgrade: version 3 runs the guest" in out, out
        res = finish_passing(q)
    finally:
        q.kill()
    assert "-peer)" in res.output        # the other build's banner


def test_host_tool_sends_the_upgrade():
    """`regvisor-state upgrade FIRMWARE --to SOCKET`: the image framed into the
    console and the firmware's verdict read back (exit 0, its handover line);
    the guest goes on under the new build and passes every check."""
    q = Qemu(kernel=V3, socket_log=True, append=f"regvisor.guestarg={CHECKPOINT}").start()
    try:
        q.expect(r"regvisor: monitor: guest stopped at its checkpoint call", 60)
        q.expect(PROMPT, 10)
        r = subprocess.run([TOOL, "upgrade", PEER, "--to", q.listen_path], capture_output=True,
                           text=True, timeout=180)
        assert r.returncode == 0, (r.stdout, r.stderr)
        assert "regvisor: upgrade: handing over to version 3" in r.stdout, r.stdout
        q.expect(r"regvisor: upgrade: version 3 runs the guest", 60)
        res = q.wait(60)
    finally:
        q.kill()
    assert GUEST_PASSES in res.output and "-peer)" in res.output, res.output
    assert res.status == 0, res.output


# --- (3) refusals: one exact line, the guest runs on ------------------------------

def refused_then_runs(q, out, line):
    assert line in out.splitlines(), out
    assert "handing over" not in out, out
    finish_passing(q, resume=True)


def test_refuse_corrupt_image():
    raw = bytearray(open(PEER, "rb").read())
    raw[0x1000] ^= 0x40
    q = checkpoint_guest(V3)
    try:
        out = send_upgrade(q, bytes(raw))
        crc = int.from_bytes(raw[0x2c:0x30], "little")
        body = bytearray(raw)
        body[0x2c:0x30] = b"\0\0\0\0"
        refused_then_runs(q, out, f"regvisor: upgrade: error: image: CRC-32C 0x{crc32c(bytes(body)):08x}, "
                          f"its header says 0x{crc:08x} (corrupt); nothing changed, the guest "
                          "stays on version 3")
    finally:
        q.kill()


def test_refuse_truncated_image():
    raw = open(PEER, "rb").read()
    q = checkpoint_guest(V3)
    try:
        out = send_upgrade(q, raw[:100000])
        refused_then_runs(q, out, f"regvisor: upgrade: error: image: 100000 bytes received, its "
                          f"header says {len(raw)} (truncated or padded); nothing changed, the "
                          "guest stays on version 3")
    finally:
        q.kill()


def test_refuse_non_regvisor_image():
    """An arm64 Image that is not regvisor's (the test guest), preloaded."""
    q = checkpoint_guest(V3, preload=build_path(3, "guest/guest.bin"))
    try:
        out = q.command("upgrade 0x40340000")
        refused_then_runs(q, out, "regvisor: upgrade: error: image: not a regvisor firmware image "
                          "(no RVFW marker in its arm64 Image header); nothing changed, the "
                          "guest stays on version 3")
    finally:
        q.kill()


def test_refuse_version_2_for_two_vcpus():
    """Version 2's blob holds one vCPU: `upgrade` to it refuses as `save 2` does."""
    q = checkpoint_guest(V3, preload=V2, smp=2)
    try:
        save = q.command("save 2")
        out = q.command("upgrade 0x40340000")
        err = [l for l in save.splitlines() if ": error: " in l]
        assert err, save
        for l in err:
            assert l.replace("regvisor: save:", "regvisor: upgrade:") in out.splitlines(), out
        refused_then_runs(q, out, "regvisor: upgrade: refused, nothing changed; the guest stays "
                          "on version 3")
    finally:
        q.kill()


def test_refuse_hidden_register_written():
    """The guest turned SMCCC_ARCH_WORKAROUND_2 on (as Linux does at boot when it is
    offered) while the firmware hides it: the upgrade's export refuses, as `save`."""
    q = checkpoint_guest(V3, "regvisor.cpu=2 regvisor.hide=SMCCC_ARCH_WORKAROUND_2",
                         preload=V2, mode=KEEP_WA2)
    try:
        out = q.command("upgrade 0x40340000")
        assert ("regvisor: upgrade: error: vcpu 0: SMCCC_ARCH_WORKAROUND_2 (0x6030000000140002): "
                "hidden register does not hold its default value: holds 0x10, default 0x0"
                in out.splitlines()), out
        refused_then_runs(q, out, "regvisor: upgrade: refused, nothing changed; the guest stays "
                          "on version 3")
    finally:
        q.kill()


def test_refuse_pointer_auth_in_view():
    """The guest saw pointer authentication (version 2's CPU model, in version 2's world)
    and the image is version 1's, whose CPU model has none: the export refuses on the
    ID view, naming the field, as `save 1` does, and the guest runs on."""
    q = checkpoint_guest(V3, "regvisor.compat=2", preload=build_path(1, "regvisor.bin"))
    try:
        out = q.command("upgrade 0x40340000")
        assert re.search(r"^regvisor: upgrade: error: vcpu 0: ID_AA64ISAR1_EL1 "
                         r"\(0x603000000013c031\): guest saw a feature this firmware cannot "
                         r"offer: API\[11:8\] is \d+, this firmware offers 0$", out, re.M), out
        refused_then_runs(q, out, "regvisor: upgrade: refused, nothing changed; the guest stays "
                          "on version 3")
    finally:
        q.kill()


# --- (2) Linux on two CPUs: counters, uptime, tmpfs across two upgrades ----------

COUNT_RE = re.compile(r"^RV-COUNT cpu=(\d+) n=(\d+) up=([\d.]+)$", re.M)


def rejoin_stops(out):
    """The guest's output with each stop's transcript taken out: the firmware
    ends the guest line a break-in came in (its first half), and the guest
    writes the rest after the upgrade; the two halves are one line again."""
    kept, partial, stopped = [], None, False
    for line in out.split("\n"):
        if "regvisor: monitor: break-in" in line:
            stopped = True
            head = line[:line.index("regvisor: monitor: break-in")]
            if head:        # the guest's line, not ended on the console as seen here
                kept.append(head)
            last = kept[-1] if kept else ""
            if last and not COUNT_RE.match(last) and \
                    (last.startswith("RV-COUNT") or "RV-COUNT".startswith(last)):
                partial = kept.pop()
            continue
        if stopped or (partial is not None and line.startswith("regvisor: ")):
            stopped = stopped and "runs the guest" not in line
            continue
        if partial is not None:
            if not line:
                continue
            if not line.startswith(("RV-", "REGVISOR", "regvisor")):
                line = partial + line
            partial = None
        kept.append(line)
    return "\n".join(kept)


def linux_upgrade_round_trip(hops, secs=30, log="upgrade-linux.log"):
    """Debian's Linux on two CPUs under version 3 (build/), counting on each CPU into
    the console and keeping a tmpfs file, upgraded in place over the UART along hops
    [(image, its version, the end of its banner)]: each hop hands both vCPUs over;
    the counters go on with no number lost or repeated and uptime never jumps, the
    file is intact, the kernel log clean, and Linux powers off with status 0."""
    q = lg.qemu_regvisor(smp=2, mode="counters", secs=secs, unix_socket=True)
    q.start()
    try:
        q.expect(r"REGVISOR-COUNTERS-START", 180)
        for image, version, banner in hops:
            q.idle(3)
            start = len(q.output)
            q.send(BREAKIN)
            m = q.expect(r"regvisor: monitor: break-in: every vCPU stopped", 30, start)
            q.expect(PROMPT, 30, m.end())
            out = send_upgrade(q, open(image, "rb").read())
            assert f"regvisor: upgrade: version {version} runs the guest" in out, out
            assert re.search(r"regvisor: load: \d+ registers loaded from a v\d blob, 0 dropped "
                             r"\(format 2\.0, 2 vCPUs\)", out), out
            assert re.search(rf"^regvisor: version {version} \(.*" + re.escape(banner) + "$",
                             out, re.M), out
        q.expect(r"REGVISOR-COUNTERS-OK", 120)
        q.expect(lg.DONE_RE, 60)
        res = q.wait(60)
    finally:
        q.kill()
    out = res.output
    with open(os.path.join(ROOT, "build", log), "w") as f:
        f.write(out)        # the whole console, for a failure's post-mortem
    start = re.search(r"REGVISOR-COUNTERS-START cpus=2 secs=\d+ md5=(\w+)", out)
    end = re.search(r"REGVISOR-COUNTERS-OK md5=(\w+)", out)
    assert start and end and start.group(1) == end.group(1), out      # the tmpfs file
    for cpu in (0, 1):
        seen = [(int(n), float(up)) for c, n, up in COUNT_RE.findall(rejoin_stops(out))
                if int(c) == cpu]
        assert [n for n, _ in seen] == list(range(secs * 10)), (cpu, seen)  # none lost or repeated
        steps = [b - a for (_, a), (_, b) in zip(seen, seen[1:])]
        assert min(steps) >= 0, (cpu, steps)                                # never backwards
        # The guest's time stands still while it is stopped: a print every 0.1 s
        # never sees uptime move by a second, across the upgrades as anywhere.
        assert max(steps) < 1.0, (cpu, steps)
    assert sum(out.count(f"regvisor: upgrade: version {v} runs the guest")
               for v in {v for _, v, _ in hops}) == len(hops), out
    assert "REGVISOR-KLOG bad=0" in out, out
    assert res.status == 0, out
    return out


def test_linux_smp2_upgrade_round_trip():
    linux_upgrade_round_trip([(PEER, 3, "-peer)"), (V3, 3, ")")])
