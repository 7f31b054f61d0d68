/*
 * Per-CPU state and the locks between CPUs. TPIDR_EL2 holds the running
 * CPU's struct vcpu from its first instruction in C (boot/head.S) on.
 */
#include "el2/vcpu.h"

struct vcpu *vcpu_current(void)
{
	struct vcpu *v;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(v));
	return v;
}

void vcpu_set_current(struct vcpu *v)
{
	__asm__ volatile("msr tpidr_el2, %0" : : "r"(v) : "memory");
}

void vcpu_write_cntvoff(uint64_t off)
{
	__asm__ volatile("msr cntvoff_el2, %0\n isb" : : "r"(off) : "memory");
}

void vcpu_hw_id_view(uint64_t midr, uint64_t mpidr, uint64_t cnthctl, uint64_t hcr)
{
	__asm__ volatile("msr vpidr_el2, %0\n msr vmpidr_el2, %1\n msr cnthctl_el2, %2\n"
			 " msr hcr_el2, %3\n isb"
			 : : "r"(midr), "r"(mpidr), "r"(cnthctl), "r"(hcr));
}

/* ID_AA64MMFR1_EL1.HCX [43:40]: HCRX_EL2 exists. */
void vcpu_hw_hcrx_clear(void)
{
	uint64_t mmfr1;

	__asm__ volatile("mrs %0, S3_0_C0_C7_1" : "=r"(mmfr1));
	if ((mmfr1 >> 40) & 0xf)	/* everything off: TPIDR2_EL0 (EnTP2 0) traps, as SME is hidden */
		__asm__ volatile("msr S3_4_C1_C2_2, xzr\n isb");
}

void vcpu_hw_controls(const struct el2_controls *c)
{
	__asm__ volatile(
		"msr	vttbr_el2, %0\n"
		"msr	vtcr_el2, %1\n"
		"msr	cptr_el2, %2\n"
		"msr	cnthctl_el2, %3\n"
		"msr	cntvoff_el2, %4\n"
		"msr	hcr_el2, %5\n"
		"msr	mdcr_el2, %6\n"
		"isb\n"
		"tlbi	vmalls12e1\n"
		"dsb	ish\n"
		"isb\n"
		: : "r"(c->vttbr), "r"(c->vtcr), "r"(c->cptr), "r"(c->cnthctl), "r"(c->cntvoff),
		    "r"(c->hcr), "r"(c->mdcr)
		: "memory");
}

uint64_t vcpu_hw_fault_ipa_page(void)
{
	uint64_t hpfar;

	__asm__ volatile("mrs %0, hpfar_el2" : "=r"(hpfar));
	return (hpfar >> 4) << 12;
}

/*
 * The guest's stage-1 and stage-2 translation of va for a read (AT S12E1R),
 * PAR_EL1 kept as the guest left it. False when va does not translate.
 */
bool vcpu_hw_translate(uint64_t va, uint64_t *pa)
{
	uint64_t saved, par;

	__asm__ volatile("mrs %0, par_el1" : "=r"(saved));
	__asm__ volatile("at s12e1r, %1\n isb\n mrs %0, par_el1" : "=r"(par) : "r"(va));
	__asm__ volatile("msr par_el1, %0\n isb" : : "r"(saved));
	if (par & 1)
		return false;
	*pa = (par & UINT64_C(0x0000fffffffff000)) | (va & 0xfff);
	return true;
}

void cpu_wait_event(void)
{
	__asm__ volatile("wfe" ::: "memory");
}

void cpu_send_event(void)
{
	__asm__ volatile("dsb ish\n sev" ::: "memory");
}

void cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

/* Test-and-test-and-set: spin on a plain load, retry the swap once free. */
void spin_lock(int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			cpu_relax();
}

void spin_unlock(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}
