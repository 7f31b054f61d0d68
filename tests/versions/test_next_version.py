"""A throwaway version N+1, made in a scratch copy of the tree as a maintainer
would make it: the version constant (FW_VERSION_LATEST, one line), a context
register's row (SCXTNUM_EL1: its row, and the trap control that kept it from
the guest before), a firmware register's row (STD_HYP_BMAP), and CHANGE lines
for the ways a register's meaning moves (a default that changes, rule adopt;
a writable mask that narrows, rule keep). Then `make release` in the copy.

With no other edit, the copy's own tests run the version matrix against the
released binaries, now v1..vN+1 (test_releases.py), and the golden blobs
(test_compat.py); the new rows are filled and checked by the test guest
(its checks come from the table); and moves across the changes are
converted or refused as declared, saying so. `make test-versions`; `make
test` runs it."""
import os
import re
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from blobpy import FWREGS, SYSREGS, Blob, frame, unframe  # noqa: E402
from migrate import reframe, send_blob  # noqa: E402
from rvqemu import LATEST, Qemu, build_path  # noqa: E402
from test_upgrade import GUEST_PASSES, STAGE, linux_upgrade_round_trip, send_upgrade  # noqa: E402
from treecopy import sync_tree  # noqa: E402

NEXT = LATEST + 1
SCRATCH = os.path.join(ROOT, "build", "next")
TREE = os.path.join(SCRATCH, "tree")
RELEASES = os.path.join(TREE, "tests", "compat", "releases")
CHECKPOINT = 0x2


def edit(path, old, new, count=1):
    """Replace old by new in the copy's file: the anchor must be there."""
    full = os.path.join(TREE, path)
    with open(full) as f:
        text = f.read()
    if isinstance(old, re.Pattern):
        text, n = old.subn(new, text)
    else:
        n = text.count(old)
        text = text.replace(old, new)
    assert n == count, f"{path}: anchor {old!r} found {n} times"
    with open(full, "w") as f:
        f.write(text)


def make_next_version():
    """The copy, its edits, its build and its release."""
    shutil.rmtree(SCRATCH, ignore_errors=True)
    sync_tree(ROOT, TREE)
    # The one version constant.
    edit("Makefile", re.compile(r"^FW_VERSION_LATEST := \d+$", re.M),
         f"FW_VERSION_LATEST := {NEXT}")
    # A context register, and the control that trapped it (HCR_EL2.EnSCXT, bit 53).
    edit("sysreg/sysregs.def", "SR(CNTKCTL_EL1,",
         f"SR(SCXTNUM_EL1,\t3, 0, 13, 0, 7,\tCTX, RESET_SAFE, 0, ~0, {NEXT})\nSR(CNTKCTL_EL1,")
    edit("el2/guest.c", "\t\thcr |= HCR_APK | HCR_API;\n",
         f"\t\thcr |= HCR_APK | HCR_API;\n\tif (v->sr.world_version >= {NEXT})\n"
         "\t\thcr |= BIT64(53);\t/* EnSCXT: SCXTNUM_ELx are the guest's */\n")
    # A firmware register (KVM's STD_HYP_BMAP id).
    edit("sysreg/sysregs.def", "BMAP(VENDOR_HYP_BMAP,",
         f"BMAP(STD_HYP_BMAP,\t\t1, FWR, RESET_SAFE, 0, 0x1, {NEXT})\nBMAP(VENDOR_HYP_BMAP,")
    # A default that changes (adopt) and a writable mask that narrows (keep).
    with open(os.path.join(TREE, "sysreg", "sysregs.def"), "a") as f:
        f.write(f"CHANGE(SMCCC_ARCH_WORKAROUND_2, {NEXT}, 0x10, 0x10, ADOPT)\n"
                f"CHANGE(CNTKCTL_EL1, {NEXT}, 0, 0xff, KEEP)\n")
    # The tool first: every firmware build stamps its image with it (one make at a time).
    for cmd in (["make", "-s", "-j2", "tool"], ["make", "-s", "-j2", "versions"],
                ["make", "-s", "release"]):
        run = subprocess.run(cmd, cwd=TREE, capture_output=True, text=True)
        assert run.returncode == 0, f"{' '.join(cmd)} in the copy:\n{run.stdout}\n{run.stderr}"


