/* Small reads of the boot CPU's identity. */
#include "boot/main.h"

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
