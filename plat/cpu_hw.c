/* Small reads of the boot CPU's identity. */
#include "plat/plat.h"

unsigned int cpu_current_el(void)
{
	uint64_t el;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	return (unsigned int)((el >> 2) & 3);
}

uint64_t cpu_midr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, midr_el1" : "=r"(v));
	return v;
}

uint64_t cpu_mpidr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v;
}

/* Write [addr, addr + size) back to memory, for a reader with its caches or MMU off. */
void cpu_clean_to_poc(uint64_t addr, uint64_t size)
{
	for (uint64_t a = addr & ~UINT64_C(63); a < addr + size; a += 64)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish\n ic iallu\n dsb ish\n isb" ::: "memory");
}

void cpu_halt(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

/* The counters: physical, the guest's virtual (through CNTVOFF_EL2), their frequency. */
uint64_t cpu_counter(void)
{
	uint64_t v;

	__asm__ volatile("isb\n mrs %0, cntpct_el0" : "=r"(v));
	return v;
}

uint64_t cpu_virtual_counter(void)
{
	uint64_t v;

	__asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

uint64_t cpu_counter_frequency(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}