@pytest.fixture(scope="module")
def tree():
    make_next_version()
    return TREE


def fw(version):
    """The copy's build of a version (the newest in build/, older ones in build/vN)."""
    base = os.path.join(TREE, "build") if version == NEXT else \
        os.path.join(TREE, "build", f"v{version}")
    return os.path.join(base, "regvisor.bin")


def released(version, name):
    return os.path.join(RELEASES, f"v{version}", name)


def boot(kernel, guest, append):
    return Qemu(kernel=kernel, guest=guest, unix_socket=True, append=append).start()


def stop_at_checkpoint(q):
    q.expect(r"regvisor: monitor: guest stopped at its checkpoint call", 60)
    q.expect(Qemu.PROMPT, 10)


def destination(kernel, guest, append=""):
    q = boot(kernel, guest, f"{append} regvisor.incoming=uart".strip())
    q.expect(r"waiting for incoming guest state", 60)
    q.expect(Qemu.PROMPT, 10)
    return q


def entries(saved):
    """vCPU 0's system and firmware register entries: id -> (value, droppable flag)."""
    blob = Blob(unframe(reframe(saved)))
    return blob, {rid: (value, drop) for typ in (SYSREGS, FWREGS)
                  for rid, value, drop in blob.entries(typ, 0)}


def manifest_ids(version):
    out = subprocess.run([os.path.join(TREE, "build", "regvisor-state"), "manifest",
                          "--version", str(version)], capture_output=True, text=True,
                         check=True).stdout
    return {line.split()[0]: int(line.split()[1], 16) for line in out.splitlines()[1:] if line}


def test_release_made_and_picked_up(tree):
    """`make release` froze version N+1 beside the older releases; the copy's own release
    and golden-blob tests, unedited, run the matrix over every release and build."""
    assert sorted(os.listdir(RELEASES)) == [f"v{v}" for v in range(1, NEXT + 1)]
    with open(released(NEXT, "manifest.txt")) as f:
        text = f.read()
    assert re.search(rf"^register SCXTNUM_EL1 .* class=context .* since={NEXT}$", text, re.M)
    assert re.search(rf"^register STD_HYP_BMAP .* class=firmware .* since={NEXT}$", text, re.M)
    assert re.search(r"^register SMCCC_ARCH_WORKAROUND_2 .* default=0x10 wmask=0x10 since=2$",
                     text, re.M)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/qemu/test_releases.py", "tests/qemu/test_compat.py"],
                         cwd=tree, capture_output=True, text=True, timeout=1200)
    tail = run.stdout[-3000:]
    assert run.returncode == 0, tail
    assert re.search(r"\d+ passed", tail) and "failed" not in tail and "skipped" not in tail, tail
    assert f"test_released_to_today[{NEXT - 1}]" not in tail      # -q: no names on success
    # Every older release went to N+1 and back (one hop each way per release).
    collected = subprocess.run([sys.executable, "-m", "pytest", "-q", "--collect-only",
                                "tests/qemu/test_releases.py"], cwd=tree, capture_output=True,
                               text=True).stdout
    for v in range(1, NEXT):
        assert f"test_released_to_today[{v}]" in collected, collected
        assert f"test_today_to_released[{v}]" in collected, collected


def test_new_rows_carried(tree):
    """In world N+1 the test guest fills the new context register (its checks come from
    the table), and a save and a load into a fresh N+1 carry it and the new firmware
    register; regvisor.bmap2=1 lets the guest ask its world (RV_IMPL_VERSION)."""
    guest = os.path.join(TREE, "build", "guest", "guest.bin")
    src = boot(fw(NEXT), guest, f"regvisor.bmap2=1 regvisor.guestarg={CHECKPOINT}")
    dst = destination(fw(NEXT), guest, "regvisor.bmap2=1")
    try:
        stop_at_checkpoint(src)
        assert f"INFO: ckpt world {NEXT}" in src.output, src.output
        m = re.search(r"^INFO: ckpt SCXTNUM_EL1 = (0x[0-9a-f]+)$", src.output, re.M)
        assert m and int(m.group(1), 16) != 0, src.output
        saved = src.command("save")
        _, regs = entries(saved)
        ids = manifest_ids(NEXT)
        assert regs[ids["SCXTNUM_EL1"]][0] == int(m.group(1), 16)
        assert ids["STD_HYP_BMAP"] in regs
        # For version N the guest's SCXTNUM_EL1 is not at its default: refused, named.
        older = src.command(f"save {LATEST}")
        assert "SCXTNUM_EL1" in older and "hidden register does not hold its default" in older, \
            older
        loaded = send_blob(dst, reframe(saved))
        assert f"from a v{NEXT} blob, 0 dropped" in loaded, loaded
        dst.send("resume\r")
        res = dst.wait(60)
    finally:
        src.kill()
        dst.kill()
    tail = res.output[res.output.index("guest: resumed after checkpoint"):]
    assert "FAIL:" not in tail and "SUMMARY: 7 tests, 0 unexpected failures" in tail, tail


