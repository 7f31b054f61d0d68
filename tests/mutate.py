#!/usr/bin/python3
"""make mutate: do the tests catch what they claim to catch?

Each mutation below is a deliberate defect: exact text replaced in one
source file. They are applied one at a time to a scratch copy of the tree
(build/mutate/tree, never this working tree), the copy is built, and the
tests named for that mutation are run there. A mutation is *caught* when
one of its tests fails, *missed* when they all pass; a mutation that no
longer applies (its text is gone) or no longer builds is an error to fix
here. The same tests are first run on the unmutated copy, which must pass.

    tests/mutate.py              run them all (about 2 minutes after the first build)
    tests/mutate.py NAME...      only these
    tests/mutate.py --list       list them

Writes build/mutate/report.md; exits 1 unless every mutation is caught.
A new feature adds the mutations its tests must catch.
"""
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from treecopy import sync_tree  # noqa: E402
WORK = os.path.join(ROOT, "build", "mutate")
TREE = os.path.join(WORK, "tree")
PYTEST = ["/usr/bin/python3", "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
TIMEOUT = 600
BUILD = ["make", "-s", "versions", "tool"]


def pytest(path, k=None):
    return PYTEST + [path] + (["-k", k] if k else [])


FUZZ_SMOKE = ["make", "-s", "fuzz-smoke"]
UNIT = ["make", "-s", "unit"]
CORRUPT = pytest("tests/qemu/test_reliability.py", "corrupt")
SOAK = pytest("tests/qemu/test_reliability.py", "soak")
UPGRADE_REFUSALS = pytest("tests/qemu/test_upgrade.py", "refuse")
UPGRADE_LINUX = pytest("tests/qemu/test_upgrade.py", "linux")
BUILD_PEER = ["make", "-s", "versions", "peer", "tool"]
NEXT_VERSION = PYTEST + ["tests/versions"]
CKPT_BLOB = pytest("tests/qemu/test_vmstate.py", "checkpoint_blob_decodes")


class Mutation:
    def __init__(self, name, what, path, edits, tests, build=BUILD):
        self.name, self.what, self.path = name, what, path
        self.edits = edits          # [(text, replacement)], each text found exactly once
        self.tests = tests          # commands run in the copy; any failure catches it
        self.build = build


MUTATIONS = [
    # --- issue 10: what got through before ---
    Mutation("fuzz-reads-past-input",
             "the decoder reads the magic straight from the buffer, before checking the "
             "length: it reads past a short input (only the fuzzer's sanitizers see it)",
             "vmstate/blob_decode.c",
             [("	if (len < 4)\n		return VMSTATE_E_TRUNCATED;\n	if (get_le(&r, 4) != VMSTATE_MAGIC_LE)",
               "	if ((buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24) != VMSTATE_MAGIC_LE)")],
             [FUZZ_SMOKE], build=None),
    Mutation("fuzz-oracle-flags",
             "the encoder drops every entry's droppable flag (the fuzz round-trip oracle "
             "must compare ids, values and flags)",
             "vmstate/blob_encode.c",
             [("	uint16_t head = (uint16_t)(delta | len << 8 | (unsigned int)droppable << 12);",
               "	uint16_t head = (uint16_t)(delta | len << 8);"),
              ("				   (unsigned int)droppable << 20);", "				   0u);"),
              ("	*p++ = (uint8_t)(len | (droppable ? VMSTATE_ENT_DROPPABLE : 0));",
               "	*p++ = (uint8_t)len;")],
             [FUZZ_SMOKE], build=None),
    Mutation("load-writes-core-before-checks",
             "`load` writes x0..x30, PC and V0 before its checks: a refused blob leaves "
             "them changed",
             "el2/vmstate_fw.c",
             [("\tfpsimd_claim();\t\t/* v->fp is the guest's from here: put_vcpu() writes it */\n",
               "\tfpsimd_claim();\t\t/* v->fp is the guest's from here: put_vcpu() writes it */\n"
               "\tmemcpy(v->frame->x, state.vcpu[0].core.x, sizeof(v->frame->x));\n"
               "\tv->frame->elr = state.vcpu[0].core.pc;\n"
               "\tmemcpy(v->fp.v, state.vcpu[0].fp.v, sizeof(v->fp.v));\n")],
             [CORRUPT]),
    Mutation("crc-error-misnamed",
             "a blob CRC mismatch is reported as a frame CRC mismatch (\"CRC-32C mismatch\" "
             "is a substring of it: only whole-line matching tells them apart)",
             "vmstate/blob_decode.c",
             [("return VMSTATE_E_BAD_CRC;", "return VMSTATE_E_FRAME_CRC;")],
             [CORRUPT]),
    Mutation("counter-not-frozen",
             "CNTVOFF_EL2 left at 0 on resume: the guest's counter jumps by the time it "
             "was stopped",
             "el2/vmstate_fw.c",
             [("vm.cntvoff = cpu_counter() - vm.stopped_vcount;", "vm.cntvoff = cpu_counter() & 0;")],
             [CORRUPT]),
    Mutation("soak-import-applies-nothing",
             "the soak's import checks the blob and then writes nothing",
             "el2/vmstate_fw.c",
             [("\t/* Checked, every vCPU: from here on nothing can fail. */\n",
               "\t/* Checked, every vCPU: from here on nothing can fail. */\n\tif (quiet)\n"
               "\t\treturn true;\n")],
             [SOAK]),
    Mutation("undef-return-unmasks",
             "an injected UNDEF saves the guest's PSTATE with DAIF cleared: after the "
             "handler the guest runs unmasked",
             "el2/trap.c",
             [("sysreg_hw_write(SYSREG_SPSR_EL1, f->spsr);",
               "sysreg_hw_write(SYSREG_SPSR_EL1, f->spsr & ~UINT64_C(0x3c0));")],
             [pytest("tests/qemu/test_sysreg.py", "outside_the_table")]),
    Mutation("sve-unmasked",
             "ID_AA64PFR0_EL1.SVE left in the guest's view (SVE is trapped: a hidden "
             "feature shown). The GIC field is shown on purpose since the vGIC.",
             "sysreg/sysregs.def",
             [("SR(ID_AA64PFR0_EL1,\t3, 0, 0, 4, 0,\tID, 0, 0xff0f0000ffff00ff,",
               "SR(ID_AA64PFR0_EL1,\t3, 0, 0, 4, 0,\tID, 0, 0xff0f000fffff00ff,")],
             [UNIT, pytest("tests/qemu/test_sysreg.py", "tables_id")]),
    Mutation("v2-handlers-in-v1",
             "version 2's hypercall handlers compiled into version 1 (switched off only "
             "at run time)",
             "el2/smccc.c",
             [("RV_SINCE(since_, { .name", "RV_SINCE(1, { .name"),
              ("#if FW_VERSION >= 2\n/*\n * SMCCC_ARCH_WORKAROUND_2", "#if 1\n/*\n * SMCCC_ARCH_WORKAROUND_2"),
              ("v->sr.val[SYSREG_SMCCC_ARCH_WORKAROUND_2] =", "v->sr.val[SYSREG_COUNT - 1] =")],
             [pytest("tests/qemu/test_build.py")]),
    Mutation("bench-line-missing",
             "the firmware stops printing one benchmark line (make bench then fails)",
             "el2/bench.c",
             [('\treport("fw_check", t[4] - t[3], ops);\n', "")],
             [pytest("tests/qemu/test_bench.py")], build=BUILD + ["build/bench/bench_host"]),
    Mutation("tool-vague-message",
             "the host tool refuses a bad blob without saying why",
             "tools/regvisor-state.c",
             [('fprintf(stderr, "%s: %s: %s (%s)\\n", prog, path, vmstate_strerror(e),',
               'fprintf(stderr, "%s: %s: %s (%s)\\n", prog, path, "invalid blob",')],
             [pytest("tests/qemu/test_tool.py")]),
    Mutation("report-cap-short",
             "a refusal report prints one problem fewer than it keeps",
             "vmstate/report.c",
             [("? r->total : VMSTATE_REPORT_MAX;", "? r->total : VMSTATE_REPORT_MAX - 1;")],
             [UNIT], build=None),
    Mutation("golden-blob-edited",
             "a golden blob is edited in place",
             "tests/compat/v2/cpu1.txt",
             [("# golden blob: firmware v2", "# golden blob (regenerated): firmware v2")],
             [pytest("tests/qemu/test_compat.py", "never")], build=None),
    # --- more defects the tests must keep catching ---
    Mutation("hidden-not-default-exported",
             "export leaves out a hidden register that does not hold its default, "
             "without refusing",
             "vmstate/policy.c",
             [("if (val != def && sysreg_in_world(i, w))\n\t\t\t\tvmstate_report_add(rep, VMSTATE_E_HIDDEN",
               "if (0)\n\t\t\t\tvmstate_report_add(rep, VMSTATE_E_HIDDEN"),
              ("\t\t\tif (val != def)\n\t\t\t\tvmstate_report_add(rep, VMSTATE_E_HIDDEN",
               "\t\t\tif (0)\n\t\t\t\tvmstate_report_add(rep, VMSTATE_E_HIDDEN")],
             [UNIT, pytest("tests/qemu/test_vmstate.py", "hidden")]),
    Mutation("wmask-unchecked",
             "import takes values outside a register's writable bits (the load path's "
             "decoder no longer checks them)",
             "vmstate/blob_decode.c",
             [("	if ((value < least[f]) | ((value & ~accept[i]) != 0))",
               "	if ((value < least[f]) | ((value & ~accept[i] & 0) != 0))"),
              ("		if (value & ~t->accept[i])\n			return false;",
               "		if (value & ~t->accept[i] & 0)\n			return false;")],
             [CORRUPT]),
    Mutation("wmask-unchecked-general",
             "the general import check takes values outside a register's writable bits",
             "vmstate/policy.c",
             [("			if (val & ~keep)\n", "			if (0)\n")],
             [UNIT], build=None),
    Mutation("pstate-unchecked",
             "import takes a PSTATE naming EL2 or AArch32",
             "vmstate/policy.c",
             [("if ((c->core.pstate & ~PSTATE_GUEST_BITS) || (m != 0x0 && m != 0x4 && m != 0x5))",
               "if (m > 0xf)")],
             [CORRUPT]),
    Mutation("frame-crc-unchecked",
             "the UART frame's CRC is not checked",
             "vmstate/frame.c",
             [("if (d->text_crc != d->expect_crc && !VMSTATE_FUZZING)", "if (0)")],
             [CORRUPT]),
    Mutation("missing-register-accepted",
             "import accepts a blob without a required register",
             "vmstate/policy.c",
             [("if (!(d->flags & RESET_SAFE) && !sysreg_mask_test(&vs->hidden, i))",
               "if (!(d->flags & RESET_SAFE) && !sysreg_mask_test(&vs->hidden, i) && 0)")],
             [CORRUPT]),
    Mutation("id-fast-path-unmasked",
             "trapped ID-register reads answered with the hardware's value, not the view",
             "el2/sysreg_trap.c",
             [("t.val[slot] = sysreg_get(vs, (unsigned int)idx);",
               "t.val[slot] = sysreg_hw_read((unsigned int)idx);")],
             [pytest("tests/qemu/test_sysreg.py", "tables_id")]),
    Mutation("stage2-maps-firmware",
             "the guest's stage-2 map starts 4 MiB low, over the DTB and the firmware",
             "el2/stage2_hw.c",
             [("for (uint64_t a = guest_base; a + SZ_2M <= guest_end; a += SZ_2M)",
               "for (uint64_t a = guest_base - 2 * SZ_2M; a + SZ_2M <= guest_end; a += SZ_2M)")],
             [pytest("tests/qemu/test_boot.py", "image_bin")]),
    # --- issues 11 and 12: several CPUs, interrupts, the console ---
    Mutation("vcpus-share-an-mpidr",
             "every secondary vCPU gets the same MPIDR: the guest cannot tell them apart",
             "el2/guest.c",
             [("\t\tv->vmpidr = MPIDR_RES1 | i;", "\t\tv->vmpidr = MPIDR_RES1 | (i ? 1 : 0);")],
             [pytest("tests/qemu/test_smp.py", "every_cpu")]),
    Mutation("reset-leaves-secondaries-running",
             "SYSTEM_RESET does not ask the other vCPUs to stop",
             "el2/guest.c",
             [("\t__atomic_store_n(&vm.stop_request, 1, __ATOMIC_RELEASE);\n", "")],
             [pytest("tests/qemu/test_smp.py", "system_reset and 2")]),
    Mutation("dtb-walk-parent-is-root",
             "the firmware's one walk of the boot DTB takes every node's parent to be the root: "
             "a GICv3 under a bus is read in the wrong cells",
             "plat/board.c",
             [("		parent = depth <= WALK_DEPTH_MAX ? stack[depth - 1] : fdt_parent_offset(fdt, node);",
               "		parent = depth <= WALK_DEPTH_MAX ? (stack[depth - 1] & 0) : "
               "fdt_parent_offset(fdt, node);")],
             [pytest("tests/qemu/test_boot.py", "alias")]),
    Mutation("dtb-alias-path-with-its-nul",
             "the console's alias resolves to its path with the terminating NUL counted: no node "
             "has that name, the console falls back to the default",
             "plat/board.c",
             [("	node = full_path(fdt, w, full, (int)strlen(full), parent);",
               "	node = full_path(fdt, w, full, flen, parent);")],
             [pytest("tests/qemu/test_boot.py", "alias")]),
    Mutation("dtb-alias-left-to-libfdt",
             "an alias in stdout-path is left to libfdt, which follows two aliases naming each "
             "other without end: a DTB from outside overflows the firmware's stack",
             "plat/board.c",
             [("	rest = memchr(path, '/', (size_t)len);\n",
               "	node = fdt_path_offset_namelen(fdt, path, len);\n	*parent = -1;\n"
               "	if (len)\n		return node;\n	rest = memchr(path, '/', (size_t)len);\n")],
             [pytest("tests/qemu/test_boot.py", "aliases_naming")]),
    Mutation("gic-word-mask-console-travels",
             "a word of SPIs holding the console's takes the whole-word mask: the console's "
             "pending and configuration bits would travel",
             "vmstate/gic.c",
             [("	    !(console_spi >= first && console_spi < first + 32 / b->width))",
               "	    (1 || !(console_spi >= first && console_spi < first + 32 / b->width)))")],
             [UNIT], build=None),
    Mutation("guest-dtb-one-cpu",
             "the guest DTB lists only the boot vCPU",
             "el2/guest.c",
             [("\t\t.ncpus = vm.nvcpus,", "\t\t.ncpus = 1,")],
             [pytest("tests/qemu/test_loader.py", "every_vcpu")]),
    Mutation("irqs-left-to-the-guest",
             "physical IRQs are not routed to EL2 (no HCR_EL2.IMO): a guest with "
             "interrupts masked keeps the console for good",
             "el2/guest.c",
             [("(vgic_present() ? HCR_IMO | HCR_FMO : 0)", "(vgic_present() ? HCR_FMO : 0)")],
             [pytest("tests/qemu/test_breakin.py", "64-1")]),
    Mutation("no-kick-between-cpus",
             "the firmware's SGI is never sent: other CPUs do not stop for the monitor",
             "el2/vgic.c",
             [("\tgic_hw_sgi(sgi1r_for(t->hw_mpidr, VGIC_FW_SGI));", "\t(void)t;")],
             [pytest("tests/qemu/test_breakin.py", "64-4")]),
    Mutation("pmu-reachable",
             "the PMU is left to the guest though its ID view shows none",
             "el2/guest.c",
             [(".mdcr = pmu_mdcr_for_guest(vm.guest_pmu),", ".mdcr = pmu_mdcr_for_guest(true),")],
             [pytest("tests/qemu/test_sysreg.py", "tables_id")]),
    Mutation("sweep-tpidr-el0-dropped",
             "export writes 0 for TPIDR_EL0: a live register not carried (the sweep names it)",
             "vmstate/policy.c",
             [("		plain.keep[i] = d->cls == CTX ? d->wmask : ~UINT64_C(0);",
               "		plain.keep[i] = d->cls == CTX ? (i == SYSREG_TPIDR_EL0 ? 0 : d->wmask) : "
               "~UINT64_C(0);")],
             [pytest("tests/qemu/test_sweep.py", "table_registers and smp1")]),
    # --- issue 13: nothing the guest can reach is lost ---
    Mutation("load-boot-vcpu-only",
             "a load puts only the boot vCPU's general registers back: the others keep "
             "what the wipe (or a fresh firmware) left",
             "el2/vmstate_fw.c",
             [("\t\tput_vcpu(&vm.vcpu[i], &state.vcpu[i]);",
               "\t\tif (!i)\n\t\t\tput_vcpu(&vm.vcpu[i], &state.vcpu[i]);")],
             [pytest("tests/qemu/test_linux.py", "save_wipe and busy")]),
    Mutation("gic-cpu-interface-not-restored",
             "the guest's ICC_* view (ICH_VMCR_EL2) is read for the blob but never written back",
             "sysreg/sysreg_hw.c",
             [("\tMSR(S3_4_C12_C11_7, vmcr);", "\t(void)vmcr;")],
             [pytest("tests/qemu/test_sweep.py", "named_register and smp1-cpu3")]),
    Mutation("physical-counter-live",
             "world 3 leaves the physical counter and timer to the guest: its physical "
             "count jumps across a move",
             "el2/guest.c",
             [("return v->sr.world_version >= 3 ? CNTHCTL_EL2_TRAPPED : CNTHCTL_EL2_LIVE;",
               "return (void)v, CNTHCTL_EL2_LIVE;")],
             [pytest("tests/qemu/test_sweep.py", "counter_offset and smp1-cpu3")]),
    Mutation("breakpoints-not-carried",
             "the firmware believes the CPU has no breakpoints: DBGBVR/BCR<n> are neither "
             "read nor written",
             "sysreg/sysreg_hw.c",
             [("\treturn n < debug_count(DFR0_BRPS_SHIFT);", "\treturn n > 99;")],
             [pytest("tests/qemu/test_sweep.py", "no_live_register_lost and smp1-cpu3")]),
    # --- issue 13: the guest's GIC state travels ---
    Mutation("gic-lrs-not-carried",
             "the interrupts in flight (list registers, queue) are left out of the blob: "
             "the taken timer interrupt and the pending SGI and SPI are lost",
             "el2/vgic_state.c",
             [("\t\texport_irqs(&dv, &vm.vcpu[i]);\n", "\t\t(void)export_irqs;\n")],
             [pytest("tests/qemu/test_gicstate.py")]),
    Mutation("gic-active-not-carried",
             "ISACTIVER is not written on load: the hardware-linked interrupts' physical "
             "interrupts are not active on the destination",
             "el2/vgic_state.c",
             [("\t\treturn base == VMSTATE_GIC_ISPENDR || base == VMSTATE_GIC_ISACTIVER;",
               "\t\treturn base == VMSTATE_GIC_ISPENDR;")],
             [pytest("tests/qemu/test_gicstate.py")]),
    Mutation("gic-priority-not-carried",
             "the distributor's priorities are not exported",
             "vmstate/gic.c",
             [("\tif (b->width > 32)\n\t\treturn 0;\n",
               "\tif (b->width > 32 || b->base == VMSTATE_GIC_IPRIORITYR)\n\t\treturn 0;\n")],
             [pytest("tests/qemu/test_gicstate.py")]),
    Mutation("gic-hw-link-unchecked",
             "a hardware-linked interrupt whose physical one is not active is accepted",
             "vmstate/gic.c",
             [("\tif (!physical_active(r, i, intid))", "\tif (false && !physical_active(r, i, intid))")],
             [UNIT], build=None),
    # --- issue 14: versions you can trust ---
    Mutation("release-semantics-drift",
             "a released version's register changes meaning in the tree: "
             "VENDOR_HYP_BMAP's default loses a bit for every version",
             "sysreg/sysregs.def",
             [("BMAP(VENDOR_HYP_BMAP,\t\t2, FWR, 0, 0x7, 0x7, 1)",
               "BMAP(VENDOR_HYP_BMAP,\t\t2, FWR, 0, 0x3, 0x7, 1)")],
             [pytest("tests/qemu/test_releases.py", "semantics")]),
    Mutation("layer-include-upward",
             "a platform file includes the hypervisor's header",
             "plat/power.c",
             [('#include "plat/plat.h"', '#include "plat/plat.h"\n#include "el2/vcpu.h"')],
             [["make", "-s", "check-portable"]]),

    # --- issue 15: live upgrade ---
    Mutation("upgrade-crc-unchecked",
             "`upgrade` takes an image whose CRC-32C does not match its header",
             "vmstate/fwimage.c",
             [("	if (crc != info->crc) {", "	if (crc != info->crc && 0) {")],
             [UPGRADE_REFUSALS], build=BUILD_PEER),
    Mutation("upgrade-one-vcpu-handed-over",
             "the handover block says one vCPU: the new firmware cannot restore the second",
             "el2/upgrade.c",
             [("	h->nvcpus = vm.nvcpus;\n", "	h->nvcpus = 1;\n")],
             [UPGRADE_LINUX], build=BUILD_PEER),
    # --- issue 14: each version's meanings, both ends ---
    Mutation("import-ignores-changes",
             "an import takes a value as its writer's version meant it, whatever changed since",
             "vmstate/policy.c",
             [("	if (sysreg_table[idx].cls == ID ||\n\t    sysreg_convert(",
               "	if (1 || sysreg_table[idx].cls == ID ||\n\t    sysreg_convert(")],
             [UNIT, NEXT_VERSION]),
    Mutation("export-masks-narrowed-bits",
             "export masks away bits the guest set that an earlier version kept as state",
             "vmstate/policy.c",
             [("		if (!c || c->rule != RULE_ADOPT)\n\t\t\treturn false;",
               "		if (!c && c->rule != RULE_ADOPT)\n\t\t\treturn false;")],
             [UNIT]),
    Mutation("header-says-writer",
             "the blob's header names the writer's version, not the one whose meanings it follows",
             "vmstate/policy_vcpu.c",
             [("	s->fw_version = (uint16_t)target;", "	s->fw_version = FW_VERSION;")],
             [UNIT, NEXT_VERSION]),
    Mutation("ckpt-skips-debug",
             "the test guest leaves the breakpoints out without saying so",
             "tests/guest/ckpt.c",
             [("		fill[i] = !why && probe(&ctx_regs[i], true, &x);",
               "		fill[i] = !why && probe(&ctx_regs[i], true, &x) && ctx_regs[i].name[0] != 'D';\n"
               "		if (ctx_regs[i].name[0] == 'D')\n\t\t\tcontinue;")],
             [CKPT_BLOB]),
    # --- issue 17: answers in the vector ---
    Mutation("vector-answers-stale-after-load",
             "the calls the vector answers are computed once, never again after a load",
             "el2/smccc.c",
             [("	unsigned int n = 0;\n\n	for (unsigned int i = 0; i < ARRAY_SIZE(hcalls); i++) {",
               "	unsigned int n = 0;\n\n	if (v->calls[0].fid == HCALL_SMCCC_VERSION)\n		return;\n"
               "	for (unsigned int i = 0; i < ARRAY_SIZE(hcalls); i++) {")],
             [pytest("tests/qemu/test_vector.py")]),
    Mutation("crc-host-instruction-drops-tail",
             "the host's SSE4.2 CRC-32C leaves out the bytes after the last whole eight",
             "vmstate/crc32c_host_hw.c",
             [("	while (n--)\n		c = _mm_crc32_u8(c, *p++);\n	return c;", "	return c;")],
             [UNIT]),
    Mutation("crc-fw-instruction-drops-tail",
             "the firmware's CRC32C instructions leave out an odd last byte after the last whole "
             "eight",
             "vmstate/crc32c_hw.c",
             [("	if (n & 1)\n		__asm__(", "	if (0 && (n & 1))\n		__asm__(")],
             [pytest("tests/qemu/test_boot.py")]),
    Mutation("vector-gic-id-off-by-one",
             "a GIC identification register the vector answers reads one off what C reads",
             "el2/vgic_mmio.c",
             [("	v->mmio[(*n)++].value = val;", "	v->mmio[(*n)++].value = val ^ 1;")],
             [pytest("tests/qemu/test_hostile.py", "narrow")]),
    Mutation("ipi-vector-sends-nothing",
             "an IPI to another vCPU, taken in the vector, is never sent",
             "el2/vectors.S",
             [("	msr	S3_0_C12_C11_5, x1		/* ICC_SGI1R_EL1: the same CPUs, physically */",
               "	nop")],
             [pytest("tests/qemu/test_smp.py", "every_cpu")]),
    Mutation("ipi-c-path-sends-nothing",
             "an IPI to another vCPU, taken through C, is never sent",
             "el2/vgic.c",
             [("			gic_hw_sgi(sgi1r_for(t->hw_mpidr, intid));", "			(void)t;")],
             [pytest("tests/qemu/test_smp.py", "every_cpu")]),
    Mutation("ipi-self-vector-no-priority",
             "an IPI to itself, put in a list register by the vector, loses the guest's priority",
             "el2/vectors.S",
             [("	ldrb	w1, [x1, #VCPU_VGIC_PRIO]", "	mov	w1, #0")],
             [pytest("tests/qemu/test_smp.py", "every_cpu and 1-")]),
    Mutation("ipi-self-vector-pending-lost",
             "an IPI to itself while it is active is not made pending again by the vector",
             "el2/vectors.S",
             [("9:	orr	x1, x1, #(1 << LR_PENDING_BIT)", "9:	nop")],
             [pytest("tests/qemu/test_smp.py", "every_cpu and 1-")]),
    Mutation("ipi-self-vector-to-c-without-esr",
             "an IPI to itself with no list register empty reaches C without its ESR",
             "el2/vectors.S",
             [("	mrs	x0, esr_el2			/* as guest_sync_light takes it */\n", "")],
             [pytest("tests/qemu/test_smp.py", "every_cpu and 1-")]),
    Mutation("el3-gic-security-kept",
             "entered at EL3, the firmware leaves the GIC's security on: its maintenance "
             "interrupt never comes (Group 0), interrupts beyond the list registers wait forever",
             "el2/gic_hw.c",
             [("	gic_hw_write32(gicd, gic_hw_read32(gicd) | GICD_CTLR_DS);",
               "	(void)gicd;")],
             [pytest("tests/qemu/test_boot.py", "el3")]),
    Mutation("gicv2-cpu-interface-rows-touched",
             "on a CPU without the GIC system registers (a GICv2 board) the guest's CPU-interface "
             "rows go on to read ICC_SRE_EL2: UNDEF at EL2, a crash",
             "sysreg/sysreg_hw.c",
             [("	if (!((pfr0 >> 24) & 0xf))\n		return false;", "")],
             [pytest("tests/qemu/test_boot.py", "gicv2")]),
    Mutation("cpu-on-keeps-loaded-state",
             "a guest CPU_ON of a vCPU a load left off starts it with the blob's registers",
             "el2/guest.c",
             [("	t->loaded = false;\n	vcpu_set_power(t, VCPU_ON_PENDING);",
               "	vcpu_set_power(t, VCPU_ON_PENDING);")],
             [pytest("tests/qemu/test_linux.py", "cpu_on_after")]),
    Mutation("plain-check-skips-wmask",
             "the plain load check lets a context value outside its writable mask through",
             "vmstate/policy.c",
             [("		if (t->id[i] != e->id || (e->value & ~t->accept[i]))",
               "		if (t->id[i] != e->id || (e->value & ~t->accept[i] & 0))")],
             [UNIT]),
    Mutation("plain-apply-keeps-cpu-model",
             "the plain apply (of entries or of rows) forgets to take the blob's CPU model",
             "vmstate/policy.c",
             [("	vs->cpu_version = sysreg_cpu_model_of(vs);\n	for (unsigned int w = 0; "
               "w < SYSREG_MASK_WORDS; w++)\n		for (uint64_t m = lacked[w];",
               "	for (unsigned int w = 0; w < SYSREG_MASK_WORDS; w++)\n"
               "		for (uint64_t m = lacked[w];")],
             [UNIT]),
    Mutation("plain-export-droppable-always",
             "the plain export marks every register droppable",
             "vmstate/policy.c",
             [("							       .droppable = val == (r->hw[i] & r->view[i]) };",
               "							       .droppable = true };")],
             [UNIT]),
    Mutation("decode-run-keeps-ids-past-window",
             "the decoder's run keeps entries whose id left the section's 64K window (a "
             "firmware id in SYSREGS)",
             "vmstate/blob_decode.c",
             [("	if (e > first && (last >> 16) != fits_hi) {", "	if (0) {")],
             [UNIT], build=None),
    Mutation("length-tables-take-reserved-flags",
             "the length tables take a flags byte with reserved bit 7 set as its low bits say "
             "(the load path's decoder, which relies on them to refuse it, takes the entry)",
             "vmstate/blob_decode.c",
             [("static const uint64_t len_mask[256] = { MASKS, MASKS };",
               "static const uint64_t len_mask[256] = { MASKS, MASKS, [128] = MASKS, MASKS };"),
              ("					  [128 ... 255] = ~UINT64_C(0) };	/* bit 7 */",
               "					  [128] = LEASTS, LEASTS, [160 ... 255] = ~UINT64_C(0) };"),
              ("static const uint8_t size_from[256] = { SIZES, SIZES };",
               "static const uint8_t size_from[256] = { SIZES, SIZES, [128] = SIZES, SIZES };")],
             [UNIT, FUZZ_SMOKE], build=None),
    Mutation("decode-run-takes-long-values",
             "the decoder's run takes a value not in its fewest bytes",
             "vmstate/blob_decode.c",
             [("			if (value < len_least[flags]) {", "			if (value < len_least[flags] && 0) {")],
             [UNIT], build=None),
    Mutation("save-rows-default-unmasked",
             "the save path's rows take the hardware's ID value as the default, not its view "
             "(droppable marks wrong on other CPU models)",
             "vmstate/blob_encode.c",
             [("			p = put_any_at(p, deltas[i], v, v == (hw[i] & view[i]));",
               "			p = put_any_at(p, deltas[i], v, v == hw[i]);")],
             [UNIT], build=None),
    Mutation("load-rows-skip-accept",
             "the load path's decoder takes a value with bits its row does not accept",
             "vmstate/blob_decode.c",
             [("	if ((value < least[f]) | ((value & ~accept[i]) != 0))",
               "	if (value < least[f])")],
             [UNIT], build=None),
    Mutation("load-rows-unknown-id-taken",
             "the load path's decoder takes an id between two rows as the next row's",
             "vmstate/blob_decode.c",
             [("		if (stop > to || t->id[i] != id)", "		if (stop > to)")],
             [UNIT], build=None),
    Mutation("load-rows-three-byte-delta-misread",
             "the load path's decoder reads a row's 3-byte delta as a 2-byte one (the blob then "
             "goes the general way: the benchmark's load by row fails)",
             "vmstate/blob_decode.c",
             [("	return p + 1 + (hn >> 15 & 1);", "	return p + 1;")],
             [pytest("tests/qemu/test_bench.py", "every_row")]),
    Mutation("load-rows-past-count-taken",
             "the load path's decoder takes entries past its section's count as rows",
             "vmstate/blob_decode.c",
             [("	if (i != stop)\n		return false;	/* entries past the count */\n", "")],
             [UNIT], build=None),
    Mutation("load-rows-no-sentinel",
             "the row after the last has no sentinel: the load path's decoder takes the zeros "
             "behind the last section as one more row (and goes the general way)",
             "vmstate/policy.c",
             [("	plain.head[SYSREG_COUNT] = 0xffff;\n	plain.headn[SYSREG_COUNT] = ~UINT32_C(0);\n",
               "")],
             [pytest("tests/qemu/test_bench.py", "every_row")]),
    Mutation("load-rows-lacked-unchecked",
             "the check of a vCPU taken by row lets rows the blob lacks through",
             "vmstate/policy.c",
             [("		if (c->row_lacked[w] & ~(t->reset_safe.w[w] | vs->hidden.w[w]))",
               "		if (c->row_lacked[w] & ~(t->reset_safe.w[w] | vs->hidden.w[w]) & 0)")],
             [UNIT], build=None),
    Mutation("load-rows-merged-rule-first-only",
             "the check of a vCPU taken by row keeps only the first of a register's one-value "
             "rules when it merges them: it lets values no firmware writes through",
             "vmstate/policy.c",
             [("		p->mask |= mask << r->shift;\n		p->lo |= r->lo << r->shift;",
               "		if (!p->mask) {\n		p->mask |= mask << r->shift;\n		p->lo |= r->lo << r->shift;\n		}")],
             [UNIT], build=None),
    Mutation("load-rows-offered-pass-blind",
             "the check of a vCPU taken by row compares the offered ID registers without the "
             "blob's values: a guest that saw more than this side offers is let through",
             "vmstate/policy.c",
             [("		differ |= val[row[j]] ^ (hw[row[j]] & view[j]);",
               "		differ |= 0 & val[row[j]] ^ (hw[row[j]] & view[j]) & 0;")],
             [UNIT], build=None),
    Mutation("load-rows-mpidr-unseen",
             "a vCPU taken by row has no MPIDR_EL1 value for the vCPU record's check",
             "vmstate/blob.c",
             [("	if (t) {\n		unsigned int lo = 0, hi = t->n;",
               "	if (t) {\n		return false;\n		unsigned int lo = 0, hi = t->n;")],
             [FUZZ_SMOKE], build=None),
    Mutation("load-rows-drop-marks-lost",
             "a vCPU taken by row, made into entries, loses the blob's droppable marks "
             "(an older world refuses a blob it takes as entries)",
             "vmstate/blob.c",
             [("				.droppable = flags[i] & VMSTATE_ENT_DROPPABLE };",
               "				.droppable = false };")],
             [UNIT], build=None),
    Mutation("load-rows-after-entries",
             "a vCPU whose FWREGS came first as entries still has its SYSREGS taken by row, "
             "and is held by row with FWREGS' rows whatever the last load left",
             "vmstate/blob_decode.c",
             [("		vmstate_rows_to_regs(c);\n		c->row_sections = ROWS_ENTRIES;",
               "		if (c->row_sections)\n			vmstate_rows_to_regs(c);"),
              ("		if (out->vcpu[i].row_sections != (ROWS_SYSREGS | ROWS_FWREGS))",
               "		if (0)")],
             [UNIT], build=None),
    Mutation("encode-run-delta-128",
             "the encoder's run writes a delta of 128 as one byte (a broken varint)",
             "vmstate/blob_encode.c",
             [("| (d3 - 1)) >= 0x7f)", "| (d3 - 1)) >= 0x80)")],
             [UNIT], build=None),
]


def run(cmd, log, cwd=TREE, timeout=TIMEOUT):
    """Run cmd in the copy; returns 'pass', 'fail', 'timeout' or 'no such test'
    (pytest found nothing to run: a renamed test must not count as catching)."""
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n")
        f.flush()
        try:
            r = subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT,
                               timeout=timeout)
        except subprocess.TimeoutExpired:
            f.write(f"[timed out after {timeout} s]\n")
            return "timeout"
    if cmd[:len(PYTEST)] == PYTEST and r.returncode in (4, 5):
        return "no such test"
    return "pass" if r.returncode == 0 else "fail"


