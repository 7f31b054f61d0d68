/*
 * The standard EL1 test guest. It checks what the firmware promises the
 * guest, prints PASS:/FAIL:/INFO: lines (the QEMU tests read them), then
 * reports its status and powers off through PSCI.
 */
#include <stddef.h>

#include "tests/guest/bench.h"
#include "tests/guest/regs.h"
#include "tests/guest/lib.h"



/* A value the register keeps and that is harmless with the MMU off. */
static uint64_t test_value(const char *n, unsigned int i, uint64_t old)
{
	static const struct { const char *name; uint64_t v; } fixed[] = {
		{ "CPACR_EL1", 0x10300000 },		/* FPEN on, TTA set */
		{ "VBAR_EL1", 0x40480000 },
		{ "ESR_EL1", 0x96000045 },
		{ "PAR_EL1", 0x0000000012345000 },
		{ "CSSELR_EL1", 0x1 },			/* L1 instruction cache */
		{ "CNTKCTL_EL1", 0x3 },
		{ "CNTV_CTL_EL0", 0x2 },		/* IMASK, not enabled */
		{ "MDSCR_EL1", 0x1000 },		/* TDCC */
		{ "SPSR_EL1", 0x200003c5 },
		{ "CONTEXTIDR_EL1", 0x1234 },
		{ "TCR_EL1", 0x00000032b5193519 },
		/* Breakpoints and watchpoints disabled (E = 0), so nothing fires. */
		{ "DBGBVR0_EL1", 0x40480000 }, { "DBGBCR0_EL1", 0x1e0 },
		{ "DBGWVR0_EL1", 0x40490000 }, { "DBGWCR0_EL1", 0x1fe0 },
		{ "ICC_PMR_EL1", 0xf8 }, { "ICC_BPR0_EL1", 0x4 }, { "ICC_BPR1_EL1", 0x5 },
		{ "ICC_AP0R0_EL1", 0x1 }, { "ICC_AP1R0_EL1", 0x2 },
		{ "ICC_IGRPEN0_EL1", 0x1 }, { "ICC_IGRPEN1_EL1", 0x1 },
		{ "CNTP_CTL_EL0", 0x2 },		/* IMASK, not enabled */
	};

	if (streq(n, "SCTLR_EL1"))
		return old ^ (UINT64_C(1) << 9);	/* UMA: no effect at EL1 */
	for (unsigned int k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
		if (streq(n, fixed[k].name))
			return fixed[k].v;
	return UINT64_C(0xa5a5000000000000) | ((uint64_t)i << 40) | UINT64_C(0x12345678);
}

/*
 * Registers whose contents the Arm ARM leaves to the implementation (QEMU:
 * RAZ/WI), or whose read shows more than the write set (ICC_CTLR_EL1's
 * read-only fields, ICC_SRE_EL1's RAO bits), or that are set through
 * another (the OS lock, through OSLAR_EL1): reported, not compared.
 */
static bool impdef(const char *n)
{
	static const char *const names[] = {
		"AFSR0_EL1", "AFSR1_EL1", "AMAIR_EL1", "MDCCINT_EL1", "ICC_CTLR_EL1",
		"ICC_SRE_EL1", "OSLSR_EL1", "OSDLR_EL1",
	};

	for (unsigned int k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (streq(n, names[k]))
			return true;
	return false;
}

/* Instance n of breakpoints ("DBGB..."), watchpoints ("DBGW...") or active priorities the CPU lacks. */
static bool absent_instance(const char *n)
{
	uint64_t dfr0 = id_read("ID_AA64DFR0_EL1");
	unsigned int inst;

	if (n[0] == 'D' && n[1] == 'B' && n[2] == 'G' && (n[3] == 'B' || n[3] == 'W')) {
		inst = (unsigned int)(n[6] - '0');
		if (n[7] >= '0' && n[7] <= '9')
			inst = inst * 10 + (unsigned int)(n[7] - '0');
		return inst > field(dfr0, n[3] == 'B' ? 12 : 20);
	}
	if (streq(n, "OSLSR_EL1") || streq(n, "OSDLR_EL1"))
		return true;	/* OSLSR is read-only (the lock is set by OSLAR); a double lock stops debug */
	if (n[0] == 'I' && n[1] == 'C' && n[2] == 'C' && n[4] == 'A' && n[5] == 'P') {
		unsigned int pri = (unsigned int)((read_sysreg(S3_0_C12_C12_4) >> 8) & 7) + 1;
		unsigned int nr = pri >= 7 ? 4 : pri == 6 ? 2 : 1;

		return (unsigned int)(n[8] - '0') >= nr;
	}
	return false;
}

static void test_context_registers(void)
{
	for (unsigned int i = 0; i < n_ctx_regs; i++) {
		const struct greg *r = &ctx_regs[i];
		uint64_t old, want, got;

		/* Each register left out says so: the QEMU test checks every row is accounted for. */
		if (streq(r->name, "SP_EL1")) {
			report_info("sysreg %s not tested: this code's stack pointer", r->name);
			continue;
		}
		if (r->since == 2 && !pauth_in_view()) {
			report_info("sysreg %s not tested: pointer auth not in view", r->name);
			continue;
		}
		if (absent_instance(r->name)) {
			report_info("sysreg %s not tested: absent or not directly writable", r->name);
			continue;
		}
		old = r->rd();
		want = test_value(r->name, i, old);
		r->wr(want);
		__asm__ volatile("isb");
		got = r->rd();
		r->wr(old);
		__asm__ volatile("isb");
		if (impdef(r->name))
			report_info("sysreg %s write 0x%016lx read 0x%016lx (IMPLEMENTATION DEFINED)",
				    r->name, want, got);
		else
			report(got == want, "sysreg %s write 0x%016lx read 0x%016lx", r->name,
			       want, got);
	}
}

/* The same ID register read into several destination registers, XZR too. */
#define MRS_ISAR1_INTO(reg)						\
	({								\
		register uint64_t __r __asm__(reg);			\
		__asm__ volatile("mrs %0, S3_0_C0_C6_1" : "=r"(__r));	\
		__r;							\
	})

static void test_id_register_destinations(void)
{
	uint64_t want = id_read("ID_AA64ISAR1_EL1");
	bool same = MRS_ISAR1_INTO("x0") == want && MRS_ISAR1_INTO("x1") == want &&
		    MRS_ISAR1_INTO("x3") == want && MRS_ISAR1_INTO("x4") == want &&
		    MRS_ISAR1_INTO("x17") == want && MRS_ISAR1_INTO("x28") == want;

	__asm__ volatile("mrs xzr, S3_0_C0_C6_1");
	report(same, "id: trapped MRS answers into x0, x1, x3, x4, x17, x28 and XZR alike");
}

static void test_id_registers(void)
{
	uint64_t pfr0 = id_read("ID_AA64PFR0_EL1"), pfr1 = id_read("ID_AA64PFR1_EL1");

	for (unsigned int i = 0; i < n_id_regs; i++)
		gprintf("INFO: id %s = 0x%016lx\n", id_regs[i].name, id_regs[i].rd());

	report(field(pfr0, 8) == 0 && field(pfr0, 12) == 0, "id: no EL2/EL3 in the guest's view");
	report(field(pfr0, 32) == 0 && field(pfr1, 24) == 0, "id: no SVE/SME in the guest's view");
	report(field(pfr0, 0) != 0 && field(pfr0, 4) != 0, "id: EL0 and EL1 present");
	report(read_sysreg(S3_0_C0_C4_2) == 0, "id: unallocated ID_AA64PFR2_EL1 reads as zero");
	gprintf("INFO: view pauth=%u\n", pauth_in_view() ? 1u : 0u);
	report(read_sysreg(mpidr_el1) == 0x80000000, "id: MPIDR_EL1 is vCPU 0 (0x%lx)",
	       read_sysreg(mpidr_el1));
	test_id_register_destinations();
}

static void read_actlr(void)
{
	(void)read_sysreg(actlr_el1);
}

static void read_pmcr(void)
{
	(void)read_sysreg(pmcr_el0);
}

static void write_pmcntenset(void)
{
	write_sysreg(pmcntenset_el0, 1);
}

static void read_pmccntr(void)
{
	(void)read_sysreg(pmccntr_el0);
}

static void write_pfr0(void)
{
	write_sysreg(S3_0_C0_C4_0, 0);
}

/* The firmware's memory is not in the guest's stage-2 map: no access gets through. */
#define FIRMWARE_IMAGE_MAGIC	0x40200038u	/* the Image header's "ARM\x64" */
#define DTB_AREA		0x40000000u
#define ESR_EC_DABT_CUR		0x25u

static void write_firmware(void)
{
	*(volatile uint32_t *)(uintptr_t)FIRMWARE_IMAGE_MAGIC = 0xdeadbeef;
}

static void read_dtb_area(void)
{
	(void)*(volatile uint32_t *)(uintptr_t)DTB_AREA;
}

static void test_isolation(void)
{
	report(expect_exception(write_firmware, ESR_EC_DABT_CUR) && (last_esr & 0x3f) == 0x10,
	       "isolation: a write to the firmware's image is a data abort (esr 0x%lx)", last_esr);
	report(expect_exception(read_dtb_area, ESR_EC_DABT_CUR),
	       "isolation: a read below guest RAM is a data abort");
}

static void test_undef(void)
{
	uint64_t daif = read_sysreg(daif), tp = read_sysreg(tpidr_el0);

	write_sysreg(tpidr_el0, 0x0defc0de0defc0de);
	report(expect_undef(read_actlr), "undef: MRS ACTLR_EL1 (not in the table) is UNDEF");
	report(expect_undef(write_pfr0), "undef: MSR to ID_AA64PFR0_EL1 is UNDEF");
	/* No PMU in the ID view, none reachable: nothing a save could lose. */
	report(((read_sysreg(id_aa64dfr0_el1) >> 8) & 0xf) == 0, "pmu: ID_AA64DFR0_EL1 shows no PMU");
	report(expect_undef(read_pmcr), "pmu: MRS PMCR_EL0 is UNDEF");
	report(expect_undef(write_pmcntenset), "pmu: MSR PMCNTENSET_EL0 is UNDEF");
	report(expect_undef(read_pmccntr), "pmu: MRS PMCCNTR_EL0 is UNDEF");
	/* Back at EL1, at the next instruction, with its masks and registers as they were. */
	report(read_sysreg(CurrentEL) == 0x4 && read_sysreg(daif) == daif &&
	       read_sysreg(tpidr_el0) == 0x0defc0de0defc0de,
	       "undef: the guest runs on after UNDEFs at EL1, DAIF and TPIDR_EL0 as they were "
	       "(CurrentEL 0x%lx, DAIF 0x%lx)", read_sysreg(CurrentEL), read_sysreg(daif));
	write_sysreg(tpidr_el0, tp);
}

#define SMCCC_VERSION		0x80000000
#define SMCCC_ARCH_FEATURES	0x80000001
#define SMCCC_ARCH_WORKAROUND_2	0x80007fff
#define PSCI_VERSION		0x84000000
#define PSCI_FEATURES		0x8400000a
#define PSCI_SYSTEM_OFF		0x84000008
#define RV_FEATURES		0x86000000
#define RV_IMPL_VERSION		0x86000040
#define VENDOR_HYP_CALL_UID	0x8600ff01

static void test_hypercalls(uint64_t mode)
{
	struct smccc_res r;

	r = hvc(SMCCC_VERSION, 0, 0, 0);
	report(r.x0 == 0x10001, "hvc: SMCCC_VERSION is 1.1 (0x%lx)", r.x0);
	r = smc(PSCI_VERSION, 0, 0, 0);
	report(r.x0 == 0x10001, "smc: PSCI_VERSION is 1.1 (0x%lx)", r.x0);
	r = smc(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0);
	report(r.x0 == 0, "smc: PSCI_FEATURES(SYSTEM_OFF) is supported");
	r = smc(PSCI_FEATURES, SMCCC_VERSION, 0, 0);
	report(r.x0 == 0, "smc: PSCI_FEATURES(SMCCC_VERSION) is supported, as Linux asks");
	r = smc(PSCI_FEATURES, 0x84000077, 0, 0);
	report(r.x0 == SMCCC_NOT_SUPPORTED, "smc: PSCI_FEATURES of an unknown function");
	r = hvc(0x82001234, 0, 0, 0);
	report(r.x0 == SMCCC_NOT_SUPPORTED, "hvc: unknown SMCCC function is NOT_SUPPORTED");
	r = hvc(VENDOR_HYP_CALL_UID, 0, 0, 0);
	report(r.x0 == 0x2e3b1c5f && r.x3 == 0xf9a3d4e0, "hvc: vendor hypervisor UID is regvisor's");

	r = hvc(RV_FEATURES, 0, 0, 0);
	gprintf("INFO: vendor bitmaps BMAP=0x%lx BMAP_2=0x%lx\n", r.x0, r.x1);
	r = hvc(RV_IMPL_VERSION, 0, 0, 0);
	if (r.x0 == 0) {
		gprintf("INFO: impl version fw=%lu world=%lu cpu=%lu\n", r.x1, r.x2, r.x3);
	} else {
		gprintf("INFO: impl version not supported\n");
	}
	r = hvc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_2, 0, 0);
	gprintf("INFO: workaround_2 %s\n", r.x0 == 0 ? "supported" : "not supported");
	if (r.x0 == 0) {
		r = hvc(SMCCC_ARCH_WORKAROUND_2, 1, 0, 0);
		report(r.x0 == 0, "hvc: SMCCC_ARCH_WORKAROUND_2 enable");
		if (!(mode & GUEST_MODE_KEEP_WA2))
			hvc(SMCCC_ARCH_WORKAROUND_2, 0, 0, 0);
	} else {
		r = hvc(SMCCC_ARCH_WORKAROUND_2, 1, 0, 0);
		report(r.x0 == SMCCC_NOT_SUPPORTED, "hvc: SMCCC_ARCH_WORKAROUND_2 is NOT_SUPPORTED here");
	}
}


/* QEMU virt's PL011, the console regvisor gives the guest there. */
#define GUEST_UART	UINT64_C(0x09000000)
#define FDT_MAGIC	0xd00dfeedu

static uint32_t be32_at(uint64_t addr)
{
	const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)addr;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void guest_main(uint64_t dtb, uint64_t mode);
void guest_main(uint64_t dtb, uint64_t mode)
{
	write_sysreg(tpidr_el1, GUEST_UART);	/* the console survives a resume elsewhere */
	guest_console_init(GUEST_UART);
	if (mode & GUEST_MODE_FORGE)
		forge_firmware_lines();
	if (mode & (GUEST_MODE_STORM_SP | GUEST_MODE_STORM_VBAR))
		test_storm(mode & GUEST_MODE_STORM_VBAR);
	if (mode & GUEST_MODE_BENCH) {
		guest_bench();
		report_exit();
	}
	if (mode & GUEST_MODE_DELIBERATE_FAIL)
		report(false, "deliberate failure (regvisor.guestarg=1)");
	gprintf("guest: hello from EL%lu\n", (read_sysreg(CurrentEL) >> 2) & 3);
	report(((read_sysreg(CurrentEL) >> 2) & 3) == 1, "guest runs at EL1");
	report(dtb && !(dtb & 7) && be32_at(dtb) == FDT_MAGIC, "x0 holds the guest DTB (0x%lx)", dtb);
	report_info("dtb 0x%lx", dtb);
	if (mode & GUEST_MODE_RESET)
		test_reset();
	if (mode & GUEST_MODE_MMIO_SIZES)
		test_mmio_sizes();
	if (mode & GUEST_MODE_SWEEP)
		test_sweep();
	if (mode & GUEST_MODE_GICSTATE)
		test_gicstate();
	if (mode & GUEST_MODE_TIMER_RESET)
		test_timer_reset();
	if (mode & GUEST_MODE_HOSTILE)
		test_hostile((unsigned int)(mode >> GUEST_HOSTILE_SHIFT) & 0xff);
	if (mode & (GUEST_MODE_SPIN | GUEST_MODE_WFI))
		test_stuck(mode & GUEST_MODE_WFI);
	test_hypercalls(mode);
	test_smp();
	test_id_registers();
	test_context_registers();
	test_undef();
	test_isolation();
	if (mode & GUEST_MODE_SOAK)
		test_soak(mode >> GUEST_SOAK_CYCLES_SHIFT);
	if (mode & GUEST_MODE_CHECKPOINT)
		test_checkpoint();
	report_exit();
}
