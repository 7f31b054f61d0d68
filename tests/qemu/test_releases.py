"""Released firmware (tests/compat/releases/vN, written once by `make release`):
never changed, its semantics still this tree's for that version, and the
version matrix run against the binaries as shipped, not rebuilt.

A release's test guest travels with it: a guest stopped on one firmware
resumes on another with the same guest image (memory is not in the blob),
so each hop boots the source's released guest on both ends."""
import hashlib
import os
import re
import subprocess

import pytest

from migrate import reframe, send_blob
from rvqemu import LATEST, ROOT, Qemu, build_path, n_registers

RELEASES = os.path.join(ROOT, "tests", "compat", "releases")
TOOL = os.path.join(ROOT, "build", "regvisor-state")
CHECKPOINT = 0x2


def released():
    return sorted(int(d[1:]) for d in os.listdir(RELEASES) if re.fullmatch(r"v\d+", d))


def rel(version, name):
    return os.path.join(RELEASES, f"v{version}", name)


def test_every_release_is_as_shipped():
    """RELEASE lists each file's SHA-256; nothing released is ever edited."""
    assert released(), "no releases"
    for v in released():
        with open(rel(v, "RELEASE")) as f:
            text = f.read()
        assert text.startswith(f"version {v}\n"), text
        hashes = re.findall(r"^sha256 ([0-9a-f]{64}) (\S+)$", text, re.M)
        assert {name for _, name in hashes} == {"regvisor.bin", "guest/guest.bin",
                                                  "manifest.txt"}, text
        for want, name in hashes:
            with open(rel(v, name), "rb") as f:
                assert hashlib.sha256(f.read()).hexdigest() == want, f"v{v}/{name} changed"


@pytest.mark.parametrize("version", released())
def test_tree_keeps_each_release_semantics(version):
    """This tree's table, read for version N, says exactly what N shipped: every
    register's class, flags, default (an ID register's shown fields), writable
    mask and version, every call. A change to any of them for an old version is a
    silent change of meaning for its guests, so it fails here."""
    now = subprocess.run([TOOL, "manifest", "--version", str(version), "--full"],
                         capture_output=True, text=True, check=True).stdout
    with open(rel(version, "manifest.txt")) as f:
        shipped = f.read()
    assert now == shipped, "\n".join(
        f"{'-' if line in shipped.splitlines() else '+'} {line}"
        for line in sorted(set(now.splitlines()) ^ set(shipped.splitlines())))


def boot_released(version, append, fw=None):
    """Released version's firmware (or fw) with the released guest of `version`."""
    return Qemu(kernel=fw or rel(version, "regvisor.bin"), guest=rel(version, "guest/guest.bin"),
                unix_socket=True, append=append).start()


@pytest.mark.parametrize("version", released())
def test_released_firmware_runs_its_guest(version):
    res = Qemu(kernel=rel(version, "regvisor.bin"), guest=rel(version, "guest/guest.bin")).run(60)
    assert f"regvisor: version {version} (" in res.output, res.output
    assert res.status == 0 and "FAIL:" not in res.output, res.output


def hop(src_version, src_fw, dst_fw, src_args="", dst_args="", save_arg=""):
    """A checkpoint of src_version's released guest on src_fw, loaded on dst_fw."""
    src = boot_released(src_version, f"{src_args} regvisor.guestarg={CHECKPOINT}".strip(), src_fw)
    dst = boot_released(src_version, f"{dst_args} regvisor.incoming=uart".strip(), dst_fw)
    try:
        src.expect(r"regvisor: monitor: guest stopped at its checkpoint call", 60)
        src.expect(Qemu.PROMPT, 10)
        dst.expect(r"waiting for incoming guest state", 60)
        dst.expect(Qemu.PROMPT, 10)
        saved = src.command(f"save {save_arg}".strip())
        assert "-----END REGVISOR VMSTATE-----" in saved, saved
        loaded = send_blob(dst, reframe(saved))
        dst.send("resume\r")
        res = dst.wait(60)
    finally:
        src.kill()
        dst.kill()
    return saved, loaded, res


