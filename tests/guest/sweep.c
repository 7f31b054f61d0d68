/*
 * The system-register sweep (regvisor.guestarg=0x8000): every encoding an
 * EL1 MRS/MSR can name (op0 2..3, every op1, CRn, CRm, op2: 32768), on
 * every vCPU, is read, written with a value distinctive of the encoding
 * and the vCPU, and read back; the exception (UNDEF or other) each access
 * takes is recorded. Just before the checkpoint call every readable one
 * is read again (the snapshot), and the lines `sweep: before ...` print
 * it. After the guest's state is loaded into a fresh firmware (guest
 * memory does not travel: this image is fresh there), every vCPU reads
 * every encoding again and `sweep: after ...` prints the values; the
 * pytest (tests/qemu/test_sweep.py) compares the two and names any live
 * register that was not carried.
 *
 * Each access runs as a two-instruction stub (the MRS or MSR, then RET)
 * written here at run time: op0 2..3 encode as bit 19 of MRS/MSR (register)
 * (Arm ARM C6.2: MSR 0xd5100000, MRS sets bit 21 (L); o0 bit 19, op1
 * 18:16, CRn 15:12, CRm 11:8, op2 7:5, Rt 4:0).
 */
#include <stddef.h>

#include "tests/guest/lib.h"
#include "tests/guest/regs.h"

#define SWEEP_N			32768u	/* 2 * 8 * 16 * 16 * 8 encodings */
#define SWEEP_MAX_VCPUS		4u	/* sweep_asm.S agrees */
#define SWEEP_GO		0x676fu	/* sweep_asm.S agrees */
#define MSR_REG			0xd5100000u
#define MRS_L			(1u << 21)
#define RET_X30			0xd65f03c0u

/* Index e: o0 (op0 - 2) << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2, KVM's id order. */
#define E(op0, op1, crn, crm, op2) \
	((unsigned int)(((op0) - 2) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2)))
#define E_OP0(e)	(2u + ((e) >> 14))
#define E_OP1(e)	(((e) >> 11) & 7u)
#define E_CRN(e)	(((e) >> 7) & 15u)
#define E_CRM(e)	(((e) >> 3) & 15u)
#define E_OP2(e)	((e) & 7u)

/* An access's outcome: OK, SKIP, or FAULT | the exception class it took. */
#define A_NONE		0u
#define A_OK		1u
#define A_SKIP		2u
#define A_FAULT		0x40u
#define A_EC_MASK	0x3fu

/* How the write is made. */
enum how {
	H_VALUE,	/* the distinctive value */
	H_FIXED,	/* a fixed value (an enable the sweep wants seen set) */
	H_XOR,		/* the old value with harmless bits flipped */
	H_MASKED,	/* the distinctive value in harmless bits only */
	H_OLD,		/* the old value back: anything else kills the sweep */
	H_RESTORE,	/* the distinctive value, read back, then the old one again */
	H_LAST,		/* the distinctive value, again after every exception is over */
	H_SKIP,		/* not written: a side effect the guest cannot undo */
};

static const char *const how_names[] = {
	"value", "fixed", "xor", "masked", "old", "restore", "last", "skip",
};

/*
 * Every encoding not written with its distinctive value, and why. Reads
 * are skipped only where reading has a side effect (rskip).
 */
