"""What the exception vector answers without entering C (el2/vectors.S):
ID and other memory-held register reads, and the calls whose answer is one
value. Those answers are copies kept in the vCPU (el2_vector_sync); these
tests prove they follow the vCPU's state, not the boot."""
import re

from blobpy import FWREGS, Blob, frame, unframe
from migrate import boot_source, resume, send_blob
from rvqemu import LATEST

PSCI_VERSION_ID = 0x6030000000140000


def test_call_answered_in_the_vector_follows_a_loaded_state():
    """A blob that says PSCI 1.0: after the load, PSCI_VERSION by HVC and by
    SMC (both answered in the vector) returns 1.0, not the boot's 1.1."""
    q = boot_source(LATEST)
    try:
        saved = q.command("save")
        blob = Blob(unframe(saved))
        fw = blob.entries(FWREGS, 0)
        row = next(e for e in fw if e[0] == PSCI_VERSION_ID)
        assert row[1] == 0x10001, hex(row[1])
        row[1] = 0x10000
        out = send_blob(q, frame(blob.encode()))
        assert "regvisor: load: error" not in out, out
        res = resume(q)
        m = re.search(r"INFO: after resume: PSCI_VERSION (0x[0-9a-f]+) by HVC, (0x[0-9a-f]+) by SMC",
                      res.output)
        assert m, res.output[-3000:]
        assert (m.group(1), m.group(2)) == ("0x10000", "0x10000"), m.group(0)
        assert "SUMMARY:" in res.output and " 0 unexpected failures" in res.output, \
            res.output[-3000:]
    finally:
        q.kill()


def test_vector_counts_its_exits_by_reason():
    """Exits the vector answers are counted under their reasons in `stats`:
    the test guest's ID reads and calls before its checkpoint show up."""
    q = boot_source(LATEST)
    try:
        out = q.command("stats")
        counts = dict(re.findall(r"vcpu 0:\s+(id-read|hvc|smc|sysreg)\s+(\d+)", out))
        assert int(counts.get("id-read", 0)) > 0, out
        assert int(counts.get("hvc", 0)) > 0 and int(counts.get("smc", 0)) > 0, out
        total = int(re.search(r"vcpu 0: (\d+) exits", out).group(1))
        reasons = sum(int(n) for n in re.findall(r"vcpu 0:\s+[a-z-]+\s+(\d+)\n", out))
        assert total == reasons, out
    finally:
        q.kill()