def assert_resumed(res):
    out = res.output
    tail = out[out.index("guest: resumed after checkpoint"):]
    assert "FAIL:" not in tail and "SUMMARY: 7 tests, 0 unexpected failures" in tail, tail
    assert res.status == 0, out


@pytest.mark.parametrize("version", [v for v in released() if v < LATEST])
def test_released_to_today(version):
    """A guest stopped on a released firmware goes on under today's newest build."""
    _, loaded, res = hop(version, None, build_path(LATEST, "regvisor.bin"))
    n = n_registers(version)
    assert f"regvisor: load: {n} registers loaded from a v{version} blob, 0 dropped" in loaded, \
        loaded
    assert_resumed(res)


@pytest.mark.parametrize("version", [v for v in released() if v < LATEST])
def test_today_to_released(version):
    """Today's newest build, in the released version's world (compat), hands the
    guest back to the released firmware as shipped."""
    _, loaded, res = hop(version, build_path(LATEST, "regvisor.bin"), None,
                         src_args=f"regvisor.compat={version}")
    n = n_registers(version)
    assert f"regvisor: load: {n} registers loaded from a v{version} blob, 0 dropped" in loaded, \
        loaded
    assert_resumed(res)


MODELS = ("same", "older")
HIDDEN = ("not-hidden", "hidden-untouched", "hidden-modified")
# TCR_EL1: no released guest writes it (it stays at its default); TPIDR_EL0: every one does.
HIDE = {"not-hidden": "", "hidden-untouched": "regvisor.hide=TCR_EL1",
        "hidden-modified": "regvisor.hide=TPIDR_EL0"}


def matrix_cases():
    for v in released():
        if v >= LATEST:
            continue
        for model in MODELS:
            if model == "older" and v == 1:
                continue        # version 1 has no older CPU model
            for hidden in HIDDEN:
                for direction in ("up", "down"):
                    yield v, model, hidden, direction


@pytest.mark.parametrize("version,model,hidden,direction", list(matrix_cases()))
def test_matrix_against_released(version, model, hidden, direction):
    """Released version V as shipped and today's newest build, both ways (up: V's
    firmware to today's; down: today's, in V's world, to V's), with V's CPU model or
    the one before, and a hidden register left at its default, hidden but written
    by the guest (refused before anything leaves, naming it), or nothing hidden.
    The released guest checks every register it wrote after the resume."""
    cpu = version if model == "same" else version - 1
    src_args = f"regvisor.cpu={cpu} {HIDE[hidden]}".strip()
    if direction == "up":
        src_fw, dst_fw = None, build_path(LATEST, "regvisor.bin")
    else:
        src_fw, dst_fw = build_path(LATEST, "regvisor.bin"), None
        src_args += f" regvisor.compat={version}"
    if hidden == "hidden-modified":
        src = boot_released(version, f"{src_args} regvisor.guestarg={CHECKPOINT}", src_fw)
        try:
            src.expect(r"regvisor: monitor: guest stopped at its checkpoint call", 60)
            src.expect(Qemu.PROMPT, 10)
            out = src.command("save")
        finally:
            src.kill()
        assert re.search(r"regvisor: save: error: (vcpu 0: )?TPIDR_EL0 \(0x603000000013de82\): "
                         r"hidden register does not hold its default value", out), out
        assert "-----BEGIN REGVISOR VMSTATE-----" not in out, out
        return
    saved, loaded, res = hop(version, src_fw, dst_fw, src_args=src_args, dst_args=HIDE[hidden])
    n = n_registers(version) - (1 if hidden == "hidden-untouched" else 0)
    assert f"regvisor: load: {n} registers loaded from a v{version} blob, 0 dropped" in loaded, \
        loaded
    assert_resumed(res)
