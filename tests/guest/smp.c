/*
 * Several vCPUs: the boot vCPU starts each other one by PSCI CPU_ON; each
 * checks its own view (MPIDR, EL, a trapped ID register, a register of its
 * own) and reports through memory, as only the boot vCPU prints; then it
 * turns itself off with CPU_OFF. Also: CPU_ON's errors, AFFINITY_INFO in
 * every state, a vCPU started again after CPU_OFF, SYSTEM_RESET.
 */
#include "tests/guest/lib.h"
#include "tests/guest/regs.h"

#define PSCI_CPU_OFF		0x84000002
#define PSCI_CPU_ON64		0xc4000003
#define PSCI_AFFINITY_INFO64	0xc4000004
#define PSCI_SYSTEM_RESET	0x84000009
#define PSCI_VERSION		0x84000000
#define PSCI_SUCCESS		0
#define PSCI_INVALID_PARAMS	((uint64_t)-2)
#define PSCI_ALREADY_ON		((uint64_t)-4)
#define PSCI_ON_PENDING		((uint64_t)-5)
#define PSCI_INVALID_ADDRESS	((uint64_t)-9)
#define AFF_ON			0
#define AFF_OFF			1
#define MAX_VCPUS		8
#define MPIDR_RES1		(UINT64_C(1) << 31)
#define TPIDR_MAGIC		UINT64_C(0x5eedc0de00000000)

extern char secondary_start[];

/* What each secondary saw, written by it, read by the boot vCPU. */
struct seen {
	uint64_t runs;		/* times it started */
	uint64_t mpidr;
	uint64_t el;
	uint64_t pfr0;
	uint64_t tpidr;
	uint64_t context;
};
static volatile struct seen seen[MAX_VCPUS];
static volatile uint64_t spin_hvcs;	/* reset test: the secondary's calls so far */
static volatile uint64_t secondary_mode;	/* 0 check and stop, 1 spin on HVCs */
static volatile uint64_t go_off[MAX_VCPUS];	/* the boot vCPU lets it turn off */

static volatile uint64_t stuck_flag[MAX_VCPUS];

/* Masked, never to come back by itself: only EL2 can take this CPU. */
static _Noreturn void stuck(bool wfi, uint64_t index)
{
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	stuck_flag[index] = 1;	/* plain stores: no exclusives with the MMU off */
	for (;;)
		if (wfi)
			__asm__ volatile("wfi");
}

static void timer_secondary(bool again);
static _Noreturn void ipi_receiver(uint64_t index);
static void test_ipi(unsigned int n);
static void test_ipi_self(void);

void guest_secondary_main(uint64_t index);
void guest_secondary_main(uint64_t index)
{
	volatile struct seen *s = &seen[index];
	uint64_t tp = TPIDR_MAGIC | index;

	if (secondary_mode == 4)
		hvc(PSCI_CPU_OFF, 0, 0, 0);	/* hostile: off at once */
	if (secondary_mode == 5 || secondary_mode == 6)
		timer_secondary(secondary_mode == 6);
	if (secondary_mode == 7)
		ipi_receiver(index);
	if (secondary_mode >= 2)
		stuck(secondary_mode == 3, index);
	if (secondary_mode == 1) {
		for (;;) {		/* traps, so a SYSTEM_RESET can stop it */
			hvc(PSCI_VERSION, 0, 0, 0);
			spin_hvcs++;
		}
	}
	write_sysreg(tpidr_el1, tp);
	s->mpidr = read_sysreg(mpidr_el1);
	s->el = (read_sysreg(CurrentEL) >> 2) & 3;
	s->pfr0 = read_sysreg(id_aa64pfr0_el1);
	s->tpidr = read_sysreg(tpidr_el1);
	s->context = index;
	__asm__ volatile("dmb sy" ::: "memory");
	s->runs = s->runs + 1;
	__asm__ volatile("dmb sy" ::: "memory");
	while (!go_off[index])
		__asm__ volatile("wfe");	/* a yield to QEMU's other CPUs */
	go_off[index] = 0;
	hvc(PSCI_CPU_OFF, 0, 0, 0);
	s->runs = 1000;		/* CPU_OFF returned: seen as a failure */
}