def make_copy():
    """The tree's files synced into TREE (tests/treecopy.py)."""
    sync_tree(ROOT, TREE)


def apply(m):
    """Apply m's edits in the copy; returns the original text (or raises)."""
    path = os.path.join(TREE, m.path)
    with open(path) as f:
        orig = f.read()
    text = orig
    for old, new in m.edits:
        n = text.count(old)
        if n != 1:
            raise ValueError(f"{m.path}: {old!r} found {n} times (expected once)")
        text = text.replace(old, new)
    with open(path, "w") as f:
        f.write(text)
    return orig


def restore(m, orig):
    with open(os.path.join(TREE, m.path), "w") as f:
        f.write(orig)       # a new mtime: make rebuilds what depends on it


def main(argv):
    if "--list" in argv:
        for m in MUTATIONS:
            print(f"{m.name:32} {m.path:26} {m.what}")
        return 0
    chosen = [m for m in MUTATIONS if not argv or m.name in argv]
    unknown = set(argv) - {m.name for m in MUTATIONS}
    if unknown:
        print(f"mutate: unknown mutation(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    os.makedirs(WORK, exist_ok=True)
    make_copy()
    log = os.path.join(WORK, "baseline.log")
    open(log, "w").close()
    print(f"mutate: copy in {TREE}; building and running the unmutated tests (log {log})",
          flush=True)
    if run(BUILD_PEER + ["build/bench/bench_host"], log) != "pass":
        print("mutate: the unmutated copy does not build", file=sys.stderr)
        return 2
    tests = []
    for m in chosen:
        for t in m.tests:
            if t not in tests:
                tests.append(t)
    for t in tests:
        r = run(t, log)
        if r == "no such test":
            print(f"mutate: no such test in this tree: {' '.join(t)}", flush=True)
        elif r != "pass":
            print(f"mutate: the unmutated copy fails {' '.join(t)}; see {log}", file=sys.stderr)
            return 2

    results = []
    for m in chosen:
        log = os.path.join(WORK, m.name + ".log")
        open(log, "w").close()
        start = time.monotonic()
        try:
            orig = apply(m)
        except ValueError as e:
            results.append((m, "ERROR: does not apply", str(e)))
            print(f"{m.name}: ERROR: {e}", flush=True)
            continue
        try:
            if m.build and run(m.build, log) != "pass":
                outcome, by = "ERROR: does not build", ""
            else:
                outcome, by = "missed", ""
                for t in m.tests:
                    r = run(t, log)
                    if r == "no such test":
                        outcome = "ERROR: no such test"
                        by = " ".join(t)
                        break
                    if r != "pass":
                        outcome = "caught" if r == "fail" else "caught (timeout)"
                        by = " ".join(["pytest"] + t[len(PYTEST):] if t[:len(PYTEST)] == PYTEST
                                      else t)
                        break
        finally:
            restore(m, orig)
        secs = time.monotonic() - start
        results.append((m, outcome, by))
        print(f"{m.name}: {outcome}{' by ' + by if by else ''} ({secs:.0f} s)", flush=True)

    caught = sum(1 for _, o, _ in results if o.startswith("caught"))
    lines = ["| mutation | file | defect | result | caught by |", "|---|---|---|---|---|"]
    for m, outcome, by in results:
        lines.append(f"| {m.name} | `{m.path}` | {m.what} | {outcome} | {by} |")
    summary = f"\n{caught} of {len(results)} mutations caught.\n"
    with open(os.path.join(WORK, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n" + summary)
    print("\n".join(lines) + "\n" + summary)
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
