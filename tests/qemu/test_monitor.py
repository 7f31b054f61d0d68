"""The monitor as a person meets it: argument counts, the ranges in its
errors, `save` before a `load`, `hide` warning at once, `hidden` agreeing
with `save V`, `load` cancelled by Ctrl-C, history and completion."""
import re

import pytest

from migrate import boot_destination, boot_source
from rvqemu import LATEST

UP, DOWN = "\x1b[A", "\x1b[B"


def test_extra_arguments_are_errors():
    src = boot_source(2)
    try:
        for line, usage in [("poweroff now", "poweroff"), ("manifest 1", "manifest"),
                            ("resume please", "resume"), ("load x", "load"),
                            ("save 1 2", "save [V]"), ("cpu", "cpu V"), ("vcpu 0 1", "vcpu N")]:
            out = src.command(line)
            assert f"regvisor: error: usage: {usage}" in out, (line, out)
        # Still at the prompt: nothing powered off or resumed.
        assert "regvisor: version 2" in src.command("version")
    finally:
        src.kill()


@pytest.mark.parametrize("version", sorted({2, LATEST}))
def test_cpu_help_and_range(version):
    src = boot_source(version)
    try:
        out = src.command("cpu 7")
        assert (f"cpu V takes a CPU model version from 1 to {version} (the guest's world), "
                "not '7'") in out, out
        assert "`vcpu N` selects a vCPU" in out
        assert re.search(r"^  cpu +V +change the guest's CPU model", src.command("help"), re.M)
    finally:
        src.kill()


def test_save_before_load_refuses():
    dst = boot_destination(2)
    try:
        out = dst.command("save")
        assert "no guest state yet: `load` one first; nothing saved" in out, out
        assert "BEGIN REGVISOR VMSTATE" not in out
    finally:
        dst.kill()


def test_hide_warns_at_once_and_hidden_agrees_with_save():
    src = boot_source(2, mode=0x2 | 0x4)     # checkpoint, WORKAROUND_2 left enabled
    try:
        out = src.command("hide SMCCC_ARCH_WORKAROUND_2")
        assert ("regvisor: warning: SMCCC_ARCH_WORKAROUND_2 (0x6030000000140002) holds 0x10, "
                "not its default 0x0") in out, out
        out = src.command("unhide SMCCC_ARCH_WORKAROUND_2")
        assert "0 hidden" in out
        out = src.command("hidden")
        m = re.search(r"save 1 leaves out (\d+) more \(newer than v1\):", out)
        assert m, out
        save = src.command("save 1")
        # save 1 refuses (pointer auth in view, WORKAROUND_2 set), or counts the same set.
        n = re.search(r"\((\d+) hidden left out\)", save)
        assert not n or int(n.group(1)) == int(m.group(1)), (out, save)
        assert "SMCCC_ARCH_WORKAROUND_2" in out.split("newer than v1")[1]
    finally:
        src.kill()


def test_load_cancelled_by_ctrl_c():
    src = boot_source(2, "regvisor.load_timeout=0")
    try:
        start = len(src.output)
        src.send("load\r")
        src.expect(r"Ctrl-C cancels", 10, start)
        src.send("-----BEGIN REGVISOR VMSTATE-----\r\n\x03")
        src.expect(r"regvisor: load: cancelled; nothing loaded", 10, start)
        src.expect(r"regvisor> ", 10, start)
        assert "regvisor: version 2" in src.command("version")
    finally:
        src.kill()


def test_history_and_completion():
    src = boot_source(2)
    try:
        assert "regvisor: version 2" in src.command("version")
        # Up twice: `version` again.
        assert "regvisor: version 2" in src.command(UP + UP)
        # Up, Down, Down: back to an empty line, which does nothing.
        out = src.command(UP + DOWN + DOWN + "stats")
        assert "exits" in out or "vcpu" in out, out
        # Tab completes a command, and a register name after hide.
        assert "regvisor: version 2" in src.command("vers\t")
        out = src.command("hide TCR_E\t")
        assert "1 hidden: TCR_EL1" in out, out
        # Ambiguous: a second Tab lists the candidates.
        out = src.command("hide APIA\t\t\b\b\b\b\b\b\b\b\b\b\b\b\b\bunhide TCR_EL1")
        assert "APIAKEYLO_EL1  APIAKEYHI_EL1" in out, out
    finally:
        src.kill()