static uint64_t affinity(uint64_t mpidr)
{
	return hvc(PSCI_AFFINITY_INFO64, mpidr, 0, 0).x0;
}

/* Wait until cond(i) holds; a hang bound (30 s), not a speed check. */
static bool wait_until(bool (*cond)(unsigned int), unsigned int i)
{
	uint64_t end = read_sysreg(cntvct_el0) + 30 * read_sysreg(cntfrq_el0);

	while (!cond(i))
		if (read_sysreg(cntvct_el0) > end)
			return false;
	return true;
}

static unsigned int want_runs;
static bool ran(unsigned int i)
{
	return seen[i].runs >= want_runs;
}

static bool is_off(unsigned int i)
{
	return affinity(i) == AFF_OFF;
}

static unsigned int count_vcpus(void)
{
	unsigned int n = 1;

	while (n < MAX_VCPUS && affinity(n) == AFF_OFF)
		n++;
	return n;
}

/* Start vCPU i, wait for its report and for it to be off again. */
static bool run_secondary(unsigned int i, uint64_t pfr0)
{
	uint64_t r, again;
	bool ok;

	want_runs = (unsigned int)seen[i].runs + 1;	/* before it can run */
	r = hvc(PSCI_CPU_ON64, i, (uint64_t)(uintptr_t)secondary_start, i).x0;

	if (r != PSCI_SUCCESS) {
		report(false, "smp: CPU_ON of vCPU %u (0x%lx)", i, r);
		return false;
	}
	ok = wait_until(ran, i);
	bool reported = ok;
	/* It waits for go_off now: certainly on. */
	again = hvc(PSCI_CPU_ON64, i, (uint64_t)(uintptr_t)secondary_start, i).x0;
	report(again == PSCI_ALREADY_ON, "smp: CPU_ON of vCPU %u while it runs is ALREADY_ON (0x%lx)",
	       i, again);
	report(affinity(i) == AFF_ON, "smp: AFFINITY_INFO of running vCPU %u is ON", i);
	go_off[i] = 1;
	__asm__ volatile("dsb sy\n sev" ::: "memory");
	ok = false;
	if (!reported)
		report_info("smp: vCPU %u never reported", i);
	else if (!wait_until(is_off, i))
		report_info("smp: vCPU %u never went OFF (AFFINITY_INFO 0x%lx)", i, affinity(i));
	else
		ok = true;
	report(ok && seen[i].runs == want_runs, "smp: vCPU %u ran (run %lu) and is OFF again", i,
	       seen[i].runs);
	report(seen[i].mpidr == (MPIDR_RES1 | i), "smp: vCPU %u sees MPIDR_EL1 0x%lx", i,
	       seen[i].mpidr);
	report(seen[i].el == 1 && seen[i].context == i,
	       "smp: vCPU %u runs at EL1 with its context id in x0", i);
	report(seen[i].pfr0 == pfr0, "smp: vCPU %u sees the same ID_AA64PFR0_EL1 (0x%lx)", i,
	       seen[i].pfr0);
	report(seen[i].tpidr == (TPIDR_MAGIC | i), "smp: vCPU %u keeps its own TPIDR_EL1", i);
	return ok;
}

void test_smp(void)
{
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t entry = (uint64_t)(uintptr_t)secondary_start;
	unsigned int n = count_vcpus();
	uint64_t r;

	report_info("smp: %u vCPU%s", n, n == 1 ? "" : "s");
	report(affinity(0) == AFF_ON, "smp: AFFINITY_INFO of the boot vCPU is ON");
	r = hvc(PSCI_CPU_ON64, 0, entry, 0).x0;
	report(r == PSCI_ALREADY_ON, "smp: CPU_ON of the running boot vCPU is ALREADY_ON (0x%lx)", r);
	r = hvc(PSCI_CPU_ON64, n, entry, 0).x0;
	report(r == PSCI_INVALID_PARAMS, "smp: CPU_ON of a missing MPIDR 0x%x is INVALID_PARAMETERS",
	       n);
	r = affinity(n);
	report(r == PSCI_INVALID_PARAMS, "smp: AFFINITY_INFO of a missing MPIDR is INVALID_PARAMETERS");
	test_ipi_self();
	if (n == 1)
		return;
	r = hvc(PSCI_CPU_ON64, 1, 0x1000, 1).x0;
	report(r == PSCI_INVALID_ADDRESS, "smp: CPU_ON with an entry outside guest RAM is "
	       "INVALID_ADDRESS (0x%lx)", r);
	r = hvc(PSCI_CPU_ON64, 1, entry + 2, 1).x0;
	report(r == PSCI_INVALID_ADDRESS, "smp: CPU_ON with a misaligned entry is INVALID_ADDRESS");
	report(affinity(1) == AFF_OFF, "smp: a refused CPU_ON leaves vCPU 1 OFF");
	for (unsigned int i = 1; i < n; i++)
		run_secondary(i, pfr0);
	/* Started again after its CPU_OFF: a fresh vCPU, at the entry it is given. */
	run_secondary(1, pfr0);
	test_ipi(n);
}

