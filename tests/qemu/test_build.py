"""What the build promises about its versions, read from the ELF files
themselves: `make FW_VERSION=1` compiles out every hypercall handler a
later version adds (hypercalls.def's `since`), so version 1's binary is
what version 1 was, not version 2 with calls switched off."""
import os
import re
import subprocess

import pytest

from rvqemu import ROOT, build_path

NM = os.environ.get("NM", "aarch64-linux-gnu-nm")


def hypercalls():
    """(name, since, handler) of every row of sysreg/hypercalls.def."""
    with open(os.path.join(ROOT, "sysreg", "hypercalls.def")) as f:
        rows = re.findall(r"^HCALL\((\w+),\s*0x[0-9a-fA-F]+,\s*(\d+),\s*(\w+),\s*\w+\)", f.read(), re.M)
    assert len(rows) >= 20, rows
    return [(name, int(since), fn) for name, since, fn in rows]


def symbols(version):
    elf = build_path(version, "regvisor.elf")
    assert os.path.exists(elf), f"{elf} missing: run make versions"
    out = subprocess.run([NM, elf], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


@pytest.mark.parametrize("version", [1, 2])
def test_hypercall_handlers_of_later_versions_are_compiled_out(version):
    syms = symbols(version)
    newer = {fn for _, since, fn in hypercalls() if since > version}
    known = {fn for _, since, fn in hypercalls() if since <= version}
    if version == 1:
        # The proof must have something to prove: version 2 adds calls.
        assert {"hc_smccc_workaround_2", "hc_rv_impl_version"} <= newer, newer
    assert not newer & syms, f"v{version} ELF holds later versions' handlers: {newer & syms}"
    # And the check can see handlers at all: every one this version has is there.
    assert known <= syms, f"v{version} ELF lacks its own handlers: {known - syms}"
