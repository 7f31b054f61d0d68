/*
 * The PMU as an instruction counter for benchmarks (Arm ARM D13): event
 * counter 0 counts INST_RETIRED (0x08) at EL1 and, with PMEVTYPER0.NSH,
 * at EL2. Under QEMU it is exact only with -icount; otherwise it reads 0,
 * which pmu_check() catches.
 */
#include "el2/bench.h"

#define PMCR_E			BIT64(0)
#define PMCR_P			BIT64(1)
#define PMCR_N_SHIFT		11
#define PMEVTYPER_NSH		BIT64(27)
#define EVT_INST_RETIRED	UINT64_C(0x08)
#define MDCR_EL2_HPMN_MASK	UINT64_C(0x1f)

#define MDCR_EL2_TPMCR		BIT64(5)
#define MDCR_EL2_TPM		BIT64(6)

uint64_t pmu_mdcr_for_guest(bool reachable)
{
	uint64_t pmcr, mdcr;

	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
	mdcr = (pmcr >> PMCR_N_SHIFT) & MDCR_EL2_HPMN_MASK;
	return reachable ? mdcr : mdcr | MDCR_EL2_TPM | MDCR_EL2_TPMCR;
}

void pmu_init(void)
{
	uint64_t pmcr, mdcr;

	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
	/* Every counter stays reachable from EL1, so the guest can read counter 0. */
	__asm__ volatile("mrs %0, mdcr_el2" : "=r"(mdcr));
	mdcr = (mdcr & ~MDCR_EL2_HPMN_MASK) | ((pmcr >> PMCR_N_SHIFT) & MDCR_EL2_HPMN_MASK);
	__asm__ volatile(
		"msr	mdcr_el2, %0\n"
		"msr	pmevtyper0_el0, %1\n"
		"msr	pmcntenset_el0, %2\n"
		"msr	pmcr_el0, %3\n"
		"isb\n"
		: : "r"(mdcr), "r"(EVT_INST_RETIRED | PMEVTYPER_NSH), "r"(UINT64_C(1)),
		    "r"(PMCR_E | PMCR_P));
}

uint64_t pmu_read(void)
{
	uint64_t v;

	__asm__ volatile("isb\n mrs %0, pmevcntr0_el0\n isb" : "=r"(v));
	return v;
}

/* A loop of known length: 1000 iterations of SUBS + B.NE. */
uint64_t pmu_known_loop(void)
{
	uint64_t before = pmu_read(), after;
	uint64_t n = 1000;

	__asm__ volatile("1: subs %0, %0, #1\n b.ne 1b" : "+r"(n) : : "cc");
	after = pmu_read();
	return after - before;
}