void test_stuck(bool wfi)
{
	test_stuck_n(wfi, count_vcpus());
}

/* vCPUs 1..n-1 stuck, the boot vCPU back. */
static void start_stuck(bool wfi, unsigned int n)
{
	secondary_mode = wfi ? 3 : 2;
	for (unsigned int i = 1; i < n; i++)
		hvc(PSCI_CPU_ON64, i, (uint64_t)(uintptr_t)secondary_start, i);
	for (unsigned int i = 1; i < n; i++)
		while (!stuck_flag[i])
			__asm__ volatile("yield");
}

/* The others asleep in WFI with DAIF masked (make bench's IPI target); how many vCPUs there are. */
unsigned int guest_park_others(void)
{
	unsigned int n = count_vcpus();

	if (n > 1 && !stuck_flag[n - 1])
		start_stuck(true, n);
	return n;
}

_Noreturn void test_stuck_n(bool wfi, unsigned int n)
{
	if (!stuck_flag[n - 1])
		start_stuck(wfi, n);
	report_info("stuck: %u vCPUs %s with DAIF masked", n, wfi ? "in WFI" : "spinning");
	stuck(wfi, 0);
}

/* Survives the warm reset: set before SYSTEM_RESET, checked after. */
#define RESET_MAGIC	UINT64_C(0x7265736574746573)
static volatile uint64_t reset_marker __attribute__((section(".noinit")));
static volatile uint64_t reset_hvcs __attribute__((section(".noinit")));

bool test_reset(void)
{
	uint64_t entry = (uint64_t)(uintptr_t)secondary_start;

	if (reset_marker == RESET_MAGIC) {
		reset_marker = 0;
		report(true, "reset: the guest started again after PSCI SYSTEM_RESET");
		if (count_vcpus() > 1)
			report(reset_hvcs > 0 && affinity(1) == AFF_OFF,
			       "reset: the secondary that was spinning (%lu HVCs) is OFF",
			       reset_hvcs);
		return true;
	}
	reset_marker = RESET_MAGIC;
	reset_hvcs = 0;
	if (count_vcpus() > 1) {
		secondary_mode = 1;
		hvc(PSCI_CPU_ON64, 1, entry, 1);
		while (spin_hvcs < 100)
			__asm__ volatile("yield");
		reset_hvcs = spin_hvcs;
	}
	__asm__ volatile("dmb sy" ::: "memory");
	hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
	report(false, "reset: PSCI SYSTEM_RESET returned");
	return false;
}

/*
 * Hostile: the guest aims at the firmware's interrupts (SGI 15, PPI 25, the
 * console's SPI 33) through its distributor and redistributors, then every
 * vCPU is stuck; the break-in key must still stop them all. What it reads
 * back must be its own view, never the firmware's settings changed.
 */
#define GICD		UINT64_C(0x08000000)
#define GICR		UINT64_C(0x080a0000)
#define GICR_FRAME	UINT64_C(0x20000)
#define GICR_SGI	UINT64_C(0x10000)
#define CONSOLE_SPI	33

static void w32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)a = v;
}

static uint32_t r32(uint64_t a)
{
	return *(volatile uint32_t *)(uintptr_t)a;
}

static void w64(uint64_t a, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)a = v;
}

