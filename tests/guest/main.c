/*
 * The standard EL1 test guest. It checks what the firmware promises the
 * guest, prints PASS:/FAIL:/INFO: lines (the QEMU tests read them), then
 * reports its status and powers off through PSCI.
 */
#include <stddef.h>

#include "sysreg/sysreg.h"
#include "tests/guest/bench.h"
#include "tests/guest/ckpt.h"
#include "tests/guest/lib.h"

/* One reader (and, for context registers, one writer) per table row. */
#define GEN_RD(n, acc) static uint64_t rd_##n(void) { return read_sysreg(acc); }
#define GEN_WR(n, acc) static void wr_##n(uint64_t v) { write_sysreg(acc, v); }
#define GEN_CTX(n, acc) GEN_RD(n, acc) GEN_WR(n, acc)
#define GEN_ID(n, acc) GEN_RD(n, acc)
#define GEN_FWR(n, acc)
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) GEN_##cl(n, acc)
#include "sysreg/sysregs.h"
#undef SYSREG

/* x1 from the firmware (regvisor.guestarg): test modes. */
#define GUEST_MODE_DELIBERATE_FAIL	UINT64_C(0x1)	/* report one failure */
#define GUEST_MODE_CHECKPOINT		UINT64_C(0x2)	/* end with the checkpoint test */
#define GUEST_MODE_KEEP_WA2		UINT64_C(0x4)	/* leave WORKAROUND_2 enabled */
#define GUEST_MODE_BENCH		UINT64_C(0x8)	/* only the benchmarks */
#define GUEST_MODE_SOAK			UINT64_C(0x10)	/* checkpoint again and again */
#define GUEST_SOAK_CYCLES_SHIFT		16		/* cycles: mode >> 16 */

struct greg {
	const char *name;
	unsigned int since;
	uint64_t (*rd)(void);
	void (*wr)(uint64_t);
};

#define CTXROW_CTX(n, si) { #n, si, rd_##n, wr_##n },
#define CTXROW_ID(n, si)
#define CTXROW_FWR(n, si)
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) CTXROW_##cl(n, si)
static const struct greg ctx_regs[] = {
#include "sysreg/sysregs.h"
};
#undef SYSREG

#define IDROW_CTX(n)
#define IDROW_ID(n) { #n, 1, rd_##n, NULL },
#define IDROW_FWR(n)
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) IDROW_##cl(n)
static const struct greg id_regs[] = {
#include "sysreg/sysregs.h"
};
#undef SYSREG

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static uint64_t field(uint64_t v, unsigned int shift)
{
	return (v >> shift) & 0xf;
}

static bool view_pauth;

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
	};

	if (streq(n, "SCTLR_EL1"))
		return old ^ (UINT64_C(1) << 9);	/* UMA: no effect at EL1 */
	for (unsigned int k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
		if (streq(n, fixed[k].name))
			return fixed[k].v;
	return UINT64_C(0xa5a5000000000000) | ((uint64_t)i << 40) | UINT64_C(0x12345678);
}

/* Registers whose contents the Arm ARM leaves to the implementation (QEMU: RAZ/WI). */
static bool impdef(const char *n)
{
	return streq(n, "AFSR0_EL1") || streq(n, "AFSR1_EL1") || streq(n, "AMAIR_EL1");
}

