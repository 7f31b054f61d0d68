/*
 * A compiler barrier: the compiler must assume *p is read and changed
 * here, so a benchmark loop is not folded away. No instruction is emitted.
 */
#ifndef EL2_BARRIER_HW_H
#define EL2_BARRIER_HW_H

static inline void opaque(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

#endif