/*
 * IPIs between vCPUs: vCPU 1 takes SGI 2 through its virtual CPU interface
 * (its redistributor's enable and group, PMR, IGRPEN1; IAR1 polled with
 * DAIF masked, WFI between) while vCPU 0 writes ICC_SGI1R_EL1 naming it,
 * one at a time. The firmware sends them from its exception vector, or
 * through C under regvisor.traplog=1 (tests/qemu/test_smp.py runs both).
 */
#define IPI_SGI		2
#define IPI_COUNT	16
#define ICC_IAR1_EL1	"S3_0_C12_C12_0"
#define ICC_EOIR1_EL1	"S3_0_C12_C12_1"
#define ICC_IGRPEN1_EL1	"S3_0_C12_C12_7"
#define ICC_PMR_EL1	"S3_0_C4_C6_0"
#define ICC_SGI1R_EL1	"S3_0_C12_C11_5"
static volatile uint64_t ipi_ready, ipi_seen, ipi_other;

static _Noreturn void ipi_receiver(uint64_t index)
{
	uint64_t sgi = GICR + index * GICR_FRAME + GICR_SGI;

	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	w32(sgi + 0x080, r32(sgi + 0x080) | 1u << IPI_SGI);	/* IGROUPR0: group 1 */
	w32(sgi + 0x100, 1u << IPI_SGI);			/* ISENABLER0 */
	__asm__ volatile("msr " ICC_PMR_EL1 ", %0\n msr " ICC_IGRPEN1_EL1 ", %1\n isb"
			 : : "r"(UINT64_C(0xff)), "r"(UINT64_C(1)) : "memory");
	ipi_ready = 1;
	__asm__ volatile("dsb sy\n sev" ::: "memory");
	while (ipi_seen + ipi_other < IPI_COUNT) {
		uint64_t iar;

		__asm__ volatile("mrs %0, " ICC_IAR1_EL1 : "=r"(iar) : : "memory");
		if ((iar & 0xffffff) >= 1020) {
			__asm__ volatile("wfi");
			continue;
		}
		if ((iar & 0xffffff) == IPI_SGI)
			ipi_seen = ipi_seen + 1;
		else
			ipi_other = ipi_other + 1;
		__asm__ volatile("msr " ICC_EOIR1_EL1 ", %0\n isb" : : "r"(iar) : "memory");
	}
	hvc(PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		;
}

static void test_ipi(unsigned int n)
{
	uint64_t spins = 0;

	if (n < 2)
		return;
	secondary_mode = 7;
	ipi_ready = ipi_seen = ipi_other = 0;
	hvc(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)secondary_start, 1);
	while (!ipi_ready && spins++ < 100000000)
		__asm__ volatile("yield");
	for (unsigned int k = 0; k < IPI_COUNT && ipi_ready; k++) {
		uint64_t before = ipi_seen + ipi_other;

		__asm__ volatile("msr " ICC_SGI1R_EL1 ", %0\n isb"
				 : : "r"((uint64_t)IPI_SGI << 24 | 1u << 1) : "memory");
		for (spins = 0; ipi_seen + ipi_other == before && spins < 100000000; spins++)
			__asm__ volatile("yield");
	}
	/* Its CPU_OFF line first: the firmware's lines and the guest's would mix. */
	for (spins = 0; affinity(1) != AFF_OFF && spins < 200000000; spins++)
		__asm__ volatile("yield");
	report(ipi_ready && ipi_seen == IPI_COUNT && !ipi_other,
	       "ipi: vCPU 1 took the %u SGI %u vCPU 0 sent it, one by one (%lu, %lu others)",
	       IPI_COUNT, IPI_SGI, ipi_seen, ipi_other);
	secondary_mode = 0;
}

/*
 * IPIs to itself, into its own list registers (the vector's, or C's under
 * regvisor.traplog=1): SGIs masked by PMR stay pending, however often
 * sent, and arrive once each when unmasked; one sent again while it is
 * active arrives again after its EOI; more at once than list registers
 * (C queues the rest) arrive each once. Polled with DAIF masked.
 */
#define SELF_SGI	4
#define SELF_PRIO	0x50
#define SELF_MANY	8	/* SGIs 0..7: more than QEMU's 4 list registers */

static void self_sgi(unsigned int intid)
{
	__asm__ volatile("msr " ICC_SGI1R_EL1 ", %0\n isb"
			 : : "r"((uint64_t)intid << 24 | 1u << 0) : "memory");
}

