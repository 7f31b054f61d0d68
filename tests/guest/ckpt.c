/*
 * The checkpoint test: every register the guest can fill gets a
 * distinctive value, the guest makes the checkpoint call and stops; when it
 * runs again, here or on another firmware, guest_after_checkpoint() checks
 * that everything came back.
 */
#include "tests/guest/ckpt.h"
#include "tests/guest/regs.h"

#define RV_FEATURES_FID		0x86000000
#define PSCI_VERSION_FID	0x84000000
/* x26, x27, x28 carry what the checks after a resume compare against. */
#define CKPT_X_BMAP2		26
#define CKPT_X_BMAP		27
#define CKPT_X_VCOUNT		28
#define CKPT_X_VIEW		25	/* 1 when pointer auth was in the ID view */
#define CKPT_X_WORLD		24	/* the guest's world at the checkpoint */
#define RV_IMPL_VERSION_FID	0x86000040
/* The most the virtual counter may move across a checkpoint: 1/4 s. */
#define CKPT_MAX_JUMP_DIV	4u
/* The checks guest_after_checkpoint() makes; every soak cycle passes them all. */
#define CKPT_CHECKS		7u


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

/*
 * The checkpoint fills every context row of the register table (regs.c,
 * from sysreg/sysregs.def) that the guest's world carries, so a row a new
 * version adds is filled and checked with no edit here. Each gets a value
 * made from its row's writable mask, but for the rows below: the ones the
 * guest runs on or that the tests keep at their default, left alone, and
 * those that want a value of their own. A row the CPU does not have (a
 * breakpoint beyond its count, an ICC_AP<n>R beyond its priority bits,
 * pointer-auth keys outside the view) is UNDEF when probed, and left out.
 */
static const struct { const char *name, *why; } ckpt_skip[] = {
	{ "SP_EL1", "EL1's own stack pointer: only EL2 reaches it" },
	{ "SCTLR_EL1", "the guest runs with its MMU and caches as they are" },
	{ "CPACR_EL1", "FP/SIMD access, which the checkpoint's own V registers need" },
	{ "VBAR_EL1", "the guest's exception vectors" },
	{ "TPIDR_EL1", "the console's address, the one thing the guest needs after a resume" },
	{ "TCR_EL1", "the tests hide it (regvisor.hide): a hidden register keeps its default" },
	{ "OSLSR_EL1", "read-only: the OS lock is set through OSLAR_EL1" },
	{ "MDCCINT_EL1", "QEMU 7.2 makes it a no-op: a read leaves its target register as it was" },
};

static const struct { const char *name; uint64_t v; } ckpt_fixed[] = {
	{ "MDSCR_EL1", 0x1000 },	/* TDCC only: MDE, KDE and SS would debug the guest itself */
	{ "ELR_EL1", 0x00000000404e1e10 }, { "SPSR_EL1", 0x00000000600003c5 },
	{ "ESR_EL1", 0x0000000096000045 },
	/* The timers enabled, masked and already expired: ISTATUS reads 1, status not state. */
	{ "CNTV_CVAL_EL0", 0x1 }, { "CNTV_CTL_EL0", 0x3 },
	{ "CNTP_CVAL_EL0", 0x1 }, { "CNTP_CTL_EL0", 0x3 },
};

/* Written by the guest's own exception entry: read first after a resume, before any probe. */
static const char *const ckpt_fragile[] = { "ELR_EL1", "SPSR_EL1", "ESR_EL1", "FAR_EL1" };

#define CKPT_MAX_ROWS	256
static volatile bool probe_armed, probe_faulted;

static bool probe_catch(uint64_t esr)
{
	(void)esr;
	if (!probe_armed)
		return false;
	probe_faulted = true;
	return true;
}

/* Row r read (and, with write, its value written back) without an UNDEF; *val what it read. */
static bool probe(const struct greg *r, bool write, uint64_t *val)
{
	probe_faulted = false;
	probe_armed = true;
	*val = r->rd();
	if (!probe_faulted && write)
		r->wr(*val);
	probe_armed = false;
	return !probe_faulted;
}

