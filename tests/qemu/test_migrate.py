"""The version matrix: a guest stops on one firmware version and resumes on
another, over the UARTs of two QEMUs, or both ends say why it cannot."""
import re

import pytest

from migrate import boot_destination, boot_source, reframe, resume, send_blob
from rvqemu import LATEST, VERSIONS, n_registers

CHECKPOINT, KEEP_WA2 = 0x2, 0x4
HIDE_V2_FW = "regvisor.hide=VENDOR_HYP_BMAP_2,SMCCC_ARCH_WORKAROUND_2"
N1, N2 = n_registers(1), n_registers(2)        # version 1's and version 2's tables


def save(src, arg=""):
    out = src.command(f"save {arg}".strip())
    return out


def assert_resumed_and_passed(res, pauth):
    out = res.output
    assert not res.timed_out, out
    tail = out[out.index("guest: resumed after checkpoint"):]
    assert "FAIL:" not in tail, tail
    for check in ["x1..x30 came back unchanged", "V0..V31, FPSR, FPCR came back unchanged",
                  "context system registers came back unchanged",
                  "the virtual counter went on from where it stopped", "service bitmaps as before",
                  f"the ID view is the one the guest booted with (pauth={pauth})"]:
        assert f"PASS: checkpoint: {check}" in tail, (check, tail)
    assert "SUMMARY: 7 tests, 0 unexpected failures" in tail
    assert res.status == 0


def move(src_version, dst_version, src_args="", dst_args="", mode=CHECKPOINT):
    src = boot_source(src_version, src_args, mode)
    dst = boot_destination(dst_version, dst_args)
    return src, dst


def move_and_resume(src_v, dst_v, src_args, save_arg, saved, loaded_re, pauth):
    """Save on the source, load on the destination, resume there; check each step."""
    src, dst = move(src_v, dst_v, src_args)
    try:
        out = save(src, save_arg)
        assert re.search(saved, out) and "-----END REGVISOR VMSTATE-----" in out, out
        loaded = send_blob(dst, reframe(out))
        assert re.search(loaded_re, loaded), loaded
        assert_resumed_and_passed(resume(dst), pauth)
    finally:
        src.kill()
        dst.kill()


@pytest.mark.parametrize("src_v,dst_v,pauth", [(1, 1, 0), (2, 2, 1), (1, 2, 0), (3, 3, 1)])
def test_same_or_newer_version(src_v, dst_v, pauth):
    n = n_registers(src_v)
    move_and_resume(src_v, dst_v, "", "", rf"regvisor: save: {n} registers",
                    rf"regvisor: load: {n} registers loaded from a v{src_v} blob, 0 dropped", pauth)


@pytest.mark.parametrize("src_v", [1, 2])
def test_older_version_to_v3(src_v):
    """A version-1 or version-2 guest moves up to version 3: the registers
    version 3 added are reset-safe, so the older blob is complete there."""
    n = n_registers(src_v)
    move_and_resume(src_v, 3, "", "", rf"regvisor: save: {n} registers",
                    rf"{n} registers loaded from a v{src_v} blob, 0 dropped", int(src_v >= 2))


def test_v2_compat_1_to_v1():
    move_and_resume(2, 1, "regvisor.compat=1", "",
                    rf"\({N2 - N1} hidden left out\), \d+ bytes, for v1",
                    rf"{N1} registers loaded from a v1 blob, 0 dropped", 0)


@pytest.mark.parametrize("level", VERSIONS[:-1])
def test_newest_compat_to_older_version(level):
    """regvisor.compat=V on the newest build: its blob loads on version V."""
    n = n_registers(level)
    move_and_resume(LATEST, level, f"regvisor.compat={level}", "",
                    rf"\({n_registers(LATEST) - n} hidden left out\), \d+ bytes, for v{level}",
                    rf"{n} registers loaded from a v{level} blob, 0 dropped", int(level >= 2))


def test_v3_default_view_to_v2_refused():
    """Without compat=2 the version-3 guest saw RAS: version 2 refuses, naming the field."""
    src, dst = move(3, 2)
    try:
        loaded = send_blob(dst, reframe(save(src)))
        assert ("regvisor: load: error: vcpu 0: ID_AA64PFR0_EL1 (0x603000000013c020): guest "
                "saw a feature this firmware cannot offer: RAS[31:28]") in loaded, loaded
        assert "regvisor: load: refused, nothing loaded" in loaded
    finally:
        src.kill()
        dst.kill()


def test_v2_cpu1_hidden_at_defaults_to_v1():
    """The seed's case: VENDOR_HYP_BMAP_2 and the guest-writable register are
    hidden (the guest still reaches both), both at their defaults."""
    move_and_resume(2, 1, f"regvisor.cpu=1 {HIDE_V2_FW}", "1", rf"regvisor: save: {N1} registers",
                    rf"{N1} registers loaded from a v1 blob, 0 dropped", 0)


