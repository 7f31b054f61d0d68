"""The guest's view of the register table, on real QEMU (issue: register table)."""
import re

from conftest import boot, guest_ids, guest_info

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
    assert len(fw) == 17 and set(fw) == set(guest), res.output
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
    # MIDR/MPIDR as presented through VPIDR_EL2/VMPIDR_EL2.
    assert guest["MIDR_EL1"] == fw["MIDR_EL1"][1]
    assert guest["MPIDR_EL1"] == 0x80000000
    # Version 2's CPU model shows pointer authentication (QEMU max has it).
    assert any(field(guest["ID_AA64ISAR1_EL1"], s) for s in PAUTH_ISAR1_FIELDS)
    assert guest_info(res, "view") == "pauth=1"


def test_context_registers_round_trip_through_real_msr_mrs():
    res = boot()
    assert_passed(res)
    names = re.findall(r"^PASS: sysreg (\w+) write", res.output, re.M)
    # Every writable context register (SP_EL1 is the guest's own stack
    # pointer; AFSR0/1 and AMAIR are IMPLEMENTATION DEFINED, RAZ/WI on QEMU).
    for n in ["SP_EL0", "ELR_EL1", "SPSR_EL1", "MDSCR_EL1", "SCTLR_EL1", "CPACR_EL1",
              "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "ESR_EL1", "FAR_EL1", "PAR_EL1",
              "MAIR_EL1", "VBAR_EL1", "CONTEXTIDR_EL1", "TPIDR_EL1", "CNTKCTL_EL1",
              "CSSELR_EL1", "TPIDR_EL0", "TPIDRRO_EL0", "CNTV_CVAL_EL0", "CNTV_CTL_EL0",
              "APIAKEYLO_EL1", "APGAKEYHI_EL1"]:
        assert n in names, f"{n} not tested:\n{res.output}"
    assert len(names) == 32, names


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
    assert "57 registers" in v2.output and "45 registers" in v1.output
    assert guest_info(v1, "view") == "pauth=0"


def test_cpu_model_1_on_version_2():
    res = boot(append="regvisor.cpu=1 regvisor.bmap2=1")
    v1 = boot(version=1, append="regvisor.bmap2=0x1")
    assert_passed(res)
    assert "regvisor: guest view: cpu model v1, world v2" in res.output
    assert guest_ids(res) == guest_ids(v1)
    assert guest_info(res, "view") == "pauth=0"
    # Only the ID view changed: version 2's calls are all there.
    assert guest_info(res, "impl") == "version fw=2 world=2 cpu=1"
    assert guest_info(res, "workaround_2") == "supported"


def test_compat_1_on_version_2_is_version_1s_world():
    res = boot(append="regvisor.compat=1 regvisor.bmap2=1")
    v1 = boot(version=1, append="regvisor.bmap2=0x1")
    assert_passed(res)
    assert re.search(r"regvisor: guest view: cpu model v1, world v1, 12 registers hidden",
                     res.output), res.output
    assert guest_ids(res) == guest_ids(v1)
    # Version 2's hypercalls answer NOT_SUPPORTED, its bitmap reads as absent.
    assert guest_info(res, "impl") == "version not supported"
    assert guest_info(res, "workaround_2") == "not supported"
    assert "PASS: hvc: SMCCC_ARCH_WORKAROUND_2 is NOT_SUPPORTED here" in res.output
    assert guest_info(res, "vendor") == "bitmaps BMAP=0x7 BMAP_2=0x0"


def test_hide_boot_argument_with_a_bad_item():
    res = boot(append="regvisor.hide=0x6030000000160003,TCR_EL1,NOT_A_REG_EL1,0x6030000000130000")
    assert_passed(res)
    assert "regvisor: bootargs: error: regvisor.hide: unknown register 'NOT_A_REG_EL1', ignored" \
        in res.output
    assert "regvisor: bootargs: error: regvisor.hide: unknown register '0x6030000000130000', " \
        "ignored" in res.output
    assert "regvisor: guest view: cpu model v2, world v2, 2 registers hidden" in res.output
