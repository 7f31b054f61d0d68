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


# What an ID field's feature makes reachable (Arm ARM D19): (feature, ID register
# encoding and 4-bit field shifts (any non-zero: shown), encodings of its registers).
FEATURES = [
    ("GIC", "S3_0_C0_C4_0", [24], ["S3_0_C4_C6_0", "S3_0_C12_C12_7"]),    # ICC_PMR, IGRPEN1
    # ERRIDR_EL1 (QEMU 7.2 has no ERRSELR_EL1 or ERX*: its ERRIDR says 0 records).
    ("RAS", "S3_0_C0_C4_0", [28], ["S3_0_C5_C3_0"]),
    ("SVE", "S3_0_C0_C4_0", [32], ["S3_0_C1_C2_0"]),                      # ZCR_EL1
    ("AMU", "S3_0_C0_C4_0", [44], ["S3_3_C13_C2_0"]),                     # AMCR_EL0
    ("MTE", "S3_0_C0_C4_1", [8], ["S3_0_C1_C0_5", "S3_0_C1_C0_6", "S3_0_C5_C6_0"]),
    ("SME", "S3_0_C0_C4_1", [24], ["S3_0_C1_C2_6", "S3_3_C4_C2_2"]),      # SMCR, SVCR
    ("PMU", "S3_0_C0_C5_0", [8], ["S3_3_C9_C12_0", "S3_0_C9_C14_1"]),     # PMCR, PMINTENSET
    ("SPE", "S3_0_C0_C5_0", [32], ["S3_0_C9_C10_7", "S3_0_C9_C9_0"]),     # PMSIDR, PMSCR
    ("pointer auth", "S3_0_C0_C6_1", [4, 8, 24, 28],
     [f"S3_0_C2_C{m}_{o}" for m in (1, 2) for o in range(4)] + ["S3_0_C2_C3_0", "S3_0_C2_C3_1"]),
    ("LOR", "S3_0_C0_C7_1", [16], ["S3_0_C10_C4_3"]),                    # LORC_EL1
]
# Reachable whatever the view says, because the architecture gives no trap for
# them on this CPU: carried instead (README, "Design: what the guest can reach").
NO_TRAP = {
    "S3_0_C12_C1_1": "DISR_EL1 (RAS): no EL2 trap exists; carried",
    "S3_3_C13_C0_5": "TPIDR2_EL0 (SME): HCRX_EL2.EnTP2 needs FEAT_HCX, absent here; carried",
    "S3_0_C1_C2_4": "SMPRI_EL1 (SME): no EL2 trap without FEAT_HCX; RAZ/WI on this CPU",
}


def reachable(s, enc):
    return any(r["enc"] == enc and (r["rclass"] in ("live", "trapped") or
                                    r["wclass"] in ("live", "trapped")) for r in s.rows)


def id_value(s, enc):
    rows = [r for r in s.rows if r["enc"] == enc and r["before"] and r["before"]["r"] == "ok"]
    assert rows, f"the sweep did not read {enc}"
    return rows[0]["before"]["snap"]


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_sweep_id_view_agrees_with_traps(sweeps, config):
    """A feature the guest's ID view shows is reachable; one it hides is not (UNDEF),
    except the registers no EL2 control can trap, named in NO_TRAP. Breakpoints and
    watchpoints: exactly as many as ID_AA64DFR0_EL1.BRPs/WRPs say."""
    s = ran(sweeps, config)
    bad = []
    for feature, idreg, shifts, encs in FEATURES:
        shown = any((id_value(s, idreg) >> sh) & 0xf for sh in shifts)
        for enc in encs:
            if enc not in NO_TRAP and reachable(s, enc) != shown:
                bad.append(f"{feature} {'shown' if shown else 'hidden'} in the view, but "
                           f"{enc} ({sweep.name_of(enc)}) is "
                           f"{'reachable' if reachable(s, enc) else 'unreachable'}")
    dfr0 = id_value(s, "S3_0_C0_C5_0")
    for kind, shift, op2 in (("breakpoint", 12, 4), ("watchpoint", 20, 6)):
        count = ((dfr0 >> shift) & 0xf) + 1
        for n in range(16):
            if reachable(s, f"S2_0_C0_C{n}_{op2}") != (n < count):
                bad.append(f"{kind} {n}: the view says {count}, its register is "
                           f"{'reachable' if n >= count else 'unreachable'}")
    for enc, why in NO_TRAP.items():
        print(f"no trap: {enc}: {why}: {'reachable' if reachable(s, enc) else 'unreachable'}")
    assert not bad, "\n".join(bad)