static void self_pmr(uint64_t pmr)
{
	__asm__ volatile("msr " ICC_PMR_EL1 ", %0\n isb" : : "r"(pmr) : "memory");
}

/* INTIDs acknowledged (IAR1) until a spurious one, each EOIed at once unless keep: as a mask. */
static uint32_t self_take(bool keep, unsigned int *count)
{
	uint32_t got = 0;

	for (*count = 0; *count < 64; (*count)++) {
		uint64_t iar;

		__asm__ volatile("mrs %0, " ICC_IAR1_EL1 : "=r"(iar) : : "memory");
		if ((iar & 0xffffff) >= 1020)
			break;
		got |= 1u << (iar & 31);
		if (!keep)
			__asm__ volatile("msr " ICC_EOIR1_EL1 ", %0\n isb" : : "r"(iar) : "memory");
	}
	return got;
}

static void test_ipi_self(void)
{
	uint64_t sgi = GICR + GICR_SGI;		/* vCPU 0's */
	uint32_t got, again, rest, group, prio0, prio1, enabled;
	unsigned int n, n_again, n_rest;
	uint64_t pmr, grpen1;

	if (!((read_sysreg(id_aa64pfr0_el1) >> 24) & 0xf))
		return;		/* no GIC system registers */
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	/* All put back after: a later save for an older version needs the GIC at reset. */
	group = r32(sgi + 0x080);
	prio0 = r32(sgi + 0x400);
	prio1 = r32(sgi + 0x404);
	enabled = r32(sgi + 0x100);
	__asm__ volatile("mrs %0, " ICC_PMR_EL1 "\n mrs %1, " ICC_IGRPEN1_EL1
			 : "=r"(pmr), "=r"(grpen1) : : "memory");
	w32(sgi + 0x080, r32(sgi + 0x080) | 0xffu);		/* IGROUPR0: SGIs 0..7 group 1 */
	for (unsigned int i = 0; i < SELF_MANY; i += 4)		/* IPRIORITYR: each at 0x50 */
		w32(sgi + 0x400 + i, SELF_PRIO * UINT32_C(0x01010101));
	w32(sgi + 0x100, 0xffu);				/* ISENABLER0 */
	self_pmr(SELF_PRIO - 0x10);				/* masks them */
	__asm__ volatile("msr " ICC_IGRPEN1_EL1 ", %0\n isb" : : "r"(UINT64_C(1)) : "memory");
	for (unsigned int k = 0; k < 3; k++)
		self_sgi(SELF_SGI);
	got = self_take(false, &n);
	report(!n, "ipi-self: an SGI to itself under PMR stays pending (%u taken)", n);
	self_pmr(0xff);
	got = self_take(true, &n);		/* not EOIed: active */
	self_sgi(SELF_SGI);			/* active and pending */
	again = self_take(true, &n_again);
	__asm__ volatile("msr " ICC_EOIR1_EL1 ", %0\n isb" : : "r"((uint64_t)SELF_SGI) : "memory");
	rest = self_take(false, &n_rest);
	report(n == 1 && got == 1u << SELF_SGI && !n_again && !again && n_rest == 1 &&
	       rest == 1u << SELF_SGI,
	       "ipi-self: sent three times it arrives once, sent while active once more after its "
	       "EOI (%u, %u, %u taken)", n, n_again, n_rest);
	self_pmr(SELF_PRIO - 0x10);
	for (unsigned int i = 0; i < SELF_MANY; i++)
		self_sgi(i);
	self_pmr(0xff);
	got = self_take(false, &n);
	report(n == SELF_MANY && got == (1u << SELF_MANY) - 1,
	       "ipi-self: %u SGIs at once, more than list registers, arrive each once (%u taken, "
	       "mask 0x%x)", SELF_MANY, n, got);
	w32(sgi + 0x180, 0xffu & ~enabled);			/* ICENABLER0 */
	w32(sgi + 0x400, prio0);
	w32(sgi + 0x404, prio1);
	w32(sgi + 0x080, group);
	self_pmr(pmr);
	__asm__ volatile("msr " ICC_IGRPEN1_EL1 ", %0\n isb" : : "r"(grpen1) : "memory");
}