def hop_from_released(edit_blob=None):
    """Version N's released guest, checkpointed on its released firmware, into N+1."""
    guest = released(LATEST, "guest/guest.bin")
    src = boot(released(LATEST, "regvisor.bin"), guest, f"regvisor.guestarg={CHECKPOINT}")
    dst = destination(fw(NEXT), guest)
    try:
        stop_at_checkpoint(src)
        saved = src.command("save")
        text = reframe(saved)
        if edit_blob:
            blob = Blob(unframe(text))
            edit_blob(blob)
            text = frame(blob.encode())
        loaded = send_blob(dst, text)
        out = dst.command("regs firmware") if "refused" not in loaded else ""
        return saved, loaded, out, dst
    except BaseException:
        dst.kill()
        raise
    finally:
        src.kill()


def test_changed_default_adopted_both_ways(tree):
    """SMCCC_ARCH_WORKAROUND_2's default became 0x10 in N+1 (rule adopt): a guest at
    version N's default takes N+1's, said in a line; saved for N again it is N's
    default once more, droppable, and version N's released firmware takes it."""
    saved, loaded, regs, dst = hop_from_released()
    try:
        assert (f"regvisor: load: vcpu 0: SMCCC_ARCH_WORKAROUND_2: 0x0 in v{LATEST} is 0x10 in "
                f"v{NEXT} (changed in v{NEXT}, rule adopt)") in loaded, loaded
        assert re.search(rf"regvisor: load: 2 registers new since v{LATEST} get their reset "
                         rf"values \(`regvisor-state check --from {LATEST} --to {NEXT}`", loaded), \
            loaded
        assert re.search(r"^SMCCC_ARCH_WORKAROUND_2 +0x[0-9a-f]+ +0x0000000000000010", regs,
                         re.M), regs
        back = dst.command(f"save {LATEST}")
    finally:
        dst.kill()
    blob, regs_back = entries(back)
    wa2 = manifest_ids(LATEST)["SMCCC_ARCH_WORKAROUND_2"]
    assert regs_back[wa2] == (0, 0x10), regs_back[wa2]      # 0, droppable
    assert blob.header[8] == LATEST                          # it follows version N's meanings
    guest = released(LATEST, "guest/guest.bin")
    home = destination(released(LATEST, "regvisor.bin"), guest)
    try:
        loaded = send_blob(home, reframe(back))
        home.send("resume\r")
        res = home.wait(60)
    finally:
        home.kill()
    assert f"registers loaded from a v{LATEST} blob, 0 dropped" in loaded, loaded
    tail = res.output[res.output.index("guest: resumed after checkpoint"):]
    assert "FAIL:" not in tail and "SUMMARY: 7 tests, 0 unexpected failures" in tail, tail


def test_narrowed_wmask_refused(tree):
    """CNTKCTL_EL1 keeps only bits 7:0 from N+1 on (rule keep): a version-N blob whose
    guest set more is refused, naming the register, the rule and both versions;
    the same blob with the guest's bits inside the new mask loads."""
    cntkctl = manifest_ids(LATEST)["CNTKCTL_EL1"]

    def widen(blob):
        for e in blob.entries(SYSREGS, 0):
            if e[0] == cntkctl:
                e[1] = 0x3f3
    _, loaded, _, dst = hop_from_released(widen)
    dst.kill()
    assert (f"CNTKCTL_EL1 (0x{cntkctl:016x}): its meaning changed between the versions, and "
            f"its rule refuses the move: 0x3f3 in v{LATEST}; changed in v{NEXT} (default 0x0), "
            f"rule keep; moving v{LATEST} to v{NEXT}") in loaded, loaded
    assert "regvisor: load: refused, nothing loaded" in loaded, loaded


