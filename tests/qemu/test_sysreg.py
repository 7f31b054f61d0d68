"""The guest's view of the register table, on real QEMU (issue: register table)."""
import re

import pytest

from conftest import boot, guest_ids, guest_info
from rvqemu import LATEST, VERSIONS, n_registers, table

PAUTH_ISAR1_FIELDS = [4, 8, 24, 28]     # APA, API, GPA, GPI


def field(v, shift):
    return (v >> shift) & 0xF


def firmware_ids(res):
    """`regvisor: id NAME = 0x... (hardware 0x...)` lines: {name: (view, hardware)}."""
    out = {}
    for m in re.finditer(r"^regvisor: id (\w+) += (0x[0-9a-f]+) \(hardware (0x[0-9a-f]+)\)$",
                         res.output, re.M):
        out[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    return out


def assert_passed(res):
    assert not res.timed_out, res.output
    assert "FAIL:" not in res.output, res.output
    assert res.status == 0, res.output


def test_guest_sees_the_tables_id_values():
    res = boot()
    assert_passed(res)
    fw, guest = firmware_ids(res), guest_ids(res)
    assert len(fw) == n_registers(LATEST, "id") and set(fw) == set(guest), res.output
    for name, (view, _hw) in fw.items():
        assert guest[name] == view, f"{name}: guest 0x{guest[name]:x}, table 0x{view:x}"
    # The view is the hardware's value with fields taken out, never a field added
    # (tests/unit/test_sysreg.c checks every mask, field by field).
    for name, (view, hw) in fw.items():
        if name != "MPIDR_EL1":
            assert view & ~hw == 0, f"{name}: view 0x{view:x} beyond hardware 0x{hw:x}"
    # A field the table masks reads as zero although the hardware has it:
    # EL2 and SVE in ID_AA64PFR0_EL1, SME. The GIC system-register interface
    # is shown: the guest has it (the virtual CPU interface, ICC_SRE_EL2.Enable).
    view, hw = fw["ID_AA64PFR0_EL1"]
    assert field(hw, 8) != 0 and field(view, 8) == 0
    assert field(hw, 24) != 0 and field(guest["ID_AA64PFR0_EL1"], 24) == field(hw, 24)
    assert field(hw, 32) != 0 and field(view, 32) == 0
    assert field(fw["ID_AA64PFR1_EL1"][1], 24) != 0 and field(guest["ID_AA64PFR1_EL1"], 24) == 0
    # RAS (ID_AA64PFR0_EL1[31:28]) is shown from CPU model 3 on (DISR_EL1 travels).
    assert field(hw, 28) != 0 and field(view, 28) == field(hw, 28)
    # MIDR/MPIDR as presented through VPIDR_EL2/VMPIDR_EL2.
    assert guest["MIDR_EL1"] == fw["MIDR_EL1"][1]
    assert guest["MPIDR_EL1"] == 0x80000000
    # Version 2's CPU model shows pointer authentication (QEMU max has it).
    assert any(field(guest["ID_AA64ISAR1_EL1"], s) for s in PAUTH_ISAR1_FIELDS)
    assert guest_info(res, "view") == "pauth=1"


def test_context_registers_round_trip_through_real_msr_mrs():
    res = boot()
    assert_passed(res)
    out = res.output
    names = re.findall(r"^PASS: sysreg (\w+) write", out, re.M)
    impdef = re.findall(r"^INFO: sysreg (\w+) write 0x[0-9a-f]+ read (0x[0-9a-f]+) "
                        r"\(IMPLEMENTATION DEFINED\)$", out, re.M)
    skipped = re.findall(r"^INFO: sysreg (\w+) not tested: ", out, re.M)
    # Every writable context register (SP_EL1 is the guest's own stack
    # pointer; AFSR0/1 and AMAIR are IMPLEMENTATION DEFINED, RAZ/WI on QEMU).
    # From version 3: debug, GIC CPU interface, DISR, the physical timer.
    for n in ["SP_EL0", "ELR_EL1", "SPSR_EL1", "MDSCR_EL1", "SCTLR_EL1", "CPACR_EL1",
              "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "ESR_EL1", "FAR_EL1", "PAR_EL1",
              "MAIR_EL1", "VBAR_EL1", "CONTEXTIDR_EL1", "TPIDR_EL1", "CNTKCTL_EL1",
              "CSSELR_EL1", "TPIDR_EL0", "TPIDRRO_EL0", "CNTV_CVAL_EL0", "CNTV_CTL_EL0",
              "APIAKEYLO_EL1", "APGAKEYHI_EL1",
              "DBGBVR0_EL1", "DBGBCR0_EL1", "DBGWVR0_EL1", "DBGWCR0_EL1", "ICC_PMR_EL1",
              "ICC_BPR0_EL1", "ICC_BPR1_EL1", "ICC_AP0R0_EL1", "ICC_AP1R0_EL1",
              "ICC_IGRPEN0_EL1", "ICC_IGRPEN1_EL1", "DISR_EL1", "CNTP_CTL_EL0", "CNTP_CVAL_EL0"]:
        assert n in names, f"{n} not tested:\n{out}"
    # Every context row of the table is tested, reported as IMPLEMENTATION
    # DEFINED, or left out with its reason, once; and only these are left out.
    context = [r[0] for r in table(LATEST) if r[2] == "context"]
    assert sorted(names + [n for n, _ in impdef] + skipped) == sorted(context)
    assert {n for n, _ in impdef} == {"AFSR0_EL1", "AFSR1_EL1", "AMAIR_EL1", "MDCCINT_EL1",
                                     "ICC_CTLR_EL1", "ICC_SRE_EL1"}, impdef
    dfr0 = guest_ids(res)["ID_AA64DFR0_EL1"]
    brps, wrps = field(dfr0, 12), field(dfr0, 20)        # breakpoints, watchpoints - 1
    pri = ((int(dict(impdef)["ICC_CTLR_EL1"], 16) >> 8) & 7) + 1
    aprs = 4 if pri >= 7 else 2 if pri == 6 else 1      # ICC_AP<g>R<n>_EL1 there are
    want = {"SP_EL1", "OSLSR_EL1", "OSDLR_EL1"}
    want |= {f"DBG{k}{n}_EL1" for n in range(brps + 1, 16) for k in ("BVR", "BCR")}
    want |= {f"DBG{k}{n}_EL1" for n in range(wrps + 1, 16) for k in ("WVR", "WCR")}
    want |= {f"ICC_AP{g}R{n}_EL1" for g in (0, 1) for n in range(aprs, 4)}
    assert set(skipped) == want, sorted(set(skipped) ^ want)


def test_register_outside_the_table_is_undef_and_run_continues():
    res = boot()
    assert_passed(res)
    assert re.search(r"^regvisor: guest: MRS S3_0_C1_C0_1 at pc 0x[0-9a-f]+: not in the register "
                     r"table, injected UNDEF$", res.output, re.M), res.output
    assert "PASS: undef: MRS ACTLR_EL1 (not in the table) is UNDEF" in res.output
    assert "PASS: undef: the guest runs on after UNDEFs" in res.output
    assert "PASS: id: unallocated ID_AA64PFR2_EL1 reads as zero" in res.output


def test_version_1_and_2_give_different_service_bitmaps():
    v1 = boot(version=1, append="regvisor.bmap2=0x1")
    v2 = boot(version=2, append="regvisor.bmap2=0x1")
    assert_passed(v1)
    assert_passed(v2)
    assert "regvisor: version 1 (" in v1.output
    # Version 1 has no VENDOR_HYP_BMAP_2 and says the argument is not for it.
    assert "error: bad argument 'regvisor.bmap2=0x1', ignored" in v1.output
    assert guest_info(v1, "vendor") == "bitmaps BMAP=0x7 BMAP_2=0x0"
    assert guest_info(v1, "impl") == "version not supported"
    assert guest_info(v1, "workaround_2") == "not supported"
    assert guest_info(v2, "vendor") == "bitmaps BMAP=0x7 BMAP_2=0x1"
    assert guest_info(v2, "impl") == "version fw=2 world=2 cpu=2"
    assert guest_info(v2, "workaround_2") == "supported"
    # Version 1's table has neither the bitmap nor the pointer-auth keys.
    assert f"register table: {n_registers(2)} registers" in v2.output
    assert f"register table: {n_registers(1)} registers" in v1.output
    assert n_registers(1) < n_registers(2)
    assert guest_info(v1, "view") == "pauth=0"


@pytest.mark.parametrize("version", VERSIONS[1:])
def test_each_version_says_what_it_is(version):
    """Version 2 on: RV_IMPL_VERSION names the firmware, the world and the
    CPU model; the boot line counts the version's table."""
    res = boot(version=version, append="regvisor.bmap2=0x1")
    assert_passed(res)
    assert f"regvisor: version {version} (" in res.output
    assert f"register table: {n_registers(version)} registers, " \
        f"{n_registers(version, 'context')} context, {n_registers(version, 'id')} id, " \
        f"{n_registers(version, 'firmware')} firmware" in res.output, res.output
    assert guest_info(res, "impl") == f"version fw={version} world={version} cpu={version}"
    assert guest_info(res, "vendor") == "bitmaps BMAP=0x7 BMAP_2=0x1"
    assert guest_info(res, "workaround_2") == "supported"


@pytest.mark.parametrize("world,cpu", [(w, c) for w in VERSIONS[1:] for c in VERSIONS[:w - 1]])
def test_older_cpu_model_on_a_newer_version(world, cpu):
    """regvisor.cpu=1 on version 2 (and every older model on every newer
    version): the guest's ID registers are those the older build shows."""
    res = boot(version=world, append=f"regvisor.cpu={cpu} regvisor.bmap2=1")
    old = boot(version=cpu, append="regvisor.bmap2=0x1")
    assert_passed(res)
    assert f"regvisor: guest view: cpu model v{cpu}, world v{world}" in res.output
    assert guest_ids(res) == guest_ids(old)
    assert guest_info(res, "view") == f"pauth={int(cpu >= 2)}"
    # Only the ID view changed: the newer version's calls are all there.
    assert guest_info(res, "impl") == f"version fw={world} world={world} cpu={cpu}"
    assert guest_info(res, "workaround_2") == "supported"


def test_compat_1_on_version_2_is_version_1s_world():
    res = boot(version=2, append="regvisor.compat=1 regvisor.bmap2=1")
    v1 = boot(version=1, append="regvisor.bmap2=0x1")
    assert_passed(res)
    hidden = n_registers(2) - n_registers(1)
    assert re.search(rf"regvisor: guest view: cpu model v1, world v1, {hidden} registers hidden",
                     res.output), res.output
    assert guest_ids(res) == guest_ids(v1)
    # Version 2's hypercalls answer NOT_SUPPORTED, its bitmap reads as absent.
    assert guest_info(res, "impl") == "version not supported"
    assert guest_info(res, "workaround_2") == "not supported"
    assert "PASS: hvc: SMCCC_ARCH_WORKAROUND_2 is NOT_SUPPORTED here" in res.output
    assert guest_info(res, "vendor") == "bitmaps BMAP=0x7 BMAP_2=0x0"


@pytest.mark.parametrize("compat", VERSIONS[:-1])
def test_compat_on_the_newest_version_is_the_older_world(compat):
    """regvisor.compat=V on the newest build: the guest gets version V's
    world (its ID view and its calls), the newer registers hidden."""
    res = boot(append=f"regvisor.compat={compat} regvisor.bmap2=1")
    old = boot(version=compat, append="regvisor.bmap2=0x1")
    assert_passed(res)
    hidden = n_registers(LATEST) - n_registers(compat)
    assert (f"regvisor: guest view: cpu model v{compat}, world v{compat}, {hidden} registers "
            f"hidden") in res.output, res.output
    assert guest_ids(res) == guest_ids(old)
    for key in ("workaround_2", "vendor", "view"):
        assert guest_info(res, key) == guest_info(old, key), key
    # RV_IMPL_VERSION (from version 2) names this build, the world it gives.
    assert guest_info(res, "impl") == guest_info(old, "impl").replace(
        f"fw={compat} ", f"fw={LATEST} ")


def test_hide_boot_argument_with_a_bad_item():
    res = boot(append="regvisor.hide=0x6030000000160003,TCR_EL1,NOT_A_REG_EL1,0x6030000000130000")
    assert_passed(res)
    assert "regvisor: bootargs: error: regvisor.hide: unknown register 'NOT_A_REG_EL1', ignored" \
        in res.output
    assert "regvisor: bootargs: error: regvisor.hide: unknown register '0x6030000000130000', " \
        "ignored" in res.output
    assert (f"regvisor: guest view: cpu model v{LATEST}, world v{LATEST}, 2 registers hidden"
            in res.output), res.output