static const char *const hostile_names[] = {
	"gicd-icenabler-33", "gicd-igroupr-33", "gicd-ctlr-0", "gicd-ipriorityr-33",
	"gicd-isactiver-33", "gicd-irouter-33-offline", "gicr-icenabler0-sgi15",
	"gicr-ipriorityr-sgi15", "gicr-igroupr0-sgi15", "cpu-on-then-stop",
};

_Noreturn void test_hostile(unsigned int what)
{
	unsigned int n = count_vcpus();

	if (what >= sizeof(hostile_names) / sizeof(hostile_names[0])) {
		report(false, "hostile: no action %u", what);
		report_exit();
	}
	switch (what) {
	case 0:
		w32(GICD + 0x180 + 4, UINT32_MAX);	/* ICENABLER1: SPIs 32..63 off */
		break;
	case 1:
		w32(GICD + 0x080 + 4, 0);		/* IGROUPR1: SPIs 32..63 to group 0 */
		break;
	case 2:
		w32(GICD + 0x000, 0);			/* CTLR: both groups off */
		report((r32(GICD) & 3) == 0, "hostile: GICD_CTLR reads the guest's 0 enables");
		break;
	case 3:
		w32(GICD + 0x400 + 32, UINT32_MAX);	/* IPRIORITYR: 32..35 at 0xff (masked) */
		break;
	case 4:
		w32(GICD + 0x300 + 4, UINT32_MAX);	/* ISACTIVER1: SPIs 32..63 active */
		break;
	case 5:					/* IROUTER: the console SPI to vCPU 1, then it goes off */
		w64(GICD + 0x6000 + CONSOLE_SPI * 8, 1);
		if (n > 1) {
			secondary_mode = 4;
			hvc(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)secondary_start, 1);
			report(wait_until(is_off, 1), "hostile: vCPU 1 went off");
		}
		n = 1;
		break;
	case 9:		/* vCPU 1 on its way up when the boot vCPU stops them all (onfault=monitor) */
		secondary_mode = 2;
		if (n > 1)
			hvc(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)secondary_start, 1);
		(void)*(volatile uint32_t *)(uintptr_t)UINT64_C(0x100000);	/* no memory there */
		for (;;)
			__asm__ volatile("wfe");
	default:
		start_stuck(false, n);	/* each redistributor's CPU running: its vgic_cpu_init done */
		for (unsigned int i = 0; i < n; i++) {
			uint64_t sgi = GICR + i * GICR_FRAME + GICR_SGI;

			if (what == 6)
				w32(sgi + 0x180, UINT32_MAX);	/* ICENABLER0: SGIs, PPIs off */
			else if (what == 7)
				w32(sgi + 0x400 + 12, UINT32_MAX);	/* SGIs 12..15 at 0xff */
			else
				w32(sgi + 0x080, 0);		/* IGROUPR0: all to group 0 */
		}
		break;
	}
	report_info("hostile: %s done", hostile_names[what]);
	test_stuck_n(false, n);
}

/*
 * The virtual timer (PPI 27, hardware-linked) pending in a list register
 * when the guest resets: after SYSTEM_RESET it must interrupt again. The
 * guest polls its virtual CPU interface with DAIF masked (no handler).
 */
#define TIMER_PPI		27
#define TIMER_MAGIC		UINT64_C(0x74696d6572727374)
#define ICC_IAR1		"S3_0_C12_C12_0"
#define ICC_EOIR1		"S3_0_C12_C12_1"
#define ICC_HPPIR1		"S3_0_C12_C12_2"
#define ICC_PMR			"S3_0_C4_C6_0"
#define ICC_IGRPEN1		"S3_0_C12_C12_7"
static volatile uint64_t timer_marker __attribute__((section(".noinit")));

static uint64_t icc_read(int which)
{
	uint64_t v;

	if (which)
		__asm__ volatile("mrs %0, " ICC_IAR1 : "=r"(v) : : "memory");
	else
		__asm__ volatile("mrs %0, " ICC_HPPIR1 : "=r"(v) : : "memory");
	return v & 0xffffff;
}

