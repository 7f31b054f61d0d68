/*
 * The checkpoint test: every register the guest can fill gets a
 * distinctive value, the guest makes the checkpoint call and stops; when it
 * runs again, here or on another firmware, guest_after_checkpoint() checks
 * that everything came back.
 */
#include "tests/guest/ckpt.h"
#include "tests/guest/regs.h"

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
/* The most the virtual counter may move across a checkpoint: 1/4 s. */
#define CKPT_MAX_JUMP_DIV	4u
/* The checks guest_after_checkpoint() makes; every soak cycle passes them all. */
#define CKPT_CHECKS		7u

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
/*
 * Soak mode: cycles still to go, done, and checks passed (memory survives:
 * these cycles stay on one machine; the firmware wipes the live registers
 * between its export and its import, so each cycle's checks see only what
 * the import put back).
 */
static uint64_t soak_left, soak_done, soak_total, soak_passed;
static bool quiet;

_Noreturn void test_checkpoint(void)
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
	if (!quiet) {
		for (unsigned int i = 1; i < 31; i++)
			if (i != CKPT_X_VCOUNT)
				gprintf("INFO: ckpt x%u = 0x%016lx\n", i, in.x[i]);
		for (unsigned int i = 0; i < 32; i++)
			gprintf("INFO: ckpt v%u = 0x%016lx%016lx\n", i, in.v[i][1], in.v[i][0]);
		gprintf("INFO: ckpt fpsr = 0x%08lx\nINFO: ckpt fpcr = 0x%08lx\n", in.fpsr,
			in.fpcr);
	}
	/* Last of all: from here to the resume the guest's time should stand still. */
	in.x[CKPT_X_VCOUNT] = read_sysreg(cntvct_el0);
	if (!quiet)
		gprintf("INFO: ckpt x%u = 0x%016lx\nguest: checkpoint\n", CKPT_X_VCOUNT,
			in.x[CKPT_X_VCOUNT]);
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
	/*
	 * The guest's time stands still while it is stopped: from its read before
	 * the checkpoint call to its read after the resume, the virtual counter
	 * moves by what the guest and the firmware ran, never by how long it sat
	 * at a monitor or on the wire (the tests hold it there for seconds), and
	 * never backwards.
	 */
	report(now >= out->x[CKPT_X_VCOUNT] &&
	       now - out->x[CKPT_X_VCOUNT] <= read_sysreg(cntfrq_el0) / CKPT_MAX_JUMP_DIV,
	       "checkpoint: the virtual counter went on from where it stopped (0x%lx, then "
	       "0x%lx: +%lu ticks, at most 1/%u s)", out->x[CKPT_X_VCOUNT], now,
	       now - out->x[CKPT_X_VCOUNT], CKPT_MAX_JUMP_DIV);
	r = hvc(RV_FEATURES_FID, 0, 0, 0);
	report(r.x0 == out->x[CKPT_X_BMAP] && r.x1 == out->x[CKPT_X_BMAP2],
	       "checkpoint: service bitmaps as before (BMAP=0x%lx BMAP_2=0x%lx)", r.x0, r.x1);
	report(pauth_in_view() == (out->x[CKPT_X_VIEW] != 0),
	       "checkpoint: the ID view is the one the guest booted with (pauth=%u)",
	       pauth_in_view() ? 1u : 0u);
	if (soak_left) {
		soak_left--;
		soak_done++;
		soak_passed += report_passes();
		if (report_failures() || report_passes() != CKPT_CHECKS) {
			gprintf("SOAK: cycle %lu failed\n", soak_done);
			report_exit();
		}
		if (soak_done % 1000 == 0)
			gprintf("SOAK: %lu cycles\n", soak_done);
		if (soak_left)
			test_checkpoint();
		report_quiet(false);
		report(soak_done == soak_total && soak_passed == soak_total * CKPT_CHECKS,
		       "soak: %lu checkpoint, export, import, resume cycles, every register "
		       "checked each time (%lu checks)", soak_done, soak_passed);
	}
	report_exit();
}

void test_soak(uint64_t cycles)
{
	gprintf("guest: soak: %lu checkpoint cycles\n", cycles);
	soak_left = soak_total = cycles;
	quiet = true;
	report_quiet(true);
	test_checkpoint();
}