static const struct policy {
	unsigned int e;
	enum how how;
	uint64_t v;		/* H_FIXED: the value; H_XOR, H_MASKED: the bits */
	bool rskip;
	const char *why;
} policies[] = {
	{ E(2, 0, 0, 2, 2), H_MASKED, 0x00c01000, false,	/* MDSCR_EL1 */
	  "only TDCC, INTdis: SS, KDE, MDE would step or break into the sweep" },
	{ E(2, 0, 1, 0, 4), H_FIXED, 0, false,
	  "OSLAR_EL1: unlock the OS lock, as Linux does (a reset locks it: OSLSR_EL1.OSLK)" },
	{ E(3, 0, 1, 0, 0), H_XOR, (1u << 9) | (1u << 14) | (1u << 15) | (1u << 26), false,
	  "SCTLR_EL1: only EL0 controls (UMA, DZE, UCT, UCI); M, C, I would kill" },
	{ E(3, 0, 1, 0, 1), H_OLD, 0, false, "ACTLR_EL1: IMPLEMENTATION DEFINED controls" },
	{ E(3, 0, 1, 0, 2), H_OLD, 0, false, "CPACR_EL1: FPEN stays on, TTA would trap tracing" },
	{ E(3, 0, 4, 0, 0), H_LAST, 0, false, "SPSR_EL1: every exception writes it" },
	{ E(3, 0, 4, 0, 1), H_LAST, 0, false, "ELR_EL1: every exception writes it" },
	{ E(3, 0, 4, 2, 0), H_OLD, 0, false, "SPSel: SP_EL0 would become this code's stack" },
	{ E(3, 0, 4, 3, 0), H_OLD, 0, false, "ALLINT: interrupt masking stays as booted" },
	{ E(3, 0, 5, 2, 0), H_LAST, 0, false, "ESR_EL1: every exception writes it" },
	{ E(3, 0, 6, 0, 0), H_LAST, 0, false, "FAR_EL1: every exception writes it" },
	{ E(3, 0, 9, 14, 2), H_FIXED, 1, false, "PMINTENCLR_EL1: clear one bit of PMINTENSET" },
	{ E(3, 0, 12, 0, 0), H_RESTORE, 0, false, "VBAR_EL1: the sweep's own vectors" },
	{ E(3, 0, 12, 0, 2), H_SKIP, 0, false, "RMR_EL1: RR requests a warm reset" },
	{ E(3, 0, 12, 8, 0), H_VALUE, 0, true, "ICC_IAR0_EL1: a read acknowledges an interrupt" },
	{ E(3, 0, 12, 8, 1), H_SKIP, 0, false, "ICC_EOIR0_EL1: ends an interrupt not taken" },
	{ E(3, 0, 12, 9, 5), H_VALUE, 0, true, "ICC_NMIAR1_EL1: a read acknowledges an NMI" },
	{ E(3, 0, 12, 11, 1), H_SKIP, 0, false, "ICC_DIR_EL1: deactivates an interrupt not taken" },
	{ E(3, 0, 12, 11, 5), H_SKIP, 0, false, "ICC_SGI1R_EL1: sends an SGI" },
	{ E(3, 0, 12, 11, 6), H_SKIP, 0, false, "ICC_ASGI1R_EL1: sends an SGI" },
	{ E(3, 0, 12, 11, 7), H_SKIP, 0, false, "ICC_SGI0R_EL1: sends an SGI" },
	{ E(3, 0, 12, 12, 0), H_VALUE, 0, true, "ICC_IAR1_EL1: a read acknowledges an interrupt" },
	{ E(3, 0, 12, 12, 1), H_SKIP, 0, false, "ICC_EOIR1_EL1: ends an interrupt not taken" },
	{ E(3, 0, 12, 12, 4), H_FIXED, 2, false,
	  "ICC_CTLR_EL1: EOImode; CBPR would make ICC_BPR1_EL1 an alias" },
	{ E(3, 0, 12, 12, 5), H_OLD, 0, false, "ICC_SRE_EL1: the system-register interface stays" },
	{ E(3, 0, 12, 12, 6), H_FIXED, 1, false, "ICC_IGRPEN0_EL1: enabled" },
	{ E(3, 0, 12, 12, 7), H_FIXED, 1, false, "ICC_IGRPEN1_EL1: enabled" },
	{ E(3, 0, 13, 0, 4), H_RESTORE, 0, false, "TPIDR_EL1: the console's address after a resume" },
	{ E(3, 3, 4, 2, 1), H_OLD, 0, false, "DAIF: interrupts stay masked" },
	{ E(3, 3, 4, 2, 2), H_OLD, 0, false, "SVCR: streaming mode would change the FP state" },
	{ E(3, 3, 9, 12, 0), H_FIXED, 0x68, false,
	  "PMCR_EL0: D, DP, LC; not E (counters stay still), not P, C (they reset counters)" },
	{ E(3, 3, 9, 12, 2), H_FIXED, 1, false, "PMCNTENCLR_EL0: clear one bit of PMCNTENSET" },
	{ E(3, 3, 9, 12, 3), H_FIXED, 1, false, "PMOVSCLR_EL0: clear one bit of PMOVSSET" },
	{ E(3, 3, 9, 12, 5), H_FIXED, 1, false, "PMSELR_EL0: counter 1, one that exists" },
	{ E(3, 3, 14, 2, 1), H_FIXED, 3, false, "CNTP_CTL_EL0: enabled, masked" },
	{ E(3, 3, 14, 3, 1), H_FIXED, 3, false, "CNTV_CTL_EL0: enabled, masked" },
};