/* The timer firing now, PPI 27 on, group 1, the virtual interface open; DAIF masked. */
static void timer_fire(void)
{
	uint64_t sgi = GICR + (read_sysreg(mpidr_el1) & 0xff) * GICR_FRAME + GICR_SGI;

	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	w32(sgi + 0x080, UINT32_MAX);				/* IGROUPR0: group 1 */
	w32(sgi + 0x100, UINT32_C(1) << TIMER_PPI);		/* ISENABLER0 */
	__asm__ volatile("msr " ICC_PMR ", %0\n msr " ICC_IGRPEN1 ", %1\n isb"
			 : : "r"(UINT64_C(0xff)), "r"(UINT64_C(1)) : "memory");
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntv_ctl_el0, 1);				/* enabled, unmasked: fires */
	__asm__ volatile("isb" ::: "memory");
}

/* Wait for `which` (0: seen pending, 1: acknowledged) to give the timer; bounded. */
static bool timer_seen(int which)
{
	uint64_t end = read_sysreg(cntvct_el0) + 5 * read_sysreg(cntfrq_el0);

	while (read_sysreg(cntvct_el0) < end)
		if (icc_read(which) == TIMER_PPI)
			return true;
	return false;
}

/* vCPU 1: the timer pending (first run), or taken (again), then CPU_OFF. */
static volatile uint64_t timer_result[2];
static void timer_secondary(bool again)
{
	timer_fire();
	timer_result[again] = timer_seen(again) ? 1 : 2;
	if (again) {
		write_sysreg(cntv_ctl_el0, 0);
		__asm__ volatile("msr " ICC_EOIR1 ", %0\n isb" : : "r"(UINT64_C(TIMER_PPI)) : "memory");
	}
	hvc(PSCI_CPU_OFF, 0, 0, 0);
}

_Noreturn void test_timer_reset(void)
{
	if (timer_marker != TIMER_MAGIC) {
		if (count_vcpus() > 1) {	/* the same with CPU_OFF and CPU_ON */
			for (uint64_t again = 0; again < 2; again++) {
				secondary_mode = 5 + again;
				hvc(PSCI_CPU_ON64, 1, (uint64_t)(uintptr_t)secondary_start, 1);
				while (!timer_result[again])
					__asm__ volatile("yield");
				report(wait_until(is_off, 1), "timer-off: vCPU 1 off (run %lu)", again);
			}
			report(timer_result[0] == 1, "timer-off: the timer pending in vCPU 1's GIC");
			report(timer_result[1] == 1,
			       "timer-off: vCPU 1's timer interrupts again after CPU_OFF and CPU_ON");
		}
		timer_marker = TIMER_MAGIC;
		timer_fire();
		report(timer_seen(0), "timer-reset: the virtual timer is pending in the guest's GIC");
		report_info("timer-reset: resetting with it pending");
		hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
		report(false, "timer-reset: SYSTEM_RESET returned");
		report_exit();
	}
	timer_marker = 0;
	timer_fire();
	report(timer_seen(1), "timer-reset: the virtual timer interrupts again after the reset");
	write_sysreg(cntv_ctl_el0, 0);
	__asm__ volatile("msr " ICC_EOIR1 ", %0\n isb" : : "r"(UINT64_C(TIMER_PPI)) : "memory");
	report_exit();
}

/*
 * Narrow and sign-extending loads of emulated registers read the bytes they
 * name, as from memory: GICD_IROUTER<40> (IRM set, so any vCPU count keeps
 * it) and the console's UARTCR.
 */
#define LD(insn, addr) ({ uint64_t __v; __asm__ volatile(insn " %0, [%1]" : "=r"(__v) : "r"(addr) : "memory"); __v; })

void test_mmio_set_clear_bytes(void);

void test_mmio_set_clear_bytes(void);
void test_mmio_id_loads(void);