static void test_context_registers(void)
{
	for (unsigned int i = 0; i < sizeof(ctx_regs) / sizeof(ctx_regs[0]); i++) {
		const struct greg *r = &ctx_regs[i];
		uint64_t old, want, got;

		if (streq(r->name, "SP_EL1"))
			continue;	/* it is this code's stack pointer */
		if (r->since >= 2 && !view_pauth)
			continue;	/* pointer-auth keys: only with pauth in view */
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
	uint64_t want = rd_ID_AA64ISAR1_EL1();
	bool same = MRS_ISAR1_INTO("x0") == want && MRS_ISAR1_INTO("x1") == want &&
		    MRS_ISAR1_INTO("x3") == want && MRS_ISAR1_INTO("x4") == want &&
		    MRS_ISAR1_INTO("x17") == want && MRS_ISAR1_INTO("x28") == want;

	__asm__ volatile("mrs xzr, S3_0_C0_C6_1");
	report(same, "id: trapped MRS answers into x0, x1, x3, x4, x17, x28 and XZR alike");
}

static void test_id_registers(void)
{
	uint64_t pfr0 = rd_ID_AA64PFR0_EL1(), pfr1 = rd_ID_AA64PFR1_EL1();
	uint64_t isar1 = rd_ID_AA64ISAR1_EL1(), isar2 = rd_ID_AA64ISAR2_EL1();

	for (unsigned int i = 0; i < sizeof(id_regs) / sizeof(id_regs[0]); i++)
		gprintf("INFO: id %s = 0x%016lx\n", id_regs[i].name, id_regs[i].rd());

	report(field(pfr0, 8) == 0 && field(pfr0, 12) == 0, "id: no EL2/EL3 in the guest's view");
	report(field(pfr0, 32) == 0 && field(pfr1, 24) == 0, "id: no SVE/SME in the guest's view");
	report(field(pfr0, 0) != 0 && field(pfr0, 4) != 0, "id: EL0 and EL1 present");
	report(read_sysreg(S3_0_C0_C4_2) == 0, "id: unallocated ID_AA64PFR2_EL1 reads as zero");
	view_pauth = field(isar1, 4) || field(isar1, 8) || field(isar1, 24) ||
		     field(isar1, 28) || field(isar2, 8) || field(isar2, 12);
	gprintf("INFO: view pauth=%u\n", view_pauth ? 1u : 0u);
	report(read_sysreg(mpidr_el1) == 0x80000000, "id: MPIDR_EL1 is vCPU 0 (0x%lx)",
	       read_sysreg(mpidr_el1));
	test_id_register_destinations();
}

static void read_actlr(void)
{
	(void)read_sysreg(actlr_el1);
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
	report(expect_undef(read_actlr), "undef: MRS ACTLR_EL1 (not in the table) is UNDEF");
	report(expect_undef(write_pfr0), "undef: MSR to ID_AA64PFR0_EL1 is UNDEF");
	report(true, "undef: the guest runs on after UNDEFs");
}

#define SMCCC_VERSION		0x80000000
#define SMCCC_ARCH_FEATURES	0x80000001
#define SMCCC_ARCH_WORKAROUND_2	0x80007fff
#define PSCI_VERSION		0x84000000
#define PSCI_FEATURES		0x8400000a
#define PSCI_SYSTEM_OFF		0x84000008
#define PSCI_CPU_ON64		0xc4000003
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
	r = hvc(PSCI_CPU_ON64, 1, 0x40400000, 0);
	report(r.x0 == (uint64_t)-2, "hvc: PSCI CPU_ON of a missing CPU is INVALID_PARAMETERS");
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


static const struct greg *ctx_find(const char *name)
{
	for (unsigned int i = 0; i < sizeof(ctx_regs) / sizeof(ctx_regs[0]); i++)
		if (streq(ctx_regs[i].name, name))
			return &ctx_regs[i];
	return NULL;
}

/*
 * Context registers the checkpoint test fills: harmless values with the MMU
 * off. TPIDR_EL1 is not among them: it holds the console's address, the one
 * thing the guest needs after a resume on a fresh image.
 */
static const struct { const char *name; uint64_t v; } ckpt_sysregs[] = {
	{ "SP_EL0", 0x5e0005e0005e0000 }, { "ELR_EL1", 0x00000000404e1e10 },
	{ "SPSR_EL1", 0x00000000600003c5 }, { "MDSCR_EL1", 0x1000 },
	{ "TTBR0_EL1", 0x0001000040600000 }, { "TTBR1_EL1", 0x0002000040700000 },
	{ "ESR_EL1", 0x0000000096000045 }, { "FAR_EL1", 0xfa00fa00fa00fa00 },
	{ "PAR_EL1", 0x0000000044556000 }, { "MAIR_EL1", 0x000000ff440c0400 },
	{ "CONTEXTIDR_EL1", 0xc1d }, { "CNTKCTL_EL1", 0x3 }, { "CSSELR_EL1", 0x1 },
	{ "TPIDR_EL0", 0x7e1d00000000e000 }, { "TPIDRRO_EL0", 0x7e1d0000000e0e0e },
	/* The timer enabled (masked) and already expired: ISTATUS reads 1, status not state. */
	{ "CNTV_CVAL_EL0", 0x1 }, { "CNTV_CTL_EL0", 0x3 },
	{ "APIAKEYLO_EL1", 0xa1a1a1a1a1a1a1a1 }, { "APIAKEYHI_EL1", 0xa2a2a2a2a2a2a2a2 },
	{ "APDBKEYLO_EL1", 0xdbdbdbdb00000001 }, { "APGAKEYHI_EL1", 0x6a6a6a6a6a6a6a6a },
};

#define RV_FEATURES_FID		0x86000000
/* x26, x27, x28 carry what the checks after a resume compare against. */
#define CKPT_X_BMAP2		26
#define CKPT_X_BMAP		27
#define CKPT_X_VCOUNT		28
#define CKPT_X_VIEW		25	/* 1 when pointer auth was in the ID view */

static bool pauth_in_view(void)
{
	uint64_t isar1 = rd_ID_AA64ISAR1_EL1(), isar2 = rd_ID_AA64ISAR2_EL1();

	return field(isar1, 4) || field(isar1, 8) || field(isar1, 24) || field(isar1, 28) ||
	       field(isar2, 8) || field(isar2, 12);
}

static bool ckpt_sysreg_applies(const struct greg *r)
{
	return r && !(r->since >= 2 && !pauth_in_view());
}

/* The values the test loads, the same on every run and after a resume. */
static void ckpt_fill(struct ckpt *in)
{
	for (unsigned int i = 1; i < 31; i++)
		in->x[i] = UINT64_C(0xc0de000000000000) | ((uint64_t)i << 32) | (i * 0x01010101u);
	for (unsigned int i = 0; i < 32; i++) {
		in->v[i][0] = UINT64_C(0xf1f10000000000a0) | ((uint64_t)i << 16);
		in->v[i][1] = UINT64_C(0x0e0e0000000000b0) | ((uint64_t)i << 24);
	}
	in->fpsr = 0x0800009f;
	in->fpcr = 0x03000000;
}

struct ckpt ckpt_out;

/*
 * Fill every register with a distinctive value and make the checkpoint
 * call. The guest stops there; when it runs again, here or on another
 * firmware, guest_after_checkpoint() checks that everything came back.
 */
/* Soak mode: cycles still to go (memory survives: these cycles stay on one machine). */
static uint64_t soak_left, soak_done;
static bool quiet;

static _Noreturn void test_checkpoint(void)
{
	static struct ckpt in;
	struct smccc_res r = hvc(RV_FEATURES_FID, 0, 0, 0);

	ckpt_fill(&in);
	in.x[CKPT_X_BMAP] = r.x0;
	in.x[CKPT_X_BMAP2] = r.x1;
	in.x[CKPT_X_VIEW] = pauth_in_view();
	for (unsigned int i = 0; i < sizeof(ckpt_sysregs) / sizeof(ckpt_sysregs[0]); i++) {
		const struct greg *r2 = ctx_find(ckpt_sysregs[i].name);

		if (!ckpt_sysreg_applies(r2))
			continue;
		r2->wr(ckpt_sysregs[i].v);
		if (!quiet)
			gprintf("INFO: ckpt %s = 0x%016lx\n", r2->name, ckpt_sysregs[i].v);
	}
	in.x[CKPT_X_VCOUNT] = read_sysreg(cntvct_el0);
	if (!quiet) {
		for (unsigned int i = 1; i < 31; i++)
			gprintf("INFO: ckpt x%u = 0x%016lx\n", i, in.x[i]);
		for (unsigned int i = 0; i < 32; i++)
			gprintf("INFO: ckpt v%u = 0x%016lx%016lx\n", i, in.v[i][1], in.v[i][0]);
		gprintf("INFO: ckpt fpsr = 0x%08lx\nINFO: ckpt fpcr = 0x%08lx\n", in.fpsr,
			in.fpcr);
		gprintf("guest: checkpoint\n");
	}
	guest_checkpoint(&in);
}

void guest_after_checkpoint(void)
{
	static struct ckpt want;
	const struct ckpt *out = &ckpt_out;
	struct smccc_res r;
	uint64_t now;
	unsigned int bad = 0;

	guest_console_init(read_sysreg(tpidr_el1));
	report_reset();
	now = read_sysreg(cntvct_el0);
	if (!quiet)
		gprintf("guest: resumed after checkpoint\n");
	ckpt_fill(&want);
	report(out->x[0] == 0, "checkpoint: the call returned SUCCESS (0x%lx)", out->x[0]);
	for (unsigned int i = 1; i < 31; i++)
		if (i != CKPT_X_BMAP && i != CKPT_X_BMAP2 && i != CKPT_X_VCOUNT &&
		    i != CKPT_X_VIEW && out->x[i] != want.x[i])
			bad++, gprintf("INFO: x%u 0x%016lx came back 0x%016lx\n", i, want.x[i],
				       out->x[i]);
	report(!bad, "checkpoint: x1..x30 came back unchanged");
	bad = 0;
	for (unsigned int i = 0; i < 32; i++)
		if (out->v[i][0] != want.v[i][0] || out->v[i][1] != want.v[i][1])
			bad++, gprintf("INFO: v%u changed\n", i);
	report(!bad && out->fpsr == want.fpsr && out->fpcr == want.fpcr,
	       "checkpoint: V0..V31, FPSR, FPCR came back unchanged");
	bad = 0;
	for (unsigned int i = 0; i < sizeof(ckpt_sysregs) / sizeof(ckpt_sysregs[0]); i++) {
		const struct greg *g = ctx_find(ckpt_sysregs[i].name);
		uint64_t got;

		if (!ckpt_sysreg_applies(g))
			continue;
		got = g->rd();
		if (streq(g->name, "CNTV_CTL_EL0"))
			got &= 3;	/* ISTATUS (bit 2) is the CPU's to set */
		if (got != ckpt_sysregs[i].v)
			bad++, gprintf("INFO: %s 0x%016lx came back 0x%016lx\n", g->name,
				       ckpt_sysregs[i].v, got);
	}
	report(!bad, "checkpoint: context system registers came back unchanged");
	report(now >= out->x[CKPT_X_VCOUNT], "checkpoint: the virtual counter did not go "
	       "backwards (0x%lx, then 0x%lx)", out->x[CKPT_X_VCOUNT], now);
	r = hvc(RV_FEATURES_FID, 0, 0, 0);
	report(r.x0 == out->x[CKPT_X_BMAP] && r.x1 == out->x[CKPT_X_BMAP2],
	       "checkpoint: service bitmaps as before (BMAP=0x%lx BMAP_2=0x%lx)", r.x0, r.x1);
	report(pauth_in_view() == (out->x[CKPT_X_VIEW] != 0),
	       "checkpoint: the ID view is the one the guest booted with (pauth=%u)",
	       pauth_in_view() ? 1u : 0u);
	if (soak_left) {
		soak_left--;
		soak_done++;
		if (report_failures()) {
			gprintf("SOAK: cycle %lu failed\n", soak_done);
			report_exit();
		}
		if (soak_done % 1000 == 0)
			gprintf("SOAK: %lu cycles\n", soak_done);
		if (soak_left)
			test_checkpoint();
		report_quiet(false);
		report(true, "soak: %lu checkpoint, export, import, resume cycles, every register "
		       "checked each time", soak_done);
	}
	report_exit();
}

void guest_main(uint64_t uart, uint64_t mode);
void guest_main(uint64_t uart, uint64_t mode)
{
	write_sysreg(tpidr_el1, uart);	/* the console survives a resume elsewhere */
	guest_console_init(uart);
	if (mode & GUEST_MODE_BENCH) {
		guest_bench();
		report_exit();
	}
	if (mode & GUEST_MODE_DELIBERATE_FAIL)
		report(false, "deliberate failure (regvisor.guestarg=1)");
	gprintf("guest: hello from EL%lu\n", (read_sysreg(CurrentEL) >> 2) & 3);
	report(((read_sysreg(CurrentEL) >> 2) & 3) == 1, "guest runs at EL1");
	test_hypercalls(mode);
	test_id_registers();
	test_context_registers();
	test_undef();
	test_isolation();
	if (mode & GUEST_MODE_SOAK) {
		soak_left = mode >> GUEST_SOAK_CYCLES_SHIFT;
		quiet = true;
		report_quiet(true);
		test_checkpoint();
	}
	if (mode & GUEST_MODE_CHECKPOINT)
		test_checkpoint();
	report_exit();
}
