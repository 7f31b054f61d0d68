"""The state blob end to end: the guest checkpoints on real QEMU, the
firmware prints the framed blob, the host tool decodes the captured log."""
import os
import re

import pytest
import subprocess

from conftest import boot
from rvqemu import table, LATEST, ROOT, n_registers

TOOL = os.path.join(ROOT, "build", "regvisor-state")


def tool(*args, **kw):
    return subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=30, **kw)


def decode_log(res, tmp_path, vcpu=0):
    """vCPU vcpu's general registers and register entries, as the tool decodes the log."""
    log = tmp_path / "console.log"
    log.write_text(res.output)
    out = tool("decode", str(log))
    assert out.returncode == 0, out.stderr
    core, regs = {}, {}
    mine = False
    for line in out.stdout.splitlines():
        m = re.match(r"^vcpu (\d+): ", line)
        if m:
            mine = int(m.group(1)) == vcpu
        if not mine:
            continue
        m = re.match(r"^(x\d+|pc|pstate|v\d+|fpsr|fpcr|vcount) *= (0x[0-9a-f]+)$", line)
        if m:
            core[m.group(1)] = int(m.group(2), 16)
        m = re.match(r"^(\S+) +(0x[0-9a-f]{16})  (0x[0-9a-f]{16})  (\S+)$", line)
        if m:
            regs[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16), m.group(4))
    return core, regs


def guest_ckpt(res):
    return {m.group(1): int(m.group(2), 16)
            for m in re.finditer(r"^INFO: ckpt (\S+) = (0x[0-9a-f]+)$", res.output, re.M)}


HIDE = "regvisor.hide=TCR_EL1,0x6030000000160003"


@pytest.mark.parametrize("smp", [1, 2])
def test_checkpoint_blob_decodes_to_what_the_guest_wrote(tmp_path, smp):
    """With -smp 2 the secondary ran (and stopped) first: the boot vCPU's state holds.
    A firmware that writes for version 2 (format 1.0, one vCPU) refuses two vCPUs;
    from version 3 on the blob holds both."""
    res = boot(append=f"regvisor.checkpoint=save regvisor.guestarg=2 {HIDE}", smp=smp)
    if smp > 1:
        assert "PASS: smp: vCPU 1 ran (run 2) and is OFF again" in res.output, res.output
    assert res.status == 0 and "FAIL:" not in res.output, res.output
    assert "PASS: checkpoint: x1..x30 came back unchanged" in res.output
    n = n_registers(LATEST) - 2
    if smp > 1 and LATEST < 3:
        assert (f"regvisor: save: error: the target's blob format cannot hold this machine: "
                f"version {LATEST} reads single-vCPU blobs (format 1.0); this machine has "
                f"{smp} vCPUs") in res.output, res.output
        assert "-----BEGIN REGVISOR VMSTATE-----" not in res.output
        return
    assert re.search(rf"regvisor: save: {n * smp} registers \({2 * smp} hidden left out\), "
                     rf"\d+ bytes, for v{LATEST} \(format {1 if LATEST < 3 else 2}\.0, {smp} vCPU",
                     res.output), res.output
    core, regs = decode_log(res, tmp_path)
    want = guest_ckpt(res)
    # Every context row of the table is filled by the guest, or left alone for a reason it says.
    skipped = dict(re.findall(r"^INFO: ckpt-skip (\S+): (.+)$", res.output, re.M))
    ctx = [row[0] for row in table(LATEST) if row[2] == "context"]
    assert not set(ctx) - set(want) - set(skipped), set(ctx) - set(want) - set(skipped)
    assert len(set(want) & set(ctx)) > len(ctx) // 2, (want, skipped)
    for name, value in want.items():
        got = core.get(name, regs.get(name, (0, None))[1])
        assert got == value, f"{name}: blob 0x{got:x}, guest wrote 0x{value:x}"
    assert core["x0"] == 0                     # the call's return value
    # Hidden ids are absent; everything else of the table is there, by name.
    assert "TCR_EL1" not in regs and "VENDOR_HYP_BMAP_2" not in regs
    assert len(regs) == n
    assert regs["SCTLR_EL1"][0] == 0x603000000013c080
    assert regs["VENDOR_HYP_BMAP"] == (0x6030000000160002, 7, "droppable")


def test_hidden_register_modified_refuses_export():
    # The guest enables SMCCC_ARCH_WORKAROUND_2 during its tests, then turns
    # it off again: at checkpoint it holds its default, so hiding it is fine.
    ok = boot(append="regvisor.checkpoint=save regvisor.guestarg=2 regvisor.hide=SMCCC_ARCH_WORKAROUND_2")
    assert f"regvisor: save: {n_registers(LATEST) - 1} registers" in ok.output, ok.output
    # A configured (non-default) hidden bitmap: refused, naming it and both values.
    res = boot(append="regvisor.checkpoint=save regvisor.guestarg=2 regvisor.bmap2=1 regvisor.hide=VENDOR_HYP_BMAP_2")
    assert ("regvisor: save: error: vcpu 0: VENDOR_HYP_BMAP_2 (0x6030000000160003): hidden register "
            "does not hold its default value: holds 0x1, default 0x0") in res.output, res.output
    assert "regvisor: save: refused, nothing exported" in res.output
    assert "-----BEGIN REGVISOR VMSTATE-----" not in res.output
    # The guest goes on and finds its registers intact.
    assert "PASS: checkpoint: x1..x30 came back unchanged" in res.output
    assert res.status == 0


def test_version_1_blob(tmp_path):
    res = boot(version=1, append="regvisor.checkpoint=save regvisor.guestarg=2")
    assert res.status == 0 and "FAIL:" not in res.output, res.output
    core, regs = decode_log(res, tmp_path)
    assert "APIAKEYLO_EL1" not in regs and "VENDOR_HYP_BMAP_2" not in regs
    assert len(regs) == n_registers(1)