_Noreturn void test_mmio_sizes(void)
{
	uint64_t r = GICD + 0x6000 + 40 * 8, cr = UINT64_C(0x09000000) + 0x30, c;

	w64(r, UINT64_C(0x80000000));
	report(LD("ldr", r) == UINT64_C(0x80000000), "mmio: IROUTER<40> reads 0x80000000 (0x%lx)",
	       LD("ldr", r));
	report(LD("ldrb %w0, [%1]\n //", r) == 0, "mmio: LDRB of its byte 0 is 0 (0x%lx)",
	       LD("ldrb %w0, [%1]\n //", r));
	report(LD("ldrb %w0, [%1]\n //", r + 3) == 0x80, "mmio: LDRB of its byte 3 is 0x80 (0x%lx)",
	       LD("ldrb %w0, [%1]\n //", r + 3));
	report(LD("ldrh %w0, [%1]\n //", r + 2) == 0x8000, "mmio: LDRH of bytes 2..3 is 0x8000 (0x%lx)",
	       LD("ldrh %w0, [%1]\n //", r + 2));
	report(LD("ldrsb", r + 3) == UINT64_C(0xffffffffffffff80),
	       "mmio: LDRSB (to X) of byte 3 is -0x80 (0x%lx)", LD("ldrsb", r + 3));
	report(LD("ldrsb", r) == 0, "mmio: LDRSB of byte 0 is 0 (0x%lx)", LD("ldrsb", r));
	report(LD("ldrsh %w0, [%1]\n //", r + 2) == UINT64_C(0xffff8000),
	       "mmio: LDRSH (to W) of bytes 2..3 is 0xffff8000 (0x%lx)", LD("ldrsh %w0, [%1]\n //", r + 2));
	w64(r, 0);
	test_mmio_set_clear_bytes();
	test_mmio_id_loads();
	c = LD("ldr %w0, [%1]\n //", cr);
	report(LD("ldrb %w0, [%1]\n //", cr) == (c & 0xff) &&
	       LD("ldrb %w0, [%1]\n //", cr + 1) == ((c >> 8) & 0xff),
	       "mmio: LDRB of UARTCR's bytes 0 and 1 (CR 0x%lx: 0x%lx 0x%lx)", c,
	       LD("ldrb %w0, [%1]\n //", cr), LD("ldrb %w0, [%1]\n //", cr + 1));
	report_exit();
}

/*
 * The GIC's identification registers: the loads the firmware answers in its
 * exception vector (LDR of the registers' own size) read what the loads it
 * takes through C read (LDRSW, sign-extending; the 64-bit GICR_TYPER as two
 * words).
 */
void test_mmio_id_loads(void)
{
	static const struct { uint64_t off; const char *name; } ids[] = {
		{ 0x0004, "GICD_TYPER" }, { 0x0008, "GICD_IIDR" }, { 0x000c, "GICD_TYPER2" },
		{ 0xffe8, "GICD_PIDR2" }, { 0xa0000 + 0xffe8, "GICR_PIDR2" },
	};
	uint64_t rd = GICD + 0xa0000, typer = LD("ldr", rd + 8);
	uint64_t lo = LD("ldr %w0, [%1]\n //", rd + 8), hi = LD("ldr %w0, [%1]\n //", rd + 12);

	for (unsigned int i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		uint64_t answered = LD("ldr %w0, [%1]\n //", GICD + ids[i].off);
		uint64_t by_c = LD("ldrsw", GICD + ids[i].off) & UINT32_MAX;

		report(answered == by_c, "mmio: %s reads 0x%lx by LDR and by LDRSW (0x%lx)", ids[i].name,
		       answered, by_c);
	}
	report(typer == (lo | hi << 32) && (typer >> 32) == 0 /* Aff 0: vCPU 0 */ && (typer & 0x10),
	       "mmio: GICR_TYPER reads 0x%lx whole and as two words (0x%lx 0x%lx)", typer, hi, lo);
}

/* A byte of a write-1-to-clear register clears only its own 1 bits. */
void test_mmio_set_clear_bytes(void)
{
	uint64_t isen = GICD + 0x100 + 4, icen = GICD + 0x180 + 4;
	uint32_t both = UINT32_C(1) << (40 - 32) | UINT32_C(1) << (48 - 32), after;

	w32(GICD + 0x080 + 4, UINT32_MAX);		/* group 1, as any OS sets them */
	w32(isen, both);				/* SPIs 40 and 48 on */
	*(volatile uint8_t *)(uintptr_t)icen = 1;	/* byte 0: SPI 32 off, nothing else */
	after = r32(isen) & both;
	w32(icen, both);
	report(after == both, "mmio: STRB to GICD_ICENABLER1 byte 0 leaves SPIs 40, 48 on (0x%x)",
	       after);
}