/* AP<key>KEY{LO,HI}_EL1. */
static bool is_pauth_key(const char *name)
{
	return name[0] == 'A' && name[1] == 'P' && name[4] == 'K' && name[5] == 'E' &&
	       name[6] == 'Y';
}

static const char *ckpt_skip_why(const struct greg *r, unsigned int world, bool pauth)
{
	for (unsigned int i = 0; i < sizeof(ckpt_skip) / sizeof(ckpt_skip[0]); i++)
		if (streq(ckpt_skip[i].name, r->name))
			return ckpt_skip[i].why;
	if (r->since > world)
		return "newer than the guest's world";
	if (!pauth && is_pauth_key(r->name))
		return "pointer authentication is outside the guest's ID view";
	return NULL;
}

/* The value the checkpoint gives row i: distinctive, within its writable mask, not 0. */
static uint64_t ckpt_value(unsigned int i, unsigned int world)
{
	const struct greg *r = &ctx_regs[i];
	uint64_t wmask = greg_wmask(r, world);
	uint64_t v = (UINT64_C(0x5a) << 56 | (uint64_t)(i + 1) << 40 | (i + 1) * 0x00010101u) &
		     wmask;

	for (unsigned int k = 0; k < sizeof(ckpt_fixed) / sizeof(ckpt_fixed[0]); k++)
		if (streq(ckpt_fixed[k].name, r->name))
			return ckpt_fixed[k].v;
	return v ? v : wmask;
}

/*
 * The guest's world, which says what the firmware carries: RV_IMPL_VERSION's
 * x2 where the host enabled that call (regvisor.bmap2=1); else the newest
 * world the ID view proves (RAS is shown from CPU model 3, pointer auth
 * from 2, and no CPU model is newer than its world). An older guess only
 * leaves rows unfilled.
 */
static unsigned int ckpt_world(void)
{
	struct smccc_res r = hvc(RV_IMPL_VERSION_FID, 0, 0, 0);

	if (r.x0 == 0)
		return (unsigned int)r.x2;
	if (field(id_read("ID_AA64PFR0_EL1"), 28))
		return 3;
	return pauth_in_view() ? 2 : 1;
}

/* Probe every row (an UNDEF writes ESR/ELR/SPSR_EL1), then fill the ones that take a value. */
static void ckpt_fill_regs(unsigned int world, bool pauth)
{
	static bool fill[CKPT_MAX_ROWS];
	uint64_t x;

	if (!quiet)
		gprintf("INFO: ckpt world %u\n", world);
	exception_hook = probe_catch;
	for (unsigned int i = 0; i < n_ctx_regs; i++) {
		const char *why = ckpt_skip_why(&ctx_regs[i], world, pauth);

		fill[i] = !why && probe(&ctx_regs[i], true, &x);
		if (!quiet && !fill[i])
			gprintf("INFO: ckpt-skip %s: %s\n", ctx_regs[i].name,
				why ? why : "UNDEF here: this CPU does not have it");
	}
	exception_hook = NULL;
	for (unsigned int i = 0; i < n_ctx_regs; i++) {
		if (!fill[i])
			continue;
		ctx_regs[i].wr(ckpt_value(i, world));
		/*
		 * What the blob should hold: what the CPU keeps of it (a watchpoint
		 * address drops its low bits) within the row's writable mask.
		 */
		if (!quiet)
			gprintf("INFO: ckpt %s = 0x%016lx\n", ctx_regs[i].name,
				ctx_regs[i].rd() & greg_wmask(&ctx_regs[i], world));
	}
}

/*
 * After a resume: every filled row holds what the CPU makes of its value.
 * The registers an exception writes are read first; then each row is read
 * (an UNDEF is caught), and compared, under its writable mask, with what
 * writing its value again reads back on this CPU. Returns the rows that
 * differ; *checked, the rows compared.
 */
