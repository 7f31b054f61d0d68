"""The system-register sweep (tests/qemu/sweep.py, tests/guest/sweep.c): the
whole EL1/EL0 encoding space, written on every vCPU, saved, loaded into a
fresh firmware and read back. Fails on any live register not carried, and
names each register the issue lists: carried, or unreachable (UNDEF).

One source/destination pair of QEMUs per (-smp, regvisor.cpu), all run side
by side once per session; every check reads the same runs."""
import re

import pytest

import sweep
from rvqemu import VERSIONS


def cpu_versions():
    """regvisor.cpu=1..the build's newest version (the Makefile's FW_VERSION_LATEST)."""
    return VERSIONS


SMPS = [1, 2]
CONFIGS = [(smp, cpu) for smp in SMPS for cpu in cpu_versions()]
IDS = [f"smp{smp}-cpu{cpu}" for smp, cpu in CONFIGS]


@pytest.fixture(scope="session")
def sweeps():
    return sweep.run_all(CONFIGS)


def ran(sweeps, config):
    s = sweeps[config]
    assert s.error is None, f"{s.error}\n--- source:\n{s.source[-3000:]}\n--- destination:\n" \
                            f"{s.dest[-3000:]}"
    return s


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_sweep_no_live_register_lost(sweeps, config):
    """The table, printed; any LOST (or APPEARED) register fails, named."""
    s = ran(sweeps, config)
    print("\n" + s.table_text())
    assert s.counts, "no sweep count line from the guest:\n" + s.source[-3000:]
    lost = [f"vcpu {r['vcpu']} {r['enc']} {r['name'] or '?'}: {r['result']} ({r['why']})"
            for r in s.lost()]
    assert not lost, f"{len(lost)} live registers not carried:\n" + "\n".join(lost)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_sweep_table_registers_carried(sweeps, config):
    """Every register the firmware's own table lists comes back (the mutations' check)."""
    s = ran(sweeps, config)
    lost = [f"vcpu {r['vcpu']} {r['enc']} {r['name']}: {r['why']}" for r in s.lost()
            if r["in_table"]]
    assert not lost, "table registers not carried:\n" + "\n".join(lost)
    assert any(r["in_table"] and r["result"] == "carried" for r in s.rows)


@pytest.mark.parametrize("item", list(sweep.NAMED))
@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_sweep_named_register(sweeps, config, item):
    """Each register the issue names: carried, or unreachable (UNDEF)."""
    s = ran(sweeps, config)
    verdict, detail = s.named(item)
    print(f"\n{item}: {verdict}\n  " + "\n  ".join(detail))
    assert verdict in ("carried", "unreachable"), f"{item}: {verdict}:\n" + "\n".join(detail)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_sweep_counter_offset_kept(sweeps, config):
    """CNTPCT_EL0 does not jump against CNTVCT_EL0 across the load."""
    s = ran(sweeps, config)
    line = [l for l in s.dest.splitlines() if sweep.COUNTER_CHECK in l]
    assert line, "no counter check from the guest:\n" + s.dest[-3000:]
    assert line[0].startswith("PASS: "), "\n".join(
        line + [l for l in s.dest.splitlines() if l.startswith("sweep: counters")])


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_sweep_every_vcpu_resumed(sweeps, config):
    """After the load every vCPU runs on and reads its registers again; the guest
    reports nothing else failed."""
    s = ran(sweeps, config)
    smp = config[0]
    fails = [l for l in s.dest.splitlines() if l.startswith("FAIL: ")
             and sweep.COUNTER_CHECK not in l]
    assert "guest: sweep: resumed after checkpoint" in s.dest, s.dest[-3000:]
    assert not fails, "\n".join(fails)
    for v in range(smp):
        assert re.search(rf"^sweep: count after vcpu={v} ", s.dest, re.M), \
            f"vCPU {v} did not read its registers after the load"