def test_hidden_register_written_by_the_guest_refuses_export():
    src = boot_source(2, f"regvisor.cpu=1 {HIDE_V2_FW}", CHECKPOINT | KEEP_WA2)
    try:
        out = save(src, "1")
        assert ("regvisor: save: error: vcpu 0: SMCCC_ARCH_WORKAROUND_2 (0x6030000000140002): hidden "
                "register does not hold its default value: holds 0x10, default 0x0") in out, out
        assert "regvisor: save: refused, nothing exported" in out
        assert "BEGIN REGVISOR VMSTATE" not in out
    finally:
        src.kill()


def test_configured_hidden_bitmap_refuses_export():
    src = boot_source(2, f"regvisor.cpu=1 regvisor.bmap2=1 {HIDE_V2_FW}")
    try:
        out = save(src, "1")
        assert ("regvisor: save: error: vcpu 0: VENDOR_HYP_BMAP_2 (0x6030000000160003): hidden register "
                "does not hold its default value: holds 0x1, default 0x0") in out, out
        assert "BEGIN REGVISOR VMSTATE" not in out
    finally:
        src.kill()


def test_v2_cpu1_nothing_hidden_droppable_to_v1():
    src, dst = move(2, 1, "regvisor.cpu=1")
    try:
        out = save(src)
        framed = reframe(out)
        loaded = send_blob(dst, framed)
        assert ("regvisor: load: dropped SMCCC_ARCH_WORKAROUND_2 (0x6030000000140002): unknown "
                "here, at its default") in loaded, loaded
        assert ("regvisor: load: dropped VENDOR_HYP_BMAP_2 (0x6030000000160003): unknown here, "
                "at its default") in loaded, loaded
        assert f"regvisor: load: {N1} registers loaded from a v2 blob, {N2 - N1} dropped" \
            in loaded
        assert_resumed_and_passed(resume(dst), 0)
    finally:
        src.kill()
        dst.kill()


def test_guest_wrote_v2_register_v1_refuses_then_accepts_a_good_blob():
    src, dst = move(2, 1, "regvisor.cpu=1", mode=CHECKPOINT | KEEP_WA2)
    good_src = boot_source(1)
    try:
        first = save(src)
        loaded = send_blob(dst, reframe(first))
        assert ("regvisor: load: error: vcpu 0: SMCCC_ARCH_WORKAROUND_2 (0x6030000000140002): register "
                "unknown to this firmware: value 0x10, not marked droppable") in loaded, loaded
        assert "regvisor: load: refused, nothing loaded" in loaded
        assert "no guest state yet" in dst.command("resume")
        # The source is stopped and intact: a second save gives the same blob.
        assert reframe(save(src)) == reframe(first)
        # The destination is still at its prompt and takes a correct blob.
        loaded = send_blob(dst, reframe(save(good_src)))
        assert "registers loaded from a v1 blob, 0 dropped" in loaded, loaded
        assert_resumed_and_passed(resume(dst), 0)
    finally:
        for q in (src, dst, good_src):
            q.kill()


@pytest.mark.parametrize("hide", ["", HIDE_V2_FW, f"regvisor.cpu=2 {HIDE_V2_FW},TCR_EL1"])
def test_v2_default_view_to_v1_refused(hide):
    src, dst = move(2, 1, hide)
    try:
        loaded = send_blob(dst, reframe(save(src)))
        assert ("regvisor: load: error: vcpu 0: ID_AA64ISAR1_EL1 (0x603000000013c031): guest saw a "
                "feature this firmware cannot offer: API[11:8] is 1, this firmware offers 0") \
            in loaded, loaded
        assert "regvisor: load: refused, nothing loaded" in loaded
        # And the source, asked for a version-1 blob, says so before anything leaves.
        out = save(src, "1")
        assert "regvisor: save: error: vcpu 0: ID_AA64ISAR1_EL1 (0x603000000013c031): guest saw a " \
            "feature this firmware cannot offer" in out, out
        assert "BEGIN REGVISOR VMSTATE" not in out
    finally:
        src.kill()
        dst.kill()


def test_id_registers_cannot_be_hidden():
    src = boot_source(2, "regvisor.hide=ID_AA64ISAR1_EL1")
    try:
        assert ("regvisor: bootargs: error: regvisor.hide: ID_AA64ISAR1_EL1 is an ID register: "
                "the guest's CPU always travels (use regvisor.cpu), ignored") in src.output
        out = src.command("hide MIDR_EL1")
        assert "regvisor: error: MIDR_EL1 is an ID register" in out, out
    finally:
        src.kill()