static unsigned int ckpt_check_regs(unsigned int world, bool pauth, unsigned int *checked)
{
	static uint64_t got[CKPT_MAX_ROWS];
	static bool have[CKPT_MAX_ROWS];
	unsigned int bad = 0;

	for (unsigned int i = 0; i < n_ctx_regs; i++)
		have[i] = false;
	for (unsigned int k = 0; k < sizeof(ckpt_fragile) / sizeof(ckpt_fragile[0]); k++) {
		const struct greg *r = ctx_find(ckpt_fragile[k]);

		got[r - ctx_regs] = r->rd();
		have[r - ctx_regs] = true;
	}
	exception_hook = probe_catch;
	for (unsigned int i = 0; i < n_ctx_regs; i++)
		if (!have[i])
			have[i] = probe(&ctx_regs[i], false, &got[i]);
	exception_hook = NULL;
	*checked = 0;
	for (unsigned int i = 0; i < n_ctx_regs; i++) {
		const struct greg *r = &ctx_regs[i];
		uint64_t want;

		if (ckpt_skip_why(r, world, pauth) || !have[i])
			continue;
		r->wr(ckpt_value(i, world));
		want = r->rd();
		(*checked)++;
		if ((got[i] ^ want) & greg_wmask(r, world))
			bad++, gprintf("INFO: %s 0x%016lx came back 0x%016lx\n", r->name, want,
				       got[i]);
	}
	return bad;
}

_Noreturn void test_checkpoint(void)
{
	static struct ckpt in;
	struct smccc_res r = hvc(RV_FEATURES_FID, 0, 0, 0);

	ckpt_fill(&in);
	in.x[CKPT_X_BMAP] = r.x0;
	in.x[CKPT_X_BMAP2] = r.x1;
	in.x[CKPT_X_VIEW] = pauth_in_view();
	in.x[CKPT_X_WORLD] = ckpt_world();
	ckpt_fill_regs((unsigned int)in.x[CKPT_X_WORLD], in.x[CKPT_X_VIEW] != 0);
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
	unsigned int bad = 0, n;

	guest_console_init(read_sysreg(tpidr_el1));
	report_reset();
	now = read_sysreg(cntvct_el0);
	if (!quiet)
		gprintf("guest: resumed after checkpoint\n");
	ckpt_fill(&want);
	report(out->x[0] == 0, "checkpoint: the call returned SUCCESS (0x%lx)", out->x[0]);
	for (unsigned int i = 1; i < 31; i++)
		if (i != CKPT_X_BMAP && i != CKPT_X_BMAP2 && i != CKPT_X_VCOUNT &&
		    i != CKPT_X_VIEW && i != CKPT_X_WORLD && out->x[i] != want.x[i])
			bad++, gprintf("INFO: x%u 0x%016lx came back 0x%016lx\n", i, want.x[i],
				       out->x[i]);
	report(!bad, "checkpoint: x1..x30 came back unchanged");
	bad = 0;
	for (unsigned int i = 0; i < 32; i++)
		if (out->v[i][0] != want.v[i][0] || out->v[i][1] != want.v[i][1])
			bad++, gprintf("INFO: v%u changed\n", i);
	report(!bad && out->fpsr == want.fpsr && out->fpcr == want.fpcr,
	       "checkpoint: V0..V31, FPSR, FPCR came back unchanged");
	bad = ckpt_check_regs((unsigned int)out->x[CKPT_X_WORLD], out->x[CKPT_X_VIEW] != 0, &n);
	report(!bad && n, "checkpoint: context system registers came back unchanged (%u rows of "
	       "the table)", n);
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
	if (!quiet)	/* answered in the firmware's vector: what a load gave (tests/qemu/test_vector.py) */
		gprintf("INFO: after resume: PSCI_VERSION 0x%lx by HVC, 0x%lx by SMC\n",
			hvc(PSCI_VERSION_FID, 0, 0, 0).x0, smc(PSCI_VERSION_FID, 0, 0, 0).x0);
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
