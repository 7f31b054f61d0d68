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

void cpu_wait_event(void)
{
	__asm__ volatile("wfe" ::: "memory");
}

void cpu_send_event(void)
{
	__asm__ volatile("dsb ish\n sev" ::: "memory");
}

/* Test-and-test-and-set: spin on a plain load, retry the swap once free. */
void spin_lock(int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			__asm__ volatile("yield");
}

void spin_unlock(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}