def test_send_by_the_host_tool_to_a_pty(tmp_path):
    """The by-hand route over a pty: `regvisor-state send` types `load` and
    the blob into it and reads the firmware's verdict on the same link
    (nothing else reads the pty meanwhile, so no output is lost)."""
    import subprocess
    from migrate import TOOL
    from rvqemu import Qemu, build_path

    src = boot_source(1)
    log = tmp_path / "source.log"
    try:
        log.write_text(src.output + save(src))
    finally:
        src.kill()
    # -no-shutdown: a pty loses what QEMU wrote last if QEMU exits at once.
    dst = Qemu(kernel=build_path(2, "regvisor.bin"), append="regvisor.incoming=uart",
               pty=True, extra=["-no-shutdown"]).start()
    try:
        dst.expect(r"waiting for incoming guest state", 60)
        dst.expect(Qemu.PROMPT, 10)
        r = subprocess.run([TOOL, "send", str(log), "--to", dst.pty_path], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, (r.stdout, r.stderr)
        assert "sent frame 1 of 1 (line " in r.stdout and "loaded: the firmware took it" in r.stdout
        dst.send("resume\r")
        dst.expect(r"regvisor: poweroff status=\d+", 60)
        assert_resumed_and_passed(dst.wait(1), 0)
    finally:
        dst.kill()


def test_send_to_a_socket_reports_the_verdict(tmp_path):
    """The README's walk-through route: the destination's UART on a unix
    socket with QEMU's log of it; `send` exits 1 with the firmware's error
    lines when the blob is refused, 0 when it is loaded, and says which
    frame of the log it sent (the last by default)."""
    import subprocess
    from migrate import TOOL
    from rvqemu import Qemu, build_path

    src = boot_source(2, "regvisor.cpu=1")
    log = tmp_path / "source.log"
    try:
        good = save(src, "1")
        assert f"regvisor: save: {N1} registers" in good, good
        log.write_text(src.output)
    finally:
        src.kill()
    dst = Qemu(kernel=build_path(1, "regvisor.bin"), append="regvisor.incoming=uart",
               socket_log=True).start()
    try:
        dst.expect(r"waiting for incoming guest state", 60)
        dst.expect(Qemu.PROMPT, 10)
        # A blob this destination refuses: a v2 save (pointer authentication seen).
        bad = tmp_path / "bad.log"
        src2 = boot_source(2)
        try:
            bad.write_text(src2.output + save(src2))
        finally:
            src2.kill()
        r = subprocess.run([TOOL, "send", str(bad), "--to", dst.listen_path],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert "regvisor: load: error: " in r.stderr and "refused" in r.stderr, r.stderr
        r = subprocess.run([TOOL, "send", str(log), "--to", dst.listen_path],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, (r.stdout, r.stderr)
        assert "sent frame 1 of 1" in r.stdout and "loaded: the firmware took it" in r.stdout
        dst.expect(rf"{N1} registers loaded from a v1 blob", 10)
        dst.send("resume\r")
        dst.expect(r"regvisor: poweroff status=\d+", 60)
        assert_resumed_and_passed(dst.wait(1), 0)
    finally:
        dst.kill()


def test_tolerance_list_lets_an_operator_drop_an_unknown_register():
    """regvisor.tolerate names ids this destination may drop though the blob
    does not mark them droppable: the operator's explicit choice, logged."""
    src, dst = move(2, 1, "regvisor.cpu=1", "regvisor.tolerate=0x6030000000140002",
                    mode=CHECKPOINT | KEEP_WA2)
    try:
        loaded = send_blob(dst, reframe(save(src)))
        assert ("regvisor: load: dropped SMCCC_ARCH_WORKAROUND_2 (0x6030000000140002): unknown "
                "here, tolerated (regvisor.tolerate)") in loaded, loaded
        assert f"{N1} registers loaded from a v2 blob, {N2 - N1} dropped" in loaded
    finally:
        src.kill()
        dst.kill()


def test_loaded_guest_keeps_its_cpu_model():
    """A destination booted with regvisor.cpu=1 that loads a guest which saw
    pointer authentication now runs that guest's model (v2), so `compat 1`
    and `save 1` refuse instead of moving a guest that would lose features."""
    src, dst = move(2, 2, "", "regvisor.cpu=1")
    try:
        assert "guest cpu model v1" in dst.command("version")
        send_blob(dst, reframe(save(src)))
        assert "guest cpu model v2" in dst.command("version")
        assert "guest saw a feature this firmware cannot offer" in save(dst, "1")
    finally:
        src.kill()
        dst.kill()