static const struct policy *policy_of(unsigned int e)
{
	for (unsigned int i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		if (policies[i].e == e)
			return &policies[i];
	return NULL;
}

/* 0xa5a5, the encoding, and a hash of encoding and vCPU: no two alike. */
static uint64_t sweep_value(unsigned int e, unsigned int vcpu)
{
	uint64_t h = ((uint64_t)e + 1) * UINT64_C(0x9e3779b97f4a7c15) ^
		     ((uint64_t)vcpu + 1) * UINT64_C(0xc2b2ae3d27d4eb4f);

	h ^= h >> 29;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	return UINT64_C(0xa5a5000000000000) | (uint64_t)e << 32 | (h & 0xffffffffu);
}

/* The stubs: MRS x0 then RET, MSR x0 then RET, per encoding. */
static uint32_t sweep_stubs[SWEEP_N][4] __attribute__((aligned(64)));

struct sweep_cpu {
	volatile uint32_t armed, taken;
	volatile uint64_t esr;
	uint8_t r[SWEEP_N], w[SWEEP_N];
	uint64_t first[SWEEP_N], wrote[SWEEP_N], back[SWEEP_N], snap[SWEEP_N];
	volatile uint64_t ready, done;
	unsigned int nread, nwrite;
};

static struct sweep_cpu sweep_cpus[SWEEP_MAX_VCPUS];
volatile uint64_t sweep_go[SWEEP_MAX_VCPUS];	/* sweep_asm.S's park loop reads it */

_Noreturn void sweep_checkpoint(uint64_t pv, uint64_t nvcpus, uint64_t vcount);
_Noreturn void sweep_park(uint64_t index);
extern char sweep_secondary_start[];
_Noreturn void sweep_after_checkpoint(uint64_t result, uint64_t pv, uint64_t nvcpus,
				      uint64_t vcount);
_Noreturn void sweep_secondary(uint64_t index);
_Noreturn void sweep_secondary_after(uint64_t index);

static unsigned int vcpu_index(void)
{
	return (unsigned int)(read_sysreg(mpidr_el1) & 0xff) % SWEEP_MAX_VCPUS;
}

static bool sweep_catch(uint64_t esr)
{
	struct sweep_cpu *c = &sweep_cpus[vcpu_index()];

	if (!c->armed)
		return false;
	c->esr = esr;
	c->taken++;
	return true;
}

/* Write the stubs and make them visible to instruction fetch (Arm ARM B2.4.4). */
static void sweep_make_stubs(void)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uintptr_t dline = (uintptr_t)4 << ((ctr >> 16) & 15), iline = (uintptr_t)4 << (ctr & 15);
	uintptr_t start = (uintptr_t)sweep_stubs, end = start + sizeof(sweep_stubs);

	for (unsigned int e = 0; e < SWEEP_N; e++) {
		uint32_t sys = (uint32_t)(E_OP0(e) - 2) << 19 | E_OP1(e) << 16 | E_CRN(e) << 12 |
			       E_CRM(e) << 8 | E_OP2(e) << 5;

		sweep_stubs[e][0] = MSR_REG | MRS_L | sys;	/* MRS x0, <reg> */
		sweep_stubs[e][1] = RET_X30;
		sweep_stubs[e][2] = MSR_REG | sys;		/* MSR <reg>, x0 */
		sweep_stubs[e][3] = RET_X30;
	}
	for (uintptr_t p = start & ~(dline - 1); p < end; p += dline)
		__asm__ volatile("dc cvau, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (uintptr_t p = start & ~(iline - 1); p < end; p += iline)
		__asm__ volatile("ic ivau, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb ish\n isb" ::: "memory");
}

typedef uint64_t stub_fn(uint64_t);

/* One access; returns A_OK (value in *out) or A_FAULT | EC. */
static unsigned int sweep_access(struct sweep_cpu *c, unsigned int e, bool write, uint64_t in,
				 uint64_t *out)
{
	stub_fn *fn = (stub_fn *)(uintptr_t)&sweep_stubs[e][write ? 2 : 0];
	uint64_t v;

	c->taken = 0;
	c->armed = 1;
	__asm__ volatile("" ::: "memory");
	v = fn(in);
	__asm__ volatile("isb" ::: "memory");
	c->armed = 0;
	if (c->taken)
		return A_FAULT | (unsigned int)((c->esr >> 26) & A_EC_MASK);
	if (out)
		*out = v;
	return A_OK;
}

static uint64_t write_value(const struct policy *p, unsigned int e, unsigned int vcpu,
			    uint64_t old)
{
	uint64_t v = sweep_value(e, vcpu);

	switch (p ? p->how : H_VALUE) {
	case H_FIXED:
		return p->v;
	case H_XOR:
		return old ^ p->v;
	case H_MASKED:
		return (old & ~p->v) | (v & p->v) | (p->v & -p->v);
	case H_OLD:
		return old;
	default:
		return v;
	}
}

/* Phase 1 on this vCPU: read, write, read back each encoding. */
static void sweep_probe(struct sweep_cpu *c, unsigned int vcpu)
{
	for (unsigned int e = 0; e < SWEEP_N; e++) {
		const struct policy *p = policy_of(e);
		uint64_t old = 0;

		c->r[e] = (uint8_t)(p && p->rskip ? A_SKIP : sweep_access(c, e, false, 0, &old));
		c->first[e] = old;
		if (p && p->how == H_SKIP) {
			c->w[e] = A_SKIP;
			continue;
		}
		c->wrote[e] = write_value(p, e, vcpu, old);
		c->w[e] = (uint8_t)sweep_access(c, e, true, c->wrote[e], NULL);
		if (c->r[e] == A_OK)
			sweep_access(c, e, false, 0, &c->back[e]);
		if (p && p->how == H_RESTORE && c->w[e] == A_OK)
			sweep_access(c, e, true, old, NULL);
		c->nread += c->r[e] == A_OK;
		c->nwrite += c->w[e] == A_OK;
	}
	/* The exception registers last: no exception comes after this. */
	for (unsigned int i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		unsigned int e = policies[i].e;

		if (policies[i].how == H_LAST && c->w[e] == A_OK)
			sweep_access(c, e, true, c->wrote[e], NULL);
	}
}

/* Every readable encoding again, reads only: nothing faults from here on. */
static void sweep_snapshot(struct sweep_cpu *c)
{
	for (unsigned int e = 0; e < SWEEP_N; e++)
		if (c->r[e] == A_OK)
			sweep_access(c, e, false, 0, &c->snap[e]);
}

/* Phase 2: every encoding read again (reads only), the exception registers first. */
static void sweep_reread(struct sweep_cpu *c)
{
	static const unsigned int early[] = {
		E(3, 0, 4, 0, 0), E(3, 0, 4, 0, 1), E(3, 0, 5, 2, 0), E(3, 0, 6, 0, 0),
	};
	uint64_t v[sizeof(early) / sizeof(early[0])];
	unsigned int rd[sizeof(early) / sizeof(early[0])];

	for (unsigned int i = 0; i < sizeof(early) / sizeof(early[0]); i++)
		rd[i] = sweep_access(c, early[i], false, 0, &v[i]);
	c->nread = 0;
	for (unsigned int e = 0; e < SWEEP_N; e++) {
		const struct policy *p = policy_of(e);

		c->r[e] = (uint8_t)(p && p->rskip ? A_SKIP : sweep_access(c, e, false, 0, &c->snap[e]));
		c->nread += c->r[e] == A_OK;
	}
	for (unsigned int i = 0; i < sizeof(early) / sizeof(early[0]); i++) {
		c->r[early[i]] = (uint8_t)rd[i];
		c->snap[early[i]] = v[i];
	}
}

static void enc_name(unsigned int e, char *buf)
{
	static const char digits[] = "0123456789";
	unsigned int f[5] = { E_OP0(e), E_OP1(e), E_CRN(e), E_CRM(e), E_OP2(e) };
	static const char *const pre[5] = { "S", "_", "_C", "_C", "_" };
	char *p = buf;

	for (unsigned int i = 0; i < 5; i++) {
		for (const char *s = pre[i]; *s; s++)
			*p++ = *s;
		if (f[i] >= 10)
			*p++ = '1';
		*p++ = digits[f[i] % 10];
	}
	while (p < buf + 15)
		*p++ = ' ';
	*p = '\0';
}

static void outcome_name(unsigned int a, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	const char *s = a == A_OK ? "ok    " : a == A_SKIP ? "skip  " :
			a == A_FAULT ? "undef " : a == A_NONE ? "none  " : NULL;

	if (s) {
		for (unsigned int i = 0; i < 7; i++)
			buf[i] = s[i];
		return;
	}
	buf[0] = 'e';
	buf[1] = 'c';
	buf[2] = hex[(a & A_EC_MASK) >> 4];
	buf[3] = hex[a & 15];
	buf[4] = ' ';
	buf[5] = ' ';
	buf[6] = '\0';
}

/* The spaces that take s to width w (columns line up). */
static const char *pad(const char *s, unsigned int w)
{
	static const char spaces[] = "                ";
	unsigned int n = 0;

	while (s[n])
		n++;
	return &spaces[sizeof(spaces) - 1 - (n < w ? w - n : 0)];
}

/* Not UNDEF on both read and write: worth a line. */
static bool sweep_shown(const struct sweep_cpu *c, unsigned int e)
{
	return c->r[e] != A_FAULT || c->w[e] != A_FAULT;
}

static void sweep_print_before(const struct sweep_cpu *c, unsigned int vcpu)
{
	unsigned int undef = 0;
	char name[16], r[8], w[8];

	for (unsigned int e = 0; e < SWEEP_N; e++) {
		const struct policy *p = policy_of(e);
		unsigned int how = p ? p->how : H_VALUE;

		if (!sweep_shown(c, e)) {
			undef++;
			continue;
		}
		enc_name(e, name);
		outcome_name(c->r[e], r);
		outcome_name(c->w[e], w);
		gprintf("sweep: before vcpu=%u %s r=%s w=%s how=%s%s read=0x%016lx "
			"wrote=0x%016lx back=0x%016lx snap=0x%016lx\n", vcpu, name, r, w,
			how_names[how], pad(how_names[how], 8),
			c->r[e] == A_OK ? c->first[e] : 0, c->w[e] == A_SKIP ? 0 : c->wrote[e],
			c->r[e] == A_OK ? c->back[e] : 0, c->r[e] == A_OK ? c->snap[e] : 0);
	}
	gprintf("sweep: count vcpu=%u encodings=%u undef=%u readable=%u writable=%u\n", vcpu,
		SWEEP_N, undef, c->nread, c->nwrite);
}

static void sweep_print_after(const struct sweep_cpu *c, unsigned int vcpu)
{
	unsigned int undef = 0;
	char name[16], r[8];

	for (unsigned int e = 0; e < SWEEP_N; e++) {
		if (c->r[e] == A_FAULT) {
			undef++;
			continue;
		}
		enc_name(e, name);
		outcome_name(c->r[e], r);
		gprintf("sweep: after  vcpu=%u %s r=%s value=0x%016lx\n", vcpu, name, r,
			c->r[e] == A_OK ? c->snap[e] : 0);
	}
	gprintf("sweep: count after vcpu=%u encodings=%u undef=%u readable=%u\n", vcpu, SWEEP_N,
		undef, c->nread);
}

#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON64		0xc4000003
#define PSCI_AFFINITY_INFO64	0xc4000004
#define AFF_ON			0
#define AFF_OFF			1

static unsigned int sweep_count_vcpus(void)
{
	unsigned int n = 1;

	while (n < SWEEP_MAX_VCPUS && hvc(PSCI_AFFINITY_INFO64, n, 0, 0).x0 == AFF_OFF)
		n++;
	return n;
}

/* Wait (30 s at most) until *flag is set. */
static bool sweep_wait(volatile uint64_t *flag)
{
	uint64_t end = read_sysreg(cntvct_el0) + 30 * read_sysreg(cntfrq_el0);

	while (!*flag)
		if (read_sysreg(cntvct_el0) > end)
			return false;
	return true;
}

/*
 * The physical count against the virtual one, read back to back, twice:
 * the second pair is the one kept, as a fresh firmware's first trap of an
 * encoding may be slow (regvisor.traplog prints a line for it).
 */
/*
 * CNTPCT_EL0 - CNTVCT_EL0, the physical count (trapped) read first: of
 * eight reads, the one with the least time between the two, the greatest
 * difference, so that a host that stops this CPU between them (QEMU's
 * thread descheduled for milliseconds) does not count as the counters
 * moving apart.
 */
static uint64_t sweep_pv(void)
{
	uint64_t best = 0;

	for (unsigned int i = 0; i < 8; i++) {
		uint64_t p, v;

		__asm__ volatile("isb\n mrs %0, cntpct_el0\n mrs %1, cntvct_el0" : "=r"(p), "=r"(v));
		if (!i || (int64_t)(p - v - best) > 0)
			best = p - v;
	}
	return best;
}

void sweep_secondary(uint64_t index)
{
	struct sweep_cpu *c = &sweep_cpus[index];

	sweep_probe(c, (unsigned int)index);
	sweep_snapshot(c);
	__asm__ volatile("dmb sy" ::: "memory");
	c->ready = 1;
	sweep_park(index);
}

void test_sweep(void)
{
	struct sweep_cpu *c = &sweep_cpus[0];
	unsigned int n = sweep_count_vcpus();
	bool all = true;

	gprintf("guest: sweep: %u encodings (op0 2..3) on %u vCPU%s\n", SWEEP_N, n,
		n == 1 ? "" : "s");
	for (unsigned int i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		char name[16];

		enc_name(policies[i].e, name);
		gprintf("sweep: policy %s %s%s: %s\n", name, how_names[policies[i].how],
			policies[i].rskip ? " (read skipped)" : "", policies[i].why);
	}
	sweep_make_stubs();
	exception_hook = sweep_catch;
	for (unsigned int i = 1; i < n; i++)
		hvc(PSCI_CPU_ON64, i, (uint64_t)(uintptr_t)sweep_secondary_start, i);
	sweep_probe(c, 0);
	for (unsigned int i = 1; i < n; i++)
		if (!sweep_wait(&sweep_cpus[i].ready)) {
			report(false, "sweep: vCPU %u never finished its sweep", i);
			all = false;
		}
	if (!all)
		report_exit();
	sweep_snapshot(c);
	for (unsigned int i = 0; i < n; i++) {
		sweep_print_before(&sweep_cpus[i], i);
		report(sweep_cpus[i].nread > 0, "sweep: vCPU %u swept %u encodings (%u readable, %u "
		       "writable)", i, SWEEP_N, sweep_cpus[i].nread, sweep_cpus[i].nwrite);
	}
	gprintf("guest: sweep: checkpoint\n");
	sweep_checkpoint(sweep_pv(), n, read_sysreg(cntvct_el0));
}

/*
 * Wait (30 s at most) until vCPU i is OFF: the firmware says so in a line
 * of its own, which would split a line of ours printed meanwhile.
 */
static bool sweep_wait_off(unsigned int i)
{
	uint64_t end = read_sysreg(cntvct_el0) + 30 * read_sysreg(cntfrq_el0);

	while (hvc(PSCI_AFFINITY_INFO64, i, 0, 0).x0 != AFF_OFF)
		if (read_sysreg(cntvct_el0) > end)
			return false;
	return true;
}

/* After the load, on vCPU i > 0: read everything again, then off. */
void sweep_secondary_after(uint64_t index)
{
	struct sweep_cpu *c = &sweep_cpus[index];

	__asm__ volatile("isb" ::: "memory");
	sweep_reread(c);
	__asm__ volatile("dmb sy" ::: "memory");
	c->done = 1;
	hvc(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void sweep_after_checkpoint(uint64_t result, uint64_t pv, uint64_t nvcpus, uint64_t vcount)
{
	uint64_t pv_now, moved, tol, now;
	unsigned int n = (unsigned int)nvcpus;

	/* Nothing may fault before vCPU 0's registers are read: the stubs first. */
	sweep_make_stubs();
	exception_hook = sweep_catch;
	pv_now = sweep_pv();
	now = read_sysreg(cntvct_el0);
	sweep_reread(&sweep_cpus[0]);
	guest_console_init(read_sysreg(tpidr_el1));
	report_reset();
	gprintf("guest: sweep: resumed after checkpoint\n");
	report(result == 0, "sweep: the checkpoint call returned SUCCESS (0x%lx)", result);
	report(now >= vcount, "sweep: the virtual counter did not go back (0x%lx, then 0x%lx)",
	       vcount, now);
	moved = pv_now - pv;
	if ((int64_t)moved < 0)
		moved = -moved;
	tol = read_sysreg(cntfrq_el0) / 100;
	gprintf("sweep: counters pv_before=0x%016lx pv_after=0x%016lx moved=%lu tolerance=%lu\n",
		pv, pv_now, moved, tol);
	report(moved <= tol, "sweep: CNTPCT_EL0 - CNTVCT_EL0 the same after the load (moved %lu "
	       "ticks, at most %lu)", moved, tol);
	for (unsigned int i = 1; i < n && i < SWEEP_MAX_VCPUS; i++) {
		bool on = hvc(PSCI_AFFINITY_INFO64, i, 0, 0).x0 == AFF_ON;

		if (on) {
			sweep_go[i] = SWEEP_GO;
			__asm__ volatile("dsb sy\n sev" ::: "memory");
		}
		report(on && sweep_wait(&sweep_cpus[i].done) && sweep_wait_off(i),
		       "sweep: vCPU %u came back after the load, read its registers again and went "
		       "off%s", i,
		       on ? "" : " (it is OFF: not carried)");
		if (!on)
			gprintf("sweep: vcpu=%u not carried\n", i);
	}
	for (unsigned int i = 0; i < n && i < SWEEP_MAX_VCPUS; i++)
		if (i == 0 || sweep_cpus[i].done)
			sweep_print_after(&sweep_cpus[i], i);
	report_exit();
}