def test_check_says_what_a_move_does(tree):
    """`check --from N --to N+1` reads the same CHANGE lines: each change with its rule,
    each new register with its own since."""
    out = subprocess.run([os.path.join(TREE, "build", "regvisor-state"), "check", "--from",
                          str(LATEST), "--to", str(NEXT)], capture_output=True, text=True).stdout
    assert re.search(rf"SMCCC_ARCH_WORKAROUND_2 .* new in v2; changed in v{NEXT} \(default 0x0 "
                     rf"-> 0x10, .*\), rule adopt: at v{LATEST}'s default it takes v{NEXT}'s", out), out
    assert re.search(rf"CNTKCTL_EL1 .* new in v1; changed in v{NEXT} .*writable 0x3ffff -> 0xff\), "
                     r"rule keep: the guest keeps its value; a value with bits the target does not "
                     r"keep is refused", out), out
    assert re.search(rf"SCXTNUM_EL1 .* new in v{NEXT}: gets its reset value", out), out
    assert "result: possible" in out, out


def test_upgrade_refused_by_the_new_firmware(tree):
    """Today's version N under the test guest, upgraded in place to N+1 (preloaded): the
    old firmware exports for its own version, and N+1's import refuses (the guest set
    CNTKCTL_EL1 bits N+1 no longer keeps, rule keep), says why, and keeps every vCPU
    stopped at its monitor with the blob as it came; `upgrade` hands that blob back to
    version N, and the guest goes on there, every register it wrote intact."""
    today = build_path(LATEST, "regvisor.bin")
    q = Qemu(kernel=today, unix_socket=True, append=f"regvisor.guestarg={CHECKPOINT}",
             extra=["-device", f"loader,file={fw(NEXT)},addr={STAGE:#x},force-raw=on"]).start()
    try:
        stop_at_checkpoint(q)
        m = re.search(r"^INFO: ckpt CNTKCTL_EL1 = (0x[0-9a-f]+)$", q.output, re.M)
        assert m and int(m.group(1), 16) & ~0xff, q.output    # bits version N+1 does not keep
        q.send(f"upgrade {STAGE:#x}\r")
        q.expect(rf"regvisor: handover: error: version {NEXT} refused the blob of version "
                 rf"{LATEST}; the guest stays stopped here, nothing lost", 60)
        m2 = q.expect(r"regvisor: monitor: handover refused: every vCPU stopped.*\n", 30)
        q.expect(Qemu.PROMPT, 30, m2.end())
        out = q.output
        assert (f"CNTKCTL_EL1 (0x603000000013c708): its meaning changed between the versions, "
                f"and its rule refuses the move: {int(m.group(1), 16):#x} in v{LATEST}; changed "
                f"in v{NEXT} "
                f"(default 0x0), rule keep; moving v{LATEST} to v{NEXT}") in out, out
        kept = q.command("save")
        assert "regvisor: save: the blob the upgrade brought, as it came" in kept, kept
        back = send_upgrade(q, open(today, "rb").read())
        assert f"regvisor: upgrade: version {LATEST} runs the guest" in back, back
        res = q.wait(60)
    finally:
        q.kill()
    tail = res.output[res.output.rindex("guest: resumed after checkpoint"):]
    assert "FAIL:" not in tail and GUEST_PASSES in tail, tail
    assert res.status == 0, res.output


def test_linux_upgrade_to_the_next_version_and_back(tree):
    """Debian's Linux on two CPUs under today's version N, upgraded in place over the UART
    to version N+1 (newer registers, a changed default, a narrowed mask: Linux's own
    values cross them) and back to N: counters, uptime, tmpfs and the kernel log hold."""
    out = linux_upgrade_round_trip([(fw(NEXT), NEXT, ")"), (build_path(LATEST, "regvisor.bin"),
                                                             LATEST, ")")],
                                   log="upgrade-linux-next.log")
    assert f"regvisor: version {NEXT} (" in out
